// Matrix products for dense layers; row-major float32, pointers are byte offsets.
//
//   matmul_f32     C[m×n]  = A[m×k]·B[k×n] (+ bias[n] on every row; bias = 0 means none)
//   matmul_tn_f32  C[m×n] += A[k×m]ᵀ·B[k×n]      (weight gradient Xᵀ·δ, accumulated)
//   matmul_nt_f32  C[m×n]  = A[m×k]·B[n×k]ᵀ      (input gradient δ·Wᵀ)
//   colsum_f32     c[n]   += Σᵢ A[i, :], A[m×n]   (bias gradient, accumulated)
//
// Order of operations, followed by the scalar build and the JS reference, so all agree bit for bit:
// - matmul_f32, matmul_tn_f32, colsum_f32: every C[i,j] starts from its initial value (bias[j],
//   0, or what C holds) and adds A(i,p)·B(p,j) for p = 0, 1, …, k−1 in order, each product and
//   each sum rounded to float32. Blocking changes which elements are computed together, never the
//   order within one element.
// - matmul_nt_f32: C[i,j] is a dot product of two contiguous rows: the products p < k & ~3 go to
//   partial sum p % 4 in order, s = (s0 + s2) + (s1 + s3), then the tail products in order.
//
// The SIMD main loops keep a 4×8 block of C in eight f32x4 registers (matmul_f32, matmul_tn_f32)
// or four dot products of one row of A with four rows of B (matmul_nt_f32). C must not overlap
// A or B.
import { hsum } from './fmath';

const INIT_ZERO = 0;
const INIT_BIAS = 1;
const INIT_ACC = 2;

// @ts-ignore: decorator
@inline function initV(mode: i32, bias: usize, crow: usize, jo: usize): v128 {
  if (mode == INIT_ZERO) return f32x4.splat(0);
  if (mode == INIT_BIAS) return v128.load(bias + jo);
  return v128.load(crow + jo);
}

// @ts-ignore: decorator
@inline function initS(mode: i32, bias: usize, crow: usize, jo: usize): f32 {
  if (mode == INIT_ZERO) return 0;
  if (mode == INIT_BIAS) return load<f32>(bias + jo);
  return load<f32>(crow + jo);
}

// One block of C rows [i, i + 4) × columns [j, j + 8). A(i, p) is at a + i·aRs + p·aCs.
// @ts-ignore: decorator
@inline function block4x8(a0: usize, aRs: usize, aCs: usize, pb0: usize, bRs: usize, c0: usize, cRs: usize, bias: usize, jo: usize, k: i32, mode: i32): void {
  const c1 = c0 + cRs, c2 = c1 + cRs, c3 = c2 + cRs;
  let x00 = initV(mode, bias, c0, jo), x01 = initV(mode, bias, c0, jo + 16);
  let x10 = initV(mode, bias, c1, jo), x11 = initV(mode, bias, c1, jo + 16);
  let x20 = initV(mode, bias, c2, jo), x21 = initV(mode, bias, c2, jo + 16);
  let x30 = initV(mode, bias, c3, jo), x31 = initV(mode, bias, c3, jo + 16);
  let pa = a0, pb = pb0 + jo;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let s = v128.load32_splat(pa);
    x00 = f32x4.add(x00, f32x4.mul(s, b0));
    x01 = f32x4.add(x01, f32x4.mul(s, b1));
    s = v128.load32_splat(pa + aRs);
    x10 = f32x4.add(x10, f32x4.mul(s, b0));
    x11 = f32x4.add(x11, f32x4.mul(s, b1));
    s = v128.load32_splat(pa + 2 * aRs);
    x20 = f32x4.add(x20, f32x4.mul(s, b0));
    x21 = f32x4.add(x21, f32x4.mul(s, b1));
    s = v128.load32_splat(pa + 3 * aRs);
    x30 = f32x4.add(x30, f32x4.mul(s, b0));
    x31 = f32x4.add(x31, f32x4.mul(s, b1));
    pa += aCs;
    pb += bRs;
  }
  v128.store(c0 + jo, x00); v128.store(c0 + jo, x01, 16);
  v128.store(c1 + jo, x10); v128.store(c1 + jo, x11, 16);
  v128.store(c2 + jo, x20); v128.store(c2 + jo, x21, 16);
  v128.store(c3 + jo, x30); v128.store(c3 + jo, x31, 16);
}

