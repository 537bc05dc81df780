/** Where Gatehouse writes operational messages. Secrets and passwords never reach it. */
export interface Logger {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}
