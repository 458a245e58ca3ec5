/**
 * Every ```ts / ```js block of README.md runs, as a user would run it: written to a temporary
 * project whose `node_modules/wasm-optim` is this package (its exports map, so the built
 * `dist/`), executed with tsx, and must exit 0. A block preceded by `<!-- no-run -->` is skipped;
 * such marks stay rare.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/packed.js';

export interface Snippet {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  run: boolean;
}

/** The fenced ts/js blocks of a markdown text, in order. */
export function snippets(markdown: string): Snippet[] {
  const out: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript|js|javascript)\s*$/.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    let prev = i - 1;
    while (prev >= 0 && lines[prev]!.trim() === '') prev--;
    out.push({ line: i + 1, lang: open[1]!, code: lines.slice(i + 1, end).join('\n'), run: lines[prev]?.trim() !== '<!-- no-run -->' });
    i = end;
  }
  return out;
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const blocks = snippets(readme);
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');

const work = mkdtempSync(join(tmpdir(), 'wasm-optim-readme-'));
mkdirSync(join(work, 'node_modules'));
symlinkSync(ROOT, join(work, 'node_modules/wasm-optim'), 'dir');
// TensorFlow.js, which the tfjs section's user has installed beside us.
symlinkSync(join(ROOT, 'node_modules/@tensorflow'), join(work, 'node_modules/@tensorflow'), 'dir');
writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README.md snippets', () => {
  it('finds the snippets, and few are marked not runnable', () => {
    expect(snippets('a\n```ts\nx\n```\n<!-- no-run -->\n\n```js\ny\n```\n```sh\nz\n```\n')).toEqual([
      { line: 2, lang: 'ts', code: 'x', run: true },
      { line: 7, lang: 'js', code: 'y', run: false },
    ]);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(blocks.filter((b) => !b.run).length).toBeLessThanOrEqual(1);
  });

  it.each(blocks.filter((b) => b.run).map((b) => [b.line, b] as const))('the block at line %i runs', (line, b) => {
    const dir = join(work, `line-${line}`);
    mkdirSync(dir);
    const file = join(dir, `snippet.${b.lang.startsWith('t') ? 'ts' : 'js'}`);
    writeFileSync(file, `${b.code}\n`);
    const r = spawnSync(process.execPath, [TSX, file], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(`${r.stderr}`.trim(), `README.md line ${line} failed`).toBe('');
    expect(r.status).toBe(0);
  });
});
