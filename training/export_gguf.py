"""Exports training/work/ckpt.pt + tokenizer.model to a llama.cpp GGUF (arch `llama`).

Uses gguf-py from llama.cpp's source, cloned from the bundle shipped with node-llama-cpp:
    git clone node_modules/node-llama-cpp/llama/gitRelease.bundle /tmp/llama.cpp-src
(done automatically when missing). RoPE is interleaved in model.py (= ggml rope mode 0), so Q/K
need no permutation. Embeddings are tied: no output.weight, llama.cpp then reuses token_embd.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import numpy as np
import torch
import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, 'work')
LLAMA_SRC = os.environ.get('LLAMA_CPP_SRC', '/tmp/llama.cpp-src')
SPECIALS = ['<|system|>', '<|user|>', '<|assistant|>', '<|end|>']


def kefu_jinja_template() -> str:
    """Reads KEFU_JINJA_TEMPLATE from src/llm/chat-template.ts so the two never drift apart."""
    src = open(os.path.join(ROOT, 'src', 'llm', 'chat-template.ts'), encoding='utf-8').read()
    m = re.search(r'export const KEFU_JINJA_TEMPLATE\s*=\s*(.+?);\n', src, re.S)
    if not m:
        raise SystemExit('KEFU_JINJA_TEMPLATE not found in src/llm/chat-template.ts')
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\'', m.group(1))
    out = ''.join(a or b for a, b in parts)
    return out.replace('\\n', '\n').replace("\\'", "'").replace('\\"', '"')


def import_gguf():
    if not os.path.isdir(os.path.join(LLAMA_SRC, 'gguf-py')):
        bundle = os.path.join(ROOT, 'node_modules', 'node-llama-cpp', 'llama', 'gitRelease.bundle')
        subprocess.run(['git', 'clone', '-q', bundle, LLAMA_SRC], check=True)
    sys.path.insert(0, os.path.join(LLAMA_SRC, 'gguf-py'))
    import gguf  # noqa: E402
    return gguf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default=os.path.join(WORK, 'ckpt.pt'))
    ap.add_argument('--tokenizer', default=os.path.join(WORK, 'tokenizer.model'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'models', 'kefu-tiny-zh-en.gguf'))
    ap.add_argument('--type', choices=['f16', 'f32', 'q8_0'], default='f16')
    ap.add_argument('--context', type=int, default=0, help='context_length written (default: training seq length)')
    args = ap.parse_args()
    gguf = import_gguf()

    ck = torch.load(args.ckpt, map_location='cpu')
    cfg = ck['config']
    sd = {k: v.float().numpy() for k, v in ck['model'].items()}
    sp = spm.SentencePieceProcessor(model_file=args.tokenizer)
    assert sp.get_piece_size() == cfg['vocab_size']

    w = gguf.GGUFWriter(args.out, 'llama')
    w.add_name('kefu-tiny-zh-en')
    w.add_context_length(args.context or cfg['max_seq'])
    w.add_embedding_length(cfg['dim'])
    w.add_block_count(cfg['n_layers'])
    w.add_feed_forward_length(cfg['ffn_dim'])
    w.add_head_count(cfg['n_heads'])
    w.add_head_count_kv(cfg['n_heads'])
    w.add_layer_norm_rms_eps(cfg['norm_eps'])
    w.add_rope_dimension_count(cfg['dim'] // cfg['n_heads'])
    w.add_rope_freq_base(cfg['rope_theta'])
    w.add_vocab_size(cfg['vocab_size'])
    ftype = {'f32': gguf.LlamaFileType.ALL_F32, 'f16': gguf.LlamaFileType.MOSTLY_F16, 'q8_0': gguf.LlamaFileType.MOSTLY_Q8_0}[args.type]
    w.add_file_type(ftype)

    tokens, scores, types = [], [], []
    for i in range(sp.get_piece_size()):
        piece = sp.id_to_piece(i)
        tokens.append(piece.encode('utf-8'))
        scores.append(sp.get_score(i))
        if piece == '<|end|>':
            # It ends every turn (EOS/EOT): llama.cpp expects end-of-generation tokens to be control tokens.
            t = gguf.TokenType.CONTROL
        elif piece in SPECIALS:
            t = gguf.TokenType.USER_DEFINED
        elif sp.is_unknown(i):
            t = gguf.TokenType.UNKNOWN
        elif sp.is_control(i):
            t = gguf.TokenType.CONTROL
        elif sp.is_byte(i):
            t = gguf.TokenType.BYTE
        elif sp.is_unused(i):
            t = gguf.TokenType.UNUSED
        else:
            t = gguf.TokenType.NORMAL
        types.append(int(t))
    end_id = sp.piece_to_id('<|end|>')
    w.add_tokenizer_model('llama')
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_unk_token_id(sp.unk_id())
    w.add_bos_token_id(sp.bos_id())
    w.add_eos_token_id(end_id)
    w.add_eot_token_id(end_id)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)
    w.add_chat_template(kefu_jinja_template())

    def put(name: str, arr: np.ndarray, matrix: bool):
        if not matrix or args.type == 'f32':
            w.add_tensor(name, arr.astype(np.float32))
        elif args.type == 'f16':
            w.add_tensor(name, arr.astype(np.float16))
        else:
            q = gguf.quants.quantize(arr.astype(np.float32), gguf.GGMLQuantizationType.Q8_0)
            w.add_tensor(name, q, raw_shape=q.shape, raw_dtype=gguf.GGMLQuantizationType.Q8_0)

    put('token_embd.weight', sd['tok_embeddings.weight'], True)
    put('output_norm.weight', sd['norm.weight'], False)
    names = {'attention.wq': 'attn_q', 'attention.wk': 'attn_k', 'attention.wv': 'attn_v', 'attention.wo': 'attn_output',
             'feed_forward.w1': 'ffn_gate', 'feed_forward.w3': 'ffn_up', 'feed_forward.w2': 'ffn_down'}
    for l in range(cfg['n_layers']):
        put(f'blk.{l}.attn_norm.weight', sd[f'layers.{l}.attention_norm.weight'], False)
        put(f'blk.{l}.ffn_norm.weight', sd[f'layers.{l}.ffn_norm.weight'], False)
        for src, dst in names.items():
            put(f'blk.{l}.{dst}.weight', sd[f'layers.{l}.{src}.weight'], True)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    n = sum(v.size for v in sd.values())
    print(f'wrote {args.out}: {args.type}, {n/1e6:.2f}M params, {os.path.getsize(args.out)/1e6:.1f} MB, step {ck["step"]}')


if __name__ == '__main__':
    main()
