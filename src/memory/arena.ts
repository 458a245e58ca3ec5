/**
 * Arena allocator over a {@link LinearMemory}: first-fit free list with coalescing, every block
 * 64-byte aligned (a cache line; at least the 16 bytes a v128 wants) and zero-filled when handed
 * out. Offsets are byte offsets into the memory. Growth is explicit and reported to listeners,
 * because growing detaches every view of the old buffer.
 */
import { type LinearMemory, MAX_PAGES, PAGE_BYTES } from './linear-memory.js';

export const ALIGN = 64;

interface FreeBlock {
  offset: number;
  size: number;
}

const alignUp = (x: number, a: number) => Math.ceil(x / a) * a;

export class Arena {
  readonly memory: LinearMemory;
  /** First byte the arena may hand out (below it: reserved scratch space). */
  readonly base: number;
  #top: number;
  #free: FreeBlock[] = [];
  #sizes = new Map<number, number>();
  #listeners: Array<() => void> = [];
  #grows = 0;

  constructor(memory: LinearMemory, base: number) {
    this.memory = memory;
    this.base = alignUp(base, ALIGN);
    this.#top = this.base;
  }

  /** Number of times the memory has grown since the arena was made. */
  get growCount(): number {
    return this.#grows;
  }

  /** Bytes currently handed out. */
  get bytesInUse(): number {
    let s = 0;
    for (const v of this.#sizes.values()) s += v;
    return s;
  }

  /** Calls `fn` after every growth of the memory (old views are detached by then). */
  onGrow(fn: () => void): () => void {
    this.#listeners.push(fn);
    return () => {
      this.#listeners = this.#listeners.filter((f) => f !== fn);
    };
  }

  /** Makes sure at least `bytes` bytes of memory exist, growing it (once) if needed. */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE_BYTES);
    if (have / PAGE_BYTES + pages > MAX_PAGES) {
      throw new RangeError(`wasm-optim: cannot grow memory to ${bytes} bytes (the wasm32 limit is 4 GiB)`);
    }
    this.memory.grow(pages);
    this.#grows++;
    for (const fn of this.#listeners) fn();
  }

  /** Allocates `bytes` (rounded up to 64) zero-filled bytes; returns the byte offset. */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`wasm-optim: bad allocation size ${bytes}`);
    const size = Math.max(ALIGN, alignUp(bytes, ALIGN));
    let offset = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const b = this.#free[i]!;
      if (b.size >= size) {
        offset = b.offset;
        if (b.size === size) this.#free.splice(i, 1);
        else {
          b.offset += size;
          b.size -= size;
        }
        break;
      }
    }
    if (offset < 0) {
      // Reuse a free block that touches the top, then extend the top.
      const last = this.#free[this.#free.length - 1];
      if (last && last.offset + last.size === this.#top) {
        this.#free.pop();
        this.#top = last.offset;
      }
      offset = this.#top;
      this.reserve(offset + size);
      this.#top = offset + size;
    }
    new Uint8Array(this.memory.buffer, offset, size).fill(0);
    this.#sizes.set(offset, size);
    return offset;
  }

  /** Returns a block to the free list, merging it with free neighbours. */
  free(offset: number): void {
    const size = this.#sizes.get(offset);
    if (size === undefined) throw new Error(`wasm-optim: free of unknown block at ${offset}`);
    this.#sizes.delete(offset);
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
