// Renders blog content, which the server has already passed through the `xss` package, a second
// time on output with a much smaller allowlist than xss's. The HTML is parsed by DOMParser into an
// inert document (no scripts run, no images load there) and only allowed elements and attributes are
// rebuilt in the live page with createElement/createTextNode; nothing is ever assigned to innerHTML.

// Elements kept as they are (without any attribute except those in ALLOWED_ATTRIBUTES).
const ALLOWED_TAGS = new Set([
  'p', 'br', 'hr', 'b', 'strong', 'i', 'em', 'u', 's', 'del', 'ins', 'mark', 'small', 'sub', 'sup',
  'code', 'pre', 'kbd', 'blockquote', 'ul', 'ol', 'li', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'abbr',
]);
// The page has one h1 (the post title), so headings in content start at h2.
const RENAMED_TAGS: Record<string, string> = { h1: 'h2' };
// Dropped with everything inside; any other unknown element is unwrapped and its text kept.
const DROPPED_TAGS = new Set([
  'script', 'style', 'template', 'iframe', 'frame', 'frameset', 'object', 'embed', 'noscript',
  'svg', 'math', 'textarea', 'select', 'option', 'button', 'input', 'form', 'title', 'head',
  'link', 'meta', 'base', 'audio', 'video', 'canvas', 'img', 'picture', 'source',
]);
const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = { a: ['href', 'title'], abbr: ['title'] };
const SAFE_URL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** A link target we keep: http(s), mailto, or a path on this site. */
function safeHref(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  try {
    const url = new URL(trimmed, window.location.origin);
    return SAFE_URL_PROTOCOLS.has(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function copyAttributes(source: Element, target: HTMLElement, tag: string): void {
  for (const name of ALLOWED_ATTRIBUTES[tag] ?? []) {
    const value = source.getAttribute(name);
    if (value === null) continue;
    if (name === 'href') {
      const href = safeHref(value);
      if (href === undefined) continue;
      target.setAttribute('href', href);
      // Links in content go elsewhere; don't hand them our page or referrer.
      target.setAttribute('rel', 'nofollow noopener noreferrer');
    } else {
      target.setAttribute(name, value);
    }
  }
}

function copyChildren(source: Node, target: Node): void {
  for (const child of Array.from(source.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      target.appendChild(document.createTextNode(child.textContent ?? ''));
      continue;
    }
    if (!(child instanceof Element)) continue; // comments, processing instructions
    const tag = child.localName;
    if (DROPPED_TAGS.has(tag)) continue;
    const outputTag = RENAMED_TAGS[tag] ?? tag;
    if (!ALLOWED_TAGS.has(outputTag)) {
      copyChildren(child, target);
      continue;
    }
    const copy = document.createElement(outputTag);
    copyAttributes(child, copy, outputTag);
    copyChildren(child, copy);
    target.appendChild(copy);
  }
}

function parseInert(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

/** The content as safe DOM nodes, line breaks kept by CSS (white-space: pre-wrap). */
export function renderContent(html: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  copyChildren(parseInert(html).body, fragment);
  return fragment;
}

/** The content's visible text, for excerpts in lists. */
export function plainText(html: string): string {
  const body = parseInert(html).body;
  for (const dropped of Array.from(body.querySelectorAll([...DROPPED_TAGS].join(',')))) dropped.remove();
  return (body.textContent ?? '').replace(/\s+/g, ' ').trim();
}
