/**
 * Query strings, parsed as leniently as the course's `querystring.parse`: unknown keys, empty pairs,
 * empty values and malformed percent-encoding (a bare `%`) never fail. A repeated key keeps its first value.
 */
import { parse } from 'node:querystring';

export type Query = Readonly<Record<string, string>>;

export function parseQuery(search: string): Query {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(parse(search))) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) query[key] = first;
  }
  return query;
}

/** Splits a request target into path and query string. */
export function splitUrl(url: string): { path: string; search: string } {
  const mark = url.indexOf('?');
  return mark === -1 ? { path: url, search: '' } : { path: url.slice(0, mark), search: url.slice(mark + 1) };
}
