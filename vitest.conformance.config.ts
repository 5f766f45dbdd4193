import { defineConfig } from 'vitest/config';

/**
 * `npm run test:conformance`: tests against programs that must be built first (llama.cpp's
 * llama-server, scripts/build-llama-server.sh) and LoRA training with Debian's torch (minutes of
 * CPU). Kept out of `npm test` so that compiles nothing and stays under 10 minutes on 2 cores.
 */
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.test.ts'],
    setupFiles: ['test/support/isolate-key-dir.ts'],
    testTimeout: 60_000,
    // The first run may build llama-server (~13 minutes on 2 cores) when KEFU_LLAMA_SERVER is unset.
    hookTimeout: 30 * 60_000,
    maxWorkers: 1,
  },
});
