/** Seeded generators (mulberry32) for reproducible test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Gradients like the reference fixtures: varied scales, exact zeros, sign changes. */
export function gradient(next: () => number, n: number, step: number): Float32Array {
  const scales = [1, 0.01, 3, 1e-4, 1, 50];
  const scale = scales[step % scales.length]!;
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = (next() * 2 - 1) * scale;
  if (step % 5 === 3) g.fill(0, 0, Math.max(1, n >> 2));
  return g;
}

export function values(next: () => number, n: number): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = next() * 2 - 1;
  return v;
}
