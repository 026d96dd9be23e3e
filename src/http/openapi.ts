/**
 * The API's OpenAPI 3.1 description, generated from the route table: each route's methods, its
 * declared query and body fields, what a success carries (data in the course envelope, a document,
 * headers), and every error it may answer — grouped by HTTP status, with the catalogue's codes and
 * messages. Served at `/api/openapi.json` and committed as docs/openapi.json
 * (`node scripts/openapi.mjs --write`).
 */
import { errorCatalogue, type ErrorCode } from '../core/errors.ts';
import type { FieldSpec, FieldSpecs } from './inputs.ts';
import type { Method, Route } from './route.ts';

export interface OpenApiOptions {
  /** The session cookie's name (SESSION_COOKIE). */
  cookieName: string;
  /** The largest request body, bytes (BODY_LIMIT). */
  bodyLimitBytes: number;
}

/** The version of the API described (not of the package): the course's contract with blog-server's additions. */
const apiVersion = '1.0.0';

type Json = Record<string, unknown>;

function fieldSchema(spec: FieldSpec): Json {
  switch (spec.kind) {
    case 'id':
    case 'integer':
      return { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
    case 'text':
      return { type: 'string' };
    case 'flag':
      return { type: 'string', description: 'on for any non-empty value' };
    case 'string':
      return spec.maxLength === undefined ? { type: 'string' } : { type: 'string', maxLength: spec.maxLength };
    case 'word':
      return { type: 'string', enum: spec.values };
    case 'time':
      return { type: 'integer', minimum: 0, description: 'milliseconds since the epoch' };
  }
}

function parameters(query: FieldSpecs): Json[] {
  return Object.entries(query).map(([name, spec]) => ({ name, in: 'query', required: spec.kind === 'id', description: spec.description, schema: fieldSchema(spec) }));
}

function requestBody(body: FieldSpecs, bodyLimitBytes: number): Json | undefined {
  if (Object.keys(body).length === 0) return undefined;
  const properties = Object.fromEntries(Object.entries(body).map(([name, spec]) => [name, { ...fieldSchema(spec), description: spec.description }]));
  const schema = { type: 'object', properties };
  return {
    description: `JSON or a urlencoded form, at most ${bodyLimitBytes} bytes (BODY_LIMIT); undeclared fields are ignored`,
    content: { 'application/json': { schema }, 'application/x-www-form-urlencoded': { schema } },
  };
}

const failureRef = (codes: readonly ErrorCode[]): Json => ({
  allOf: [{ $ref: '#/components/schemas/Failure' }, { type: 'object', properties: { code: { enum: codes } } }],
});

const describeCodes = (codes: readonly ErrorCode[]) => codes.map((code) => `\`${code}\` ${errorCatalogue[code].message}`).join('; ');

/** The headers some failures carry. */
const failureHeaders: Partial<Record<ErrorCode, Json>> = {
  TOO_MANY_LOGIN_ATTEMPTS: { 'Retry-After': { description: 'seconds until the login limit\'s window ends', schema: { type: 'integer' } } },
};

function responses(route: Route): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...route.errors].sort()) {
    const { status } = errorCatalogue[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const answers: Json = {};
  const business = byStatus.get(200) ?? [];
  const headers = Object.fromEntries(Object.entries(route.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  if (route.document !== undefined) {
    answers['200'] = { description: 'the document', headers, content: { [route.document]: { schema: { type: 'string' } } } };
  } else {
    const success = route.data === undefined
      ? { $ref: '#/components/schemas/Success' }
      : { allOf: [{ $ref: '#/components/schemas/Success' }, { type: 'object', required: ['data'], properties: { data: route.data } }] };
    answers['200'] = {
      description: business.length === 0 ? 'success (`errno: 0`)' : `success (\`errno: 0\`), or a business failure (\`errno: -1\`): ${describeCodes(business)}`,
      ...(Object.keys(headers).length === 0 ? {} : { headers }),
      content: { 'application/json': { schema: business.length === 0 ? success : { oneOf: [success, failureRef(business)] } } },
    };
  }
  for (const [status, codes] of byStatus) {
    if (status === 200) continue;
    const extra = Object.assign({}, ...codes.map((code) => failureHeaders[code] ?? {})) as Json;
    answers[String(status)] = {
      description: describeCodes(codes),
      ...(Object.keys(extra).length === 0 ? {} : { headers: extra }),
      content: { 'application/json': { schema: failureRef(codes) } },
    };
  }
  return answers;
}

/** `get /api/blog/list` → `getBlogList`. */
function operationId(method: Method, path: string): string {
  const words = path.replace(/^\/(api\/)?/, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join('');
}

function operation(route: Route, method: Method, options: OpenApiOptions): Json {
  const body = method === 'POST' ? requestBody(route.body, options.bodyLimitBytes) : undefined;
  return {
    operationId: operationId(method, route.path),
    summary: route.summary,
    tags: [route.path.startsWith('/api/') ? route.path.split('/')[2] : 'site'],
    ...(Object.keys(route.query).length === 0 ? {} : { parameters: parameters(route.query) }),
    ...(body === undefined ? {} : { requestBody: body }),
    ...(route.auth === 'user' ? { security: [{ session: [] }] } : {}),
    responses: responses(route),
  };
}

const codes = Object.keys(errorCatalogue) as ErrorCode[];

export function openApiDocument(routes: readonly Route[], options: OpenApiOptions): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    for (const method of route.methods) paths[route.path] = { ...paths[route.path], [method.toLowerCase()]: operation(route, method, options) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'blog-server',
      version: apiVersion,
      summary: 'The Node.js course\'s blog API, kept exactly, with blog-server\'s additions',
      description: [
        'Every `/api/*` answer is the course envelope: `{ errno: 0, data }` on success, `{ errno: -1, message, code }` on failure.',
        'Business failures answer HTTP 200 with `errno: -1`, as the course does; protocol failures answer with their real status.',
        'Any route may also answer 404 `ROUTE_NOT_FOUND` (no such path) and 405 `METHOD_NOT_ALLOWED` (with `Allow`).',
        'docs/API.md is the contract in prose.',
      ].join(' '),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    tags: [{ name: 'blog', description: 'blogs' }, { name: 'user', description: 'login and the session' }, { name: 'site', description: 'feeds, sitemap and the API description' }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: options.cookieName, description: 'set by a login (HttpOnly, SameSite=Lax); a signed random id' },
      },
      schemas: {
        Success: { type: 'object', required: ['errno'], properties: { errno: { const: 0 }, data: {} } },
        Failure: {
          type: 'object',
          required: ['errno', 'message', 'code'],
          properties: {
            errno: { const: -1 },
            message: { type: 'string', description: 'the catalogue\'s message, in Chinese as the course has it; `<message>: <detail>` when refined' },
            code: { $ref: '#/components/schemas/ErrorCode' },
          },
        },
        ErrorCode: {
          type: 'string',
          enum: codes,
          description: codes.map((code) => `${code}: HTTP ${errorCatalogue[code].status}, ${errorCatalogue[code].message}`).join('\n'),
        },
      },
    },
  };
}

/** The description as the text served and committed: indented JSON and a final newline. */
export function renderOpenApi(routes: readonly Route[], options: OpenApiOptions): string {
  return `${JSON.stringify(openApiDocument(routes, options), null, 2)}\n`;
}
