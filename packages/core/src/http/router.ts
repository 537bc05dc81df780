import { HttpError } from './http-error.js';
import type { ServedRoute } from './route.js';

/** A request matched to a route, with its path parameters and query. */
export interface RouteMatch {
  route: ServedRoute;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** Matches requests to the served routes. */
export interface Router {
  /**
   * The route a method and path (query string included) reach; `allow` (the methods the path
   * answers) for an `OPTIONS` request.
   * @throws HttpError `NOT_FOUND` when no route has the path, `METHOD_NOT_ALLOWED` (with `Allow`) when none has the method.
   */
  match(method: string, path: string): RouteMatch | { allow: string };
  /** Whether a route has the path (query string ignored), for any method. */
  serves(path: string): boolean;
}

interface Compiled {
  route: ServedRoute;
  parts: string[];
  paramCount: number;
}

function matchParts(parts: readonly string[], segments: readonly string[]): Record<string, string> | null {
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
      } catch {
        return null;
      }
    } else if (part !== segment) {
      return null;
    }
  }
  return params;
}

/**
 * A router over the served routes. Empty segments are ignored, so a trailing or doubled slash
 * reaches the same route (and the same rate-limit budgets); a static segment beats a parameter;
 * `HEAD` is answered by `GET` routes.
 */
export function createRouter(routes: readonly ServedRoute[]): Router {
  const compiled: Compiled[] = routes.map((route) => {
    const parts = route.path.split('/').filter((segment) => segment.length > 0);
    return { route, parts, paramCount: parts.filter((part) => part.startsWith(':')).length };
  });
  const segmentsOf = (path: string, index: number): string[] => (index === -1 ? path : path.slice(0, index)).split('/').filter((segment) => segment.length > 0);
  return {
    serves(path) {
      const segments = segmentsOf(path, path.indexOf('?'));
      return compiled.some((entry) => matchParts(entry.parts, segments) !== null);
    },
    match(method, path) {
      const index = path.indexOf('?');
      const segments = segmentsOf(path, index);
      const query = new URLSearchParams(index === -1 ? '' : path.slice(index + 1));
      const lookup = method === 'HEAD' ? 'GET' : method;
      const allowed = new Set<string>();
      let best: { entry: Compiled; params: Record<string, string> } | null = null;
      for (const entry of compiled) {
        const params = matchParts(entry.parts, segments);
        if (!params) continue;
        allowed.add(entry.route.method);
        if (entry.route.method === 'GET') allowed.add('HEAD');
        if (entry.route.method === lookup && (best === null || entry.paramCount < best.entry.paramCount)) best = { entry, params };
      }
      if (allowed.size === 0) throw new HttpError('NOT_FOUND');
      const allow = [...allowed, 'OPTIONS'].join(', ');
      if (method === 'OPTIONS') return { allow };
      if (best === null) throw new HttpError('METHOD_NOT_ALLOWED', { headers: { allow } });
      return { route: best.entry.route, params: best.params, query };
    },
  };
}
