// A model-based test of the whole account state machine. fast-check generates sequences of
// commands over two accounts, a victim and an attacker (registering again, verifying by link and
// by code, login, refresh, logout, logout everywhere, password change, password reset, email
// change, disable and enable, clock moves, and two races: a reset against a disable, and a reset
// against an email change), runs them against the public `auth` object, and runs the same steps
// over a small model. The model keeps every token each account was handed (access and refresh
// tokens, links and codes) with the "epoch" it was issued in; every change of credentials or
// account state (reset, password change, confirmed email change, logout everywhere, disable)
// starts a new epoch and ends what the lifecycle rule says it ends.
//
// After every command it checks:
//   1. no token issued before a reset, password change, email change, logout everywhere or
//      disable works after it (the caller's own session survives a password change, and the
//      requesting session an email change; every other session ends);
//   2. at most one live refresh token per family: a rotated one fails (or, within the grace
//      window, hands back the family's live token) and the newest works unless the session ended;
//   3. a disabled account can do nothing;
//   4. an address is verified only with a right link or code of its own account;
//   5. the hasher is asked to verify a password only against the hash of the account the command
//      names (or the dummy hash);
//   6. an account's address only ever becomes one its owner asked for and confirmed with a token
//      issued since the last change of credentials.
// Every dead link is tried again after every command, so a token that should have died is caught
// as soon as it works.
//
// Runs over the memory store (project `default`) and over Kysely (`flows-sqlite`,
// `flows-postgres`, which share one store per test: every run has addresses of its own).
// A failure prints its seed, path and replayPath. FC_SEED=… repeats the whole search;
// FC_SEED=… FC_PATH=… FC_REPLAY_PATH=… replays the shrunk counterexample at once (a command
// sequence needs its replayPath too). FC_NUM_RUNS sets the number of runs.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { AuthError } from '../errors.js';
import { sha256 } from '../lib/crypto.js';
import { testAuth, type TestAuth } from '../test-support/auth-fixtures.js';
import { codeIn, settle, tokenIn } from '../test-support/mail-fixtures.js';
import type { SentMessage } from '../memory/memory-mailer.js';
import { argon2Hasher } from '../password/argon2-hasher.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { Store, UserStatus } from '../ports/store.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// The defaults the model follows.
const ACCESS_TTL = 15 * MINUTE;
const IDLE_TTL = 7 * DAY;
const ABSOLUTE_TTL = 30 * DAY;
const GRACE = 10 * SECOND;
const LINK_TTL = DAY;
const CODE_TTL = 10 * MINUTE;
const RESET_TTL = HOUR;
const CODE_ATTEMPTS = 5;
/** Access tokens are not judged this close to their expiry (clock skew, rounding to seconds). */
const EXPIRY_MARGIN = 10 * SECOND;

const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 100);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const PATH = process.env.FC_PATH;
const REPLAY_PATH = process.env.FC_REPLAY_PATH;
if (PATH !== undefined && (SEED === undefined || REPLAY_PATH === undefined)) {
  throw new TypeError('FC_PATH replays a counterexample only with FC_SEED and FC_REPLAY_PATH (the replayPath printed with it) as well.');
}
const MAX_COMMANDS = 30;

const NAMES = ['victim', 'attacker'] as const;
const FIRST_PASSWORDS = ['Correct-Horse-42', 'Battery-Staple-77'] as const;
const WRONG_PASSWORD = 'Wrong-Guess-31x';
const PROBE_PASSWORD = 'Probe-Secret-93z';

type Who = 0 | 1;
type Change = 'password_reset' | 'password_changed' | 'email_changed' | 'logout_all' | 'user_disabled';
type Kind = 'verify-link' | 'verify-code' | 'reset-link' | 'change-link' | 'change-code';

interface Account {
  who: Who;
  id: string;
  email: string;
  originalEmail: string;
  password: string;
  oldPasswords: string[];
  /** The stored hash the model expects (read back after each change of password). */
  hash: string;
  verified: boolean;
  status: UserStatus;
  epoch: number;
  /** The last change of credentials or state, for messages. */
  lastChange: string;
}

interface SessionModel {
  label: string;
  id: string;
  owner: Who;
  createdAt: number;
  lastUsedAt: number;
  /** Why the session ended, or `null` while it is not ended. */
  ended: string | null;
  /** The family's refresh tokens, oldest first; the last one is the live one. */
  refresh: string[];
  /** When each refresh token but the last was exchanged. */
  rotatedAt: number[];
}

interface AccessModel {
  token: string;
  session: SessionModel;
  issuedAt: number;
}

interface OneTimeModel {
  label: string;
  kind: Kind;
  owner: Who;
  secret: string;
  /** The address it was mailed to: the account's for verification and reset, the new one for a change. */
  address: string;
  epoch: number;
  issuedAt: number;
  expiresAt: number;
  attemptsLeft: number | null;
  /** Why it stopped working, or `null` (expiry is judged on the clock). */
  dead: string | null;
  /** For an email change: the session that asked for it. */
  requester: SessionModel | null;
}

/** Test instrumentation shared by the hasher, the store and the world. */
interface Instrument {
  /** The stored hashes `hasher.verify` was called with since the last reset. */
  verifyCalls: string[];
  /** Runs once, after the next `hasher.hash` resolves and before it returns. */
  afterHash: (() => Promise<void>) | undefined;
  /** Runs once, after the next `store.consumeOneTimeToken` resolves and before it returns. */
  afterConsume: (() => Promise<void>) | undefined;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string };

async function attempt<T>(promise: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    if (error instanceof AuthError) return { ok: false, code: error.code };
    throw error;
  }
}

function show(outcome: Outcome<unknown>): string {
  return outcome.ok ? 'success' : outcome.code;
}

class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

function ensure(condition: boolean, rule: string, message: string): asserts condition {
  if (!condition) throw new InvariantError(`[${rule}] ${message}`);
}

/** Expects success, or a failure with one of `codes`. */
function expectOutcome(outcome: Outcome<unknown>, expected: 'success' | readonly string[], rule: string, what: string): void {
  if (expected === 'success') ensure(outcome.ok, rule, `${what}: expected success, got ${show(outcome)}`);
  else ensure(!outcome.ok && expected.includes(outcome.code), rule, `${what}: expected ${expected.join(' or ')}, got ${show(outcome)}`);
}

/** A hasher that records which stored hash each `verify` is asked about. */
function recordingHasher(inner: PasswordHasher, instrument: Instrument): PasswordHasher {
  return {
    async hash(password) {
      const hash = await inner.hash(password);
      const hook = instrument.afterHash;
      instrument.afterHash = undefined;
      if (hook) await hook();
      return hash;
    },
    async verify(hash, password) {
      instrument.verifyCalls.push(hash);
      return inner.verify(hash, password);
    },
    needsRehash: (hash) => inner.needsRehash(hash),
  };
}

