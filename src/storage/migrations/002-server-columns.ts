/**
 * What a real server needs on top of the course's tables: `blogs.updatetime`, unique usernames,
 * indexes for the newest-first list (whole table and per author), and password columns wide enough
 * for scrypt. Every step checks before it acts, so it is safe on course-made databases and can be
 * re-run where DDL is not transactional (MySQL).
 */
import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { PerDialect } from './per-dialect.ts';

/** How one database answers "is it there yet?", and widens the course's short columns. */
interface Catalogue {
  hasColumn(db: Kysely<unknown>, table: string, column: string): Promise<boolean>;
  hasIndex(db: Kysely<unknown>, table: string, index: string): Promise<boolean>;
  /** Widens course columns too short for blog-server (e.g. `password varchar(32)`). */
  widenCourseColumns(db: Kysely<unknown>): Promise<void>;
  /** Whether DROP INDEX names the table (MySQL) or not (indexes have schema-wide names). */
  dropIndexNamesTable: boolean;
}

/** Created as Kysely's schema builder wrote them when this shipped (SQLite keeps the text of a CREATE). */
const indexes = [
  { name: 'users_username_unique', table: 'users', columns: ['username'], unique: true },
  { name: 'blogs_createtime_id', table: 'blogs', columns: ['createtime', 'id'], unique: false },
  { name: 'blogs_author_createtime_id', table: 'blogs', columns: ['author', 'createtime', 'id'], unique: false },
] as const;

/** The width each course column gets at least. */
const minimumWidths: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  users: { username: 64, password: 255, realname: 64 },
  blogs: { title: 1024, author: 64 },
};

async function found(db: Kysely<unknown>, query: RawBuilder<unknown>): Promise<boolean> {
  return (await query.execute(db)).rows.length > 0;
}

function migration(catalogue: Catalogue): Migration {
  return {
    async up(db) {
      // SQLite keeps the text of an ALTER in its CREATE statement, so the identifiers are quoted as then.
      if (!(await catalogue.hasColumn(db, 'blogs', 'updatetime'))) await sql`alter table ${sql.id('blogs')} add column ${sql.id('updatetime')} bigint`.execute(db);
      await catalogue.widenCourseColumns(db);
      for (const index of indexes) {
        if (await catalogue.hasIndex(db, index.table, index.name)) continue;
        const columns = sql.join(index.columns.map((column) => sql.id(column)));
        await sql`create ${sql.raw(index.unique ? 'unique index' : 'index')} ${sql.id(index.name)} on ${sql.id(index.table)} (${columns})`.execute(db);
      }
    },
    async down(db) {
      for (const index of indexes) {
        if (!(await catalogue.hasIndex(db, index.table, index.name))) continue;
        await sql`drop index ${sql.id(index.name)}${catalogue.dropIndexNamesTable ? sql` on ${sql.id(index.table)}` : sql``}`.execute(db);
      }
    },
  };
}

const sqlite: Catalogue = {
  hasColumn: (db, table, column) => found(db, sql`select 1 from pragma_table_info(${table}) where name = ${column}`),
  hasIndex: (db, table, index) => found(db, sql`select name from sqlite_master where type = 'index' and tbl_name = ${table} and name = ${index}`),
  async widenCourseColumns() {
    // SQLite does not enforce varchar lengths.
  },
  dropIndexNamesTable: false,
};

interface MysqlColumn {
  name: string;
  length: number | null;
  collation: string | null;
  nullable: string;
  defaultValue: string | null;
}

/**
 * The DEFAULT clause of a column being redefined. MariaDB reports string defaults quoted (`'x'`)
 * and no default as NULL or 'NULL'; MySQL 8 reports them unquoted.
 */
function mysqlDefaultClause(column: MysqlColumn): RawBuilder<unknown> {
  const value = column.defaultValue;
  if (value === null || value === 'NULL') return sql``;
  if (value.startsWith("'")) return sql` default ${sql.raw(value)}`;
  return sql` default ${sql.lit(value)}`;
}

const mysql: Catalogue = {
  hasColumn: (db, table, column) => found(db, sql`select 1 as found from information_schema.columns
    where table_schema = database() and table_name = ${table} and column_name = ${column} limit 1`),
  hasIndex: (db, table, index) => found(db, sql`select 1 as found from information_schema.statistics
    where table_schema = database() and table_name = ${table} and index_name = ${index} limit 1`),
  async widenCourseColumns(db) {
    for (const table of ['users', 'blogs']) {
      const tableCollation = await sql<{ collation: string | null }>`select table_collation as collation from information_schema.tables
        where table_schema = database() and table_name = ${table}`.execute(db);
      const readColumns = async () => (await sql<MysqlColumn>`select column_name as name, character_maximum_length as length,
          collation_name as collation, is_nullable as nullable, column_default as defaultValue
        from information_schema.columns where table_schema = database() and table_name = ${table}`.execute(db)).rows;
      // A course database is often utf8 (3 bytes: no emoji) or latin1, and compares case-blind.
      const columns = await readColumns();
      const converted = tableCollation.rows[0]?.collation === 'utf8mb4_bin' && columns.every((column) => column.collation === null || column.collation === 'utf8mb4_bin');
      if (!converted) await sql`alter table ${sql.id(table)} convert to character set utf8mb4 collate utf8mb4_bin`.execute(db);

      const widths = minimumWidths[table] ?? {};
      const narrow = (await readColumns()).filter((column) => {
        const wanted = widths[column.name];
        return wanted !== undefined && column.length !== null && Number(column.length) < wanted;
      });
      if (narrow.length === 0) continue;
      const changes = narrow.map((column) => sql`modify column ${sql.id(column.name)} varchar(${sql.raw(String(widths[column.name]))})
        character set utf8mb4 collate utf8mb4_bin ${sql.raw(column.nullable === 'YES' ? 'null' : 'not null')}${mysqlDefaultClause(column)}`);
      await sql`alter table ${sql.id(table)} ${sql.join(changes)}`.execute(db);
    }
  },
  dropIndexNamesTable: true,
};

const postgres: Catalogue = {
  hasColumn: (db, table, column) => found(db, sql`select 1 as found from information_schema.columns
    where table_schema = current_schema() and table_name = ${table} and column_name = ${column} limit 1`),
  hasIndex: (db, table, index) => found(db, sql`select 1 as found from pg_indexes
    where schemaname = current_schema() and tablename = ${table} and indexname = ${index} limit 1`),
  async widenCourseColumns(db) {
    const { rows } = await sql<{ table: string; column: string; length: number | null }>`select table_name as table, column_name as column,
        character_maximum_length as length
      from information_schema.columns where table_schema = current_schema() and table_name in ('users', 'blogs')`.execute(db);
    for (const row of rows) {
      const wanted = minimumWidths[row.table]?.[row.column];
      if (wanted === undefined || row.length === null || row.length >= wanted) continue;
      await sql`alter table ${sql.id(row.table)} alter column ${sql.id(row.column)} type varchar(${sql.raw(String(wanted))})`.execute(db);
    }
  },
  dropIndexNamesTable: false,
};

export const serverColumns: PerDialect = {
  sqlite: migration(sqlite),
  mysql: migration(mysql),
  postgres: migration(postgres),
};
