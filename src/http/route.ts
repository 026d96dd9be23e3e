/**
 * What a route is: its methods and path, who may call it, the inputs it reads, the errors it may
 * answer and what a success carries — all as data, so engines mount it, the API validates its input
 * and the API's description is generated from it. The handler receives validated input and returns
 * an outcome; it never sees a framework, a request or a response.
 */
import type { BlogService } from '../core/blog-service.ts';
import type { ErrorCode } from '../core/errors.ts';
import type { SessionUser } from '../core/session-user.ts';
import type { UserService } from '../core/user-service.ts';
import { canBeInvalid, noFields, type FieldSpecs, type InputOf } from './inputs.ts';
import type { Query } from './query.ts';
import type { SessionChange } from './session-outcome.ts';
import type { Shape } from './shapes.ts';

export type Method = 'GET' | 'POST';

/** `user`: the login check runs first and answers `尚未登录` without a session. */
export type Auth = 'none' | 'user';

export interface Services {
  blogs: BlogService;
  users: UserService;
}

/** What a handler sees of one request: its declared, validated inputs and the session. */
export interface RouteInput<Q extends FieldSpecs = FieldSpecs, B extends FieldSpecs = FieldSpecs> {
  readonly query: InputOf<Q>;
  readonly body: InputOf<B>;
  readonly path: string;
  /** The whole query as sent, undeclared parameters included (the list's `Link` headers keep them). */
  readonly rawQuery: Query;
  readonly clientAddress: string;
  /** The `User-Agent` header, `''` when absent (for the audit log). */
  readonly userAgent: string;
  /** The signed session id the client sent, if any: the session a password change keeps. */
  readonly sessionCookie: string | undefined;
  /** A request header's value (the first, if repeated); undefined when absent. */
  header(name: string): string | undefined;
  /** The site's origin for absolute links (PUBLIC_URL, or the request's own): `https://host`. */
  origin(): string;
  /** The session's user, read from the store on first call; null when anonymous. */
  user(): Promise<SessionUser | null>;
  /** The session's user, or SESSION_REQUIRED. */
  requireUser(): Promise<SessionUser>;
}

/** A success in the course envelope: `{ errno: 0, data }`. */
export interface DataOutcome {
  data?: unknown;
  headers?: Record<string, string>;
  /** Start a new session for this user (a new id: no fixation), or end the current one. */
  session?: SessionChange;
}

/** A success that is a document of the route's declared content type (a feed, a sitemap, text). */
export interface DocumentOutcome {
  document: string;
  headers?: Record<string, string>;
}

export type RouteOutcome = DataOutcome | DocumentOutcome;

export interface RouteSpec<Q extends FieldSpecs, B extends FieldSpecs> {
  readonly methods: readonly Method[];
  readonly path: string;
  readonly auth: Auth;
  /** One line for the API's description. */
  readonly summary: string;
  /** Query parameters the handler reads. @default none */
  readonly query?: Q;
  /** Body fields the handler reads (POST only). @default none */
  readonly body?: B;
  /**
   * The catalogue errors the handler itself may answer. Those every route of its kind may answer are
   * added by `defineRoute` (see `impliedErrors`); answering any other is logged as a mistake.
   */
  readonly errors?: readonly ErrorCode[];
  /** The JSON Schema of the envelope's `data`; absent when a success carries none. */
  readonly data?: Shape;
  /** The content type of a document answer (`DocumentOutcome`), for routes that do not answer JSON. */
  readonly document?: string;
  /** The headers a success carries, name → description, for the API's description. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  handle(input: RouteInput<Q, B>, services: Services): Promise<RouteOutcome>;
}

/** A route of the table, its inputs and errors filled in. */
export interface Route {
  readonly methods: readonly Method[];
  readonly path: string;
  readonly auth: Auth;
  readonly summary: string;
  readonly query: FieldSpecs;
  readonly body: FieldSpecs;
  /** Every error the route may answer: its own and the implied ones. */
  readonly errors: ReadonlySet<ErrorCode>;
  readonly data: Shape | undefined;
  readonly document: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  handle(input: RouteInput, services: Services): Promise<RouteOutcome>;
}

/** Errors any route may answer: a failing backend, a bug. */
const everyRoute: readonly ErrorCode[] = ['SERVICE_UNAVAILABLE', 'INTERNAL_ERROR'];

/** The errors a route may answer by its declaration alone, whatever its handler does. */
function impliedErrors(spec: { methods: readonly Method[]; auth: Auth; query: FieldSpecs; body: FieldSpecs }): ErrorCode[] {
  const implied = [...everyRoute];
  if (spec.methods.includes('POST')) implied.push('MALFORMED_BODY', 'BODY_TOO_LARGE', 'CROSS_SITE_REQUEST');
  if (spec.auth === 'user') implied.push('SESSION_REQUIRED');
  const fields = [...Object.values(spec.query), ...Object.values(spec.body)];
  if (fields.some(canBeInvalid)) implied.push('INVALID_PARAMETER');
  return implied;
}

/** Declares a route: checks the declaration and fills in its defaults and implied errors. */
export function defineRoute<Q extends FieldSpecs = FieldSpecs, B extends FieldSpecs = FieldSpecs>(spec: RouteSpec<Q, B>): Route {
  const query = spec.query ?? noFields;
  const body = spec.body ?? noFields;
  if (spec.data !== undefined && spec.document !== undefined) throw new Error(`route ${spec.path}: a success is data or a document, not both`);
  if (Object.keys(body).length > 0 && !spec.methods.includes('POST')) throw new Error(`route ${spec.path}: body fields need POST`);
  const errors = new Set<ErrorCode>([...impliedErrors({ methods: spec.methods, auth: spec.auth, query, body }), ...(spec.errors ?? [])]);
  return {
    methods: spec.methods,
    path: spec.path,
    auth: spec.auth,
    summary: spec.summary,
    query,
    body,
    errors,
    data: spec.data,
    document: spec.document,
    headers: spec.headers ?? {},
    // The input was read from this route's own declaration (RequestContext), so it has Q's and B's shape.
    handle: spec.handle as Route['handle'],
  };
}
