import { isIPv4, isIPv6 } from 'node:net';

interface ParsedAddress {
  version: 4 | 6;
  value: bigint;
  /** The address as Gatehouse records it: IPv4 dotted (IPv4-mapped IPv6 unwrapped), IPv6 lower-case. */
  text: string;
}

interface Network {
  version: 4 | 6;
  base: bigint;
  bits: number;
}

/** Strips what can surround an address in a header or a socket: brackets, a port, a zone. */
function clean(input: string): string {
  let text = input.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  return text.replace(/%.*$/, '');
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Groups(text: string): number[] {
  let body = text.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (dotted?.[1]) {
    const v4 = Number(ipv4Value(dotted[1]));
    body = `${body.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = body.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16));
}

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 addresses count as IPv4. `null` for anything else. */
export function parseAddress(input: string): ParsedAddress | null {
  const text = clean(input);
  if (isIPv4(text)) return { version: 4, value: ipv4Value(text), text };
  if (!isIPv6(text)) return null;
  const groups = ipv6Groups(text);
  const value = groups.reduce((acc, group) => (acc << 16n) | BigInt(group), 0n);
  if (value >> 32n === 0xffffn) {
    const v4 = Number(value & 0xffffffffn);
    const dotted = [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255].join('.');
    return { version: 4, value: BigInt(v4 >>> 0), text: dotted };
  }
  return { version: 6, value, text: text.toLowerCase() };
}

/**
 * Parses a trusted-proxy entry: an address or a CIDR block.
 * @throws TypeError when the entry is neither.
 */
export function parseNetwork(entry: string): Network {
  const [address = '', prefix] = entry.split('/');
  const parsed = parseAddress(address);
  const max = parsed?.version === 4 ? 32 : 128;
  const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  if (!parsed || !(bits >= 0 && bits <= max)) {
    throw new TypeError(`trustProxy: "${entry}" is not an IP address or CIDR block (e.g. "10.0.0.0/8", "::1").`);
  }
  const mask = ((1n << BigInt(bits)) - 1n) << BigInt(max - bits);
  return { version: parsed.version, base: parsed.value & mask, bits };
}

function contains(network: Network, address: ParsedAddress): boolean {
  if (network.version !== address.version) return false;
  const max = network.version === 4 ? 32 : 128;
  const mask = ((1n << BigInt(network.bits)) - 1n) << BigInt(max - network.bits);
  return (address.value & mask) === network.base;
}

/**
 * The client's address: the socket's, unless the socket is a trusted proxy; then the
 * right-most `X-Forwarded-For` hop that is not a trusted proxy. The left-most hop is whatever
 * the client wrote, so it is only used when every hop after it is trusted.
 */
export function resolveClientIp(socketIp: string | undefined, forwardedFor: string | undefined, trusted: readonly Network[]): string | undefined {
  const socket = socketIp === undefined ? null : parseAddress(socketIp);
  if (!socket) return undefined;
  const isTrusted = (address: ParsedAddress): boolean => trusted.some((network) => contains(network, address));
  if (trusted.length === 0 || forwardedFor === undefined || !isTrusted(socket)) return socket.text;
  const hops = forwardedFor.split(',').map((hop) => hop.trim()).filter((hop) => hop.length > 0);
  let nearest = socket;
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = parseAddress(hops[index] ?? '');
    // A hop that is not an address was not written by a proxy we trust: stop at the last good one.
    if (!hop) return nearest.text;
    if (!isTrusted(hop)) return hop.text;
    nearest = hop;
  }
  return nearest.text;
}
