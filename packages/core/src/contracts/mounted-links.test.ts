// Every preset's emailed links land on the routes its router serves at its base path.
import { describe, expect, it } from 'vitest';
import { resolveConfig, parseConfig } from '../config.js';
import { resolveHttpOptions } from '../http/resolve-options.js';
import { mountedLinksProblem } from '../http/lib/mounted-links.js';
import { createAuth } from '../create-auth.js';
import { memoryStore } from '../memory/memory-store.js';
import { contract000, contract001, contract002, contract003, contract004 } from './index.js';

describe('presets', () => {
  it.each([contract000, contract001, contract002, contract003, contract004].map((preset) => [preset.basePath, preset] as const))(
    'mounted at %s, send links that open the router\'s own routes',
    (basePath, preset) => {
      const config = { ...preset.auth, store: memoryStore(), secret: 'x'.repeat(32) };
      const auth = createAuth(config as never);
      const routes = resolveHttpOptions(auth as never, preset.http).routes;
      expect(mountedLinksProblem(resolveConfig(parseConfig(config)), routes, basePath)).toBeNull();
    },
  );
});
