import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RandomSource } from '../ports/random-source.js';

/** The default {@link RandomSource}: node:crypto's CSPRNG. */
export function cryptoRandom(): RandomSource {
  return { bytes: (size: number): Uint8Array => randomBytes(size) };
}

/** SHA-256 of a UTF-8 string, base64url: how every token we hand out is stored. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/** HMAC-SHA256 of a UTF-8 string under a base64url key, base64url. */
export function hmacSha256(keyBase64url: string, value: string): string {
  return createHmac('sha256', Buffer.from(keyBase64url, 'base64url')).update(value, 'utf8').digest('base64url');
}

/** Constant-time comparison of two strings (false on different lengths, without early exit on content). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

/** `size` random bytes as base64url. */
export function randomToken(random: RandomSource, size = 32): string {
  return Buffer.from(random.bytes(size)).toString('base64url');
}

/** A random (version 4) UUID from the given source. */
export function randomUUID(random: RandomSource): string {
  const bytes = Buffer.from(random.bytes(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A code of `length` characters drawn uniformly (rejection sampling) from `alphabet`. */
export function randomCode(random: RandomSource, alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let code = '';
  while (code.length < length) {
    for (const byte of random.bytes(length * 2)) {
      if (byte >= limit) continue;
      code += alphabet[byte % alphabet.length];
      if (code.length === length) break;
    }
  }
  return code;
}
