/**
 * The benchmark's moving parts, checked for correctness (not speed): the hand-written baselines
 * and the tfjs adapters do the same update as the library, the roofline kernel agrees bit for bit
 * on every backend, the harness and the report compute what they claim.
 */
import { describe, expect, it } from 'vitest';
import { benchData, registeredCases, selectCases } from '../src/cli/bench/cases.js';
import { OPTIMIZERS } from '../src/optim/registry.js';
import { libraryCase } from '../src/cli/bench/core.js';
import { mixedSizes } from '../src/cli/bench/extras.js';
import { idiomaticFor, idiomaticNames } from '../src/cli/bench/idiomatic.js';
import { measureInterleaved, median } from '../src/cli/bench/measure.js';
import type { BenchRecord, BenchResults } from '../src/cli/bench/records.js';
import { buildRows, markdownReport, markdownTable, targets } from '../src/cli/bench/report.js';
import { speedupSvg } from '../src/cli/bench/svg.js';
import { loadTfjs } from '../src/cli/bench/tfjs.js';
import { scalars } from '../src/wasm/kernel-table.js';
import { createEngine } from '../src/engine.js';

const close = (a: ArrayLike<number>, e: ArrayLike<number>, rtol: number, atol: number) => {
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!))) return `[${i}] got ${a[i]}, expected ${e[i]}`;
  }
  return null;
};

describe('idiomatic baselines', () => {
  const cases = selectCases(false);
  it('cover at least Adam, AdamW and SGD-momentum', () => {
    expect(cases.map((c) => c.name)).toEqual(expect.arrayContaining(['adam', 'adamw', 'sgd-momentum']));
  });
  for (const c of cases) {
    it(`${c.name}: 6 steps agree with the library to float32 tolerance`, async () => {
      const n = 37;
      const engine = await createEngine({ backend: 'js' });
      const data = benchData(n, 7);
      const lib = libraryCase(engine, c, data); // one step already taken
      const p = Float32Array.from(data.params);
      const mine = (await idiomaticFor(c.name))!(p, Float32Array.from(data.grads), lib.hyper);
      mine.step();
      for (let s = 0; s < 5; s++) {
        lib.opt.step();
        mine.step();
      }
      const got = new Float32Array(engine.memory.buffer, (lib.opt.paramGroups[0] as { params: Array<{ offset: number }> }).params[0]!.offset, n);
      expect(close(p, got, 1e-4, 1e-6)).toBeNull();
      // And the update is not a no-op.
      expect(close(p, data.params, 0, 1e-7)).not.toBeNull();
    });
  }
});

describe('tfjs adapters', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: tf.train.* does the library's update (3 steps)`, async () => {
      const tf = await loadTfjs(backend);
      const n = 33;
      for (const c of selectCases(false)) {
        const engine = await createEngine({ backend: 'js' });
        const data = benchData(n, 3);
        const lib = libraryCase(engine, c, data);
        const stepper = tf.make(c.name, data.params, data.grads, lib.hyper);
        if (!stepper) continue; // AdamW, Lion: no tf.train counterpart
        for (let s = 0; s < 3; s++) stepper.step();
        lib.opt.step();
        lib.opt.step();
        const got = new Float32Array(engine.memory.buffer, (lib.opt.paramGroups[0] as { params: Array<{ offset: number }> }).params[0]!.offset, n);
        // tfjs's adagrad starts its accumulator at 1e-10 and its eps placement differs slightly.
        expect(close(stepper.read(), got, 1e-3, 1e-5), c.name).toBeNull();
        stepper.dispose();
      }
    }, 30000);
  }
});

