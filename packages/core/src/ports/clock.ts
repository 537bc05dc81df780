/** The source of the current time. Every time-dependent rule in Gatehouse reads it. */
export interface Clock {
  /** The current time. Must not go backwards by more than the configured clock skew. */
  now(): Date;
}
