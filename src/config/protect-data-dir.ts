import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { KeyWarning } from './instance-keys.ts';

/**
 * Owner-only permissions on the data dir and everything in it (folders 0700, files 0600): the
 * databases hold transcripts, the vault and the audit log. Run at start, before and after the
 * stores open, it also fixes files an older Kefu left 0644. SQLite gives a new `-wal` or `-shm`
 * its database's mode, so files created later stay private. Links are left alone; a file that
 * cannot be changed (another owner) is reported, not fatal.
 */
export function protectDataDir(dir: string, warn?: KeyWarning): void {
  const fix = (p: string, mode: number) => {
    try {
      chmodSync(p, mode);
    } catch (err) {
      warn?.({ err, path: p }, `cannot make ${p} private (chmod ${mode.toString(8)})`);
    }
  };
  const walk = (folder: string, depth: number) => {
    fix(folder, 0o700);
    if (depth > 8) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const p = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(p, depth + 1);
      else if (entry.isFile() && (lstatSync(p).mode & 0o777) !== 0o600) fix(p, 0o600);
    }
  };
  walk(dir, 0);
}
