"""Splits a training checkpoint into fp16 shards under a size limit, and joins them back.

For moving a model trained on another machine (a rented GPU, say) through a channel that caps file
size. Shards hold the weights in fp16 (what the shipped GGUF holds anyway); `join` restores float32
tensors and the checkpoint's metadata so export_gguf.py, verify_gguf.py and lora.py read it as usual.

  python3 training/ckpt_shards.py split training/work/ckpt.pt OUT_DIR [--max-mb 15]
  python3 training/ckpt_shards.py join OUT_DIR training/work/ckpt.pt
"""
from __future__ import annotations

import argparse
import glob
import os

import torch


def split(ckpt_path: str, out_dir: str, max_mb: float) -> None:
    ck = torch.load(ckpt_path, map_location='cpu', weights_only=False)
    os.makedirs(out_dir, exist_ok=True)
    meta = {k: v for k, v in ck.items() if k != 'model'}
    shards: list[dict] = [{}]
    size = 0
    for name, t in ck['model'].items():
        t = t.to(torch.float16) if t.is_floating_point() else t
        n = t.numel() * t.element_size()
        if size and size + n > max_mb * 1024 * 1024:
            shards.append({})
            size = 0
        shards[-1][name] = t
        size += n
    for i, sh in enumerate(shards):
        torch.save({'meta': meta if i == 0 else None, 'model': sh}, os.path.join(out_dir, f'ckpt-shard-{i:02d}.pt'))
    print(f'{len(ck["model"])} tensors in {len(shards)} shards under {out_dir}')


def join(in_dir: str, ckpt_path: str) -> None:
    paths = sorted(glob.glob(os.path.join(in_dir, 'ckpt-shard-*.pt')))
    if not paths:
        raise SystemExit(f'no ckpt-shard-*.pt in {in_dir}')
    model: dict = {}
    meta = None
    for p in paths:
        sh = torch.load(p, map_location='cpu', weights_only=False)
        meta = meta or sh['meta']
        model.update({k: v.float() if v.is_floating_point() else v for k, v in sh['model'].items()})
    if meta is None:
        raise SystemExit('the first shard carries no metadata')
    tmp = ckpt_path + '.tmp'
    torch.save(meta | {'model': model}, tmp)
    os.replace(tmp, ckpt_path)
    print(f'{len(model)} tensors from {len(paths)} shards -> {ckpt_path}')


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='cmd', required=True)
    s = sub.add_parser('split')
    s.add_argument('ckpt')
    s.add_argument('out_dir')
    s.add_argument('--max-mb', type=float, default=15)
    j = sub.add_parser('join')
    j.add_argument('in_dir')
    j.add_argument('ckpt')
    a = ap.parse_args()
    split(a.ckpt, a.out_dir, a.max_mb) if a.cmd == 'split' else join(a.in_dir, a.ckpt)


if __name__ == '__main__':
    main()
