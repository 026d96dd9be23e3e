/** Reads typed values from a query or body at the edge: wrong types are 400s, never surprises in the core. */
import { BlogError } from '../core/errors.ts';
import type { Query } from './query.ts';

export type Fields = Readonly<Record<string, unknown>>;

const positiveInteger = /^[1-9][0-9]{0,15}$/;

function parsePositiveInteger(value: string, name: string): number {
  const number = Number(value);
  if (!positiveInteger.test(value) || !Number.isSafeInteger(number)) {
    throw new BlogError('INVALID_PARAMETER', `${name} 必须是正整数`);
  }
  return number;
}

/** A required positive integer, such as `id`. */
export function requiredId(query: Query, name = 'id'): number {
  return parsePositiveInteger(query.get(name) ?? '', name);
}

/** An optional positive integer: absent or empty means undefined. */
export function optionalPositiveInteger(query: Query, name: string): number | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : parsePositiveInteger(value, name);
}

/** A non-empty query value, or undefined: empty parameters do not filter. */
export function optionalText(query: Query, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

/** A query as body fields (the first value of each key), for the routes that accept either. */
export function queryFields(query: Query): Fields {
  const fields: Record<string, string> = {};
  for (const [name, value] of query.entries()) if (!Object.hasOwn(fields, name)) fields[name] = value;
  return fields;
}

/** A string field of a body; absent or null reads as ''. Any other type is a 400. */
export function stringField(body: Fields, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new BlogError('INVALID_PARAMETER', `${name} 必须是字符串`);
  return value;
}
