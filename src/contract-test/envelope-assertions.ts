/**
 * What an answer in the course envelope must look like. Strict (blog-server itself): the catalogue's
 * status, `code` and whole message. Lenient (any server speaking the course API): `errno` decides, and
 * a `code` or a catalogue status is checked only when the server sends them.
 */
import { strict as assert } from 'node:assert';
import { errorCatalogue, type ErrorCode } from '../core/errors.ts';
import type { Envelope, Reply } from './http-client.ts';

const exactJson = /^application\/json; charset=utf-8$/;
const someJson = /^application\/json\b/i;

/** Asserts a success in the envelope: the status, JSON, `errno: 0`, and no `code` or `message`. */
export function assertEnvelope(reply: Reply, status: number, errno: 0): Envelope;
/**
 * Asserts a failure in the envelope: the status, JSON, `errno: -1`, the catalogue `code`, and the
 * whole `message` — `<catalogue message>: <detail>` when the error carries a detail.
 */
export function assertEnvelope(reply: Reply, status: number, errno: -1, code: ErrorCode, message: string): Envelope;
export function assertEnvelope(reply: Reply, status: number, errno: 0 | -1, code?: ErrorCode, message?: string): Envelope {
  assert.equal(reply.status, status, `status of ${reply.text.slice(0, 300)}`);
  assert.match(reply.headers.get('content-type') ?? '', exactJson);
  const body = reply.json;
  assert.equal(body.errno, errno, `errno of ${reply.text.slice(0, 300)}`);
  assert.equal(body.code, code, `code of ${reply.text.slice(0, 300)}`);
  assert.equal(body.message, message, `message of ${reply.text.slice(0, 300)}`);
  return body;
}

/** How strictly a check compares answers with the catalogue. */
export interface Expectations {
  success(reply: Reply): Envelope;
  /** A failure; `detail` completes blog-server's message (`参数错误: id 必须是正整数`). */
  failure(reply: Reply, code: ErrorCode, detail?: string): Envelope;
}

export const strictExpectations: Expectations = {
  success: (reply) => assertEnvelope(reply, 200, 0),
  failure(reply, code, detail) {
    const { status, message } = errorCatalogue[code];
    return assertEnvelope(reply, status, -1, code, detail === undefined ? message : `${message}: ${detail}`);
  },
};

function lenientJson(reply: Reply): Envelope {
  assert.match(reply.headers.get('content-type') ?? '', someJson, `content type of ${reply.status} ${reply.text.slice(0, 200)}`);
  const body = reply.json;
  assert.ok(body !== null && typeof body === 'object', `an envelope: ${reply.text.slice(0, 200)}`);
  return body;
}

export const lenientExpectations: Expectations = {
  success(reply) {
    assert.equal(reply.status, 200, `status of ${reply.text.slice(0, 300)}`);
    const body = lenientJson(reply);
    assert.equal(body.errno, 0, `errno of ${reply.text.slice(0, 300)}`);
    return body;
  },
  failure(reply, code) {
    const body = lenientJson(reply);
    assert.equal(body.errno, -1, `errno of ${reply.text.slice(0, 300)}`);
    if (body.code !== undefined) assert.equal(body.code, code, `code of ${reply.text.slice(0, 300)}`);
    const { status } = errorCatalogue[code];
    // The course answers every business failure with 200; a server that uses real statuses must use the catalogue's.
    if (status === 200) assert.equal(reply.status, 200, `status of ${reply.text.slice(0, 300)}`);
    else if (reply.status !== 200) assert.equal(reply.status, status, `status of ${reply.text.slice(0, 300)}`);
    return body;
  },
};
