"""Trains Kefu's tiny Llama on training/work/corpus.train.txt within a wall-clock budget.

Loss only on the final assistant reply (prompt, passages and history are masked). Cosine LR schedule
over the time budget, AdamW, length-bucketed batches with a token budget, checkpoints to
training/work/ckpt.pt every few minutes, loss log in training/work/loss.csv.
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import Config, Llama  # noqa: E402

WORK = os.path.join(HERE, 'work')
SEP = '<|doc|>'


def encode_example(sp, text: str, max_seq: int):
    """Returns (ids, loss_mask) with BOS first; mask covers the final reply and its <|end|>."""
    ids = [1] + sp.encode(text)
    asst, end, nl = sp.piece_to_id('<|assistant|>'), sp.piece_to_id('<|end|>'), sp.piece_to_id('<0x0A>')
    last = max(i for i, t in enumerate(ids) if t == asst)
    start = last + 2 if last + 1 < len(ids) and ids[last + 1] == nl else last + 1
    if len(ids) > max_seq:
        return None
    mask = [0] * len(ids)
    for i in range(start, len(ids)):
        mask[i] = 1
        if ids[i] == end:
            break
    return ids, mask


def encode_texts(job):
    model_file, texts, max_seq = job
    sp = spm.SentencePieceProcessor(model_file=model_file)
    out, dropped = [], 0
    for t in texts:
        t = t.strip('\n')
        if not t:
            continue
        r = encode_example(sp, t, max_seq)
        if r is None:
            dropped += 1
        else:  # numpy, not lists of ints: a GPU-sized corpus is hundreds of millions of tokens
            out.append((np.asarray(r[0], dtype=np.int32), np.asarray(r[1], dtype=np.uint8)))
    return out, dropped


def load(model_file: str, path: str, max_seq: int, workers: int = 1):
    raw = open(path, encoding='utf-8').read().split('\n' + SEP + '\n')
    step = 2000
    jobs = [(model_file, raw[i:i + step], max_seq) for i in range(0, len(raw), step)]
    out, dropped = [], 0
    pool = multiprocessing.Pool(workers) if workers > 1 else None
    for part, d in (pool.imap(encode_texts, jobs) if pool else map(encode_texts, jobs)):
        out.extend(part)
        dropped += d
    if pool:
        pool.close()
    return out, dropped


def make_batches(examples, budget: int, rng: random.Random):
    """Length-bucketed batches whose padded size stays under `budget` tokens."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]) + rng.random())
    batches, cur, cur_max = [], [], 0
    for i in order:
        L = len(examples[i][0])
        if cur and max(cur_max, L) * (len(cur) + 1) > budget:
            batches.append(cur)
            cur, cur_max = [], 0
        cur.append(i)
        cur_max = max(cur_max, L)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(examples, idxs):
    T = max(len(examples[i][0]) for i in idxs)
    x = torch.zeros(len(idxs), T, dtype=torch.long)
    m = torch.zeros(len(idxs), T)
    if DEVICE.type == 'cuda':
        x, m = x.pin_memory(), m.pin_memory()
    for r, i in enumerate(idxs):
        ids, mask = examples[i]
        x[r, :len(ids)] = torch.as_tensor(np.asarray(ids, dtype=np.int64))
        m[r, :len(mask)] = torch.as_tensor(np.asarray(mask, dtype=np.float32))
    return x, m


DEVICE = torch.device('cpu')


def masked_loss(model, x, m):
    x, m = x.to(DEVICE, non_blocking=True), m.to(DEVICE, non_blocking=True)
    if DEVICE.type == 'cuda':  # bf16 matmuls on the GPU; the loss itself in fp32
        with torch.autocast('cuda', dtype=torch.bfloat16):
            logits = model(x[:, :-1])
        logits = logits.float()
    else:
        logits = model(x[:, :-1])
    tgt, mm = x[:, 1:], m[:, 1:]
    ce = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1), reduction='none')
    return (ce * mm.reshape(-1)).sum() / mm.sum().clamp(min=1), mm.sum()