/** The store, with a hook after `consumeOneTimeToken` so a race can land right after a claim. */
function hookedStore(inner: Store, instrument: Instrument): Store {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'consumeOneTimeToken') {
        return async (...args: unknown[]): Promise<unknown> => {
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          const hook = instrument.afterConsume;
          instrument.afterConsume = undefined;
          if (hook) await hook();
          return result;
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

let runs = 0;

/** The system under test and the model of it, side by side. */
class World {
  readonly run: number;
  now: number;
  accounts: [Account, Account] | [] = [];
  sessions: SessionModel[] = [];
  access: AccessModel[] = [];
  oneTime: OneTimeModel[] = [];
  trace: string[] = [];
  dummyHash = '';
  private mailSeen = 0;
  private counters = { session: 0, token: 0, address: 0, password: 0 };

  constructor(
    readonly t: TestAuth,
    readonly instrument: Instrument,
  ) {
    runs += 1;
    this.run = runs;
    this.now = t.clock.now().getTime();
  }

  acct(who: Who): Account {
    const account = this.accounts[who];
    if (!account) throw new Error('accounts not registered');
    return account;
  }

  other(who: Who): Who {
    return who === 0 ? 1 : 0;
  }

  ownerOf(email: string): Account | null {
    return this.accounts.find((account) => account.email === email) ?? null;
  }

  freshAddress(who: Who): string {
    this.counters.address += 1;
    return `${NAMES[who]}-new${this.counters.address}.r${this.run}@example.net`;
  }

  freshPassword(): string {
    this.counters.password += 1;
    return `Fresh-Secret-${this.counters.password}q`;
  }

  sessionLive(session: SessionModel): boolean {
    return session.ended === null && this.now < Math.min(session.lastUsedAt + IDLE_TTL, session.createdAt + ABSOLUTE_TTL);
  }

  /** Why a one-time token does not work now, or `null` when it does. */
  deadReason(token: OneTimeModel): string | null {
    if (token.dead !== null) return token.dead;
    if (this.now >= token.expiresAt) return 'expired';
    return null;
  }

  tokensOf(owner: Who, kind: Kind): OneTimeModel[] {
    return this.oneTime.filter((token) => token.owner === owner && token.kind === kind);
  }

  liveToken(owner: Who, kind: Kind): OneTimeModel | null {
    return this.tokensOf(owner, kind).find((token) => this.deadReason(token) === null) ?? null;
  }

  /** Access tokens of `who` that the model says authenticate now, clear of their expiry. */
  usableAccess(who: Who): AccessModel[] {
    if (this.acct(who).status === 'disabled') return [];
    return this.access.filter(
      (grant) => grant.session.owner === who && this.sessionLive(grant.session) && this.now < grant.issuedAt + ACCESS_TTL - EXPIRY_MARGIN,
    );
  }

  issue(kind: Kind, owner: Who, secret: string, address: string, requester: SessionModel | null = null): OneTimeModel {
    // Reissuing voids the previous token of the same purpose.
    for (const older of this.tokensOf(owner, kind)) older.dead ??= 'reissued';
    const ttl = kind === 'verify-link' || kind === 'change-link' ? LINK_TTL : kind === 'reset-link' ? RESET_TTL : CODE_TTL;
    this.counters.token += 1;
    const token: OneTimeModel = {
      label: `${kind}#${this.counters.token}(${NAMES[owner]}, epoch ${this.acct(owner).epoch})`,
      kind,
      owner,
      secret,
      address,
      epoch: this.acct(owner).epoch,
      issuedAt: this.now,
      expiresAt: this.now + ttl,
      attemptsLeft: kind === 'verify-code' || kind === 'change-code' ? CODE_ATTEMPTS : null,
      dead: null,
      requester,
    };
    this.oneTime.push(token);
    return token;
  }

  addSession(owner: Who, tokens: { sessionId: string; refreshToken: string; accessToken: string }): SessionModel {
    this.counters.session += 1;
    const session: SessionModel = {
      label: `S${this.counters.session}(${NAMES[owner]})`,
      id: tokens.sessionId,
      owner,
      createdAt: this.now,
      lastUsedAt: this.now,
      ended: null,
      refresh: [tokens.refreshToken],
      rotatedAt: [],
    };
    this.sessions.push(session);
    this.access.push({ token: tokens.accessToken, session, issuedAt: this.now });
    return session;
  }

  /** A change of credentials or state: a new epoch, every outstanding token void, sessions ended but `keep`. */
  endState(who: Who, change: Change, keep: SessionModel | null): void {
    const account = this.acct(who);
    const reason = `voided by ${change} (epoch ${account.epoch} -> ${account.epoch + 1})`;
    account.epoch += 1;
    account.lastChange = change;
    for (const token of this.oneTime) if (token.owner === who) token.dead ??= reason;
    for (const session of this.sessions) if (session.owner === who && session !== keep) session.ended ??= `ended by ${change}`;
  }

  /** The emails sent since the last call, once the work flows leave for after their answer is done. */
  async newMail(): Promise<SentMessage[]> {
    // `auth.settled()` waits for work deferred past the answer (tokens issued and mailed then).
    const auth = this.t.auth as { settled?: () => Promise<void> };
    if (typeof auth.settled === 'function') await auth.settled();
    await settle();
    const messages = this.t.mailer.messages.slice(this.mailSeen);
    this.mailSeen = this.t.mailer.messages.length;
    return messages;
  }

  note(line: string): void {
    this.trace.push(`    ${line}`);
  }
}

function mailsTo(messages: readonly SentMessage[], to: string, subject: string): SentMessage[] {
  return messages.filter((message) => message.to === to && message.subject.startsWith(subject));
}

const VERIFY_SUBJECT = 'Confirm your email address';
const RESET_SUBJECT = 'Reset your';
const CHANGE_SUBJECT = 'Confirm your new email address';

/** Which invariants a refusal of `token` protects, from why it is dead. */
function rulesFor(world: World, token: OneTimeModel): string {
  const reason = world.deadReason(token) ?? '';
  const rules = new Set<string>();
  if (reason.startsWith('voided by')) rules.add('invariant 1');
  if (reason.includes('user_disabled') || world.acct(token.owner).status === 'disabled') rules.add('invariant 3');
  if (token.kind === 'verify-link' || token.kind === 'verify-code') rules.add('invariant 4');
  if (token.kind === 'change-link' || token.kind === 'change-code') rules.add('invariant 6');
  if (rules.size === 0) rules.add('single use');
  return [...rules].join(', ');
}

function describeToken(world: World, token: OneTimeModel): string {
  const dead = world.deadReason(token);
  const account = world.acct(token.owner);
  return `${token.label} sent to ${token.address}, ${dead === null ? 'live' : `dead: ${dead}`}; account now at epoch ${account.epoch}, status ${account.status}, address ${account.email}`;
}

// ---------------------------------------------------------------------------------------------
// Effects the model applies when a flow succeeds.

function verified(world: World, owner: Who, used: OneTimeModel | null): void {
  const account = world.acct(owner);
  account.verified = true;
  if (account.status === 'pending') account.status = 'active';
  if (used) used.dead = 'used';
  // The link and the code of one email are two ways to do the same thing: the other dies too.
  for (const token of world.oneTime) {
    if (token.owner === owner && (token.kind === 'verify-link' || token.kind === 'verify-code')) token.dead ??= 'voided by verification';
  }
}

async function passwordWritten(world: World, owner: Who, password: string, what: string): Promise<void> {
  const account = world.acct(owner);
  const stored = await world.t.store.findUserById(account.id);
  ensure(stored !== null && stored.passwordHash !== account.hash, 'expected behaviour', `${what} answered success but the stored hash did not change`);
  account.oldPasswords.push(account.password);
  account.password = password;
  account.hash = stored.passwordHash as string;
}

function emailChanged(world: World, token: OneTimeModel): void {
  const account = world.acct(token.owner);
  token.dead = 'used';
  account.email = token.address;
  account.verified = true;
  if (account.status === 'pending') account.status = 'active';
  world.endState(token.owner, 'email_changed', token.requester);
}

// ---------------------------------------------------------------------------------------------
// Commands.

abstract class Step implements fc.AsyncCommand<World, World> {
  check(_world: Readonly<World>): boolean {
    return true;
  }

  /** The stored hashes the hasher may verify against during this command, besides the dummy hash. */
  allowedHashes(_world: World): string[] {
    return [];
  }

  abstract apply(world: World): Promise<void>;
  abstract toString(): string;

  async run(world: World): Promise<void> {
    world.trace.push(`${world.trace.filter((line) => !line.startsWith(' ')).length}. ${this.toString()}`);
    try {
      const allowed = this.allowedHashes(world);
      world.instrument.verifyCalls.length = 0;
      await this.apply(world);
      await world.newMail();
      checkHasherCalls(world, allowed, this.toString());
      await checkInvariants(world);
    } catch (error) {
      if (error instanceof Error && !error.message.includes('Steps of this run')) {
        error.message += `\n\nSteps of this run, as the model resolved them:\n${world.trace.join('\n')}\n`;
      }
      throw error;
    } finally {
      world.instrument.afterHash = undefined;
      world.instrument.afterConsume = undefined;
    }
  }
}

/** Every password the command had verified was checked against the named account's hash, or the dummy hash. */
function checkHasherCalls(world: World, allowed: readonly string[], what: string): void {
  for (const hash of world.instrument.verifyCalls) {
    if (hash === world.dummyHash) continue;
    const owner = world.accounts.find((account) => account.hash === hash);
    ensure(allowed.includes(hash), 'invariant 5', `${what} verified a password against ${owner ? `the hash of ${NAMES[owner.who]}` : 'an unknown hash'}`);
  }
}

class RegisterAgain extends Step {
  constructor(readonly who: Who) {
    super();
  }

  toString(): string {
    return `registerAgain(${NAMES[this.who]}'s address)`;
  }

  async apply(world: World): Promise<void> {
    const account = world.acct(this.who);
    const outcome = await attempt(world.t.auth.register({ email: account.email, password: 'Another-Person-55' }));
    ensure(outcome.ok, 'expected behaviour', `registering a taken address answered ${show(outcome)}, not the answer for a new one`);
    ensure(outcome.value.tokens === null && outcome.value.user.id !== account.id, 'invariant 1', 'registering a taken address handed out the account or tokens');
    const sent = mailsTo(await world.newMail(), account.email, VERIFY_SUBJECT);
    ensure(sent.length === 0, 'invariant 4', 'registering a taken address sent a new verification email');
  }
}

/** A step that opens one of the links of `kind` mailed to `owner`: the latest, or an older one (the `k`-th, cycling). */
abstract class LinkStep extends Step {
  abstract readonly kind: 'verify-link' | 'reset-link' | 'change-link';
  /** The step's name in the trace, e.g. `confirmReset`. */
  abstract readonly label: string;
  /** What the trace calls the link, e.g. `reset link`. */
  abstract readonly noun: string;

  constructor(
    readonly owner: Who,
    readonly which: 'latest' | 'older',
    readonly k: number,
  ) {
    super();
  }

  toString(): string {
    return `${this.label}(${NAMES[this.owner]}'s ${this.which} ${this.noun}${this.which === 'older' ? ` #${this.k}` : ''})`;
  }

  pick(world: Readonly<World>): OneTimeModel | null {
    const pool = world.oneTime.filter((token) => token.owner === this.owner && token.kind === this.kind);
    if (this.which === 'latest') return pool.at(-1) ?? null;
    return pool.length < 2 ? null : (pool[this.k % (pool.length - 1)] ?? null);
  }

  override check(world: Readonly<World>): boolean {
    return this.pick(world) !== null;
  }

  async apply(world: World): Promise<void> {
    const token = this.pick(world) as OneTimeModel;
    world.note(`uses ${describeToken(world, token)}`);
    await this.use(world, token);
  }

  /** Opens the picked link and judges the answer. */
  abstract use(world: World, token: OneTimeModel): Promise<void>;
}

class VerifyLink extends LinkStep {
  readonly kind = 'verify-link';
  readonly label = 'verifyLink';
  readonly noun = 'link';

  async use(world: World, token: OneTimeModel): Promise<void> {
    const outcome = await attempt(world.t.auth.verifyEmail({ token: token.secret }));
    await judgeVerificationLink(world, token, outcome, `verifying with ${token.label}`);
  }
}

/** What a verification link does: verifies its own account once; reopened later, answers success only for an address already verified. */
async function judgeVerificationLink(world: World, token: OneTimeModel, outcome: Outcome<{ user: { id: string; emailVerified: boolean } }>, what: string): Promise<void> {
  const owner = world.acct(token.owner);
  const dead = world.deadReason(token);
  if (dead === null) {
    expectOutcome(outcome, 'success', 'expected behaviour', `${what} (live)`);
    verified(world, token.owner, token);
    return;
  }
  // A link opened again while unexpired (mail scanners) answers success, changing nothing, once verified.
  const reopened = world.now < token.expiresAt && owner.verified && token.address === owner.email;
  if (outcome.ok) {
    ensure(reopened, rulesFor(world, token), `${what} worked: ${describeToken(world, token)}`);
    ensure(outcome.value.user.id === owner.id && outcome.value.user.emailVerified, 'invariant 4', `${what} answered for another account`);
    return;
  }
  expectOutcome(outcome, ['TOKEN_INVALID', 'TOKEN_EXPIRED'], rulesFor(world, token), what);
}

type CodeChoice = 'own-latest' | 'own-older' | 'other-latest' | 'wrong';

/** The code a command types: one of the account's, one of the other account's, or a wrong one. */
function chooseCode(world: Readonly<World>, who: Who, kind: 'verify-code' | 'change-code', choice: CodeChoice, k: number): string | null {
  const own = world.oneTime.filter((token) => token.owner === who && token.kind === kind);
  const others = world.oneTime.filter((token) => token.owner !== who && token.kind === kind);
  switch (choice) {
    case 'own-latest':
      return own.at(-1)?.secret ?? null;
    case 'own-older':
      return own.length < 2 ? null : (own[k % (own.length - 1)]?.secret ?? null);
    case 'other-latest':
      return others.at(-1)?.secret ?? null;
    case 'wrong': {
      const live = own.at(-1)?.secret ?? 'ABCDEF';
      return wrongCodes(live, 1)[0] ?? null;
    }
  }
}

/** `count` distinct codes that differ from `code`. */
function wrongCodes(code: string, count: number): string[] {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const codes: string[] = [];
  for (let index = 0; codes.length < count; index += 1) {
    const candidate = `${alphabet[index % alphabet.length]}${alphabet[(index * 7 + 3) % alphabet.length]}${code.slice(2)}`;
    if (candidate !== code && !codes.includes(candidate)) codes.push(candidate);
  }
  return codes;
}

/** A typed code against the account's live code: right consumes it, wrong costs a try. */
function judgeCode(world: World, who: Who, kind: 'verify-code' | 'change-code', code: string): OneTimeModel | 'wrong' | 'none' {
  const live = world.liveToken(who, kind);
  if (!live) return 'none';
  if (live.secret === code) return live;
  live.attemptsLeft = (live.attemptsLeft ?? 0) - 1;
  if (live.attemptsLeft <= 0) live.dead = `${CODE_ATTEMPTS} wrong guesses`;
  return 'wrong';
}

/** A step in which `who` types a code of `kind`: their latest or an older one, the other account's, or a wrong one. */
abstract class CodeStep extends Step {
  abstract readonly kind: 'verify-code' | 'change-code';
  /** The step's name in the trace, e.g. `verifyCode`. */
  abstract readonly label: string;

  constructor(
    readonly who: Who,
    readonly choice: CodeChoice,
    readonly k: number,
  ) {
    super();
  }

  /** Whose code is typed, as the trace says it. */
  abstract subject(): string;

  toString(): string {
    return `${this.label}(${this.subject()}, ${this.choice} code${this.choice === 'own-older' ? ` #${this.k}` : ''})`;
  }

  override check(world: Readonly<World>): boolean {
    return this.code(world) !== null;
  }

  /** The code typed, or `null` when there is none to choose. */
  code(world: Readonly<World>): string | null {
    return chooseCode(world, this.who, this.kind, this.choice, this.k);
  }

  /** The token the model issued with this code, if any. */
  typed(world: World, code: string): OneTimeModel | undefined {
    return world.oneTime.find((token) => token.kind === this.kind && token.secret === code);
  }
}

class VerifyCode extends CodeStep {
  readonly kind = 'verify-code';
  readonly label = 'verifyCode';

  subject(): string {
    return `${NAMES[this.who]}'s address`;
  }

  async apply(world: World): Promise<void> {
    const account = world.acct(this.who);
    const code = this.code(world) as string;
    const typed = this.typed(world, code);
    world.note(`types ${typed ? describeToken(world, typed) : 'a wrong code'} for ${account.email}`);
    const outcome = await attempt(world.t.auth.verifyEmail({ email: account.email, code }));
    const judged = judgeCode(world, this.who, this.kind, code);
    if (typeof judged === 'object') {
      expectOutcome(outcome, 'success', 'expected behaviour', `the live code of ${NAMES[this.who]}`);
      verified(world, this.who, judged);
      return;
    }
    const rules = typed ? rulesFor(world, typed) : 'invariant 4';
    expectOutcome(outcome, ['TOKEN_INVALID', 'TOKEN_EXPIRED'], typed && typed.owner !== this.who ? 'invariant 4' : rules, `verifying ${account.email} with ${typed?.label ?? 'a wrong code'}`);
  }
}

class GuessBurst extends Step {
  constructor(
    readonly who: Who,
    readonly purpose: 'verify' | 'change',
    readonly count: number,
  ) {
    super();
  }

  toString(): string {
    return `guessBurst(${this.count} wrong ${this.purpose === 'verify' ? 'verification' : 'email-change'} codes for ${NAMES[this.who]} at once)`;
  }

  async apply(world: World): Promise<void> {
    const account = world.acct(this.who);
    const kind = this.purpose === 'verify' ? 'verify-code' : 'change-code';
    const live = world.liveToken(this.who, kind);
    const codes = wrongCodes(live?.secret ?? 'ABCDEF', this.count);
    const outcomes = await Promise.all(
      codes.map((code) =>
        attempt(
          this.purpose === 'verify'
            ? world.t.auth.verifyEmail({ email: account.email, code })
            : world.t.auth.confirmEmailChange({ userId: account.id, code }),
        ),
      ),
    );
    for (const outcome of outcomes) expectOutcome(outcome, ['TOKEN_INVALID', 'TOKEN_EXPIRED'], 'invariant 4', 'a wrong code');
    for (const code of codes) judgeCode(world, this.who, kind, code);
    if (live) world.note(`${live.label} has ${live.attemptsLeft} tries left${live.dead ? ` (${live.dead})` : ''}`);
  }
}

class Login extends Step {
  constructor(
    readonly who: Who,
    readonly address: 'current' | 'original',
    readonly password: 'right' | 'other' | 'old' | 'wrong',
  ) {
    super();
  }

  toString(): string {
    return `login(${NAMES[this.who]}'s ${this.address} address, ${this.password} password)`;
  }

  email(world: World): string {
    const account = world.acct(this.who);
    return this.address === 'current' ? account.email : account.originalEmail;
  }

  override allowedHashes(world: World): string[] {
    return [world.ownerOf(this.email(world))?.hash ?? world.dummyHash];
  }

  async apply(world: World): Promise<void> {
    const account = world.acct(this.who);
    const email = this.email(world);
    const password =
      this.password === 'right'
        ? account.password
        : this.password === 'other'
          ? world.acct(world.other(this.who)).password
          : this.password === 'old'
            ? (account.oldPasswords.at(-1) ?? WRONG_PASSWORD)
            : WRONG_PASSWORD;
    const owner = world.ownerOf(email);
    const outcome = await attempt(world.t.auth.login({ email, password }));
    const what = `login as ${email} (${owner ? `${NAMES[owner.who]}'s address` : 'no account'})`;
    if (!owner || owner.password !== password) return expectOutcome(outcome, ['INVALID_CREDENTIALS'], 'invariant 1', what);
    if (owner.status === 'disabled') return expectOutcome(outcome, ['ACCOUNT_DISABLED'], 'invariant 3', what);
    if (!owner.verified) return expectOutcome(outcome, ['EMAIL_NOT_VERIFIED'], 'invariant 4', what);
    expectOutcome(outcome, 'success', 'expected behaviour', what);
    if (!outcome.ok) return;
    ensure(outcome.value.user.id === owner.id, 'invariant 5', `${what} logged in as another account`);
    const session = world.addSession(owner.who, outcome.value.tokens);
    world.note(`starts ${session.label}`);
  }
}

class Refresh extends Step {
  constructor(
    readonly k: number,
    readonly which: 'latest' | 'previous' | 'older',
    readonly j: number,
  ) {
    super();
  }

  toString(): string {
    return `refresh(session #${this.k}, ${this.which} refresh token${this.which === 'older' ? ` #${this.j}` : ''})`;
  }

  pick(world: Readonly<World>): { session: SessionModel; index: number } | null {
    if (world.sessions.length === 0) return null;
    const session = world.sessions[this.k % world.sessions.length] as SessionModel;
    const last = session.refresh.length - 1;
    const index = this.which === 'latest' ? last : this.which === 'previous' ? last - 1 : last < 2 ? -1 : this.j % (last - 1);
    return index < 0 ? null : { session, index };
  }

  override check(world: Readonly<World>): boolean {
    return this.pick(world) !== null;
  }

  async apply(world: World): Promise<void> {
    const { session, index } = this.pick(world) as { session: SessionModel; index: number };
    const last = session.refresh.length - 1;
    const presented = session.refresh[index] as string;
    world.note(`presents refresh token ${index} of ${last} of ${session.label}${session.ended ? ` (${session.ended})` : ''}`);
    const outcome = await attempt(world.t.auth.refresh({ refreshToken: presented }));
    const what = `refresh with token ${index} of ${last} of ${session.label}`;
    if (session.ended !== null) return expectOutcome(outcome, ['TOKEN_INVALID'], 'invariant 1', `${what} after the session ${session.ended}`);
    if (!world.sessionLive(session)) return expectOutcome(outcome, ['TOKEN_EXPIRED'], 'invariant 1', what);
    if (world.acct(session.owner).status === 'disabled') return expectOutcome(outcome, ['ACCOUNT_DISABLED', 'TOKEN_INVALID'], 'invariant 3', what);
    const grace = index === last - 1 && world.now - (session.rotatedAt[index] as number) <= GRACE;
    if (index !== last && !grace) {
      expectOutcome(outcome, ['REFRESH_TOKEN_REUSED'], 'invariant 2', `${what} (rotated)`);
      session.ended = 'ended by refresh-token reuse';
      return;
    }
    expectOutcome(outcome, 'success', 'invariant 2', what);
    if (!outcome.ok) return;
    ensure(outcome.value.tokens.sessionId === session.id, 'invariant 2', `${what} answered for another session`);
    if (grace) {
      // A retry inside the grace window gets the very token the first exchange handed out.
      ensure(outcome.value.tokens.refreshToken === session.refresh[last], 'invariant 2', `${what} within the grace window forked the family`);
    } else {
      ensure(outcome.value.tokens.refreshToken !== presented, 'invariant 2', `${what} handed back the same token`);
      session.refresh.push(outcome.value.tokens.refreshToken);
      session.rotatedAt.push(world.now);
      session.lastUsedAt = world.now;
    }
    world.access.push({ token: outcome.value.tokens.accessToken, session, issuedAt: world.now });
  }
}

class Logout extends Step {
  constructor(readonly k: number) {
    super();
  }

  toString(): string {
    return `logout(session #${this.k})`;
  }

  override check(world: Readonly<World>): boolean {
    return world.sessions.length > 0;
  }

  async apply(world: World): Promise<void> {
    const session = world.sessions[this.k % world.sessions.length] as SessionModel;
    world.note(`ends ${session.label}`);
    const outcome = await attempt(world.t.auth.logout({ userId: world.acct(session.owner).id, sessionId: session.id }));
    expectOutcome(outcome, 'success', 'expected behaviour', `logout of ${session.label}`);
    session.ended ??= 'ended by logout';
  }
}

class LogoutAll extends Step {
  constructor(readonly who: Who) {
    super();
  }

  toString(): string {
    return `logoutAll(${NAMES[this.who]})`;
  }

  async apply(world: World): Promise<void> {
    const expected = world.sessions.filter((session) => session.owner === this.who && session.ended === null).length;
    const outcome = await attempt(world.t.auth.logoutAll({ userId: world.acct(this.who).id }));
    expectOutcome(outcome, 'success', 'expected behaviour', 'logout everywhere');
    if (outcome.ok) ensure(outcome.value.count === expected, 'invariant 1', `logout everywhere ended ${outcome.value.count} sessions, expected ${expected}`);
    world.endState(this.who, 'logout_all', null);
  }
}

/** Authenticates as `who` with one of their live access tokens, as the HTTP layer would. */
async function signedIn(world: World, who: Who, k: number): Promise<AccessModel> {
  const pool = world.usableAccess(who);
  const grant = pool[k % pool.length] as AccessModel;
  const outcome = await attempt(world.t.auth.authenticate(grant.token));
  ensure(outcome.ok, 'invariant 1', `a live access token of ${grant.session.label} was refused: ${show(outcome)}`);
  ensure(outcome.value.sessionId === grant.session.id && outcome.value.userId === world.acct(who).id, 'invariant 1', 'an access token named another session');
  world.note(`signed in through ${grant.session.label}`);
  return grant;
}

/** A step `who` takes through one of their live sessions, with their own password (only its hash may be verified). */
abstract class SignedInStep extends Step {
  abstract readonly who: Who;

  override check(world: Readonly<World>): boolean {
    return (world as World).usableAccess(this.who).length > 0;
  }

  override allowedHashes(world: World): string[] {
    return [world.acct(this.who).hash];
  }
}

class ChangePassword extends SignedInStep {
  constructor(
    readonly who: Who,
    readonly k: number,
    readonly current: 'right' | 'wrong' | 'other',
  ) {
    super();
  }

  toString(): string {
    return `changePassword(${NAMES[this.who]} through live session #${this.k}, ${this.current} current password)`;
  }

  async apply(world: World): Promise<void> {
    const grant = await signedIn(world, this.who, this.k);
    const account = world.acct(this.who);
    const current = this.current === 'right' ? account.password : this.current === 'other' ? world.acct(world.other(this.who)).password : WRONG_PASSWORD;
    const next = world.freshPassword();
    const { userId, sessionId } = { userId: account.id, sessionId: grant.session.id };
    const outcome = await attempt(world.t.auth.changePassword({ userId, sessionId, currentPassword: current, newPassword: next }));
    if (this.current !== 'right') return expectOutcome(outcome, ['INVALID_CREDENTIALS'], 'invariant 1', 'password change with a wrong current password');
    expectOutcome(outcome, 'success', 'expected behaviour', 'password change');
    await passwordWritten(world, this.who, next, 'password change');
    world.endState(this.who, 'password_changed', grant.session);
  }
}

/** A step that asks for an email to `who`'s current or original address (by now nobody's, or the other account's, perhaps). */
abstract class AddressStep extends Step {
  /** The step's name in the trace, e.g. `requestReset`. */
  abstract readonly label: string;

  constructor(
    readonly who: Who,
    readonly address: 'current' | 'original',
  ) {
    super();
  }

  toString(): string {
    return `${this.label}(${NAMES[this.who]}'s ${this.address} address)`;
  }

  email(world: World): string {
    const account = world.acct(this.who);
    return this.address === 'current' ? account.email : account.originalEmail;
  }
}

class RequestReset extends AddressStep {
  readonly label = 'requestReset';

  async apply(world: World): Promise<void> {
    const email = this.email(world);
    const owner = world.ownerOf(email);
    const outcome = await attempt(world.t.auth.requestPasswordReset({ email }));
    expectOutcome(outcome, 'success', 'expected behaviour', `reset request for ${email}`);
    const sent = mailsTo(await world.newMail(), email, RESET_SUBJECT);
    if (!owner || owner.status === 'disabled') {
      ensure(sent.length === 0, owner ? 'invariant 3' : 'invariant 1', `a reset link was mailed to ${email} (${owner ? 'a disabled account' : 'no account'})`);
      return;
    }
    ensure(sent.length === 1, 'expected behaviour', `expected one reset email to ${email}, got ${sent.length}`);
    const token = world.issue('reset-link', owner.who, tokenIn(sent[0] as SentMessage), email);
    world.note(`gets ${token.label}`);
  }
}

class ConfirmReset extends LinkStep {
  readonly kind = 'reset-link';
  readonly label = 'confirmReset';
  readonly noun = 'reset link';

  async use(world: World, token: OneTimeModel): Promise<void> {
    const next = world.freshPassword();
    const outcome = await attempt(world.t.auth.confirmPasswordReset({ token: token.secret, password: next }));
    if (world.deadReason(token) !== null) {
      return expectOutcome(outcome, ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'ACCOUNT_DISABLED'], rulesFor(world, token), `reset with ${describeToken(world, token)}`);
    }
    expectOutcome(outcome, 'success', 'expected behaviour', `reset with live ${token.label}`);
    resetDone(world, token);
    await passwordWritten(world, token.owner, next, 'password reset');
    world.endState(token.owner, 'password_reset', null);
  }
}

/** A reset proves control of the address: an unverified one becomes verified (and a pending account active). */
function resetDone(world: World, token: OneTimeModel): void {
  const account = world.acct(token.owner);
  token.dead = 'used';
  if (!account.verified) {
    account.verified = true;
    if (account.status === 'pending') account.status = 'active';
  }
}

type Target = 'fresh' | 'other-current' | 'other-original' | 'own-original';

class RequestEmailChange extends SignedInStep {
  constructor(
    readonly who: Who,
    readonly k: number,
    readonly password: 'right' | 'wrong',
    readonly target: Target,
  ) {
    super();
  }

  toString(): string {
    return `requestEmailChange(${NAMES[this.who]} through live session #${this.k}, ${this.password} password, to ${this.target} address)`;
  }

  async apply(world: World): Promise<void> {
    const grant = await signedIn(world, this.who, this.k);
    const account = world.acct(this.who);
    const other = world.acct(world.other(this.who));
    const newEmail =
      this.target === 'fresh'
        ? world.freshAddress(this.who)
        : this.target === 'other-current'
          ? other.email
          : this.target === 'other-original'
            ? other.originalEmail
            : account.originalEmail;
    const password = this.password === 'right' ? account.password : WRONG_PASSWORD;
    world.note(`asks for ${newEmail}`);
    const outcome = await attempt(world.t.auth.requestEmailChange({ userId: account.id, sessionId: grant.session.id, password, newEmail }));
    const sent = mailsTo(await world.newMail(), newEmail, CHANGE_SUBJECT);
    if (this.password !== 'right' || newEmail === account.email) {
      expectOutcome(outcome, this.password !== 'right' ? ['INVALID_CREDENTIALS'] : ['VALIDATION_FAILED'], 'invariant 6', `email change request to ${newEmail}`);
      ensure(sent.length === 0, 'invariant 6', `a refused email change request still mailed a link to ${newEmail}`);
      return;
    }
    expectOutcome(outcome, 'success', 'expected behaviour', `email change request to ${newEmail}`);
    ensure(sent.length === 1, 'expected behaviour', `expected one confirmation email to ${newEmail}, got ${sent.length}`);
    const message = sent[0] as SentMessage;
    const link = world.issue('change-link', this.who, tokenIn(message), newEmail, grant.session);
    const code = world.issue('change-code', this.who, codeIn(message), newEmail, grant.session);
    world.note(`gets ${link.label} and ${code.label}`);
  }
}

/** What confirming a change does with a token the model has judged. */
function judgeChange(world: World, token: OneTimeModel, outcome: Outcome<{ user: { email: string } }>, what: string): void {
  const takenBy = world.ownerOf(token.address);
  if (takenBy && takenBy.who !== token.owner) {
    expectOutcome(outcome, ['EMAIL_TAKEN'], 'invariant 6', `${what}, to ${NAMES[takenBy.who]}'s address`);
    token.dead = 'used (the address was taken)';
    return;
  }
  expectOutcome(outcome, 'success', 'expected behaviour', `${what} (live)`);
  if (outcome.ok) ensure(outcome.value.user.email === token.address, 'invariant 6', `${what} set ${outcome.value.user.email}, not ${token.address}`);
  emailChanged(world, token);
}

class ConfirmChangeLink extends LinkStep {
  readonly kind = 'change-link';
  readonly label = 'confirmEmailChange';
  readonly noun = 'link';

  async use(world: World, token: OneTimeModel): Promise<void> {
    const outcome = await attempt(world.t.auth.confirmEmailChange({ token: token.secret }));
    if (world.deadReason(token) !== null) {
      return expectOutcome(outcome, ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'ACCOUNT_DISABLED'], rulesFor(world, token), `email change with ${describeToken(world, token)}`);
    }
    judgeChange(world, token, outcome, `email change with ${token.label}`);
  }
}

