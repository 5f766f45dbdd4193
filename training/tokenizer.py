"""Trains the SentencePiece tokenizer of Kefu's tiny model -> training/work/tokenizer.model.

BPE (not unigram): llama.cpp's SPM tokenizer merges by piece score, which reproduces SentencePiece
BPE exactly but only approximates unigram Viterbi. Identity normalisation, no dummy prefix (the GGUF
sets tokenizer.ggml.add_space_prefix=false), digits split (easier number copying), byte fallback.
The chat markers are user-defined single tokens.
"""
from __future__ import annotations

import argparse
import os
import random

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, 'work')
SPECIALS = ['<|system|>', '<|user|>', '<|assistant|>', '<|end|>']


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--vocab', type=int, default=4000)
    args = ap.parse_args()
    text = open(os.path.join(WORK, 'corpus.train.txt'), encoding='utf-8').read()
    # the corpus is templated: de-duplicate lines so the policy text does not dominate the merges
    lines = sorted({l for l in text.split('\n') if l and l != '<|doc|>'})
    random.Random(0).shuffle(lines)
    src = os.path.join(WORK, 'spm_input.txt')
    with open(src, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    print(f'{len(lines)} unique lines for the tokenizer')
    vocab = args.vocab
    while True:
        try:
            spm.SentencePieceTrainer.train(
                input=src, model_prefix=os.path.join(WORK, 'tokenizer'), model_type='bpe', vocab_size=vocab,
                character_coverage=0.9995, byte_fallback=True, split_digits=True, add_dummy_prefix=False,
                normalization_rule_name='identity', remove_extra_whitespaces=False, allow_whitespace_only_pieces=True,
                user_defined_symbols=SPECIALS, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
                max_sentence_length=8192, input_sentence_size=2_000_000, shuffle_input_sentence=True,
                num_threads=2, minloglevel=1)
            break
        except RuntimeError as e:
            if 'Vocabulary size' in str(e) and vocab > 1000:
                vocab -= 250
                print(f'vocab too large, retrying with {vocab}')
                continue
            raise
    sp = spm.SentencePieceProcessor(model_file=os.path.join(WORK, 'tokenizer.model'))
    print('vocab size', sp.get_piece_size(), [sp.piece_to_id(s) for s in SPECIALS])
    sample = '<|user|>\n我的订单KF2024需要退货,运费8元吗?<|end|>\n<|assistant|>\nSure, 7 days [2].<|end|>'
    ids = sp.encode(sample)
    print(len(ids), [sp.id_to_piece(i) for i in ids])
    assert sp.decode(ids) == sample, 'tokenizer does not round-trip'


if __name__ == '__main__':
    main()
