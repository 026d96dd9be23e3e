/**
 * What one setting is — an environment variable with a parser, a default and a description — and
 * the kinds of setting there are: whole numbers with bounds, flags, choices, text, paths, URLs.
 * The table of every setting is `settings.ts`; this file knows none of them.
 */
import { resolve } from 'node:path';

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** What reading a setting may use besides its own text. */
export interface SettingContext {
  /** The variable being read, for messages. */
  readonly name: string;
  /** Where relative paths start (the `.env` file's folder). */
  readonly cwd: string;
  /** The value of another setting of the table, read (and checked) on first use. */
  get<T>(setting: Setting<T>): T;
}

export interface Setting<T> {
  /** What values are accepted, for the README's table: `whole number 0–65535`, `` `dev`, `combined` or `off` ``. */
  readonly accepts: string;
  /** The default as the README shows it (Markdown): `` `8000` ``, `—`, or how it is derived. */
  readonly shownDefault: string;
  /** One line for the README and `--help` (Markdown: `` `code` `` only). */
  readonly description: string;
  /** The command-line option that sets it, if any (`--port <n>` → PORT). */
  readonly option?: CliOption;
  /** The value from the variable's text, or the default when it is unset or empty. */
  read(text: string | undefined, context: SettingContext): T;
}

export interface CliOption {
  /** `port` for `--port`. */
  readonly flag: string;
  readonly short?: string;
  /** The placeholder of its value in help: `n` for `--port <n>`. */
  readonly value: string;
}

/** A default (or bound) computed from other settings, with how the README says it. */
export class Derived<T> {
  constructor(
    readonly shown: string,
    readonly of: (context: SettingContext) => T,
  ) {}
}

export const derived = <T>(shown: string, of: (context: SettingContext) => T): Derived<T> => new Derived(shown, of);

const valueOf = <T>(value: T | Derived<T>, context: SettingContext): T => (value instanceof Derived ? value.of(context) : value);

interface Spec<T> {
  description: string;
  option?: CliOption;
  /** A rule involving other settings (production needs a secret); returns the problem, if any. */
  check?: (value: T, context: SettingContext) => string | undefined;
}

/** How one kind of setting turns text into a value, and a value back into text. */
interface Kind<T> {
  accepts: string;
  parse(text: string, context: SettingContext): T;
  format(value: T): string;
}

/** A setting with a default; the default goes through the parser too, so it obeys the same bounds. */
function withDefault<T>(kind: Kind<T>, fallback: T | Derived<T>, spec: Spec<T>): Setting<T> {
  return {
    accepts: kind.accepts,
    shownDefault: fallback instanceof Derived ? fallback.shown : `\`${kind.format(fallback)}\``,
    description: spec.description,
    ...(spec.option ? { option: spec.option } : {}),
    read(text, context) {
      const value = kind.parse(text ?? kind.format(valueOf(fallback, context)), context);
      const problem = spec.check?.(value, context);
      if (problem !== undefined) throw new ConfigError(context.name, problem);
      return value;
    },
  };
}

/** A setting that is unset unless given (`REDIS_URL`). */
function withoutDefault<T>(kind: Kind<T>, spec: Spec<T | undefined>): Setting<T | undefined> {
  return {
    accepts: kind.accepts,
    shownDefault: '—',
    description: spec.description,
    ...(spec.option ? { option: spec.option } : {}),
    read(text, context) {
      const value = text === undefined ? undefined : kind.parse(text, context);
      const problem = spec.check?.(value, context);
      if (problem !== undefined) throw new ConfigError(context.name, problem);
      return value;
    },
  };
}

const formatNumber = (value: number): string => (value < 10_000 ? String(value) : value.toLocaleString('en-US').replaceAll(',', ' '));

/** A whole number from `min` to `max`; `max` may depend on another setting. */
export function integer(bounds: { default: number | Derived<number>; min: number; max: number | Derived<number> } & Spec<number>): Setting<number> {
  const { min, max } = bounds;
  return withDefault<number>({
    accepts: `whole number ${formatNumber(min)} – ${max instanceof Derived ? max.shown : formatNumber(max)}`,
    parse(text, context) {
      const highest = valueOf(max, context);
      const value = Number(text);
      if (!/^-?\d+$/.test(text.trim()) || value < min || value > highest) {
        throw new ConfigError(context.name, `expected a whole number from ${min} to ${highest}, got "${text}"`);
      }
      return value;
    },
    format: String,
  }, bounds.default, bounds);
}

