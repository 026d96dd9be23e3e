// What a post's status means to its author (草稿 / 定时 / 已发布). The server decides visibility;
// this only describes it.
import type { Blog } from './api.ts';

export type PostState = 'draft' | 'scheduled' | 'published';

/** A post from a server without issue 17's fields is a published post. */
export function postState(blog: Pick<Blog, 'status' | 'publishtime'>, now = Date.now()): PostState {
  if (blog.status === 'draft') return 'draft';
  return typeof blog.publishtime === 'number' && blog.publishtime > now ? 'scheduled' : 'published';
}

export const STATE_LABELS: Record<PostState, string> = { draft: '草稿', scheduled: '定时', published: '已发布' };
