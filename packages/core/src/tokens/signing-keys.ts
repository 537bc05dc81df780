import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { SigningKey } from '../config.js';

/** Algorithms Gatehouse signs access tokens with. */
export type AccessTokenAlgorithm = 'HS256' | 'EdDSA' | 'ES256';

/** A verification key of our own key set, ready for jose. */
export interface ResolvedKey {
  kid: string | undefined;
  alg: AccessTokenAlgorithm;
  /** Signs new tokens (the first key with a private key), or `null` for a verify-only key. */
  signingKey: KeyObject | Uint8Array | null;
  verifyKey: KeyObject | Uint8Array;
  /** The public JWK published in the JWKS, or `null` for a symmetric secret. */
  publicJwk: Record<string, unknown> | null;
}

function toPrivateKey(material: JsonWebKey | string | KeyObject): KeyObject {
  if (typeof material === 'string') return createPrivateKey(material);
  if ('asymmetricKeyType' in material && typeof (material as KeyObject).export === 'function') return material as KeyObject;
  return createPrivateKey({ key: material as JsonWebKey, format: 'jwk' });
}

function toPublicKey(material: JsonWebKey | string | KeyObject): KeyObject {
  if (typeof material === 'string') return createPublicKey(material);
  if ('asymmetricKeyType' in material && typeof (material as KeyObject).export === 'function') {
    const key = material as KeyObject;
    return key.type === 'public' ? key : createPublicKey(key);
  }
  const { d: _private, ...publicPart } = material as JsonWebKey & { d?: string };
  return createPublicKey({ key: publicPart as JsonWebKey, format: 'jwk' });
}

function algorithmOf(key: KeyObject, kid: string): AccessTokenAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new TypeError(`Invalid Gatehouse config:\n  - keys: key "${kid}" must be an Ed25519 (EdDSA) or P-256 (ES256) key.`);
}

/**
 * Turns the configured secret or key set into keys. Misconfigured keys throw a `TypeError`
 * at `createAuth` time, never at the first request.
 */
export function resolveKeys(secret: string | Uint8Array | undefined, keys: SigningKey[] | undefined): ResolvedKey[] {
  if (secret !== undefined) {
    const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : Uint8Array.from(secret);
    return [{ kid: undefined, alg: 'HS256', signingKey: bytes, verifyKey: bytes, publicJwk: null }];
  }
  const seen = new Set<string>();
  let signerChosen = false;
  const resolved = (keys ?? []).map((key): ResolvedKey => {
    if (seen.has(key.kid)) throw new TypeError(`Invalid Gatehouse config:\n  - keys: kid "${key.kid}" is used twice.`);
    seen.add(key.kid);
    const material = key.publicKey ?? key.privateKey;
    if (material === undefined) {
      throw new TypeError(`Invalid Gatehouse config:\n  - keys: key "${key.kid}" needs a privateKey or a publicKey.`);
    }
    let privateKey: KeyObject | null = null;
    let publicKey: KeyObject;
    try {
      privateKey = key.privateKey === undefined ? null : toPrivateKey(key.privateKey);
      publicKey = key.publicKey === undefined ? createPublicKey(privateKey as KeyObject) : toPublicKey(key.publicKey);
    } catch (error) {
      throw new TypeError(`Invalid Gatehouse config:\n  - keys: key "${key.kid}" could not be read (${(error as Error).message}).`);
    }
    const alg = algorithmOf(publicKey, key.kid);
    if (privateKey && algorithmOf(privateKey, key.kid) !== alg) {
      throw new TypeError(`Invalid Gatehouse config:\n  - keys: key "${key.kid}" has a private and a public key of different types.`);
    }
    const signingKey = privateKey && !signerChosen ? privateKey : null;
    if (signingKey) signerChosen = true;
    const publicJwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: key.kid, alg, use: 'sig' };
    return { kid: key.kid, alg, signingKey, verifyKey: publicKey, publicJwk };
  });
  if (!signerChosen) {
    throw new TypeError('Invalid Gatehouse config:\n  - keys: at least one key needs a privateKey to sign tokens.');
  }
  return resolved;
}
