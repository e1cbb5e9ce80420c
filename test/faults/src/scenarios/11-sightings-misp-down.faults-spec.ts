/**
 * Scenario 11: MISP down while sightings are pending (issue 16). The enricher (memcached mode)
 * writes one hit record per match to the run's hits topic; misp-sync (daemon, sightings enabled,
 * window 1 h) turns them into MISP sightings. Wave 1 hits a first set of indicators and is sighted
 * while MISP is up. Then the stand-in answers 500 and later hangs, and wave 2 hits part of the first
 * set again plus new indicators: its sightings are held and retried (MISP_SIGHTINGS_HOLD_MAX 5 s, so
 * held batches are also given back to the consumer and fetched again). Mid-outage misp-sync is
 * SIGKILLed and restarted. After MISP is back: every hit indicator sighted exactly once per window,
 * none twice (the restarted misp-sync read the sightings already sent back from its state topic),
 * none for an indicator that never hit; the events themselves reconciled as in every scenario.
 */
import { pollUntil } from '@iocflow/testing';
import { FaultStack, type RunningService } from '../support/fault-stack';
import { generateEvents, type PlannedEvent } from '../support/load-generator';
import { LONG, expectNothingLostNothingFalse, finishScenario, scale } from '../support/scenario';

const WINDOW_MS = 3_600_000;

/** The sum of a counter over all its label sets, from a /metrics page. */
function counter(metrics: string, name: string): number {
  const pattern = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm');
  let sum = 0;
  for (const match of metrics.matchAll(pattern)) sum += Number(match[1]);
  return sum;
}

interface SightingCounters {
  readonly sent: number;
  readonly suppressed: number;
  readonly failed: number;
  readonly retries: number;
}

async function sightingCounters(stack: FaultStack, sync: RunningService): Promise<SightingCounters> {
  const metrics = await stack.metrics(sync);
  return {
    sent: counter(metrics, 'iocflow_misp_sync_sightings_sent_total'),
    suppressed: counter(metrics, 'iocflow_misp_sync_sightings_suppressed_total'),
    failed: counter(metrics, 'iocflow_misp_sync_sightings_failed_total'),
    retries: counter(metrics, 'iocflow_misp_sync_sightings_retries_total'),
  };
}

/** `indicator@windowStartSeconds` for every hit a planned event makes (the indicator the generator put in it, the window of its @timestamp). */
function expectedSightings(events: readonly PlannedEvent[]): { hits: number; sightings: Set<string> } {
  const sightings = new Set<string>();
  let hits = 0;
  for (const event of events) {
    if (event.expected.kind !== 'indexed' || event.expected.mispSrc === 'none') continue;
    const parsed = JSON.parse(String(event.value)) as { '@timestamp': string; destination?: { domain: string }; dns?: { question: { name: string } } };
    const indicator = parsed.destination?.domain ?? parsed.dns?.question.name.replace(/^www\./, '');
    if (indicator === undefined) throw new Error(`event ${event.id} carries no indicator`);
    hits++;
    sightings.add(`${indicator}@${Math.floor(Date.parse(parsed['@timestamp']) / WINDOW_MS) * (WINDOW_MS / 1000)}`);
  }
  return { hits, sightings };
}

