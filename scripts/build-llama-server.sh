#!/usr/bin/env bash
# Builds llama.cpp's llama-server from the source node-llama-cpp ships (llama/gitRelease.bundle),
# so the server Kefu is tested against is the same llama.cpp release it embeds. The build is cached
# outside the repository; it takes ~13 minutes on 2 cores the first time.
# Prints the path of the binary on its last line. Env: KEFU_CACHE_DIR (default ~/.cache/kefu).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
INFO="$ROOT/node_modules/node-llama-cpp/llama/llama.cpp.info.json"
TAG="$(node -e "console.log(require('$INFO').tag)")"
CACHE="${KEFU_CACHE_DIR:-$HOME/.cache/kefu}"
SRC="$CACHE/llama.cpp-$TAG"
BIN="$SRC/build/bin/llama-server"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
mkdir -p "$CACHE"
if [ ! -d "$SRC/.git" ]; then
  rm -rf "$SRC"
  git clone -q "$ROOT/node_modules/node-llama-cpp/llama/gitRelease.bundle" "$SRC"
fi
JOBS="${JOBS:-$(nproc)}"
echo "building llama-server $TAG in $SRC with $JOBS jobs (about 13 minutes on 2 cores)..." >&2
cmake -S "$SRC" -B "$SRC/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF \
  -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=ON -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON >&2
cmake --build "$SRC/build" --target llama-server -j "$JOBS" >&2
echo "$BIN"
