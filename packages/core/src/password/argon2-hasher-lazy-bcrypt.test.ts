import { describe, it, expect, vi } from 'vitest';
import { argon2Hasher } from './argon2-hasher.js';

// Records when `@node-rs/bcrypt` is first loaded. This file must not import it itself.
const bcryptLoads = vi.hoisted(() => ({ count: 0 }));

vi.mock('@node-rs/bcrypt', async (importOriginal) => {
  bcryptLoads.count += 1;
  return importOriginal<typeof import('@node-rs/bcrypt')>();
});

// bcrypt('legacy-password', cost 4), made once with @node-rs/bcrypt.
const LEGACY_HASH = '$2b$04$y2bhgG25XzyWZ4fj54p3ZeJNtMW5nphX8XIm446ltU9VW67mj9rei';

describe('argon2Hasher and @node-rs/bcrypt', () => {
  it('loads bcrypt only when a bcrypt hash is first verified', async () => {
    const hasher = argon2Hasher({ memoryCost: 1024, timeCost: 1 });
    const stored = await hasher.hash('pw');
    expect(await hasher.verify(stored, 'pw')).toBe(true);
    expect(await hasher.verify('$2b$16$y2bhgG25XzyWZ4fj54p3ZeJNtMW5nphX8XIm446ltU9VW67mj9rei', 'pw')).toBe(false);
    expect(hasher.needsRehash(LEGACY_HASH)).toBe(true);
    expect(bcryptLoads.count).toBe(0);

    expect(await hasher.verify(LEGACY_HASH, 'legacy-password')).toBe(true);
    expect(await hasher.verify(LEGACY_HASH, 'other-password')).toBe(false);
    expect(bcryptLoads.count).toBe(1);
  });
});
