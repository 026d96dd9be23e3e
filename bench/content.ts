/** Deterministic, varied blog text (English and Chinese) of a given size, for seeding and for creates. */

const englishWords = [
  'node', 'server', 'request', 'response', 'stream', 'buffer', 'event', 'loop', 'promise', 'async', 'cookie',
  'session', 'router', 'middleware', 'database', 'query', 'index', 'page', 'cache', 'header', 'status', 'error',
  'json', 'body', 'parser', 'engine', 'blog', 'author', 'title', 'content', 'latency', 'throughput', 'benchmark',
  'socket', 'process', 'cluster', 'worker', 'thread', 'memory', 'garbage', 'collector', 'module', 'package',
  'the', 'a', 'of', 'and', 'with', 'for', 'when', 'every', 'fast', 'small', 'simple', 'careful', 'quiet',
] as const;

const chinesePhrases = [
  '博客', '服务器', '数据库', '性能测试', '中间件', '路由', '会话', '登录', '缓存', '日志', '请求', '响应',
  '异步', '回调', '事件循环', '并发', '索引', '分页', '安全', '跨站脚本', '注入', '密码', '用户', '作者',
  '今天', '我们', '学习', '实现', '优化', '部署', '运维', '前端', '后端', '接口', '数据', '文件',
] as const;

const titleStems = [
  'Node.js 笔记', 'Notes on streams', '数据库索引的思考', 'Why sessions live in Redis', '中间件的原理',
  'A page of the list', '性能测试记录', 'Express or Koa?', '读书笔记', 'Escaping user input',
] as const;

/** mulberry32: a tiny seeded PRNG, so every run seeds the same text. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function sentence(random: () => number): string {
  const length = 6 + Math.floor(random() * 10);
  if (random() < 0.3) {
    return Array.from({ length }, () => pick(chinesePhrases, random)).join('') + '。';
  }
  const words = Array.from({ length }, () => pick(englishWords, random));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Text of at least `minBytes` and below `maxBytes` UTF-8 bytes, in paragraphs. */
export function blogContent(random: () => number, minBytes = 1_024, maxBytes = 2_048): string {
  const target = minBytes + Math.floor(random() * (maxBytes - minBytes - 200));
  let text = '';
  let bytes = 0;
  while (bytes < target) {
    const next = (bytes > 0 && random() < 0.15 ? '\n\n' : bytes > 0 ? ' ' : '') + sentence(random);
    text += next;
    bytes += Buffer.byteLength(next);
  }
  return text;
}

export function blogTitle(random: () => number, n: number): string {
  return `${pick(titleStems, random)} #${n}`;
}
