/**
 * Arena allocator over a {@link LinearMemory}: first-fit free list with coalescing, every block
 * 64-byte aligned (a cache line; at least the 16 bytes a v128 wants) and zero-filled when handed
 * out. Offsets are byte offsets into the memory. Growth is explicit and reported to listeners,
 * because growing detaches every view of the old buffer.
 *
 * Allocation is planned, then committed: {@link Arena.allocMany} places every block on a copy of
 * the free list, grows the memory at most once for the lot, and only then takes the blocks, so a
 * request that does not fit changes nothing (not the free list, not the memory's size). Growth is
 * geometric (at least double the current size, up to the cap) so a growing model grows rarely.
 */
import { type LinearMemory, MAX_PAGES, PAGE_BYTES } from './linear-memory.js';

export const ALIGN = 64;

interface FreeBlock {
  offset: number;
  size: number;
}

const alignUp = (x: number, a: number) => Math.ceil(x / a) * a;

/** The request did not fit under the engine's memory cap (or the host refused to grow). */
export class OutOfMemoryError extends RangeError {
  /** Bytes the request asked for (after 64-byte rounding). */
  readonly requested: number;
  /** Bytes the memory may reach (the engine's `maximumBytes`). */
  readonly maximum: number;
  constructor(requested: number, inUse: number, maximum: number, detail = '') {
    super(
      `wasm-optim: out of memory: asked for ${requested} bytes with ${inUse} in use; the memory cap is ${maximum} bytes` +
        `${detail} (raise createEngine({ maximumBytes }), or free parameters and optimizers)`,
    );
    this.name = 'OutOfMemoryError';
    this.requested = requested;
    this.maximum = maximum;
  }
}

export class Arena {
  readonly memory: LinearMemory;
  /** First byte the arena may hand out (below it: reserved scratch space). */
  readonly base: number;
  /** Bytes the memory may grow to (a whole number of pages). */
  readonly maximumBytes: number;
  #top: number;
  #free: FreeBlock[] = [];
  #sizes = new Map<number, number>();
  #inUse = 0;
  #listeners: Array<() => void> = [];
  #grows = 0;

  constructor(memory: LinearMemory, base: number, maximumBytes = MAX_PAGES * PAGE_BYTES) {
    this.memory = memory;
    this.base = alignUp(base, ALIGN);
    this.maximumBytes = Math.floor(Math.min(maximumBytes, MAX_PAGES * PAGE_BYTES) / PAGE_BYTES) * PAGE_BYTES;
    this.#top = this.base;
  }

  /** Number of times the memory has grown since the arena was made. */
  get growCount(): number {
    return this.#grows;
  }

  /** Bytes currently handed out. */
  get bytesInUse(): number {
    return this.#inUse;
  }

  /** Calls `fn` after every growth of the memory (old views are detached by then). */
  onGrow(fn: () => void): () => void {
    this.#listeners.push(fn);
    return () => {
      this.#listeners = this.#listeners.filter((f) => f !== fn);
    };
  }

  /** Number of growth listeners. */
  get listenerCount(): number {
    return this.#listeners.length;
  }

  /**
   * Makes sure at least `bytes` bytes of memory exist, growing it once if needed: to twice its
   * size or to `bytes`, whichever is more, capped at {@link Arena.maximumBytes}. Throws an
   * {@link OutOfMemoryError} (and grows nothing) when `bytes` is over the cap.
   */
  reserve(bytes: number, requested = bytes): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    if (bytes > this.maximumBytes) throw new OutOfMemoryError(requested, this.#inUse, this.maximumBytes);
    const need = Math.ceil((bytes - have) / PAGE_BYTES);
    const room = (this.maximumBytes - have) / PAGE_BYTES;
    const doubled = Math.min(room, Math.max(need, Math.ceil(have / PAGE_BYTES)));
    try {
      this.memory.grow(doubled);
    } catch {
      // The host may refuse the doubled size; try the exact size before giving up.
      try {
        if (doubled === need) throw new Error('no smaller size');
        this.memory.grow(need);
      } catch (e) {
        throw new OutOfMemoryError(requested, this.#inUse, this.maximumBytes, `; the runtime refused to grow: ${(e as Error).message}`);
      }
    }
    this.#grows++;
    for (const fn of this.#listeners) fn();
  }

  /** Allocates `bytes` (rounded up to 64) zero-filled bytes; returns the byte offset. */
  alloc(bytes: number): number {
    return this.allocMany([bytes])[0]!;
  }

  /**
   * Allocates every size in `sizes` (bytes, each rounded up to 64, zero-filled) or none: the
   * blocks are placed first, the memory grows at most once, and only then are they taken. On
   * failure (an {@link OutOfMemoryError}) the arena and the memory are as they were.
   */
  allocMany(sizes: readonly number[]): number[] {
    for (const bytes of sizes) {
      if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`wasm-optim: allocation size must be a non-negative integer, got ${bytes}`);
    }
    const free = this.#free.map((b) => ({ ...b }));
    let top = this.#top;
    const rounded = sizes.map((bytes) => Math.max(ALIGN, alignUp(bytes, ALIGN)));
    const offsets = rounded.map((size) => {
      for (let i = 0; i < free.length; i++) {
        const b = free[i]!;
        if (b.size >= size) {
          const offset = b.offset;
          if (b.size === size) free.splice(i, 1);
          else {
            b.offset += size;
            b.size -= size;
          }
          return offset;
        }
      }
      // Reuse a free block that touches the top, then extend the top.
      const last = free[free.length - 1];
      if (last && last.offset + last.size === top) {
        free.pop();
        top = last.offset;
      }
      const offset = top;
      top = offset + size;
      return offset;
    });
    const requested = rounded.reduce((a, b) => a + b, 0);
    this.reserve(top, requested);
    // Committed: nothing below can fail.
    this.#free = free;
    this.#top = top;
    const u8 = new Uint8Array(this.memory.buffer);
    offsets.forEach((offset, i) => {
      u8.fill(0, offset, offset + rounded[i]!);
      this.#sizes.set(offset, rounded[i]!);
    });
    this.#inUse += requested;
    return offsets;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  free(offset: number): void {
    const size = this.#sizes.get(offset);
    if (size === undefined) throw new Error(`wasm-optim: free of unknown block at ${offset}`);
    this.#sizes.delete(offset);
    this.#inUse -= size;
    const list = this.#free;
    let i = 0;
    while (i < list.length && list[i]!.offset < offset) i++;
    list.splice(i, 0, { offset, size });
    if (i + 1 < list.length && offset + size === list[i + 1]!.offset) {
      list[i]!.size += list[i + 1]!.size;
      list.splice(i + 1, 1);
    }
    if (i > 0 && list[i - 1]!.offset + list[i - 1]!.size === offset) {
      list[i - 1]!.size += list[i]!.size;
      list.splice(i, 1);
    }
    const last = list[list.length - 1];
    if (last && last.offset + last.size === this.#top) {
      list.pop();
      this.#top = last.offset;
    }
  }

  /** Size in bytes of the block at `offset`, or undefined when it is not allocated. */
  sizeOf(offset: number): number | undefined {
    return this.#sizes.get(offset);
  }
}
