/** The helpers every client of an outside service shares: one masked URL, one description of an error. */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { describeError } from '../../src/connections/describe-error.ts';
import { maskUrl } from '../../src/connections/mask-url.ts';
import { parseRedisUrl } from '../../src/connections/redis-client.ts';

describe('connections', () => {
  it('masks the password of a URL, and leaves other text alone', () => {
    assert.equal(maskUrl('redis://user:hunter2@cache:6379/1?prefix=x'), 'redis://user:***@cache:6379/1?prefix=x');
    assert.equal(maskUrl('postgres://blog@db/blog'), 'postgres://blog@db/blog');
    assert.equal(maskUrl('not a url'), 'not a url');
    assert.equal(parseRedisUrl('redis://:hunter2@cache?prefix=p:').displayUrl, 'redis://:***@cache');
  });

  it('describes an error by its message, else its code, else its name, and every error of an AggregateError', () => {
    assert.equal(describeError(new Error('connection refused')), 'connection refused');
    assert.equal(describeError(Object.assign(new Error(''), { code: 'ECONNRESET' })), 'ECONNRESET');
    assert.equal(describeError(new TypeError('')), 'TypeError');
    const refused = (address: string) => Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
    assert.equal(describeError(new AggregateError([refused('::1:6379'), refused('127.0.0.1:6379')])), 'connect ECONNREFUSED ::1:6379; connect ECONNREFUSED 127.0.0.1:6379');
    assert.equal(describeError(Object.assign(new AggregateError([], ''), { code: 'ETIMEDOUT' })), 'ETIMEDOUT');
    assert.equal(describeError('gone'), 'gone');
  });
});
