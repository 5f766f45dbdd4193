import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { compileOrderIdPattern } from '../dialogue/entities/order-id-pattern.ts';
import { KefuError } from '../errors.ts';
import { parseShopName, type ShopIdentity } from '../pipeline/shop-identity.ts';
import { parseTrustedProxies } from '../server/client-address.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEMO_KB_PATH = path.join(PROJECT_ROOT, 'kb', 'demo-shop');
const MODELS_DIR = path.join(PROJECT_ROOT, 'models');

const csv = (v: string | undefined): string[] =>
  (v ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  KEFU_DATA_DIR: z.string().min(1).default('./data'),
  KEFU_KB: z.string().optional(),
  KEFU_LLM: z.enum(['embedded', 'openai', 'none']).optional(),
  KEFU_MODEL_PATH: z.string().optional(),
  KEFU_LORA_PATH: z.string().optional(),
  KEFU_LLM_BASE_URL: z.string().optional(),
  KEFU_LLM_MODEL: z.string().optional(),
  KEFU_LLM_API_KEY: z.string().optional(),
  KEFU_EMBEDDING_BASE_URL: z.string().optional(),
  KEFU_EMBEDDING_MODEL_PATH: z.string().optional(),
  KEFU_EMBEDDING_MODEL: z.string().min(1).optional(),
  KEFU_EMBEDDING_API_KEY: z.string().optional(),
  KEFU_EMBEDDING_MIN_SIMILARITY: z.coerce.number().gt(0).lt(1).default(0.7),
  KEFU_EMBEDDING_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(2000),
  KEFU_LLM_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  KEFU_LLM_LATENCY_BUDGET_MS: z.coerce.number().int().nonnegative().default(15_000),
  KEFU_ADMIN_KEY: z.string().min(16, 'KEFU_ADMIN_KEY must be at least 16 characters').optional(),
  KEFU_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KEFU_SESSION_TTL_MINUTES: z.coerce.number().positive().default(24 * 60),
  KEFU_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(60),
  KEFU_MAX_MESSAGE_CHARS: z.coerce.number().int().positive().default(2000),
  KEFU_MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  KEFU_HISTORY_TOKENS: z.coerce.number().int().positive().default(512),
  KEFU_MAX_TOKENS: z.coerce.number().int().positive().default(256),
  KEFU_ORDERS_URL: z.string().optional(),
  KEFU_ORDER_ID_PATTERN: z.string().optional(),
  KEFU_NLU: z.enum(['embedded', 'llm']).default('embedded'),
  KEFU_TIMEZONE: z.string().default('Asia/Shanghai'),
  KEFU_BUSINESS_HOURS: z.string().default('09:00-22:00'),
  KEFU_TICKETS_WEBHOOK_URL: z.string().optional(),
  KEFU_CONVERSATION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  KEFU_CONSTITUTION: z.string().optional(),
  KEFU_CORS_ORIGINS: z.string().optional(),
  KEFU_AUDIT_RETENTION_DAYS: z.coerce.number().int().positive().optional(),
  KEFU_WECOM_TOKEN: z.string().min(1).optional(),
  KEFU_WECOM_AES_KEY: z.string().min(1).optional(),
  KEFU_WECOM_CORP_ID: z.string().min(1).optional(),
  KEFU_WECOM_SECRET: z.string().min(1).optional(),
  KEFU_WECOM_AGENT_ID: z.string().min(1).optional(),
  KEFU_WECOM_API_BASE: z.string().optional(),
  KEFU_REDIS_URL: z.string().optional(),
  KEFU_CACHE: z.enum(['on', 'off']).default('on'),
  KEFU_QUEUE_LEASE_SECONDS: z.coerce.number().positive().default(30),
  KEFU_PROACTIVE_RULES: z.string().optional(),
  KEFU_SHOP_POLICY: z.string().optional(),
  KEFU_SHOP_NAME: z.string().optional(),
  KEFU_CACHE_TTL_HOURS: z.coerce.number().positive().default(168),
  KEFU_DATABASE_URL: z.string().optional(),
  KEFU_VAULT_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'KEFU_VAULT_KEY must be 64 hex characters (32 bytes)').optional(),
  KEFU_AUDIT_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'KEFU_AUDIT_KEY must be 64 hex characters (32 bytes)').optional(),
  KEFU_KEY_DIR: z.string().min(1).optional(),
  KEFU_AUDIT_CHECKPOINT_ENTRIES: z.coerce.number().int().positive().default(1000),
  KEFU_AUDIT_CHECKPOINT_MINUTES: z.coerce.number().positive().default(60),
  KEFU_USER_ID_SECRET: z.string().min(16, 'KEFU_USER_ID_SECRET must be at least 16 characters').optional(),
  KEFU_SESSION_SECRET: z.string().min(32, 'KEFU_SESSION_SECRET must be at least 32 characters').optional(),
  KEFU_LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65535).default(4096),
  KEFU_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(3600).default(30),
  KEFU_TRUSTED_PROXIES: z.string().optional(),
  KEFU_WECOM_TIMESTAMP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  KEFU_AUDIT_HEAD_FLUSH_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  KEFU_IMAGE_MAX_BYTES: z.coerce.number().int().positive().default(8 * 1024 * 1024),
  KEFU_IMAGE_MAX_PIXELS: z.coerce.number().int().positive().default(25_000_000),
  KEFU_OCR_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  KEFU_OCR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  KEFU_OCR_LANGS: z.string().regex(/^[a-z_]+(?:\+[a-z_]+)*$/, 'KEFU_OCR_LANGS is Tesseract languages joined by +, e.g. chi_sim+eng').default('chi_sim+eng'),
  KEFU_IMAGE_RETENTION: z.enum(['on', 'off']).default('off'),
  KEFU_ASR_BASE_URL: z.string().optional(),
  KEFU_ASR_API_KEY: z.string().optional(),
  KEFU_ASR_MODEL: z.string().min(1).default('whisper-1'),
  KEFU_ASR_RESPONSE_FORMAT: z.enum(['json', 'text']).default('json'),
  KEFU_ASR_LANGUAGE: z.string().regex(/^[a-z]{2,3}$/, 'KEFU_ASR_LANGUAGE is an ISO-639-1 code such as zh or en').optional(),
  KEFU_ASR_LM: z.string().optional(),
  KEFU_ASR_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  KEFU_ASR_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  KEFU_AUDIO_MAX_BYTES: z.coerce.number().int().positive().default(4 * 1024 * 1024),
  KEFU_AUDIO_MAX_SECONDS: z.coerce.number().positive().max(600).default(60),
});

