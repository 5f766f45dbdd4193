#!/usr/bin/env bash
# The LoRA path end to end on the demo shop: conversations answered by human agents in the shop's
# house style -> `kefu finetune export` -> training/lora.py -> models/lora/kefu-house-style.gguf,
# which the server loads with KEFU_LORA_PATH. Usage: training/lora-demo.sh [--steps N]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-/usr/bin/python3}"
EXPORT=training/work/lora-demo-export
rm -rf "$EXPORT"
npx tsx training/lora-demo-data.ts "$EXPORT"
"$PY" training/lora.py --data "$EXPORT" --out models/lora/kefu-house-style.gguf --steps 60 "$@" 2>&1 | tee training/work/lora.log
