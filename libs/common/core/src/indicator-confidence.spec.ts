import { indicatorConfidence } from './indicator-confidence';

describe('indicatorConfidence', () => {
  it.each([
    [{ decayScore: 0 }, 'None'],
    [{ decayScore: 0.4 }, 'None'],
    [{ decayScore: 1 }, 'Low'],
    [{ decayScore: 29.4 }, 'Low'],
    [{ decayScore: 29.5 }, 'Medium'],
    [{ decayScore: 69 }, 'Medium'],
    [{ decayScore: 70 }, 'High'],
    [{ decayScore: 100 }, 'High'],
    [{ decayScore: 12, threatLevel: 'High' }, 'Low'],
    [{ threatLevel: 'High' }, 'High'],
    [{ threatLevel: 'Medium' }, 'Medium'],
    [{ threatLevel: 'Low' }, 'Low'],
    [{ threatLevel: 'Undefined' }, 'Not Specified'],
    [{ threatLevel: 'Severe' }, undefined],
    [{ decayScore: Number.NaN, threatLevel: 'Low' }, 'Low'],
    [{}, undefined],
  ])('%j → %j', (source, expected) => {
    expect(indicatorConfidence(source)).toBe(expected);
  });
});
