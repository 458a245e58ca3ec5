// The kernel table against the compiled binaries, the JS references and the bindings: one export
// per kernel with the declared argument count, nothing exported that the table lacks, scalars
// through the parameter block, structs that round like Math.fround and refuse unknown names.
import { describe, expect, it } from 'vitest';
import { createEngine, SCRATCH_OFFSET } from '../src/engine.js';
import * as reference from '../src/reference/index.js';
import { isKernel, kernel, MAX_SCALARS } from '../src/reference/kernel.js';
import { ARENA_BASE, KERNEL_NAMES, KERNEL_TABLE, PARAMS_BYTES, PARAMS_OFFSET, scalars } from '../src/wasm/kernel-table.js';
import { wasmKernels } from '../src/wasm/kernels.js';
import { compileKernels, instantiateKernels, type WasmBinary } from '../src/wasm/loader.js';

const BINARIES: readonly WasmBinary[] = ['simd', 'scalar', 'threads'];

describe('kernel table', () => {
  it('holds every declaration of src/reference and nothing else (helpers are not kernels)', () => {
    const declared = Object.entries(reference).filter(([, v]) => isKernel(v)).map(([k]) => k);
    expect(KERNEL_NAMES).toEqual(declared);
    expect(KERNEL_NAMES.length).toBe(51);
    expect(new Set(KERNEL_NAMES).size).toBe(KERNEL_NAMES.length);
    for (const helper of ['expf', 'logf', 'lerp', 'nearestEven']) expect(KERNEL_NAMES).not.toContain(helper);
  });

  it.each(BINARIES)('the %s binary exports each kernel once, with the declared argument count, and nothing else', async (binary) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: binary === 'threads' ? 16 : undefined, shared: binary === 'threads' });
    const exports = await instantiateKernels(binary, memory);
    for (const { name, decl } of KERNEL_TABLE) {
      const fn = exports[name] as (...a: number[]) => unknown;
      expect(typeof fn, name).toBe('function');
      // A WebAssembly export's length is its parameter count.
      expect(fn.length, name).toBe(decl.pointers.length + decl.ints.length + (decl.scalars.length > 0 ? 1 : 0));
      expect(decl.reference.length, name).toBe(1 + decl.arity);
    }
    const names = WebAssembly.Module.exports(await compileKernels(binary)).filter((x) => x.kind === 'function').map((x) => x.name);
    expect([...names].sort()).toEqual([...KERNEL_NAMES].sort());
    expect(names.some((n) => /_(simd|scalar)$/.test(n))).toBe(false);
  });

  it('binding refuses a binary that disagrees with the table', async () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const exports = await instantiateKernels('simd', memory);
    const { adam_f32: _gone, ...missing } = exports;
    expect(() => wasmKernels(missing, memory)).toThrow(/kernel adam_f32 missing/);
    const wrong = { ...exports, adam_f32: (a: number, b: number) => a + b };
    expect(() => wasmKernels(wrong, memory)).toThrow(/adam_f32 .* takes 2 arguments, the table declares 6/);
  });

  it('kernel() checks the reference against the declaration', () => {
    expect(() => kernel({ pointers: { x: 'elementwise' }, scalars: ['a'] }, ((_h: unknown, _x: number, _n: number) => 0) as never)).toThrow(
      /reference takes 3 arguments, the declaration 4/,
    );
    const many = Array.from({ length: MAX_SCALARS + 1 }, (_, i) => `s${i}`);
    expect(() => kernel({ pointers: { x: 'elementwise' }, scalars: many }, ((_h: unknown, _x: number, _n: number, _s: unknown) => 0) as never)).toThrow(RangeError);
  });

  it('the parameter block lies between the scratch space and the arena, and fits every kernel', () => {
    expect(PARAMS_OFFSET).toBeGreaterThanOrEqual(SCRATCH_OFFSET + 16);
    expect(PARAMS_OFFSET + PARAMS_BYTES).toBeLessThanOrEqual(ARENA_BASE);
    for (const { decl } of KERNEL_TABLE) expect(decl.scalars.length * 4).toBeLessThanOrEqual(PARAMS_BYTES);
  });
});

describe('scalar structs', () => {
  it('store float32 values, as Math.fround, under their names', () => {
    const s = scalars('adam_f32');
    s.negStep = 0.1;
    s.eps = 1e-8;
    expect(s.negStep).toBe(Math.fround(0.1));
    expect(s.eps).toBe(Math.fround(1e-8));
    expect([...s.values]).toEqual([0, 0, 0, 0, 0, 0, Math.fround(0.1), 0, Math.fround(1e-8)]);
    expect(Object.keys(Object.getPrototypeOf(s) as object)).toEqual([...KERNEL_TABLE.find((e) => e.name === 'adam_f32')!.decl.scalars]);
  });

  it('refuse a name the kernel does not declare', () => {
    const s = scalars('sgd_f32') as unknown as Record<string, number>;
    expect(() => {
      s.lr = 1;
    }).toThrow(TypeError);
    expect(() => scalars('expf' as never)).toThrow(/"expf" is not a kernel/);
  });

  it.each(['simd', 'scalar', 'js'] as const)('%s: a kernel reads its scalars from the block; a wrong struct is a TypeError that changes nothing', async (backend) => {
    const e = await createEngine({ backend });
    const [p] = e.parameters([new Float32Array([1, 2, 3, 4, 5])]);
    p!.grad.fill(1);
    const s = e.kernels.sgd_f32.scalars();
    s.gradSign = 1;
    s.l2 = 0;
    s.negLr = -0.5;
    e.kernels.sgd_f32(p!.offset, p!.gradOffset, 5, s);
    expect([...p!.data]).toEqual([0.5, 1.5, 2.5, 3.5, 4.5]);
    expect([...e.heap.f32.subarray(PARAMS_OFFSET >> 2, (PARAMS_OFFSET >> 2) + 3)]).toEqual([1, 0, -0.5]);
    const other = e.kernels.scale_f32.scalars();
    expect(() => e.kernels.sgd_f32(p!.offset, p!.gradOffset, 5, other as never)).toThrow(/sgd_f32: the last argument must be the kernel's scalar struct/);
    expect(() => e.kernels.sgd_f32(p!.offset, p!.gradOffset, 5, -0.5 as never)).toThrow(TypeError);
    expect([...p!.data]).toEqual([0.5, 1.5, 2.5, 3.5, 4.5]);
  });

  it('a kernel still finds the block after the memory grew', async () => {
    const e = await createEngine({ backend: 'simd', initialBytes: 65536 });
    const [p] = e.parameters([new Float32Array([2])]);
    const s = Object.assign(e.kernels.scale_f32.scalars(), { a: 3 });
    e.kernels.scale_f32(p!.offset, 1, s);
    e.parameters([1 << 16]);
    expect(e.growCount).toBeGreaterThan(0);
    s.a = 0.5;
    e.kernels.scale_f32(p!.offset, 1, s);
    expect(p!.data[0]).toBe(3);
  });
});
