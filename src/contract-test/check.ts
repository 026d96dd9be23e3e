/**
 * What a contract check is: data (`{ name, group, optional?, writes?, run }`) that the runner of
 * `blog-server contract-test` and the contract suite of the tests both run, against any server that
 * speaks the course API.
 */
import type { Expectations } from './envelope-assertions.ts';
import type { Client } from './http-client.ts';

/** A blog as the course's API answers it. */
export interface ApiBlog {
  id: number;
  title: string;
  content: string;
  createtime: number;
  author: string;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface CheckContext {
  /** Strict: the server is blog-server, so its own additions are required too. */
  readonly strict: boolean;
  readonly expect: Expectations;
  /** A client without a session. */
  readonly anonymous: Client;
  /** Logged in as the first user (`--user`), and the second (`--other-user`). */
  readonly user: Client;
  readonly other: Client;
  readonly userCredentials: Credentials;
  readonly otherCredentials: Credentials;
  /** A new client without a session. */
  client(): Client;
  /** A new client logged in as these credentials. */
  loggedIn(credentials: Credentials): Promise<Client>;
  /** A short text unique to this run, so the checks find their own posts among a server's others. */
  readonly token: string;
  /** Writes a blog as `as` (asserting success) and deletes it again after the check. */
  createBlog(as: Client, title: string, content?: string): Promise<number>;
  /** Deletes a blog the check wrote another way again after the check. */
  adopt(as: Client, id: number): Promise<void>;
  /** The blog's detail, asserting success. */
  detail(id: number): Promise<ApiBlog>;
  /** Ends the check as not applicable: the server lacks what it needs, and says why. */
  notApplicable(why: string): never;
}

export interface Check {
  readonly name: string;
  /** What part of the API it checks, for the table. */
  readonly group: string;
  /**
   * Set on a check of something only blog-server promises (X-Total-Count, the `code` field, the
   * copies' route variants): on another server its failure reads "not applicable" with this reason.
   */
  readonly optional?: string;
  /** It writes blogs (deleted again); `--read-only` skips it. */
  readonly writes?: boolean;
  run(context: CheckContext): Promise<void>;
}

/** Thrown by `notApplicable`. */
export class NotApplicable extends Error {}
