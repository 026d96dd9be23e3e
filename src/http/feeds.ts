/**
 * The site's feeds, RSS 2.0 (with `content:encoded`) and Atom 1.0, written by the `feed` library:
 * the newest public posts with their full content (filtered on write by the XSS whitelist), the
 * author, a permalink to the detail page and their dates. The text depends only on the posts, so its
 * ETag and Last-Modified let a reader's conditional GET be answered 304.
 */
import { createHash } from 'node:crypto';
import { Feed } from 'feed';
import type { Blog } from '../core/ports.ts';

/** Posts in a feed: what readers fetch every few minutes stays small. @default 20 */
export const FEED_SIZE = 20;

export type FeedFormat = 'rss' | 'atom';

export const feedPaths: Readonly<Record<FeedFormat, string>> = { rss: '/feed.xml', atom: '/atom.xml' };
export const feedTypes: Readonly<Record<FeedFormat, string>> = { rss: 'application/rss+xml; charset=utf-8', atom: 'application/atom+xml; charset=utf-8' };

export const detailUrl = (origin: string, id: number) => `${origin}/detail.html?id=${id}`;
export const authorUrl = (origin: string, author: string) => `${origin}/author.html?author=${encodeURIComponent(author)}`;

/** When a post last changed. */
export const changedAt = (blog: Blog) => Math.max(blog.createtime, blog.updatetime ?? 0);

/** XML 1.0 has no place for most control characters, even escaped: a post's text may hold them. */
// eslint-disable-next-line no-control-regex -- matching the characters XML forbids is the point
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const xmlText = (text: string) => text.replace(notXml, '');

/**
 * Titles are stored escaped by the XSS filter (`&lt;b&gt;`), which is HTML: Atom says so
 * (`type="html"`); RSS titles are plain text, so they get the text the page shows.
 */
function plainTitle(title: string): string {
  return title.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&amp;/g, '&');
}

export interface FeedDocument {
  text: string;
  headers: Record<string, string>;
}

/** Conditional-GET validators of a document: a hash of its text, and when its newest part changed. */
export function validators(text: string, lastChanged: number): Record<string, string> {
  return {
    ETag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`,
    'Last-Modified': new Date(lastChanged).toUTCString(),
    'Cache-Control': 'public, max-age=300',
  };
}

export function renderFeed(format: FeedFormat, blogs: readonly Blog[], options: { origin: string; author: string | undefined }): FeedDocument {
  const { origin, author } = options;
  const newest = blogs.reduce((latest, blog) => Math.max(latest, changedAt(blog)), 0);
  const query = author === undefined ? '' : `?author=${encodeURIComponent(author)}`;
  const feed = new Feed({
    id: `${origin}${feedPaths[format]}${query}`,
    title: xmlText(author === undefined ? 'blog-server' : `blog-server: ${author}`),
    description: author === undefined ? '最新博客' : `${author} 的最新博客`,
    link: author === undefined ? `${origin}/` : authorUrl(origin, author),
    language: 'zh-CN',
    // The newest post's time, not now: the same posts give the same text, so the ETag holds.
    updated: new Date(newest),
    generator: 'blog-server',
    copyright: '',
    feedLinks: { rss: `${origin}${feedPaths.rss}${query}`, atom: `${origin}${feedPaths.atom}${query}` },
  });
  for (const blog of blogs) {
    feed.addItem({
      title: xmlText(format === 'rss' ? plainTitle(blog.title) : blog.title),
      id: detailUrl(origin, blog.id),
      link: detailUrl(origin, blog.id),
      date: new Date(changedAt(blog)),
      published: new Date(blog.createtime),
      content: xmlText(blog.content),
      author: [{ name: xmlText(blog.author), link: authorUrl(origin, blog.author) }],
    });
  }
  const text = format === 'rss' ? feed.rss2() : feed.atom1();
  return { text, headers: validators(text, newest) };
}
