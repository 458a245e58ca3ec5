/// <reference types="node" />
/**
 * `wasm-optim info [--json]`: what this installation offers here — the package version, the
 * runtime, which backends start (SIMD, scalar WebAssembly, pure JS) and which one `'auto'`
 * picks, WebAssembly SIMD and shared-memory threads detection, the kernel build hash that
 * checkpoints record, and whether the optional TensorFlow.js packages for `bench` are present.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, platform } from 'node:os';
import { type Backend, createEngine, detectBackend } from '../engine.js';
import { availableThreads } from '../threads/threaded.js';
import { BINARY_HASH } from '../wasm/binaries.generated.js';
import { hasSharedMemory, hasSimd, hasWebAssembly } from '../wasm/loader.js';
import { parseCommand } from './args.js';

export interface Info {
  name: string;
  version: string;
  node: string;
  platform: string;
  cpu: string;
  webAssembly: boolean;
  simd: boolean;
  sharedMemory: boolean;
  /** Threads an engine may use (`createEngine({ threads: 'auto' })`); 1 without shared memory. */
  threads: number;
  /** Each backend: `ok`, or why it does not start here. */
  backends: Record<Backend, string>;
  /** What `createEngine()` (backend `'auto'`) picks. */
  defaultBackend: Backend;
  kernelHash: string;
  /** Optional packages `bench` compares against: version, or null when not installed. */
  tfjs: Record<string, string | null>;
}

export const infoUsage = (name: string): string => `usage: ${name} [--json]\n\n  --json  print the information as one JSON object`;

/** This package's name and version. */
export function packageJson(): { name: string; version: string } {
  return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
}

function installed(name: string): string | null {
  try {
    const path = createRequire(import.meta.url).resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Collects the {@link Info} of this runtime (starts and disposes one engine per backend). */
export async function collectInfo(): Promise<Info> {
  const backends = {} as Record<Backend, string>;
  for (const b of ['simd', 'scalar', 'js'] as const) {
    try {
      (await createEngine({ backend: b })).dispose();
      backends[b] = 'ok';
    } catch (e) {
      backends[b] = (e as Error).message;
    }
  }
  const pkg = packageJson();
  const shared = hasSharedMemory();
  return {
    name: pkg.name,
    version: pkg.version,
    node: process.versions.node,
    platform: `${platform()} ${arch()}`,
    cpu: `${cpus()[0]?.model.trim() ?? 'unknown'}, ${cpus().length} logical cores`,
    webAssembly: hasWebAssembly(),
    simd: hasSimd(),
    sharedMemory: shared,
    threads: shared ? await availableThreads() : 1,
    backends,
    defaultBackend: detectBackend(),
    kernelHash: BINARY_HASH,
    tfjs: Object.fromEntries(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu'].map((n) => [n, installed(n)])),
  };
}

/** The information as aligned `key: value` lines. */
export function formatInfo(i: Info): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const rows: Array<[string, string]> = [
    [i.name, i.version],
    ['node', `${i.node} (${i.platform})`],
    ['cpu', i.cpu],
    ['webassembly', yes(i.webAssembly)],
    ['simd', yes(i.simd)],
    ['threads', i.sharedMemory ? `yes (shared memory; up to ${i.threads})` : 'no (no shared WebAssembly memory)'],
    ['backends', (Object.entries(i.backends) as Array<[string, string]>).map(([b, s]) => (s === 'ok' ? b : `${b} (unavailable: ${s})`)).join(', ')],
    ['default backend', i.defaultBackend],
    ['kernel hash', i.kernelHash],
    ['tfjs (bench)', Object.entries(i.tfjs).map(([n, v]) => `${n.replace('@tensorflow/', '')} ${v ?? 'not installed'}`).join(', ')],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

export async function infoCommand(argv: readonly string[], name: string): Promise<number> {
  const { values } = parseCommand(argv, { json: { type: 'boolean' }, help: { type: 'boolean' } }, { min: 0, max: 0 });
  if (values.help) {
    console.log(infoUsage(name));
    return 0;
  }
  const info = await collectInfo();
  console.log(values.json ? JSON.stringify(info) : formatInfo(info));
  return 0;
}
