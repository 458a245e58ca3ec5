/// <reference types="node" />
/**
 * Node-only checkpoint files (package subpath `wasm-optim/node`), kept out of the main entry so
 * that it bundles for browsers.
 *
 * `saveCheckpointFile` writes atomically: the bytes go to a temporary file in the same
 * directory, which is flushed to disk (fsync), then renamed over the target, and the directory
 * is flushed where the platform allows it. A crash or a failed write at any point leaves either
 * the old file or the new one, complete, and no temporary file behind.
 *
 * @module wasm-optim/node
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type CheckpointInfo,
  loadCheckpoint,
  type LoadCheckpointOptions,
  saveCheckpoint,
  type SaveCheckpointInput,
} from './checkpoint.js';

export * from './index.js';

function checkPath(path: unknown, where: string): asserts path is string {
  if (typeof path !== 'string' || path === '') throw new TypeError(`${where}: path must be a non-empty string`);
}

/** Flushes a directory entry change (the rename) to disk; a no-op where directories can't be opened. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open or fsync a directory, and some file systems refuse it: the rename
    // itself has still happened.
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * Saves a checkpoint (see `saveCheckpoint`) to `path`, atomically: readers see the old file or
 * the complete new one, never a partial write; on failure the old file is left intact and the
 * temporary file removed, and the error is rethrown.
 *
 * @example
 * import { saveCheckpointFile } from 'wasm-optim/node';
 * await saveCheckpointFile('run/ckpt.safetensors', { params, optimizer: opt, scheduler: sched });
 */
export async function saveCheckpointFile(path: string, input: SaveCheckpointInput): Promise<void> {
  checkPath(path, 'saveCheckpointFile');
  const bytes = saveCheckpoint(input);
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx');
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await syncDirectory(dir);
}

/**
 * Reads `path` and loads it (see `loadCheckpoint`): validated in full before anything live
 * changes.
 *
 * @example
 * import { loadCheckpointFile } from 'wasm-optim/node';
 * const info = await loadCheckpointFile('run/ckpt.safetensors', { params, optimizer: opt });
 */
export async function loadCheckpointFile(path: string, options: LoadCheckpointOptions): Promise<CheckpointInfo> {
  checkPath(path, 'loadCheckpointFile');
  const buf = await readFile(path);
  return loadCheckpoint(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), options);
}
