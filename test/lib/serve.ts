/**
 * What a client sees of a request listener: each request sent over real HTTP (127.0.0.1, a free
 * port), answered with its status, content type, body and the calls the app recorded on the way.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';

export interface Sent {
  method?: string;
  path: string;
}

export interface Seen {
  request: string;
  status: number;
  type: string | null;
  /** JSON parsed; text as sent, except that an HTML page (Express's 404) is reduced to its message. */
  body: unknown;
  /** Headers a scenario names (lower case). */
  headers: Record<string, string | null>;
  /** What the app recorded while it handled this request. */
  calls: string[];
}

function bodyOf(type: string | null, text: string): unknown {
  // A HEAD answer, or a 204.
  if (text === '') return '';
  if (type?.startsWith('application/json')) return JSON.parse(text) as unknown;
  // Express's finalhandler wraps its message in an HTML page; the message is what counts.
  if (type?.startsWith('text/html')) return /<pre>([\s\S]*)<\/pre>/.exec(text)?.[1] ?? text;
  return text;
}

/** Sends `requests` one after another to `listener`; `calls` is the app's record, emptied per request. */
export async function seen(listener: RequestListener, requests: readonly Sent[], calls: string[], headerNames: readonly string[] = []): Promise<Seen[]> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const answers: Seen[] = [];
    for (const { method = 'GET', path } of requests) {
      calls.length = 0;
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
      const type = response.headers.get('content-type');
      const body = bodyOf(type, await response.text());
      // Work an app does after answering (an error middleware reached late) belongs to this request too.
      await tick();
      const headers = Object.fromEntries(headerNames.map((name) => [name, response.headers.get(name)]));
      answers.push({ request: `${method} ${path}`, status: response.status, type, body, headers, calls: [...calls] });
    }
    return answers;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
