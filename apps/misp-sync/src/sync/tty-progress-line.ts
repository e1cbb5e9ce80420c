import type { ProgressPort } from './sync-ports';

/** The part of a TTY write stream the progress line uses (process.stdout). */
export interface TtyStream {
  write(text: string): boolean;
  readonly columns?: number;
}

/**
 * One progress line that redraws itself in place on a terminal: `\r`, clear to end of line, the
 * text cut to the terminal width, then `\r` again. Parking the cursor in column 0 lets a JSON log
 * line written meanwhile overwrite the progress text instead of being glued after it; the next
 * update draws on the line below. `done` erases the line (the run's log line reports the result).
 * Only built when stdout is a TTY: log files and pipes never see these control characters.
 */
export class TtyProgressLine implements ProgressPort {
  private drawn = false;

  constructor(private readonly stream: TtyStream) {}

  update(line: string): void {
    const width = Math.max(20, (this.stream.columns ?? 120) - 1);
    this.stream.write(`\r\u001b[K${line.length > width ? line.slice(0, width) : line}\r`);
    this.drawn = true;
  }

  done(): void {
    if (!this.drawn) return;
    this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
