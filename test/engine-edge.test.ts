// The engine's edges: read-only parameters, all-or-nothing allocation under a memory cap,
// geometric growth and its warning, option validation, and shapes never read as values.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Adam, createEngine, OutOfMemoryError, SGD } from '../src/index.js';
import { DEFAULT_INITIAL_BYTES } from '../src/engine.js';
import { Arena } from '../src/memory/arena.js';
import { ArrayBufferMemory, PAGE_BYTES } from '../src/memory/linear-memory.js';

const bytesOf = (buffer: ArrayBuffer) => Buffer.from(new Uint8Array(buffer).slice());
/** Whole-memory comparison as one boolean (deep equality on megabytes is slow). */
const same = (a: Buffer, b: Buffer) => a.equals(b);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Parameter fields are read-only', () => {
  it.each(['shape', 'length', 'offset', 'gradOffset'])('assigning %s throws and changes nothing', async (field) => {
    const engine = await createEngine({ backend: 'js' });
    const [p] = engine.parameters([[2, 2]]);
    const before = (p as unknown as Record<string, unknown>)[field];
    expect(() => {
      (p as unknown as Record<string, unknown>)[field] = field === 'shape' ? [64] : 64;
    }).toThrow(TypeError);
    expect((p as unknown as Record<string, unknown>)[field]).toEqual(before);
  });

  it('the shape is a frozen array', async () => {
    const engine = await createEngine({ backend: 'js' });
    const p = engine.parameter([3, 2]);
    expect(Object.isFrozen(p.shape)).toBe(true);
    expect(() => (p.shape as number[]).push(4)).toThrow(TypeError);
    expect(p.shape).toEqual([3, 2]);
  });

  it.each(['simd', 'scalar', 'js'] as const)('a step after a refused assignment writes only inside the parameter (%s)', async (backend) => {
    const engine = await createEngine({ backend });
    const [p, next] = engine.parameters([4, 60]);
    next!.data.fill(7);
    p!.grad.fill(1);
    next!.grad.fill(1);
    expect(() => Object.assign(p!, { length: 64 })).toThrow(TypeError);
    new SGD([p!], { lr: 0.5 }).step();
    expect(Array.from(p!.data)).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect(next!.data.every((x) => x === 7)).toBe(true);
  });
});

