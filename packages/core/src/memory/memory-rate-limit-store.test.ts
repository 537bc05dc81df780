import { describe, expect, it } from 'vitest';
import { runRateLimitStoreConformance } from '../testing/index.js';
import { memoryRateLimitStore } from './memory-rate-limit-store.js';

runRateLimitStoreConformance({ name: 'memoryRateLimitStore', createStore: () => memoryRateLimitStore() });

describe('memoryRateLimitStore bound', () => {
  it('keeps at most maxKeys windows, dropping expired ones first, then the oldest', async () => {
    const store = memoryRateLimitStore({ maxKeys: 100 });
    const start = new Date(Date.UTC(2026, 0, 1));
    for (let i = 0; i < 50; i += 1) await store.hit(`short-${i}`, 1000, start);
    for (let i = 0; i < 50; i += 1) await store.hit(`long-${i}`, 3_600_000, start);
    const later = new Date(start.getTime() + 2000);
    await store.hit('new-0', 60_000, later);
    // the expired short windows made room; every long window survived
    expect(await store.peek('long-0', later)).not.toBeNull();
    for (let i = 1; i < 10_000; i += 1) await store.hit(`new-${i}`, 60_000, later);
    let kept = 0;
    for (let i = 0; i < 10_000; i += 1) if (await store.peek(`new-${i}`, later)) kept += 1;
    expect(kept).toBeLessThanOrEqual(100);
    expect(await store.peek('new-9999', later)).not.toBeNull();
    expect(await store.peek('long-0', later)).toBeNull();
  });
});
