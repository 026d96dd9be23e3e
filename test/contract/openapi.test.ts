/**
 * The OpenAPI description: generated from the route table, committed as docs/openapi.json (the same
 * text), served at /api/openapi.json, valid OpenAPI 3.1 — and the route table, the description and
 * docs/API.md agree both ways: every route and method is in both, nothing else is, and every error a
 * route may answer is described and in API.md's catalogue.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { validate, compileErrors } from '@readme/openapi-parser';
import { errorCatalogue, type ErrorCode } from '../../src/core/errors.ts';
import { documentedOpenApi } from '../../src/http/openapi-file.ts';
import { apiRoutes } from '../../src/http/routes.ts';
import { Client } from '../helpers/client.ts';
import { startTestServer, type TestServer } from '../helpers/start-server.ts';

interface Operation {
  responses: Record<string, unknown>;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
  security?: unknown[];
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { in: string; name: string }> };
}

const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
const apiMd = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');
const document = JSON.parse(committed) as OpenApi;
const options = { unsafeGetLogin: false, titleMaxLength: 100, contentMaxLength: 100_000, cookieName: 'blog_sid', bodyLimitBytes: 1024 * 1024, sitemapPageSize: 50_000 };
const routes = apiRoutes(options);

/** `METHOD path` of every route in the table. */
const tableOperations = new Set(routes.flatMap((route) => route.methods.map((method) => `${method} ${route.path}`)));

describe('OpenAPI description', () => {
  it('docs/openapi.json is what the route table generates (node scripts/openapi.mjs --write)', () => {
    assert.equal(committed, documentedOpenApi());
  });

  it('is valid OpenAPI 3.1', async () => {
    const result = await validate(structuredClone(document) as unknown as Parameters<typeof validate>[0]);
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
    assert.equal(document.openapi, '3.1.0');
  });

  it('describes every route and method of the table, and nothing else', () => {
    const described = new Set(Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`)));
    assert.deepEqual([...described].sort(), [...tableOperations].sort());
  });

  it('describes each route\'s parameters, body fields, login, errors and paging headers', () => {
    for (const route of routes) {
      for (const method of route.methods) {
        const operation = document.paths[route.path]?.[method.toLowerCase()];
        assert.ok(operation, `${method} ${route.path}`);
        assert.deepEqual((operation.parameters ?? []).map((parameter) => parameter.name).sort(), Object.keys(route.query).sort());
        if (method === 'POST' && Object.keys(route.body).length > 0) {
          assert.deepEqual(Object.keys(operation.requestBody?.content['application/json']?.schema.properties ?? {}).sort(), Object.keys(route.body).sort());
          assert.ok(operation.requestBody?.content['application/x-www-form-urlencoded'], 'forms too');
        }
        assert.equal(operation.security !== undefined, route.auth === 'user', `${method} ${route.path} security`);
        const text = JSON.stringify(operation.responses);
        for (const code of route.errors) {
          assert.ok(text.includes(`"${code}"`), `${method} ${route.path} describes ${code}`);
          assert.ok(`${errorCatalogue[code].status}` in operation.responses, `${method} ${route.path} answers HTTP ${errorCatalogue[code].status}`);
        }
      }
    }
    assert.match(JSON.stringify(document.paths['/api/blog/list']?.get?.responses['200']), /X-Total-Count.*Link|Link.*X-Total-Count/);
    assert.deepEqual(document.components.securitySchemes.session, { ...document.components.securitySchemes.session, in: 'cookie', name: 'blog_sid' });
    assert.match(JSON.stringify(document.paths['/api/blog/new']), /"maxLength":100\b/);
  });

  it('agrees with docs/API.md both ways: every route is in it, every path in it is a route', () => {
    const rows = [...apiMd.matchAll(/^\| (?:GET|POST) \| (\/[^ |]+) \|/gm)].map((match) => match[1] ?? '');
    const documented = new Set([...[...apiMd.matchAll(/\/api\/[A-Za-z0-9/._-]*[A-Za-z0-9]/g)].map((match) => match[0]), ...rows]);
    const tablePaths = new Set(routes.map((route) => route.path));
    assert.deepEqual([...tablePaths].filter((path) => !documented.has(path)), [], 'routes missing from docs/API.md');
    // The unsafe GET login is the same path as the POST one; nothing else may be documented that the table lacks.
    assert.deepEqual([...documented].filter((path) => !tablePaths.has(path)), [], 'paths in docs/API.md that no route serves');
    // The rows of the endpoint tables name a method the route has.
    for (const [, method, path] of apiMd.matchAll(/^\| (GET|POST) \| (\/[^ |]+) \|/gm)) {
      assert.ok(tableOperations.has(`${method} ${path}`), `docs/API.md row ${method} ${path} is a route`);
    }
  });

  it('every error a route may answer is in API.md\'s catalogue and in the description', () => {
    const answered = new Set<ErrorCode>(routes.flatMap((route) => [...route.errors]));
    const described = JSON.stringify(document.paths);
    for (const code of answered) {
      assert.match(apiMd, new RegExp(`\\| \`${code}\` \\| ${errorCatalogue[code].status} \\|`), `${code} in docs/API.md`);
      assert.ok(described.includes(`"${code}"`), `${code} described`);
    }
  });

  describe('served', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ engine: 'express' });
    });
    after(() => server.close());

    it('at /api/openapi.json, as committed', async () => {
      const reply = await new Client(server.url).get('/api/openapi.json');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(JSON.parse(reply.text), document);
    });
  });
});
