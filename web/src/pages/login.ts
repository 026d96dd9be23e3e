// 登录: on success go back where the user came from (?redirect=), by default the admin page.
import { callApi, ignoreData } from '../api.ts';
import { byId, showMessage } from '../dom.ts';
import { safeReturnPath } from '../session.ts';

export function startLogin(): void {
  const form = byId('login-form', HTMLFormElement);
  const username = byId('username', HTMLInputElement);
  const password = byId('password', HTMLInputElement);
  const submit = byId('login-submit', HTMLButtonElement);
  const error = byId('login-error', HTMLElement);
  const returnTo = safeReturnPath(new URLSearchParams(window.location.search).get('redirect'));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      if (!username.value.trim() || !password.value) {
        showMessage(error, '请输入用户名和密码');
        (username.value.trim() ? password : username).focus();
        return;
      }
      submit.disabled = true;
      showMessage(error, '');
      const result = await callApi('/api/user/login', ignoreData, {
        method: 'POST',
        body: { username: username.value.trim(), password: password.value },
      });
      if (result.ok) {
        window.location.replace(returnTo);
        return;
      }
      submit.disabled = false;
      // The API's own message: 登录失败, or the rate limiter's message on 429.
      showMessage(error, result.message);
      password.select();
      password.focus();
    })();
  });
  username.focus();
}
