/**
 * Reads a database's schema from its own catalogue (sqlite_master and pragmas, information_schema,
 * pg_catalog) as sorted lines of text, one fact per line, so that two schemas compare line by line
 * and a snapshot diffs readably in git. Only what a migration decides is read: names, types,
 * nullability, defaults, keys, indexes, triggers and their bodies; never owners, definers, sizes or
 * anything else that differs between two machines.
 */
import type SqliteDatabase from 'better-sqlite3';
import type mysql from 'mysql2/promise';
import type pg from 'pg';

type Row = Record<string, unknown>;

/** Collapses runs of white space, so that re-indenting a trigger's SQL is not a schema change. */
function squash(text: unknown): string {
  return String(text).replace(/\s+/g, ' ').trim();
}

function text(value: unknown): string {
  return value === null || value === undefined ? 'null' : String(value);
}

/** Lines grouped under a header (`table users`), groups and their lines sorted. */
function render(groups: Map<string, string[]>): string[] {
  return [...groups.keys()].sort().flatMap((header) => [header, ...(groups.get(header) ?? []).map((line) => `  ${line}`)]);
}

function add(groups: Map<string, string[]>, header: string, line?: string): void {
  const lines = groups.get(header) ?? [];
  if (line !== undefined) lines.push(line);
  groups.set(header, lines);
}

/** Applied migrations by name, in the order the migrator ran them. */
function migrationLines(names: readonly unknown[]): string[] {
  return names.map((name) => `migration ${text(name)}`);
}

/** A SQLite file's tables (with rowid and autoincrement), columns, indexes, triggers and applied migrations. */
export function readSqliteSchema(database: SqliteDatabase.Database, migrationTable: string): string[] {
  const groups = new Map<string, string[]>();
  const objects = database.prepare("select type, name, tbl_name as tableName, sql from sqlite_master where name not like 'sqlite_%' order by name").all() as Row[];
  for (const object of objects.filter((row) => row.type === 'table')) {
    const table = String(object.name);
    const header = `table ${table}`;
    const [info] = database.prepare('select wr as withoutRowid, strict from pragma_table_list where name = ?').all(table) as Row[];
    const add_ = (line: string) => add(groups, header, line);
    add_(`options${info?.withoutRowid ? ' without rowid' : ' rowid'}${info?.strict ? ' strict' : ''}${/\bautoincrement\b/i.test(String(object.sql)) ? ' autoincrement' : ''}`);
    for (const column of database.prepare('select cid, name, type, "notnull" as "notNull", dflt_value as defaultValue, pk, hidden from pragma_table_xinfo(?) order by cid').all(table) as Row[]) {
      add_(`column ${String(Number(column.cid) + 1).padStart(2, '0')} ${text(column.name)} ${text(column.type) || 'untyped'}${column.notNull ? ' not null' : ' null'}${column.defaultValue === null ? '' : ` default ${text(column.defaultValue)}`}${column.pk ? ` primary key ${text(column.pk)}` : ''}${column.hidden ? ` hidden ${text(column.hidden)}` : ''}`);
    }
    for (const index of database.prepare('select name, "unique" as "isUnique", origin, partial from pragma_index_list(?)').all(table) as Row[]) {
      const columns = (database.prepare('select name, "desc" as "descending", coll as collation from pragma_index_xinfo(?) where key = 1 order by seqno').all(String(index.name)) as Row[])
        .map((column) => `${text(column.name)}${column.collation === 'BINARY' ? '' : ` collate ${text(column.collation)}`}${column.descending ? ' desc' : ''}`);
      // Automatic indexes (primary keys, unique constraints) have generated names: name them by origin.
      const name = index.origin === 'c' ? String(index.name) : `(${text(index.origin)})`;
      add_(`index ${name}${index.isUnique ? ' unique' : ''}${index.partial ? ' partial' : ''} (${columns.join(', ')})`);
    }
    for (const key of database.prepare('select "from" as source, "table" as target, "to" as targetColumn, on_update as onUpdate, on_delete as onDelete from pragma_foreign_key_list(?)').all(table) as Row[]) {
      add_(`foreign key ${text(key.source)} → ${text(key.target)}(${text(key.targetColumn)}) on update ${text(key.onUpdate)} on delete ${text(key.onDelete)}`);
    }
  }
  for (const trigger of objects.filter((row) => row.type === 'trigger')) {
    add(groups, `table ${String(trigger.tableName)}`, `trigger ${String(trigger.name)}: ${squash(trigger.sql)}`);
  }
  for (const view of objects.filter((row) => row.type === 'view')) add(groups, `view ${String(view.name)}`, squash(view.sql));
  for (const lines of groups.values()) lines.sort();
  const applied = database.prepare(`select name from "${migrationTable}" order by name`).pluck().all();
  return [...render(groups), ...migrationLines(applied)];
}

