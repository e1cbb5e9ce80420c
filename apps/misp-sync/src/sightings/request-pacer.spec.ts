import { RequestPacer } from './request-pacer';

describe('RequestPacer', () => {
  it('spaces request starts 1/rate apart', () => {
    const pacer = new RequestPacer(4);
    expect([pacer.take(1000), pacer.take(1000), pacer.take(1000)]).toEqual([0, 250, 500]);
  });

  it('does not make a late request wait', () => {
    const pacer = new RequestPacer(2);
    pacer.take(0);
    expect(pacer.take(5000)).toBe(0);
    expect(pacer.take(5100)).toBe(400);
  });
});
