"""Tiny Llama-architecture model (RMSNorm, interleaved RoPE, SwiGLU, no biases, tied embeddings).

Matches llama.cpp's LLAMA arch: RoPE is Meta-style interleaved (pairs (2i, 2i+1)), which equals
ggml rope mode 0, so Q/K weights are exported without permutation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    vocab_size: int = 4500
    dim: int = 256
    n_layers: int = 6
    n_heads: int = 8
    ffn_dim: int = 688
    max_seq: int = 512
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    # 'loop': per-head 2-D mm (fast on Debian's CPU torch 1.13); 'bmm': batched matmul;
    # 'sdpa': torch>=2 fused attention (on a GPU, where the loop would be launch-bound).
    attn_impl: str = 'loop'

    def to_dict(self) -> dict:
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim: int, max_seq: int, theta: float) -> tuple[torch.Tensor, torch.Tensor]:
    freqs = 1.0 / (theta ** (torch.arange(0, head_dim, 2).float() / head_dim))
    t = torch.arange(max_seq).float()
    ang = torch.outer(t, freqs)  # (T, hd/2)
    return ang.cos(), ang.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: (..., T, hd) with interleaved pairs (x[2i], x[2i+1]); cos/sin: (T, hd/2)."""
    x0 = x[..., 0::2]
    x1 = x[..., 1::2]
    r0 = x0 * cos - x1 * sin
    r1 = x0 * sin + x1 * cos
    return torch.stack((r0, r1), dim=-1).flatten(-2)


class Attention(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.n_heads = cfg.n_heads
        self.head_dim = cfg.dim // cfg.n_heads
        self.wq = nn.Linear(cfg.dim, cfg.dim, bias=False)
        self.wk = nn.Linear(cfg.dim, cfg.dim, bias=False)
        self.wv = nn.Linear(cfg.dim, cfg.dim, bias=False)
        self.wo = nn.Linear(cfg.dim, cfg.dim, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, D = x.shape
        H, hd = self.n_heads, self.head_dim
        q = self.wq(x).view(B, T, H, hd).transpose(1, 2)  # B,H,T,hd
        k = self.wk(x).view(B, T, H, hd).transpose(1, 2)
        v = self.wv(x).view(B, T, H, hd).transpose(1, 2)
        q = apply_rope(q, cos[:T], sin[:T])
        k = apply_rope(k, cos[:T], sin[:T])
        scale = 1.0 / math.sqrt(hd)
        if self.cfg.attn_impl == 'sdpa':
            # padding sits after each row's tokens and is masked out of the loss, so causal is enough
            out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        elif self.cfg.attn_impl == 'bmm':
            att = (q @ k.transpose(-1, -2)) * scale + mask[:T, :T]
            att = att.softmax(-1)
            out = att @ v
        else:
            outs = []
            for b in range(B):
                hs = []
                for h in range(H):
                    qh, kh, vh = q[b, h], k[b, h], v[b, h]
                    a = torch.mm(qh, kh.t()) * scale + mask[:T, :T]
                    hs.append(torch.mm(a.softmax(-1), vh))
                outs.append(torch.stack(hs))
            out = torch.stack(outs)
        out = out.transpose(1, 2).reshape(B, T, D)
        return self.wo(out)


class FeedForward(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.w1 = nn.Linear(cfg.dim, cfg.ffn_dim, bias=False)  # gate
        self.w3 = nn.Linear(cfg.dim, cfg.ffn_dim, bias=False)  # up
        self.w2 = nn.Linear(cfg.ffn_dim, cfg.dim, bias=False)  # down

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class Block(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.attention_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.attention = Attention(cfg)
        self.ffn_norm = RMSNorm(cfg.dim, cfg.norm_eps)
        self.feed_forward = FeedForward(cfg)

    def forward(self, x, cos, sin, mask):
        x = x + self.attention(self.attention_norm(x), cos, sin, mask)
        return x + self.feed_forward(self.ffn_norm(x))


class Llama(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.tok_embeddings = nn.Embedding(cfg.vocab_size, cfg.dim)
        self.layers = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.norm = RMSNorm(cfg.dim, cfg.norm_eps)
        cos, sin = rope_tables(cfg.dim // cfg.n_heads, cfg.max_seq, cfg.rope_theta)
        self.register_buffer('cos', cos, persistent=False)
        self.register_buffer('sin', sin, persistent=False)
        mask = torch.full((cfg.max_seq, cfg.max_seq), float('-inf')).triu(1)
        self.register_buffer('mask', mask, persistent=False)
        self.apply(self._init)
        for n, p in self.named_parameters():
            if n.endswith('wo.weight') or n.endswith('w2.weight'):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layers))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.tok_embeddings(idx)
        for layer in self.layers:
            x = layer(x, self.cos, self.sin, self.mask)
        x = self.norm(x)
        return F.linear(x, self.tok_embeddings.weight)  # tied output

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())

    @torch.no_grad()
    def generate_greedy(self, ids: list[int], max_new: int, stop_id: int) -> list[int]:
        out: list[int] = []
        ids = list(ids)
        for _ in range(max_new):
            ctx = ids[-self.cfg.max_seq:]
            logits = self(torch.tensor([ctx]))[0, -1]
            nxt = int(logits.argmax())
            if nxt == stop_id:
                break
            out.append(nxt)
            ids.append(nxt)
        return out
