/**
 * Conformance of gradient clipping against `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`
 * (`clipping.json`, layout in test/fixtures/README.md). Every case runs on every backend and in
 * two memory layouts — all tensors in one block (one kernel call) and each tensor in its own
 * block, listed in reverse — and passes when the returned total norm and every gradient element
 * are within |a − e| ≤ 1e-6 + 1e-5·|e|.
 *
 * Runs synchronously: the kernel binaries are compiled with `new WebAssembly.Module`.
 */
import { type Backend, Engine } from '../../engine.js';
import type { Parameter } from '../../memory/parameter.js';
import { clipGradNorm, clipGradValue } from '../../train/clip.js';
import { wasmKernels } from '../../wasm/kernels.js';
import { wasmBytes } from '../../wasm/loader.js';

export interface ClippingCase {
  name?: string;
  kind: 'norm' | 'value';
  max_norm?: number;
  norm_type?: number | string;
  error_if_nonfinite?: boolean;
  clip_value?: number;
  grads: number[][];
  total_norm?: number;
  expected: number[][];
}

export interface ClippingResult {
  name: string;
  passed: boolean;
  failures: string[];
}

const ATOL = 1e-6;
const RTOL = 1e-5;
const BACKENDS: readonly Backend[] = ['simd', 'scalar', 'js'];

const close = (a: number, e: number) => Math.abs(a - e) <= ATOL + RTOL * Math.abs(e);

function engineSync(backend: Backend, bytes: number): Engine {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  if (backend === 'js') return new Engine('js', memory, null);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(backend) as BufferSource), { env: { memory } });
  return new Engine(backend, memory, wasmKernels(instance.exports as Record<string, unknown>, memory, backend));
}

function caseName(c: ClippingCase, i: number): string {
  if (c.name) return c.name;
  return c.kind === 'norm'
    ? `clip_grad_norm_ #${i} (max_norm ${c.max_norm}, norm_type ${String(c.norm_type ?? 2)})`
    : `clip_grad_value_ #${i} (clip_value ${c.clip_value})`;
}

function normType(v: number | string | undefined): number | 'inf' {
  if (v === undefined) return 2;
  if (typeof v === 'string') return /^[+]?inf(inity)?$/i.test(v) ? 'inf' : Number(v);
  return v;
}

/** Runs one case on one engine in one layout; returns failure descriptions. */
function runOne(c: ClippingCase, engine: Engine, split: boolean, maxFailures = 3): string[] {
  const tag = `[${engine.backend}${split ? ', separate blocks' : ''}]`;
  const failures: string[] = [];
  let params: Parameter[] = [];
  try {
    params = split ? c.grads.map((g) => engine.parameter(g.length)) : engine.parameters(c.grads.map((g) => g.length));
    c.grads.forEach((g, t) => params[t]!.grad.set(g));
    const order = split ? [...params].reverse() : params;
    if (c.kind === 'norm') {
      const total = clipGradNorm(order, c.max_norm!, {
        normType: normType(c.norm_type),
        errorIfNonfinite: c.error_if_nonfinite ?? false,
      });
      if (c.total_norm !== undefined && !close(total, c.total_norm)) {
        failures.push(`${tag} total norm: got ${total}, expected ${c.total_norm}`);
      }
    } else if (c.kind === 'value') {
      clipGradValue(order, c.clip_value!);
    } else {
      return [`${tag} unknown kind ${JSON.stringify(c.kind)}`];
    }
    for (let t = 0; t < params.length && failures.length < maxFailures; t++) {
      const got = params[t]!.grad;
      const exp = c.expected[t]!;
      if (exp.length !== got.length) failures.push(`${tag} tensor ${t}: expected ${exp.length} elements, have ${got.length}`);
      for (let i = 0; i < exp.length && failures.length < maxFailures; i++) {
        if (!close(got[i]!, exp[i]!)) failures.push(`${tag} tensor ${t} [${i}]: got ${got[i]}, expected ${exp[i]}`);
      }
    }
  } catch (e) {
    failures.push(`${tag} threw ${(e as Error).stack ?? String(e)}`);
  } finally {
    for (const p of params) p.dispose();
  }
  return failures;
}

/** Runs every clipping case on every backend, in both layouts. */
export function runClippingConformance(data: { cases: readonly ClippingCase[] }): ClippingResult[] {
  if (typeof data !== 'object' || data === null || !Array.isArray(data.cases)) {
    throw new TypeError('runClippingConformance: expected { cases: [...] }');
  }
  let elements = 0;
  for (const c of data.cases) if (Array.isArray(c?.grads)) for (const g of c.grads) elements += g?.length ?? 0;
  const engines = BACKENDS.map((b) => engineSync(b, (1 << 20) + elements * 16));
  return data.cases.map((c, i) => {
    const failures = engines.flatMap((e) => [...runOne(c, e, false), ...runOne(c, e, true)]);
    return { name: caseName(c, i), passed: failures.length === 0, failures };
  });
}
