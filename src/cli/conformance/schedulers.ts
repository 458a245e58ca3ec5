/**
 * Conformance of the learning-rate schedulers against recorded torch trajectories
 * (`schedulers.json`, layout in test/fixtures/README.md). Each case names a torch constructor call
 * (without the optimizer argument); it is parsed, mapped onto our classes (torch's positional
 * order, snake_case names → camelCase options), run on a one-group plain optimizer
 * `{ paramGroups: [{ lr: base_lr, momentum: 0.9 }] }`, and every lr is compared within
 * |a − e| ≤ 1e-9·max(|e|, 1e-12).
 */
import * as S from '../../schedule/index.js';
import type { SchedulableOptimizer, Scheduler } from '../../schedule/index.js';
import { BUILTINS, type Callable, evaluate, parse, type Value } from './pyexpr.js';

export interface SchedulerCase {
  /** A torch constructor call, e.g. `StepLR(step_size=3, gamma=0.5)`. */
  name: string;
  base_lr: number;
  /** lrs[0] before any step, lrs[k] after the k-th step. */
  lrs: number[];
}

export interface SchedulerData {
  cases: SchedulerCase[];
  /** The metric passed to ReduceLROnPlateau's k-th step is plateau_metrics[k − 1]. */
  plateau_metrics?: number[];
}

export interface SchedulerResult {
  name: string;
  passed: boolean;
  failures: string[];
}

export const REL_TOL = 1e-9;

/** Stands for the optimizer wherever a call names it (`optimizer`, `opt`). */
const OPTIMIZER = Object.freeze({ optimizer: true });

/** torch's parameters after `optimizer` (ChainedScheduler takes the optimizer second), in order. */
const SIGNATURES: Record<string, readonly string[]> = {
  LambdaLR: ['lr_lambda', 'last_epoch'],
  MultiplicativeLR: ['lr_lambda', 'last_epoch'],
  StepLR: ['step_size', 'gamma', 'last_epoch'],
  MultiStepLR: ['milestones', 'gamma', 'last_epoch'],
  ConstantLR: ['factor', 'total_iters', 'last_epoch'],
  LinearLR: ['start_factor', 'end_factor', 'total_iters', 'last_epoch'],
  ExponentialLR: ['gamma', 'last_epoch'],
  SequentialLR: ['schedulers', 'milestones', 'last_epoch'],
  PolynomialLR: ['total_iters', 'power', 'last_epoch'],
  CosineAnnealingLR: ['T_max', 'eta_min', 'last_epoch'],
  ChainedScheduler: ['schedulers', 'optimizer'],
  ReduceLROnPlateau: ['mode', 'factor', 'patience', 'threshold', 'threshold_mode', 'cooldown', 'min_lr', 'eps'],
  CyclicLR: [
    'base_lr', 'max_lr', 'step_size_up', 'step_size_down', 'mode', 'gamma', 'scale_fn', 'scale_mode',
    'cycle_momentum', 'base_momentum', 'max_momentum', 'last_epoch',
  ],
  CosineAnnealingWarmRestarts: ['T_0', 'T_mult', 'eta_min', 'last_epoch'],
  OneCycleLR: [
    'max_lr', 'total_steps', 'epochs', 'steps_per_epoch', 'pct_start', 'anneal_strategy', 'cycle_momentum',
    'base_momentum', 'max_momentum', 'div_factor', 'final_div_factor', 'three_phase', 'last_epoch',
  ],
};

type Ctor = new (optimizer: SchedulableOptimizer, options: never) => Scheduler;
const CLASSES: Record<string, Ctor> = {
  LambdaLR: S.LambdaLR,
  MultiplicativeLR: S.MultiplicativeLR,
  StepLR: S.StepLR,
  MultiStepLR: S.MultiStepLR,
  ConstantLR: S.ConstantLR,
  LinearLR: S.LinearLR,
  ExponentialLR: S.ExponentialLR,
  SequentialLR: S.SequentialLR,
  PolynomialLR: S.PolynomialLR,
  CosineAnnealingLR: S.CosineAnnealingLR,
  ReduceLROnPlateau: S.ReduceLROnPlateau,
  CyclicLR: S.CyclicLR,
  CosineAnnealingWarmRestarts: S.CosineAnnealingWarmRestarts,
  OneCycleLR: S.OneCycleLR,
};

const RENAME: Record<string, string> = { T_max: 'tMax', T_0: 't0', T_mult: 'tMult' };
/** torch's argument name → our option name. */
export const optionName = (k: string): string => RENAME[k] ?? k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Python values → ours: functions return numbers (a bool counts as 0/1, as in Python arithmetic). */
function toJs(v: Value): unknown {
  if (typeof v === 'function') {
    return (...a: number[]) => {
      const r = (v as (...x: Value[]) => Value)(...a);
      return typeof r === 'boolean' ? Number(r) : r;
    };
  }
  return Array.isArray(v) ? v.map(toJs) : v;
}

