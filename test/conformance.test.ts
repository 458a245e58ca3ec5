// Every recorded PyTorch / optax trajectory, on every backend.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { type OptimizerCase, runCase } from '../src/cli/conformance/optimizers.js';
import { BACKENDS, engines } from './helpers/lockstep.js';

const fixture = JSON.parse(
  gunzipSync(readFileSync(new URL('./fixtures/optimizers.json.gz', import.meta.url))).toString('utf8'),
) as { cases: OptimizerCase[] };

let all: Engine[];
beforeAll(async () => {
  all = await engines();
});

describe('reference trajectories (torch 2.11 / optax 0.2.8)', () => {
  it('holds all 71 public cases', () => {
    expect(fixture.cases).toHaveLength(71);
  });

  describe.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it.each(BACKENDS.map((b, i) => [b, i] as const))('on %s', (_b, i) => {
      expect(runCase(c, all[i]!)).toEqual([]);
    });
  });
});
