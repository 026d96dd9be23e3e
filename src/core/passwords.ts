/**
 * Password hashing: scrypt with a per-user random salt, stored self-describing as
 * `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>` (base64, no padding) so its cost can be raised
 * later. The cost is the caller's: `defaults.scrypt` in src/config/defaults.ts.
 * The course's `md5("password=" + plain + "&key=" + SECRET)` hashes are still verified when the
 * course secret is configured; `needsRehash` tells the caller to replace them.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParameters {
  logN: number;
  r: number;
  p: number;
  keyLength: number;
  saltLength: number;
}

export interface PasswordVerification {
  ok: boolean;
  /** The stored hash is weaker than the current parameters and should be replaced. */
  needsRehash: boolean;
}

const scryptPattern = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;
const courseMd5Pattern = /^[0-9a-f]{32}$/i;

function deriveKey(password: string, salt: Buffer, logN: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  const N = 2 ** logN;
  // scrypt needs 128·N·r bytes; Node's default 32 MiB cap is exactly the OWASP setting, so leave room.
  const maxmem = 256 * N * r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

const unpadded = (buffer: Buffer): string => buffer.toString('base64').replace(/=+$/, '');

export class PasswordHasher {
  readonly #parameters: ScryptParameters;
  readonly #courseSecret: string | undefined;
  #dummyHash: Promise<string> | undefined;

  constructor(parameters: ScryptParameters, courseSecret?: string) {
    this.#parameters = parameters;
    this.#courseSecret = courseSecret;
  }

  async hash(password: string): Promise<string> {
    const { logN, r, p, keyLength, saltLength } = this.#parameters;
    const salt = randomBytes(saltLength);
    const key = await deriveKey(password, salt, logN, r, p, keyLength);
    return `$scrypt$ln=${logN},r=${r},p=${p}$${unpadded(salt)}$${unpadded(key)}`;
  }

  async verify(password: string, stored: string): Promise<PasswordVerification> {
    const scryptResult = await this.#verifyScrypt(password, stored);
    if (scryptResult) return scryptResult;
    if (courseMd5Pattern.test(stored) && this.#courseSecret !== undefined) {
      // Spend the same scrypt time as a modern hash, so a course account is not told apart by timing.
      await this.verifyAgainstDummy(password);
      const digest = createHash('md5').update(`password=${password}&key=${this.#courseSecret}`).digest();
      const ok = timingSafeEqual(digest, Buffer.from(stored, 'hex'));
      return { ok, needsRehash: ok };
    }
    await this.verifyAgainstDummy(password);
    return { ok: false, needsRehash: false };
  }

  /** Burns one verification's worth of time, so an unknown user answers as slowly as a wrong password. */
  async verifyAgainstDummy(password: string): Promise<void> {
    this.#dummyHash ??= this.hash('blog-server dummy password');
    await this.#verifyScrypt(password, await this.#dummyHash);
  }

  /** Verifies against a `$scrypt$` hash; resolves undefined when `stored` is not one. */
  async #verifyScrypt(password: string, stored: string): Promise<PasswordVerification | undefined> {
    const match = scryptPattern.exec(stored);
    if (!match) return undefined;
    const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const expected = Buffer.from(match[5] ?? '', 'base64');
    const actual = await deriveKey(password, Buffer.from(match[4] ?? '', 'base64'), logN, r, p, expected.length);
    const ok = timingSafeEqual(actual, expected);
    const current = this.#parameters;
    // Compare work (N·r·p), not each parameter: OWASP's equivalent settings trade N for p.
    const weaker = 2 ** logN * r * p < 2 ** current.logN * current.r * current.p;
    return { ok, needsRehash: ok && weaker };
  }
}

/** The course's own password digest, used to build course-made test databases and by `user import`. */
export function courseMd5(password: string, secret: string): string {
  return createHash('md5').update(`password=${password}&key=${secret}`).digest('hex');
}