/** Matches positional and keyword arguments to torch's parameter names. */
function bind(cls: string, args: Value[], kwargs: Array<[string, Value]>): Record<string, Value> {
  const params = SIGNATURES[cls]!;
  const pos = cls !== 'ChainedScheduler' && args[0] === OPTIMIZER ? args.slice(1) : args;
  if (pos.length > params.length) throw new TypeError(`${cls}() takes ${params.length} arguments after the optimizer, got ${pos.length}`);
  const out: Record<string, Value> = {};
  pos.forEach((v, i) => (out[params[i]!] = v));
  for (const [k, v] of kwargs) {
    if (k === 'optimizer' && cls !== 'ChainedScheduler') {
      if (v !== OPTIMIZER) throw new TypeError(`${cls}(): optimizer must be the case's optimizer`);
      continue;
    }
    if (!params.includes(k)) throw new TypeError(`${cls}() got an unexpected keyword argument '${k}'`);
    if (k in out) throw new TypeError(`${cls}() got multiple values for argument '${k}'`);
    out[k] = v;
  }
  return out;
}

function construct(cls: string, bound: Record<string, Value>, optimizer: SchedulableOptimizer): Scheduler {
  const options: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(bound)) {
    if (v !== null && k !== 'optimizer') options[optionName(k)] = toJs(v);
  }
  if (cls === 'ChainedScheduler') {
    const opt = bound.optimizer ?? null;
    if (opt !== null && opt !== OPTIMIZER) throw new TypeError('ChainedScheduler(): optimizer must be the case\'s optimizer');
    return new S.ChainedScheduler(options.schedulers as S.LRScheduler[], opt === OPTIMIZER ? optimizer : undefined);
  }
  return new CLASSES[cls]!(optimizer, options as never);
}

/**
 * Builds the scheduler that a torch constructor call describes, on `optimizer` (nested calls are
 * built first, left to right, as Python evaluates them).
 */
export function buildScheduler(call: string, optimizer: SchedulableOptimizer): Scheduler {
  const ctors: Record<string, Callable> = {};
  for (const cls of Object.keys(SIGNATURES)) {
    ctors[cls] = { kind: 'callable', call: (args, kwargs) => construct(cls, bind(cls, args, kwargs), optimizer) };
  }
  const scope = new Map<string, Value>(BUILTINS);
  for (const [k, v] of Object.entries(ctors)) scope.set(k, v);
  scope.set('lr_scheduler', ctors);
  scope.set('torch', { optim: { lr_scheduler: ctors }, inf: Infinity });
  scope.set('inf', Infinity);
  scope.set('optimizer', OPTIMIZER);
  scope.set('opt', OPTIMIZER);
  const s = evaluate(parse(call), scope);
  if (!(s instanceof S.LRScheduler) && !(s instanceof S.ReduceLROnPlateau)) throw new TypeError(`${call} is not a scheduler`);
  return s;
}

/** Runs one case; returns its failures (empty when every lr conforms). */
export function runSchedulerCase(c: SchedulerCase, metrics: readonly number[] = [], maxFailures = 5): string[] {
  const failures: string[] = [];
  const optimizer = { paramGroups: [{ lr: c.base_lr, momentum: 0.9 }] };
  const check = (k: number, sched: Scheduler): void => {
    const a = optimizer.paramGroups[0]!.lr;
    const e = c.lrs[k]!;
    if (!(Math.abs(a - e) <= REL_TOL * Math.max(Math.abs(e), 1e-12)) && failures.length < maxFailures) {
      failures.push(`lr after step ${k}: got ${a}, expected ${e}`);
    }
    const last = sched.getLastLr()[0];
    if (last !== a && failures.length < maxFailures) failures.push(`getLastLr() after step ${k}: ${last}, group lr ${a}`);
  };
  let k = 0;
  try {
    const sched = buildScheduler(c.name, optimizer);
    check(0, sched);
    for (k = 1; k < c.lrs.length; k++) {
      if (sched instanceof S.ReduceLROnPlateau) {
        const m = metrics[k - 1];
        if (m === undefined) throw new RangeError(`no plateau_metrics[${k - 1}] for step ${k}`);
        sched.step(m);
      } else (sched as S.LRScheduler).step();
      check(k, sched);
    }
  } catch (e) {
    failures.push(`threw at step ${k}: ${(e as Error).message}`);
  }
  return failures;
}

/** Runs every case of a scheduler fixture file. */
export function runSchedulerConformance(data: SchedulerData): SchedulerResult[] {
  return data.cases.map((c) => {
    const failures = runSchedulerCase(c, data.plateau_metrics ?? []);
    return { name: c.name, passed: failures.length === 0, failures };
  });
}
