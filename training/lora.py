"""Trains a LoRA adapter for Kefu's shipped model from a `kefu finetune export` folder, on CPU.

    /usr/bin/python3 training/lora.py --data ./ft-export --out models/lora/my-adapter.gguf

The seed's configuration: r=16, alpha=32, target q_proj and v_proj (attn_q / attn_v), dropout 0.1
(read from the export's adapter_config.json, so a PEFT user and this script agree). The base
weights are read from the GGUF itself (the file users actually run), the tokenizer from the
SentencePiece model shipped next to it. The result is a GGUF LoRA adapter that llama.cpp,
node-llama-cpp (`KEFU_LORA_PATH`) and `llama-server --lora` load.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from export_gguf import import_gguf  # noqa: E402
from model import Config, Llama  # noqa: E402
from train import encode_example  # noqa: E402

DEFAULT_MODEL = os.path.join(ROOT, 'models', 'kefu-tiny-zh-en.gguf')
HF_TO_GGUF = {'q_proj': ('wq', 'attn_q'), 'k_proj': ('wk', 'attn_k'), 'v_proj': ('wv', 'attn_v'), 'o_proj': ('wo', 'attn_output')}


class LoRALinear(nn.Module):
    """y = W x + (alpha / r) * B(A(dropout(x))), W frozen; B starts at zero so training starts at the base model."""

    def __init__(self, base: nn.Linear, r: int, alpha: float, dropout: float):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        self.a = nn.Parameter(torch.empty(r, base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
        self.scale = alpha / r
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        return self.base(x) + (self.dropout(x) @ self.a.t() @ self.b.t()) * self.scale


def tensor_f32(gguf, t) -> np.ndarray:
    """A GGUF tensor as float32: F16/F32 as they are, Q8_0 (and other llama.cpp types gguf-py knows) dequantised."""
    if t.tensor_type in (gguf.GGMLQuantizationType.F32, gguf.GGMLQuantizationType.F16):
        return np.array(t.data, dtype=np.float32)
    out = gguf.quants.dequantize(np.asarray(t.data), t.tensor_type).astype(np.float32)
    return out.reshape([int(d) for d in reversed(t.shape.tolist())])


def load_gguf_model(gguf, path: str) -> tuple[Llama, dict]:
    reader = gguf.GGUFReader(path)

    def field(name):
        f = reader.fields[name]
        return f.parts[f.data[0]].tolist()[0] if len(f.data) == 1 else None

    cfg = Config(
        vocab_size=len(reader.fields['tokenizer.ggml.tokens'].data),
        dim=int(field('llama.embedding_length')),
        n_layers=int(field('llama.block_count')),
        n_heads=int(field('llama.attention.head_count')),
        ffn_dim=int(field('llama.feed_forward_length')),
        max_seq=int(field('llama.context_length')),
        rope_theta=float(field('llama.rope.freq_base')),
        norm_eps=float(field('llama.attention.layer_norm_rms_epsilon')),
        attn_impl='bmm',
    )
    tensors = {t.name: torch.from_numpy(tensor_f32(gguf, t)) for t in reader.tensors}
    model = Llama(cfg)
    names = {'attention.wq': 'attn_q', 'attention.wk': 'attn_k', 'attention.wv': 'attn_v', 'attention.wo': 'attn_output',
             'feed_forward.w1': 'ffn_gate', 'feed_forward.w3': 'ffn_up', 'feed_forward.w2': 'ffn_down'}
    sd = {'tok_embeddings.weight': tensors['token_embd.weight'], 'norm.weight': tensors['output_norm.weight']}
    for l in range(cfg.n_layers):
        sd[f'layers.{l}.attention_norm.weight'] = tensors[f'blk.{l}.attn_norm.weight']
        sd[f'layers.{l}.ffn_norm.weight'] = tensors[f'blk.{l}.ffn_norm.weight']
        for src, dst in names.items():
            sd[f'layers.{l}.{src}.weight'] = tensors[f'blk.{l}.{dst}.weight']
    model.load_state_dict(sd)
    return model, {'name': path}


def render(sp_end: str, messages: list[dict]) -> str:
    """The Kefu chat template (src/llm/chat-template.ts), ending with the reply being learnt."""
    out = ''
    for m in messages:
        out += f"<|{m['role']}|>\n{m['content']}{sp_end}\n"
    return out.rstrip('\n')


def load_split(sp, path: str, max_seq: int):
    examples, dropped = [], 0
    if not os.path.exists(path):
        return examples, dropped
    for line in open(path, encoding='utf-8'):
        line = line.strip()
        if not line:
            continue
        rec = json.loads(line)
        msgs = rec['messages']
        if not msgs or msgs[-1]['role'] != 'assistant':
            continue
        r = encode_example(sp, render('<|end|>', msgs), max_seq)
        if r is None:
            dropped += 1
        else:
            examples.append(r)
    return examples, dropped


def batch_loss(model, batch):
    T = max(len(ids) for ids, _ in batch)
    x = torch.zeros(len(batch), T, dtype=torch.long)
    y = torch.full((len(batch), T), -100, dtype=torch.long)
    for i, (ids, mask) in enumerate(batch):
        x[i, :len(ids)] = torch.tensor(ids)
        tgt = [ids[j + 1] if j + 1 < len(ids) and mask[j + 1] else -100 for j in range(len(ids))]
        y[i, :len(ids)] = torch.tensor(tgt)
    logits = model(x)
    return nn.functional.cross_entropy(logits.view(-1, logits.size(-1)), y.view(-1), ignore_index=-100)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True, help='folder written by `kefu finetune export`')
    ap.add_argument('--out', required=True, help='GGUF LoRA adapter to write')
    ap.add_argument('--model', default=DEFAULT_MODEL)
    ap.add_argument('--tokenizer', default=None, help='SentencePiece model (default: next to --model)')
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--minutes', type=float, default=15, help='stop early when this much time has passed')
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    cfg_path = os.path.join(args.data, 'adapter_config.json')
    if not os.path.exists(cfg_path):
        raise SystemExit(f'{cfg_path} not found: run `kefu finetune export -o {args.data}` first')
    peft = json.load(open(cfg_path))
    r, alpha, dropout = int(peft['r']), float(peft['lora_alpha']), float(peft.get('lora_dropout', 0.0))
    targets = [HF_TO_GGUF[t] for t in peft['target_modules'] if t in HF_TO_GGUF]
    if not targets:
        raise SystemExit(f"target_modules {peft['target_modules']} has none of {sorted(HF_TO_GGUF)}")

    tok_path = args.tokenizer or os.path.splitext(args.model)[0] + '.tokenizer.model'
    sp = spm.SentencePieceProcessor(model_file=tok_path)
    gguf = import_gguf()
    model, _ = load_gguf_model(gguf, args.model)
    for p in model.parameters():
        p.requires_grad_(False)
    for layer in model.layers:
        for attr, _ in targets:
            setattr(layer.attention, attr, LoRALinear(getattr(layer.attention, attr), r, alpha, dropout))
    trainable = [p for p in model.parameters() if p.requires_grad]
    n_train, n_all = sum(p.numel() for p in trainable), sum(p.numel() for p in model.parameters())

    train, dropped = load_split(sp, os.path.join(args.data, 'train.chat.jsonl'), model.cfg.max_seq)
    val, _ = load_split(sp, os.path.join(args.data, 'validation.chat.jsonl'), model.cfg.max_seq)
    if not train:
        raise SystemExit(f'no training examples in {args.data}/train.chat.jsonl')
    print(f'LoRA r={r} alpha={alpha:g} dropout={dropout:g} on {[g for _, g in targets]}: {n_train} trainable of {n_all} '
          f'({100 * n_train / n_all:.2f}%); {len(train)} train, {len(val)} validation examples ({dropped} too long)', flush=True)

    def val_loss():
        if not val:
            return float('nan')
        model.eval()
        with torch.no_grad():
            losses = [batch_loss(model, val[i:i + args.batch]).item() for i in range(0, len(val), args.batch)]
        model.train()
        return sum(losses) / len(losses)

    print(f'validation loss before: {val_loss():.4f}', flush=True)
    opt = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.0)
    model.train()
    start, step = time.time(), 0
    while step < args.steps and time.time() - start < args.minutes * 60:
        batch = rng.sample(train, min(args.batch, len(train)))
        lr = args.lr * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        for g in opt.param_groups:
            g['lr'] = lr
        loss = batch_loss(model, batch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        if step % 10 == 0 or step == 1:
            print(f'step {step}/{args.steps} loss {loss.item():.4f} lr {lr:.2e} {time.time() - start:.0f}s', flush=True)
    print(f'validation loss after: {val_loss():.4f} ({step} steps, {time.time() - start:.0f}s)', flush=True)

    w = gguf.GGUFWriter(args.out, 'llama')
    w.add_string('general.type', 'adapter')
    w.add_string('adapter.type', 'lora')
    w.add_float32('adapter.lora.alpha', alpha)
    w.add_string('general.name', os.path.splitext(os.path.basename(args.out))[0])
    for l, layer in enumerate(model.layers):
        for attr, name in targets:
            mod = getattr(layer.attention, attr)
            w.add_tensor(f'blk.{l}.{name}.weight.lora_a', mod.a.detach().numpy().astype(np.float32))
            w.add_tensor(f'blk.{l}.{name}.weight.lora_b', mod.b.detach().numpy().astype(np.float32))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f'wrote {args.out} ({os.path.getsize(args.out) / 1e6:.2f} MB)')


if __name__ == '__main__':
    main()
