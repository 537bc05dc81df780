import type { AccessTokenClaims } from './access-token.js';

/**
 * Remembers tokens whose signature and claims were already verified, keyed by the exact token
 * string (a token is immutable: any change to it is a different key, so a tampered token is
 * never served from here). Entries are bounded in number; the oldest go first. The cache only
 * saves the signature check: expiry is checked on every hit, and the session check that makes
 * logout immediate runs after it as before.
 */
export interface VerifiedTokenCache {
  get(token: string): AccessTokenClaims | undefined;
  set(token: string, claims: AccessTokenClaims): void;
  readonly size: number;
}

/** A cache of at most `maxEntries` verified tokens; `0` caches nothing. */
export function verifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  const entries = new Map<string, AccessTokenClaims>();
  return {
    get(token) {
      return maxEntries === 0 ? undefined : entries.get(token);
    },
    set(token, claims) {
      if (maxEntries === 0) return;
      if (entries.size >= maxEntries) {
        // Map iteration follows insertion order: drop the oldest eighth at once, so a flood of
        // fresh tokens costs one sweep per many inserts rather than one eviction per insert.
        let drop = Math.max(1, maxEntries >> 3);
        for (const key of entries.keys()) {
          entries.delete(key);
          if (--drop === 0) break;
        }
      }
      entries.set(token, claims);
    },
    get size() {
      return entries.size;
    },
  };
}
