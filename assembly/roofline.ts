// Roofline kernel: the memory access pattern of Adam (4 streams read: p, g, m, v; 3 written:
// p, m, v) with trivial arithmetic, so its speed is the attainable bandwidth of a WebAssembly
// SIMD loop on this machine. The benchmark divides an optimizer's bytes moved per second by
// this kernel's to say what fraction of the attainable bandwidth the optimizer reaches.
//
//   d ← a·g      m ← m + d      v ← v + d      p ← p + d
//
// Main loop unrolled ×4 (16 floats per iteration) so loop overhead stays out of the way.

// @ts-ignore: decorator
@inline function rooflineVec(p: usize, g: usize, m: usize, v: usize, o: usize, va: v128): void {
  const d = f32x4.mul(va, v128.load(g + o));
  v128.store(m + o, f32x4.add(v128.load(m + o), d));
  v128.store(v + o, f32x4.add(v128.load(v + o), d));
  v128.store(p + o, f32x4.add(v128.load(p + o), d));
}

// @ts-ignore: decorator
@inline function rooflineOne(p: usize, g: usize, m: usize, v: usize, a: f32): void {
  const d = a * load<f32>(g);
  store<f32>(m, load<f32>(m) + d);
  store<f32>(v, load<f32>(v) + d);
  store<f32>(p, load<f32>(p) + d);
}

export function roofline_f32(param: usize, grad: usize, m: usize, v: usize, n: i32, params: usize): void {
  const a = load<f32>(params);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(a);
    for (; i + 16 <= n; i += 16) {
      const o = <usize>i << 2;
      rooflineVec(param, grad, m, v, o, va);
      rooflineVec(param, grad, m, v, o + 16, va);
      rooflineVec(param, grad, m, v, o + 32, va);
      rooflineVec(param, grad, m, v, o + 48, va);
    }
    for (; i + 4 <= n; i += 4) rooflineVec(param, grad, m, v, <usize>i << 2, va);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    rooflineOne(param + o, grad + o, m + o, v + o, a);
  }
}

