// The arena, parameter views and memory growth.
import { describe, expect, it } from 'vitest';
import { createEngine, SGD } from '../src/index.js';
import { Arena } from '../src/memory/arena.js';
import { ArrayBufferMemory, PAGE_BYTES } from '../src/memory/linear-memory.js';
import { firstBitDifference } from './helpers/lockstep.js';

describe('Arena', () => {
  it('hands out 64-byte aligned, zeroed, non-overlapping blocks and reuses freed ones', () => {
    const arena = new Arena(new ArrayBufferMemory(1), 256);
    const a = arena.alloc(10);
    const b = arena.alloc(100);
    const c = arena.alloc(64);
    for (const x of [a, b, c]) expect(x % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 64);
    expect(c).toBeGreaterThanOrEqual(b + 128);
    new Uint8Array(arena.memory.buffer, b, 100).fill(7);
    arena.free(b);
    const d = arena.alloc(50);
    expect(d).toBe(b);
    expect(new Uint8Array(arena.memory.buffer, d, 50).every((x) => x === 0)).toBe(true);
    expect(() => arena.free(12345)).toThrow(/unknown block/);
  });

  it('coalesces neighbours so a freed region serves a larger request', () => {
    const arena = new Arena(new ArrayBufferMemory(1), 256);
    const a = arena.alloc(64);
    const b = arena.alloc(64);
    const c = arena.alloc(64);
    arena.alloc(64);
    arena.free(a);
    arena.free(c);
    arena.free(b);
    expect(arena.alloc(192)).toBe(a);
  });

  it('grows the memory when it runs out and tells listeners', () => {
    const arena = new Arena(new ArrayBufferMemory(1), 256);
    let told = 0;
    arena.onGrow(() => told++);
    const x = arena.alloc(3 * PAGE_BYTES);
    expect(arena.memory.buffer.byteLength).toBeGreaterThanOrEqual(x + 3 * PAGE_BYTES);
    expect(told).toBe(1);
    expect(arena.growCount).toBe(1);
  });
});

describe.each(['simd', 'scalar', 'js'] as const)('memory growth on %s', (backend) => {
  it('old views are detached (never silently stale); .data sees the same values; steps go on', async () => {
    const engine = await createEngine({ backend, initialBytes: 64 * 1024 });
    const [w] = engine.parameters([[3, 5]]);
    w!.data.set(Array.from({ length: 15 }, (_, i) => i / 7));
    w!.grad.fill(0.5);
    const before = w!.data;
    const snapshot = before.slice();
    const opt = new SGD([w!], { lr: 0.1, momentum: 0.9 });
    let grown = 0;
    engine.onGrow(() => grown++);
    const big = engine.parameters([1 << 20]); // 8 MiB of values + grads: forces growth
    expect(grown).toBeGreaterThan(0);
    expect(engine.growCount).toBeGreaterThan(0);
    // The stale view reads as empty instead of showing old numbers.
    expect(before.length).toBe(0);
    expect(before[0]).toBeUndefined();
    // Through the API the values are intact.
    expect(firstBitDifference(w!.data, snapshot)).toBe(-1);
    expect(w!.grad.every((g) => g === 0.5)).toBe(true);
    opt.step();
    const expected = snapshot.map((p) => Math.fround(p + Math.fround(-0.1 * 0.5)));
    expect(firstBitDifference(w!.data, expected)).toBe(-1);
    big.forEach((p) => p.dispose());
  });
});

describe('ArrayBufferMemory (no WebAssembly)', () => {
  it('detaches the old buffer on growth, like WebAssembly.Memory', () => {
    const m = new ArrayBufferMemory(1);
    const view = new Float32Array(m.buffer);
    view[3] = 42;
    expect(m.grow(2)).toBe(1);
    expect(view.length).toBe(0);
    expect(new Float32Array(m.buffer)[3]).toBe(42);
    expect(m.buffer.byteLength).toBe(3 * PAGE_BYTES);
  });
});

describe('parameters', () => {
  it('made together are contiguous, in order, and one optimizer run covers them', async () => {
    const engine = await createEngine({ backend: 'js' });
    const ps = engine.parameters([[2, 3], 4, new Float32Array([1, 2, 3])]);
    expect(ps.map((p) => p.length)).toEqual([6, 4, 3]);
    expect(ps[1]!.offset).toBe(ps[0]!.offset + 24);
    expect(ps[2]!.offset).toBe(ps[1]!.offset + 16);
    expect(ps[1]!.gradOffset).toBe(ps[0]!.gradOffset + 24);
    expect(Array.from(ps[2]!.data)).toEqual([1, 2, 3]);
    expect(ps[0]!.shape).toEqual([2, 3]);
    // Zero copy: a write through one view is seen by a view made later.
    ps[0]!.data[4] = 9;
    expect(new Float32Array(engine.memory.buffer, ps[0]!.offset, 6)[4]).toBe(9);
  });

  it('adopt() copies a user array once; later writes go through the parameter', async () => {
    const engine = await createEngine({ backend: 'scalar' });
    const src = new Float32Array([1, 2, 3, 4]);
    const p = engine.adopt(src, [2, 2]);
    src[0] = 100;
    expect(p.data[0]).toBe(1);
    expect(p.shape).toEqual([2, 2]);
    expect(() => engine.adopt([1, 2, 3], [2, 2])).toThrow(RangeError);
  });

  it('a block is freed when all its parameters are disposed', async () => {
    const engine = await createEngine({ backend: 'js' });
    const used = engine.arena.bytesInUse;
    const ps = engine.parameters([100, 100]);
    expect(engine.arena.bytesInUse).toBeGreaterThan(used);
    ps[0]!.dispose();
    expect(engine.arena.bytesInUse).toBeGreaterThan(used);
    ps[1]!.dispose();
    expect(engine.arena.bytesInUse).toBe(used);
    expect(() => ps[0]!.data).toThrow(TypeError);
  });

  it('optimizer state lives in the arena and dispose() returns it', async () => {
    const engine = await createEngine({ backend: 'simd' });
    const ps = engine.parameters([1000, 24]);
    const used = engine.arena.bytesInUse;
    const opt = new SGD(ps, { lr: 0.1, momentum: 0.9 });
    expect(engine.arena.bytesInUse - used).toBe(4 * 1024); // one 1024-float buffer for the run
    opt.dispose();
    expect(engine.arena.bytesInUse).toBe(used);
  });
});
