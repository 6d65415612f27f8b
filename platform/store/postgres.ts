import pg from 'pg';
import type { SqlDb, SqlValue } from './db';
import { quoteIdentifier } from './db';

type Queryable = pg.Pool | pg.PoolClient;

/** Queries over a pool, or over one client inside a transaction. */
class PgQueries implements SqlDb {
  readonly dialect = 'postgres' as const;
  constructor(protected readonly target: Queryable) {}

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.target.query(toPg(sql), params)).rows as T[];
  }

  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async run(sql: string, params: SqlValue[] = []): Promise<{ changes: number }> {
    return { changes: (await this.target.query(toPg(sql), params)).rowCount ?? 0 };
  }

  async exec(sql: string): Promise<void> {
    await this.target.query(sql);
  }

  async transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    return fn(this);
  }

  async close(): Promise<void> {}
}

export class PostgresDb extends PgQueries {
  private readonly pool: pg.Pool;

  /** `schema` isolates one installation (or one test run) in its own search_path. */
  constructor(url: string, schema?: string) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      ...(schema ? { options: `-c search_path=${quoteIdentifier(schema)}` } : {}),
    });
    super(pool);
    this.pool = pool;
  }

  override async transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(new PgQueries(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  override async close(): Promise<void> {
    await this.pool.end();
  }
}

/** `?` → `$1, $2…` (the store's SQL never contains a literal question mark). */
function toPg(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