class ConfirmChangeCode extends CodeStep {
  readonly kind = 'change-code';
  readonly label = 'confirmEmailChangeCode';

  subject(): string {
    return `as ${NAMES[this.who]}`;
  }

  async apply(world: World): Promise<void> {
    const account = world.acct(this.who);
    const code = this.code(world) as string;
    const typed = this.typed(world, code);
    world.note(`types ${typed ? describeToken(world, typed) : 'a wrong code'}`);
    const outcome = await attempt(world.t.auth.confirmEmailChange({ userId: account.id, code }));
    const judged = judgeCode(world, this.who, this.kind, code);
    if (typeof judged === 'object') return judgeChange(world, judged, outcome, `email change with ${judged.label}`);
    const rules = typed && typed.owner === this.who ? rulesFor(world, typed) : 'invariant 6';
    expectOutcome(outcome, ['TOKEN_INVALID', 'TOKEN_EXPIRED', 'ACCOUNT_DISABLED'], rules, `email change of ${NAMES[this.who]} with ${typed?.label ?? 'a wrong code'}`);
  }
}

class SetStatus extends Step {
  constructor(
    readonly who: Who,
    readonly status: 'disabled' | 'active',
  ) {
    super();
  }

  toString(): string {
    return `${this.status === 'disabled' ? 'disable' : 'enable'}(${NAMES[this.who]})`;
  }

