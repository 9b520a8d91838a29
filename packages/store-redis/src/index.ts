export * from './redis-client.js';
export * from './redis-driver.js';
