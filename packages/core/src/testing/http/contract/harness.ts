// Internal to runHttpContract: the app every contract file drives, with a client that can
// register and log in.
import { expect } from 'vitest';
import type { AuthConfig } from '../../../config.js';
import type { HttpOptions } from '../../../http/options.js';
import { PASSWORD, mountSuiteApp, type ContractMount, type SuiteApp } from '../suite-app.js';

export interface Harness extends SuiteApp {
  /** Registers (verification not required by default) and logs in; returns the tokens. */
  login(email?: string): Promise<{ accessToken: string; refreshToken: string }>;
}

/** Mounts a fresh app for one test: what every contract file is given. */
export type ContractSetup = (options?: HttpOptions, config?: Partial<AuthConfig>, mountPath?: string) => Promise<Harness>;

export async function body(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

/** The setup of one adapter's contract: a fresh app over `mount`, closed when the test ends. */
export function contractSetup(mount: ContractMount): ContractSetup {
  return async function setup(options: HttpOptions = {}, config: Partial<AuthConfig> = {}, mountPath?: string): Promise<Harness> {
    const { auth, clock, mailer, errors, warnings, call } = await mountSuiteApp(mount, options, config, mountPath);
    const login: Harness['login'] = async (email = 'ada@example.com') => {
      const registered = await call('POST', '/auth/register', { body: { email, password: PASSWORD } });
      expect(registered.status).toBe(201);
      const response = await call('POST', '/auth/login', { body: { email, password: PASSWORD } });
      expect(response.status).toBe(200);
      return (await body(response)).data.tokens;
    };
    return { auth, clock, mailer, errors, warnings, call, login };
  };
}
