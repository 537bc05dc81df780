import { createHash } from 'node:crypto';

/**
 * One hit, run by Redis as a single script so concurrent hits never read the same count.
 *
 * KEYS[1] the bucket; ARGV[1] the caller's now (ms); ARGV[2] the window length (ms);
 * ARGV[3] the end of a window that would start now (ms). Returns `{ count, resetAt }`, with
 * `resetAt` as the string stored in the hash so no precision is lost on the way back.
 *
 * Windows are judged by the caller's clock (Gatehouse injects it; tests use a fake one), never
 * by Redis' TIME. The expiry is relative (PEXPIRE by the window's length) rather than
 * PEXPIREAT resetAt: both end the key when the window ends while the two clocks agree, but an
 * absolute time from a clock behind Redis' own (a skewed host, a fake clock in a test) would
 * delete the key at once and silently turn the limit off.
 */
export const HIT_SCRIPT = `
local stored = redis.call('HGET', KEYS[1], 'resetAt')
if stored and tonumber(ARGV[1]) < tonumber(stored) then
  return {redis.call('HINCRBY', KEYS[1], 'count', 1), stored}
end
redis.call('HSET', KEYS[1], 'count', 1, 'resetAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, ARGV[3]}
`;

/** SHA-1 of {@link HIT_SCRIPT}, for EVALSHA. */
export const HIT_SCRIPT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');