describe('roofline kernel', () => {
  for (const n of [1, 3, 4, 5, 15, 16, 17, 1023]) {
    it(`agrees bit for bit on simd, scalar and js, n = ${n}`, async () => {
      const outs: Float32Array[] = [];
      for (const backend of ['simd', 'scalar', 'js'] as const) {
        const e = await createEngine({ backend });
        const d = benchData(n, n);
        const [p, g, m, v] = [0, 1, 2, 3].map(() => e.allocFloats(n + 4)) as [number, number, number, number];
        const f = e.heap.f32;
        f.set(d.params, p >> 2);
        f.set(d.grads, g >> 2);
        f.set(d.grads, m >> 2);
        f.set(d.params, v >> 2);
        f.fill(NaN, (p >> 2) + n, (p >> 2) + n + 4); // past the end: must stay untouched
        e.kernels.roofline_f32(p, g, m, v, n, Object.assign(scalars('roofline_f32'), { a: 0.25 }));
        const out = Float32Array.from([...f.subarray(p >> 2, (p >> 2) + n + 4), ...f.subarray(m >> 2, (m >> 2) + n), ...f.subarray(v >> 2, (v >> 2) + n)]);
        outs.push(out);
        expect(out[0]).toBe(Math.fround(d.params[0]! + Math.fround(0.25 * d.grads[0]!)));
        expect(Number.isNaN(out[n])).toBe(true);
      }
      expect(Buffer.from(outs[1]!.buffer)).toEqual(Buffer.from(outs[0]!.buffer));
      expect(Buffer.from(outs[2]!.buffer)).toEqual(Buffer.from(outs[0]!.buffer));
    });
  }
});

describe('harness', () => {
  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
  it('times every variant, in input order, with samples from every round', () => {
    let a = 0, b = 0;
    const t = measureInterleaved(
      [
        { variant: 'a', step: () => void a++ },
        { variant: 'b', step: () => void (b += Math.sqrt(b + 1)) },
      ],
      10,
      { rounds: 3, roundMs: 2, batchMs: 0.2, warmupMs: 1 },
    );
    expect(t.map((x) => x.variant)).toEqual(['a', 'b']);
    for (const x of t) {
      expect(x.roundMedians).toHaveLength(3);
      expect(x.samples).toBeGreaterThanOrEqual(3);
      expect(x.nsPerParam).toBeGreaterThan(0);
    }
    expect(a).toBeGreaterThan(3);
  });
  it('mixedSizes: 1,000 tensors summing exactly to the total', () => {
    const s = mixedSizes(1000, 1048576);
    expect(s).toHaveLength(1000);
    expect(s.reduce((x, y) => x + y, 0)).toBe(1048576);
    expect(Math.min(...s)).toBeGreaterThanOrEqual(1);
    expect(new Set(s).size).toBeGreaterThan(100);
  });
  it('benchData is deterministic, with gradients away from 0', () => {
    const a = benchData(1000, 5), b = benchData(1000, 5);
    expect(a.params).toEqual(b.params);
    expect(Math.min(...a.grads.map(Math.abs))).toBeGreaterThanOrEqual(0.0099);
  });
  it('the cases derive from the registrations: unique names, every registered optimizer, the quick set exactly those with a hand-written loop', async () => {
    const every = registeredCases();
    expect(new Set(every.map((c) => c.name)).size).toBe(every.length);
    // Every optimizer but those that opt out with `bench: []` (closure-driven LBFGS, matrix-only Muon have benchmarks of their own).
    const benched = Object.entries(OPTIMIZERS).filter(([, C]) => (C.registration as { bench?: unknown[] }).bench?.length !== 0);
    expect(new Set(every.map((c) => c.registry))).toEqual(new Set(benched.map(([k]) => k)));
    expect(every.find((c) => c.name === 'sgd-momentum')).toEqual({ name: 'sgd-momentum', registry: 'sgd', options: { lr: 1e-2, momentum: 0.9 } });
    const quick = selectCases(false);
    expect(quick.map((c) => c.name).sort()).toEqual(idiomaticNames().sort());
    for (const c of quick) expect(await idiomaticFor(c.name), c.name).toBeTypeOf('function');
    expect(selectCases(true).map((c) => c.name).sort()).toEqual(every.map((c) => c.name).sort());
    expect(await idiomaticFor('no-such-case')).toBeUndefined();
  });
});

