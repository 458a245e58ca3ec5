// Checkpoint file paths: a load reads only a regular file, and only once its header length fits
// the file's size (a FIFO would never settle, /dev/zero would eat memory without bound); a save
// into a folder that does not exist names the path the caller gave.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, loadCheckpointFile, saveCheckpointFile } from '../src/checkpoint/node.js';
import { createEngine, type Engine } from '../src/engine.js';
import type { Parameter } from '../src/memory/parameter.js';

const linux = process.platform === 'linux';
let engine: Engine;
let params: Parameter[];
let dir: string;

beforeAll(async () => {
  engine = await createEngine({ backend: 'js', initialBytes: 1 << 20 });
  params = engine.parameters([3, 2]);
  params[0]!.data.set([1, 2, 3]);
  dir = mkdtempSync(join(tmpdir(), 'wasm-optim-path-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Settles with the load's error, or fails the test if it has not settled within `ms`. */
async function loadError(path: string, ms = 3000): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`loadCheckpointFile("${path}") did not settle within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([loadCheckpointFile(path, { params }), timeout]);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    clearTimeout(timer);
  }
}

function expectRefused(err: unknown, path: string, what: RegExp): void {
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as Error).message).toContain(`"${path}"`);
  expect((err as Error).message).toMatch(what);
}

describe('loadCheckpointFile refuses what is not a regular file, before reading it', () => {
  it('a directory', async () => {
    const before = params[0]!.data.slice();
    expectRefused(await loadError(dir), dir, /is a directory, not a regular file/);
    expect(params[0]!.data).toEqual(before);
  });

  it.skipIf(!linux || !existsSync('/dev/zero'))('/dev/zero (would grow without bound)', async () => {
    expectRefused(await loadError('/dev/zero'), '/dev/zero', /is a character device, not a regular file/);
  });

  it.skipIf(!linux)('a FIFO (would never settle)', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const err = await loadError(fifo);
    if (!(err instanceof CheckpointError)) {
      // Unblock a reader stuck in open() so the worker can exit, then fail.
      closeSync(openSync(fifo, 'w'));
    }
    expectRefused(err, fifo, /is a FIFO, not a regular file/);
  });

  it.skipIf(!linux)('a header length past the end of the file is refused before the file is read', async () => {
    // A 3 GiB sparse file (no disk used on Linux file systems) whose header claims 4 GiB: refused
    // from its first 8 bytes, without allocating or reading the rest.
    const path = join(dir, 'huge.safetensors');
    const fd = openSync(path, 'w');
    try {
      const head = new Uint8Array(8);
      new DataView(head.buffer).setUint32(4, 1, true);
      writeSync(fd, head, 0, 8, 0);
      writeSync(fd, new Uint8Array(1), 0, 1, 3 * 2 ** 30 - 1);
    } finally {
      closeSync(fd);
    }
    expectRefused(await loadError(path), path, /header length 4294967296 runs past the end of the file \(3221225472 bytes\)/);
  });

  it('too short for a header', async () => {
    const path = join(dir, 'short.safetensors');
    writeFileSync(path, new Uint8Array(5));
    expectRefused(await loadError(path), path, /has 5 bytes, too few for a safetensors header/);
  });

  it('a regular file still loads', async () => {
    const path = join(dir, 'ok.safetensors');
    await saveCheckpointFile(path, { params });
    params[0]!.data.fill(0);
    await loadCheckpointFile(path, { params });
    expect([...params[0]!.data]).toEqual([1, 2, 3]);
  });
});

describe('saveCheckpointFile into a missing folder', () => {
  it('names the path asked for and says the folder does not exist', async () => {
    const path = join(dir, 'run', 'ckpt.safetensors');
    let err: unknown;
    try {
      await saveCheckpointFile(path, { params });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toContain(`"${path}"`);
    expect(message).toContain(`the folder "${join(dir, 'run')}" does not exist`);
    expect(message).not.toMatch(/\.tmp/);
    expect(err).toMatchObject({ code: 'ENOENT', path });
  });

  it('a folder path through a file is missing too', async () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    await expect(saveCheckpointFile(join(file, 'ckpt.safetensors'), { params })).rejects.toThrow(/does not exist/);
  });

  it('onto a directory: says so, naming the path, before writing anything', async () => {
    const folder = join(dir, 'run-dir');
    mkdirSync(folder);
    const before = readdirSync(dir).sort();
    const err = await saveCheckpointFile(folder, { params }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(`saveCheckpointFile: cannot write "${folder}": it is a directory (give a file path inside it)`);
    expect(err).toMatchObject({ code: 'EISDIR', path: folder });
    expect(readdirSync(dir).sort()).toEqual(before); // no temporary file left behind
  });
});
