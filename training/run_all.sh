#!/usr/bin/env bash
# Whole pipeline of Kefu's tiny model: corpus -> tokenizer -> train -> export GGUF -> verify -> eval.
# Usage: training/run_all.sh [--minutes N] [--read-minutes M]   (defaults 55 and 30; also `npm run train:model -- …`)
# Phase 1 trains on the templated corpus; phase 2 continues on a corpus in which half of the
# grounded examples have their figures randomised, so the model must copy them from the passages
# (phase 1 alone memorised the demo KB and did not read held-out passages: see models/README.md).
# Needs a Python with torch, numpy, sentencepiece, matplotlib (PYTHON, default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=55
READ_MINUTES=30
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --minutes=*) MINUTES="${1#*=}"; shift ;;
    --read-minutes) READ_MINUTES="$2"; shift 2 ;;
    --read-minutes=*) READ_MINUTES="${1#*=}"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
PY="${PYTHON:-/usr/bin/python3}"
mkdir -p training/work models
"$PY" training/corpus.py --perturb 0
"$PY" training/tokenizer.py
nice -n 10 "$PY" training/train.py --minutes "$MINUTES" 2>&1 | tee training/work/train.log
if [ "$READ_MINUTES" != 0 ]; then
  cp training/work/ckpt.pt training/work/ckpt-phase1.pt
  "$PY" training/corpus.py --perturb 0.5
  nice -n 10 "$PY" training/train.py --init training/work/ckpt-phase1.pt --minutes "$READ_MINUTES" --lr 1e-3 --warmup 20 2>&1 | tee training/work/train-phase2.log
fi
"$PY" training/export_gguf.py --type f16 --out models/kefu-tiny-zh-en.gguf
cp training/work/tokenizer.model models/kefu-tiny-zh-en.tokenizer.model   # lora.py tokenises with it
"$PY" training/verify_gguf.py --gguf models/kefu-tiny-zh-en.gguf
"$PY" training/eval.py --gguf models/kefu-tiny-zh-en.gguf