describe('all-or-nothing allocation', () => {
  it('Arena.allocMany takes every block or none and grows at most once', () => {
    const arena = new Arena(new ArrayBufferMemory(1, 4), 256, 4 * PAGE_BYTES);
    const a = arena.alloc(1000);
    const bytes = bytesOf(arena.memory.buffer);
    const used = arena.bytesInUse;
    const err = (() => {
      try {
        arena.allocMany([PAGE_BYTES, PAGE_BYTES, 2 * PAGE_BYTES]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect(err).toBeInstanceOf(RangeError);
    expect((err as OutOfMemoryError).requested).toBe(4 * PAGE_BYTES);
    expect((err as Error).message).toMatch(/asked for 262144 bytes with 1024 in use; the memory cap is 262144 bytes/);
    expect(arena.bytesInUse).toBe(used);
    expect(arena.growCount).toBe(0);
    expect(same(bytesOf(arena.memory.buffer), bytes)).toBe(true);
    // The free list is as it was: the next allocation lands right after the first block.
    const [b, c] = arena.allocMany([PAGE_BYTES, PAGE_BYTES]);
    expect(b).toBe(a + 1024);
    expect(c).toBe(b! + PAGE_BYTES);
    expect(arena.growCount).toBe(1);
    expect(() => arena.allocMany([1.5])).toThrow(RangeError);
  });

  it('parameters() beyond maximumBytes throw OutOfMemoryError with memory byte-identical', async () => {
    const engine = await createEngine({ backend: 'simd', initialBytes: 64 << 10, maximumBytes: 256 << 10 });
    const [p] = engine.parameters([100]);
    p!.data.fill(3);
    const bytes = bytesOf(engine.memory.buffer);
    expect(() => engine.parameters([20000, 20000])).toThrow(OutOfMemoryError);
    expect(same(bytesOf(engine.memory.buffer), bytes)).toBe(true);
    expect(engine.maximumBytes).toBe(256 << 10);
    expect(engine.parameters([20000]).length).toBe(1); // 160,000 bytes still fit
  });

  it('an optimizer whose second state buffer does not fit leaks nothing', async () => {
    const engine = await createEngine({ backend: 'js', initialBytes: 64 << 10, maximumBytes: 1 << 20 });
    const ps = engine.parameters([72 << 10]); // 576 KiB of values and gradients
    const used = engine.arena.bytesInUse;
    expect(() => new Adam(ps, { lr: 0.1 })).toThrow(OutOfMemoryError); // m fits, v does not
    expect(engine.arena.bytesInUse).toBe(used);
    expect(new SGD(ps, { lr: 0.1, momentum: 0.9 }).engine).toBe(engine); // one buffer fits
  });

  it('validates allocMany lengths', async () => {
    const engine = await createEngine({ backend: 'js' });
    expect(() => engine.allocMany([4, -1])).toThrow(/lengths must be non-negative integers, got -1/);
    const offs = engine.allocMany([3, 5]);
    expect(offs[1]! - offs[0]!).toBe(64);
  });
});

describe('memory growth', () => {
  it('the default size holds the README network (784×128 + 128) with Adam and AMSGrad without growing', async () => {
    const engine = await createEngine({ backend: 'simd' });
    expect(engine.memory.buffer.byteLength).toBe(DEFAULT_INITIAL_BYTES);
    const ps = engine.parameters([[784, 128], [128]]);
    new Adam(ps, { lr: 1e-3, amsgrad: true }).step();
    expect(engine.arena.bytesInUse).toBeLessThan(DEFAULT_INITIAL_BYTES / 2);
    expect(engine.growCount).toBe(0);
  });

  it('grows geometrically: a hundred allocations grow the memory a handful of times', async () => {
    const engine = await createEngine({ backend: 'js', initialBytes: 64 << 10 });
    engine.onGrow(() => {});
    for (let i = 0; i < 100; i++) engine.parameters([16 << 10]); // 128 KiB each
    expect(engine.arena.bytesInUse).toBe(100 * (128 << 10));
    expect(engine.growCount).toBeLessThanOrEqual(8);
    expect(engine.memory.buffer.byteLength).toBeLessThan(4 * engine.arena.bytesInUse);
  });

  it('stops at maximumBytes: growth is capped, then refused', async () => {
    const engine = await createEngine({ backend: 'scalar', initialBytes: 64 << 10, maximumBytes: 320 << 10 });
    engine.parameters([20 << 10]); // 160 KiB: grows 64 -> 192 KiB (double, not past the cap)
    expect(engine.memory.buffer.byteLength).toBe(192 << 10);
    engine.parameters([12 << 10]); // 96 KiB more: capped at 320 KiB
    expect(engine.memory.buffer.byteLength).toBe(320 << 10);
    expect(() => engine.parameters([8 << 10])).toThrow(/memory cap is 327680 bytes/);
  });

  it('warns once when memory grows after views were handed out', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const engine = await createEngine({ backend: 'js', initialBytes: 64 << 10 });
    const p = engine.parameter(10);
    engine.parameters([16 << 10]); // grows, but no view was handed out yet
    expect(warn).not.toHaveBeenCalled();
    const stale = p.grad;
    engine.parameters([64 << 10]);
    expect(stale.length).toBe(0);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/detached and writes to them are lost/);
    void p.grad;
    engine.parameters([256 << 10]);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('does not warn when an onGrow listener watches growth', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const engine = await createEngine({ backend: 'js', initialBytes: 64 << 10 });
    let grown = 0;
    engine.onGrow(() => grown++);
    void engine.parameter(10).grad;
    engine.parameters([64 << 10]);
    expect(grown).toBe(1);
    expect(warn).not.toHaveBeenCalled();
    expect(() => engine.onGrow(3 as never)).toThrow(TypeError);
  });
});

describe('createEngine options', () => {
  it.each([
    ['an array', [], TypeError, /options must be an object, got \[\]/],
    ['a string', 'simd', TypeError, /options must be an object, got "simd"/],
    ['null', null, TypeError, /options must be an object, got null/],
    ['threads with the js backend', { backend: 'js', threads: 4 }, RangeError, /threads > 1 needs the "simd" backend, got "js"/],
    ['threads with the scalar backend', { backend: 'scalar', threads: 2 }, RangeError, /needs the "simd" backend, got "scalar"/],
    ['threads NaN', { threads: NaN }, RangeError, /threads must be an integer in \[1, 256\] or "auto", got NaN/],
    ['threads as a string', { threads: '2' }, RangeError, /got "2"/],
    ['initialBytes Infinity', { initialBytes: Infinity }, RangeError, /initialBytes must be an integer in \[0, 4 GiB\], got Infinity/],
    ['maximumBytes too small', { maximumBytes: 1000 }, RangeError, /maximumBytes must be an integer in \[65536, 4 GiB\], got 1000/],
    ['maximumBytes fractional', { maximumBytes: 1e6 + 0.5 }, RangeError, /maximumBytes must be an integer/],
    ['initialBytes over maximumBytes', { initialBytes: 1 << 20, maximumBytes: 512 << 10 }, RangeError, /initialBytes must be at most maximumBytes \(524288\), got 1048576/],
    ['threadThreshold negative', { threadThreshold: -1 }, RangeError, /threadThreshold must be a non-negative integer, got -1/],
  ] as Array<[string, unknown, typeof TypeError, RegExp]>)('refuses %s', async (_n, options, cls, pattern) => {
    const err = await createEngine(options as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect((err as Error).message).toMatch(pattern);
  });

  it('a small maximumBytes also caps the default initial size; threads "auto" with js is one thread', async () => {
    const e = await createEngine({ backend: 'js', maximumBytes: 128 << 10, threads: 'auto' });
    expect(e.memory.buffer.byteLength).toBe(128 << 10);
    expect(e.threads).toBe(1);
  });
});

describe('shapes are never read as values', () => {
  it.each([
    ['engine.parameter([0.5, -0.3])', (e: Awaited<ReturnType<typeof createEngine>>) => e.parameter([0.5, -0.3])],
    ['engine.parameters([[0.5, -0.3]])', (e: Awaited<ReturnType<typeof createEngine>>) => e.parameters([[0.5, -0.3]])],
    ['engine.parameter([3, -1])', (e: Awaited<ReturnType<typeof createEngine>>) => e.parameter([3, -1])],
  ])('%s is refused with a message that says how to pass values', async (_n, make) => {
    const engine = await createEngine({ backend: 'js' });
    const bytes = bytesOf(engine.memory.buffer);
    expect(() => make(engine)).toThrow(RangeError);
    expect(() => make(engine)).toThrow(/must be a non-negative integer, got .*; pass values as a Float32Array or \{ data: \[\.\.\.\] \}/);
    expect(same(bytesOf(engine.memory.buffer), bytes)).toBe(true);
  });

  it('a non-number dimension names the dimension', async () => {
    const engine = await createEngine({ backend: 'js' });
    expect(() => engine.parameter([2, '3'] as never)).toThrow(/spec 0: shape\[1\] must be a non-negative integer, got "3" in \[2, "3"\]/);
    expect(() => engine.parameter({ shape: [2, null] } as never)).toThrow(/shape\[1\] must be a non-negative integer, got null/);
    expect(() => engine.parameter({ shape: 4 } as never)).toThrow(/shape must be an array of non-negative integers, got 4/);
  });

  it('values pass as a typed array or { data }; integer arrays are shapes', async () => {
    const engine = await createEngine({ backend: 'js' });
    const a = engine.parameter(new Float32Array([0.5, -0.3]));
    const b = engine.parameter({ data: [0.5, -0.3] });
    const c = engine.parameter([2, 3]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(b.shape).toEqual([2]);
    expect(c.shape).toEqual([2, 3]);
    expect(c.data.every((x) => x === 0)).toBe(true);
  });
});
