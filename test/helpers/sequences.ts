/**
 * Random sequences of public calls and the invariant checked after each: the call succeeds with
 * its documented effect, or throws a TypeError / RangeError / CheckpointError (or the caller's
 * own error from a closure) with every byte of the engine's memory and every live optimizer's and
 * scheduler's `stateDict()` as they were. Anything else (a plain `Error`, an internal failure, a
 * changed byte after an error, a missing effect after a success) is a violation.
 *
 * Commands are plain data (so fast-check can shrink them); indices pick among the objects made so
 * far, modulo their count. Kinds that exercise known defects can be switched off by name.
 */
import fc from 'fast-check';
import { type Backend, createEngine, type Engine } from '../../src/engine.js';
import type { Parameter } from '../../src/memory/parameter.js';
import type { Optimizer, StateDict } from '../../src/optim/optimizer.js';
import { OPTIMIZERS, type OptimizerName } from '../../src/optim/registry.js';
import { registrationOf } from './optimizer-table.js';
import { CosineAnnealingLR, ExponentialLR, OneCycleLR, StepLR } from '../../src/schedule/index.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from '../../src/checkpoint/index.js';

type Opt = Optimizer<object>;
interface Sched {
  step(): void;
  stateDict(): unknown;
  loadStateDict(d: unknown): void;
}

/** Variants of commands that can be left out of a run (each names the behaviour it exercises). */
export type Variant =
  | 'closure-dispose' // a step closure disposes one of the optimizer's parameters
  | 'closure-alloc' // a step closure makes parameters (may grow or run out of memory)
  | 'group-edit' // params pushed into / replaced in a param group by hand
  | 'own-state' // an optimizer's own unchanged state dict must load back (checked strictly)
  | 'json-state' // ... also after going through JSON
  | 'state-toggle' // loadStateDict turning on an option that needs a new buffer (amsgrad, momentum)
  | 'oom-optimizer'; // optimizers and steps allocating state under a tight memory cap

export const ALL_VARIANTS: readonly Variant[] = ['closure-dispose', 'closure-alloc', 'group-edit', 'own-state', 'json-state', 'state-toggle', 'oom-optimizer'];

const KINDS = Object.keys(OPTIMIZERS) as OptimizerName[];
const nat = (max: number) => fc.nat({ max });

/** Parameter specs; near-cap sizes only when optimizers running out of memory are in play. */
const specArb = (off: ReadonlySet<Variant>) => fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 40 }) },
  { weight: 3, arbitrary: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.array(fc.float({ noNaN: true, min: -2, max: 2 }), { minLength: 1, maxLength: 6 }).map((a) => ({ data: a })) },
  { weight: 1, arbitrary: fc.array(fc.float({ noNaN: true, min: -2, max: 2 }), { minLength: 1, maxLength: 6 }).map((a) => new Float32Array(a)) },
  { weight: off.has('oom-optimizer') ? 0 : 1, arbitrary: fc.integer({ min: 4000, max: 40000 }) }, // large: may fill the memory
  { weight: 1, arbitrary: fc.integer({ min: 100_000, max: 600_000 }) }, // over the 256 KiB cap: out of memory
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(-3, 1.5, NaN, [0.5, -0.3], [2, '3'], 'abc', null, { shape: [2], data: [1] }, { shape: [2], dtype: 'f16' }, { data: [1, 'x'] }),
  },
);

const valueArb = fc.constantFrom<unknown>(0.01, 0.1, 0, 1e3, -1, NaN, Infinity, 'x', undefined, [0.9, 0.999]);
const optionsArb = fc.oneof(
  fc.constant({}),
  fc.record({ lr: valueArb }, { requiredKeys: [] }),
  fc.record({ lr: fc.constantFrom(0.01, 0.1), weightDecay: fc.constantFrom(0, 0.01, -1) }, { requiredKeys: [] }),
  fc.record({ amsgrad: fc.boolean(), momentum: fc.constantFrom(0, 0.9), maximize: fc.boolean() }, { requiredKeys: [] }),
);

