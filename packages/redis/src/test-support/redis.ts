// Test support, not part of the package: connections to the machine's Redis (127.0.0.1:6379,
// as CI starts it; set GATEHOUSE_TEST_REDIS_URL to use another), a random key prefix per test
// file so runs never see each other's keys, and a clean-up that deletes only those keys.
// Never FLUSHDB: the Redis is shared with whatever else runs on the machine.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';

export const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A new connection to the test Redis; close it with `quit()`. */
export function connect(options: RedisOptions = {}): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, ...options });
}

/** A key prefix no other test run uses. */
export function uniquePrefix(): string {
  return `gatehouse-test:${randomUUID()}:`;
}

/** Every key under `prefix`, found with SCAN (never KEYS, which blocks Redis). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  const keys = await keysUnder(redis, prefix);
  if (keys.length > 0) await redis.del(...keys);
  return keys.length;
}

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

/**
 * A client that cannot reach Redis and says so at once: no offline queue, no retries, so each
 * command rejects instead of waiting for a reconnection. Close it with `disconnect()`.
 */
export async function unreachableClient(): Promise<Redis> {
  const client = new Redis({
    host: '127.0.0.1',
    port: await closedPort(),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // ioredis reports connection errors as events too; the rejected commands are what we test.
  client.on('error', () => {});
  return client;
}
