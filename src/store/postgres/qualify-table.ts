import { quoteIdent } from './run-postgres-migrations.ts';

/** `"schema".table`, or the bare table (the connection's search_path) without a schema. */
export function qualifyTable(schema: string | undefined, table: string): string {
  return (schema === undefined ? '' : `${quoteIdent(schema)}.`) + table;
}
