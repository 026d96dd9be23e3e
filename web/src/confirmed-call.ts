// The confirm button of a modal <dialog> (delete a post, restore a revision) calling the API.
import type { ApiResult } from './api.ts';
import { NOT_LOGGED_IN } from './api.ts';
import { showMessage } from './dom.ts';
import { loginUrl } from './session.ts';

/**
 * Runs the confirmed call with the button disabled meanwhile. A lost session goes to the login
 * page; any other failure is shown in the dialog, which stays open. Resolves true on success.
 */
export async function confirmedCall(button: HTMLButtonElement, dialogError: HTMLElement, call: () => Promise<ApiResult<unknown>>): Promise<boolean> {
  button.disabled = true;
  const result = await call();
  button.disabled = false;
  if (result.ok) return true;
  if (result.message === NOT_LOGGED_IN) window.location.replace(loginUrl());
  else showMessage(dialogError, result.message);
  return false;
}