// One row of C, columns [j, j + 4).
// @ts-ignore: decorator
@inline function block1x4(a0: usize, aCs: usize, pb0: usize, bRs: usize, c0: usize, bias: usize, jo: usize, k: i32, mode: i32): void {
  let x = initV(mode, bias, c0, jo);
  let pa = a0, pb = pb0 + jo;
  for (let p = 0; p < k; p++) {
    x = f32x4.add(x, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
    pa += aCs;
    pb += bRs;
  }
  v128.store(c0 + jo, x);
}

// One element of C.
// @ts-ignore: decorator
@inline function element(a0: usize, aCs: usize, pb0: usize, bRs: usize, c0: usize, bias: usize, jo: usize, k: i32, mode: i32): void {
  let x = initS(mode, bias, c0, jo);
  let pa = a0, pb = pb0 + jo;
  for (let p = 0; p < k; p++) {
    x = x + load<f32>(pa) * load<f32>(pb);
    pa += aCs;
    pb += bRs;
  }
  store<f32>(c0 + jo, x);
}

// @ts-ignore: decorator
@inline function gemmSimd(a: usize, aRs: usize, aCs: usize, b: usize, bias: usize, c: usize, m: i32, n: i32, k: i32, mode: i32): void {
  const rs = <usize>n << 2; // row stride of B and C in bytes
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= m; i += 4) {
      const a0 = a + <usize>i * aRs, c0 = c + <usize>i * rs;
      let j = 0;
      for (; j + 8 <= n; j += 8) block4x8(a0, aRs, aCs, b, rs, c0, rs, bias, <usize>j << 2, k, mode);
      for (; j + 4 <= n; j += 4) {
        for (let r = 0; r < 4; r++) block1x4(a0 + <usize>r * aRs, aCs, b, rs, c0 + <usize>r * rs, bias, <usize>j << 2, k, mode);
      }
      for (; j < n; j++) {
        for (let r = 0; r < 4; r++) element(a0 + <usize>r * aRs, aCs, b, rs, c0 + <usize>r * rs, bias, <usize>j << 2, k, mode);
      }
    }
    for (; i < m; i++) {
      const a0 = a + <usize>i * aRs, c0 = c + <usize>i * rs;
      let j = 0;
      for (; j + 4 <= n; j += 4) block1x4(a0, aCs, b, rs, c0, bias, <usize>j << 2, k, mode);
      for (; j < n; j++) element(a0, aCs, b, rs, c0, bias, <usize>j << 2, k, mode);
    }
  }
  gemmScalar(a + <usize>i * aRs, aRs, aCs, b, bias, c + <usize>i * rs, m - i, n, k, mode);
}

// Scalar form: four columns of one row of C in registers at a time (then single columns), each
// adding A(i, p)·B(p, j) for p in order, as the SIMD form does.
// @ts-ignore: decorator
@inline function gemmScalar(a: usize, aRs: usize, aCs: usize, b: usize, bias: usize, c: usize, m: i32, n: i32, k: i32, mode: i32): void {
  const rs = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const crow = c + <usize>i * rs, arow = a + <usize>i * aRs;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const jo = <usize>j << 2;
      let x0 = initS(mode, bias, crow, jo), x1 = initS(mode, bias, crow, jo + 4);
      let x2 = initS(mode, bias, crow, jo + 8), x3 = initS(mode, bias, crow, jo + 12);
      let pa = arow, pb = b + jo;
      for (let p = 0; p < k; p++) {
        const s = load<f32>(pa);
        x0 = x0 + s * load<f32>(pb);
        x1 = x1 + s * load<f32>(pb, 4);
        x2 = x2 + s * load<f32>(pb, 8);
        x3 = x3 + s * load<f32>(pb, 12);
        pa += aCs;
        pb += rs;
      }
      store<f32>(crow + jo, x0); store<f32>(crow + jo, x1, 4); store<f32>(crow + jo, x2, 8); store<f32>(crow + jo, x3, 12);
    }
    for (; j < n; j++) element(arow, aCs, b, rs, crow, bias, <usize>j << 2, k, mode);
  }
}

export function matmul_f32(a: usize, b: usize, bias: usize, c: usize, m: i32, n: i32, k: i32): void {
  if (!ASC_FEATURE_SIMD) {
    matmulScalar(a, b, bias, c, m, n, k);
    return;
  }
  if (bias == 0) gemmSimd(a, <usize>k << 2, 4, b, 0, c, m, n, k, INIT_ZERO);
  else gemmSimd(a, <usize>k << 2, 4, b, bias, c, m, n, k, INIT_BIAS);
}

// @ts-ignore: decorator
@inline function matmulScalar(a: usize, b: usize, bias: usize, c: usize, m: i32, n: i32, k: i32): void {
  if (bias == 0) gemmScalar(a, <usize>k << 2, 4, b, 0, c, m, n, k, INIT_ZERO);
  else gemmScalar(a, <usize>k << 2, 4, b, bias, c, m, n, k, INIT_BIAS);
}

