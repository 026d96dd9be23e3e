/**
 * What the core needs from the outside world, as small interfaces. Storage implements the
 * repositories; security implements the login limiter; sessions end a user's sessions; the audit
 * log records authentication events. The core imports none of them.
 */

/** A blog as the API returns it: `createtime`/`updatetime` in ms since the epoch, `author` a username. */
export interface Blog {
  id: number;
  title: string;
  /** Always the HTML to show: for a Markdown post, its rendered and filtered source. */
  content: string;
  /** A published post's publication time (ahead of the clock: scheduled); a draft's creation time. */
  createtime: number;
  author: string;
  updatetime: number | null;
  status: BlogStatus;
  /** When the post is or becomes public: `createtime` when published, null for a draft. */
  publishtime: number | null;
  format: BlogFormat;
  /** The Markdown text of a Markdown post; null for an HTML post. */
  source: string | null;
}

export type BlogStatus = 'published' | 'draft';
export type BlogFormat = 'html' | 'markdown';
/** Why a revision was kept: a save or a restore replaced that version, or the editor autosaved it. */
export type RevisionKind = 'save' | 'autosave' | 'restore';
/** The own list's status filter: `published` is public now, `scheduled` published with a time ahead. */
export type StatusFilter = 'draft' | 'scheduled' | 'published';

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
  /** Only posts public at this time: status 'published' and createtime <= visibleAt. */
  visibleAt?: number;
  /** Own lists: only drafts, or published posts due after `at` (scheduled) or by `at` (public then). */
  status?: { state: StatusFilter; at: number };
}

export interface BlogPage {
  blogs: Blog[];
  total: number;
}

/** What a post's text is: its title, the HTML it shows and, for Markdown, the source it came from. */
export interface PostText {
  title: string;
  content: string;
  format: BlogFormat;
  source: string | null;
}

/**
 * A new post as stored: `createtime` is its publication time (published) or creation time (draft).
 * Without status, format and source it is what the course writes: a published HTML post.
 */
export interface NewPost extends Pick<PostText, 'title' | 'content'>, Partial<Omit<PostText, 'title' | 'content'>> {
  author: string;
  createtime: number;
  status?: BlogStatus;
}

/** What a save changes: the text, the status and times. */
export interface PostChanges extends PostText {
  status: BlogStatus;
  createtime: number;
  updatetime: number;
}

/** An earlier version of a post as listed. `revision` numbers grow with time, across all posts. */
export interface RevisionSummary {
  revision: number;
  /** When it was kept, ms since the epoch. */
  time: number;
  title: string;
  kind: RevisionKind;
  format: BlogFormat;
}

export type Revision = RevisionSummary & PostText;

/** How revisions are kept: when, and how many a post keeps at most (the oldest are pruned). */
export interface RevisionPolicy {
  time: number;
  kept: number;
}

export interface BlogRepository {
  list(filter: BlogFilter, limit: number, offset: number): Promise<BlogPage>;
  findById(id: number): Promise<Blog | undefined>;
  insert(blog: NewPost): Promise<number>;
  /** Inserts a post and keeps its text as its first autosave revision, in one transaction. */
  insertAutosaved(blog: NewPost, policy: RevisionPolicy): Promise<{ id: number; revision: number }>;
  /**
   * Saves one of `author`'s blogs: `change` computes the new version from the current one, which is
   * kept as a revision of kind 'save' unless its text is the same (a change of status or time
   * alone), in one transaction. Resolves whether the blog was `author`'s.
   */
  updateOwn(id: number, author: string, change: (current: Blog) => PostChanges, policy: RevisionPolicy): Promise<boolean>;
  /** Deletes the blog (and its revisions) only if `author` owns it; resolves whether a row was deleted. */
  deleteOwn(id: number, author: string): Promise<boolean>;
  /** The revisions of one of `author`'s blogs, newest first; undefined when the blog is not theirs. */
  revisionsOwn(id: number, author: string): Promise<RevisionSummary[] | undefined>;
  /** One revision of one of `author`'s blogs. */
  revisionOwn(id: number, author: string, revision: number): Promise<{ own: false } | { own: true; revision: Revision | undefined }>;
  /** Makes a revision current (text only; updatetime = policy.time), keeping the replaced version as kind 'restore' unless it reads the same. */
  restoreOwn(id: number, author: string, revision: number, policy: RevisionPolicy): Promise<'restored' | 'not-own' | 'no-revision'>;
  /** Keeps `text` as the blog's pending autosave (replacing an earlier one since the last save); undefined when not theirs. */
  autosaveOwn(id: number, author: string, text: PostText, policy: RevisionPolicy): Promise<{ revision: number } | undefined>;
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
  /** Counts a failure; resolves what this very failure locked (none when it locked nothing new). */
  recordFailure(clientAddress: string, username: string): Promise<LockOutcome>;
  recordSuccess(clientAddress: string, username: string): Promise<void>;
  /** Clears the username's counters on every address; resolves whether one of them was locked. */
  unlock(username: string): Promise<UnlockOutcome>;
}

/** What a failure locked: the address + username, the address alone, both or nothing. */
export interface LockOutcome {
  user: boolean;
  address: boolean;
}

export interface UnlockOutcome {
  /** Counters found for the username (one per address it failed from). */
  cleared: number;
  /** Whether one of them had reached the limit. */
  wasLocked: boolean;
}

/** Ends a user's sessions on the server; `keep` is the session (as the client holds it) that stays. */
export interface UserSessions {
  endSessionsOf(userId: number, keep?: string): Promise<number>;
  /** Every session of every user (a restore replaced the users). */
  endAllSessions(): Promise<number>;
}

/** Who is acting: an HTTP client, or null for the command line. */
export interface ClientInfo {
  address: string;
  userAgent: string;
}

export type AuthEventName = 'login.success' | 'login.failure' | 'login.lock' | 'login.unlock' | 'logout' | 'password.change' | 'password.failure';

/** One authentication event. Never a password, a hash or a session id. */
export interface AuthEvent {
  event: AuthEventName;
  /** As given (a failed login's username may not exist). */
  username: string;
  client: ClientInfo | null;
  /** Why it failed or what it concerned: `wrong_password`, `unknown_user`, `locked`, `address`, … */
  reason?: string;
  /** Sessions ended by a password change. */
  sessionsEnded?: number;
}

/** Where authentication events go (the audit log, src/ops/audit-log.ts); writing never fails a request. */
export interface AuditTrail {
  record(event: AuthEvent): void;
}
