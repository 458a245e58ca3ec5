import type { LinearMemory } from './linear-memory.js';

/**
 * Typed views over the whole of a memory, rebuilt on access whenever the memory's buffer has
 * changed (growth replaces it). The pure-JS kernels index these with byte offset >> 2 (f32) or
 * >> 3 (f64), so they take the same pointer arguments as the WebAssembly kernels.
 */
export class Heap {
  readonly #memory: LinearMemory;
  #buffer: ArrayBuffer | null = null;
  #f32 = new Float32Array(0);
  #f64 = new Float64Array(0);
  #u8 = new Uint8Array(0);

  constructor(memory: LinearMemory) {
    this.#memory = memory;
  }

  #sync(): void {
    const b = this.#memory.buffer;
    if (b !== this.#buffer) {
      this.#buffer = b;
      this.#f32 = new Float32Array(b);
      this.#f64 = new Float64Array(b);
      this.#u8 = new Uint8Array(b);
    }
  }

  get f32(): Float32Array {
    this.#sync();
    return this.#f32;
  }

  get f64(): Float64Array {
    this.#sync();
    return this.#f64;
  }

  get u8(): Uint8Array {
    this.#sync();
    return this.#u8;
  }
}