export function commandArb(off: ReadonlySet<Variant>) {
  const closures = ['none', 'loss', 'grads', 'throw', 'not-a-function', 'dispose', 'alloc'].filter(
    (c) => !(c === 'dispose' && off.has('closure-dispose')) && !(c === 'alloc' && off.has('closure-alloc')),
  );
  const mutations = ['none', 'bad-step', 'drop-buffer', 'bad-lr', 'extra-key', 'other', 'toggle'].filter((m) => !(m === 'toggle' && off.has('state-toggle')));
  const cmds = [
    fc.record({ t: fc.constant('params' as const), specs: fc.array(specArb(off), { minLength: 0, maxLength: 4 }) }),
    fc.record({ t: fc.constant('dispose' as const), i: nat(50) }),
    fc.record({ t: fc.constant('grads' as const), seed: nat(1000) }),
    fc.record({
      t: fc.constant('optimizer' as const),
      kind: fc.constantFrom(...KINDS),
      picks: fc.array(nat(50), { minLength: 0, maxLength: 4 }),
      groups: fc.boolean(),
      options: optionsArb,
    }),
    fc.record({ t: fc.constant('step' as const), o: nat(9), closure: fc.constantFrom(...closures) }),
    fc.record({ t: fc.constant('step' as const), o: nat(9), closure: fc.constant('none') }),
    fc.record({ t: fc.constant('lr' as const), o: nat(9), g: nat(3), value: valueArb }),
    fc.record({ t: fc.constant('add-group' as const), o: nat(9), picks: fc.array(nat(50), { minLength: 0, maxLength: 3 }), options: optionsArb }),
    fc.record({ t: fc.constant('zero-grad' as const), o: nat(9) }),
    fc.record({ t: fc.constant('dispose-optimizer' as const), o: nat(9) }),
    fc.record({
      t: fc.constant('load-state' as const),
      o: nat(9),
      from: nat(9),
      json: off.has('json-state') ? fc.constant(false) : fc.boolean(),
      mutate: fc.constantFrom(...mutations),
    }),
    fc.record({ t: fc.constant('scheduler' as const), o: nat(9), kind: fc.constantFrom('step', 'exp', 'onecycle', 'cosine', 'bad') }),
    fc.record({ t: fc.constant('scheduler-step' as const), s: nat(9) }),
    fc.record({ t: fc.constant('scheduler-load' as const), s: nat(9), json: fc.boolean() }),
    fc.record({ t: fc.constant('save' as const), o: nat(9), s: nat(9), withOpt: fc.boolean(), withSched: fc.boolean() }),
    fc.record({ t: fc.constant('load' as const), k: nat(9), o: nat(9), s: nat(9), corrupt: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 4000 })) }),
    fc.record({ t: fc.constant('push-param' as const), o: nat(9), g: nat(3), i: nat(50) }),
    fc.record({ t: fc.constant('replace-params' as const), o: nat(9), g: nat(3), picks: fc.array(nat(50), { maxLength: 3 }) }),
  ];
  // Hand edits of a group's params are left out when 'group-edit' is off.
  const editing = new Set([cmds.length - 2, cmds.length - 1]);
  return fc.oneof(...cmds.map((arbitrary, i) => ({ arbitrary, weight: editing.has(i) && off.has('group-edit') ? 0 : 1 })));
}

/**
 * A sequence: a prelude that makes parameters, gradients and one optimizer (so later commands
 * have something to act on; each is itself checked), then random commands.
 */
export function sequenceArb(off: ReadonlySet<Variant>, maxLength: number) {
  const prelude = fc.tuple(
    fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 40 }) },
        { weight: 2, arbitrary: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 2 }) },
        { weight: off.has('oom-optimizer') ? 0 : 1, arbitrary: fc.integer({ min: 2000, max: 12000 }) }, // near the memory cap
      ),
      { minLength: 1, maxLength: 4 },
    ),
    fc.constantFrom(...KINDS),
    fc.constantFrom<object>({}, { lr: 0.05 }, { weightDecay: 0.01 }, { lr: 0.02, maximize: true }),
    fc.boolean(),
    nat(1000),
  );
  return fc
    .tuple(prelude, fc.array(commandArb(off), { minLength: 1, maxLength }))
    .map(([[specs, kind, options, groups, seed], rest]) => [
      { t: 'params' as const, specs },
      { t: 'grads' as const, seed },
      { t: 'optimizer' as const, kind, picks: specs.map((_, i) => i), groups, options },
      ...(rest as Command[]),
    ] as Command[]);
}

