import { Counter, type Registry } from 'prom-client';

/**
 * Why a sighting was skipped — never to be sent — the `reason` label of
 * iocflow_misp_sync_sightings_failed_total (a closed set):
 *   not_found    MISP holds no attribute with the value ("No valid attributes found")
 *   invalid      MISP refused the request's content otherwise (saved: false)
 *   rejected     MISP answered another 4xx (MISP_REJECTED): the request itself is refused
 *   invalid_hit  the hit record could not be read (counted per hit, not per sighting)
 */
export type SightingFailure = 'not_found' | 'invalid' | 'rejected' | 'invalid_hit';

/** The sightings' Prometheus metrics (fixed label sets). */
export class SightingsMetrics {
  private readonly sent: Counter;
  private readonly suppressed: Counter;
  private readonly failed: Counter<'reason'>;
  private readonly retries: Counter<'code'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.sent = new Counter({ name: 'iocflow_misp_sync_sightings_sent_total', help: 'Sightings MISP acknowledged (one per indicator per MISP_SIGHTINGS_WINDOW)', registers });
    this.suppressed = new Counter({ name: 'iocflow_misp_sync_sightings_suppressed_total', help: 'Hits folded into a sighting already sent (or due) for their indicator and window', registers });
    this.failed = new Counter({ name: 'iocflow_misp_sync_sightings_failed_total', help: 'Sightings skipped for good, by reason (not_found, invalid, rejected; invalid_hit counts unreadable hit records)', labelNames: ['reason'], registers });
    this.retries = new Counter({ name: 'iocflow_misp_sync_sightings_retries_total', help: 'Sighting requests held and retried, by MISP error code (MISP down, the key refused)', labelNames: ['code'], registers });
  }

  sightingsSent(count: number): void {
    if (count > 0) this.sent.inc(count);
  }

  hitsSuppressed(count: number): void {
    if (count > 0) this.suppressed.inc(count);
  }

  sightingsFailed(reason: SightingFailure, count: number): void {
    if (count > 0) this.failed.inc({ reason }, count);
  }

  retried(code: string): void {
    this.retries.inc({ code });
  }
}
