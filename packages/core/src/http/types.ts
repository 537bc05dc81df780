/** Header values as Node and most frameworks hold them (lower-case names), or a Fetch `Headers`. */
export type HttpHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * What an adapter found wrong with a body before Gatehouse saw it (its framework read the
 * body): Gatehouse answers with its own envelope and status.
 */
export type BodyProblem = 'too_large' | 'malformed' | 'unsupported_media_type';

/**
 * A request body as an adapter has it: the raw bytes or text (Gatehouse parses them and
 * enforces the size cap), a value the framework already parsed as JSON, or a problem the
 * framework ran into reading it.
 */
export type HttpRequestBody = string | Uint8Array | { parsed: unknown } | { problem: BodyProblem };

/** A request as an adapter hands it to the contract: nothing framework-specific. */
export interface HttpRequest {
  method: string;
  /** The path below the mount point, e.g. `/login` (a query string may follow). */
  path: string;
  headers: HttpHeaders;
  body?: HttpRequestBody | undefined;
  /**
   * The address of the TCP peer (the socket), never a header: `trustProxy` decides about headers.
   * The rate-limited routes need it: without it they answer `CLIENT_ADDRESS_UNKNOWN` (503).
   */
  ip?: string | undefined;
  /** Where the routes are mounted, e.g. `/auth`; used for the OpenAPI document's server URL. */
  basePath?: string | undefined;
}

/** A response for an adapter to write as it is. */
export interface HttpResponse {
  status: number;
  /** Lower-case header names; `set-cookie` may hold several values. */
  headers: Record<string, string | string[]>;
  /** The serialized body (JSON), or `null` for none. */
  body: string | null;
}
