import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

export interface TestPostgres {
  /** `postgres://kefu@127.0.0.1:PORT/kefu`, or `KEFU_TEST_DATABASE_URL` when that is set. */
  url: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, started on a free
 * loopback port with fsync off, trust authentication on 127.0.0.1 only, a role and a database both
 * named `kefu`. Run as root, the cluster belongs to the `postgres` system user (initdb refuses
 * root). With `KEFU_TEST_DATABASE_URL` set (CI may provide a server), that URL is returned as is
 * and `stop()` does nothing. Rejects with a message naming what is missing when it cannot start.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const given = process.env['KEFU_TEST_DATABASE_URL'];
  if (given !== undefined && given !== '') return { url: given, stop: async () => {} };

  const bin = findPostgresBin();
  const asUser = userInfo().uid === 0 ? await systemUser('postgres') : null;
  const root = mkdtempSync(join(tmpdir(), 'kefu-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'socket');
  mkdirSync(dataDir);
  mkdirSync(socketDir);
  if (asUser !== null) {
    for (const dir of [root, dataDir, socketDir]) chownSync(dir, asUser.uid, asUser.gid);
  }
  chmodSync(dataDir, 0o700);
  // runuser drops root; without root, the tools run as the current user.
  const exec = (tool: string, args: string[]) =>
    asUser === null
      ? run(join(bin, tool), args, { cwd: root })
      : run('runuser', ['-u', asUser.name, '--', join(bin, tool), ...args], { cwd: root });

  let started = false;
  const stop = async (): Promise<void> => {
    if (started) {
      started = false;
      await exec('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => undefined);
    }
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-k ${socketDir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      try {
        await exec('pg_ctl', ['start', '-D', dataDir, '-l', join(root, 'server.log'), '-o', options, '-w', '-t', '30']);
        started = true;
        break;
      } catch (error) {
        // Another process may have taken the port between freePort() and the bind: try another.
        if (attempt >= 3) throw error;
      }
    }
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query('CREATE ROLE kefu LOGIN CREATEDB');
      await admin.query('CREATE DATABASE kefu OWNER kefu');
    } finally {
      await admin.end();
    }
    return { url: `postgres://kefu@127.0.0.1:${port}/kefu`, stop };
  } catch (error) {
    const log = join(root, 'server.log');
    const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
    await stop();
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`could not start a throwaway PostgreSQL (bin ${bin}): ${detail}${tail === '' ? '' : `\n${tail}`}`, { cause: error });
  }
}

/** The folder with initdb and pg_ctl: `KEFU_PG_BIN`, else Debian's newest `/usr/lib/postgresql/N/bin`. */
function findPostgresBin(): string {
  const fromEnv = process.env['KEFU_PG_BIN'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(debian, versions[0], 'bin');
  }
  throw new Error('PostgreSQL server binaries not found: install postgresql (Debian) or set KEFU_PG_BIN to the folder with initdb');
}

async function systemUser(name: string): Promise<{ name: string; uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]).catch(() => {
    throw new Error(`running as root and there is no '${name}' user to own the cluster (initdb refuses root)`);
  });
  return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
