import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KefuError } from '../errors.ts';

/** Where a data dir's generated keys are kept: a folder of `keyDir` named by the data dir's instance id. */
export interface KeyLocation {
  dataDir: string;
  keyDir: string;
}

export type KeyWarning = (details: Record<string, unknown>, message: string) => void;

/** Not secret: it names the data dir's folder of keys, so a moved or restored data dir finds its keys again. */
const INSTANCE_FILE = 'instance-id';

/**
 * The folder that holds this data dir's keys, `<keyDir>/<instance id>` (0700). Each data dir has
 * its own, so two installations under one account never share or overwrite a key. Null when the
 * data dir has no instance id yet and `create` is false (a CLI reading a log must not invent one).
 */
export function instanceKeyDir(loc: KeyLocation, create: boolean): string | null {
  const idFile = path.join(loc.dataDir, INSTANCE_FILE);
  let id: string;
  if (existsSync(idFile)) {
    id = readFileSync(idFile, 'utf8').trim();
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new KefuError('invalid_config', `${idFile} is not a Kefu instance id`);
  } else {
    if (!create) return null;
    mkdirSync(loc.dataDir, { recursive: true, mode: 0o700 });
    // Another process starting on the same data dir may be first: its id stands.
    if (!writeOnce(idFile, `${randomUUID()}\n`)) return instanceKeyDir(loc, false);
    id = readFileSync(idFile, 'utf8').trim();
  }
  return path.join(loc.keyDir, id);
}

export interface LoadKeyOptions extends KeyLocation {
  /** File name under the instance folder (and, for a key from before keys moved, in the data dir). */
  file: 'vault.key' | 'audit.key';
  /** The environment variable that sets the key directly, for messages. */
  envName: string;
  /** The key from the environment (64 hex characters), which wins; null: the key file. */
  configured: string | null;
  /** Generate a missing key (a server starting); false: return null (verification must not invent one). */
  create: boolean;
  warn?: KeyWarning;
}

/**
 * A 32-byte key: from the environment, else the key file outside the data dir, generated on first
 * start with owner-only permissions. A key file left in the data dir by an older Kefu is moved out
 * (after the copy is written, so no crash loses it) with a warning. If the key folder cannot be
 * created (a read-only home, say) the key stays in the data dir, as before, with a warning: the
 * default must start with no configuration; production sets the variable or KEFU_KEY_DIR.
 */
export function loadInstanceKey(o: LoadKeyOptions): Buffer | null {
  const legacy = path.join(o.dataDir, o.file);
  if (o.configured !== null) {
    if (existsSync(legacy)) o.warn?.({ file: legacy }, `${o.envName} is set but ${legacy} is still in the data dir: delete it once you are sure it is not the key in use`);
    return Buffer.from(o.configured, 'hex');
  }
  const folder = instanceKeyDir(o, o.create);
  if (folder === null) return existsSync(legacy) ? readKey(legacy) : null;
  const file = path.join(folder, o.file);
  if (!o.create) return existsSync(file) ? readKey(file) : existsSync(legacy) ? readKey(legacy) : null;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(o.keyDir, 0o700);
    chmodSync(folder, 0o700);
  } catch (err) {
    o.warn?.({ err, keyDir: o.keyDir }, `cannot create the key folder ${folder}: ${o.file} stays in the data dir, so a copy of the data dir is a copy of the key; set KEFU_KEY_DIR or ${o.envName}`);
    return existsSync(legacy) ? readKey(legacy) : generate(legacy);
  }
  if (existsSync(legacy)) return moveOut(legacy, file, o);
  return existsSync(file) ? readKey(file) : generate(file);
}

function moveOut(legacy: string, file: string, o: LoadKeyOptions): Buffer {
  const key = readKey(legacy);
  if (existsSync(file)) {
    if (!readKey(file).equals(key)) {
      throw new KefuError('invalid_config', `two different ${o.file} files: ${legacy} and ${file}. Keep the one the data was written with (move the other away) and start again`);
    }
  } else if (!writeOnce(file, `${key.toString('hex')}\n`) && !readKey(file).equals(key)) {
    throw new KefuError('invalid_config', `two different ${o.file} files: ${legacy} and ${file}. Keep the one the data was written with (move the other away) and start again`);
  }
  rmSync(legacy, { force: true });
  o.warn?.({ from: legacy, to: file }, `moved ${o.file} out of the data dir to ${file}: back it up apart from the data (without it the data it protects cannot be read or verified)`);
  return key;
}

function readKey(file: string): Buffer {
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new KefuError('invalid_config', `${file} is not a 64-hex-character key`);
  return Buffer.from(hex, 'hex');
}

function generate(file: string): Buffer {
  writeOnce(file, `${randomBytes(32).toString('hex')}\n`);
  return readKey(file);
}

/** Creates `file` (0600) unless it exists; false if another process created it first. */
function writeOnce(file: string, content: string): boolean {
  try {
    writeFileSync(file, content, { mode: 0o600, flag: 'wx', flush: true });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}
