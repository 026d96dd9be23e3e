/**
 * The sitemap (sitemaps.org protocol 0.9) and robots.txt: the home page, every author's page and
 * every public post, each with its lastmod. Past the protocol's 50,000 URLs a file, `/sitemap.xml`
 * is a sitemap index of pages `/sitemap.xml?page=N`. A sitemap is small XML; the `sitemap` package
 * would bring a second `@types/node` (docs/DEPENDENCIES.md), so it is written here.
 */
import type { BlogService } from '../core/blog-service.ts';
import { authorUrl, changedAt, detailUrl, validators, xmlText, type FeedDocument } from './feeds.ts';

/** The protocol's limit of URLs in one sitemap file. */
export const SITEMAP_MAX_URLS = 50_000;

/** Posts read per query while the sitemap is made: bounded memory per round trip. */
const BATCH = 1_000;

interface SiteUrl {
  loc: string;
  lastmod: number;
}

const escapeXml = (text: string) => xmlText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
const isoDate = (time: number) => new Date(time).toISOString();

/** Every URL of the site, home first, then the authors (by name), then the posts (newest first). */
async function siteUrls(blogs: BlogService, origin: string): Promise<SiteUrl[]> {
  const posts: SiteUrl[] = [];
  const authors = new Map<string, number>();
  let newest = 0;
  for (let offset = 0; ; offset += BATCH) {
    const { blogs: page, total } = await blogs.publicPosts({ limit: BATCH, offset });
    for (const blog of page) {
      const changed = changedAt(blog);
      newest = Math.max(newest, changed);
      authors.set(blog.author, Math.max(authors.get(blog.author) ?? 0, changed));
      posts.push({ loc: detailUrl(origin, blog.id), lastmod: changed });
    }
    if (page.length === 0 || offset + page.length >= total) break;
  }
  const authorUrls = [...authors].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([author, lastmod]) => ({ loc: authorUrl(origin, author), lastmod }));
  return [{ loc: `${origin}/`, lastmod: newest }, ...authorUrls, ...posts];
}

function urlset(urls: readonly SiteUrl[]): string {
  const entries = urls.map(({ loc, lastmod }) => `  <url><loc>${escapeXml(loc)}</loc>${lastmod > 0 ? `<lastmod>${isoDate(lastmod)}</lastmod>` : ''}</url>`);
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', ...entries, '</urlset>', ''].join('\n');
}

function sitemapIndex(pages: readonly SiteUrl[]): string {
  const entries = pages.map(({ loc, lastmod }) => `  <sitemap><loc>${escapeXml(loc)}</loc>${lastmod > 0 ? `<lastmod>${isoDate(lastmod)}</lastmod>` : ''}</sitemap>`);
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', ...entries, '</sitemapindex>', ''].join('\n');
}

/** The sitemap, or (past `pageSize` URLs, without `page`) its index; `page` past the last is undefined. */
export async function renderSitemap(blogs: BlogService, options: { origin: string; page: number | undefined; pageSize: number }): Promise<FeedDocument | undefined> {
  const { origin, page, pageSize } = options;
  const urls = await siteUrls(blogs, origin);
  const pages = Math.max(1, Math.ceil(urls.length / pageSize));
  const newestOf = (part: readonly SiteUrl[]) => part.reduce((latest, url) => Math.max(latest, url.lastmod), 0);
  if (page === undefined && pages > 1) {
    const index = Array.from({ length: pages }, (_, number) => ({ loc: `${origin}/sitemap.xml?page=${number + 1}`, lastmod: newestOf(urls.slice(number * pageSize, (number + 1) * pageSize)) }));
    const text = sitemapIndex(index);
    return { text, headers: validators(text, newestOf(urls)) };
  }
  const number = page ?? 1;
  if (number > pages) return undefined;
  const part = urls.slice((number - 1) * pageSize, number * pageSize);
  const text = urlset(part);
  return { text, headers: validators(text, newestOf(part)) };
}

/** robots.txt: everything but the API and the pages behind a login, and where the sitemap is. */
export function renderRobots(origin: string): string {
  return ['User-agent: *', 'Disallow: /api/', 'Disallow: /admin.html', 'Disallow: /edit.html', 'Disallow: /new.html', 'Allow: /', '', `Sitemap: ${origin}/sitemap.xml`, ''].join('\n');
}
