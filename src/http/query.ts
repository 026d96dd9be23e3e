/**
 * Query strings, parsed as leniently as the course's `querystring.parse`: unknown keys, empty pairs,
 * empty values and malformed percent-encoding (a bare `%`) never fail. A repeated key reads as its
 * first value. WHATWG URLSearchParams does all that, and parses a short query several times faster.
 */
export type Query = Pick<URLSearchParams, 'get' | 'entries' | 'toString'>;

export function parseQuery(search: string): Query {
  return new URLSearchParams(search);
}

/** Splits a request target into path and query string. */
export function splitUrl(url: string): { path: string; search: string } {
  const mark = url.indexOf('?');
  return mark === -1 ? { path: url, search: '' } : { path: url.slice(0, mark), search: url.slice(mark + 1) };
}
