/**
 * A deterministic generator of access-log records and lines, for the analysis tests (small logs whose
 * figures the test counts from the records themselves, never from the text) and the 1 GB benchmark
 * (realistic variety: browsers, crawlers, query strings, 404 probes, referrers, gzip-able sizes).
 */

/** One request as the server would have logged it. */
export interface LogRecord {
  readonly address: string;
  /** Milliseconds since the epoch (UTC). */
  readonly time: number;
  readonly method: string;
  /** The path with its query string, as logged. */
  readonly url: string;
  readonly status: number;
  /** Bytes sent; undefined is logged as `-`. */
  readonly bytes: number | undefined;
  readonly referrer: string;
  readonly userAgent: string;
  /** Response time in ms; undefined leaves the field out (nginx's combined format). */
  readonly responseMs: number | undefined;
}

export const USER_AGENTS = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  edgeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
  wechat: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800323c) NetType/WIFI Language/zh_CN',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  baiduspider: 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
  curl: 'curl/8.5.0',
} as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (value: number) => (value < 10 ? `0${value}` : String(value));

/** `01/Dec/2026:12:00:00 +0000`, the combined format's time (UTC). */
export function clfTime(time: number): string {
  const date = new Date(time);
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

/** The line blog-server (with a response time) or nginx (without) writes for `record`. */
export function formatRecord(record: LogRecord, clf: string = clfTime(record.time)): string {
  const bytes = record.bytes === undefined ? '-' : String(record.bytes);
  const tail = record.responseMs === undefined ? '' : ` ${record.responseMs.toFixed(3)}`;
  return `${record.address} - - [${clf}] "${record.method} ${record.url} HTTP/1.1" ${record.status} ${bytes} "${record.referrer}" "${record.userAgent}"${tail}`;
}

/** mulberry32: a small, fast, seeded PRNG, so every run generates the same log. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Picks from weighted choices with one random number. */
function weighted<T>(choices: readonly (readonly [T, number])[]): (random: number) => T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  return (random) => {
    let left = random * total;
    for (const [value, weight] of choices) {
      left -= weight;
      if (left < 0) return value;
    }
    return (choices.at(-1) as readonly [T, number])[0];
  };
}

const pickAgent = weighted<string>([
  [USER_AGENTS.chromeWindows, 30], [USER_AGENTS.chromeMac, 10], [USER_AGENTS.chromeAndroid, 12],
  [USER_AGENTS.safariMac, 6], [USER_AGENTS.safariIphone, 12], [USER_AGENTS.firefoxLinux, 4],
  [USER_AGENTS.firefoxWindows, 4], [USER_AGENTS.edgeWindows, 7], [USER_AGENTS.wechat, 3],
  [USER_AGENTS.googlebot, 5], [USER_AGENTS.bingbot, 3], [USER_AGENTS.baiduspider, 2], [USER_AGENTS.curl, 2],
]);
const pickReferrer = weighted<string>([
  ['-', 50], ['https://www.google.com/', 15], ['https://www.baidu.com/s?wd=node', 10],
  ['https://blog.example.com/', 15], ['https://www.bing.com/search?q=koa', 5], ['https://github.com/some/repo', 5],
]);
const pickStatus = weighted<number>([[200, 82], [304, 6], [302, 2], [404, 6], [400, 1], [401, 1], [500, 1], [503, 1]]);
/** Relative traffic per hour of the day, about 1 on average: a quiet night, a morning and an evening peak. */
const TRAFFIC_BY_HOUR = [0.45, 0.3, 0.2, 0.15, 0.15, 0.2, 0.35, 0.6, 0.9, 1.2, 1.45, 1.5, 1.4, 1.35, 1.4, 1.45, 1.4, 1.3, 1.2, 1.3, 1.5, 1.55, 1.3, 0.85];
const AUTHORS = ['zhangsan', 'lisi', 'wangwu', 'zhaoliu'];
const PROBES = ['/wp-login.php', '/.env', '/admin.php', '/phpmyadmin/', '/xmlrpc.php'];

export interface RealisticOptions {
  readonly seed: number;
  /** The first record's time; records advance by about `stepMs` each. */
  readonly start: number;
  readonly stepMs: number;
  /** Distinct client addresses to draw from. @default 20000 */
  readonly addresses?: number;
  readonly withResponseTime?: boolean;
}

/** An endless, deterministic stream of realistic records. */
export function* realisticRecords(options: RealisticOptions): Generator<LogRecord> {
  const random = seededRandom(options.seed);
  const addresses = options.addresses ?? 20_000;
  let time = options.start;
  for (;;) {
    // Busier by day than by night (UTC hours here): the gap between requests shrinks with traffic.
    time += Math.floor((random() * options.stepMs * 2) / (TRAFFIC_BY_HOUR[new Date(time).getUTCHours()] as number));
    const client = Math.floor(random() * addresses);
    const address = `${10 + (client >>> 16)}.${(client >>> 8) & 255}.${client & 255}.${1 + (client % 200)}`;
    let status = pickStatus(random());
    const kind = random();
    let url: string;
    let bytes: number | undefined;
    if (status === 404) url = PROBES[Math.floor(random() * PROBES.length)] as string;
    else if (kind < 0.3) url = `/detail.html?id=${1 + Math.floor(random() * 2000)}`;
    else if (kind < 0.5) url = `/api/blog/list?author=${AUTHORS[Math.floor(random() * 4)]}&keyword=${Math.floor(random() * 50)}`;
    else if (kind < 0.65) url = `/api/blog/detail?id=${1 + Math.floor(random() * 2000)}`;
    else if (kind < 0.8) url = '/index.html';
    else if (kind < 0.9) url = `/assets/app-${Math.floor(random() * 3)}.js`;
    else if (kind < 0.97) url = '/';
    else url = '/api/user/login';
    const method = url === '/api/user/login' ? 'POST' : 'GET';
    if (status === 304) bytes = undefined;
    else bytes = 200 + Math.floor(random() * 20_000);
    if (method === 'POST' && status === 304) status = 200;
    const responseMs = options.withResponseTime === false ? undefined : Math.round((0.2 + random() * random() * 80) * 1000) / 1000;
    // A person keeps one browser: most requests of an address carry the agent it was given.
    const userAgent = random() < 0.9 ? pickAgent(((Math.imul(client + 1, 0x9e3779b1) >>> 0) % 1_000_003) / 1_000_003) : pickAgent(random());
    yield { address, time, method, url, status, bytes, referrer: pickReferrer(random()), userAgent, responseMs };
  }
}

/**
 * Writes realistic lines to `file` until it holds at least `targetBytes`, in large batches (the
 * combined time string is formatted once per second). Resolves with the number of lines written.
 */
export async function writeRealisticLog(file: string, targetBytes: number, options: RealisticOptions): Promise<number> {
  const { createWriteStream } = await import('node:fs');
  const out = createWriteStream(file);
  let written = 0;
  let lines = 0;
  let lastSecond = -1;
  let clf = '';
  let batch: string[] = [];
  const flush = async () => {
    const text = `${batch.join('\n')}\n`;
    batch = [];
    written += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  for (const record of realisticRecords(options)) {
    const second = Math.floor(record.time / 1000);
    if (second !== lastSecond) {
      lastSecond = second;
      clf = clfTime(record.time);
    }
    batch.push(formatRecord(record, clf));
    lines++;
    if (batch.length === 20_000) {
      await flush();
      if (written >= targetBytes) break;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return lines;
}
