/** The value of one cookie in a `Cookie` header, or `undefined`. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    return value.length > 0 ? value : undefined;
  }
  return undefined;
}

/**
 * A `Set-Cookie` value for the refresh token. `__Host-` cookies must be `Secure`, have
 * `Path=/` and no `Domain`; `HttpOnly` keeps scripts away from it, `SameSite=Strict` keeps
 * other sites' requests from carrying it.
 */
export function refreshCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; Secure; SameSite=Strict`;
}

/** A `Set-Cookie` value that removes the refresh-token cookie. */
export function clearedCookie(name: string): string {
  return `${name}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}
