export type { RedisClientLike, RedisClientOptions, ScriptArguments } from './redis-client.js';
export { type RedisStore, type RedisStoreOptions, redisStore } from './redis-store.js';
