import Database from 'better-sqlite3';

export type Dialect = 'sqlite' | 'postgres';
export type SqlValue = string | number | null;

/** The little SQL surface the store needs, the same over SQLite and PostgreSQL. SQL uses `?` placeholders. */
export interface SqlDb {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }>;
  exec(sql: string): Promise<void>;
  /** Runs fn inside one transaction. */
  transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** better-sqlite3 is synchronous; while a transaction awaits, other callers queue here instead of joining it. */
  private lock: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
  }

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    await this.lock;
    return this.direct.all<T>(sql, params);
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    await this.lock;
    return this.direct.get<T>(sql, params);
  }

  async run(sql: string, params: SqlValue[] = []): Promise<{ changes: number }> {
    await this.lock;
    return this.direct.run(sql, params);
  }

  async exec(sql: string): Promise<void> {
    await this.lock;
    this.db.exec(sql);
  }

  async transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await fn(this.direct);
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    await this.lock;
    this.db.close();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** The same operations without the queue, for use inside a transaction. */
  private readonly direct: SqlDb = {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: SqlValue[] = []) => this.statement(sql).all(...params) as T[],
    get: async <T>(sql: string, params: SqlValue[] = []) =>
      this.statement(sql).get(...params) as T | undefined,
    run: async (sql: string, params: SqlValue[] = []) => ({
      changes: this.statement(sql).run(...params).changes,
    }),
    exec: async (sql: string) => void this.db.exec(sql),
    transaction: async <T>(fn: (tx: SqlDb) => Promise<T>) => fn(this.direct),
    close: async () => undefined,
  };
}

export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid schema name: ${name}`);
  return `"${name}"`;
}

/** PostgreSQL when configured (loaded only then: an SQLite service keeps pg out of its heap), else SQLite. */
export async function openDb(options: {
  databaseUrl?: string;
  schema?: string;
  sqliteFile: string;
}): Promise<SqlDb> {
  if (!options.databaseUrl) return new SqliteDb(options.sqliteFile);
  const { PostgresDb } = await import('./postgres');
  return new PostgresDb(options.databaseUrl, options.schema);
}
