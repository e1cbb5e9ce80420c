import type { SyncOutcome, SyncPipeline } from './sync.pipeline';
import type { PipelineLogger } from './sync-ports';

/** One source's periodic run: the MISP server's `sync`, or one feed's `syncFeed`. */
export interface SyncJob {
  readonly name: string;
  /** Pause between the end of one run and the start of the next. */
  readonly intervalMs: number;
  run(): Promise<SyncOutcome>;
}

/** Something the runner starts after the state is restored and stops on shutdown. */
export interface RunnerTask {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Drives the pipeline: restore, then either one run of every job (`--once`) or each job on its
 * own interval until stopped. An interval is measured from the end of a run, so a slow MISP or
 * feed never stacks runs; the pipeline's batch lock keeps their writes apart. Side tasks (live
 * notifications) start after the first job's first run, so they apply changes on top of a synced
 * state.
 */
export class SyncRunner {
  private stopping = false;
  private readonly sleepers = new Set<() => void>();
  private loops: Promise<void>[] = [];
  private restored = false;
  private lastOutcome: SyncOutcome | undefined;
  private readonly outcomes = new Map<string, SyncOutcome>();

  constructor(
    private readonly pipeline: SyncPipeline,
    private readonly jobs: readonly SyncJob[],
    private readonly tasks: readonly RunnerTask[],
    private readonly logger: PipelineLogger,
  ) {}

  get isRestored(): boolean {
    return this.restored;
  }

  /** The outcome of the most recent run of any job. */
  get lastSync(): SyncOutcome | undefined {
    return this.lastOutcome;
  }

  /** The outcome of the most recent run of one job (`misp`, `feed:<name>`). */
  lastSyncOf(job: string): SyncOutcome | undefined {
    return this.outcomes.get(job);
  }

  /** `--once`: restore, one run of every job, true when all succeeded. */
  async runOnce(): Promise<boolean> {
    await this.restore();
    let ok = true;
    for (const job of this.jobs) ok = (await this.runJob(job)).ok && ok;
    return ok;
  }

  /** One run of one job, now (tests, and `--once` per source). Throws for an unknown job. */
  async run(jobName: string): Promise<SyncOutcome> {
    const job = this.jobs.find((candidate) => candidate.name === jobName);
    if (job === undefined) throw new Error(`no sync job named ${jobName}`);
    return this.runJob(job);
  }

  /** Daemon mode; resolves once the loops are running. */
  async start(): Promise<void> {
    await this.restore();
    this.loops = this.jobs.map((job, index) => this.loop(job, index === 0));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.sleepers) wake();
    await Promise.all(this.loops);
    for (const task of [...this.tasks].reverse()) await task.stop();
  }

  private async restore(): Promise<void> {
    await this.pipeline.restore();
    this.restored = true;
  }

  private async runJob(job: SyncJob): Promise<SyncOutcome> {
    const outcome = await job.run();
    this.outcomes.set(job.name, outcome);
    this.lastOutcome = outcome;
    return outcome;
  }

  private async loop(job: SyncJob, startsTasks: boolean): Promise<void> {
    const started = new Set<RunnerTask>();
    while (!this.stopping) {
      await this.runJob(job);
      if (startsTasks) await this.startTasks(started);
      await this.sleep(job.intervalMs);
    }
  }

  private async startTasks(started: Set<RunnerTask>): Promise<void> {
    for (const task of this.tasks) {
      if (started.has(task) || this.stopping) continue;
      try {
        await task.start();
        started.add(task);
        this.logger.info('task started', { task: task.name });
      } catch (error) {
        this.logger.error('task failed to start; retrying after the next run', { task: task.name, error });
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
