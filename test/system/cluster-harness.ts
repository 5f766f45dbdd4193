import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoOrderServer } from '../../src/orders/start-demo-order-server.ts';
import { startFakeOpenAIServer, transcript, type FakeOpenAIServer } from '../llm/fake-openai-server.ts';
import { startPostgres } from '../support/start-postgres.ts';
import { startRedis } from '../support/start-redis.ts';
import { ADMIN_KEY, DEMO_NOW } from '../support/start-test-server.ts';

/**
 * A loopback cluster: PostgreSQL, a restartable Redis, the demo order server, two fake
 * OpenAI-compatible backends (primary and standby), N `node bin/kefu.js serve` processes and nginx
 * round-robin in front of them. Everything lives in temporary folders that `close()` deletes.
 */
export interface ClusterNode {
  index: number;
  port: number;
  url: string;
  dataDir: string;
  proc: ChildProcess;
  /** Everything the process wrote: stderr and its JSON log on stdout (KEFU_LOG_LEVEL=warn). */
  stderr(): string;
  alive(): boolean;
}

export interface Cluster {
  /** nginx, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The PostgreSQL every node uses (for running `kefu` commands as a node would). */
  databaseUrl: string;
  nodes: ClusterNode[];
  primary: FakeOpenAIServer;
  standby: FakeOpenAIServer;
  /** The nginx configuration in use (docs/cluster.md shows it). */
  nginxConf: string;
  /** nginx's access log: `upstream=<addr list> ustatus=<status list>` per request. */
  accessLog(): string;
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts node `index` again (after a kill) on its port, from its data dir; `nodes[index]` is the new process. */
  restart(index: number): Promise<ClusterNode>;
  stopPrimaryBackend(): Promise<void>;
  restartRedis(): Promise<void>;
  /** The stderr of every node and nginx's error log, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

export const NGINX = process.env['KEFU_NGINX'] ?? '/usr/sbin/nginx';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function upstreamConf(ports: readonly number[]): string {
  return [
    '  upstream kefu {',
    ...ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`),
    '    keepalive 32;',
    '  }',
  ].join('\n');
}

function nginxConf(dir: string, listen: number, ports: readonly number[]): string {
  return `${userInfo().uid === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  log_format upstreams '$request_method $uri $status upstream=$upstream_addr ustatus=$upstream_status';
  access_log ${dir}/access.log upstreams;
${upstreamConf(ports)}
  server {
    listen 127.0.0.1:${listen};
    location / {
      proxy_pass http://kefu;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 3;
      proxy_connect_timeout 1s;
      proxy_read_timeout 60s;
      proxy_buffering off;
    }
  }
}
`;
}

/** `env`: more settings for every node, over the harness's own (another order system, shared keys). */
export async function startCluster(options: { nodes?: number; workers?: number; env?: Record<string, string> } = {}): Promise<Cluster> {
  const count = options.nodes ?? 3;
  // `kefu serve --workers N` per node (docs/cluster.md, Workers); KEFU_TEST_NODE_WORKERS=2 runs any cluster test that way.
  const workers = options.workers ?? Number(process.env['KEFU_TEST_NODE_WORKERS'] ?? 1);
  const cleanups: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    cleanups.length = 0;
  };
  const root = mkdtempSync(path.join(tmpdir(), 'kefu-cluster-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  try {
    if (!existsSync(NGINX)) throw new Error(`nginx not found at ${NGINX} (apt-get install nginx, or set KEFU_NGINX)`);
    const [pg, redis] = await Promise.all([startPostgres(), startRedis({ persistent: true })]);
    cleanups.push(() => pg.stop(), () => redis.stop());
    if (redis.restart === null) throw new Error('KEFU_TEST_REDIS_URL is set: the cluster test needs a Redis it can restart');
    const orders = await startDemoOrderServer({ path: path.join(root, 'orders.db'), now: () => DEMO_NOW });
    cleanups.push(() => orders.close());
    const [primary, standby] = await Promise.all([
      startFakeOpenAIServer({ replies: [{ sse: transcript('vllm') }] }),
      startFakeOpenAIServer({ replies: [{ sse: transcript('vllm') }] }),
    ]);
    let primaryOpen = true;
    cleanups.push(() => standby.close(), () => (primaryOpen ? primary.close() : undefined));

    // The order system lives on the fixed demo clock while the nodes run on the real one, so the
    // shop's return windows (days since delivery) would close on the scripts' orders as the
    // calendar moves on; this test is about failures, not eligibility, so its windows are wide.
    const policy = path.join(root, 'shop-policy.yaml');
    writeFileSync(policy, readFileSync(path.join(ROOT, 'policies', 'shop-policy.yaml'), 'utf8')
      .replace(/refund_window_days: \d+/, 'refund_window_days: 3650')
      .replace(/exchange_window_days: \d+/, 'exchange_window_days: 3650'));
    const ports = await freePorts(count + 1);
    const nodes: ClusterNode[] = [];
    const nodeEnv = {
      KEFU_DATABASE_URL: pg.url,
      KEFU_REDIS_URL: redis.url,
      KEFU_ORDERS_URL: orders.url,
      KEFU_SHOP_POLICY: policy,
      KEFU_LLM_BASE_URL: `${primary.url};standby=${standby.url}`,
      KEFU_WORKERS: String(workers),
      ...options.env,
    };
    for (let i = 0; i < count; i++) {
      const node = spawnNode(i, ports[i]!, path.join(root, `node-${i}`), nodeEnv);
      nodes.push(node);
      cleanups.push(() => stopProcess(node.proc));
    }
    await Promise.all(nodes.map((n) => waitReady(n)));

    const nginxDir = path.join(root, 'nginx');
    mkdirSync(nginxDir);
    const listen = ports[count]!;
    const conf = nginxConf(nginxDir, listen, ports.slice(0, count));
    writeFileSync(path.join(nginxDir, 'nginx.conf'), conf);
    const nginx = spawn(NGINX, ['-g', 'daemon off;', '-c', path.join(nginxDir, 'nginx.conf'), '-p', nginxDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let nginxErr = '';
    nginx.stderr?.setEncoding('utf8').on('data', (c: string) => (nginxErr += c));
    cleanups.push(() => stopProcess(nginx, 'SIGQUIT'));
    const url = `http://127.0.0.1:${listen}`;
    await waitFor(async () => {
      if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}: ${nginxErr}`);
      return (await fetch(`${url}/readyz`).catch(() => null))?.ok === true;
    }, 10_000, () => `nginx did not answer on ${url}: ${nginxErr}`);

    const errorLog = path.join(nginxDir, 'error.log');
    return {
      url,
      databaseUrl: pg.url,
      nodes,
      primary,
      standby,
      nginxConf: conf,
      accessLog: () => readIfExists(path.join(nginxDir, 'access.log')),
      async kill(index, signal = 'SIGKILL') {
        const node = nodes[index];
        if (node === undefined) throw new Error(`no node ${index}`);
        await stopProcess(node.proc, signal);
      },
      async restart(index) {
        const old = nodes[index];
        if (old === undefined) throw new Error(`no node ${index}`);
        if (old.alive()) throw new Error(`node ${index} is still running`);
        const node = spawnNode(index, old.port, old.dataDir, nodeEnv);
        nodes[index] = node;
        cleanups.push(() => stopProcess(node.proc));
        await waitReady(node);
        return node;
      },
      async stopPrimaryBackend() {
        if (!primaryOpen) return;
        primaryOpen = false;
        await primary.close();
      },
      async restartRedis() {
        await redis.restart!();
      },
      logs: () =>
        [...nodes.map((n) => `--- node ${n.index} (port ${n.port}${n.alive() ? '' : ', dead'}) ---\n${n.stderr().slice(-4000)}`), `--- nginx ---\n${nginxErr}${readIfExists(errorLog).slice(-4000)}`].join('\n'),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function spawnNode(index: number, port: number, dataDir: string, env: Record<string, string>): ClusterNode {
  mkdirSync(dataDir, { recursive: true });
  const proc = spawn(process.execPath, [path.join(ROOT, 'bin/kefu.js'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      // The vault and the audit chain are shared: one key for every node (a test may set others).
      KEFU_VAULT_KEY: '5a'.repeat(32),
      KEFU_AUDIT_KEY: 'c3'.repeat(32),
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      KEFU_DATA_DIR: dataDir,
      KEFU_LLM: 'openai',
      KEFU_ADMIN_KEY: ADMIN_KEY,
      KEFU_LOG_LEVEL: 'warn',
      KEFU_RATE_LIMIT_PER_MINUTE: '100000',
      // The nodes run on the real clock: agents on duty at any hour keeps the test hour-independent.
      KEFU_BUSINESS_HOURS: 'always',
      // Every knowledge answer goes to a model, so a backend failover is observable.
      KEFU_CACHE: 'off',
      // A job held by a killed node goes to another after this lease (30 s by default).
      KEFU_QUEUE_LEASE_SECONDS: '3',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  proc.stdout?.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return {
    index,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    proc,
    stderr: () => stderr,
    alive: () => proc.exitCode === null && proc.signalCode === null,
  };
}

/**
 * Two cores shared with other suites: a node has taken 55 s to start under a load average of 25.
 * Under `--workers N` the first worker answers /readyz while the others still start; the node has
 * started when it says so (every worker listens), which is what a test about its workers needs.
 */
async function waitReady(node: ClusterNode): Promise<void> {
  await waitFor(async () => {
    if (!node.alive()) throw new Error(`node ${node.index} exited (${node.proc.exitCode ?? node.proc.signalCode}): ${node.stderr()}`);
    if (!/Kefu is listening on /.test(node.stderr())) return false;
    return (await fetch(`${node.url}/readyz`).catch(() => null))?.ok === true;
  }, 120_000, () => `node ${node.index} not ready on ${node.url} within 120 s: ${node.stderr()}`);
}

async function waitFor(ok: () => Promise<boolean>, ms: number, message: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill(signal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function readIfExists(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Distinct free loopback ports (nginx needs them up front: PORT=0 cannot be put in its config). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}