export interface KefuConfig {
  port: number;
  host: string;
  dataDir: string;
  kbPaths: string[];
  llm: 'embedded' | 'openai' | 'none';
  /** Why `llm` is what it is, said once at start (e.g. the embedded fallback). */
  llmNote: string | null;
  modelPath: string | null;
  loraPath: string | null;
  llmBaseURLs: string[];
  llmModel: string | null;
  llmApiKey: string | null;
  llmThreads: number | null;
  /** Hybrid retrieval's embedding model (src/knowledge/hybrid): a server, or a GGUF in process; null: BM25 alone. */
  embedding:
    | { kind: 'openai'; baseURL: string; model: string | null; apiKey: string | null; minSimilarity: number; questionTimeoutMs: number }
    | { kind: 'embedded'; modelPath: string; minSimilarity: number; questionTimeoutMs: number }
    | null;
  /** Time the model has to start answering before the reply comes from the knowledge base instead; 0: none. */
  llmLatencyBudgetMs: number;
  adminKey: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  sessionTtlMs: number;
  rateLimitPerMinute: number;
  maxMessageChars: number;
  maxBodyBytes: number;
  historyTokens: number;
  maxTokens: number;
  /** null: the built-in demo order system. */
  ordersUrl: string | null;
  /** The shop's order-id format (KEFU_ORDER_ID_PATTERN), checked at startup; null: ids are learnt from the order system. */
  orderIdPattern: string | null;
  nlu: 'embedded' | 'llm';
  timeZone: string;
  businessHours: string;
  ticketsWebhookUrl: string | null;
  /** A conversation quiet this long is closed and its outcome counted. */
  conversationIdleMs: number;
  /** null: user ids sent by clients are trusted (demo); set it in production. */
  userIdSecret: string | null;
  /** Derives the façade's and WeCom's session ids; null: one generated and kept in the store's settings. */
  sessionSecret: string | null;
  /** The principles file for the output guard; null: policies/constitution.yaml. */
  constitutionPath: string | null;
  /** Origins allowed to call /v1/* from a browser; empty: any. */
  corsOrigins: string[];
  /** Audit entries older than this are pruned (a checkpoint keeps the rest verifiable); null: kept forever. */
  auditRetentionDays: number | null;
  /** 32-byte key (hex) for the PII vault; null: `vault.key` generated under `keyDir`. */
  vaultKey: string | null;
  /** 32-byte key (hex) for the audit chain's MAC; null: `audit.key` generated under `keyDir`. */
  auditKey: string | null;
  /**
   * Where generated keys live, outside the data dir so a copy of the data is no copy of the keys
   * (KEFU_KEY_DIR; default `$XDG_CONFIG_HOME/kefu`, else `~/.config/kefu`). One folder per data dir.
   */
  keyDir: string;
  /** A signed audit checkpoint goes to the log after this many entries or minutes, whichever first. */
  auditCheckpoint: { entries: number; ms: number };
  /** The WeCom callback; null unless token, AES key and CorpID are all set. */
  wecom: { token: string; encodingAesKey: string; corpId: string; secret: string | null; agentId: string | null; apiBase: string | null } | null;
  /** Multi-node mode: the job queue (Redis Streams), shared rate limits and cross-node events. */
  redisUrl: string | null;
  /** The answer cache, and how long an answer is served before it is regenerated. */
  cache: { enabled: boolean; ttlMs: number };
  /** How long a job stays with a worker that stopped renewing it (a dead node) before another takes it. */
  queueLeaseMs: number;
  /** Proactive-service rules (YAML); null: policies/proactive.yaml. */
  proactiveRulesPath: string | null;
  /** After-sales policy (return windows, statuses per action; YAML); null: policies/shop-policy.yaml. */
  shopPolicyPath: string | null;
  /** `KEFU_SHOP_NAME`: the shop the assistant speaks for in its prompt and its own texts (the demo shop when unset). */
  shop: ShopIdentity;
  /** Multi-node mode: conversations, messages, settings and tickets in PostgreSQL. */
  databaseUrl: string | null;
  /**
   * Connections the kernel queues while the event loop is busy. Node's default (511) turns a
   * burst of thousands of SSE clients into connect timeouts; the kernel caps it at somaxconn.
   */
  listenBacklog: number;
  /** A request's headers and body must arrive within this (ms), or it gets 408 and the connection closes. */
  requestTimeoutMs: number;
  /** KEFU_TRUSTED_PROXIES: addresses and CIDR ranges whose X-Forwarded-For gives the client address; empty: the header is ignored. */
  trustedProxies: string[];
  /** A WeCom callback signed further than this from now is refused as a replay. */
  wecomTimestampWindowMs: number;
  /** How long the audit head file may lag the log (ms); 0: rewritten inside every append. */
  auditHeadFlushMs: number;
  /** Pictures sent with a message: limits, OCR (Tesseract) and whether the file is kept (encrypted, with the session). */
  images: { maxBytes: number; maxPixels: number; ocrTimeoutMs: number; ocrConcurrency: number; ocrLanguages: string; retain: boolean };
  /** Voice messages: limits and speech recognition (an OpenAI-compatible server, else embedded pocketsphinx). */
  voice: {
    maxBytes: number;
    maxSeconds: number;
    asrTimeoutMs: number;
    asrConcurrency: number;
    /** null: the embedded English recognizer. */
    server: { baseUrl: string; apiKey: string | null; model: string; responseFormat: 'json' | 'text'; language: string | null } | null;
    /** The embedded recognizer's language model; null: models/asr/kefu-en.arpa. */
    languageModel: string | null;
  };
}

