import { ObservableCoverage } from './observable-coverage';

describe('ObservableCoverage', () => {
  const options = { windowMs: 60_000, minEvents: 100, share: 0.5 };

  it('reports a partition whose window closed with most events lacking an observable, once per window', () => {
    const coverage = new ObservableCoverage(options);
    expect(coverage.record('raw', 0, 100, 90, 0)).toBeUndefined();
    expect(coverage.record('raw', 0, 100, 90, 30_000)).toBeUndefined();
    expect(coverage.record('raw', 0, 100, 60, 60_000)).toEqual({ topic: 'raw', partition: 0, events: 300, noObservable: 240, windowMs: 60_000 });
    // A new window starts at the report.
    expect(coverage.record('raw', 0, 100, 100, 61_000)).toBeUndefined();
    expect(coverage.record('raw', 0, 100, 100, 121_000)).toMatchObject({ events: 200, noObservable: 200 });
  });

  it.each([
    ['half exactly', 200, 100],
    ['a minority', 200, 20],
    ['too few events to say', 99, 99],
  ])('stays quiet for %s', (_name, events, noObservable) => {
    const coverage = new ObservableCoverage(options);
    coverage.record('raw', 0, 0, 0, 0);
    expect(coverage.record('raw', 0, events, noObservable, 60_000)).toBeUndefined();
  });

  it('keeps partitions and topics apart', () => {
    const coverage = new ObservableCoverage(options);
    coverage.record('raw', 0, 200, 200, 0);
    coverage.record('raw', 1, 200, 0, 0);
    coverage.record('other', 0, 200, 0, 0);
    expect(coverage.record('raw', 1, 0, 0, 60_000)).toBeUndefined();
    expect(coverage.record('other', 0, 0, 0, 60_000)).toBeUndefined();
    expect(coverage.record('raw', 0, 0, 0, 60_000)).toMatchObject({ partition: 0, events: 200, noObservable: 200 });
  });
});
