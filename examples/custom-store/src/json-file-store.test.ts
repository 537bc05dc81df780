import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '@gatehouse-auth/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonFileStore, type JsonFileStore } from './json-file-store.js';

const folder = mkdtempSync(join(tmpdir(), 'gatehouse-json-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// Every contract of the Store port, as Gatehouse's own stores are held to it.
runStoreConformance({
  name: 'jsonFileStore',
  createStore: () => jsonFileStore({ path: join(folder, 'conformance', 'auth.json') }),
  teardown: (store) => (store as JsonFileStore).close(),
});

const user = {
  id: 'b8c1e5a2-0000-4000-8000-000000000001',
  email: 'ada@example.com',
  emailVerifiedAt: null,
  passwordHash: null,
  role: 'user',
  status: 'pending' as const,
  profile: { firstName: 'Ada' },
  createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, 0, 1)),
  updatedAt: new Date(Date.UTC(2030, 0, 1, 0, 0, 0, 1)),
  lastLoginAt: null,
};

describe('jsonFileStore, beyond the port', () => {
  it('keeps the data in the file: a store opened again finds it', async () => {
    const path = join(folder, 'reopen', 'auth.json');
    const first = await jsonFileStore({ path });
    await first.createUser(user);
    await first.close();
    expect(JSON.parse(readFileSync(path, 'utf8')).users[user.id].email).toBe('ada@example.com');

    const second = await jsonFileStore({ path });
    expect(await second.findUserByEmail('ada@example.com')).toEqual(user);
    await second.close();
  });

  it('writes through a temporary file and a rename, leaving no temporary file behind', async () => {
    const path = join(folder, 'atomic', 'auth.json');
    const store = await jsonFileStore({ path });
    await Promise.all(Array.from({ length: 10 }, (_, index) => store.createUser({ ...user, id: `id-${index}`, email: `u${index}@example.com` })));
    expect(readdirSync(join(folder, 'atomic')).sort()).toEqual(['auth.json', 'auth.json.lock']);
    await store.close();
    expect(readdirSync(join(folder, 'atomic'))).toEqual(['auth.json']);
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')).users)).toHaveLength(10);
  });

  it('refuses a second open of the same file while the first is open', async () => {
    const path = join(folder, 'locked', 'auth.json');
    const store = await jsonFileStore({ path });
    await expect(jsonFileStore({ path })).rejects.toThrow(/already has/);
    await store.close();
    const again = await jsonFileStore({ path });
    await again.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const path = join(folder, 'stale', 'auth.json');
    const store = await jsonFileStore({ path });
    await store.close();
    // No process has pid 2^22 + 1 (above Linux's pid_max limit).
    writeFileSync(`${path}.lock`, String(4_194_305));
    const reopened = await jsonFileStore({ path });
    await reopened.close();
  });

  it('refuses a file that is not a store file', async () => {
    const path = join(folder, 'foreign.json');
    writeFileSync(path, JSON.stringify({ hello: 'world' }));
    await expect(jsonFileStore({ path })).rejects.toThrow(/not a version 1 Gatehouse JSON store/);
    // The failed open released its lock.
    expect(readdirSync(folder)).not.toContain('foreign.json.lock');
  });
});