/**
 * `$XDG_CONFIG_HOME/kefu`, else `~/.config/kefu`. The process's XDG_CONFIG_HOME stands in when the
 * env given has none, so the test setup can point every server and CLI it starts at a temp dir.
 */
export function defaultKeyDir(env: NodeJS.ProcessEnv): string {
  const configHome = env['XDG_CONFIG_HOME'] ?? process.env['XDG_CONFIG_HOME'] ?? path.join(homedir(), '.config');
  return path.join(configHome, 'kefu');
}

/** The model `npm run train:model` writes and the repository ships. */
export const SHIPPED_MODEL_FILE = 'kefu-tiny-zh-en.gguf';

/** The shipped model, else the first other GGUF under models/ (LoRA adapters excluded), else null. */
export function findShippedModel(): string | null {
  if (!existsSync(MODELS_DIR)) return null;
  const gguf = readdirSync(MODELS_DIR).filter((f) => f.endsWith('.gguf') && !f.includes('lora')).sort();
  // The shipped F16 model first; quantised variants and other files only when it is absent.
  const pick = gguf.includes(SHIPPED_MODEL_FILE) ? SHIPPED_MODEL_FILE : gguf[0];
  return pick === undefined ? null : path.join(MODELS_DIR, pick);
}

type Env = z.output<typeof EnvSchema>;

