import { describe, expect, it } from 'vitest';
import { parseAddress, parseNetwork, resolveClientIp } from './client-ip.js';

const trusted = (...entries: string[]) => entries.map(parseNetwork);

describe('resolveClientIp', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(resolveClientIp('10.0.0.2', '203.0.113.7', [])).toBe('10.0.0.2');
  });

  it('is the socket address when the socket is not a trusted proxy', () => {
    expect(resolveClientIp('198.51.100.9', '203.0.113.7', trusted('10.0.0.0/8'))).toBe('198.51.100.9');
  });

  it('is the right-most hop that is not a trusted proxy, never the left-most by default', () => {
    expect(resolveClientIp('10.0.0.2', 'spoofed, 203.0.113.7, 10.0.0.1', trusted('10.0.0.0/8'))).toBe('203.0.113.7');
  });

  it('is the left-most hop only when every hop after it is trusted', () => {
    expect(resolveClientIp('10.0.0.2', '203.0.113.7, 10.0.0.1', trusted('10.0.0.0/8'))).toBe('203.0.113.7');
    expect(resolveClientIp('10.0.0.2', '10.0.0.3', trusted('10.0.0.0/8'))).toBe('10.0.0.3');
  });

  it('stops at a hop that is not an address, at the nearest trusted one', () => {
    expect(resolveClientIp('10.0.0.2', '203.0.113.7, not-an-ip, 10.0.0.1', trusted('10.0.0.0/8'))).toBe('10.0.0.1');
  });

  it('unwraps IPv4-mapped IPv6 sockets and matches IPv6 networks', () => {
    expect(resolveClientIp('::ffff:127.0.0.1', '203.0.113.7', trusted('127.0.0.1'))).toBe('203.0.113.7');
    expect(resolveClientIp('fd00::1', '2001:db8::5', trusted('fd00::/8'))).toBe('2001:db8::5');
    expect(resolveClientIp('fd00::1', '[2001:db8::5]:443, 192.0.2.1:8080', trusted('fd00::/8'))).toBe('192.0.2.1');
  });

  it('is undefined without a socket address', () => {
    expect(resolveClientIp(undefined, '203.0.113.7', trusted('127.0.0.1'))).toBeUndefined();
  });
});

describe('parseNetwork', () => {
  it('refuses what is not an address or a CIDR block', () => {
    for (const entry of ['loopback', '10.0.0.0/33', '::1/129', '10.0.0/8', '']) expect(() => parseNetwork(entry)).toThrow(TypeError);
  });

  it('reads addresses and blocks', () => {
    expect(parseNetwork('10.1.2.3/8')).toMatchObject({ version: 4, bits: 8, base: parseAddress('10.0.0.0')?.value });
    expect(parseNetwork('::1')).toMatchObject({ version: 6, bits: 128 });
  });
});