  override check(world: Readonly<World>): boolean {
    const disabled = (world as World).acct(this.who).status === 'disabled';
    return this.status === 'disabled' ? !disabled : disabled;
  }

  async apply(world: World): Promise<void> {
    const outcome = await attempt(world.t.auth.setUserStatus({ userId: world.acct(this.who).id, status: this.status }));
    expectOutcome(outcome, 'success', 'expected behaviour', this.toString());
    world.acct(this.who).status = this.status;
    if (this.status === 'disabled') world.endState(this.who, 'user_disabled', null);
  }
}

class Resend extends AddressStep {
  readonly label = 'resendVerification';

  async apply(world: World): Promise<void> {
    const email = this.email(world);
    const owner = world.ownerOf(email);
    const outcome = await attempt(world.t.auth.resendVerification({ email }));
    expectOutcome(outcome, 'success', 'expected behaviour', `resend to ${email}`);
    const sent = mailsTo(await world.newMail(), email, VERIFY_SUBJECT);
    if (!owner || owner.verified || owner.status === 'disabled') {
      ensure(sent.length === 0, owner?.status === 'disabled' ? 'invariant 3' : 'invariant 4', `a verification email was sent to ${email}`);
      return;
    }
    ensure(sent.length === 1, 'expected behaviour', `expected one verification email to ${email}, got ${sent.length}`);
    const message = sent[0] as SentMessage;
    const link = world.issue('verify-link', owner.who, tokenIn(message), email);
    const code = world.issue('verify-code', owner.who, codeIn(message), email);
    world.note(`gets ${link.label} and ${code.label}`);
  }
}

