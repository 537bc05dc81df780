/** Hashes and verifies passwords. */
export interface PasswordHasher {
  /** Hashes a password into a self-describing string (a PHC string for argon2id). */
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches `hash`. Returns `false`, never throws, for a hash it does not
   * recognise or refuses (for example parameters so large that verifying would be a denial of
   * service).
   */
  verify(hash: string, password: string): Promise<boolean>;
  /** True when `hash` was made with other or weaker parameters than this hasher's. */
  needsRehash(hash: string): boolean;
}
