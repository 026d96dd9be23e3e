/** What several groups of checks share: reading lists, the order of a list, a blog that is gone. */
import { strict as assert } from 'node:assert';
import type { ApiBlog, CheckContext } from '../check.ts';
import type { Envelope } from '../http-client.ts';

export function blogsOf(body: Envelope): ApiBlog[] {
  assert.ok(Array.isArray(body.data), `data is an array of blogs: ${JSON.stringify(body).slice(0, 200)}`);
  return body.data as ApiBlog[];
}

export async function listed(context: CheckContext, query: string): Promise<ApiBlog[]> {
  return blogsOf(context.expect.success(await context.anonymous.get(`/api/blog/list${query === '' ? '' : `?${query}`}`)));
}

export function assertNewestFirst(blogs: readonly ApiBlog[]): void {
  for (let index = 1; index < blogs.length; index += 1) {
    const [previous, current] = [blogs[index - 1], blogs[index]];
    if (previous === undefined || current === undefined) continue;
    assert.ok(previous.createtime > current.createtime || (previous.createtime === current.createtime && previous.id > current.id), `newest first: ${previous.id} before ${current.id}`);
  }
}

/**
 * Asserts that no blog has this id. blog-server answers `博客不存在`; the course answers `errno: 0`
 * without data, which a lenient run accepts.
 */
export async function assertGone(context: CheckContext, id: number | string): Promise<void> {
  const reply = await context.anonymous.get(`/api/blog/detail?id=${id}`);
  const body = reply.json;
  if (context.strict || body.errno !== 0) {
    context.expect.failure(reply, 'BLOG_NOT_FOUND');
    return;
  }
  assert.ok(body.data === undefined || body.data === null || (typeof body.data === 'object' && Object.keys(body.data).length === 0), `no blog ${id}: ${reply.text.slice(0, 200)}`);
}

/** A path the server does not serve: the check is about a route it does not have. */
export function skipWhenMissing(context: CheckContext, status: number, route: string): void {
  if (status === 404) context.notApplicable(`the server has no ${route}`);
}
