/** The engines by name: `blog-server serve --engine <name>`. The names are a setting (src/config). */
import { ENGINE_NAMES, type EngineName } from '../config/settings.ts';
import type { Engine } from '../http/engine-support.ts';
import { expressEngine } from './express.ts';
import { koaEngine } from './koa.ts';
import { likeExpressEngine } from './like-express.ts';
import { likeKoaEngine } from './like-koa.ts';
import { nativeEngine } from './native.ts';

export const engines = {
  native: nativeEngine,
  express: expressEngine,
  koa: koaEngine,
  'like-express': likeExpressEngine,
  'like-koa': likeKoaEngine,
} as const satisfies Record<EngineName, Engine>;

export { ENGINE_NAMES, type EngineName };

export function engineNamed(name: string): Engine {
  const engine = (engines as Record<string, Engine>)[name];
  if (!engine) throw new Error(`ENGINE: unknown engine "${name}" (choose ${ENGINE_NAMES.join(', ')})`);
  return engine;
}