export type Command = ReturnType<typeof commandArb> extends fc.Arbitrary<infer C> ? C : never;

export interface Setup {
  backend: Backend;
  maximumBytes: number;
}

export const setupArb = (off: ReadonlySet<Variant>) =>
  fc.record({
    backend: fc.constantFrom<Backend>('simd', 'scalar', 'js'),
    // Without near-cap sizes everything but the huge specs fits easily in 256 KiB.
    maximumBytes: off.has('oom-optimizer') ? fc.constant(256 << 10) : fc.constantFrom(128 << 10, 192 << 10, 256 << 10, 1 << 20),
  });

/** A broken invariant: what was called, and what went wrong. */
export class Violation extends Error {}

/** The caller's own error, thrown from a step closure: it must come through unchanged. */
class ClosureError extends Error {}

/** JSON of a state dict with float buffers as their length and a hash of their bits, non-finite numbers spelt out. */
export function digest(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => {
    if (typeof v === 'number') return Number.isFinite(v) ? (Object.is(v, -0) ? '-0' : v) : String(v);
    if (v instanceof Float32Array) return `f32[${v.length}]:${hashBits(v)}`;
    if (ArrayBuffer.isView(v)) return Array.from(v as Uint8Array);
    return v;
  });
}

/** FNV-1a over the float bits (buffers are compared by content; JSON of thousands of floats is slow). */
function hashBits(v: Float32Array): number {
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i]!, 0x01000193);
  return h >>> 0;
}

interface World {
  engine: Engine;
  params: Parameter[];
  opts: Opt[];
  scheds: Array<{ s: Sched; opt: Opt }>;
  saved: Array<{ bytes: Uint8Array; params: Parameter[]; opt?: Opt; sched?: Sched }>;
  /** Optimizers whose groups were edited by hand since they were last validated (by a step or a load). */
  edited: Set<Opt>;
  /** Variants switched off (their checks are skipped too). */
  off: ReadonlySet<Variant>;
}

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);

/** Reused copy of the memory before each call (a fresh copy per call kept the collector busy). */
let copy = new Uint8Array(1 << 20);

/** Copies the memory aside and digests every live optimizer's and scheduler's state. */
function snapshot(w: World): { length: number; states: string } {
  const mem = new Uint8Array(w.engine.memory.buffer);
  if (copy.length < mem.length) copy = new Uint8Array(mem.length * 2);
  copy.set(mem);
  return { length: mem.length, states: states(w) };
}

function states(w: World): string {
  const live = w.opts.filter((o) => !o.disposed && !w.engine.disposed);
  return digest([live.map((o) => safeState(o)), w.scheds.map(({ s }) => s.stateDict())]);
}

/** First byte where the memory differs from the copy taken by {@link snapshot}, or -1. */
function changedAt(w: World, length: number): number {
  const mem = Buffer.from(w.engine.memory.buffer);
  if (mem.length !== length) return Math.min(mem.length, length);
  if (mem.equals(Buffer.from(copy.buffer, 0, length))) return -1;
  for (let i = 0; i < length; i++) if (mem[i] !== copy[i]) return i;
  return -1;
}

/** `stateDict()` of a live optimizer; a parameter disposed under it makes it refuse (recorded as such). */
function safeState(o: Opt): unknown {
  try {
    return o.stateDict();
  } catch (e) {
    if (e instanceof TypeError) return `refused: ${e.message}`;
    throw e;
  }
}

const values = (seed: number, n: number) => Float32Array.from({ length: n }, (_, k) => Math.sin(seed * 7.1 + k * 1.3));

function makeScheduler(kind: string, o: Opt): Sched {
  const opt = o as unknown as ConstructorParameters<typeof StepLR>[0];
  switch (kind) {
    case 'step':
      return new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    case 'exp':
      return new ExponentialLR(opt, { gamma: 0.9 });
    case 'onecycle':
      return new OneCycleLR(opt, { maxLr: 0.05, totalSteps: 6 });
    case 'cosine':
      return new CosineAnnealingLR(opt, { tMax: 4 });
    default:
      return new StepLR(opt, { stepSize: 0 });
  }
}

