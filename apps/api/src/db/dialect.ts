import { PostgresAdapter, type QueryExecutorProvider } from 'kysely';

/** The few statements that differ between the two dialects (full-text search) ask this. */
export const isPostgres = (db: { getExecutor: QueryExecutorProvider['getExecutor'] }): boolean =>
  db.getExecutor().adapter instanceof PostgresAdapter;
