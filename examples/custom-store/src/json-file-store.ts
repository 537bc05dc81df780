// A Gatehouse `Store` over one JSON file: what writing your own adapter takes.
//
// - The whole data set lives in memory and in one file, rewritten on every change by writing a
//   temporary file, flushing it to disk and renaming it over the old one. A rename is atomic, so
//   a crash leaves either the old file or the new one, never half of one.
// - Every change runs inside one in-process mutex, on a copy of the data: the copy is written to
//   disk first and only then becomes the data, so a change is all or nothing, and the atomic
//   operations of the `Store` contract (consume a token once, rotate a refresh token once, one
//   winner among concurrent registrations) hold because no two changes ever interleave.
// - Reads need no lock: they see the last committed data, which is replaced whole.
// - One process owns the file; a lock file next to it refuses a second one.
//
// It suits small installations and tools (a few thousand users: every change rewrites the
// file). For more, use @gatehouse-auth/kysely, or write a store for your database the same way: the
// conformance kit tells you when it is right.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuthError } from '@gatehouse-auth/core';
import type {
  CheckOneTimeCodeInput,
  OneTimeCodeCheck,
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  RefreshTokenLookup,
  RefreshTokenRecord,
  RevokeOptions,
  RevokeUserSessionsOptions,
  RotateRefreshTokenInput,
  SessionRecord,
  SessionWithUser,
  Store,
  UpdateUserOptions,
  UserExpectation,
  UserId,
  UserPatch,
  UserRecord,
  UserStatus,
} from '@gatehouse-auth/core';

/** Options of {@link jsonFileStore}. */
export interface JsonFileStoreOptions {
  /** The JSON file; created (with its folder) when missing. */
  path: string;
}

/** A {@link Store} over a JSON file, with `close()` to release the file for another process. */
export interface JsonFileStore extends Store {
  /** Waits for the changes under way and releases the file's lock. The store must not be used after. */
  close(): Promise<void>;
}

// On disk, dates are epoch milliseconds: exact to the millisecond, in any year.
interface UserRow {
  id: string;
  email: string;
  emailVerifiedAt: number | null;
  passwordHash: string | null;
  role: string;
  status: UserStatus;
  profile: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

interface SessionRow {
  id: string;
  userId: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
  rotationKey: string;
  userAgent: string | null;
  ip: string | null;
}

interface RefreshTokenRow {
  hash: string;
  sessionId: string;
  issuedAt: number;
  usedAt: number | null;
}

interface OneTimeTokenRow {
  id: string;
  hash: string;
  userId: string;
  purpose: OneTimeTokenPurpose;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  attemptsLeft: number | null;
  data: string | null;
}

interface FileData {
  format: 'gatehouse-json-file-store';
  version: 1;
  users: Record<string, UserRow>;
  sessions: Record<string, SessionRow>;
  /** Keyed by hash. */
  refreshTokens: Record<string, RefreshTokenRow>;
  /** Keyed by hash. */
  oneTimeTokens: Record<string, OneTimeTokenRow>;
}

function emptyData(): FileData {
  return { format: 'gatehouse-json-file-store', version: 1, users: {}, sessions: {}, refreshTokens: {}, oneTimeTokens: {} };
}

// This store keeps the string ids Gatehouse chooses (UUIDs, or the app's generator). It does not
// list 'integer' in `userIdKinds`, so createAuth never asks it to assign an id; the port types
// ids as `UserId` (string | number), and this is the one place that says they are text here.
function idOf(id: UserId): string {
  return String(id);
}

function ms(date: Date): number {
  return date.getTime();
}

function msOrNull(date: Date | null): number | null {
  return date === null ? null : date.getTime();
}

function date(value: number): Date {
  return new Date(value);
}

function dateOrNull(value: number | null): Date | null {
  return value === null ? null : new Date(value);
}

function userRow(user: UserRecord): UserRow {
  return {
    id: idOf(user.id),
    // Core passes normalized (lower-case) addresses; lower-casing again makes the lookups
    // case-insensitive whatever a caller passes.
    email: user.email.toLowerCase(),
    emailVerifiedAt: msOrNull(user.emailVerifiedAt),
    passwordHash: user.passwordHash,
    role: user.role,
    status: user.status,
    profile: structuredClone(user.profile),
    createdAt: ms(user.createdAt),
    updatedAt: ms(user.updatedAt),
    lastLoginAt: msOrNull(user.lastLoginAt),
  };
}

function userRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    emailVerifiedAt: dateOrNull(row.emailVerifiedAt),
    passwordHash: row.passwordHash,
    role: row.role,
    status: row.status,
    profile: structuredClone(row.profile),
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
    lastLoginAt: dateOrNull(row.lastLoginAt),
  };
}

