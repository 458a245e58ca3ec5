// The README's optimizer table lists every registered optimizer, links to the class whose
// documentation states its update rule, and gives the defaults the class really has.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, OPTIMIZERS } from '../src/index.js';
import { parametersFor } from './helpers/optimizer-table.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const rows = new Map<string, { file: string; options: string }>();
for (const m of readme.matchAll(/^\| \[`(\w+)`\]\((src\/optim\/[\w-]+\.ts)\) \| ([^|]*) \|/gm)) rows.set(m[1]!, { file: m[2]!, options: m[3]! });

/** `name` value pairs from a cell such as "`lr` 1e-3, `betas` [0.9, 0.999], `momentumDecay` ψ 4e-3". */
function defaultsIn(cell: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of cell.matchAll(/`(\w+)` (?:[^\s\d[\-tf]+ )?(\[[^\]]*\]|[-\d.e]+|true|false)/g)) out[m[1]!] = JSON.parse(m[2]!);
  return out;
}

describe('README optimizer table', () => {
  it('has a row for every registered optimizer, linking to its class file', async () => {
    for (const Cls of Object.values(OPTIMIZERS)) {
      const row = rows.get(Cls.name);
      expect(row, `README row for ${Cls.name}`).toBeDefined();
      expect(readFileSync(new URL(`../${row!.file}`, import.meta.url), 'utf8')).toContain(`export class ${Cls.name} `);
    }
  });

  it('states the defaults the classes have', async () => {
    const engine = await createEngine({ backend: 'js' });
    let checked = 0;
    for (const Cls of Object.values(OPTIMIZERS)) {
      const stated = defaultsIn(rows.get(Cls.name)!.options);
      const [p] = parametersFor(engine, Cls, [1]);
      const actual = new (Cls as new (ps: unknown[]) => { defaults: Record<string, unknown> })([p]).defaults;
      for (const [k, v] of Object.entries(stated)) {
        expect(actual[k], `${Cls.name}.${k}`).toEqual(v);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    engine.dispose();
  });
});
