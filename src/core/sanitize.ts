/**
 * Filters titles and content with the `xss` package on write, as the course does, so clients that
 * insert them as HTML stay safe. Its default whitelist keeps common formatting tags (p, a, b, i, img,
 * ul/li, table, …) with safe attributes; `<script>` and unknown tags are escaped to text, `on*`
 * handlers and `style` are dropped, and `javascript:` URLs are emptied.
 */
import { filterXSS } from 'xss';

export function sanitizeHtml(text: string): string {
  return filterXSS(text);
}
