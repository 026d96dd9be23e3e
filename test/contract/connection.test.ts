/**
 * When an answer closes the connection, on every engine, over raw sockets: a body still on its way
 * closes it (node would read the rest only to throw it away); a body read to its end keeps it; and a
 * body that has arrived is never taken for the next request, whatever it contains.
 */
import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ENGINE_NAMES } from '../../src/engines/index.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

interface Answer {
  status: number;
  headers: Record<string, string>;
}

/** A keep-alive connection that collects every answer the server writes, and notices when it closes. */
class RawConnection {
  readonly #socket: Socket;
  #received = '';
  closed: Promise<void>;

  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.#socket = connect(Number(port), hostname);
    this.#socket.setEncoding('latin1');
    this.#socket.on('data', (chunk: string) => {
      this.#received += chunk;
    });
    this.closed = new Promise((resolve) => this.#socket.once('close', () => resolve()));
  }

  write(text: string): void {
    this.#socket.write(text);
  }

  /** The answers received so far (each header block and its Content-Length body). */
  get answers(): Answer[] {
    const answers: Answer[] = [];
    let rest = this.#received;
    while (rest.startsWith('HTTP/1.1 ')) {
      const end = rest.indexOf('\r\n\r\n');
      if (end === -1) break;
      const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      answers.push({ status: Number(statusLine.split(' ')[1]), headers });
      rest = rest.slice(end + 4 + Number(headers['content-length'] ?? 0));
    }
    return answers;
  }

  /** Waits until `count` answers have arrived (or the connection closed), at most 3 s. */
  async waitFor(count: number): Promise<Answer[]> {
    const deadline = Date.now() + 3_000;
    let closed = false;
    void this.closed.then(() => (closed = true));
    while (this.answers.length < count && !closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.answers;
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

const bounded = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms))]);

for (const engine of ENGINE_NAMES) {
  describe(`connections after an answer (${engine})`, () => {
    let server: TestServer;
    const open: RawConnection[] = [];
    const connection = () => {
      const created = new RawConnection(server.url);
      open.push(created);
      return created;
    };

    before(async () => {
      server = await startTestServer({ engine });
    });
    after(async () => {
      for (const created of open) created.destroy();
      await server.close();
    });

    it('closes when a body is still on its way, without waiting for it', async () => {
      const raw = connection();
      raw.write('POST /api/nothing HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
      const [answer] = await raw.waitFor(1);
      assert.equal(answer?.status, 404);
      assert.equal(answer?.headers.connection, 'close');
      await bounded(raw.closed, 2_000, 'the server closes the connection');
    });

    it('closes after a declared body over the limit', async () => {
      const raw = connection();
      raw.write(`POST /api/blog/new HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n{}`);
      const [answer] = await raw.waitFor(1);
      assert.equal(answer?.status, 413);
      assert.equal(answer?.headers.connection, 'close');
      await bounded(raw.closed, 2_000, 'the server closes the connection');
    });

    it('keeps the connection when the body was read to its end', async () => {
      const raw = connection();
      raw.write('POST /api/blog/new HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{x');
      assert.equal((await raw.waitFor(1))[0]?.status, 400);
      raw.write('GET /api/blog/list HTTP/1.1\r\nHost: test\r\n\r\n');
      const answers = await raw.waitFor(2);
      assert.deepEqual(answers.map((answer) => answer.status), [400, 200]);
      assert.notEqual(answers[0]?.headers.connection, 'close');
    });

    it('never takes a body that has arrived for the next request', async () => {
      const smuggled = 'GET /api/blog/list HTTP/1.1\r\nHost: test\r\n\r\n';
      const raw = connection();
      raw.write(`POST /api/nothing HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`);
      await raw.waitFor(2);
      // Whether the connection stays open or not, the smuggled request is never answered.
      await Promise.race([raw.closed, new Promise((resolve) => setTimeout(resolve, 300))]);
      assert.deepEqual(raw.answers.map((answer) => answer.status), [404]);
    });
  });
}
