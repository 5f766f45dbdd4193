#!/usr/bin/env bash
# Trains Kefu's tiny model on one CUDA GPU (the shipped model was made this way; see models/README.md).
# Usage: training/train_gpu.sh OUT_DIR [MINUTES] [DIALOGUES]
# Needs training/work/tokenizer.model (the shipped tokenizer: cp models/kefu-tiny-zh-en.tokenizer.model),
# and a Python with torch (CUDA), numpy and sentencepiece. SHOPS=0.4 mixes in that share of dialogues about
# synthetic shops of other domains (training/shops.py; the shipped file was trained without them). Writes the checkpoint as fp16 shards, the
# loss log and the training summary to OUT_DIR; join them here with
#   python3 training/ckpt_shards.py join OUT_DIR training/work/ckpt.pt
# then continue with export_gguf.py, verify_gguf.py and eval.py as run_all.sh does.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$1"
MINUTES="${2:-6}"
DIALOGUES="${3:-1200000}"
PY="${PYTHON:-python3}"
WORKERS=$(( $(nproc) > 2 ? $(nproc) - 2 : 1 ))
export PYTHONUNBUFFERED=1
mkdir -p "$OUT" training/work
test -f training/work/tokenizer.model || cp models/kefu-tiny-zh-en.tokenizer.model training/work/tokenizer.model
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
"$PY" training/corpus.py --n-train "$DIALOGUES" --synth 0.6 --perturb 0.5 --shops "${SHOPS:-0}" --workers "$WORKERS" --no-check | tail -n 4
"$PY" training/train.py --device "${DEVICE:-cuda}" --minutes "$MINUTES" --dim 320 --layers 8 --heads 10 --ffn 864 --seq 512 \
  --batch-tokens "${BATCH_TOKENS:-65536}" --lr 2e-3 --min-lr 1e-4 --warmup 200 --ckpt-every 1.5 --eval-every 1 --workers "$WORKERS" \
  2>&1 | tee training/work/train.log | awk 'NR<=6 || /eval_loss|done/ || NR%50==0'
"$PY" training/ckpt_shards.py split training/work/ckpt.pt "$OUT" --max-mb 15
cp training/work/loss.csv training/work/train_summary.json training/work/train.log "$OUT"/
