/**
 * Closing a connection whose client is still sending, as nginx's `lingering_close` does. Answering
 * early (a 413 while the body is on its way, a 431 in the middle of the headers) and then closing
 * the socket with unread data makes the kernel send a reset (RFC 9112 §9.6), and a reset can
 * destroy the answer in the client's buffers before it is read — about one 413 in six over loopback.
 * So: send the answer and a FIN, keep reading and throwing away what still arrives, and close only
 * once the client is done (its request ended, or it closed its side) or a bound is reached.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { defaults } from '../config/defaults.ts';

export interface LingerBounds {
  /** Bytes read and thrown away after the answer, at most. */
  maxBytes: number;
  /** How long the client may keep sending after the answer, ms. */
  maxMs: number;
}

/** How often the bytes read are compared with the bound: a lingering connection is rare, a poll is cheap. */
const bytesCheckIntervalMs = 50;

/** Destroys `socket` once what was written to it has gone out (what `destroySoon` does after its `end`). */
function destroyWhenFlushed(socket: Socket): void {
  if (socket.writableFinished) socket.destroy();
  else socket.once('finish', () => socket.destroy());
}

/**
 * Half-closes `socket` (the answer already written goes out, then a FIN), discards what still
 * arrives, and destroys it when the returned function is called, the client ends its side, or a
 * bound is reached. Past `maxMs` it is destroyed even if the answer is still unsent (a client that
 * neither reads nor stops sending).
 */
export function lingerThenClose(socket: Socket, bounds: LingerBounds = defaults.lingeringClose): () => void {
  const start = socket.bytesRead;
  let finished = false;
  const stop = () => {
    finished = true;
    clearTimeout(deadline);
    clearInterval(bytesCheck);
    socket.off('end', finish);
  };
  const finish = () => {
    if (finished) return;
    stop();
    destroyWhenFlushed(socket);
  };
  const deadline = setTimeout(() => {
    stop();
    socket.destroy();
  }, bounds.maxMs).unref();
  const bytesCheck = setInterval(() => {
    if (socket.bytesRead - start > bounds.maxBytes) finish();
  }, bytesCheckIntervalMs).unref();
  socket.once('end', finish);
  socket.once('close', stop);
  // Reading goes on (into node's HTTP parser, which drops what no one reads), writing ends.
  socket.resume();
  if (socket.writable) socket.end();
  // The client has ended its side already (a request cut short): nothing more will come.
  if (socket.readableEnded) finish();
  return finish;
}

/**
 * For an answer with `Connection: close` sent before `request`'s body has arrived: when node closes
 * the connection after the answer (it calls `socket.destroySoon()` once a `Connection: close`
 * response has finished: `resOnFinish` in lib/_http_server.js), it lingers instead. The rest of the
 * body is read and dropped (a framework's body parser may have paused the request at its limit),
 * and the connection closes as soon as the body has all arrived.
 */
export function lingerAfterAnswer(request: IncomingMessage, bounds: LingerBounds = defaults.lingeringClose): void {
  const socket = request.socket;
  const closeAtOnce = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (request.complete) {
      closeAtOnce();
      return;
    }
    const finish = lingerThenClose(socket, bounds);
    request.once('end', finish);
    request.resume();
  };
}
