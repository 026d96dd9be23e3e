/**
 * One way to describe an error of an outside service (a database, Redis) for logs and start-up
 * messages: its message, else its code (`ECONNREFUSED`), else its name; every error of an
 * AggregateError (node's connect tries each address of a host), joined with `; `.
 */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(describeError).join('; ');
  if (error instanceof Error) return error.message || (codeOf(error) ?? error.name);
  return String(error);
}

/** The string `code` of a Node or driver error, if it has one. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