class Advance extends Step {
  constructor(readonly ms: number) {
    super();
  }

  toString(): string {
    return `advance(${this.ms >= MINUTE ? `${this.ms / MINUTE} min` : `${this.ms / SECOND} s`})`;
  }

  async apply(world: World): Promise<void> {
    world.t.clock.advance(this.ms);
    world.now += this.ms;
  }
}

/** Everything a disabled account (or whoever holds its old tokens) might try; all of it must fail. */
class DisabledTries extends Step {
  constructor(readonly who: Who) {
    super();
  }

  toString(): string {
    return `disabledTries(${NAMES[this.who]}: login, refresh, password and email change, reset and verification emails)`;
  }

  override check(world: Readonly<World>): boolean {
    return (world as World).acct(this.who).status === 'disabled';
  }

  override allowedHashes(world: World): string[] {
    return [world.acct(this.who).hash];
  }

  async apply(world: World): Promise<void> {
    const { auth } = world.t;
    const account = world.acct(this.who);
    const rule = 'invariant 3';
    expectOutcome(await attempt(auth.login({ email: account.email, password: account.password })), ['ACCOUNT_DISABLED'], rule, 'login of a disabled account');
    for (const session of world.sessions.filter((candidate) => candidate.owner === this.who)) {
      const outcome = await attempt(auth.refresh({ refreshToken: session.refresh.at(-1) as string }));
      expectOutcome(outcome, ['TOKEN_INVALID', 'ACCOUNT_DISABLED'], rule, `refresh of ${session.label} of a disabled account`);
    }
    // As an app that calls the flows with an identity it verified before the disable.
    const sessionId = world.sessions.filter((candidate) => candidate.owner === this.who).at(-1)?.id ?? 'no-session';
    const change = await attempt(auth.changePassword({ userId: account.id, sessionId, currentPassword: account.password, newPassword: world.freshPassword() }));
    expectOutcome(change, ['ACCOUNT_DISABLED', 'UNAUTHENTICATED'], rule, 'password change of a disabled account');
    const newEmail = world.freshAddress(this.who);
    const request = await attempt(auth.requestEmailChange({ userId: account.id, sessionId, password: account.password, newEmail }));
    expectOutcome(request, ['ACCOUNT_DISABLED', 'UNAUTHENTICATED'], rule, 'email change request of a disabled account');
    expectOutcome(await attempt(auth.requestPasswordReset({ email: account.email })), 'success', 'expected behaviour', 'reset request');
    expectOutcome(await attempt(auth.resendVerification({ email: account.email })), 'success', 'expected behaviour', 'resend');
    const mail = await world.newMail();
    const sent = [...mailsTo(mail, newEmail, CHANGE_SUBJECT), ...mailsTo(mail, account.email, RESET_SUBJECT), ...mailsTo(mail, account.email, VERIFY_SUBJECT)];
    ensure(sent.length === 0, rule, `a disabled account was mailed: ${sent.map((message) => message.subject).join(', ')}`);
  }
}

