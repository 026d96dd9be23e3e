/**
 * The text side of search, the same for every database: the case fold, the title grams behind
 * `keyword=`, the words and CJK bigrams behind `search=`, markup stripping and excerpts. Storage
 * keeps what these functions make; SQL never folds or segments, so SQLite, MariaDB and PostgreSQL
 * answer alike (see docs/search.md).
 */

/**
 * The one case fold: Unicode's default lower-case mapping, applied code point by code point. Whole
 * string `toLowerCase()` differs from that only by the context-sensitive final sigma, mapped first so
 * that a folded query is a substring of a folded title exactly when its letters are.
 */
export function fold(text: string): string {
  return (text.includes('Σ') ? text.replace(/Σ/g, 'σ') : text).toLowerCase();
}

/** The folded text, and for an offset into it the offset in `text` it came from (the end maps to the end). */
export function foldWithMap(text: string): { folded: string; origin: (offset: number) => number } {
  // Only U+0130 İ lower-cases to more UTF-16 units (i + combining dot); without it every unit stays in place.
  if (!text.includes('İ')) return { folded: fold(text), origin: (offset) => offset };
  let folded = '';
  const origin: number[] = [];
  let index = 0;
  for (const character of text) {
    const lower = fold(character);
    for (let unit = 0; unit < lower.length; unit += 1) origin.push(index);
    folded += lower;
    index += character.length;
  }
  origin.push(text.length);
  return { folded, origin: (offset) => origin[offset] ?? text.length };
}

/** Every distinct 1- and 2-code-point substring of a folded title: what `keyword=` looks up. */
export function titleGrams(folded: string): string[] {
  const points = Array.from(folded);
  const grams = new Set<string>();
  for (let index = 0; index < points.length; index += 1) {
    grams.add(points[index] ?? '');
    if (index + 1 < points.length) grams.add(`${points[index] ?? ''}${points[index + 1] ?? ''}`);
  }
  grams.delete('');
  return [...grams];
}

/** Whether a folded keyword is a title gram itself (one or two code points): a title holding it contains it. */
export function isOwnGram(folded: string): boolean {
  return Array.from(folded).length <= 2;
}

/** The most grams one `keyword=` query intersects: a few spread over it narrow as much as all. */
const maxQueryGrams = 3;

/** The grams of a folded keyword whose posting lists must all hold a matching title. */
export function keywordGrams(folded: string): string[] {
  const points = Array.from(folded);
  if (isOwnGram(folded)) return [folded];
  const bigrams = points.slice(0, -1).map((point, index) => `${point}${points[index + 1] ?? ''}`);
  const picks = [0, Math.floor((bigrams.length - 1) / 2), bigrams.length - 1].map((index) => bigrams[index] ?? '');
  return [...new Set(picks)].slice(0, maxQueryGrams);
}

/** Scripts written without spaces between words: indexed as overlapping bigrams (and single characters). */
const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const cjkOnly = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+$/u;
const token = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|[\p{L}\p{N}\p{M}]+/gu;
/** Longer Latin words are cut to this many code points in the index (the exact check sees them whole). */
export const maxTermLength = 32;

function wordTerm(word: string): string {
  return Array.from(word).slice(0, maxTermLength).join('');
}

/** The index terms of a folded plain text: its words, and each CJK run's characters and bigrams. */
export function textTerms(folded: string): string[] {
  const terms = new Set<string>();
  for (const [run] of folded.matchAll(token)) {
    if (!cjk.test(run)) {
      terms.add(wordTerm(run));
      continue;
    }
    const points = Array.from(run);
    for (let index = 0; index < points.length; index += 1) {
      terms.add(points[index] ?? '');
      if (index + 1 < points.length) terms.add(`${points[index] ?? ''}${points[index + 1] ?? ''}`);
    }
  }
  terms.delete('');
  return [...terms];
}

/** The terms a folded query piece needs: its words, and its CJK runs as bigrams (a lone character as itself). */
function pieceTerms(folded: string): string[] {
  const terms: string[] = [];
  for (const [run] of folded.matchAll(token)) {
    if (!cjk.test(run)) {
      terms.push(wordTerm(run));
      continue;
    }
    const points = Array.from(run);
    if (points.length === 1) terms.push(run);
    for (let index = 0; index + 1 < points.length; index += 1) terms.push(`${points[index] ?? ''}${points[index + 1] ?? ''}`);
  }
  return terms;
}

/**
 * Whether a folded piece is one index term itself (a word, one CJK character or bigram): a blog
 * holding the term then holds the piece, and the exact check can be skipped.
 */
export function isSingleTerm(piece: string): boolean {
  const terms = pieceTerms(piece);
  return terms.length === 1 && terms[0] === piece;
}

export interface SearchQuery {
  /** Folded words and phrases; each must occur, as written, in the folded title or plain content. */
  pieces: string[];
  /** Index terms every match holds (a bounded selection): the candidates. */
  terms: string[];
}

const maxPieces = 8;
const maxTerms = 6;

/**
 * A `search=` text as pieces: `"quoted phrases"` kept whole, other words split on spaces. Pieces
 * with no letter, digit or CJK character (punctuation, emoji) cannot be looked up and are dropped;
 * no piece left means nothing matches.
 */