/** How many of the three settings WeCom needs are set (all or none is valid). */
const wecomCount = (e: Env): number => [e.KEFU_WECOM_TOKEN, e.KEFU_WECOM_AES_KEY, e.KEFU_WECOM_CORP_ID].filter((v) => v !== undefined).length;

/** The language model to run: the embedded one falls back to none (retrieval only) when no GGUF is found. */
function chooseLlm(e: Env): { llm: NonNullable<Env['KEFU_LLM']>; llmNote: string | null; modelPath: string | null } {
  let llm = e.KEFU_LLM ?? 'embedded';
  let llmNote: string | null = null;
  let modelPath = e.KEFU_MODEL_PATH ?? null;
  if (llm === 'embedded') {
    modelPath ??= findShippedModel();
    if (modelPath === null || !existsSync(modelPath)) {
      if (e.KEFU_LLM === 'embedded' && e.KEFU_MODEL_PATH !== undefined) {
        throw new KefuError('invalid_config', `KEFU_MODEL_PATH does not exist: ${e.KEFU_MODEL_PATH}`);
      }
      llmNote = 'No GGUF model found under models/ and KEFU_MODEL_PATH is unset: answering retrieval-only (KEFU_LLM=none).';
      llm = 'none';
      modelPath = null;
    }
  }
  return { llm, llmNote, modelPath };
}

/** Settings the schema cannot check alone: URLs, the time zone, WeCom's trio, the openai base URL. */
function checkSettings(e: Env, llm: string, baseURLs: string[]): void {
  for (const [name, value] of [['KEFU_ORDERS_URL', e.KEFU_ORDERS_URL], ['KEFU_TICKETS_WEBHOOK_URL', e.KEFU_TICKETS_WEBHOOK_URL]] as const) {
    if (value !== undefined && !URL.canParse(value)) throw new KefuError('invalid_config', `${name} is not a valid URL: ${value}`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: e.KEFU_TIMEZONE });
  } catch {
    throw new KefuError('invalid_config', `KEFU_TIMEZONE is not an IANA time zone: ${e.KEFU_TIMEZONE} (e.g. Asia/Shanghai)`);
  }
  const wecomSet = wecomCount(e);
  if (wecomSet > 0 && wecomSet < 3) {
    throw new KefuError('invalid_config', 'WeCom needs all of KEFU_WECOM_TOKEN, KEFU_WECOM_AES_KEY and KEFU_WECOM_CORP_ID');
  }
  if (e.KEFU_DATABASE_URL !== undefined && !/^postgres(ql)?:\/\//.test(e.KEFU_DATABASE_URL)) {
    throw new KefuError('invalid_config', `KEFU_DATABASE_URL must be a postgres:// URL, got ${e.KEFU_DATABASE_URL}`);
  }
  if (e.KEFU_REDIS_URL !== undefined && !/^rediss?:\/\//.test(e.KEFU_REDIS_URL)) {
    throw new KefuError('invalid_config', `KEFU_REDIS_URL must be a redis:// or rediss:// URL, got ${e.KEFU_REDIS_URL}`);
  }
  if (e.KEFU_WECOM_API_BASE !== undefined && !URL.canParse(e.KEFU_WECOM_API_BASE)) {
    throw new KefuError('invalid_config', `KEFU_WECOM_API_BASE is not a valid URL: ${e.KEFU_WECOM_API_BASE}`);
  }
  if (llm === 'openai' && baseURLs.length === 0) {
    throw new KefuError('invalid_config', 'KEFU_LLM=openai needs KEFU_LLM_BASE_URL (e.g. http://127.0.0.1:8000/v1)');
  }
}