/**
 * A reset confirmed while an admin disables the account: a new reset link is asked for, then the
 * disable lands as the reset starts, after it hashed the new password, or after it claimed the
 * link; and the admin may enable the account again at once (which must revive nothing).
 */
class RaceResetDisable extends Step {
  constructor(
    readonly who: Who,
    readonly at: RacePoint,
    readonly thenEnable: boolean,
  ) {
    super();
  }

  toString(): string {
    return `raceResetDisable(${NAMES[this.who]} asks for a reset link and uses it, disabled ${this.at}${this.thenEnable ? ', then enabled again' : ''})`;
  }

  override check(world: Readonly<World>): boolean {
    return (world as World).acct(this.who).status !== 'disabled';
  }

  async apply(world: World): Promise<void> {
    const account = world.acct(this.who);
    const token = await freshResetLink(world, this.who);
    world.note(`uses ${describeToken(world, token)}`);
    const next = world.freshPassword();
    const [resetOutcome, disableOutcome] = await race(
      world,
      this.at,
      () => attempt(world.t.auth.confirmPasswordReset({ token: token.secret, password: next })),
      () => attempt(world.t.auth.setUserStatus({ userId: account.id, status: 'disabled' })),
    );
    world.note(`reset answered ${show(resetOutcome)}, disable ${show(disableOutcome)}`);
    expectOutcome(disableOutcome, 'success', 'expected behaviour', 'disable during a reset');
    const stored = await world.t.store.findUserById(account.id);
    const changed = stored?.passwordHash !== account.hash;
    ensure(resetOutcome.ok === changed, 'expected behaviour', `the reset answered ${show(resetOutcome)} but the password ${changed ? 'changed' : 'did not change'}`);
    if (resetOutcome.ok) {
      resetDone(world, token);
      await passwordWritten(world, this.who, next, 'password reset');
      world.endState(this.who, 'password_reset', null);
    }
    account.status = 'disabled';
    world.endState(this.who, 'user_disabled', null);
    if (!this.thenEnable) return;
    expectOutcome(await attempt(world.t.auth.setUserStatus({ userId: account.id, status: 'active' })), 'success', 'expected behaviour', 'enable');
    account.status = 'active';
  }
}

/** Asks for a reset link for the account's address, as `RequestReset` does, and returns it. */
async function freshResetLink(world: World, who: Who): Promise<OneTimeModel> {
  const account = world.acct(who);
  expectOutcome(await attempt(world.t.auth.requestPasswordReset({ email: account.email })), 'success', 'expected behaviour', 'reset request');
  const sent = mailsTo(await world.newMail(), account.email, RESET_SUBJECT);
  ensure(sent.length === 1, 'expected behaviour', `expected one reset email to ${account.email}, got ${sent.length}`);
  return world.issue('reset-link', who, tokenIn(sent[0] as SentMessage), account.email);
}