/** A MariaDB/MySQL database's tables (engine, collation), columns, indexes, triggers and applied migrations. */
export async function readMysqlSchema(connection: mysql.Connection, migrationTable: string): Promise<string[]> {
  const query = async (statement: string, values: unknown[] = []) => (await connection.query(statement, values))[0] as Row[];
  const groups = new Map<string, string[]>();
  for (const table of await query('select table_name as name, engine, table_collation as collation from information_schema.tables where table_schema = database() and table_type = ?', ['BASE TABLE'])) {
    add(groups, `table ${String(table.name)}`, `options engine ${text(table.engine)} collate ${text(table.collation)}`);
  }
  const columns = await query(`select table_name as tableName, ordinal_position as position, column_name as name, column_type as type, is_nullable as nullable,
      column_default as defaultValue, extra, collation_name as collation
    from information_schema.columns where table_schema = database()`);
  for (const column of columns) {
    add(groups, `table ${String(column.tableName)}`, `column ${String(column.position).padStart(2, '0')} ${text(column.name)} ${text(column.type)}${column.nullable === 'YES' ? ' null' : ' not null'}`
      + `${column.defaultValue === null ? '' : ` default ${text(column.defaultValue)}`}${column.extra ? ` ${text(column.extra)}` : ''}${column.collation === null ? '' : ` collate ${text(column.collation)}`}`);
  }
  const indexColumns = await query(`select table_name as tableName, index_name as name, non_unique as nonUnique, seq_in_index as seq, column_name as columnName, sub_part as prefix
    from information_schema.statistics where table_schema = database() order by table_name, index_name, seq_in_index`);
  const indexes = new Map<string, { table: string; unique: boolean; columns: string[] }>();
  for (const row of indexColumns) {
    const key = `${String(row.tableName)}.${String(row.name)}`;
    const index = indexes.get(key) ?? { table: String(row.tableName), unique: Number(row.nonUnique) === 0, columns: [] };
    index.columns.push(`${text(row.columnName)}${row.prefix === null ? '' : `(${text(row.prefix)})`}`);
    indexes.set(key, index);
  }
  for (const [key, index] of indexes) add(groups, `table ${index.table}`, `index ${key.slice(index.table.length + 1)}${index.unique ? ' unique' : ''} (${index.columns.join(', ')})`);
  for (const trigger of await query(`select trigger_name as name, event_object_table as tableName, action_timing as timing, event_manipulation as event,
      action_orientation as orientation, action_statement as statement from information_schema.triggers where trigger_schema = database()`)) {
    add(groups, `table ${String(trigger.tableName)}`, `trigger ${String(trigger.name)}: ${text(trigger.timing).toLowerCase()} ${text(trigger.event).toLowerCase()} for each ${text(trigger.orientation).toLowerCase()} ${squash(trigger.statement)}`);
  }
  for (const routine of await query('select routine_name as name, routine_type as type from information_schema.routines where routine_schema = database()')) {
    add(groups, `${text(routine.type).toLowerCase()} ${String(routine.name)}`);
  }
  for (const lines of groups.values()) lines.sort();
  const applied = (await query(`select name from \`${migrationTable}\` order by name`)).map((row) => row.name);
  return [...render(groups), ...migrationLines(applied)];
}

/** A PostgreSQL schema's tables, columns, constraints, indexes, triggers, functions and applied migrations. */
export async function readPostgresSchema(client: pg.Client, migrationTable: string): Promise<string[]> {
  const query = async (statement: string) => (await client.query<Row>(statement)).rows;
  const groups = new Map<string, string[]>();
  for (const table of await query("select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'")) {
    add(groups, `table ${String(table.name)}`);
  }
  const columns = await query(`select table_name as "tableName", ordinal_position as position, column_name as name, data_type as type,
      character_maximum_length as length, is_nullable as nullable, column_default as "defaultValue", is_identity as identity, identity_generation as generation
    from information_schema.columns where table_schema = current_schema()`);
  for (const column of columns) {
    add(groups, `table ${String(column.tableName)}`, `column ${String(column.position).padStart(2, '0')} ${text(column.name)} ${text(column.type)}${column.length === null ? '' : `(${text(column.length)})`}`
      + `${column.nullable === 'YES' ? ' null' : ' not null'}${column.defaultValue === null ? '' : ` default ${text(column.defaultValue)}`}${column.identity === 'YES' ? ` generated ${text(column.generation).toLowerCase()} as identity` : ''}`);
  }
  for (const constraint of await query(`select c.conname as name, t.relname as "tableName", pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_class t on t.oid = c.conrelid where t.relnamespace = current_schema()::regnamespace`)) {
    add(groups, `table ${String(constraint.tableName)}`, `constraint ${String(constraint.name)} ${squash(constraint.definition)}`);
  }
  for (const index of await query('select tablename as "tableName", indexname as name, indexdef as definition from pg_indexes where schemaname = current_schema()')) {
    add(groups, `table ${String(index.tableName)}`, `index ${String(index.name)}: ${squash(index.definition)}`);
  }
  for (const trigger of await query(`select tg.tgname as name, t.relname as "tableName", pg_get_triggerdef(tg.oid) as definition
    from pg_trigger tg join pg_class t on t.oid = tg.tgrelid where not tg.tgisinternal and t.relnamespace = current_schema()::regnamespace`)) {
    add(groups, `table ${String(trigger.tableName)}`, `trigger ${String(trigger.name)}: ${squash(trigger.definition)}`);
  }
  for (const routine of await query('select proname as name, pg_get_functiondef(oid) as definition from pg_proc where pronamespace = current_schema()::regnamespace')) {
    add(groups, `function ${String(routine.name)}`, squash(routine.definition));
  }
  for (const lines of groups.values()) lines.sort();
  const applied = (await query(`select name from "${migrationTable}" order by name`)).map((row) => row.name);
  return [...render(groups), ...migrationLines(applied)];
}
