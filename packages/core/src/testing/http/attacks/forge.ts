// Internal to runHttpAttacks: JWTs built by hand, so that an attack can send what no honest
// library would write.
import { createHmac, sign, type KeyObject } from 'node:crypto';
import { SECRET } from '../suite-app.js';
import type { Json } from './harness.js';

export function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

export function payloadOf(token: string): Json {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json;
}

export function without(claims: Json, name: string): Json {
  const { [name]: _dropped, ...rest } = claims;
  return rest;
}

/** An HMAC-signed JWT built by hand, so any header (including ones jose refuses to write) can be sent. */
export function hmacJwt(header: Json, payload: Json, key: string | Uint8Array = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const digest = header.alg === 'HS512' ? 'sha512' : header.alg === 'HS384' ? 'sha384' : 'sha256';
  return `${input}.${createHmac(digest, key).update(input).digest('base64url')}`;
}

/** A JWT signed with an asymmetric private key (Ed25519, or P-256 in JOSE's r||s form). */
export function signedJwt(header: Json, payload: Json, privateKey: KeyObject): string {
  const input = Buffer.from(`${b64(header)}.${b64(payload)}`);
  const signature =
    privateKey.asymmetricKeyType === 'ed25519' ? sign(null, input, privateKey) : sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input.toString()}.${signature.toString('base64url')}`;
}