function mutateState(sd: StateDict, how: string): StateDict {
  const first = Object.values(sd.state)[0] as Record<string, unknown> | undefined;
  switch (how) {
    case 'bad-step':
      if (first) first.step = 0;
      break;
    case 'drop-buffer':
      if (first) delete first[Object.keys(first).find((k) => k !== 'step') ?? 'step'];
      break;
    case 'bad-lr':
      (sd.paramGroups[0] as Record<string, unknown>).lr = -1;
      break;
    case 'extra-key':
      (sd as unknown as Record<string, unknown>).extra = 1;
      if (first) first.bogus = 1;
      break;
    case 'toggle':
      for (const g of sd.paramGroups as Array<Record<string, unknown>>) {
        if ('amsgrad' in g) g.amsgrad = !g.amsgrad;
        if ('momentum' in g) g.momentum = g.momentum ? 0 : 0.9;
        if ('centered' in g) g.centered = !g.centered;
      }
      break;
  }
  return sd;
}

/** Runs one command; returns a description of its documented effect to check, or nothing. */
const SKIP = 'skip' as const;

function run(w: World, c: Command, afterClosure: () => void): (() => void) | typeof SKIP | void {
  const e = w.engine;
  const param = (i: number) => pick(w.params, i);
  const picks = (is: readonly number[]) => [...new Set(is.map((i) => param(i)).filter((p): p is Parameter => p !== undefined))];
  switch (c.t) {
    case 'params': {
      const made = e.parameters(c.specs as never);
      w.params.push(...made);
      return () => {
        if (made.length !== c.specs.length) throw new Violation(`parameters() made ${made.length} of ${c.specs.length}`);
        for (const p of made) if (p.grad.some((g) => g !== 0)) throw new Violation('a new gradient is not zero');
      };
    }
    case 'dispose': {
      const p = param(c.i);
      if (!p) return SKIP;
      p.dispose();
      return () => {
        if (!p.disposed) throw new Violation('dispose() left the parameter live');
      };
    }
    case 'grads':
      for (const p of w.params) if (!p.disposed) p.grad.set(values(c.seed, p.length));
      return;
    case 'optimizer': {
      const ps = picks(c.picks);
      const Cls = OPTIMIZERS[c.kind] as unknown as new (p: unknown, o: unknown) => Opt;
      const input = c.groups && ps.length > 1 && !registrationOf(c.kind).oneGroup ? [{ params: ps.slice(0, 1) }, { params: ps.slice(1), lr: 0.02 }] : ps;
      w.opts.push(new Cls(input, c.options));
      return;
    }
    case 'step': {
      const o = pick(w.opts, c.o);
      if (!o) return SKIP;
      const before = o.disposed ? undefined : safeState(o);
      let closure: unknown;
      if (c.closure === 'not-a-function') closure = 3;
      else if (c.closure !== 'none') {
        closure = () => {
          const mine = o.paramGroups.flatMap((g) => g.params);
          if (c.closure === 'grads') for (const p of mine) if (!p.disposed) p.grad.fill(0.25);
          if (c.closure === 'dispose') mine[0]?.dispose();
          if (c.closure === 'alloc') w.params.push(...e.parameters([64, 3]));
          afterClosure(); // the closure's own writes are the caller's: compare from here
          if (c.closure === 'throw') throw new ClosureError('from the closure');
          return 42;
        };
      }
      const loss = o.step(closure as never);
      w.edited.delete(o);
      return () => {
        if (closure !== undefined && loss !== 42) throw new Violation(`step() returned ${String(loss)}, not the closure's value`);
        if (o.paramGroups.some((g) => g.params.some((p) => p.disposed))) throw new Violation('step() succeeded over a disposed parameter');
        const after = o.stateDict();
        const steps = (sd: unknown) => Object.values((sd as StateDict).state ?? {}).map((s) => s.step);
        const was = typeof before === 'string' ? [] : steps(before);
        const now = steps(after);
        const listed = o.paramGroups.reduce((n, g) => n + g.params.length, 0);
        if (now.length !== listed || now.some((s) => s < 1)) throw new Violation(`after step() over ${listed} parameters the state holds steps [${now}]`);
        if (was.length === now.length && was.some((s, i) => now[i] !== s + 1)) throw new Violation(`steps went from [${was}] to [${now}]`);
      };
    }
    case 'lr': {
      const g = pick(pick(w.opts, c.o)?.paramGroups ?? [], c.g);
      if (!g) return SKIP;
      (g as Record<string, unknown>).lr = c.value;
      w.edited.add(pick(w.opts, c.o)!);
      return;
    }
    case 'push-param': {
      const g = pick(pick(w.opts, c.o)?.paramGroups ?? [], c.g);
      const p = param(c.i);
      if (!g || !p) return SKIP;
      g.params.push(p);
      w.edited.add(pick(w.opts, c.o)!);
      return;
    }
    case 'replace-params': {
      const g = pick(pick(w.opts, c.o)?.paramGroups ?? [], c.g);
      if (!g) return SKIP;
      g.params = picks(c.picks);
      w.edited.add(pick(w.opts, c.o)!);
      return;
    }
    case 'add-group': {
      const o = pick(w.opts, c.o);
      if (!o) return SKIP;
      o.addParamGroup({ params: picks(c.picks), ...c.options } as never);
      return;
    }
    case 'zero-grad': {
      const o = pick(w.opts, c.o);
      if (!o) return SKIP;
      o.zeroGrad();
      return () => {
        for (const g of o.paramGroups) for (const p of g.params) if (p.grad.some((x) => x !== 0)) throw new Violation('zeroGrad() left a gradient');
      };
    }
    case 'dispose-optimizer': {
      const o = pick(w.opts, c.o);
      if (!o) return SKIP;
      o.dispose();
      return;
    }
    case 'load-state': {
      const o = pick(w.opts, c.o);
      // Unchanged state goes back into its own optimizer; 'other' takes another's.
      const from = c.mutate === 'other' ? pick(w.opts, c.from) : o;
      if (!o || !from) return SKIP;
      if (from.disposed) return void from.stateDict(); // must refuse with a TypeError
      let sd = mutateState(from.stateDict() as StateDict, c.mutate);
      const finite = !/"(NaN|Infinity|-Infinity)"/.test(digest(sd));
      if (c.json) sd = JSON.parse(JSON.stringify(sd)) as StateDict;
      const want = digest(sd.state);
      try {
        o.loadStateDict(sd);
        w.edited.delete(o);
      } catch (err) {
        // An optimizer's own, unchanged, finite state dict is always accepted, also through JSON.
        const strict = !w.off.has(c.json ? 'json-state' : 'own-state');
        if (strict && c.mutate === 'none' && finite && !w.edited.has(o)) throw new Violation(`loadStateDict() refused its own state dict: ${(err as Error).message}`);
        throw err;
      }
      return () => {
        if (c.json) return; // buffers come back as Float32Array and NaN as null: compared by the load itself
        const got = digest(o.stateDict().state);
        if (got !== want) throw new Violation('loadStateDict() then stateDict() gave other state');
      };
    }
    case 'scheduler': {
      const o = pick(w.opts, c.o);
      if (o) w.scheds.push({ s: makeScheduler(c.kind, o), opt: o });
      return;
    }
    case 'scheduler-step': {
      const s = pick(w.scheds, c.s)?.s;
      if (!s) return SKIP;
      s.step();
      return;
    }
    case 'scheduler-load': {
      const s = pick(w.scheds, c.s)?.s;
      if (!s) return SKIP;
      const d = s.stateDict();
      s.loadStateDict(c.json ? JSON.parse(JSON.stringify(d)) : d);
      return;
    }
    case 'save': {
      const params = w.params.filter((p) => !p.disposed);
      const opt = c.withOpt ? pick(w.opts, c.o) : undefined;
      const sched = c.withSched ? pick(w.scheds, c.s)?.s : undefined;
      const bytes = saveCheckpoint({ params, optimizer: opt, scheduler: sched });
      w.saved.push({ bytes, params, opt, sched });
      return;
    }
    case 'load': {
      const k = pick(w.saved, c.k);
      if (!k) return SKIP;
      const bytes = k.bytes.slice();
      if (c.corrupt >= 0 && bytes.length) bytes[c.corrupt % bytes.length] = bytes[c.corrupt % bytes.length]! ^ 0x5a;
      loadCheckpoint(bytes, { params: k.params, optimizer: k.opt, scheduler: k.sched });
      return () => {
        const again = saveCheckpoint({ params: k.params, optimizer: k.opt, scheduler: k.sched });
        if (c.corrupt < 0 && digest(readParams(again)) !== digest(readParams(k.bytes))) throw new Violation('loadCheckpoint() did not restore the saved values');
      };
    }
  }
}

