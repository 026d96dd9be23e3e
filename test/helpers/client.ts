/**
 * The black-box HTTP client and envelope assertions of the tests: the same code `blog-server
 * contract-test` runs (src/contract-test/), so the tests and the command check answers alike.
 */
import { assertEnvelope } from '../../src/contract-test/envelope-assertions.ts';

export { Client, type Envelope, type Reply, type RequestOptions } from '../../src/contract-test/http-client.ts';
export { assertEnvelope } from '../../src/contract-test/envelope-assertions.ts';

/** A backend (database, session store) was away: the 503 envelope with its code. */
export function assertServiceUnavailable(reply: Parameters<typeof assertEnvelope>[0]): void {
  assertEnvelope(reply, 503, -1, 'SERVICE_UNAVAILABLE', '服务暂时不可用，请稍后再试');
}
