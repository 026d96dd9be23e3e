/** This blog-server's version and the schema versions it knows, for a backup's manifest and its checks. */
import { readFileSync } from 'node:fs';
import { migrationsFor } from '../../storage/migrations/index.ts';

/** The `version` of package.json, which sits two folders above both src/ops/ and dist/ops/. */
export function blogServerVersion(): string {
  const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}

/** The migration names in order: a schema version is the last one applied. The same for every dialect. */
export function knownSchemaVersions(): string[] {
  return Object.keys(migrationsFor('sqlite'));
}