export function matmul_tn_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  if (!ASC_FEATURE_SIMD) {
    matmulTnScalar(a, b, c, m, n, k);
    return;
  }
  gemmSimd(a, 4, <usize>m << 2, b, 0, c, m, n, k, INIT_ACC);
}

// @ts-ignore: decorator
@inline function matmulTnScalar(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  gemmScalar(a, 4, <usize>m << 2, b, 0, c, m, n, k, INIT_ACC);
}

// Dot product of rows pa and pb (k floats), in the documented order; scalar form.
// @ts-ignore: decorator
@inline function dotScalar(pa: usize, pb: usize, k: i32): f32 {
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const o = <usize>p << 2;
    s0 = s0 + load<f32>(pa + o) * load<f32>(pb + o);
    s1 = s1 + load<f32>(pa + o, 4) * load<f32>(pb + o, 4);
    s2 = s2 + load<f32>(pa + o, 8) * load<f32>(pb + o, 8);
    s3 = s3 + load<f32>(pa + o, 12) * load<f32>(pb + o, 12);
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; p < k; p++) s = s + load<f32>(pa + (<usize>p << 2)) * load<f32>(pb + (<usize>p << 2));
  return s;
}

// @ts-ignore: decorator
@inline function dotTail(s: f32, pa: usize, pb: usize, k4: i32, k: i32): f32 {
  for (let p = k4; p < k; p++) s = s + load<f32>(pa + (<usize>p << 2)) * load<f32>(pb + (<usize>p << 2));
  return s;
}

export function matmul_nt_f32(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const ks = <usize>k << 2;
  const k4 = k & ~3;
  for (let i = 0; i < m; i++) {
    const pa = a + <usize>i * ks, crow = c + <usize>i * (<usize>n << 2);
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 <= n; j += 4) {
        const b0 = b + <usize>j * ks, b1 = b0 + ks, b2 = b1 + ks, b3 = b2 + ks;
        let x0 = f32x4.splat(0), x1 = f32x4.splat(0), x2 = f32x4.splat(0), x3 = f32x4.splat(0);
        for (let p = 0; p < k4; p += 4) {
          const o = <usize>p << 2;
          const va = v128.load(pa + o);
          x0 = f32x4.add(x0, f32x4.mul(va, v128.load(b0 + o)));
          x1 = f32x4.add(x1, f32x4.mul(va, v128.load(b1 + o)));
          x2 = f32x4.add(x2, f32x4.mul(va, v128.load(b2 + o)));
          x3 = f32x4.add(x3, f32x4.mul(va, v128.load(b3 + o)));
        }
        const co = crow + (<usize>j << 2);
        store<f32>(co, dotTail(hsum(x0), pa, b0, k4, k));
        store<f32>(co, dotTail(hsum(x1), pa, b1, k4, k), 4);
        store<f32>(co, dotTail(hsum(x2), pa, b2, k4, k), 8);
        store<f32>(co, dotTail(hsum(x3), pa, b3, k4, k), 12);
      }
    }
    for (; j < n; j++) store<f32>(crow + (<usize>j << 2), dotScalar(pa, b + <usize>j * ks, k));
  }
}

// @ts-ignore: decorator
@inline function colsumOne(a: usize, c: usize, m: i32, rs: usize): void {
  let x = load<f32>(c);
  for (let i = 0; i < m; i++) x = x + load<f32>(a + <usize>i * rs);
  store<f32>(c, x);
}

export function colsum_f32(a: usize, c: usize, m: i32, n: i32): void {
  const rs = <usize>n << 2;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 16 <= n; j += 16) {
      const o = <usize>j << 2;
      let x0 = v128.load(c + o), x1 = v128.load(c + o, 16), x2 = v128.load(c + o, 32), x3 = v128.load(c + o, 48);
      let pa = a + o;
      for (let i = 0; i < m; i++) {
        x0 = f32x4.add(x0, v128.load(pa));
        x1 = f32x4.add(x1, v128.load(pa, 16));
        x2 = f32x4.add(x2, v128.load(pa, 32));
        x3 = f32x4.add(x3, v128.load(pa, 48));
        pa += rs;
      }
      v128.store(c + o, x0); v128.store(c + o, x1, 16); v128.store(c + o, x2, 32); v128.store(c + o, x3, 48);
    }
    for (; j + 4 <= n; j += 4) {
      const o = <usize>j << 2;
      let x = v128.load(c + o);
      let pa = a + o;
      for (let i = 0; i < m; i++) {
        x = f32x4.add(x, v128.load(pa));
        pa += rs;
      }
      v128.store(c + o, x);
    }
  }
  for (; j < n; j++) colsumOne(a + (<usize>j << 2), c + (<usize>j << 2), m, rs);
}

