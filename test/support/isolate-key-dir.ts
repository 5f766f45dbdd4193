import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Generated keys live outside the data dir, by default under ~/.config/kefu. Tests (and the CLI
// processes they spawn, which inherit the environment) keep theirs in a temp dir instead.
process.env['XDG_CONFIG_HOME'] = mkdtempSync(path.join(tmpdir(), 'kefu-test-config-'));
