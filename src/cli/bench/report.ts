/**
 * Turns the records into rows (ns/param, Mparams/s, GB/s, fraction of the roofline, ratios vs
 * idiomatic JS and vs tfjs), a console table, and the markdown report with the targets.
 */
import type { BenchRecord, BenchResults } from './records.js';

export interface Row {
  optimizer: string;
  size: number;
  simd?: number;
  scalar?: number;
  jsReference?: number;
  idiomatic?: number;
  roofline?: number;
  tfjsWasm?: number;
  tfjsCpu?: number;
  /** Mparams/s and GB/s of the SIMD path. */
  mparams?: number;
  gbps?: number;
  /** SIMD bandwidth over the roofline kernel's, measured in the same rounds. */
  roofFraction?: number;
  /** Speed-ups of SIMD `step()`: idiomatic/simd; tfjs/simd (simd timed in the tfjs process). */
  vsIdiomatic?: number;
  vsTfjsWasm?: number;
  vsTfjsCpu?: number;
}

const key = (r: { optimizer: string; size: number }) => `${r.optimizer}@${r.size}`;

export function buildRows(records: readonly BenchRecord[]): Row[] {
  const rows = new Map<string, Row>();
  for (const r of records) {
    const row = rows.get(key(r)) ?? { optimizer: r.optimizer, size: r.size };
    rows.set(key(r), row);
    const ns = r.nsPerParam;
    switch (r.variant) {
      case 'simd':
        row.simd = ns;
        row.mparams = 1000 / ns;
        row.gbps = r.bytesPerParam / ns;
        break;
      case 'scalar': row.scalar = ns; break;
      case 'js-reference': row.jsReference = ns; break;
      case 'js-idiomatic': row.idiomatic = ns; break;
      case 'roofline': row.roofline = ns; break;
      case 'tfjs-wasm':
        row.tfjsWasm = ns;
        if (r.anchorSimdNsPerParam) row.vsTfjsWasm = ns / r.anchorSimdNsPerParam;
        break;
      case 'tfjs-cpu':
        row.tfjsCpu = ns;
        if (r.anchorSimdNsPerParam) row.vsTfjsCpu = ns / r.anchorSimdNsPerParam;
        break;
    }
  }
  for (const row of rows.values()) {
    if (row.simd && row.idiomatic) row.vsIdiomatic = row.idiomatic / row.simd;
    const simdRec = records.find((r) => r.variant === 'simd' && key(r) === key(row));
    if (row.simd && row.roofline && simdRec) row.roofFraction = simdRec.bytesPerParam / row.simd / (28 / row.roofline);
  }
  return [...rows.values()];
}

export const sizeLabel = (n: number): string =>
  n >= 1 << 20 && n % (1 << 20) === 0 ? `${n >> 20}M` : n >= 1024 && n % 1024 === 0 ? `${n >> 10}K` : String(n);

const fx = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const ratio = (x: number | undefined) => (x === undefined ? '—' : `${x >= 100 ? x.toFixed(0) : x.toFixed(1)}×`);

const COLUMNS = ['optimizer', 'size', 'simd ns/p', 'Mparam/s', 'GB/s', 'roofline', 'scalar', 'js-ref', 'idiomatic', 'tfjs-wasm', 'tfjs-cpu', '×idiomatic', '×tfjs-wasm', '×tfjs-cpu'];

function cells(r: Row): string[] {
  return [
    r.optimizer, sizeLabel(r.size), fx(r.simd, 3), fx(r.mparams, 0), fx(r.gbps, 1),
    r.roofFraction === undefined ? '—' : `${(r.roofFraction * 100).toFixed(0)}%`,
    fx(r.scalar), fx(r.jsReference), fx(r.idiomatic), fx(r.tfjsWasm), fx(r.tfjsCpu),
    ratio(r.vsIdiomatic), ratio(r.vsTfjsWasm), ratio(r.vsTfjsCpu),
  ];
}