/** `KEFU_SHOP_NAME` read, or the setting's own message as an `invalid_config` error. */
/** KEFU_EMBEDDING_*: one OpenAI-compatible `/embeddings` server, a GGUF embedding model, or neither. */
function embeddingConfig(e: Env): KefuConfig['embedding'] {
  const url = e.KEFU_EMBEDDING_BASE_URL?.trim() ?? '';
  const file = e.KEFU_EMBEDDING_MODEL_PATH?.trim() ?? '';
  if (url !== '' && file !== '') throw new KefuError('invalid_config', 'set KEFU_EMBEDDING_BASE_URL (a server) or KEFU_EMBEDDING_MODEL_PATH (a GGUF file), not both');
  if (url === '') {
    const stray = (['KEFU_EMBEDDING_MODEL', 'KEFU_EMBEDDING_API_KEY'] as const).find((k) => e[k] !== undefined);
    if (stray !== undefined) throw new KefuError('invalid_config', `${stray} is set but KEFU_EMBEDDING_BASE_URL is not (e.g. http://127.0.0.1:8081/v1)`);
  }
  if (file !== '') {
    if (!existsSync(file)) throw new KefuError('invalid_config', `KEFU_EMBEDDING_MODEL_PATH: no such file: ${file}`);
    return { kind: 'embedded', modelPath: path.resolve(file), minSimilarity: e.KEFU_EMBEDDING_MIN_SIMILARITY, questionTimeoutMs: e.KEFU_EMBEDDING_TIMEOUT_MS };
  }
  if (url === '') return null;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new KefuError('invalid_config', `KEFU_EMBEDDING_BASE_URL is not an http(s) URL: ${url}`);
  return { kind: 'openai', baseURL: url, model: e.KEFU_EMBEDDING_MODEL ?? null, apiKey: e.KEFU_EMBEDDING_API_KEY ?? null, minSimilarity: e.KEFU_EMBEDDING_MIN_SIMILARITY, questionTimeoutMs: e.KEFU_EMBEDDING_TIMEOUT_MS };
}

function shopOf(value: string | undefined): ShopIdentity {
  const shop = parseShopName(value);
  if (typeof shop === 'string') throw new KefuError('invalid_config', shop);
  return shop;
}