/** Runs `first`, and `second` at the given point of it: at once, after its first hash, or after its first token claim. */
async function race<A, B>(world: World, at: RacePoint, first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> {
  if (at === 'together') return Promise.all([first(), second()]);
  let secondOutcome: B | undefined;
  let ran = false;
  const hook = async (): Promise<void> => {
    ran = true;
    secondOutcome = await second();
  };
  if (at === 'after-hash') world.instrument.afterHash = hook;
  else world.instrument.afterConsume = hook;
  const firstOutcome = await first();
  // Refused before it hashed or claimed anything: the hook never ran.
  if (!ran) secondOutcome = await second();
  return [firstOutcome, secondOutcome as B];
}

type RacePoint = 'together' | 'after-hash' | 'after-claim';

/**
 * The owner resets the password while the pending email change is confirmed (the takeover, with
 * the attacker's click racing the owner's reset): at most one of them may go through.
 */
class RaceResetEmailChange extends SignedInStep {
  constructor(
    readonly who: Who,
    readonly first: 'reset' | 'change',
    readonly at: RacePoint,
  ) {
    super();
  }

  toString(): string {
    const second = this.first === 'reset' ? 'the email change' : 'the reset';
    return `raceResetEmailChange(${NAMES[this.who]}: a change to a new address and a reset asked for, then both confirmed: ${this.first} first, ${second} ${this.at})`;
  }

  async apply(world: World): Promise<void> {
    const { auth, store } = world.t;
    const account = world.acct(this.who);
    // Someone with a session asks to move the account to a new address; the owner asks for a reset.
    const grant = await signedIn(world, this.who, 0);
    const newEmail = world.freshAddress(this.who);
    const requested = await attempt(auth.requestEmailChange({ userId: account.id, sessionId: grant.session.id, password: account.password, newEmail }));
    expectOutcome(requested, 'success', 'expected behaviour', `email change request to ${newEmail}`);
    const sent = mailsTo(await world.newMail(), newEmail, CHANGE_SUBJECT);
    ensure(sent.length === 1, 'expected behaviour', `expected one confirmation email to ${newEmail}, got ${sent.length}`);
    const link = world.issue('change-link', this.who, tokenIn(sent[0] as SentMessage), newEmail, grant.session);
    world.issue('change-code', this.who, codeIn(sent[0] as SentMessage), newEmail, grant.session);
    const reset = await freshResetLink(world, this.who);
    world.note(`resets with ${reset.label}, while ${describeToken(world, link)} is used`);
    const next = world.freshPassword();
    const confirmReset = (): Promise<Outcome<void>> => attempt(auth.confirmPasswordReset({ token: reset.secret, password: next }));
    const confirmChange = (): Promise<Outcome<unknown>> => attempt(auth.confirmEmailChange({ token: link.secret }));
    const [resetOutcome, changeOutcome] =
      this.first === 'reset'
        ? await race(world, this.at, confirmReset, confirmChange)
        : await race(world, this.at, confirmChange, confirmReset).then(([change, reset]) => [reset, change] as const);
    world.note(`reset answered ${show(resetOutcome)}, email change ${show(changeOutcome)}`);
    const stored = await store.findUserById(account.id);
    ensure(stored !== null, 'expected behaviour', 'the account is gone');
    const resetWon = stored.passwordHash !== account.hash;
    const changeWon = stored.email !== account.email;
    ensure(resetOutcome.ok === resetWon, 'expected behaviour', `the reset answered ${show(resetOutcome)} but the password ${resetWon ? 'changed' : 'did not change'}`);
    ensure(changeOutcome.ok === changeWon, 'invariant 6', `the email change answered ${show(changeOutcome)} but the address is ${stored.email}`);
    ensure(!(resetWon && changeWon), 'invariant 6', `both the reset and an email change asked for before it went through (address now ${stored.email})`);
    ensure(resetWon || changeWon, 'expected behaviour', 'neither the reset nor the email change went through');
    if (changeWon) emailChanged(world, link);
    else {
      resetDone(world, reset);
      await passwordWritten(world, this.who, next, 'password reset');
      world.endState(this.who, 'password_reset', null);
    }
    if (!changeWon) return;
    // A reset ends every session before it writes the new password, so one that lost the race
    // may have ended the session the email change keeps: more than the rule asks, never less.
    const live = new Set((await auth.listSessions({ userId: account.id })).map((session) => session.id));
    for (const session of world.sessions) {
      if (session.owner === this.who && session.ended === null && !live.has(session.id)) session.ended = 'ended by the reset that lost the race';
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Invariants after every command.

async function checkInvariants(world: World): Promise<void> {
  const { auth, store } = world.t;
  world.instrument.verifyCalls.length = 0;

  // Every dead link is tried again: none may work (a verification link reopened may answer success, changing nothing).
  for (const token of world.oneTime) {
    if (world.deadReason(token) === null) continue;
    if (token.kind === 'reset-link') {
      const outcome = await attempt(auth.confirmPasswordReset({ token: token.secret, password: PROBE_PASSWORD }));
      ensure(!outcome.ok, rulesFor(world, token), `a dead reset link worked: ${describeToken(world, token)}`);
    } else if (token.kind === 'change-link') {
      const outcome = await attempt(auth.confirmEmailChange({ token: token.secret }));
      ensure(!outcome.ok, rulesFor(world, token), `a dead email-change link worked: ${describeToken(world, token)}`);
    } else if (token.kind === 'verify-link') {
      const before = await store.findUserById(world.acct(token.owner).id);
      const outcome = await attempt(auth.verifyEmail({ token: token.secret }));
      await judgeVerificationLink(world, token, outcome, 'reopening a dead verification link');
      const after = await store.findUserById(world.acct(token.owner).id);
      ensure(before?.emailVerifiedAt?.getTime() === after?.emailVerifiedAt?.getTime(), rulesFor(world, token), `a dead verification link changed the account: ${describeToken(world, token)}`);
    }
  }
  checkHasherCalls(world, [], 'probing dead links');

  for (const account of world.accounts) {
    const name = NAMES[account.who];
    const stored = await store.findUserById(account.id);
    ensure(stored !== null, 'expected behaviour', `${name}'s account is gone`);
    ensure(stored.email === account.email, 'invariant 6', `${name}'s address is ${stored.email}, expected ${account.email} (last change: ${account.lastChange})`);
    ensure((stored.emailVerifiedAt !== null) === account.verified, 'invariant 4', `${name}'s address is ${stored.emailVerifiedAt ? '' : 'not '}verified, expected ${account.verified ? '' : 'not '}verified`);
    ensure(stored.status === account.status, 'invariant 3', `${name}'s status is ${stored.status}, expected ${account.status}`);
    ensure(stored.passwordHash === account.hash, 'invariant 1', `${name}'s password hash changed without a successful reset or change`);

    // The sessions that are live are exactly the ones the model keeps live.
    const listed = (await auth.listSessions({ userId: account.id })).map((session) => session.id).sort();
    const expected = world.sessions.filter((session) => session.owner === account.who && world.sessionLive(session));
    const ended = world.sessions.filter((session) => session.owner === account.who && !world.sessionLive(session) && listed.includes(session.id));
    ensure(ended.length === 0, 'invariant 1', `sessions still live: ${ended.map((session) => `${session.label} (${session.ended})`).join(', ')}`);
    ensure(
      JSON.stringify(listed) === JSON.stringify(expected.map((session) => session.id).sort()),
      'expected behaviour',
      `live sessions of ${name}: ${listed.length}, expected ${expected.map((session) => session.label).join(', ') || 'none'}`,
    );
  }

  // Every access token works exactly while its session is live and the account enabled.
  for (const grant of world.access) {
    const left = grant.issuedAt + ACCESS_TTL - world.now;
    if (Math.abs(left) <= EXPIRY_MARGIN) continue;
    const owner = world.acct(grant.session.owner);
    const works = left > 0 && world.sessionLive(grant.session) && owner.status !== 'disabled';
    const outcome = await attempt(auth.authenticate(grant.token));
    if (works) ensure(outcome.ok, 'expected behaviour', `an access token of live ${grant.session.label} was refused: ${show(outcome)}`);
    else {
      const why = left <= 0 ? 'it expired' : owner.status === 'disabled' ? `${NAMES[owner.who]} is disabled` : `the session ${grant.session.ended}`;
      ensure(!outcome.ok, owner.status === 'disabled' ? 'invariant 3' : 'invariant 1', `an access token of ${grant.session.label} still works after ${why}`);
    }
  }

  // At most one unused refresh token per family; for a family not ended, the newest.
  for (const session of world.sessions) {
    const unused: number[] = [];
    for (const [index, token] of session.refresh.entries()) {
      const found = await store.findRefreshToken(sha256(token));
      ensure(found?.session.id === session.id, 'invariant 2', `refresh token ${index} of ${session.label} is not stored with its family`);
      if (found.token.usedAt === null) unused.push(index);
      if (session.ended !== null) ensure(found.session.revokedAt !== null, 'invariant 1', `${session.label} is not revoked after it ${session.ended}`);
    }
    ensure(unused.length <= 1, 'invariant 2', `${session.label} has ${unused.length} unused refresh tokens`);
    if (session.ended === null) ensure(unused[0] === session.refresh.length - 1, 'invariant 2', `the newest refresh token of ${session.label} is not its live one`);
  }
}

// ---------------------------------------------------------------------------------------------
// The property.

const who = fc.constantFrom<Who>(0, 1);
const k = fc.nat({ max: 7 });
const codeChoice = fc.constantFrom<CodeChoice>('own-latest', 'own-latest', 'own-older', 'other-latest', 'wrong');

const latestOrOlder = fc.constantFrom('latest' as const, 'latest' as const, 'older' as const);
const address = fc.constantFrom('current' as const, 'current' as const, 'original' as const);
const racePoint = fc.constantFrom<RacePoint>('together', 'after-hash', 'after-claim');

/** `arbitrary`, `weight` times: `fc.commands` picks among its arbitraries uniformly. */
function weighted(weight: number, arbitrary: fc.Arbitrary<Step>): fc.Arbitrary<Step>[] {
  return Array.from({ length: weight }, () => arbitrary);
}

const stepArbitraries: fc.Arbitrary<Step>[] = [
  ...weighted(1, who.map((w) => new RegisterAgain(w))),
  ...weighted(2, fc.tuple(who, latestOrOlder, k).map(([w, which, i]) => new VerifyLink(w, which, i))),
  ...weighted(2, fc.tuple(who, codeChoice, k).map(([w, choice, i]) => new VerifyCode(w, choice, i))),
  ...weighted(1, fc.tuple(who, fc.constantFrom('verify' as const, 'change' as const), fc.integer({ min: 2, max: 7 })).map(([w, purpose, n]) => new GuessBurst(w, purpose, n))),
  ...weighted(
    4,
    fc
      .tuple(who, address, fc.constantFrom('right' as const, 'right' as const, 'right' as const, 'other' as const, 'old' as const, 'wrong' as const))
      .map(([w, where, password]) => new Login(w, where, password)),
  ),
  ...weighted(3, fc.tuple(k, fc.constantFrom('latest' as const, 'latest' as const, 'previous' as const, 'older' as const), k).map(([i, which, j]) => new Refresh(i, which, j))),
  ...weighted(1, k.map((i) => new Logout(i))),
  ...weighted(1, who.map((w) => new LogoutAll(w))),
  ...weighted(2, fc.tuple(who, k, fc.constantFrom('right' as const, 'right' as const, 'wrong' as const, 'other' as const)).map(([w, i, current]) => new ChangePassword(w, i, current))),
  ...weighted(2, fc.tuple(who, address).map(([w, where]) => new RequestReset(w, where))),
  ...weighted(3, fc.tuple(who, latestOrOlder, k).map(([w, which, i]) => new ConfirmReset(w, which, i))),
  ...weighted(
    4,
    fc
      .tuple(who, k, fc.constantFrom('right' as const, 'right' as const, 'right' as const, 'wrong' as const), fc.constantFrom<Target>('fresh', 'fresh', 'fresh', 'fresh', 'fresh', 'other-current', 'other-original', 'own-original'))
      .map(([w, i, password, target]) => new RequestEmailChange(w, i, password, target)),
  ),
  ...weighted(5, fc.tuple(who, fc.constantFrom('latest' as const, 'latest' as const, 'latest' as const, 'older' as const), k).map(([w, which, i]) => new ConfirmChangeLink(w, which, i))),
  ...weighted(3, fc.tuple(who, codeChoice, k).map(([w, choice, i]) => new ConfirmChangeCode(w, choice, i))),
  ...weighted(1, who.map((w) => new SetStatus(w, 'disabled'))),
  ...weighted(2, who.map((w) => new SetStatus(w, 'active'))),
  ...weighted(1, who.map((w) => new DisabledTries(w))),
  ...weighted(1, fc.tuple(who, address).map(([w, where]) => new Resend(w, where))),
  ...weighted(2, fc.constantFrom(1 * SECOND, 5 * SECOND, GRACE + SECOND, 2 * MINUTE, 9 * MINUTE, 11 * MINUTE, 16 * MINUTE, 61 * MINUTE).map((ms) => new Advance(ms))),
  ...weighted(2, fc.tuple(who, racePoint, fc.boolean()).map(([w, at, thenEnable]) => new RaceResetDisable(w, at, thenEnable))),
  ...weighted(2, fc.tuple(who, fc.constantFrom('reset' as const, 'change' as const), racePoint).map(([w, first, at]) => new RaceResetEmailChange(w, first, at))),
];

/** How a run starts: per account, whether its address is verified (by its link) and it is logged in once. */
interface Start {
  victimVerified: boolean;
  attackerVerified: boolean;
}

/** A fresh Gatehouse with two registered accounts (their first link and code mailed), verified and logged in as `start` says. */
async function setup(start: Start): Promise<{ model: World; real: World }> {
  const instrument: Instrument = { verifyCalls: [], afterHash: undefined, afterConsume: undefined };
  // The store testAuth() would pick (memory, or this test's Kysely store), with a hook.
  const { store } = testAuth();
  const t = testAuth({
    store: hookedStore(store, instrument),
    hasher: recordingHasher(argon2Hasher({ memoryCost: 1024, timeCost: 1 }), instrument),
    rateLimits: false,
    emailVerification: { method: 'both', codeAttempts: CODE_ATTEMPTS },
  });
  const world = new World(t, instrument);
  world.dummyHash = await t.auth.context.dummyHash();
  const accounts: Account[] = [];
  for (const w of [0, 1] as const) {
    const email = `${NAMES[w]}.r${world.run}@example.com`;
    const { user } = await t.auth.register({ email, password: FIRST_PASSWORDS[w] });
    const stored = await t.store.findUserById(user.id);
    accounts.push({
      who: w,
      id: user.id,
      email,
      originalEmail: email,
      password: FIRST_PASSWORDS[w],
      oldPasswords: [],
      hash: stored?.passwordHash ?? '',
      verified: false,
      status: 'pending',
      epoch: 0,
      lastChange: 'registered',
    });
  }
  world.accounts = accounts as [Account, Account];
  const mail = await world.newMail();
  for (const account of world.accounts) {
    const message = mailsTo(mail, account.email, VERIFY_SUBJECT)[0];
    if (!message) throw new Error(`no verification email to ${account.email}`);
    const link = world.issue('verify-link', account.who, tokenIn(message), account.email);
    world.issue('verify-code', account.who, codeIn(message), account.email);
    if (!(account.who === 0 ? start.victimVerified : start.attackerVerified)) continue;
    await t.auth.verifyEmail({ token: link.secret });
    verified(world, account.who, link);
    const { tokens } = await t.auth.login({ email: account.email, password: account.password });
    world.addSession(account.who, tokens);
  }
  world.trace.push(`0. start: ${JSON.stringify(start)}`);
  return { model: world, real: world };
}

describe('the account state machine, against a model', () => {
  it('keeps tokens, sessions, addresses and the hasher within the lifecycle rules', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ victimVerified: fc.constantFrom(true, true, true, false), attackerVerified: fc.constantFrom(true, true, true, false) }),
        fc.commands(stepArbitraries, { maxCommands: MAX_COMMANDS, size: 'max', replayPath: REPLAY_PATH }),
        async (start, steps) => {
          await fc.asyncModelRun(() => setup(start), steps);
        },
      ),
      // Unbiased: otherwise most runs are a handful of commands long.
      { numRuns: NUM_RUNS, unbiased: true, ...(SEED === undefined ? {} : { seed: SEED }), ...(PATH === undefined ? {} : { path: PATH }) },
    );
  }, 600_000);
});
