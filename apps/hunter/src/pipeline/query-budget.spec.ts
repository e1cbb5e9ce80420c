import { QueryBudget } from './query-budget';

describe('QueryBudget', () => {
  it('spaces searches 1000/perSecond ms apart, without a burst', () => {
    const budget = new QueryBudget(4);
    expect([budget.reserve(1000), budget.reserve(1000), budget.reserve(1100), budget.reserve(1800)]).toEqual([0, 250, 400, 0]);
  });

  it('does not bank an idle period', () => {
    const budget = new QueryBudget(10);
    budget.reserve(0);
    expect([budget.reserve(10_000), budget.reserve(10_000)]).toEqual([0, 100]);
  });
});
