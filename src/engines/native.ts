/**
 * The course's "原生开发" engine: plain node:http, no framework and no router of its own. Pages
 * outside /api/ come from the static handler; for the API, `api.handle` (src/http/api.ts) is the
 * whole request path: split the URL, match the route table, read a POST's body, run, answer.
 */
import { fallback, type Engine } from '../http/engine-support.ts';

export const nativeEngine: Engine = (context) => fallback(context);
