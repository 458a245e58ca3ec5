/**
 * Gradient clipping: torch's recorded results (fixture), torch's float32 rules on other norms,
 * layouts over several blocks, non-finite gradients, identical results on every backend, and
 * bad input refused with nothing changed.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClippingCase, runClippingConformance } from '../src/cli/conformance/clipping.js';
import type { Engine } from '../src/engine.js';
import type { Parameter } from '../src/memory/parameter.js';
import { clipGradNorm, clipGradsWithNorm, clipGradValue, gradNorm } from '../src/train/clip.js';
import { bitDiff, engines, randomFloats, seeded } from './helpers/toolkit.js';

const f = Math.fround;
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/clipping.json', import.meta.url), 'utf8')) as { cases: ClippingCase[] };
const SIZES = [1, 7, 33, 0, 16, 5];

let es: Engine[];
beforeAll(async () => {
  es = await engines();
});

/** torch's coefficient: clamp(reciprocal(total + 1e-6) * max_norm, max=1), all float32. */
const torchCoef = (maxNorm: number, total: number) => Math.min(f(f(1 / f(total + f(1e-6))) * f(maxNorm)), 1);

function norm64(grads: Float32Array[], p: number): number {
  const all = grads.flatMap((g) => [...g]);
  if (p === Infinity) return all.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (p === 1) return all.reduce((s, v) => s + Math.abs(v), 0);
  return Math.sqrt(all.reduce((s, v) => s + v * v, 0));
}

type Layout = 'one block' | 'separate blocks' | 'reversed' | 'subset';

/** Parameters holding `grads`, laid out as asked; returns the ones to clip and every one made. */
function make(e: Engine, grads: Float32Array[], layout: Layout): { clip: Parameter[]; all: Parameter[] } {
  if (layout === 'one block') {
    const ps = e.parameters(grads.map((g) => g.length));
    ps.forEach((p, i) => p.grad.set(grads[i]!));
    return { clip: ps, all: ps };
  }
  if (layout === 'subset') {
    // Bystanders between the clipped tensors must be left alone.
    const ps = e.parameters(grads.flatMap((g) => [g.length, 3]));
    const clip = ps.filter((_, i) => i % 2 === 0);
    clip.forEach((p, i) => p.grad.set(grads[i]!));
    ps.filter((_, i) => i % 2 === 1).forEach((p) => p.grad.fill(7));
    return { clip, all: ps };
  }
  const ps = grads.map((g) => e.parameter(g.length));
  ps.forEach((p, i) => p.grad.set(grads[i]!));
  return { clip: layout === 'reversed' ? [...ps].reverse() : ps, all: ps };
}

