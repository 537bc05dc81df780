const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * Normalizes an email address the way Gatehouse stores and compares it: trimmed, Unicode
 * NFKC, lower-case. Returns `null` for anything that is not a plain address: quoted local
 * parts, comments, IP-literal domains, and characters outside ASCII after NFKC (so
 * look-alike letters from other scripts cannot create a second account that reads the same).
 *
 * @example
 * ```ts
 * import { normalizeEmail } from '@gatehouse-auth/core';
 * normalizeEmail('  Ada@Example.COM '); // 'ada@example.com'
 * normalizeEmail('"ada"@example.com'); // null
 * ```
 */
export function normalizeEmail(input: string): string | null {
  if (typeof input !== 'string' || input.length > 512) return null;
  const email = input.trim().normalize('NFKC').toLowerCase();
  if (email.length > 254 || !/^[\x21-\x7e]+$/.test(email)) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0 || email.indexOf('@') !== at) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || domain.length > 253) return null;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  return TOP_LEVEL.test(labels[labels.length - 1] ?? '') ? email : null;
}