/** Plain-text table for the console. */
export function consoleTable(rows: readonly Row[]): string {
  const body = rows.map(cells);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...body.map((b) => b[i]!.length)));
  const line = (xs: string[]) => xs.map((x, i) => (i < 2 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [line(COLUMNS), ...body.map(line)].join('\n');
}

/** A markdown table: the first `left` columns aligned left, the others right. */
function table(head: readonly string[], body: readonly (readonly string[])[], left: number): string {
  const sep = `|${head.map((_, i) => (i < left ? ' :-- ' : ' --: ')).join('|')}|`;
  return [`| ${head.join(' | ')} |`, sep, ...body.map((b) => `| ${b.join(' | ')} |`)].join('\n');
}

/** A markdown table of the rows. */
export function markdownTable(rows: readonly Row[]): string {
  return table(COLUMNS, rows.map(cells), 2);
}

export interface Target {
  what: string;
  goal: string;
  reached: string;
  met: boolean | undefined;
}

/** The targets, checked against one run. */
export function targets(rows: readonly Row[], res: BenchResults): Target[] {
  const of = (o: string) => rows.filter((r) => r.optimizer === o);
  const at = (o: string, n: number) => rows.find((r) => r.optimizer === o && r.size === n);
  const min = (xs: Array<number | undefined>) => {
    const ys = xs.filter((x): x is number => x !== undefined);
    return ys.length ? Math.min(...ys) : undefined;
  };
  const out: Target[] = [];
  const check = (what: string, goal: number, value: number | undefined, unit = '×') =>
    out.push({ what, goal: `≥ ${goal}${unit}`, reached: value === undefined ? 'not measured' : `${value.toFixed(2)}${unit}`, met: value === undefined ? undefined : value >= goal });
  // From 1K up: at 16 parameters the row measures the fixed cost per step (its own target below).
  check('Adam SIMD vs idiomatic JS, every size from 1K (min)', 8, min(of('adam').filter((r) => r.size >= 1024).map((r) => r.vsIdiomatic)));
  check('SGD-momentum SIMD vs idiomatic JS, sizes ≤ 1M (min)', 12, min(of('sgd-momentum').filter((r) => r.size <= 1048576).map((r) => r.vsIdiomatic)));
  check('Adam vs tfjs-wasm at 1M', 6, at('adam', 1048576)?.vsTfjsWasm);
  check('Adam vs tfjs-wasm at 1K', 50, at('adam', 1024)?.vsTfjsWasm);
  check('Adam vs tfjs-cpu (min over sizes)', 100, min(of('adam').map((r) => r.vsTfjsCpu)));
  check('Adam at 16M, fraction of the roofline kernel', 0.95, at('adam', 16777216)?.roofFraction, '');
  const small = res.records.find((r) => r.optimizer === 'adam' && r.size === 16 && r.variant === 'simd');
  const stepNs = small ? small.nsPerParam * 16 : undefined;
  out.push({ what: 'Adam: a whole step() on 16 parameters (SIMD)', goal: '≤ 100 ns', reached: stepNs === undefined ? 'not measured' : `${stepNs.toFixed(0)} ns`, met: stepNs === undefined ? undefined : stepNs <= 100 });
  const mt = res.manyTensors.find((m) => m.optimizer === 'adam');
  const mtRatio = mt ? mt.contiguous / mt.flat : undefined;
  out.push({ what: '1,000-tensor model vs one flat tensor (Adam)', goal: '≤ 1.1×', reached: mtRatio === undefined ? 'not measured' : `${mtRatio.toFixed(2)}×`, met: mtRatio === undefined ? undefined : mtRatio <= 1.1 });
  return out;
}

/**
 * The whole markdown report. `targets` (default true: the committed baseline report) adds the
 * project's performance targets; a user's own run leaves them out unless asked (`--targets`).
 */
export function markdownReport(res: BenchResults, svgName: string, opts: { targets?: boolean } = {}): string {
  const rows = buildRows(res.records);
  const m = res.meta;
  const lines = [
    '# wasm-optim benchmark',
    '',
    `Command: \`${m.command}\` · ${m.date} · ${m.cpu}, ${m.cores} cores · Node ${m.node} (V8 ${m.v8})` +
      (m.tfjs ? ` · tfjs ${m.tfjs}` : '') + ` · load average at start ${m.loadAverage.map((x) => x.toFixed(2)).join(', ')} · ${m.durationS.toFixed(0)} s` +
      ` · clock: ${(m.schedule as { clock?: string }).clock === 'cpu' ? 'process CPU time' : 'wall time'}`,
    '',
    `![speed-up of the SIMD path vs size](${svgName})`,
    '',
    'Median ns per parameter per `step()` (lower is better); ratios are speed-ups of the SIMD path.',
    '`roofline`: SIMD bytes/s as a fraction of the roofline kernel (Adam\'s 4-read/3-write pattern,',
    'trivial arithmetic) timed in the same rounds. tfjs ratios use the SIMD path timed in the tfjs process.',
    '',
    markdownTable(rows),
    '',
  ];
  if (opts.targets ?? true) {
    lines.push('## Targets', '', '| target | goal | reached | |', '| :-- | --: | --: | :-- |');
    for (const t of targets(rows, res)) lines.push(`| ${t.what} | ${t.goal} | ${t.reached} | ${t.met === undefined ? '—' : t.met ? 'met' : 'missed'} |`);
    lines.push('');
  }
  if (res.manyTensors.length) {
    lines.push(
      '## Many tensors', '', 'ns per parameter per `step()` (SIMD), 1,000 tensors of mixed sizes vs one flat tensor of the same total.', '',
      table(
        ['optimizer', 'tensors', 'params', 'flat', 'one `parameters()` call', 'one call per tensor', 'contiguous / flat', 'separate / flat'],
        res.manyTensors.map((t) => [
          t.optimizer, `${t.tensors}`, `${t.totalParams}`, fx(t.flat, 3), fx(t.contiguous, 3), fx(t.separate, 3), `${fx(t.contiguous / t.flat)}×`, `${fx(t.separate / t.flat)}×`,
        ]),
        1,
      ),
      '',
    );
  }
  if (res.allocation.length) {
    lines.push(
      '## Allocation', '', 'JS heap in use after a full GC, before and after 10,000 `step()` calls (1,024 parameters, SIMD).', '',
      table(
        ['optimizer', 'heap before (KiB)', 'heap after (KiB)', 'Δ (bytes)', 'GCs during the steps'],
        res.allocation.map((a) => [a.optimizer, (a.heapBefore / 1024).toFixed(0), (a.heapAfter / 1024).toFixed(0), `${a.heapAfter - a.heapBefore}`, `${a.gcCount}`]),
        1,
      ),
      '',
    );
  }
  const d = m.detachProbe;
  lines.push(
    '## Honesty of the JS baseline',
    '',
    `The core process (library backends, idiomatic JS, roofline) sized every memory up front: ${m.coreGrows} memory growths.` +
      (d ? ` At the end it timed idiomatic Adam at ${sizeLabel(d.n)} before and after detaching one ArrayBuffer (what \`memory.grow()\` does): ${fx(d.before, 2)} → ${fx(d.after, 2)} ns/param (${((d.after / d.before - 1) * 100).toFixed(0)}%).` : ''),
    'tfjs runs in separate processes (its wasm backend grows its memory).',
    '',
  );
  return lines.join('\n');
}