function readParams(bytes: Uint8Array): string {
  // The tensor data section: everything after the header (names, shapes and values).
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets?: [number, number] }>;
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(header)) {
    if (!name.startsWith('param.') || !t.data_offsets) continue;
    const [a, b] = t.data_offsets;
    out[name] = Array.from(new Uint32Array(bytes.slice(8 + n + a, 8 + n + b).buffer));
  }
  return JSON.stringify(out);
}

const label = (c: Command) => JSON.stringify(c, (_k, v: unknown) => (v instanceof Float32Array ? `Float32Array[${Array.from(v)}]` : Number.isNaN(v) ? 'NaN' : v));

/** Outcomes per command kind (`ok`, `refused`, `skipped`: nothing to act on), for coverage reports. */
export const outcomes = new Map<string, { ok: number; refused: number; skipped: number }>();
function count(c: Command, how: 'ok' | 'refused' | 'skipped'): void {
  const key = c.t === 'step' ? `step/${c.closure}` : c.t === 'load-state' ? `load-state/${c.mutate}${c.json ? '/json' : ''}` : c.t;
  const o = outcomes.get(key) ?? { ok: 0, refused: 0, skipped: 0 };
  o[how]++;
  outcomes.set(key, o);
}

/** Why calls were refused (with FUZZ_STATS=why). */
export const reasons = new Map<string, number>();

