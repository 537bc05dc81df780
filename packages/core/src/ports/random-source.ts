/** The one source of randomness for ids, tokens and codes. Must be a CSPRNG outside tests. */
export interface RandomSource {
  /** `size` random bytes. */
  bytes(size: number): Uint8Array;
}
