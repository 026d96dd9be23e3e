/** The user routes: login and its cookie, info and the copies' login checks, logout and its variants. */
import { strict as assert } from 'node:assert';
import type { Check } from '../check.ts';
import { skipWhenMissing } from './helpers.ts';

const login = 'POST /api/user/login';
const info = 'GET /api/user/info and variants';
const logout = 'logout and variants';

/** The session cookie's name, from the cookie a login set. */
function cookieName(cookie: string | undefined): string {
  const name = cookie?.split('=')[0];
  assert.ok(name !== undefined && name !== '', 'the login set a session cookie');
  return name;
}

function logoutCheck(method: 'GET' | 'POST', path: string, optional: string): Check {
  return {
    group: logout,
    name: `${method} ${path} ends the session on the server (no replay)`,
    optional,
    async run(context) {
      const user = await context.loggedIn(context.otherCredentials);
      const replayed = user.cookie;
      const reply = await user.request(method, path);
      skipWhenMissing(context, reply.status, `${method} ${path}`);
      context.expect.success(reply);
      if (context.strict) assert.match(reply.headers.get('set-cookie') ?? '', /Max-Age=0/);
      // The old cookie, replayed by whoever copied it, must not be a session any more.
      context.expect.failure(await user.get('/api/blog/list?isadmin=1', { cookie: replayed }), 'SESSION_REQUIRED');
    },
  };
}

export const userChecks: readonly Check[] = [
  {
    group: login,
    name: 'logs in with an HttpOnly session cookie for the whole site',
    async run(context) {
      const reply = await context.client().post('/api/user/login', context.userCredentials, { cookie: '' });
      context.expect.success(reply);
      const setCookie = reply.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /HttpOnly/i);
      assert.match(setCookie, /Path=\/(;|$)/i);
    },
  },
  {
    group: login,
    name: 'sets the cookie SameSite=Lax for 24 hours, not Secure over http',
    optional: 'the cookie attributes are blog-server\'s defaults',
    async run(context) {
      const reply = await context.client().post('/api/user/login', context.userCredentials, { cookie: '' });
      const body = context.expect.success(reply);
      const setCookie = reply.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /SameSite=Lax/i);
      assert.match(setCookie, /Max-Age=86400/);
      assert.doesNotMatch(setCookie, /Secure/i);
      const data = body.data as { username?: unknown; realname?: unknown };
      assert.equal(data.username, context.userCredentials.username);
      assert.equal(typeof data.realname, 'string');
    },
  },
  {
    group: login,
    name: 'accepts urlencoded logins',
    async run(context) {
      const form = context.client();
      context.expect.success(await form.request('POST', '/api/user/login', { form: { ...context.otherCredentials } }));
      context.expect.success(await form.get('/api/blog/list?isadmin=1'));
    },
  },
  {
    group: login,
    name: 'fails alike for a wrong password, an unknown user and no credentials',
    async run(context) {
      const { username } = context.userCredentials;
      context.expect.failure(await context.client().post('/api/user/login', { username, password: `wrong${context.token}` }), 'LOGIN_FAILED');
      context.expect.failure(await context.client().post('/api/user/login', { username: `nobody${context.token}`, password: '123' }), 'LOGIN_FAILED');
      context.expect.failure(await context.client().post('/api/user/login', {}), 'LOGIN_FAILED');
    },
  },
  {
    group: login,
    name: 'rotates the session id on every login',
    async run(context) {
      const user = await context.loggedIn(context.otherCredentials);
      const first = user.cookie;
      await user.login(context.otherCredentials.username, context.otherCredentials.password);
      assert.notEqual(user.cookie, first, 'a new cookie');
      context.expect.failure(await user.get('/api/blog/list?isadmin=1', { cookie: first }), 'SESSION_REQUIRED');
      context.expect.success(await user.get('/api/blog/list?isadmin=1'));
    },
  },
  {
    group: login,
    name: 'keeps GET /api/user/login off unless configured',
    optional: 'blog-server turns the course\'s unsafe GET login off',
    async run(context) {
      const { username, password } = context.userCredentials;
      context.expect.failure(await context.client().get(`/api/user/login?username=${encodeURIComponent(username)}&password=${encodeURIComponent(password)}`), 'METHOD_NOT_ALLOWED');
    },
  },
  ...['/api/user/info', '/api/user/loginCheck', '/api/user/checkLogin', '/api/user/login-test'].map((path): Check => ({
    group: info,
    name: `${path} answers the session's user, or 尚未登录`,
    optional: path === '/api/user/info' ? 'GET /api/user/info is blog-server\'s' : 'a variant of copies of the course',
    async run(context) {
      const reply = await context.user.get(path);
      skipWhenMissing(context, reply.status, path);
      const data = context.expect.success(reply).data as { username?: unknown; realname?: unknown };
      assert.equal(data.username, context.userCredentials.username);
      assert.equal(typeof data.realname, 'string');
      context.expect.failure(await context.anonymous.get(path), 'SESSION_REQUIRED');
      if (path !== '/api/user/info') context.expect.success(await context.user.post(path));
    },
  })),
  logoutCheck('POST', '/api/user/logout', 'POST /api/user/logout is blog-server\'s'),
  logoutCheck('GET', '/api/user/logout', 'a variant of copies of the course'),
  logoutCheck('POST', '/api/user/logOut', 'a variant of copies of the course'),
  logoutCheck('GET', '/api/user/logOut', 'a variant of copies of the course'),
  {
    group: logout,
    name: 'logs out without a session too',
    optional: 'POST /api/user/logout is blog-server\'s',
    async run(context) {
      const reply = await context.client().post('/api/user/logout');
      skipWhenMissing(context, reply.status, 'POST /api/user/logout');
      context.expect.success(reply);
    },
  },
  {
    group: 'sessions',
    name: 'ignores forged and malformed session cookies',
    async run(context) {
      const name = cookieName(context.user.cookie);
      for (const cookie of [`${name}=abc`, `${name}=abc.def`, `${name}=`, `${name}=%`, `other=1; ${name}="x.y"`, 'garbage', `${name}=s%3A${'a'.repeat(40)}.${'b'.repeat(43)}`]) {
        context.expect.failure(await context.anonymous.get('/api/blog/list?isadmin=1', { cookie }), 'SESSION_REQUIRED');
        context.expect.success(await context.anonymous.get('/api/blog/list', { cookie }));
      }
    },
  },
  {
    group: 'sessions',
    name: 'never adopts a session id the client chose (fixation)',
    async run(context) {
      const name = cookieName(context.user.cookie);
      const planted = `${name}=fixated${context.token}`;
      const victim = context.client();
      const reply = await victim.post('/api/user/login', context.otherCredentials, { cookie: planted });
      context.expect.success(reply);
      const issued = (reply.headers.get('set-cookie') ?? '').split(';')[0];
      assert.ok(issued !== undefined && issued !== '' && issued !== planted, 'the login issues a cookie of its own');
      // The attacker, who knows only the planted id, must not be logged in as the victim.
      context.expect.failure(await context.anonymous.get('/api/blog/list?isadmin=1', { cookie: planted }), 'SESSION_REQUIRED');
      // Nor may a session id the attacker got by logging in himself be kept across the victim's login.
      const attacker = await context.loggedIn(context.userCredentials);
      const attackersCookie = attacker.cookie ?? '';
      const second = await context.client().post('/api/user/login', context.otherCredentials, { cookie: attackersCookie });
      context.expect.success(second);
      assert.notEqual((second.headers.get('set-cookie') ?? '').split(';')[0], attackersCookie, 'a login issues a new id');
    },
  },
];
