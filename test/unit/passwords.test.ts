import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { defaults } from '../../src/config/defaults.ts';
import { courseMd5, PasswordHasher } from '../../src/core/passwords.ts';

const hasher = new PasswordHasher(defaults.scrypt, 'WJiol_8776#');

describe('passwords', () => {
  it('hashes with scrypt, a random salt and self-describing parameters', async () => {
    const [first, second] = [await hasher.hash('123'), await hasher.hash('123')];
    assert.match(first, /^\$scrypt\$ln=13,r=8,p=10\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    assert.notEqual(first, second, 'each hash has its own salt');
  });

  it('uses parameters at or above OWASP\'s minimum (N·r·p ≥ 2^13·8·10 or 2^17·8·1 equivalents)', () => {
    const { logN, r, p } = defaults.scrypt;
    const owaspEquivalents = [[17, 8, 1], [16, 8, 2], [15, 8, 3], [14, 8, 5], [13, 8, 10]];
    assert.ok(owaspEquivalents.some(([n, rr, pp]) => logN >= n! && r >= rr! && p >= pp!));
  });

  it('verifies the right password only', async () => {
    const stored = await hasher.hash('正确的密码 🔑');
    assert.deepEqual(await hasher.verify('正确的密码 🔑', stored), { ok: true, needsRehash: false });
    assert.deepEqual(await hasher.verify('wrong', stored), { ok: false, needsRehash: false });
  });

  it('asks to rehash a hash made with less work', async () => {
    const weak = await new PasswordHasher({ ...defaults.scrypt, logN: 10, p: 1 }).hash('pw');
    assert.deepEqual(await hasher.verify('pw', weak), { ok: true, needsRehash: true });
  });

  it('accepts a course md5 hash when the course secret is configured, and asks to replace it', async () => {
    const stored = courseMd5('123', 'WJiol_8776#');
    assert.deepEqual(await hasher.verify('123', stored), { ok: true, needsRehash: true });
    assert.deepEqual(await hasher.verify('1234', stored), { ok: false, needsRehash: false });
    assert.deepEqual(await new PasswordHasher(defaults.scrypt).verify('123', stored), { ok: false, needsRehash: false });
  });

  it('computes the course digest as the course does', () => {
    // md5("password=123&key=WJiol_8776#"), the seed's genPassword('123').
    assert.equal(courseMd5('123', 'WJiol_8776#'), '524ab85686df0e52ada43b11b53cce35');
  });

  it('rejects anything that is not a known hash', async () => {
    for (const stored of ['', '123', '$scrypt$ln=13$x$y', 'plain-text-password']) {
      assert.deepEqual(await hasher.verify('123', stored), { ok: false, needsRehash: false });
    }
  });
});
