/**
 * Markdown to the HTML a post shows: markdown-it with raw HTML off (`<script>` in the source stays
 * text), bare URLs linked, and links to any script-running or local scheme refused — markdown-it's
 * own check lets `data:image/…` through, this one refuses every `data:` URL. The result then passes
 * the same whitelist as every HTML post (src/core/sanitize.ts), so nothing the renderer might let
 * through reaches a page. Saving and `/api/blog/preview` both call `renderMarkdown`.
 */
import MarkdownIt from 'markdown-it';
import { sanitizeHtml } from './sanitize.ts';

/** Schemes a link or image may not use; markdown-it hands over the URL normalized, entities decoded. */
const refusedScheme = /^(?:javascript|vbscript|data|file):/;

/** Made once: markdown-it compiles its rules at construction, rendering is then stateless. */
const markdown = new MarkdownIt({ html: false, linkify: true });
// Tabs, newlines and other controls inside a scheme are dropped by browsers ("java\tscript:").
// eslint-disable-next-line no-control-regex -- the control characters are what is removed
markdown.validateLink = (url) => !refusedScheme.test(url.replace(/[\u0000-\u0020\u007f]/g, '').toLowerCase());

export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source));
}
