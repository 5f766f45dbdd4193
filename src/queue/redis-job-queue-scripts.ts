import { createHash } from 'node:crypto';

/** The Redis job queue's scripts (src/queue/redis-stream-job-queue.ts), each loaded once by its SHA-1. */
// ---- Lua scripts: every state change in one atomic step. ----
// Settle keys: 1 stream, 2 delayed, 3 deadletter, 4 state:queued, 5 state:running, 6 state:done, 7 state:dead.
// ARGV[1] is the job-hash prefix and ARGV[2] the group in claim, reclaim and settle.
const SETTLE_HELPERS = `
local function finish(jobKey, entry, retention)
  if entry then
    redis.call('XACK', KEYS[1], ARGV[2], entry)
    redis.call('XDEL', KEYS[1], entry)
  end
  redis.call('HDEL', jobKey, 'token', 'entry')
  redis.call('PEXPIRE', jobKey, retention)
  local idem = redis.call('HGET', jobKey, 'idemKey')
  if idem then redis.call('PEXPIRE', idem, retention) end
end
local function bury(jobKey, id, entry, err, now, retention)
  redis.call('HSET', jobKey, 'state', 'dead', 'lastError', err, 'finishedAt', now)
  redis.call('SREM', KEYS[4], id)
  redis.call('SREM', KEYS[5], id)
  redis.call('ZADD', KEYS[7], now, id)
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', 10000, '*', 'job', id, 'error', err)
  finish(jobKey, entry, retention)
end
local function claimOne(entry, id, token, now, retention)
  local jobKey = ARGV[1] .. id
  local state = redis.call('HGET', jobKey, 'state')
  if (not state) or state == 'done' or state == 'dead' then
    redis.call('XACK', KEYS[1], ARGV[2], entry)
    redis.call('XDEL', KEYS[1], entry)
    return nil
  end
  local attempts = tonumber(redis.call('HGET', jobKey, 'attempts'))
  local maxAttempts = tonumber(redis.call('HGET', jobKey, 'maxAttempts'))
  if state == 'running' and attempts >= maxAttempts then
    bury(jobKey, id, entry, 'lease expired on attempt ' .. attempts .. ' of ' .. maxAttempts .. ': the worker stopped without settling the job', now, retention)
    return nil
  end
  redis.call('HSET', jobKey, 'state', 'running', 'attempts', attempts + 1, 'token', token, 'entry', entry)
  redis.call('SREM', KEYS[4], id)
  redis.call('SADD', KEYS[5], id)
  return {token, redis.call('HGETALL', jobKey)}
end
`;

const LUA = {
  // KEYS: idem, stream, delayed, state:queued. ARGV: id, job prefix, type, payload, key, maxAttempts, runAt, createdAt, now.
  enqueue: `
local existing = redis.call('GET', KEYS[1])
if existing then
  local fields = redis.call('HGETALL', ARGV[2] .. existing)
  if #fields > 0 then return {0, fields} end
  redis.call('DEL', KEYS[1])
end
local jobKey = ARGV[2] .. ARGV[1]
redis.call('SET', KEYS[1], ARGV[1], 'NX')
redis.call('HSET', jobKey, 'id', ARGV[1], 'type', ARGV[3], 'payload', ARGV[4], 'idempotencyKey', ARGV[5], 'state', 'queued',
  'attempts', 0, 'maxAttempts', ARGV[6], 'runAt', ARGV[7], 'createdAt', ARGV[8], 'idemKey', KEYS[1])
redis.call('SADD', KEYS[4], ARGV[1])
if tonumber(ARGV[7]) > tonumber(ARGV[9]) then
  redis.call('ZADD', KEYS[3], ARGV[7], ARGV[1])
else
  redis.call('XADD', KEYS[2], '*', 'job', ARGV[1])
end
return {1, redis.call('HGETALL', jobKey)}
`,
  // KEYS: delayed, stream. ARGV: now, limit.
  promote: `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('XADD', KEYS[2], '*', 'job', id)
end
return #ids
`,
  // ARGV: job prefix, group, now, retention, then (entry id, job id, token) triples.
  claim: `${SETTLE_HELPERS}
local out = {}
for i = 5, #ARGV, 3 do
  local r = claimOne(ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[3]), ARGV[4])
  if r then table.insert(out, r) end
end
return out
`,
  // ARGV: job prefix, group, consumer, leaseMs, cursor, count, now, retention, then count tokens.
  reclaim: `${SETTLE_HELPERS}
local res = redis.call('XAUTOCLAIM', KEYS[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], 'COUNT', ARGV[6])
local out = {}
for i, e in ipairs(res[2]) do
  local fields = e[2]
  if fields and fields[2] then
    local r = claimOne(e[1], fields[2], ARGV[8 + i], tonumber(ARGV[7]), ARGV[8])
    if r then table.insert(out, r) end
  end
end
return {res[1], out}
`,
  // ARGV: job prefix, group, id, token, outcome (done|retry|dead), now, error, runAt, retention.
  settle: `${SETTLE_HELPERS}
local id = ARGV[3]
local jobKey = ARGV[1] .. id
if redis.call('HGET', jobKey, 'token') ~= ARGV[4] then return 0 end
local entry = redis.call('HGET', jobKey, 'entry')
local now = tonumber(ARGV[6])
if ARGV[5] == 'retry' then
  redis.call('XACK', KEYS[1], ARGV[2], entry)
  redis.call('XDEL', KEYS[1], entry)
  redis.call('HSET', jobKey, 'state', 'queued', 'runAt', ARGV[8], 'lastError', ARGV[7])
  redis.call('HDEL', jobKey, 'token', 'entry')
  redis.call('SREM', KEYS[5], id)
  redis.call('SADD', KEYS[4], id)
  redis.call('ZADD', KEYS[2], ARGV[8], id)
elseif ARGV[5] == 'dead' then
  bury(jobKey, id, entry, ARGV[7], now, ARGV[9])
else
  redis.call('HSET', jobKey, 'state', 'done', 'finishedAt', now)
  redis.call('SREM', KEYS[5], id)
  redis.call('ZADD', KEYS[6], now, id)
  finish(jobKey, entry, ARGV[9])
end
return 1
`,
  // KEYS: stream. ARGV: job key, token, group, consumer. Resets the entry's idle time while the claim is ours.
  renew: `
if redis.call('HGET', ARGV[1], 'token') ~= ARGV[2] then return 0 end
local entry = redis.call('HGET', ARGV[1], 'entry')
redis.call('XCLAIM', KEYS[1], ARGV[3], ARGV[4], 0, entry, 'JUSTID')
return 1
`,
};

export type ScriptName = keyof typeof LUA;
export const SCRIPTS = Object.fromEntries(
  Object.entries(LUA).map(([name, lua]) => [name, { lua, sha: createHash('sha1').update(lua).digest('hex') }]),
) as Record<ScriptName, { lua: string; sha: string }>;
