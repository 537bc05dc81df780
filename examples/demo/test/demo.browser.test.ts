// The demo in a real browser: the server runs as its own process (as `pnpm demo` runs it) on a
// free port with a throw-away SQLite file, and Debian's chromium drives the page through
// playwright-core. Each step leaves a screenshot in test-artifacts/demo-screenshots/.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));
const SHOTS_DIR = fileURLToPath(new URL('../../../test-artifacts/demo-screenshots/', import.meta.url));
const PASSWORD = 'Analytical-Engine-1843';
const NEW_PASSWORD = 'Difference-Engine-1822';
const FLOW_TIMEOUT = 90_000;

interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  sentAt: string;
}

interface DemoServer {
  url: string;
  process: ChildProcess;
  output: () => string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `src/main.ts` the way `pnpm start` does (tsx), and resolves once it says it is ready. */
async function startDemo(databaseFile: string): Promise<DemoServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: DEMO_DIR,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATABASE_URL: databaseFile,
      RATE_LIMIT_PER_IP: '100000',
      GATEHOUSE_SECRET: randomBytes(32).toString('base64url'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://localhost:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not say it was ready within 45 s:\n${output}`)), 45_000);
    const onData = (): void => {
      if (output.includes(`Gatehouse demo ready at ${url}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with code ${code} before it was ready:\n${output}`));
    });
  });
  return { url, process: child, output: () => output };
}

