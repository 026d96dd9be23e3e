// Login state for the header and for pages that need a session (admin, new, edit).
import { callApi, ignoreData, parseUser } from './api.ts';
import type { UserInfo } from './api.ts';
import { byId, el } from './dom.ts';

const DEFAULT_AFTER_LOGIN = '/admin.html';

let currentUserPromise: Promise<UserInfo | null> | undefined;

/** The logged-in user, or null; asked once per page load and shared by the header and the page. */
export function currentUser(): Promise<UserInfo | null> {
  currentUserPromise ??= callApi('/api/user/info', parseUser).then((result) => (result.ok ? result.data : null));
  return currentUserPromise;
}

/** The login page, coming back to `returnTo` (this page by default) after a successful login. */
export function loginUrl(returnTo = window.location.pathname + window.location.search): string {
  return `/login.html?redirect=${encodeURIComponent(returnTo)}`;
}

/**
 * Where to go after logging in: the `redirect` parameter when it is a path on this site, so a link
 * to /login.html?redirect=https://evil.example cannot send the user away (open redirect).
 */
export function safeReturnPath(redirect: string | null): string {
  if (redirect === null || !redirect.startsWith('/') || redirect.startsWith('//') || redirect.startsWith('/\\')) {
    return DEFAULT_AFTER_LOGIN;
  }
  try {
    const url = new URL(redirect, window.location.origin);
    if (url.origin !== window.location.origin || url.pathname === '/login.html') return DEFAULT_AFTER_LOGIN;
    return url.pathname + url.search + url.hash;
  } catch {
    return DEFAULT_AFTER_LOGIN;
  }
}

/** Resolves with the user, or sends the browser to the login page (and never resolves). */
export async function requireUser(): Promise<UserInfo> {
  const user = await currentUser();
  if (user) {
    // Protected pages stay invisible (but laid out, so nothing shifts) until the session is known.
    document.body.setAttribute('data-authenticated', '');
    return user;
  }
  window.location.replace(loginUrl());
  return new Promise<never>(() => {});
}

async function logout(button: HTMLButtonElement, protectedPage: boolean): Promise<void> {
  button.disabled = true;
  const result = await callApi('/api/user/logout', ignoreData, { method: 'POST' });
  if (!result.ok) {
    button.disabled = false;
    button.textContent = '退出失败，重试';
    button.title = result.message;
    return;
  }
  // A page that needs a session would only bounce to the login page; show the home page instead.
  if (protectedPage) window.location.assign('/');
  else window.location.reload();
}

/** Fills the header's session area: who is logged in with 管理中心 and 退出, or a 登录 link. */
export async function renderSessionArea(protectedPage: boolean): Promise<void> {
  const area = byId('session', HTMLElement);
  const user = await currentUser();
  if (!user) {
    const onLoginPage = window.location.pathname === '/login.html';
    area.replaceChildren(onLoginPage
      ? el('span', { className: 'nav-link', text: '登录', attrs: { 'aria-current': 'page' } })
      : el('a', { className: 'nav-link', text: '登录', attrs: { href: loginUrl() } }));
    area.dataset.state = 'anonymous';
    return;
  }
  const logoutButton = el('button', { className: 'link-button', text: '退出', attrs: { type: 'button' } });
  logoutButton.addEventListener('click', () => void logout(logoutButton, protectedPage));
  // The real name reads better; the username (what one logs in with) is in the tooltip.
  const name = user.realname || user.username;
  const adminLink = el('a', { className: 'nav-link', text: '管理中心', attrs: { href: '/admin.html' } });
  if (window.location.pathname === '/admin.html') adminLink.setAttribute('aria-current', 'page');
  area.replaceChildren(
    adminLink,
    el('span', { className: 'user-name', attrs: { title: `已登录：${user.username}` } }, [
      el('span', { className: 'visually-hidden', text: '已登录：' }),
      document.createTextNode(name),
    ]),
    logoutButton,
  );
  area.dataset.state = 'logged-in';
}
