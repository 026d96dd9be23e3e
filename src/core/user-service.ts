/** Users: login (rate-limited, constant-time), accounts for the CLI, password upgrades. */
import { BlogError } from './errors.ts';
import type { PasswordHasher } from './passwords.ts';
import type { LoginLimiter, UserRepository } from './ports.ts';
import type { SessionUser } from './session-user.ts';
import { validateNewPassword, validateRealname, validateUsername, type AccountRules } from './validation.ts';

export interface LoginAttempt {
  username: string;
  password: string;
  clientAddress: string;
}

export class UserService {
  readonly #users: UserRepository;
  readonly #hasher: PasswordHasher;
  readonly #limiter: LoginLimiter;
  readonly #rules: AccountRules;

  constructor(users: UserRepository, hasher: PasswordHasher, limiter: LoginLimiter, rules: AccountRules) {
    this.#users = users;
    this.#hasher = hasher;
    this.#limiter = limiter;
    this.#rules = rules;
  }

  /**
   * Checks the credentials. Unknown user and wrong password fail alike (`LOGIN_FAILED`) after the
   * same scrypt work; too many failures for this address + username answer TOO_MANY_LOGIN_ATTEMPTS.
   */
  async login({ username, password, clientAddress }: LoginAttempt): Promise<SessionUser> {
    const retryAfter = await this.#limiter.retryAfterSeconds(clientAddress, username);
    if (retryAfter > 0) {
      throw new BlogError('TOO_MANY_LOGIN_ATTEMPTS', undefined, { headers: { 'Retry-After': String(retryAfter) } });
    }
    const tooLong = password.length > this.#rules.passwordMaxLength;
    const user = username === '' || tooLong ? undefined : await this.#users.findByUsername(username);
    if (!user) {
      await this.#hasher.verifyAgainstDummy(tooLong ? '' : password);
      await this.#limiter.recordFailure(clientAddress, username);
      throw new BlogError('LOGIN_FAILED');
    }
    const verification = await this.#hasher.verify(password, user.password);
    if (!verification.ok) {
      await this.#limiter.recordFailure(clientAddress, username);
      throw new BlogError('LOGIN_FAILED');
    }
    if (verification.needsRehash) await this.#users.setPassword(user.id, await this.#hasher.hash(password));
    await this.#limiter.recordSuccess(clientAddress, username);
    return { userId: user.id, username: user.username, realname: user.realname };
  }

  /** Creates an account. `allowWeakPassword` is for the course's demo users (`123`) only. */
  async createUser(input: { username: string; password: string; realname: string }, options: { allowWeakPassword?: boolean } = {}): Promise<number> {
    const username = validateUsername(input.username, this.#rules);
    const password = options.allowWeakPassword ? input.password : validateNewPassword(input.password, this.#rules);
    const realname = validateRealname(input.realname, this.#rules);
    if (await this.#users.findByUsername(username)) throw new BlogError('USERNAME_TAKEN', username);
    return this.#users.insert({ username, password: await this.#hasher.hash(password), realname });
  }

  async changePassword(username: string, password: string): Promise<void> {
    const user = await this.#users.findByUsername(username);
    if (!user) throw new BlogError('USER_NOT_FOUND', username);
    await this.#users.setPassword(user.id, await this.#hasher.hash(validateNewPassword(password, this.#rules)));
  }

  async exists(username: string): Promise<boolean> {
    return (await this.#users.findByUsername(username)) !== undefined;
  }
}
