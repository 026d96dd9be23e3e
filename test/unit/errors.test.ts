import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BlogError, errorCatalogue } from '../../src/core/errors.ts';
import { renderError } from '../../src/http/envelope.ts';

/** For failures that must not be logged (they are not 5xx). */
const failOnLog = (message: string) => assert.fail(`logged ${message}`);

describe('error catalogue', () => {
  it('pins every code with its status', () => {
    const statuses = Object.fromEntries(Object.entries(errorCatalogue).map(([code, entry]) => [code, entry.status]));
    assert.deepEqual(statuses, {
      SESSION_REQUIRED: 200, LOGIN_FAILED: 200, BLOG_NOT_FOUND: 200, BLOG_UPDATE_FAILED: 200, BLOG_DELETE_FAILED: 200,
      TITLE_REQUIRED: 200, TITLE_TOO_LONG: 200, CONTENT_TOO_LONG: 200, USERNAME_INVALID: 200, USERNAME_TAKEN: 200,
      USER_NOT_FOUND: 200, PASSWORD_INVALID: 200, OLD_PASSWORD_WRONG: 200, REALNAME_INVALID: 200,
      STATUS_INVALID: 200, FORMAT_INVALID: 200, PUBLISHTIME_INVALID: 200, REVISION_NOT_FOUND: 200,
      INVALID_PARAMETER: 400, MALFORMED_BODY: 400, MALFORMED_REQUEST: 400, CROSS_SITE_REQUEST: 403, ROUTE_NOT_FOUND: 404,
      METHOD_NOT_ALLOWED: 405, REQUEST_TIMEOUT: 408, BODY_TOO_LARGE: 413, TOO_MANY_LOGIN_ATTEMPTS: 429, HEADERS_TOO_LARGE: 431, INTERNAL_ERROR: 500, SERVICE_UNAVAILABLE: 503,
    });
  });

  it('keeps the course\'s messages', () => {
    assert.equal(errorCatalogue.SESSION_REQUIRED.message, '尚未登录');
    assert.equal(errorCatalogue.LOGIN_FAILED.message, '登录失败');
    assert.equal(errorCatalogue.BLOG_UPDATE_FAILED.message, '更新博客失败');
    assert.equal(errorCatalogue.BLOG_DELETE_FAILED.message, '删除博客失败');
  });

  it('is documented code by code in docs/API.md', () => {
    const docs = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');
    for (const [code, { status, message }] of Object.entries(errorCatalogue)) {
      assert.match(docs, new RegExp(`\\| \`${code}\` \\| ${status} \\| ${message}`), `docs/API.md names ${code}`);
    }
  });
});

describe('renderError', () => {
  it('renders a business failure as HTTP 200 with errno -1', () => {
    const response = renderError(new BlogError('BLOG_UPDATE_FAILED'), failOnLog);
    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), { errno: -1, message: '更新博客失败', code: 'BLOG_UPDATE_FAILED' });
  });

  it('adds the headers a failure implies', () => {
    const response = renderError(new BlogError('TOO_MANY_LOGIN_ATTEMPTS', undefined, { headers: { 'Retry-After': '30' } }), failOnLog);
    assert.equal(response.status, 429);
    assert.equal(response.headers['Retry-After'], '30');
  });

  it('hides an unexpected error behind a fixed 500 and logs the detail', () => {
    const logged: unknown[] = [];
    const secret = new Error('ER_ACCESS_DENIED for root@10.0.0.1 at /srv/app/db.js:12');
    const response = renderError(secret, (_message, error) => logged.push(error));
    assert.equal(response.status, 500);
    assert.deepEqual(JSON.parse(response.body), { errno: -1, message: '服务器内部错误', code: 'INTERNAL_ERROR' });
    assert.doesNotMatch(response.body, /ER_ACCESS|db\.js|root/);
    assert.deepEqual(logged, [secret]);
  });

  it('logs the cause of a 503 but shows only the fixed message', () => {
    const logged: unknown[] = [];
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const response = renderError(new BlogError('SERVICE_UNAVAILABLE', undefined, { cause }), (_message, error) => logged.push(error));
    assert.equal(response.status, 503);
    assert.doesNotMatch(response.body, /ECONNREFUSED/);
    assert.deepEqual(logged, [cause]);
  });
});