async function stopDemo(server: DemoServer): Promise<number | null> {
  if (server.process.exitCode !== null) return server.process.exitCode;
  const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
  server.process.kill('SIGTERM');
  const timer = setTimeout(() => server.process.kill('SIGKILL'), 10_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

let step = 0;
async function shot(page: Page, name: string): Promise<void> {
  step += 1;
  await page.screenshot({ path: join(SHOTS_DIR, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
}

function view(page: Page, name: string): Locator {
  return page.locator(`[data-view="${name}"]`);
}

async function outbox(server: DemoServer): Promise<OutboxMessage[]> {
  const response = await fetch(`${server.url}/dev/outbox`);
  expect(response.status).toBe(200);
  return (await response.json()) as OutboxMessage[];
}

const MISSING_CHROMIUM = `${CHROMIUM} is missing: the demo's browser test needs Debian's chromium. Install it with \`apt-get update && apt-get install -y chromium\` (CI does this in .ci/run).`;

// Not a skip: without the browser the demo is untested, and that must show as a failure.
it('finds Debian chromium for the browser test', () => {
  expect(existsSync(CHROMIUM), MISSING_CHROMIUM).toBe(true);
});

describe('the demo in a browser', () => {
  let server: DemoServer;
  let browser: Browser;
  let context: BrowserContext;
  let tempDir: string;
  const email = `ada.${Date.now()}@example.com`;
  const scriptErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(MISSING_CHROMIUM);
    rmSync(SHOTS_DIR, { recursive: true, force: true });
    mkdirSync(SHOTS_DIR, { recursive: true });
    tempDir = mkdtempSync(join(tmpdir(), 'gatehouse-demo-'));
    server = await startDemo(join(tempDir, 'demo.sqlite'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    context.on('page', (page) => page.on('pageerror', (error) => scriptErrors.push(`${page.url()}: ${error.message}`)));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (server) await stopDemo(server);
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  it(
    'registers, verifies from the outbox link, logs in, edits the profile and logs out',
    async () => {
      const page = await context.newPage();
      await page.goto(server.url);
      await expect(page.getByRole('heading', { level: 1 }).first().textContent()).resolves.toContain('Email and password accounts');
      await shot(page, 'home');

      // Register; the API's field errors show next to their fields first.
      await page.getByRole('navigation').getByRole('link', { name: 'Create account' }).click();
      const register = view(page, 'register');
      await register.getByLabel('First name').fill('Ada');
      await register.getByLabel('Last name').fill('Lovelace');
      await register.getByLabel('Email', { exact: true }).fill('not-an-email');
      await register.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await register.getByRole('button', { name: 'Create account' }).click();
      const emailError = register.locator('#register-email-error');
      await expect.poll(() => emailError.textContent()).toContain('valid email');
      expect(await register.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await shot(page, 'register-field-error');

      await register.getByLabel('Email', { exact: true }).fill(email);
      await register.getByRole('button', { name: 'Create account' }).click();
      const verify = view(page, 'verify');
      await verify.waitFor({ state: 'visible' });
      expect(await verify.locator('#verify-intro').textContent()).toContain(email);
      await shot(page, 'verify-check-your-email');

      // The email: a link to this server and a code alone on its line.
      const [message] = (await outbox(server)).filter((sent) => sent.to === email);
      expect(message?.subject).toMatch(/confirm your email/i);
      expect(message?.text).toContain(`${server.url}/auth/verify-email/`);
      expect(message?.text).toMatch(/^[A-Z0-9]{6}$/m);

      // Open the outbox (a new tab) and follow the verification link.
      const [outboxPage] = await Promise.all([context.waitForEvent('page'), verify.getByRole('link', { name: 'Open the outbox' }).click()]);
      await outboxPage.waitForLoadState();
      const verification = outboxPage.locator('details.message', { hasText: email }).first();
      await verification.getByRole('link', { name: 'Open verification link' }).waitFor();
      expect(await verification.locator('[data-code]').textContent()).toMatch(/^[A-Z0-9]{6}$/);
      await shot(outboxPage, 'outbox-verification-email');
      await verification.getByRole('link', { name: 'Open verification link' }).click();
      await outboxPage.waitForURL(`${server.url}/login?verified=1`);
      const login = view(outboxPage, 'login');
      await expect.poll(() => login.locator('.notice').textContent()).toContain('verified');
      await shot(outboxPage, 'verified-login');

      // Log in.
      await login.getByLabel('Email', { exact: true }).fill(email);
      await login.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await login.getByRole('button', { name: 'Log in' }).click();
      await outboxPage.waitForURL(`${server.url}/account`);
      const account = view(outboxPage, 'account');
      await expect.poll(() => account.locator('#account-title').textContent()).toBe('Ada Lovelace');
      await expect.poll(() => account.locator('#sessions-list').textContent()).toContain('This device');
      await expect.poll(() => account.locator('#api-me').textContent()).toContain('userId');
      await shot(outboxPage, 'account');

      // Edit the profile; it is saved on the server (a reload shows it).
      await account.getByLabel('First name').fill('Augusta Ada');
      await account.getByLabel('Last name').fill('King');
      await account.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => account.locator('#profile-form .status').textContent()).toBe('Profile saved.');
      await expect.poll(() => account.locator('#account-title').textContent()).toBe('Augusta Ada King');
      await shot(outboxPage, 'profile-saved');
      await outboxPage.reload();
      await expect.poll(() => account.getByLabel('First name').inputValue()).toBe('Augusta Ada');

      // Log out: back to the login page, and the account page is closed to us.
      await outboxPage.getByRole('navigation').getByRole('button', { name: 'Log out' }).click();
      await outboxPage.waitForURL(`${server.url}/login?loggedout=1`);
      await expect.poll(() => login.locator('.notice').textContent()).toContain('You are logged out');
      await shot(outboxPage, 'logged-out');
      await outboxPage.goto(`${server.url}/account`);
      await login.waitFor({ state: 'visible' });
      expect(new URL(outboxPage.url()).pathname).toBe('/login');

      await outboxPage.close();
      await page.close();
    },
    FLOW_TIMEOUT,
  );

  it(
    'resets a forgotten password from the outbox link and logs in with the new one',
    async () => {
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await view(page, 'login').getByRole('link', { name: 'Forgot password?' }).click();
      const forgot = view(page, 'forgot-password');
      await forgot.getByLabel('Email').fill(email);
      await forgot.getByRole('button', { name: 'Send reset link' }).click();
      await expect.poll(() => forgot.locator('.notice').textContent()).toContain('we sent it a link');
      await shot(page, 'forgot-password-sent');

      const [outboxPage] = await Promise.all([context.waitForEvent('page'), forgot.getByRole('link', { name: 'development outbox' }).click()]);
      await outboxPage.waitForLoadState();
      const resetMail = outboxPage.locator('details.message', { hasText: 'Reset your' }).first();
      await resetMail.getByRole('link', { name: 'Open reset link' }).waitFor();
      await shot(outboxPage, 'outbox-reset-email');
      await resetMail.getByRole('link', { name: 'Open reset link' }).click();
      await outboxPage.waitForURL(`${server.url}/reset-password`); // the token is taken out of the address bar
      const reset = view(outboxPage, 'reset-password');
      await reset.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await reset.getByLabel('Confirm new password', { exact: true }).fill(`${NEW_PASSWORD}x`);
      await reset.getByRole('button', { name: 'Set new password' }).click();
      await expect.poll(() => reset.locator('#reset-passwordConfirmation-error').textContent()).not.toBe('');
      await shot(outboxPage, 'reset-confirmation-error');

      await reset.getByLabel('Confirm new password', { exact: true }).fill(NEW_PASSWORD);
      await reset.getByRole('button', { name: 'Set new password' }).click();
      await outboxPage.waitForURL(`${server.url}/login?reset=1`);
      const login = view(outboxPage, 'login');
      await expect.poll(() => login.locator('.notice').textContent()).toContain('Log in with the new password');
      await shot(outboxPage, 'reset-done');

      // The old password is refused, the new one works.
      await login.getByLabel('Email', { exact: true }).fill(email);
      await login.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await login.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => login.locator('.form-alert').textContent()).toContain('do not match');
      await login.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
      await login.getByRole('button', { name: 'Log in' }).click();
      await outboxPage.waitForURL(`${server.url}/account`);
      await expect.poll(() => view(outboxPage, 'account').locator('#account-title').textContent()).toBe('Augusta Ada King');
      await shot(outboxPage, 'logged-in-with-new-password');

      await outboxPage.close();
      await page.close();
    },
    FLOW_TIMEOUT,
  );

  it(
    'verifies with the emailed code typed into the page',
    async () => {
      const other = `grace.${Date.now()}@example.com`;
      const page = await context.newPage();
      await page.goto(`${server.url}/register`);
      const register = view(page, 'register');
      await register.getByLabel('Email', { exact: true }).fill(other);
      await register.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await register.getByRole('button', { name: 'Create account' }).click();
      const verify = view(page, 'verify');
      await verify.waitFor({ state: 'visible' });

      const outboxPage = await context.newPage();
      await outboxPage.goto(`${server.url}/outbox`);
      const code = await outboxPage.locator('details.message', { hasText: other }).first().locator('[data-code]').textContent();
      expect(code).toMatch(/^[A-Z0-9]{6}$/);
      await outboxPage.close();

      // A wrong code first: the error shows, then the right one (typed in lower case) works.
      await verify.getByLabel('Code').fill('ZZZZZZ');
      await verify.getByRole('button', { name: 'Verify email' }).click();
      await expect.poll(() => verify.locator('#verify-form .form-alert').textContent()).toContain('not valid');
      await verify.getByLabel('Code').fill(String(code).toLowerCase());
      await verify.getByRole('button', { name: 'Verify email' }).click();
      await page.waitForURL(`${server.url}/login?verified=1&email=${encodeURIComponent(other)}`);
      expect(await view(page, 'login').getByLabel('Email', { exact: true }).inputValue()).toBe(other);
      await shot(page, 'verified-by-code');
      await page.close();
    },
    FLOW_TIMEOUT,
  );

  it(
    'shows how long to wait when a rate limit is hit',
    async () => {
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      const login = view(page, 'login');
      await login.getByLabel('Email', { exact: true }).fill('nobody@example.com');
      await login.getByLabel('Password', { exact: true }).fill('Not-the-password-1');
      const warning = login.locator('.form-alert .alert.warning');
      // Five attempts a minute per account and address; the sixth is refused with a wait time.
      for (let attempt = 0; attempt < 8 && !(await warning.isVisible()); attempt += 1) {
        await login.getByRole('button', { name: 'Log in' }).click();
        await page.waitForFunction(() => document.querySelector('#login-form button[type="submit"]')?.getAttribute('aria-busy') !== 'true');
      }
      expect(await warning.textContent()).toMatch(/Try again in \d+ seconds?\./);
      expect(await login.getByRole('button', { name: 'Log in' }).isDisabled()).toBe(true);
      await shot(page, 'rate-limited');

      // The same page on a phone-sized screen.
      await page.setViewportSize({ width: 390, height: 800 });
      await shot(page, 'rate-limited-mobile');
      await page.close();
    },
    FLOW_TIMEOUT,
  );

  it('keeps every sent message in the JSON outbox, newest last', async () => {
    const messages = await outbox(server);
    expect(messages.length).toBeGreaterThanOrEqual(4);
    for (const message of messages) expect(Object.keys(message).sort()).toEqual(['html', 'sentAt', 'subject', 'text', 'to']);
    const times = messages.map((message) => Date.parse(message.sentAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(messages.map((message) => message.subject)).toEqual(
      expect.arrayContaining([expect.stringMatching(/confirm your email/i), expect.stringMatching(/reset your/i), expect.stringMatching(/password was changed/i)]),
    );
    expect(messages.at(-1)?.subject).toMatch(/confirm your email/i);
  });

  it('raised no uncaught script error in any page', () => {
    expect(scriptErrors).toEqual([]);
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = await stopDemo(server);
    expect(code).toBe(0);
    expect(server.output()).toContain('demo: stopped');
  });
});