function sessionRow(session: SessionRecord): SessionRow {
  return {
    id: session.id,
    userId: idOf(session.userId),
    createdAt: ms(session.createdAt),
    lastUsedAt: ms(session.lastUsedAt),
    expiresAt: ms(session.expiresAt),
    revokedAt: msOrNull(session.revokedAt),
    revokedReason: session.revokedReason,
    rotationKey: session.rotationKey,
    userAgent: session.userAgent,
    ip: session.ip,
  };
}

function sessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.userId,
    createdAt: date(row.createdAt),
    lastUsedAt: date(row.lastUsedAt),
    expiresAt: date(row.expiresAt),
    revokedAt: dateOrNull(row.revokedAt),
    revokedReason: row.revokedReason,
    rotationKey: row.rotationKey,
    userAgent: row.userAgent,
    ip: row.ip,
  };
}

function refreshTokenRow(token: RefreshTokenRecord): RefreshTokenRow {
  return { hash: token.hash, sessionId: token.sessionId, issuedAt: ms(token.issuedAt), usedAt: msOrNull(token.usedAt) };
}

function refreshTokenRecord(row: RefreshTokenRow): RefreshTokenRecord {
  return { hash: row.hash, sessionId: row.sessionId, issuedAt: date(row.issuedAt), usedAt: dateOrNull(row.usedAt) };
}

function oneTimeTokenRow(token: OneTimeTokenRecord): OneTimeTokenRow {
  return {
    id: token.id,
    hash: token.hash,
    userId: idOf(token.userId),
    purpose: token.purpose,
    createdAt: ms(token.createdAt),
    expiresAt: ms(token.expiresAt),
    usedAt: msOrNull(token.usedAt),
    attemptsLeft: token.attemptsLeft,
    data: token.data,
  };
}

function oneTimeTokenRecord(row: OneTimeTokenRow): OneTimeTokenRecord {
  return {
    id: row.id,
    hash: row.hash,
    userId: row.userId,
    purpose: row.purpose,
    createdAt: date(row.createdAt),
    expiresAt: date(row.expiresAt),
    usedAt: dateOrNull(row.usedAt),
    attemptsLeft: row.attemptsLeft,
    data: row.data,
  };
}

function findUserRowByEmail(data: FileData, email: string): UserRow | undefined {
  const key = email.toLowerCase();
  return Object.values(data.users).find((user) => user.email === key);
}

/** Whether the stored user still has every value the caller expects (a compare-and-set). */
function meetsExpectation(row: UserRow, expect: UserExpectation | undefined): boolean {
  if (expect === undefined) return true;
  if (expect.status !== undefined && row.status !== expect.status) return false;
  if (expect.passwordHash !== undefined && row.passwordHash !== expect.passwordHash) return false;
  if (expect.email !== undefined && row.email !== expect.email.toLowerCase()) return false;
  return true;
}

/** The user's newest usable code for the purpose: unused, unexpired, with tries left. */
function newestUsableCode(data: FileData, userId: UserId, purpose: OneTimeTokenPurpose, now: number): OneTimeTokenRow | undefined {
  let newest: OneTimeTokenRow | undefined;
  for (const token of Object.values(data.oneTimeTokens)) {
    if (token.userId !== idOf(userId) || token.purpose !== purpose || token.usedAt !== null || token.expiresAt <= now) continue;
    if (token.attemptsLeft === null || token.attemptsLeft <= 0) continue;
    if (!newest || token.createdAt > newest.createdAt || (token.createdAt === newest.createdAt && token.id > newest.id)) newest = token;
  }
  return newest;
}