describe('scenario 11: MISP down while sightings are pending', () => {
  let stack: FaultStack;

  afterEach(async () => {
    stack?.standin.clearFaults();
    // also deletes the topics misp-sync created from the run's names (sightings state, sync state)
    await stack?.close();
  });

  it('held through 500s, hangs and a SIGKILL: every hit indicator sighted once per window, none twice, none false', async () => {
    const indicatorCount = scale(50, 200);
    stack = await FaultStack.create({ name: 'sightings-misp-down', indicators: indicatorCount });
    const outageMs = scale(20_000, 120_000);
    const perWave = scale(400, 4000);
    // wave 1: the first 40 %; wave 2: 20–80 % (half already sighted, half new); the last 20 % never hit
    const fifth = indicatorCount / 5;
    const wave1 = generateEvents(stack.id, perWave, stack.indicators.slice(0, 2 * fifth));
    await stack.syncOnce();
    // the enricher creates the hits topic misp-sync's sightings consumer reads
    await stack.start('enricher');
    await stack.start('indexer');
    const syncEnv = {
      MISP_POLL_INTERVAL: '2s',
      MISP_RETRIES: '1',
      MISP_RETRY_BASE: '200ms',
      MISP_RETRY_MAX: '1s',
      MISP_TIMEOUT: '3s',
      MISP_SIGHTINGS_ENABLED: 'true',
      MISP_SIGHTINGS_GROUP: `${stack.id}-sightings`,
      MISP_SIGHTINGS_WINDOW: '1h',
      MISP_SIGHTINGS_RATE: '20',
      MISP_SIGHTINGS_HOLD_MAX: '5s',
    };
    const first = await stack.start('misp-sync', syncEnv);

    // which attribute holds which value: every known indicator is one attribute of the stand-in
    const valueOf = new Map(
      stack.standin.model.search
        .search({ deleted: new Set([false]), includeEventTags: false, enforceWarninglist: false, types: new Set(['domain']) })
        .attributes.map((attribute) => [String(attribute.id), attribute.value.toLowerCase()]),
    );
    const recorded = (): string[] => stack.standin.sightings().map((s) => `${valueOf.get(s.attribute_id) ?? `attribute ${s.attribute_id}`}@${s.date_sighting}`);

    // wave 1, MISP up: sighted
    await stack.produce(wave1);
    const expected1 = expectedSightings(wave1);
    // The last sighting can be sent before the last hits of its window are read (and counted
    // suppressed): wait until every wave-1 hit record is on the topic and the sightings consumer
    // committed past it (it commits a batch only once it is counted), then read the counters.
    await pollUntil(
      async () =>
        recorded().length >= expected1.sightings.size &&
        (await sightingCounters(stack, first)).sent >= expected1.sightings.size &&
        (await stack.topicSize(stack.topics.hits)) >= expected1.hits &&
        (await stack.lag(`${stack.id}-sightings`, stack.topics.hits)) === 0,
      { timeoutMs: 60_000, description: `${expected1.sightings.size} wave-1 sightings in the stand-in and counted sent, all ${expected1.hits} hits read` },
    );
    const beforeOutage = await sightingCounters(stack, first);
    expect(beforeOutage.sent).toBe(expected1.sightings.size);
    expect(beforeOutage.suppressed).toBeGreaterThanOrEqual(expected1.hits - expected1.sightings.size);

    // the outage: 500s for the first half, then hanging requests; wave 2 arrives meanwhile
    const outageStart = Date.now();
    stack.standin.injectFault('500', 1_000_000);
    const wave2 = generateEvents(stack.id, perWave, stack.indicators.slice(fifth, 4 * fifth), perWave);
    await stack.produce(wave2);
    await pollUntil(async () => (await sightingCounters(stack, first)).retries > beforeOutage.retries, { timeoutMs: 60_000, description: 'wave-2 sightings held and retried' });
    const sightedBeforeKill = recorded().length;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStart + outageMs / 2 - Date.now())));
    const atKill = await sightingCounters(stack, first);
    // SIGKILL mid-outage; the restarted misp-sync reads back the sightings sent so far
    const second = await stack.crashAndRestart(first);
    stack.standin.clearFaults();
    stack.standin.injectFault('hang', 1_000_000);
    await pollUntil(async () => (await sightingCounters(stack, second)).retries > 0 && Date.now() - outageStart >= outageMs, {
      timeoutMs: outageMs + 60_000,
      description: 'the restarted misp-sync holding wave 2 until the outage ends',
    });
    const sightedInOutage = recorded().length;
    stack.standin.clearFaults();
    const faultEndedAt = Date.now();

    // MISP back: every (indicator, window) of both waves sighted, each once
    const planned = [...wave1, ...wave2];
    const all = expectedSightings(planned);
    await pollUntil(async () => recorded().length >= all.sightings.size, { timeoutMs: scale(60_000, 180_000), description: `${all.sightings.size} sightings in the stand-in` });
    const sightingsRecoverySeconds = (Date.now() - faultEndedAt) / 1000;
    // the hits consumer drained (committed after the last batch's sightings): nothing still pending that could add a late sighting
    await pollUntil(async () => (await stack.lag(`${stack.id}-sightings`, stack.topics.hits)) === 0, { timeoutMs: 60_000, description: 'the sightings consumer caught up with the hits topic' });
    const after = await sightingCounters(stack, second);
    const sightings = recorded();
    const counts = new Map<string, number>();
    for (const sighting of sightings) counts.set(sighting, (counts.get(sighting) ?? 0) + 1);
    const doubled = [...counts].filter(([, n]) => n > 1).map(([key]) => key);
    const unexpected = [...counts.keys()].filter((key) => !all.sightings.has(key));
    const missing = [...all.sightings].filter((key) => !counts.has(key));
    const neverHit = stack.indicators.slice(4 * fifth).map((indicator) => indicator.domain);
    const result = await finishScenario(stack, planned, {
      scenario: `11 MISP failing ${outageMs / 1000} s (500 then hang) with sightings pending, misp-sync SIGKILL ×1`,
      faultEndedAt,
      notes: [
        `${all.hits} hits of ${4 * fifth} of ${indicatorCount} indicators (wave 1 ${expected1.hits}, wave 2 during the outage ${all.hits - expected1.hits})`,
        `sightings expected ${all.sightings.size}, in the stand-in ${sightings.length} (twice ${doubled.length}, unexpected ${unexpected.length}, missing ${missing.length}), ${sightedInOutage - sightedBeforeKill} added during the outage`,
        `all sighted ${sightingsRecoverySeconds.toFixed(1)} s after MISP was back`,
        `misp-sync sightings sent ${beforeOutage.sent}+${after.sent}, suppressed ${atKill.suppressed}+${after.suppressed}, retries ${atKill.retries}+${after.retries}, failed ${atKill.failed}+${after.failed} (before+after the SIGKILL)`,
      ].join('; '),
    });
    console.warn(`scenario 11 (${LONG ? 'long' : 'short'}): ${result.notes ?? ''}`);

    expectNothingLostNothingFalse(result);
    expect(result.indexed).toBe(planned.length);
    expect({ doubled, unexpected, missing }).toEqual({ doubled: [], unexpected: [], missing: [] });
    expect(sightings).toHaveLength(all.sightings.size);
    expect(sightings.filter((key) => neverHit.some((domain) => key.startsWith(`${domain}@`)))).toEqual([]);
    expect(stack.standin.sightings().every((s) => s.source === 'iocflow' && s.type === '0')).toBe(true);
    // nothing reached MISP while it was down; the restarted process sent exactly what was new
    expect(sightedInOutage).toBe(sightedBeforeKill);
    expect(sightedBeforeKill).toBe(expected1.sightings.size);
    expect(atKill.sent).toBe(beforeOutage.sent);
    expect(atKill.retries).toBeGreaterThan(0);
    expect(after.retries).toBeGreaterThan(0);
    expect(beforeOutage.sent + after.sent).toBe(all.sightings.size);
    expect(atKill.failed + after.failed).toBe(0);
  });
});