/** Pictures and voice messages: limits, OCR and ASR. */
function mediaConfig(e: Env): Pick<KefuConfig, 'images' | 'voice'> {
  return {
    images: {
      maxBytes: e.KEFU_IMAGE_MAX_BYTES,
      maxPixels: e.KEFU_IMAGE_MAX_PIXELS,
      ocrTimeoutMs: e.KEFU_OCR_TIMEOUT_MS,
      ocrConcurrency: e.KEFU_OCR_CONCURRENCY,
      ocrLanguages: e.KEFU_OCR_LANGS,
      retain: e.KEFU_IMAGE_RETENTION === 'on',
    },
    voice: {
      maxBytes: e.KEFU_AUDIO_MAX_BYTES,
      maxSeconds: e.KEFU_AUDIO_MAX_SECONDS,
      asrTimeoutMs: e.KEFU_ASR_TIMEOUT_MS,
      asrConcurrency: e.KEFU_ASR_CONCURRENCY,
      server:
        e.KEFU_ASR_BASE_URL === undefined || e.KEFU_ASR_BASE_URL.trim() === ''
          ? null
          : { baseUrl: e.KEFU_ASR_BASE_URL.trim(), apiKey: e.KEFU_ASR_API_KEY ?? null, model: e.KEFU_ASR_MODEL, responseFormat: e.KEFU_ASR_RESPONSE_FORMAT, language: e.KEFU_ASR_LANGUAGE ?? null },
      languageModel: e.KEFU_ASR_LM ?? null,
    },
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): KefuConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new KefuError('invalid_config', `Invalid setting ${String(issue.path[0])}: ${issue.message}`, { status: 500 });
  }
  const e = parsed.data;
  const baseURLs = csv(e.KEFU_LLM_BASE_URL);
  for (const u of baseURLs) {
    if (!URL.canParse(u)) throw new KefuError('invalid_config', `KEFU_LLM_BASE_URL has an invalid URL: ${u}`);
  }

  const { llm, llmNote, modelPath } = chooseLlm(e);
  checkSettings(e, llm, baseURLs);

  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.KEFU_DATA_DIR),
    kbPaths: e.KEFU_KB === undefined ? [DEMO_KB_PATH] : csv(e.KEFU_KB).map((p) => path.resolve(p)),
    llm,
    llmNote,
    modelPath,
    loraPath: e.KEFU_LORA_PATH ?? null,
    llmBaseURLs: baseURLs,
    llmModel: e.KEFU_LLM_MODEL ?? null,
    llmApiKey: e.KEFU_LLM_API_KEY ?? null,
    embedding: embeddingConfig(e),
    llmThreads: e.KEFU_LLM_THREADS ?? null,
    llmLatencyBudgetMs: e.KEFU_LLM_LATENCY_BUDGET_MS,
    adminKey: e.KEFU_ADMIN_KEY ?? null,
    logLevel: e.KEFU_LOG_LEVEL,
    sessionTtlMs: e.KEFU_SESSION_TTL_MINUTES * 60_000,
    rateLimitPerMinute: e.KEFU_RATE_LIMIT_PER_MINUTE,
    maxMessageChars: e.KEFU_MAX_MESSAGE_CHARS,
    maxBodyBytes: e.KEFU_MAX_BODY_BYTES,
    historyTokens: e.KEFU_HISTORY_TOKENS,
    maxTokens: e.KEFU_MAX_TOKENS,
    ordersUrl: e.KEFU_ORDERS_URL ?? null,
    orderIdPattern: e.KEFU_ORDER_ID_PATTERN === undefined ? null : compileOrderIdPattern(e.KEFU_ORDER_ID_PATTERN).source,
    nlu: e.KEFU_NLU,
    timeZone: e.KEFU_TIMEZONE,
    businessHours: e.KEFU_BUSINESS_HOURS,
    ticketsWebhookUrl: e.KEFU_TICKETS_WEBHOOK_URL ?? null,
    conversationIdleMs: e.KEFU_CONVERSATION_IDLE_MINUTES * 60_000,
    userIdSecret: e.KEFU_USER_ID_SECRET ?? null,
    sessionSecret: e.KEFU_SESSION_SECRET ?? null,
    constitutionPath: e.KEFU_CONSTITUTION === undefined ? null : path.resolve(e.KEFU_CONSTITUTION),
    corsOrigins: csv(e.KEFU_CORS_ORIGINS),
    auditRetentionDays: e.KEFU_AUDIT_RETENTION_DAYS ?? null,
    vaultKey: e.KEFU_VAULT_KEY ?? null,
    auditKey: e.KEFU_AUDIT_KEY ?? null,
    keyDir: path.resolve(e.KEFU_KEY_DIR ?? defaultKeyDir(env)),
    auditCheckpoint: { entries: e.KEFU_AUDIT_CHECKPOINT_ENTRIES, ms: Math.round(e.KEFU_AUDIT_CHECKPOINT_MINUTES * 60_000) },
    redisUrl: e.KEFU_REDIS_URL ?? null,
    cache: { enabled: e.KEFU_CACHE === 'on', ttlMs: e.KEFU_CACHE_TTL_HOURS * 3_600_000 },
    queueLeaseMs: Math.max(3, Math.round(e.KEFU_QUEUE_LEASE_SECONDS * 1000)),
    proactiveRulesPath: e.KEFU_PROACTIVE_RULES === undefined ? null : path.resolve(e.KEFU_PROACTIVE_RULES),
    shopPolicyPath: e.KEFU_SHOP_POLICY === undefined ? null : path.resolve(e.KEFU_SHOP_POLICY),
    shop: shopOf(e.KEFU_SHOP_NAME),
    databaseUrl: e.KEFU_DATABASE_URL ?? null,
    listenBacklog: e.KEFU_LISTEN_BACKLOG,
    requestTimeoutMs: Math.round(e.KEFU_REQUEST_TIMEOUT_SECONDS * 1000),
    trustedProxies: [...parseTrustedProxies(csv(e.KEFU_TRUSTED_PROXIES)).entries],
    wecomTimestampWindowMs: e.KEFU_WECOM_TIMESTAMP_WINDOW_SECONDS * 1000,
    auditHeadFlushMs: e.KEFU_AUDIT_HEAD_FLUSH_MS,
    ...mediaConfig(e),
    wecom:
      wecomCount(e) === 3
        ? { token: e.KEFU_WECOM_TOKEN!, encodingAesKey: e.KEFU_WECOM_AES_KEY!, corpId: e.KEFU_WECOM_CORP_ID!, secret: e.KEFU_WECOM_SECRET ?? null, agentId: e.KEFU_WECOM_AGENT_ID ?? null, apiBase: e.KEFU_WECOM_API_BASE ?? null }
        : null,
  };
}
