/** What every engine receives, and what it gives back: a node:http request listener. */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Api } from '../http/api.ts';

export type StaticHandler = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

export interface EngineContext {
  api: Api;
  bodyLimitBytes: number;
  /** Serves the built pages for paths outside `/api/`; calls `next` when no file matches. */
  staticFiles: StaticHandler | undefined;
}

export type Engine = (context: EngineContext) => RequestListener;
