/**
 * The inputs a route declares — query and body fields with their type — and the one reader that
 * turns a request's raw values into the typed input its handler receives. A wrong type is a 400
 * (INVALID_PARAMETER) named after the field; value rules (a title's length) stay in the core, which
 * answers them as the course's business failures. The declarations are also what the API's
 * description is generated from.
 */
import { BlogError } from '../core/errors.ts';
import type { Query } from './query.ts';

/** A positive integer as written in a query: no sign, no leading zero, safe. */
const positiveInteger = /^[1-9][0-9]{0,15}$/;

/**
 * Text no database stores as sent: U+0000 (PostgreSQL refuses it in text, SQLite and MariaDB keep
 * it) and a UTF-16 surrogate without its pair (every driver would write U+FFFD instead). Refused at
 * the edge, the same on every database (docs/API.md, "Text that is refused").
 */
// eslint-disable-next-line no-control-regex -- U+0000 is the character to find
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `text`, unless it holds a character no database stores as sent: then 400 naming the field. */
function storable(text: string, name: string): string {
  if (unstorable.test(text)) throw new BlogError('INVALID_PARAMETER', `${name} 含有不允许的字符 (U+0000 或不成对的代理项)`);
  return text;
}

interface FieldBase {
  /** One line for the API's description. */
  readonly description: string;
}

/** A required positive integer (`id`): absent or malformed → 400. */
export interface IdField extends FieldBase { readonly kind: 'id' }
/** An optional positive integer (`page`): absent or empty → undefined, malformed → 400. */
export interface IntegerField extends FieldBase { readonly kind: 'integer' }
/** Optional text (`author`): absent or empty → undefined, so empty parameters do not filter; U+0000 or a lone surrogate → 400. */
export interface TextField extends FieldBase { readonly kind: 'text' }
/** On for any non-empty value, as the course's `if (req.query.isadmin)`. */
export interface FlagField extends FieldBase { readonly kind: 'flag' }
/** A string (`title`): absent or null → '', any other type → 400. */
export interface StringField extends FieldBase {
  readonly kind: 'string';
  /** The longest value the core accepts, in characters (documentation: the core enforces it). */
  readonly maxLength?: number;
}

/** One of a few words (`status`): absent, null or empty → undefined; any other string is handed to the core, which names a wrong one; not a string → 400. */
export interface WordField extends FieldBase {
  readonly kind: 'word';
  readonly values: readonly string[];
}
/** Milliseconds since the epoch (`publishtime`), a JSON number or digits: absent, null or empty → undefined; anything else that is no number reads as NaN, which the core refuses. */
export interface TimeField extends FieldBase { readonly kind: 'time' }

export type FieldSpec = IdField | IntegerField | TextField | FlagField | StringField | WordField | TimeField;
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

/** The value a field of each kind reads as. */
type ValueOf<F extends FieldSpec> = F extends IdField ? number
  : F extends IntegerField ? number | undefined
  : F extends TextField ? string | undefined
  : F extends FlagField ? boolean
  : F extends WordField ? string | undefined
  : F extends TimeField ? number | undefined
  : string;

/** The typed input of a set of declared fields. */
export type InputOf<S extends FieldSpecs> = { readonly [K in keyof S]: ValueOf<S[K]> };

/** Builders that keep each field's kind in its type, so a handler's input is typed from its declaration. */
export const field = {
  id: (description: string): IdField => ({ kind: 'id', description }),
  integer: (description: string): IntegerField => ({ kind: 'integer', description }),
  text: (description: string): TextField => ({ kind: 'text', description }),
  flag: (description: string): FlagField => ({ kind: 'flag', description }),
  string: (description: string, maxLength?: number): StringField => (maxLength === undefined ? { kind: 'string', description } : { kind: 'string', description, maxLength }),
  word: (description: string, values: readonly string[]): WordField => ({ kind: 'word', description, values }),
  time: (description: string): TimeField => ({ kind: 'time', description }),
};

export const noFields: FieldSpecs = Object.freeze({});

/** Whether reading the field can fail with INVALID_PARAMETER (text: a character no database stores). */
export function canBeInvalid(spec: FieldSpec): boolean {
  return spec.kind !== 'flag';
}

function parsePositiveInteger(value: unknown, name: string): number {
  const number = Number(value);
  if (typeof value !== 'string' || !positiveInteger.test(value) || !Number.isSafeInteger(number)) {
    throw new BlogError('INVALID_PARAMETER', `${name} 必须是正整数`);
  }
  return number;
}

function textOf(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BlogError('INVALID_PARAMETER', `${name} 必须是字符串`);
  return storable(value, name);
}

const decimal = /^-?[0-9]+$/;

function timeOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return value;
  return typeof value === 'string' && decimal.test(value) ? Number(value) : Number.NaN;
}

/** Reads one raw value (a query's string, a body's anything; undefined when absent) as its field says. */
export function readField(spec: FieldSpec, name: string, value: unknown): ValueOf<FieldSpec> {
  switch (spec.kind) {
    case 'id':
      return parsePositiveInteger(value ?? '', name);
    case 'integer':
      return value === undefined || value === '' ? undefined : parsePositiveInteger(value, name);
    case 'text': {
      const text = typeof value === 'string' ? value : undefined;
      return text === '' || text === undefined ? undefined : storable(text, name);
    }
    case 'flag':
      return typeof value === 'string' && value !== '';
    case 'string':
      return textOf(value, name) ?? '';
    case 'word': {
      const word = textOf(value, name);
      return word === '' ? undefined : word;
    }
    case 'time':
      return timeOf(value);
  }
}

/** The declared fields of a query; undeclared parameters are ignored, a repeated one reads as its first value. */
export function readQueryInput<S extends FieldSpecs>(specs: S, query: Query): InputOf<S> {
  const input: Record<string, unknown> = {};
  for (const name in specs) input[name] = readField(specs[name]!, name, query.get(name) ?? undefined);
  return input as InputOf<S>;
}

/** The declared fields of a parsed body (an object; see `bodyFields`); undeclared ones are ignored. */
export function readBodyInput<S extends FieldSpecs>(specs: S, body: Readonly<Record<string, unknown>>): InputOf<S> {
  const input: Record<string, unknown> = {};
  for (const name in specs) input[name] = readField(specs[name]!, name, Object.hasOwn(body, name) ? body[name] : undefined);
  return input as InputOf<S>;
}

const emptyBody: Readonly<Record<string, unknown>> = Object.freeze({});

/** A parsed body as fields: none when empty; a JSON array, string or number is not a body the API takes. */
export function bodyFields(body: unknown): Readonly<Record<string, unknown>> {
  if (body === undefined || body === null || body === '') return emptyBody;
  if (typeof body !== 'object' || Array.isArray(body)) throw new BlogError('MALFORMED_BODY', '请求体必须是对象');
  return body as Record<string, unknown>;
}
