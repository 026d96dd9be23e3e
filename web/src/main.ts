// The one bundle every page loads; <body data-page="..."> says which page this is.
import { startAdmin } from './pages/admin.ts';
import { startAuthor } from './pages/author.ts';
import { startDetail } from './pages/detail.ts';
import { startEdit, startNew } from './pages/editor.ts';
import { startHome } from './pages/home.ts';
import { startLogin } from './pages/login.ts';
import { renderSessionArea } from './session.ts';

const PAGES: Record<string, () => void | Promise<void>> = {
  home: startHome,
  author: startAuthor,
  detail: startDetail,
  login: startLogin,
  admin: startAdmin,
  new: startNew,
  edit: startEdit,
};

const pageName = document.body.dataset.page ?? '';
const protectedPage = document.body.hasAttribute('data-requires-login');
const start = PAGES[pageName];

// The header's 首页 link says when it is the current page (the session area marks its own links).
if (pageName === 'home' && !window.location.search) {
  document.querySelector('.site-nav a[href="/"]')?.setAttribute('aria-current', 'page');
}
void renderSessionArea(protectedPage);
if (start) {
  Promise.resolve(start()).catch((error: unknown) => {
    // A bug, not an API failure (those are shown by the pages): say so instead of a blank page.
    console.error(error);
    const main = document.getElementById('main');
    const message = document.createElement('p');
    message.className = 'status';
    message.dataset.kind = 'error';
    message.textContent = '页面出错了，请刷新重试。';
    main?.prepend(message);
  });
}
