import type { PipelineLogger, SyncOutcome, SyncPipeline } from './sync.pipeline';

export interface SyncRunnerOptions {
  readonly pollIntervalMs: number;
}

/** Something the runner starts after the state is restored and stops on shutdown. */
export interface RunnerTask {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Drives the pipeline: restore, then either one run (`--once`) or a run every poll interval until
 * stopped. The interval is measured from the end of a run, so a slow MISP never stacks runs.
 * Side tasks (live notifications, feeds) start after the first run so that they apply changes on
 * top of a synced state.
 */
export class SyncRunner {
  private stopping = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private restored = false;
  private lastOutcome: SyncOutcome | undefined;

  constructor(
    private readonly pipeline: SyncPipeline,
    private readonly tasks: readonly RunnerTask[],
    private readonly options: SyncRunnerOptions,
    private readonly logger: PipelineLogger,
  ) {}

  get isRestored(): boolean {
    return this.restored;
  }

  get lastSync(): SyncOutcome | undefined {
    return this.lastOutcome;
  }

  /** `--once`: restore, one run, true when it succeeded. */
  async runOnce(): Promise<boolean> {
    await this.restore();
    this.lastOutcome = await this.pipeline.sync();
    return this.lastOutcome.ok;
  }

  /** Daemon mode; resolves once the loop is running. */
  async start(): Promise<void> {
    await this.restore();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    for (const task of [...this.tasks].reverse()) await task.stop();
  }

  private async restore(): Promise<void> {
    await this.pipeline.restore();
    this.restored = true;
  }

  private async run(): Promise<void> {
    const started = new Set<RunnerTask>();
    while (!this.stopping) {
      this.lastOutcome = await this.pipeline.sync();
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
      await this.sleep(this.options.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
