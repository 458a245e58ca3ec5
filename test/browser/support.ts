/**
 * The browser support table: what each engine gave in one run of the browser suite (version,
 * SIMD, relaxed SIMD, threads, and Adam at 1M parameters from the playground's benchmark panel),
 * rendered as the Markdown table that the README shows.
 */
import type { EngineName } from './drivers.js';

export interface Support {
  title: string;
  version?: string;
  simd?: boolean;
  relaxedSimd?: boolean;
  /** What the threads page gave: worker count and bit-identity, or the fallback and its error. */
  threads?: { sharedMemory: boolean; isolated: boolean; autoThreads: number; threads?: number; identical?: boolean; refused?: boolean };
  /** Adam's row of the benchmark panel, ms per step at 1M parameters. */
  adam?: { simd: number; scalar: number; js: number };
}

export const COMMAND = 'npx vitest run test/browser/';

const yesNo = (b: boolean | undefined) => (b === undefined ? '—' : b ? 'yes' : 'no');

function threadsCell(t: Support['threads']): string {
  if (!t) return '—';
  if (t.sharedMemory) return `yes: ${t.threads} workers, bit-identical to one thread: ${yesNo(t.identical)}; \`'auto'\` → ${t.autoThreads}`;
  return `no SharedArrayBuffer${t.isolated ? ' (even cross-origin isolated)' : ''}: \`'auto'\` → ${t.autoThreads}, \`threads: 2\` ${t.refused ? 'refused with the clear error' : 'NOT refused'}`;
}

/** The Markdown table of every engine that ran, in order. */
export function supportTable(rows: Map<EngineName, Support>): string {
  const lines = [
    '| engine | version | SIMD | relaxed SIMD (detected, not used) | threads | Adam 1M: SIMD ms | scalar ms | JS ms | SIMD vs JS |',
    '| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const s of rows.values()) {
    const a = s.adam;
    const ms = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(2));
    lines.push(
      `| ${s.title} | ${s.version ?? '—'} | ${yesNo(s.simd)} | ${yesNo(s.relaxedSimd)} | ${threadsCell(s.threads)} | ${ms(a?.simd)} | ${ms(a?.scalar)} | ${ms(a?.js)} | ${a ? `${(a.js / a.simd).toFixed(1)}×` : '—'} |`,
    );
  }
  return lines.join('\n');
}
