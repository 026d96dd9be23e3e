/**
 * User agent → browser family, operating system and crawler-or-not, with bowser (MIT) and isbot
 * (Unlicense). Parsing a user agent costs tens of µs, and a log repeats the same few hundred agents,
 * so results are cached in a Map bounded to `cacheSize` entries (oldest out first).
 */
import Bowser from 'bowser';
import { isbot } from 'isbot';

/** The browser families the report names (the seed's question: what share uses Chrome?). */
export const BROWSER_FAMILIES = ['Chrome', 'Safari', 'Firefox', 'Edge', 'Other'] as const;
export type BrowserFamily = (typeof BROWSER_FAMILIES)[number];

export interface AgentClass {
  /** A crawler (isbot, or bowser's `bot` platform): counted apart from the browsers. */
  readonly crawler: boolean;
  readonly browser: BrowserFamily;
  /** bowser's operating system name (`Windows`, `macOS`, `iOS`, `Android`, `Linux`…) or `Unknown`. */
  readonly os: string;
  /** Two 32-bit hashes of the agent, for the unique-visitor keys (see aggregate.ts). */
  readonly hashHigh: number;
  readonly hashLow: number;
}

const FAMILY_OF: Readonly<Record<string, BrowserFamily>> = { Chrome: 'Chrome', Chromium: 'Chrome', Safari: 'Safari', Firefox: 'Firefox', 'Microsoft Edge': 'Edge' };

/** FNV-1a over the UTF-16 code units of `text`. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < text.length; at++) hash = Math.imul(hash ^ text.charCodeAt(at), 0x01000193);
  return hash >>> 0;
}

/** A second, unrelated 32-bit hash (multiply-rotate, murmur-like mixing), so two hashes make ~64 bits. */
export function mixHash(text: string): number {
  let hash = 0x9747b28c ^ text.length;
  for (let at = 0; at < text.length; at++) {
    hash = Math.imul(hash ^ text.charCodeAt(at), 0x5bd1e995);
    hash = (hash << 13) | (hash >>> 19);
  }
  hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
  return (hash ^ (hash >>> 13)) >>> 0;
}

export function classify(userAgent: string): AgentClass {
  const hashHigh = fnv1a(userAgent);
  const hashLow = mixHash(userAgent);
  // bowser throws on an empty agent; nginx and blog-server log a missing one as `-`.
  if (userAgent === '' || userAgent === '-') return { crawler: false, browser: 'Other', os: 'Unknown', hashHigh, hashLow };
  const parsed = Bowser.parse(userAgent);
  const crawler = isbot(userAgent) || parsed.platform.type === 'bot';
  return { crawler, browser: FAMILY_OF[parsed.browser.name ?? ''] ?? 'Other', os: parsed.os.name ?? 'Unknown', hashHigh, hashLow };
}

/** `classify` behind a bounded cache. */
export class AgentClassifier {
  readonly #cache = new Map<string, AgentClass>();
  constructor(readonly cacheSize = 5_000) {}

  classify(userAgent: string): AgentClass {
    let found = this.#cache.get(userAgent);
    if (found === undefined) {
      found = classify(userAgent);
      if (this.#cache.size >= this.cacheSize) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(userAgent, found);
    }
    return found;
  }
}
