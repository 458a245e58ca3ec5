/** The playground's pure pieces: loss-chart range and ticks, learning-rate parsing. */
import { describe, expect, it } from 'vitest';
import { decadeLabel, DIVERGE_FACTOR, logTicks, lossRange, niceStep, parseLr, stepTicks } from '../demo/scale.js';

describe('loss chart range', () => {
  it('spans the data in whole decades', () => {
    expect(lossRange([[250, 10, 0.3, 0.004]])).toEqual({ lo: -3, hi: 3, divergedAt: [-1] });
    expect(lossRange([[5, 2], [4, 3]])).toEqual({ lo: 0, hi: 1, divergedAt: [-1, -1] });
  });

  it('a diverging optimizer does not flatten the other curves', () => {
    const good = [[100, 1, 1e-4], [100, 10, 0.5]];
    const alone = lossRange(good);
    const withBad = lossRange([...good, [100, 1e4, 1e12, Infinity, NaN]]);
    expect([withBad.lo, withBad.hi]).toEqual([alone.lo, alone.hi]);
    expect(withBad.divergedAt).toEqual([-1, -1, 2]);
    expect(lossRange([[1, NaN]])).toEqual({ lo: 0, hi: 1, divergedAt: [1] }); // all diverged: the part before
    // Up to DIVERGE_FACTOR × the start is still on the chart.
    expect(lossRange([[1, DIVERGE_FACTOR]])).toEqual({ lo: 0, hi: 2, divergedAt: [-1] });
  });

  it('zeros and an all-empty chart', () => {
    expect(lossRange([[1, 0, 0]])).toEqual({ lo: 0, hi: 1, divergedAt: [-1] });
    expect(lossRange([[0, 0]])).toEqual({ lo: -1, hi: 1, divergedAt: [-1] });
    expect(lossRange([]).divergedAt).toEqual([]);
    expect(lossRange([[1e-30, 1]]).lo).toBe(-12);
  });
});

describe('ticks', () => {
  it('decade labels are plain numbers near 1 and exponents far from it', () => {
    expect([-6, -3, -1, 0, 1, 2, 4, 5].map(decadeLabel)).toEqual(['1e-6', '0.001', '0.1', '1', '10', '100', '10000', '1e5']);
  });

  it('every decade when few, every k-th when many; never "1e2.4"', () => {
    expect(logTicks(-2, 2).map((t) => t.label)).toEqual(['0.01', '0.1', '1', '10', '100']);
    const many = logTicks(-12, 3, 6);
    expect(many.length).toBeLessThanOrEqual(6);
    expect(many.map((t) => t.at)).toEqual([-12, -9, -6, -3, 0, 3]);
    for (const t of many) expect(Number.isInteger(t.at)).toBe(true);
  });

  it('step ticks at round numbers', () => {
    expect(niceStep(600, 5)).toBe(200);
    expect(niceStep(300, 5)).toBe(100);
    expect(niceStep(7, 5)).toBe(2);
    expect(stepTicks(600).map((t) => t.label)).toEqual(['0', '200', '400', '600']);
    expect(stepTicks(7).map((t) => t.at)).toEqual([0, 2, 4, 6]);
  });
});

describe('learning-rate fields', () => {
  it('accepts numbers ≥ 0', () => {
    expect(parseLr('0.05', 'adam')).toBe(0.05);
    expect(parseLr(' 1e-3 ', 'adam')).toBe(1e-3);
    expect(parseLr('0', 'sgd')).toBe(0);
  });
  it.each([['', 'nothing'], ['abc', '"abc"'], ['-1', '"-1"'], ['Infinity', '"Infinity"'], ['1e999', '"1e999"']])('refuses %j with a message naming the optimizer', (text, shown) => {
    expect(() => parseLr(text, 'adam')).toThrow(RangeError);
    expect(() => parseLr(text, 'adam')).toThrow(`adam: learning rate must be a number ≥ 0, got ${shown}`);
  });
});