const truthy = ['1', 'true', 'yes', 'on'];
const falsy = ['0', 'false', 'no', 'off'];

/** `true`/`false` (also 1/0, yes/no, on/off, any case). */
export function flag(spec: { default: boolean } & Spec<boolean>): Setting<boolean> {
  return withDefault<boolean>({
    accepts: '`true` or `false`',
    parse(text, context) {
      const lower = text.toLowerCase();
      if (truthy.includes(lower)) return true;
      if (falsy.includes(lower)) return false;
      throw new ConfigError(context.name, `expected true or false, got "${lower}"`);
    },
    format: String,
  }, spec.default, spec);
}

const listed = (names: readonly string[]): string => {
  const quoted = names.map((name) => `\`${name}\``);
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
};

/** One of `choices`; `noun` names what is chosen in the message (`unknown engine "expres"`). */
export function choice<const C extends readonly string[]>(choices: C, spec: { noun: string; default: C[number] | Derived<C[number]> } & Spec<C[number]>): Setting<C[number]> {
  return withDefault<C[number]>({
    accepts: listed(choices),
    parse(text, context) {
      const chosen = choices.find((name): name is C[number] => name === text);
      if (chosen === undefined) throw new ConfigError(context.name, `unknown ${spec.noun} "${text}" (choose ${choices.join(', ')})`);
      return chosen;
    },
    format: String,
  }, spec.default, spec);
}

const anyText: Kind<string> = { accepts: 'text', parse: (text) => text, format: String };

/** Any text; `accepts` says what kind, for the README (`host name or IP address`). */
export function text(spec: { default: string | Derived<string>; accepts?: string } & Spec<string>): Setting<string> {
  return withDefault(spec.accepts === undefined ? anyText : { ...anyText, accepts: spec.accepts }, spec.default, spec);
}

/** Text that is unset unless given. */
export function optionalText(spec: Spec<string | undefined>): Setting<string | undefined> {
  return withoutDefault(anyText, spec);
}

/** A file or folder; relative paths start at the working directory. The value is absolute. */
export function path(spec: { default: string | Derived<string> } & Spec<string>): Setting<string> {
  return withDefault<string>({
    accepts: 'path',
    parse: (text, context) => resolve(context.cwd, text),
    format: String,
  }, spec.default, spec);
}

/** A URL of one of `schemes` (without `://`), unset unless given. */
export function optionalUrl(schemes: readonly string[], spec: Spec<string | undefined>): Setting<string | undefined> {
  const shown = schemes.map((scheme) => `${scheme}://`);
  const pattern = new RegExp(`^(${schemes.join('|')})://`);
  return withoutDefault<string>({
    accepts: `${listed(shown)} URL`,
    parse(text, context) {
      // The value itself is not shown: a URL may carry a password.
      const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(text)?.[0];
      if (!pattern.test(text)) throw new ConfigError(context.name, `expected a ${shown.join(' or ')} URL, got ${scheme === undefined ? 'no URL scheme' : `a "${scheme}" URL`}`);
      return text;
    },
    format: String,
  }, spec);
}

/** A web origin as a browser sends it in `Origin`: `http(s)://host[:port]`, nothing after. Normalized (`url.origin`), or undefined. */
export function parseOrigin(text: string): string | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  // `https://a.example/` is the origin; `https://a.example/x` is a page, not an origin.
  if (url.pathname !== '/') return undefined;
  return url.origin;
}

/** A comma-separated list of web origins, unset (empty) unless given; each is checked and normalized. */
export function originList(spec: Spec<readonly string[]>): Setting<readonly string[]> {
  return {
    accepts: 'comma-separated origins (`https://host[:port]`)',
    shownDefault: '—',
    description: spec.description,
    ...(spec.option ? { option: spec.option } : {}),
    read(text, context) {
      const entries = text === undefined ? [] : text.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
      const origins = entries.map((entry) => {
        const origin = parseOrigin(entry);
        if (origin === undefined) throw new ConfigError(context.name, `expected origins like https://blog.example or http://localhost:8080 (scheme, host and port only), got "${entry}"`);
        return origin;
      });
      const problem = spec.check?.(origins, context);
      if (problem !== undefined) throw new ConfigError(context.name, problem);
      return Object.freeze(origins);
    },
  };
}