function withUser(data: FileData, session: SessionRow): SessionWithUser | null {
  const user = data.users[session.userId];
  return user ? { session: sessionRecord(session), user: userRecord(user) } : null;
}

function revokeRow(session: SessionRow, options: RevokeOptions): boolean {
  if (session.revokedAt !== null) return false;
  session.revokedAt = ms(options.now);
  session.revokedReason = options.reason;
  return true;
}

/** What a change to the data returns: its result, and whether it changed anything to write. */
interface Change<T> {
  result: T;
  changed: boolean;
}

function changed<T>(result: T): Change<T> {
  return { result, changed: true };
}

function unchanged<T>(result: T): Change<T> {
  return { result, changed: false };
}

/** Runs tasks one at a time, in call order. */
function createMutex(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return function runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Writes `text` to `path` atomically: a flushed temporary file renamed over it. */
async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function readData(path: string): Promise<FileData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyData();
    throw error;
  }
  const data = JSON.parse(text) as Partial<FileData>;
  if (data.format !== 'gatehouse-json-file-store' || data.version !== 1) {
    throw new Error(`jsonFileStore: ${path} is not a version 1 Gatehouse JSON store file.`);
  }
  return { ...emptyData(), ...data } as FileData;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<path>.lock` for this process; a lock left by a process that has died is taken over. */
async function acquireLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const lock = await open(lockPath, 'wx');
      await lock.writeFile(String(process.pid));
      await lock.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(lockPath, 'utf8').catch(() => ''));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processIsAlive(owner)) {
        throw new Error(`jsonFileStore: ${lockPath} shows that process ${owner} has the store open; one process at a time may use it.`);
      }
      if (owner === process.pid) throw new Error(`jsonFileStore: this process already has ${lockPath.replace(/\.lock$/, '')} open.`);
      await unlink(lockPath).catch(() => undefined);
    }
  }
  throw new Error(`jsonFileStore: could not take the lock ${lockPath}.`);
}

/**
 * Opens (or creates) a Gatehouse store in a JSON file. One process at a time may have the file
 * open; call `close()` when done.
 *
 * @throws Error when another live process has the file open, or the file is not a store file.
 */
export async function jsonFileStore(options: JsonFileStoreOptions): Promise<JsonFileStore> {
  if (typeof options?.path !== 'string' || options.path === '') {
    throw new TypeError('jsonFileStore: give `path`, the JSON file to keep the data in, e.g. { path: "data/auth.json" }.');
  }
  const { path } = options;
  const lockPath = `${path}.lock`;
  await mkdir(dirname(path), { recursive: true });
  await acquireLock(lockPath);
  let data: FileData;
  try {
    data = await readData(path);
  } catch (error) {
    await unlink(lockPath).catch(() => undefined);
    throw error;
  }
  const exclusive = createMutex();
  let closed = false;

  /**
   * Applies `change` to a copy of the data, under the mutex. When it changed something, the
   * copy is written to disk and then becomes the data; if `change` or the write throws, nothing
   * changes.
   */
  function mutate<T>(change: (draft: FileData) => Change<T>): Promise<T> {
    return exclusive(async () => {
      if (closed) throw new Error('jsonFileStore: the store is closed.');
      const draft = structuredClone(data);
      const outcome = change(draft);
      if (outcome.changed) {
        await writeFileAtomic(path, JSON.stringify(draft));
        data = draft;
      }
      return outcome.result;
    });
  }

  /** Runs a read on the committed data. */
  async function read<T>(query: (current: FileData) => T): Promise<T> {
    if (closed) throw new Error('jsonFileStore: the store is closed.');
    return query(data);
  }

  return {
    createUser(user) {
      const { id } = user;
      if (id === null) return Promise.reject(new TypeError('jsonFileStore keeps the user ids Gatehouse gives; it cannot assign one.'));
      return mutate((draft) => {
        if (findUserRowByEmail(draft, user.email)) throw new AuthError('EMAIL_TAKEN');
        if (draft.users[idOf(id)]) throw new Error(`jsonFileStore: a user with id ${id} exists already.`);
        draft.users[idOf(id)] = userRow({ ...user, id });
        return changed(undefined);
      });
    },

    findUserById(id) {
      return read((current) => {
        const row = current.users[idOf(id)];
        return row ? userRecord(row) : null;
      });
    },

    findUserByEmail(email) {
      return read((current) => {
        const row = findUserRowByEmail(current, email);
        return row ? userRecord(row) : null;
      });
    },

    updateUser(id: UserId, patch: UserPatch, options?: UpdateUserOptions) {
      return mutate((draft) => {
        const row = draft.users[idOf(id)];
        // Checked and applied under the mutex: nothing can change the user in between.
        if (!row || !meetsExpectation(row, options?.expect)) return unchanged(null);
        if (patch.email !== undefined) {
          const owner = findUserRowByEmail(draft, patch.email);
          if (owner && owner.id !== idOf(id)) throw new AuthError('EMAIL_TAKEN');
          row.email = patch.email.toLowerCase();
        }
        if (patch.emailVerifiedAt !== undefined) row.emailVerifiedAt = msOrNull(patch.emailVerifiedAt);
        if (patch.passwordHash !== undefined) row.passwordHash = patch.passwordHash;
        if (patch.role !== undefined) row.role = patch.role;
        if (patch.status !== undefined) row.status = patch.status;
        if (patch.profile !== undefined) row.profile = structuredClone(patch.profile);
        if (patch.lastLoginAt !== undefined) row.lastLoginAt = msOrNull(patch.lastLoginAt);
        row.updatedAt = ms(patch.updatedAt);
        return changed(userRecord(row));
      });
    },

    deleteUser(id) {
      return mutate((draft) => {
        if (!draft.users[idOf(id)]) return unchanged(false);
        delete draft.users[idOf(id)];
        for (const session of Object.values(draft.sessions)) {
          if (session.userId !== idOf(id)) continue;
          delete draft.sessions[session.id];
          for (const token of Object.values(draft.refreshTokens)) if (token.sessionId === session.id) delete draft.refreshTokens[token.hash];
        }
        for (const token of Object.values(draft.oneTimeTokens)) if (token.userId === idOf(id)) delete draft.oneTimeTokens[token.hash];
        return changed(true);
      });
    },

    createSession(session, firstToken) {
      return mutate((draft) => {
        // Both or neither: a throw here leaves the data as it was.
        if (draft.sessions[session.id]) throw new Error(`jsonFileStore: a session with id ${session.id} exists already.`);
        if (draft.refreshTokens[firstToken.hash]) throw new Error('jsonFileStore: that refresh token hash is stored already.');
        draft.sessions[session.id] = sessionRow(session);
        draft.refreshTokens[firstToken.hash] = refreshTokenRow(firstToken);
        return changed(undefined);
      });
    },

    findSession(id) {
      return read((current) => {
        const row = current.sessions[id];
        return row ? withUser(current, row) : null;
      });
    },

    listSessions(userId) {
      return read((current) =>
        Object.values(current.sessions)
          .filter((session) => session.userId === idOf(userId) && session.revokedAt === null)
          .sort((a, b) => b.createdAt - a.createdAt)
          .map(sessionRecord),
      );
    },

    findRefreshToken(hash): Promise<RefreshTokenLookup | null> {
      return read((current) => {
        const token = current.refreshTokens[hash];
        const session = token ? current.sessions[token.sessionId] : undefined;
        const found = session ? withUser(current, session) : null;
        return token && found ? { token: refreshTokenRecord(token), ...found } : null;
      });
    },

    rotateRefreshToken(input: RotateRefreshTokenInput) {
      return mutate((draft) => {
        const token = draft.refreshTokens[input.presentedHash];
        const session = draft.sessions[input.sessionId];
        if (!token || !session || token.sessionId !== session.id) return unchanged(false);
        if (token.usedAt !== null || session.revokedAt !== null) return unchanged(false);
        token.usedAt = ms(input.now);
        draft.refreshTokens[input.next.hash] = refreshTokenRow(input.next);
        session.lastUsedAt = ms(input.now);
        return changed(true);
      });
    },

    revokeSession(sessionId, options) {
      return mutate((draft) => {
        const session = draft.sessions[sessionId];
        return session && revokeRow(session, options) ? changed(true) : unchanged(false);
      });
    },

    revokeUserSessions(userId, options: RevokeUserSessionsOptions) {
      return mutate((draft) => {
        let count = 0;
        for (const session of Object.values(draft.sessions)) {
          if (session.userId !== idOf(userId) || session.id === options.exceptSessionId) continue;
          if (revokeRow(session, options)) count += 1;
        }
        return count > 0 ? changed(count) : unchanged(0);
      });
    },

    createOneTimeToken(token) {
      return mutate((draft) => {
        if (draft.oneTimeTokens[token.hash]) throw new Error('jsonFileStore: that single-use token hash is stored already.');
        // In the same step: only the newest token of a user and purpose stays usable.
        for (const other of Object.values(draft.oneTimeTokens)) {
          if (other.userId === idOf(token.userId) && other.purpose === token.purpose && other.usedAt === null) other.usedAt = ms(token.createdAt);
        }
        draft.oneTimeTokens[token.hash] = oneTimeTokenRow(token);
        return changed(undefined);
      });
    },

    findOneTimeToken(hash) {
      return read((current) => {
        const row = current.oneTimeTokens[hash];
        return row ? oneTimeTokenRecord(row) : null;
      });
    },

    findActiveOneTimeToken(userId: UserId, purpose: OneTimeTokenPurpose, now: Date) {
      return read((current) => {
        let newest: OneTimeTokenRow | undefined;
        for (const token of Object.values(current.oneTimeTokens)) {
          if (token.userId !== idOf(userId) || token.purpose !== purpose || token.usedAt !== null || token.expiresAt <= ms(now)) continue;
          if (!newest || token.createdAt >= newest.createdAt) newest = token;
        }
        return newest ? oneTimeTokenRecord(newest) : null;
      });
    },

    consumeOneTimeToken(hash, purpose, now) {
      return mutate((draft) => {
        const token = draft.oneTimeTokens[hash];
        if (!token || token.purpose !== purpose || token.usedAt !== null || token.expiresAt <= ms(now)) return unchanged(null);
        const before = oneTimeTokenRecord(token);
        token.usedAt = ms(now);
        return changed(before);
      });
    },

    releaseOneTimeToken(hash, usedAt) {
      return mutate((draft) => {
        const token = draft.oneTimeTokens[hash];
        if (!token || token.usedAt !== ms(usedAt)) return unchanged(false);
        token.usedAt = null;
        return changed(true);
      });
    },

    checkOneTimeCode(input: CheckOneTimeCodeInput) {
      // Found and judged in one change, under the mutex: concurrent checks take turns, so each
      // try is counted once and the code is consumed at most once.
      return mutate((draft): Change<OneTimeCodeCheck> => {
        const code = newestUsableCode(draft, input.userId, input.purpose, ms(input.now));
        if (!code || code.attemptsLeft === null) return unchanged({ outcome: 'none' });
        if (code.hash === input.hash) {
          const before = oneTimeTokenRecord(code);
          code.usedAt = ms(input.now);
          return changed({ outcome: 'consumed', record: before });
        }
        code.attemptsLeft -= 1;
        if (code.attemptsLeft === 0) code.usedAt = ms(input.now);
        return changed({ outcome: 'wrong', attemptsLeft: code.attemptsLeft });
      });
    },

    voidOneTimeTokens(userId, purposes, now) {
      return mutate((draft) => {
        let count = 0;
        for (const token of Object.values(draft.oneTimeTokens)) {
          if (token.userId !== idOf(userId) || token.usedAt !== null || !purposes.includes(token.purpose)) continue;
          token.usedAt = ms(now);
          count += 1;
        }
        return count > 0 ? changed(count) : unchanged(0);
      });
    },

    async close() {
      // Queued behind the changes under way, so they reach the disk first.
      await exclusive(async () => {
        if (closed) return;
        closed = true;
        await unlink(lockPath).catch(() => undefined);
      });
    },
  };
}
