/**
 * What the core needs from the outside world, as small interfaces. Storage implements the
 * repositories; security implements the login limiter. The core imports none of them.
 */

/** A blog as the API returns it: `createtime`/`updatetime` in ms since the epoch, `author` a username. */
export interface Blog {
  id: number;
  title: string;
  content: string;
  createtime: number;
  author: string;
  updatetime: number | null;
}

export interface User {
  id: number;
  username: string;
  realname: string;
  /** The stored hash: `$scrypt$…` or a course md5 hex digest. */
  password: string;
}

/** Filters of the blog list. Empty strings are treated as absent by the service, never here. */
export interface BlogFilter {
  author?: string;
  /** The title contains it, case-folded (src/core/search-text.ts `fold`). */
  keyword?: string;
  /** Words and phrases of the title or content; the page comes ranked (title hits first), then newest. */
  search?: string;
}

export interface BlogPage {
  blogs: Blog[];
  total: number;
}

export interface BlogRepository {
  list(filter: BlogFilter, limit: number, offset: number): Promise<BlogPage>;
  findById(id: number): Promise<Blog | undefined>;
  insert(blog: { title: string; content: string; author: string; createtime: number }): Promise<number>;
  /** Updates the blog only if `author` owns it; resolves whether a row changed. */
  updateOwn(id: number, author: string, changes: { title: string; content: string; updatetime: number }): Promise<boolean>;
  /** Deletes the blog only if `author` owns it; resolves whether a row was deleted. */
  deleteOwn(id: number, author: string): Promise<boolean>;
}

export interface UserRepository {
  findByUsername(username: string): Promise<User | undefined>;
  insert(user: { username: string; password: string; realname: string }): Promise<number>;
  setPassword(userId: number, password: string): Promise<void>;
}

/** Counts failed logins; a key is locked once it has failed too often within its window. */
export interface LoginLimiter {
  /** Resolves the seconds to wait when locked, or 0 when the attempt may proceed. */
  retryAfterSeconds(clientAddress: string, username: string): Promise<number>;
  recordFailure(clientAddress: string, username: string): Promise<void>;
  recordSuccess(clientAddress: string, username: string): Promise<void>;
}
