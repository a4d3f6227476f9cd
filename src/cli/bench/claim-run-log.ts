import pg from "pg";
import type { TaskRecord } from "../../tasks/task-types.js";

/**
 * A side table in the queue's own PostgreSQL where the claim runner writes down each run. Start
 * and end take numbers from one sequence, which every session draws from in the order the calls
 * reach the server: two runs overlapped exactly when their [start_seq, end_seq] intervals do, with
 * no clock involved. A run's interval lies inside its claim and its finish, so it shows what the
 * claim rules allowed to run at once.
 */
export interface ClaimRun {
  taskId: string;
  installationId: number;
  owner: string;
  repo: string;
  number: number;
  worker: string;
  startSeq: number;
  endSeq: number;
}

/** Creates the table; the parent does it once, before the runners start, so they never race on DDL. */
export async function createClaimRunLog(url: string): Promise<void> {
  await withClient(url, (c) => c.query(`
    CREATE SEQUENCE IF NOT EXISTS bench_run_seq;
    CREATE TABLE IF NOT EXISTS bench_runs (
      id BIGSERIAL PRIMARY KEY, task_id TEXT NOT NULL, installation_id BIGINT NOT NULL, owner TEXT NOT NULL, repo TEXT NOT NULL,
      number INTEGER NOT NULL, worker TEXT NOT NULL, start_seq BIGINT NOT NULL, end_seq BIGINT)`));
}

export async function readClaimRuns(url: string): Promise<ClaimRun[]> {
  const { rows } = await withClient(url, (c) => c.query("SELECT * FROM bench_runs ORDER BY start_seq"));
  return rows.map((r: Record<string, unknown>) => ({
    taskId: String(r.task_id), installationId: Number(r.installation_id), owner: String(r.owner), repo: String(r.repo),
    number: Number(r.number), worker: String(r.worker), startSeq: Number(r.start_seq), endSeq: r.end_seq === null ? Number.NaN : Number(r.end_seq),
  }));
}

/** The runner's side: one row per run, its start and its end. */
export class ClaimRunLog {
  private constructor(private readonly pool: pg.Pool) {}

  static open(url: string): ClaimRunLog {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on("error", () => undefined);
    return new ClaimRunLog(pool);
  }

  /** Records that `worker` started the task; returns the run's id for `end`. */
  async start(task: TaskRecord, worker: string): Promise<string> {
    const { rows } = await this.pool.query(
      "INSERT INTO bench_runs (task_id, installation_id, owner, repo, number, worker, start_seq) VALUES ($1, $2, $3, $4, $5, $6, nextval('bench_run_seq')) RETURNING id",
      [task.id, task.installationId, task.owner, task.repo, task.number, worker],
    );
    return String((rows[0] as { id: string }).id);
  }

  async end(runId: string): Promise<void> {
    await this.pool.query("UPDATE bench_runs SET end_seq = nextval('bench_run_seq') WHERE id = $1", [runId]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