describe('report', () => {
  const rec = (variant: BenchRecord['variant'], size: number, ns: number, extra: Partial<BenchRecord> = {}): BenchRecord => ({
    optimizer: 'adam', size, variant, nsPerParam: ns, samples: 5, bytesPerParam: 28, roundMedians: [ns], process: 'core', ...extra,
  });
  const records = [
    rec('simd', 1024, 0.5), rec('js-idiomatic', 1024, 5), rec('roofline', 1024, 0.25),
    rec('tfjs-wasm', 1024, 60, { anchorSimdNsPerParam: 0.6 }), rec('tfjs-cpu', 1024, 130, { anchorSimdNsPerParam: 0.65 }),
    rec('simd', 16777216, 0.52), rec('js-idiomatic', 16777216, 4), rec('roofline', 16777216, 0.5),
  ];
  const res: BenchResults = {
    meta: { date: '2026-01-01T00:00:00Z', command: 'npm run bench', quick: false, node: '20', v8: '11', cpu: 'cpu', cores: 2, loadAverage: [0, 0, 0], schedule: {}, coreGrows: 0, durationS: 1 },
    records,
    manyTensors: [{ optimizer: 'adam', tensors: 1000, totalParams: 1048576, flat: 1, contiguous: 1.05, separate: 2 }],
    allocation: [],
  };
  it('computes ratios, throughput and roofline fraction', () => {
    const rows = buildRows(records);
    const small = rows.find((r) => r.size === 1024)!;
    expect(small.vsIdiomatic).toBeCloseTo(10);
    expect(small.vsTfjsWasm).toBeCloseTo(100); // against the anchor, not the core-process simd
    expect(small.vsTfjsCpu).toBeCloseTo(200);
    expect(small.mparams).toBeCloseTo(2000);
    expect(small.gbps).toBeCloseTo(56);
    expect(small.roofFraction).toBeCloseTo(0.5);
    expect(rows.find((r) => r.size === 16777216)!.roofFraction).toBeCloseTo(0.5 / 0.52);
  });
  it('checks the targets', () => {
    const t = targets(buildRows(records), res);
    expect(t.find((x) => x.what.startsWith('Adam SIMD vs idiomatic'))!.met).toBe(false); // 4/0.52 < 8
    expect(t.find((x) => x.what.startsWith('Adam vs tfjs-wasm at 1K'))!.met).toBe(true);
    expect(t.find((x) => x.what.startsWith('1,000-tensor'))!.met).toBe(true);
    expect(t.find((x) => x.what.startsWith('Adam vs tfjs-wasm at 1M'))!.met).toBeUndefined();
    const overhead = (ns: number) => targets([], { ...res, records: [rec('simd', 16, ns)] }).find((x) => x.what.includes('16 parameters'))!;
    expect(overhead(6).met).toBe(true); // 96 ns per step
    expect(overhead(6.5).met).toBe(false); // 104 ns
    expect(overhead(6).reached).toBe('96 ns');
    expect(targets(buildRows(records), res).find((x) => x.what.includes('16 parameters'))!.met).toBeUndefined();
  });
  it('writes markdown and an SVG with one line per optimizer and panel', () => {
    const rows = buildRows(records);
    expect(markdownTable(rows).split('\n')).toHaveLength(4);
    const md = markdownReport(res, 'speedup.svg');
    expect(md).toContain('![speed-up');
    expect(md).toContain('## Targets');
    // A user's own run leaves the project's targets out unless asked (--targets).
    const mine = markdownReport(res, 'speedup.svg', { targets: false });
    expect(mine).not.toContain('## Targets');
    expect(mine).not.toMatch(/goal|missed/i);
    expect(md).toContain('## Many tensors');
    const svg = speedupSvg(rows, 'test');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('16M');
  });
});