/** Runs a sequence on a fresh engine, checking the invariant after every call. */
export async function runSequence(setup: Setup, commands: readonly Command[], off: ReadonlySet<Variant> = new Set()): Promise<void> {
  const engine = await createEngine({ backend: setup.backend, initialBytes: 64 << 10, maximumBytes: setup.maximumBytes });
  engine.onGrow(() => {}); // growth is expected here: no warning
  const w: World = { engine, params: [], opts: [], scheds: [], saved: [], edited: new Set(), off };
  for (const [n, c] of commands.entries()) {
    let before = snapshot(w);
    let effect: (() => void) | typeof SKIP | void;
    try {
      effect = run(w, c, () => {
        before = snapshot(w);
      });
    } catch (err) {
      if (err instanceof Violation) throw new Violation(`call ${n} ${label(c)}: ${err.message}`);
      const ok = err instanceof TypeError || err instanceof RangeError || err instanceof CheckpointError || err instanceof ClosureError;
      if (!ok) throw new Violation(`call ${n} ${label(c)} threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`, { cause: err });
      const i = changedAt(w, before.length);
      if (i >= 0) {
        throw new Violation(`call ${n} ${label(c)} threw ${(err as Error).constructor.name} (${(err as Error).message}) but changed memory at byte ${i}`);
      }
      if (states(w) !== before.states) {
        throw new Violation(`call ${n} ${label(c)} threw ${(err as Error).constructor.name} (${(err as Error).message}) but changed a stateDict()`);
      }
      count(c, 'refused');
      if (process.env.FUZZ_STATS === 'why') reasons.set(`${c.t}: ${(err as Error).message.replace(/\d+/g, 'N')}`, (reasons.get(`${c.t}: ${(err as Error).message.replace(/\d+/g, 'N')}`) ?? 0) + 1);
      continue;
    }
    count(c, effect === SKIP ? 'skipped' : 'ok');
    try {
      if (typeof effect === 'function') effect();
    } catch (err) {
      if (err instanceof Violation) throw new Violation(`call ${n} ${label(c)}: ${err.message}`);
      throw new Violation(`call ${n} ${label(c)} succeeded, then checking its effect threw ${(err as Error).constructor.name}: ${(err as Error).message}`);
    }
  }
}