describe('clipGradNorm', () => {
  it('reproduces torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (fixture) on every backend', () => {
    const results = runClippingConformance(FIXTURE);
    expect(results).toHaveLength(FIXTURE.cases.length);
    for (const r of results) expect(r.failures, r.name).toEqual([]);
  });

  it('the conformance runner reports a wrong expectation', () => {
    const bad = structuredClone(FIXTURE.cases[0]!);
    bad.expected[2]![5] = bad.expected[2]![5]! + 0.01;
    const [r] = runClippingConformance({ cases: [bad] });
    expect(r!.passed).toBe(false);
    expect(r!.failures.join('\n')).toMatch(/tensor 2 \[5\]/);
  });

  for (const p of [2, 1, Infinity, 'inf'] as const) {
    for (const maxNorm of [0.1, 1, 5, 1e6, 0]) {
      it(`normType ${String(p)}, maxNorm ${maxNorm}: torch's float32 rules in every layout, identical on every backend`, () => {
        const next = seeded(maxNorm * 1000 + (p === 'inf' ? 9 : p === Infinity ? 7 : p));
        const grads = SIZES.map((n, i) => randomFloats(next, n, [1, 0.01, 3, 1e-4, 1, 50][i]!));
        const pNum = p === 'inf' ? Infinity : p;
        const ref = norm64(grads, pNum);
        const outs: Float32Array[][] = [];
        for (const e of es) {
          for (const layout of ['one block', 'separate blocks', 'reversed', 'subset'] as const) {
            const { clip, all } = make(e, grads, layout);
            const total = clipGradNorm(clip, maxNorm, { normType: p });
            expect(total).toBe(f(total));
            expect(Math.abs(total - ref)).toBeLessThanOrEqual(2e-7 * ref);
            const coef = torchCoef(maxNorm, total);
            const got = (layout === 'reversed' ? [...clip].reverse() : clip).map((q) => q.grad.slice());
            got.forEach((g, i) => {
              const want = grads[i]!.map((v) => f(v * coef));
              expect(bitDiff(g, want), `${e.backend} ${layout} tensor ${i}`).toBe(-1);
            });
            if (layout === 'subset') for (const q of all.filter((x) => !clip.includes(x))) expect([...q.grad]).toEqual([7, 7, 7]);
            if (layout === 'one block') outs.push(got);
            for (const q of all) q.dispose();
          }
        }
        outs.slice(1).forEach((o) => o.forEach((g, i) => expect(bitDiff(g, outs[0]![i]!)).toBe(-1)));
      });
    }
  }

  it('multiplies by exactly 1 when the norm is below maxNorm (gradients unchanged)', () => {
    for (const e of es) {
      const grads = [randomFloats(seeded(3), 33), randomFloats(seeded(4), 7)];
      const { clip } = make(e, grads, 'one block');
      const total = clipGradNorm(clip, 1e9);
      expect(total).toBeGreaterThan(0);
      clip.forEach((q, i) => expect(bitDiff(q.grad, grads[i]!)).toBe(-1));
    }
  });

  it('non-finite gradients: torch scales by NaN / 0; errorIfNonfinite throws and changes nothing', () => {
    for (const e of es) {
      for (const p of [1, 2, 'inf'] as const) {
        const withNaN = [randomFloats(seeded(5), 17), new Float32Array([1, NaN, 2])];
        let { clip } = make(e, withNaN, 'one block');
        expect(clipGradNorm(clip, 1, { normType: p })).toBeNaN();
        for (const q of clip) for (const v of q.grad) expect(v).toBeNaN();

        const withInf = [randomFloats(seeded(6), 17), new Float32Array([1, -Infinity, 2])];
        ({ clip } = make(e, withInf, 'separate blocks'));
        expect(clipGradNorm(clip, 1, { normType: p })).toBe(Infinity);
        expect([...clip[1]!.grad]).toEqual([0, NaN, 0]);
        expect(clip[0]!.grad.every((v) => v === 0)).toBe(true);

        ({ clip } = make(e, withInf, 'one block'));
        expect(() => clipGradNorm(clip, 1, { normType: p, errorIfNonfinite: true })).toThrow(RangeError);
        clip.forEach((q, i) => expect(bitDiff(q.grad, withInf[i]!)).toBe(-1));
      }
    }
  });

  it('a finite float32 input whose norm overflows float32 gives Infinity, as torch', () => {
    const { clip } = make(es[0]!, [new Float32Array([3e38, 3e38])], 'one block');
    expect(clipGradNorm(clip, 1)).toBe(Infinity);
  });

  it('gradNorm measures without changing; clipGradsWithNorm applies a given norm', () => {
    for (const e of es) {
      const grads = [randomFloats(seeded(8), 33, 3), randomFloats(seeded(9), 7)];
      const { clip } = make(e, grads, 'one block');
      const n2 = gradNorm(clip);
      expect(gradNorm(clip, 'inf')).toBe(norm64(grads, Infinity));
      clip.forEach((q, i) => expect(bitDiff(q.grad, grads[i]!)).toBe(-1));
      clipGradsWithNorm(clip, 1, n2);
      const coef = torchCoef(1, n2);
      clip.forEach((q, i) => expect(bitDiff(q.grad, grads[i]!.map((v) => f(v * coef)))).toBe(-1));
      expect(gradNorm([])).toBe(0);
      expect(clipGradNorm([], 1)).toBe(0);
    }
  });

  it('accepts a single Parameter', () => {
    const p = es[0]!.parameter(4);
    p.grad.set([3, 4, 0, 0]);
    expect(clipGradNorm(p, 1)).toBe(5);
    expect(p.grad[0]).toBe(f(3 * torchCoef(1, 5)));
  });

  it('bad input: a clear error, gradients untouched', () => {
    const e = es[0]!;
    const grads = [randomFloats(seeded(10), 9)];
    const { clip } = make(e, grads, 'one block');
    const other = es[1]!.parameter(3);
    const disposed = e.parameter(2);
    disposed.dispose();
    const calls: Array<[() => unknown, ErrorConstructor, RegExp]> = [
      [() => clipGradNorm(clip, -1), RangeError, /maxNorm/],
      [() => clipGradNorm(clip, NaN), RangeError, /maxNorm/],
      [() => clipGradNorm(clip, '1' as never), TypeError, /maxNorm/],
      [() => clipGradNorm(clip, 1, { normType: 3 }), RangeError, /normType/],
      [() => clipGradNorm(clip, 1, { normType: '2' as never }), RangeError, /normType/],
      [() => clipGradNorm(clip, 1, { normType: null as never }), TypeError, /normType/],
      [() => clipGradNorm(clip, 1, { norm_type: 2 } as never), TypeError, /unknown option "norm_type"/],
      [() => clipGradNorm(clip, 1, { errorIfNonfinite: 1 as never }), TypeError, /errorIfNonfinite/],
      [() => clipGradNorm([clip[0]!, clip[0]!], 1), TypeError, /more than once/],
      [() => clipGradNorm([clip[0]!, other], 1), TypeError, /one engine/],
      [() => clipGradNorm([clip[0]!, disposed], 1), TypeError, /disposed/],
      [() => clipGradNorm([clip[0]!, {} as never], 1), TypeError, /not a Parameter/],
      [() => clipGradNorm(42 as never, 1), TypeError, /params/],
      [() => clipGradValue(clip, -0.5), RangeError, /clipValue/],
      [() => clipGradValue(clip, NaN), RangeError, /clipValue/],
      [() => clipGradsWithNorm(clip, 1, 'x' as never), TypeError, /totalNorm/],
      [() => gradNorm(clip, 0), RangeError, /normType/],
    ];
    for (const [call, type, message] of calls) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
      expect(bitDiff(clip[0]!.grad, grads[0]!)).toBe(-1);
    }
  });
});

describe('clipGradValue', () => {
  for (const c of [0, 0.01, 1.5, 100]) {
    it(`clipValue ${c}: clamps every element, NaN stays NaN, identical on every backend`, () => {
      const grads = SIZES.map((n, i) => randomFloats(seeded(n + i + c), n, 3));
      grads[1]![2] = NaN;
      grads[2]![3] = -Infinity;
      for (const e of es) {
        for (const layout of ['one block', 'reversed', 'subset'] as const) {
          const { clip, all } = make(e, grads, layout);
          clipGradValue(clip, c);
          const got = layout === 'reversed' ? [...clip].reverse() : clip;
          got.forEach((q, i) => {
            const want = grads[i]!.map((v) => Math.min(Math.max(v, -f(c)), f(c)));
            expect(bitDiff(q.grad, want), `${e.backend} ${layout} tensor ${i}`).toBe(-1);
          });
          if (layout === 'subset') for (const q of all.filter((x) => !clip.includes(x))) expect([...q.grad]).toEqual([7, 7, 7]);
          for (const q of all) q.dispose();
        }
      }
    });
  }
});
