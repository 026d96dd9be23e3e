/**
 * Access logs through morgan, as the course does, on the raw node:http request so every engine logs
 * the same line. Development: morgan's concise `dev` lines on stdout. Production: Apache combined
 * format plus the response time in ms, appended to `LOG_DIR/access.log` through a write stream.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { join } from 'node:path';
import morgan from 'morgan';

/** Apache combined format followed by the response time in milliseconds. */
export const combinedWithTime = ':remote-addr - :remote-user [:date[clf]] ":method :url HTTP/:http-version" :status :res[content-length] ":referrer" ":user-agent" :response-time';

export interface AccessLog {
  wrap(listener: RequestListener): RequestListener;
  close(): Promise<void>;
}

export function createAccessLog(format: 'dev' | 'combined' | 'off', logDir: string): AccessLog {
  if (format === 'off') return { wrap: (listener) => listener, close: async () => {} };
  let stream: WriteStream | undefined;
  if (format === 'combined') {
    mkdirSync(logDir, { recursive: true });
    stream = createWriteStream(join(logDir, 'access.log'), { flags: 'a' });
  }
  const logger = morgan<IncomingMessage, ServerResponse>(format === 'dev' ? 'dev' : combinedWithTime, stream ? { stream } : {});
  return {
    wrap: (listener) => (request, response) => logger(request, response, () => listener(request, response)),
    close: () => new Promise((resolve) => (stream ? stream.end(resolve) : resolve())),
  };
}
