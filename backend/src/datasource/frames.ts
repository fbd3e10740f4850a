import type { DsFrame, FieldType } from './schema';

/** A field with its values, before it is split into a frame's schema and data. */
export interface FieldValues {
  name: string;
  type: FieldType;
  values: unknown[];
  config?: Record<string, unknown>;
}

/** A column read from each row: what `fromRows` turns into a field. */
export interface Column<R> {
  name: string;
  type: FieldType;
  get: (row: R) => unknown;
  config?: Record<string, unknown>;
}

/**
 * Builds Grafana's `DataFrameJSON` (what `dataFrameFromJSON` reads): the fields' names, types and
 * config in `schema`, their values column by column in `data.values`. Every field needs as many values.
 */
export function frame(refId: string, name: string, fields: FieldValues[], meta?: Record<string, unknown>): DsFrame {
  const length = fields[0]?.values.length ?? 0;
  for (const f of fields) {
    if (f.values.length !== length) {
      throw new Error(`frame ${name}: field ${f.name} has ${f.values.length} values, ${fields[0].name} has ${length}`);
    }
  }
  return {
    schema: {
      refId,
      name,
      ...(meta ? { meta } : {}),
      fields: fields.map((f) => ({ name: f.name, type: f.type, ...(f.config ? { config: f.config } : {}) })),
    },
    data: { values: fields.map((f) => f.values) },
  };
}

/** A frame of one row per item: each column reads its value from the item. */
export function fromRows<R>(refId: string, name: string, rows: readonly R[], columns: Array<Column<R>>, meta?: Record<string, unknown>): DsFrame {
  return frame(
    refId,
    name,
    columns.map((c) => ({ name: c.name, type: c.type, config: c.config, values: rows.map(c.get) })),
    meta
  );
}

/** Reads a frame back as rows of `{field: value}`: what a table panel shows (for tests and debugging). */
export function rowsOf(f: DsFrame): Array<Record<string, unknown>> {
  const length = f.data.values[0]?.length ?? 0;
  return Array.from({ length }, (_, i) => Object.fromEntries(f.schema.fields.map((field, c) => [field.name, f.data.values[c][i]])));
}
