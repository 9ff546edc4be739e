/**
 * Throw-away PostgreSQL databases on the server of `TEST_DATABASE_URL` (or any admin URL): the API
 * migrates and seeds an empty one itself.
 */
import pg from 'pg';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Runs one statement on a fresh connection to `adminUrl` (for what cannot run inside the target database). */
export async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new empty database on the server behind `adminUrl`, named with `prefix` and a random suffix. */
export async function createScratchDatabase(
  adminUrl: string,
  prefix = 'pulsestage_test',
): Promise<ScratchDatabase> {
  const name = `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`),
  };
}
