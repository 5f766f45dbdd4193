import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { KeyWarning } from './instance-keys.ts';

/**
 * Owner-only permissions on the data dir and everything in it (folders 0700, files 0600): the
 * databases hold transcripts, the vault and the audit log. Run at start, before and after the
 * stores open, it also fixes files an older Kefu left 0644. SQLite gives a new `-wal` or `-shm`
 * its database's mode, so files created later stay private. Only group and other bits are taken
 * away, so a data dir pointed at a folder with programs in it leaves them runnable by their owner.
 * Links are left alone; a file that cannot be changed (another owner) is reported, not fatal.
 */
export function protectDataDir(dir: string, warn?: KeyWarning): void {
  const fix = (p: string) => {
    try {
      const mode = lstatSync(p).mode & 0o7777;
      if ((mode & 0o077) !== 0) chmodSync(p, mode & ~0o077);
    } catch (err) {
      warn?.({ err, path: p }, `cannot make ${p} private (chmod go-rwx)`);
    }
  };
  const walk = (folder: string, depth: number) => {
    fix(folder);
    if (depth > 8) return;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const p = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(p, depth + 1);
      else if (entry.isFile()) fix(p);
    }
  };
  walk(dir, 0);
}
