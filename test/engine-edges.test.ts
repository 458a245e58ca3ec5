// Engine and toolkit edges found by attacking the public API: each refused call changes nothing.
import { describe, expect, it } from 'vitest';
import { Adam, createEngine, NonFiniteGuard } from '../src/index.js';
import { firstBitDifference, memoryWords } from './helpers/lockstep.js';

describe('engine edges', () => {
  it('freeFloats takes only blocks from allocFloats/allocMany, once', async () => {
    const engine = await createEngine({ backend: 'js' });
    const [p] = engine.parameters([16]);
    expect(() => engine.freeFloats(p!.offset)).toThrow(RangeError);
    expect(() => engine.freeFloats(p!.gradOffset)).toThrow(/freeFloats: offset must be a block from allocFloats/);
    const [q] = engine.parameters([16]);
    expect(q!.offset).not.toBe(p!.offset);
    const b = engine.allocFloats(8);
    engine.freeFloats(b);
    expect(() => engine.freeFloats(b)).toThrow(RangeError);
    expect(() => engine.allocMany(null as never)).toThrow(/allocMany: lengths must be an array/);
    engine.dispose();
  });

  it('createEngine reads own options only', async () => {
    const engine = await createEngine(Object.create({ backend: 'js' }));
    expect(engine.backend).not.toBe('js');
    engine.dispose();
  });

  it('a hole in the specs gets the spec message, not an internal error', async () => {
    const engine = await createEngine({ backend: 'js' });
    // eslint-disable-next-line no-sparse-arrays
    expect(() => engine.parameters([, [2]] as never)).toThrow(/spec 0/);
    engine.dispose();
  });
});

describe('NonFiniteGuard', () => {
  it('refuses a closure that returns a Promise before any update', async () => {
    const engine = await createEngine({ backend: 'simd' });
    const ps = engine.parameters([8]);
    ps[0]!.grad.fill(0.5);
    const guard = new NonFiniteGuard(new Adam(ps));
    const before = memoryWords(engine, 0, engine.memory.buffer.byteLength);
    expect(() => guard.step((async () => 1) as never)).toThrow(/NonFiniteGuard\.step: the closure returned a Promise/);
    expect(firstBitDifference(before, memoryWords(engine, 0, engine.memory.buffer.byteLength))).toBe(-1);
    engine.dispose();
  });
});
