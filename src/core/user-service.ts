/**
 * Users: login (rate-limited, constant-time), password changes that end the user's other sessions,
 * unlocking, accounts for the CLI, password upgrades. Every authentication event goes to the audit
 * trail.
 */
import { BlogError } from './errors.ts';
import type { PasswordHasher } from './passwords.ts';
import type { AuditTrail, ClientInfo, LoginLimiter, UnlockOutcome, UserRepository, UserSessions } from './ports.ts';
import type { SessionUser } from './session-user.ts';
import { validateNewPassword, validateRealname, validateUsername, type AccountRules } from './validation.ts';

export interface LoginAttempt {
  username: string;
  password: string;
  client: ClientInfo;
}

/** A logged-in user changing their own password; `keepSession` is the session they asked from. */
export interface OwnPasswordChange {
  user: SessionUser;
  oldPassword: string;
  newPassword: string;
  client: ClientInfo;
  keepSession: string | undefined;
}

export interface AccountPorts {
  sessions: UserSessions;
  audit: AuditTrail;
}

export class UserService {
  readonly #users: UserRepository;
  readonly #hasher: PasswordHasher;
  readonly #limiter: LoginLimiter;
  readonly #rules: AccountRules;
  readonly #sessions: UserSessions;
  readonly #audit: AuditTrail;

  constructor(users: UserRepository, hasher: PasswordHasher, limiter: LoginLimiter, rules: AccountRules, ports: AccountPorts) {
    this.#users = users;
    this.#hasher = hasher;
    this.#limiter = limiter;
    this.#rules = rules;
    this.#sessions = ports.sessions;
    this.#audit = ports.audit;
  }

  /**
   * Checks the credentials. Unknown user and wrong password fail alike (`LOGIN_FAILED`) after the
   * same scrypt work; too many failures for this address + username answer TOO_MANY_LOGIN_ATTEMPTS.
   */
  async login({ username, password, client }: LoginAttempt): Promise<SessionUser> {
    await this.#refuseIfLocked(username, client, 'login.failure');
    const tooLong = password.length > this.#rules.passwordMaxLength;
    const user = username === '' || tooLong ? undefined : await this.#users.findByUsername(username);
    if (!user) {
      await this.#hasher.verifyAgainstDummy(tooLong ? '' : password);
      await this.#failed('login.failure', username, client, 'unknown_user');
      throw new BlogError('LOGIN_FAILED');
    }
    const verification = await this.#hasher.verify(password, user.password);
    if (!verification.ok) {
      await this.#failed('login.failure', username, client, 'wrong_password');
      throw new BlogError('LOGIN_FAILED');
    }
    if (verification.needsRehash) await this.#users.setPassword(user.id, await this.#hasher.hash(password));
    await this.#limiter.recordSuccess(client.address, username);
    this.#audit.record({ event: 'login.success', username: user.username, client });
    return { userId: user.id, username: user.username, realname: user.realname };
  }

  /**
   * Changes a logged-in user's password once the old one is verified (a failure counts as a failed
   * login, so a stolen session cannot guess it), then ends every other session of the user.
   */
  async changeOwnPassword({ user, oldPassword, newPassword, client, keepSession }: OwnPasswordChange): Promise<number> {
    await this.#refuseIfLocked(user.username, client, 'password.failure');
    const stored = oldPassword.length > this.#rules.passwordMaxLength ? undefined : await this.#users.findByUsername(user.username);
    const verification = stored ? await this.#hasher.verify(oldPassword, stored.password) : undefined;
    if (!stored || !verification?.ok) {
      if (!stored) await this.#hasher.verifyAgainstDummy('');
      await this.#failed('password.failure', user.username, client, 'wrong_password');
      throw new BlogError('OLD_PASSWORD_WRONG');
    }
    const hash = await this.#hasher.hash(validateNewPassword(newPassword, this.#rules));
    await this.#limiter.recordSuccess(client.address, user.username);
    return this.#passwordChanged(stored.id, stored.username, hash, client, keepSession);
  }

  /** Sets a password from the command line and ends every session of the user; resolves how many ended. */
  async changePassword(username: string, password: string): Promise<number> {
    const user = await this.#users.findByUsername(username);
    if (!user) throw new BlogError('USER_NOT_FOUND', username);
    const hash = await this.#hasher.hash(validateNewPassword(password, this.#rules));
    return this.#passwordChanged(user.id, user.username, hash, null, undefined);
  }

  /**
   * Ends every session (the command line's `restore`: the users the sessions name were
   * replaced, and a session trusts the name and id it holds). Resolves how many ended.
   */
  endAllSessions(): Promise<number> {
    return this.#sessions.endAllSessions();
  }

  /** Clears the login limit of a user on every address (the command line's `user unlock`). */
  async unlock(username: string): Promise<UnlockOutcome> {
    const outcome = await this.#limiter.unlock(username);
    this.#audit.record({ event: 'login.unlock', username, client: null, reason: outcome.wasLocked ? 'was_locked' : 'was_not_locked' });
    return outcome;
  }

  /** Records a logout; the session itself is ended by the caller. */
  loggedOut(user: SessionUser, client: ClientInfo): void {
    this.#audit.record({ event: 'logout', username: user.username, client });
  }

  /** Creates an account. `allowWeakPassword` is for the course's demo users (`123`) only. */
  async createUser(input: { username: string; password: string; realname: string }, options: { allowWeakPassword?: boolean } = {}): Promise<number> {
    const username = validateUsername(input.username, this.#rules);
    const password = options.allowWeakPassword ? input.password : validateNewPassword(input.password, this.#rules);
    const realname = validateRealname(input.realname, this.#rules);
    if (await this.#users.findByUsername(username)) throw new BlogError('USERNAME_TAKEN', username);
    return this.#users.insert({ username, password: await this.#hasher.hash(password), realname });
  }

  async exists(username: string): Promise<boolean> {
    return (await this.#users.findByUsername(username)) !== undefined;
  }

  async #refuseIfLocked(username: string, client: ClientInfo, event: 'login.failure' | 'password.failure'): Promise<void> {
    const retryAfter = await this.#limiter.retryAfterSeconds(client.address, username);
    if (retryAfter > 0) {
      this.#audit.record({ event, username, client, reason: 'locked' });
      throw new BlogError('TOO_MANY_LOGIN_ATTEMPTS', undefined, { headers: { 'Retry-After': String(retryAfter) } });
    }
  }

  /** Counts a failure and records it, and the lock it caused, if any. */
  async #failed(event: 'login.failure' | 'password.failure', username: string, client: ClientInfo, reason: string): Promise<void> {
    const locked = await this.#limiter.recordFailure(client.address, username);
    this.#audit.record({ event, username, client, reason });
    if (locked.user) this.#audit.record({ event: 'login.lock', username, client, reason: 'user' });
    if (locked.address) this.#audit.record({ event: 'login.lock', username, client, reason: 'address' });
  }

  async #passwordChanged(userId: number, username: string, hash: string, client: ClientInfo | null, keepSession: string | undefined): Promise<number> {
    await this.#users.setPassword(userId, hash);
    // After the new password is stored: a login racing this change needs the new password already.
    const ended = await this.#sessions.endSessionsOf(userId, keepSession);
    this.#audit.record({ event: 'password.change', username, client, sessionsEnded: ended });
    return ended;
  }
}