export function parseSearch(text: string): SearchQuery {
  const pieces: string[] = [];
  for (const [, phrase, word] of fold(text).matchAll(/"([^"]*)"|(\S+)/g)) {
    const piece = (phrase ?? word ?? '').trim().replace(/\s+/g, ' ');
    if (piece !== '' && pieceTerms(piece).length > 0 && !pieces.includes(piece)) pieces.push(piece);
  }
  const kept = pieces.slice(0, maxPieces);
  const terms = [...new Set(kept.flatMap(pieceTerms))];
  // Longer terms are rarer: they narrow the candidates most.
  terms.sort((a, b) => b.length - a.length);
  return { pieces: kept, terms: terms.slice(0, maxTerms) };
}

const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: ' ' };
/** Tags that do not separate words: `<b>同</b>一` reads as one word. */
const inlineTags = new Set(['a', 'abbr', 'b', 'big', 'code', 'img', 'em', 'font', 'i', 'kbd', 'mark', 'q', 's', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'u', 'var', 'del', 'ins']);

/** Whether a UTF-16 unit is white space as the regular expression `\s` and `trim()` define it. */
function isSpace(unit: number): boolean {
  return unit === 32 || (unit >= 9 && unit <= 13) || unit === 0xa0 || unit === 0x1680 || (unit >= 0x2000 && unit <= 0x200a)
    || unit === 0x2028 || unit === 0x2029 || unit === 0x202f || unit === 0x205f || unit === 0x3000 || unit === 0xfeff;
}

/**
 * Every run of white space as one space, as `replace(/\s+/g, ' ')` does, in one pass that copies
 * nothing while the runs are lone spaces (the regular expression took most of an excerpt's time).
 */
function collapseWhiteSpace(text: string): string {
  let out = '';
  let copied = 0;
  let index = 0;
  while (index < text.length) {
    const unit = text.charCodeAt(index);
    if (!isSpace(unit)) {
      index += 1;
      continue;
    }
    let end = index + 1;
    while (end < text.length && isSpace(text.charCodeAt(end))) end += 1;
    if (end > index + 1 || unit !== 32) {
      out += `${text.slice(copied, index)} `;
      copied = end;
    }
    index = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The text a reader sees in filtered HTML: tags removed, entities decoded, white space collapsed. */
export function plainText(html: string): string {
  // Each pass only where its text occurs: this runs for every result's excerpt.
  let text = html.includes('<!--') ? html.replace(/<!--[\s\S]*?-->/g, ' ') : html;
  if (text.includes('<')) text = text.replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g, (_tag, name: string) => (inlineTags.has(name.toLowerCase()) ? '' : ' '));
  if (text.includes('&')) {
    text = text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (entity, body: string) => {
      if (body.startsWith('#')) {
        const code = body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
        return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : entity;
      }
      return entities[body.toLowerCase()] ?? entity;
    });
  }
  return collapseWhiteSpace(text).trim();
}

/** What `search=` adds to each result: plain text around the first match, matches as UTF-16 offsets into `text`. */
export interface Excerpt {
  field: 'title' | 'content';
  text: string;
  matches: [number, number][];
}

const excerptBefore = 30;
const excerptLength = 160;

/** Every occurrence of each piece in `folded`, as [start, end) offsets of `folded`, sorted and merged. */
function occurrences(folded: string, pieces: readonly string[]): [number, number][] {
  const found: [number, number][] = [];
  for (const piece of pieces) {
    for (let at = folded.indexOf(piece); at !== -1; at = folded.indexOf(piece, at + piece.length)) found.push([at, at + piece.length]);
  }
  found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const range of found) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

function isLowSurrogate(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The excerpt of one result: from the content when a piece occurs there, else from the title. */
export function excerptOf(title: string, contentHtml: string, pieces: readonly string[]): Excerpt {
  const content = plainText(contentHtml);
  // No fold makes or changes a CJK character: all-CJK pieces are found in the text as it is.
  const uncased = pieces.every((piece) => cjkOnly.test(piece));
  for (const [field, text] of [['content', content], ['title', plainText(title)]] as const) {
    const { folded, origin } = uncased ? { folded: text, origin: (offset: number) => offset } : foldWithMap(text);
    const ranges = occurrences(folded, pieces).map(([start, end]): [number, number] => [origin(start), origin(end)]);
    const first = ranges[0];
    if (!first && field === 'content') continue;
    let start = Math.max(0, (first?.[0] ?? 0) - excerptBefore);
    while (start > 0 && isLowSurrogate(text, start)) start -= 1;
    let end = Math.min(text.length, start + excerptLength);
    while (end < text.length && isLowSurrogate(text, end)) end += 1;
    const prefix = start > 0 ? '…' : '';
    const body = `${prefix}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
    const matches = ranges
      .filter(([from, to]) => from >= start && to <= end)
      .map(([from, to]): [number, number] => [from - start + prefix.length, to - start + prefix.length]);
    return { field, text: body, matches };
  }
  return { field: 'content', text: content.slice(0, excerptLength), matches: [] };
}
