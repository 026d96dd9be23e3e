/**
 * The one thing migrations share besides 'kysely': the names of the databases they are written for.
 * Frozen with them: a migration that shipped runs the same SQL for ever, so it imports nothing that
 * can change later — no dialect object, no `Database` types. `up` and `down` get Kysely's own
 * `Kysely<any>` (the `Migration` interface, as Kysely's migration guide recommends); the helpers of a
 * migration take `Kysely<unknown>` because they run raw SQL only.
 */
import type { Migration } from 'kysely';

/** A database a migration is written for, named as `StorageDialect.name` names it. */
export type MigrationDialect = 'sqlite' | 'mysql' | 'postgres';

/** One migration, written out once per database. */
export type PerDialect = Readonly<Record<MigrationDialect, Migration>>;
