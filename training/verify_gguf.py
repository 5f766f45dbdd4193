"""Checks the exported GGUF against PyTorch: same prompt tokens (SentencePiece vs llama.cpp) and the
same greedy tokens for the first N generated tokens, through node-llama-cpp (training/llama-generate.ts).
Writes training/work/verify.json and exits non-zero on a mismatch.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import torch
import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, 'work')
sys.path.insert(0, HERE)
from model import Config, Llama  # noqa: E402
from corpus import build_prompt, format_kefu_prompt  # noqa: E402


def load_model(path: str) -> Llama:
    ck = torch.load(path, map_location='cpu')
    cfg = Config(**ck['config'])
    m = Llama(cfg)
    m.load_state_dict(ck['model'])
    m.eval()
    return m


def run_llama(model_path: str, prompts: list[list[dict]], max_tokens: int, threads: int = 1) -> dict:
    # per process: evaluations of two models may run at the same time
    inp, out = os.path.join(WORK, f'llama_in.{os.getpid()}.json'), os.path.join(WORK, f'llama_out.{os.getpid()}.json')
    json.dump({'modelPath': os.path.abspath(model_path), 'maxTokens': max_tokens, 'threads': threads,
               'prompts': [{'messages': p} for p in prompts]}, open(inp, 'w'), ensure_ascii=False)
    res = subprocess.run(['npx', 'tsx', os.path.join('training', 'llama-generate.ts'), inp, out], cwd=ROOT,
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f'llama-generate.ts failed:\n{res.stdout[-2000:]}\n{res.stderr[-3000:]}')
    return json.load(open(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--gguf', default=os.path.join(ROOT, 'models', 'kefu-tiny-zh-en.gguf'))
    ap.add_argument('--ckpt', default=os.path.join(WORK, 'ckpt.pt'))
    ap.add_argument('--n', type=int, default=6)
    ap.add_argument('--tokens', type=int, default=20)
    args = ap.parse_args()
    torch.set_num_threads(2)
    sp = spm.SentencePieceProcessor(model_file=os.path.join(WORK, 'tokenizer.model'))
    end_id = sp.piece_to_id('<|end|>')
    model = load_model(args.ckpt)
    rows = [json.loads(l) for l in open(os.path.join(WORK, 'corpus.eval.jsonl'), encoding='utf-8')]
    # a spread of languages and types, multi-turn included
    picks, seen = [], set()
    for r in rows:
        key = (r['lang'], r['type'])
        if key not in seen:
            seen.add(key)
            picks.append(r)
        if len(picks) >= args.n:
            break
    prompts = [build_prompt(r['user'], r['passages'], r['history'], r['lang']) for r in picks]
    ll = run_llama(args.gguf, prompts, args.tokens)
    report, ok = [], True
    for r, msgs, res in zip(picks, prompts, ll['results']):
        text = format_kefu_prompt(msgs)
        sp_ids = [1] + sp.encode(text)
        torch_ids = model.generate_greedy(sp_ids, args.tokens, end_id)
        llama_ids = [t for t in res['tokens'] if t != end_id][:args.tokens]
        same_prompt = sp_ids == res['promptTokens']
        n = min(len(torch_ids), len(llama_ids), args.tokens)
        same_gen = torch_ids[:n] == llama_ids[:n] and (len(torch_ids) >= args.tokens) == (len(llama_ids) >= args.tokens)
        ok = ok and same_prompt and same_gen
        report.append({'type': r['type'], 'lang': r['lang'], 'prompt_tokens': len(sp_ids), 'same_prompt_tokens': same_prompt,
                       'same_greedy_tokens': same_gen, 'torch': sp.decode(torch_ids), 'llama': res['text']})
        print(f"[{r['lang']} {r['type']}] prompt {len(sp_ids)} tok, prompt ids equal: {same_prompt}, greedy equal: {same_gen}\n"
              f"  torch: {sp.decode(torch_ids)!r}\n  llama: {res['text']!r}")
    summary = {'ok': ok, 'cases': report, 'llama_tokens_per_second': ll['tokensPerSecond'], 'gguf': args.gguf,
               'eos_id': ll['eog'], 'eot_id': ll['eot']}
    json.dump(summary, open(os.path.join(WORK, 'verify.json'), 'w'), ensure_ascii=False, indent=1)
    print(f"verify: {'OK' if ok else 'MISMATCH'}; node-llama-cpp greedy speed {ll['tokensPerSecond']:.0f} tok/s (1 thread)")
    if not ok:
        sys.exit(1)


if __name__ == '__main__':
    main()
