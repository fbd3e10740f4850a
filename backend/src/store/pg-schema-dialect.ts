import {
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  type PostgresDialectConfig,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';

interface ColumnRow {
  table: string;
  table_type: string;
  column: string;
  not_null: boolean;
  has_default: boolean;
  auto_incrementing: boolean;
  type: string;
  type_schema: string;
  comment: string | null;
}

/**
 * Kysely's introspection of one schema, the store's, for its Migrator (which asks whether its
 * tables exist before every run).
 *
 * Kysely's own PostgreSQL introspector lists every table of every schema in the database and, for
 * each row, looks the schema and the table up again by name (`has_schema_privilege(nspname, ...)`,
 * `pg_get_serial_sequence('schema.table', ...)`). Another session that drops a schema meanwhile
 * (another tenant's store, in the same database) makes that query fail: its catalog scan still sees
 * the schema, the look-up by name no longer finds it, and the migration of THIS store fails with
 * `schema "<the other one>" does not exist`. This one reads the store's schema only, joining the
 * catalogs by OID: what other schemas do cannot make it fail.
 */
export class SchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly db: Kysely<any>,
    private readonly schema: string
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ nspname: string }>`
      select nspname from pg_catalog.pg_namespace where nspname = ${this.schema}`.execute(this.db);
    return rows.map((r) => ({ name: r.nspname }));
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const internal = options.withInternalKyselyTables
      ? sql``
      : sql`and c.relname not in (${DEFAULT_MIGRATION_TABLE}, ${DEFAULT_MIGRATION_LOCK_TABLE})`;
    // A serial or identity column owns a sequence (pg_depend 'a' or 'i'), in its table's schema: what
    // pg_get_serial_sequence finds, found by OID instead of by name.
    const { rows } = await sql<ColumnRow>`
      with ns as (select oid from pg_catalog.pg_namespace where nspname = ${this.schema}),
      owned as (
        select d.refobjid, d.refobjsubid from pg_catalog.pg_class s
        join pg_catalog.pg_depend d on d.classid = 'pg_catalog.pg_class'::regclass and d.objid = s.oid
        where s.relnamespace = (select oid from ns) and s.relkind = 'S'
          and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i')
      )
      select c.relname as "table", c.relkind as table_type, a.attname as "column",
        a.attnotnull as not_null, a.atthasdef as has_default, o.refobjid is not null as auto_incrementing,
        t.typname as "type", tns.nspname as type_schema, pg_catalog.col_description(c.oid, a.attnum) as "comment"
      from pg_catalog.pg_class c
      join pg_catalog.pg_attribute a on a.attrelid = c.oid
      join pg_catalog.pg_type t on t.oid = a.atttypid
      join pg_catalog.pg_namespace tns on tns.oid = t.typnamespace
      left join owned o on o.refobjid = c.oid and o.refobjsubid = a.attnum
      where c.relnamespace = (select oid from ns) and c.relkind in ('r', 'v', 'p')
        and a.attnum > 0 and not a.attisdropped ${internal}
      order by c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const r of rows) {
      let table = tables.get(r.table);
      if (!table) {
        table = { name: r.table, schema: this.schema, isView: r.table_type === 'v', columns: [] };
        tables.set(r.table, table);
      }
      table.columns.push({
        name: r.column,
        dataType: r.type,
        dataTypeSchema: r.type_schema,
        isAutoIncrementing: r.auto_incrementing,
        isNullable: !r.not_null,
        hasDefaultValue: r.has_default,
        comment: r.comment ?? undefined,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** Kysely's PostgreSQL dialect, with introspection (and so its Migrator's) kept to one schema. */
export class SchemaPostgresDialect extends PostgresDialect {
  constructor(
    config: PostgresDialectConfig,
    private readonly schema: string
  ) {
    super(config);
  }

  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SchemaIntrospector(db, this.schema);
  }
}
