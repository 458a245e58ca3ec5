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
import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type CheckpointInfo,
  loadCheckpoint,
  type LoadCheckpointOptions,
  saveCheckpoint,
  type SaveCheckpointInput,
} from './checkpoint.js';
import { CheckpointError } from './error.js';

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
  // A directory at `path` would fail only at the final rename, with the temporary file's error.
  const there = await stat(path).catch(() => undefined);
  if (there?.isDirectory()) {
    throw Object.assign(new Error(`saveCheckpointFile: cannot write "${path}": it is a directory (give a file path inside it)`), { code: 'EISDIR', path });
  }
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(tmp, 'wx');
  } catch (e) {
    throw missingFolder(e, path, dir) ?? e;
  }
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
 * The error for a save into a folder that does not exist (ENOENT, or ENOTDIR when part of the
 * folder path is a file), naming the path the caller gave rather than the temporary file.
 */
function missingFolder(e: unknown, path: string, dir: string): Error | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== 'ENOENT' && code !== 'ENOTDIR') return undefined;
  const err = new Error(`saveCheckpointFile: cannot write "${path}": the folder "${dir}" does not exist`, { cause: e });
  return Object.assign(err, { code, path });
}

/** What kind of file `s` describes, for messages. */
function kind(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads `length` bytes at `position` (fewer only if the file ends first); returns how many. */
async function readAt(handle: FileHandle, into: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Reads a checkpoint file's bytes: only a regular file (a FIFO, a device such as /dev/zero or a
 * directory is refused before it is opened, so the read can neither block nor grow without
 * bound), and only once its 8-byte header length fits in the file's size.
 */
async function readCheckpointBytes(path: string, where: string): Promise<Uint8Array> {
  const refuse = (s: Stats) => new CheckpointError(`${where}: "${path}" is ${kind(s)}, not a regular file`);
  let before: Stats;
  try {
    before = await stat(path);
  } catch (e) {
    // A missing or unreadable path is refused like any bad file; Node's code (ENOENT, …) is kept.
    const code = (e as { code?: string }).code;
    const err = new CheckpointError(`${where}: cannot read "${path}"${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`, { cause: e });
    throw Object.assign(err, { code });
  }
  if (!before.isFile()) throw refuse(before);
  // Non-blocking where the platform has it: should the path become a FIFO after the stat, the
  // open returns at once (and the check below refuses it) instead of waiting for a writer.
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const s = await handle.stat();
    if (!s.isFile()) throw refuse(s);
    const size = s.size;
    const head = new Uint8Array(8);
    const got = await readAt(handle, head, 0);
    if (got < 8) throw new CheckpointError(`${where}: "${path}" has ${got} bytes, too few for a safetensors header`);
    const dv = new DataView(head.buffer);
    const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
    if (8 + n > size) throw new CheckpointError(`${where}: "${path}": header length ${n} runs past the end of the file (${size} bytes): truncated?`);
    const bytes = new Uint8Array(size);
    const read = await readAt(handle, bytes, 0);
    if (read !== size) throw new CheckpointError(`${where}: "${path}" changed while it was read (${read} of ${size} bytes)`);
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Reads `path` and loads it (see `loadCheckpoint`): validated in full before anything live
 * changes. `path` must name a regular file.
 *
 * @example
 * import { loadCheckpointFile } from 'wasm-optim/node';
 * const info = await loadCheckpointFile('run/ckpt.safetensors', { params, optimizer: opt });
 */
export async function loadCheckpointFile(path: string, options: LoadCheckpointOptions): Promise<CheckpointInfo> {
  const where = 'loadCheckpointFile';
  checkPath(path, where);
  return loadCheckpoint(await readCheckpointBytes(path, where), options);
}
