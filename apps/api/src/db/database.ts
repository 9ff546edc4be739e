import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CamelCasePlugin,
  Kysely,
  type Migration,
  type MigrationResultSet,
  Migrator,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import { initial } from './migrations/001-initial.js';
import { rejectedQuestions } from './migrations/002-rejected-questions.js';
import { removedMembers } from './migrations/003-removed-members.js';
import { meetings } from './migrations/004-meetings.js';
import { safety } from './migrations/005-safety.js';
import { auditIndexes } from './migrations/006-audit.js';
import { pulse } from './migrations/007-pulse.js';
import { sso } from './migrations/008-sso.js';
import { similarQuestions } from './migrations/009-similar-questions.js';
import { notifications } from './migrations/010-notifications.js';
import { tenantLanguage } from './migrations/011-tenant-language.js';
import type { Database, DatabaseSchema } from './schema.js';

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

const INT8_OID = 20;

function sqliteDialect(path: string): SqliteDialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // SQLite's lower() folds only ASCII; PostgreSQL's folds every script. Search must behave the same.
  database.function('lower', { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  return new SqliteDialect({ database: withStatementCache(database) });
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 prepares every query afresh, a sizeable share of a mutation's CPU; the same few
 * dozen statements run over and over, so prepared ones are kept (least recently used dropped first).
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

type ErrorLog = (message: string, error?: unknown) => void;

function postgresDialect(url: string, log: ErrorLog): PostgresDialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Counts and sequences are bigint; every value we store fits a double.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that breaks (a database restart) must not take the process down with it.
  pool.on('error', (error) => log('an idle PostgreSQL connection failed', error));
  return new PostgresDialect({ pool });
}

export function openDatabase(target: DatabaseTarget, log: ErrorLog = console.error): Database {
  const dialect = target.kind === 'sqlite' ? sqliteDialect(target.path) : postgresDialect(target.url, log);
  return new Kysely<DatabaseSchema>({ dialect, plugins: [new CamelCasePlugin()] });
}

/** Every migration by name, in the order they apply. */
export const MIGRATIONS = {
  '001-initial': initial,
  '002-rejected-questions': rejectedQuestions,
  '003-removed-members': removedMembers,
  '004-meetings': meetings,
  '005-safety': safety,
  '006-audit': auditIndexes,
  '007-pulse': pulse,
  '008-sso': sso,
  '009-similar-questions': similarQuestions,
  '010-notifications': notifications,
  '011-tenant-language': tenantLanguage,
} as const satisfies Record<string, Migration>;

export type MigrationName = keyof typeof MIGRATIONS;

function migrator(db: Database): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
}

function checkMigrated({ error, results }: MigrationResultSet): void {
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed`, { cause: error });
  }
}

export async function migrateToLatest(db: Database): Promise<void> {
  checkMigrated(await migrator(db).migrateToLatest());
}

/** Migrates up to and including `name`: a database as that release left it, for upgrade tests. */
export async function migrateTo(db: Database, name: MigrationName): Promise<void> {
  checkMigrated(await migrator(db).migrateTo(name));
}
