/** The engines by name: `blog-server serve --engine <name>`. */
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
} as const satisfies Record<string, Engine>;

export type EngineName = keyof typeof engines;

export const ENGINE_NAMES = Object.keys(engines) as readonly EngineName[];

export function engineNamed(name: string): Engine {
  const engine = (engines as Record<string, Engine>)[name];
  if (!engine) throw new Error(`ENGINE: unknown engine "${name}" (choose ${ENGINE_NAMES.join(', ')})`);
  return engine;
}