@torch.no_grad()
def eval_loss(model, sp, eval_rows, max_seq: int, bs: int = 8) -> float:
    model.eval()
    exs = [r for r in (encode_example(sp, s['prompt'] + s['reply'] + '<|end|>', max_seq) for s in eval_rows) if r is not None]
    exs.sort(key=lambda e: len(e[0]))
    tot, n = 0.0, 0.0
    for i in range(0, len(exs), bs):
        x, m = collate(exs, list(range(i, min(i + bs, len(exs)))))
        loss, cnt = masked_loss(model, x, m)
        tot += float(loss) * float(cnt)
        n += float(cnt)
    model.train()
    return tot / max(n, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=45)
    ap.add_argument('--dim', type=int, default=256)
    ap.add_argument('--layers', type=int, default=6)
    ap.add_argument('--heads', type=int, default=8)
    ap.add_argument('--ffn', type=int, default=704)
    ap.add_argument('--seq', type=int, default=512)
    ap.add_argument('--batch-tokens', type=int, default=3072)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--min-lr', type=float, default=1e-4)
    ap.add_argument('--warmup', type=int, default=30)
    ap.add_argument('--attn', default=None, help="loop | bmm | sdpa (default: sdpa on a GPU, bmm on the CPU)")
    ap.add_argument('--device', default='auto', help='auto | cpu | cuda')
    ap.add_argument('--workers', type=int, default=1, help='processes tokenising the corpus')
    ap.add_argument('--ckpt-every', type=float, default=3.0, help='minutes')
    ap.add_argument('--eval-every', type=float, default=5.0, help='minutes')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--init', default=None, help='continue from this checkpoint: its weights, a fresh LR schedule, the loss log appended')
    ap.add_argument('--freeze-layers', type=int, default=0, help='keep the embeddings and the first N layers fixed: on a busy CPU the '
                    'backward pass then stops at layer N (fine-tuning from --init-gguf/--init)')
    ap.add_argument('--init-gguf', default=None, help='continue from the weights of this GGUF F16/F32 file (e.g. the shipped model; '
                    'its shape overrides --dim/--layers/...), a fresh LR schedule and loss log')
    args = ap.parse_args()
    global DEVICE
    DEVICE = torch.device('cuda' if args.device == 'auto' and torch.cuda.is_available() else 'cpu' if args.device == 'auto' else args.device)
    if args.attn is None:
        args.attn = 'sdpa' if DEVICE.type == 'cuda' else 'bmm'
    if DEVICE.type == 'cpu':
        torch.set_num_threads(args.threads)
    else:
        torch.backends.cuda.matmul.allow_tf32 = True
    print(f'device: {DEVICE}' + (f' ({torch.cuda.get_device_name(0)})' if DEVICE.type == 'cuda' else f', {args.threads} threads'), flush=True)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    sp = spm.SentencePieceProcessor(model_file=os.path.join(WORK, 'tokenizer.model'))
    t0 = time.time()
    train, dropped = load(os.path.join(WORK, 'tokenizer.model'), os.path.join(WORK, 'corpus.train.txt'), args.seq, args.workers)
    lens = sorted(len(e[0]) for e in train)
    sup = sum(int(np.asarray(e[1], dtype=np.int64).sum()) for e in train)
    print(f'{len(train)} train examples ({dropped} longer than {args.seq} dropped); length median {lens[len(lens)//2]}, '
          f'p95 {lens[int(len(lens)*.95)]}, max {lens[-1]}; supervised tokens {sup} of {sum(lens)}; tokenised in {time.time()-t0:.0f}s', flush=True)
    eval_rows = [json.loads(l) for l in open(os.path.join(WORK, 'corpus.eval.jsonl'), encoding='utf-8')]
    eval_sub = random.Random(1).sample(eval_rows, min(48, len(eval_rows)))

    cfg = Config(vocab_size=sp.get_piece_size(), dim=args.dim, n_layers=args.layers, n_heads=args.heads, ffn_dim=args.ffn,
                 max_seq=args.seq, attn_impl=args.attn)
    model = Llama(cfg).to(DEVICE)
    base_step, base_tokens, base_s = 0, 0, 0.0
    if args.init_gguf:
        # the GGUF is the only copy of the shipped weights: read them the way training/lora.py does
        from export_gguf import import_gguf
        from lora import load_gguf_model
        model, _ = load_gguf_model(import_gguf(), args.init_gguf)
        cfg = model.cfg
        cfg.attn_impl = args.attn
        if cfg.vocab_size != sp.get_piece_size():
            raise SystemExit(f'{args.init_gguf} has {cfg.vocab_size} tokens, the tokenizer {sp.get_piece_size()}: use the tokenizer shipped with it')
        model = model.to(DEVICE)
        print(f'continuing from the weights of {args.init_gguf}', flush=True)
    elif args.init:
        ck = torch.load(args.init, map_location=DEVICE)
        model.load_state_dict(ck['model'])
        base_step, base_tokens, base_s = ck['step'], ck['tokens'], ck['elapsed_s']
        print(f'continuing from {args.init}: step {base_step}, {base_s/60:.1f} min', flush=True)
    print(f'model: {model.num_params()/1e6:.2f}M params, {cfg.to_dict()}', flush=True)
    if args.freeze_layers:
        for name, p in model.named_parameters():
            if name.startswith('tok_embeddings.') or any(name.startswith(f'layers.{l}.') for l in range(args.freeze_layers)):
                p.requires_grad_(False)
        print(f'trainable: {sum(p.numel() for p in model.parameters() if p.requires_grad)/1e6:.2f}M (embeddings and layers 0-{args.freeze_layers - 1} fixed)', flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and p.requires_grad]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2 and p.requires_grad]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)

    budget_s = args.minutes * 60
    log_path = os.path.join(WORK, 'loss.csv')
    if args.init and os.path.exists(log_path):
        log = open(log_path, 'a')
    else:
        log = open(log_path, 'w')
        log.write('step,elapsed_s,tokens,loss,lr,eval_loss\n')

    def save(step, tokens, elapsed, final=False):
        tmp = os.path.join(WORK, 'ckpt.pt.tmp')
        # weights on the CPU and a CPU attention in the config: export, verify and LoRA run on the CPU
        torch.save({'model': {k: v.detach().cpu() for k, v in model.state_dict().items()},
                    'config': cfg.to_dict() | ({'attn_impl': 'bmm'} if cfg.attn_impl == 'sdpa' else {}), 'step': step, 'tokens': tokens,
                    'elapsed_s': elapsed, 'final': final, 'args': vars(args)}, tmp)
        os.replace(tmp, os.path.join(WORK, 'ckpt.pt'))

    start = time.time()
    last_ckpt = last_eval = start
    step, tokens, epoch = base_step, base_tokens, 0
    ema = None
    done = False
    while not done:
        batches = make_batches(train, args.batch_tokens, rng)
        epoch += 1
        for b in batches:
            elapsed = time.time() - start
            frac = min(elapsed / budget_s, 1.0)
            if frac >= 1.0:
                done = True
                break
            local = step - base_step
            lr = args.lr * min(1.0, (local + 1) / args.warmup)
            lr = args.min_lr + (lr - args.min_lr) * 0.5 * (1 + math.cos(math.pi * frac)) if local >= args.warmup else lr
            for g in opt.param_groups:
                g['lr'] = lr
            x, m = collate(train, b)
            loss, _ = masked_loss(model, x, m)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
            opt.step()
            step += 1
            tokens += x.numel()
            lv = float(loss.detach())
            ema = lv if ema is None else 0.95 * ema + 0.05 * lv
            now = time.time()
            ev = ''
            if now - last_eval > args.eval_every * 60:
                ev = f'{eval_loss(model, sp, eval_sub, args.seq):.4f}'
                last_eval = time.time()
            log.write(f'{step},{now-start+base_s:.1f},{tokens},{lv:.4f},{lr:.6f},{ev}\n')
            log.flush()
            if step % 20 == 0 or ev:
                print(f'step {step} ep {epoch} {now-start:.0f}s tokens {tokens} loss {lv:.3f} (ema {ema:.3f}) lr {lr:.2e} '
                      f'{(tokens-base_tokens)/(now-start):.0f} tok/s' + (f' eval_loss {ev}' if ev else ''), flush=True)
            if now - last_ckpt > args.ckpt_every * 60:
                save(step, tokens, now - start + base_s)
                last_ckpt = time.time()
    elapsed = time.time() - start + base_s
    ev = eval_loss(model, sp, eval_rows, args.seq)
    log.write(f'{step},{elapsed:.1f},{tokens},{ema:.4f},{args.min_lr:.6f},{ev:.4f}\n')
    log.close()
    save(step, tokens, elapsed, final=True)
    json.dump({'steps': step, 'tokens': tokens, 'elapsed_s': elapsed, 'tokens_per_s': tokens / elapsed, 'continued_from_step': base_step, 'final_train_loss_ema': ema,
               'final_eval_loss': ev, 'eval_ppl': math.exp(ev), 'params': model.num_params(), 'epochs': epoch, 'config': cfg.to_dict(),
               'device': torch.cuda.get_device_name(0) if DEVICE.type == 'cuda' else f'CPU, {args.threads} threads'},
              open(os.path.join(WORK, 'train_summary.json'), 'w'), indent=1)
    print(f'done: {step} steps, {tokens} tokens in {elapsed/60:.1f} min; eval loss {ev:.4f} (ppl {math.exp(ev):.2f})', flush=True)


if __name__ == '__main__':
    main()
