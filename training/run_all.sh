#!/usr/bin/env bash
# Whole pipeline of Kefu's tiny model: corpus -> tokenizer -> train -> export GGUF -> verify -> eval.
# Usage: training/run_all.sh [--minutes N]   (default 45; also `npm run train:model -- --minutes N`)
# Needs a Python with torch, numpy, sentencepiece, matplotlib (PYTHON, default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=45
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES="$2"; shift 2 ;;
    --minutes=*) MINUTES="${1#*=}"; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
PY="${PYTHON:-/usr/bin/python3}"
mkdir -p training/work models
"$PY" training/corpus.py
"$PY" training/tokenizer.py
nice -n 10 "$PY" training/train.py --minutes "$MINUTES" 2>&1 | tee training/work/train.log
"$PY" training/export_gguf.py --type f16 --out models/kefu-tiny-zh-en.gguf
cp training/work/tokenizer.model models/kefu-tiny-zh-en.tokenizer.model   # lora.py tokenises with it
"$PY" training/verify_gguf.py --gguf models/kefu-tiny-zh-en.gguf
"$PY" training/eval.py --gguf models/kefu-tiny-zh-en.gguf
