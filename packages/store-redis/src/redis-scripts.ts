import { createHash } from 'node:crypto';
import type { RedisClientLike } from './redis-client.js';

// Every change publishes on the record's channel from inside the script, so the message and the
// change are one atomic step: a subscriber never hears of a write that did not happen. Messages
// are `<event> <instance id>`, so an instance can ignore its own.

/**
 * Compare-and-swap of the record. ARGV: value, mode (`any` | `absent` | `equals`), expected,
 * channel, instance id, retry (`1` when re-sent after a lost connection: if the value is already
 * stored, the first attempt landed). Returns 1 when the value is stored, 0 on a mismatch.
 */
const WRITE = `
local current = redis.call('GET', KEYS[1])
if ARGV[6] == '1' and current == ARGV[1] then return 1 end
if ARGV[2] == 'absent' and current then return 0 end
if ARGV[2] == 'equals' and current ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[4], 'write ' .. ARGV[5])
return 1`;

/** Deletes the record. ARGV: channel, instance id. Returns 1 when something was removed. */
const REMOVE = `
if redis.call('DEL', KEYS[1]) == 1 then
  redis.call('PUBLISH', ARGV[1], 'remove ' .. ARGV[2])
  return 1
end
return 0`;

/**
 * Moves the record to KEYS[2] (same slot), keeping unreadable data for the user. ARGV: channel,
 * instance id. Returns 1 when something was moved.
 */
const QUARANTINE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[1], 'remove ' .. ARGV[2])
return 1`;

/** Takes the lock (SET NX PX). ARGV: token, lease ms. Returns -1 when taken, else the holder's PTTL. */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
return redis.call('PTTL', KEYS[1])`;

/** Extends the lease, only for its owner. ARGV: token, lease ms. Returns 1 while still owned. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** Compare-and-delete: only the owner releases. ARGV: token, channel, instance id. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], 'unlock ' .. ARGV[3])
  return 1
end
return 0`;

/** The store's Lua scripts, by name. */
export const SCRIPTS = {
  write: WRITE,
  remove: REMOVE,
  quarantine: QUARANTINE,
  acquire: ACQUIRE,
  renew: RENEW,
  release: RELEASE,
} as const;

// Hashed on first use, not at import: a CLI that bundles this store loads node:crypto lazily.
const SHA1 = new Map<keyof typeof SCRIPTS, string>();
const sha1Of = (name: keyof typeof SCRIPTS): string => {
  let sha = SHA1.get(name);
  if (sha === undefined) {
    sha = createHash('sha1').update(SCRIPTS[name]).digest('hex');
    SHA1.set(name, sha);
  }
  return sha;
};

/**
 * Runs a script by its SHA-1 (`EVALSHA`), loading it with `EVAL` when the server does not know it
 * yet (`NOSCRIPT`: a fresh or restarted server, or another node of a cluster).
 */
export async function runScript(
  client: RedisClientLike,
  name: keyof typeof SCRIPTS,
  keys: string[],
  args: string[],
): Promise<number> {
  const options = { keys, arguments: args };
  try {
    return Number(await client.evalSha(sha1Of(name), options));
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
    return Number(await client.eval(SCRIPTS[name], options));
  }
}
