// Engine creation, backend choice and the kernel binaries.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, detectBackend, hasSimd, hasWebAssembly, OPTIMIZERS } from '../src/index.js';
import { KERNEL_NAMES } from '../src/wasm/kernels.js';
import { compileKernels, wasmBytes } from '../src/wasm/loader.js';

describe('engine', () => {
  it('auto picks SIMD on this runtime (Node 20 validates v128)', async () => {
    expect(hasWebAssembly()).toBe(true);
    expect(hasSimd()).toBe(true);
    expect(detectBackend()).toBe('simd');
    expect((await createEngine()).backend).toBe('simd');
  });

  it.each(['simd', 'scalar', 'js'] as const)('backend %s can be forced and has every kernel', async (backend) => {
    const e = await createEngine({ backend });
    expect(e.backend).toBe(backend);
    for (const name of KERNEL_NAMES) expect(typeof e.kernels[name]).toBe('function');
  });

  it('sizes memory up front from initialBytes', async () => {
    const e = await createEngine({ backend: 'scalar', initialBytes: 5 << 20 });
    expect(e.memory.buffer.byteLength).toBe(5 << 20);
    e.parameters([1 << 19]); // 2 MiB + 2 MiB: fits
    expect(e.growCount).toBe(0);
  });

  it('compiles each binary once per process', async () => {
    const a = compileKernels('simd');
    const b = compileKernels('simd');
    expect(a).toBe(b);
    expect(await a).toBeInstanceOf(WebAssembly.Module);
  });

  it('the SIMD build uses v128 instructions and the scalar build none', async () => {
    // The text form written next to each binary by the build.
    const wat = (t: string) => readFileSync(new URL(`../build/optim.${t}.wat`, import.meta.url), 'utf8');
    expect(wat('simd')).toMatch(/f32x4\.(mul|add)/);
    expect(wat('scalar')).not.toMatch(/v128|f32x4/);
    expect(WebAssembly.validate(wasmBytes('scalar') as BufferSource)).toBe(true);
    const exports = WebAssembly.Module.exports(await compileKernels('scalar')).map((x) => x.name);
    for (const name of KERNEL_NAMES) expect(exports).toContain(name);
  });

  it('registers every optimizer by its reference name', () => {
    expect(Object.keys(OPTIMIZERS)).toEqual(expect.arrayContaining(['sgd', 'adam', 'adamw']));
  });
});
