import type { ResolvedConfig } from '../../config.js';
import { emailChangeOptionsSchema, emailVerificationOptionsSchema } from '../../mail/emailed-token-options.js';
import type { ServedRoute } from '../route.js';

/** An emailed link whose default path assumes the router's own route under `/auth`. */
interface MountedLink {
  option: string;
  route: string;
  path(config: ResolvedConfig): string;
  defaultPath: string;
}

const LINKS: readonly MountedLink[] = [
  {
    option: 'emailVerification.linkPath',
    route: 'verifyEmailLink',
    path: (config) => config.emailVerification.linkPath,
    defaultPath: emailVerificationOptionsSchema.parse(undefined).linkPath,
  },
  {
    option: 'emailChange.linkPath',
    route: 'confirmEmailChangeLink',
    path: (config) => config.emailChange.linkPath,
    defaultPath: emailChangeOptionsSchema.parse(undefined).linkPath,
  },
];

/**
 * What to set when emailed links would miss the router: their paths were left at the defaults
 * (which assume the router's own link routes under `/auth`), but the router serves those routes
 * elsewhere, because it is mounted at another path or the routes were moved. `null` when every
 * default link lands on its route, or the app chose its own paths.
 */
export function mountedLinksProblem(config: ResolvedConfig, routes: readonly ServedRoute[], basePath: string): string | null {
  const fixes: string[] = [];
  for (const link of LINKS) {
    if (link.path(config) !== link.defaultPath) continue;
    const route = routes.find((served) => served.id === link.route);
    if (!route) continue;
    const served = `${basePath}${route.path.replace(/\/:token$/, '')}`;
    if (served !== link.defaultPath) fixes.push(`${link.option}: '${served}'`);
  }
  if (fixes.length === 0) return null;
  return (
    `gatehouse: emailed links open ${LINKS.map((link) => link.defaultPath).join(' and ')} by default, but this router serves those routes under ${basePath || '/'}, ` +
    `so the links would answer 404. Set ${fixes.join(' and ')} in createAuth (or the paths of your own pages).`
  );
}
