// Muon (torch.optim.Muon 2.11, `_single_tensor_muon`), in three kernels.
//
// muon_momentum_f32, elementwise over a run (torch's lerp, see lerp.ts):
//   g ← gradSign·g
//   b ← lerp(b, g, 1 − μ)
//   u ← nesterov ? lerp(g, b, μ) : b
//
// muon_orthogonalize_f32, one R×C matrix u (row-major); X is m×k, m = min(R, C), k = max(R, C).
// r(x) rounds to bfloat16 (nearest even; NaN → the quiet NaN 0x7FC0) when `bf16` is 1, else is x:
//   s ← Σ r(u)², float32, over u in memory order: 16 lanes, each 32-element chunk adds its elements
//       0–15 into lanes 0–15, then its elements 16–31 into lanes 0–15; then the lanes are added in
//       order 0…15 (from 0), then the tail elements one by one
//   ν ← max(r(√s), r(ε))
//   X ← r(r(u) / ν), transposed when R > C
//   nsSteps times (a, b, c the coefficients):
//     A ← r(X·Xᵀ)                        matmul_nt_f32
//     A ← r(c·(A·A) + b·A)               matmul_f32 into T, then elementwise
//     X ← r(A·X + a·X)                   matmul_f32 into T, then elementwise (1·T is T)
//   where each `α·P + β·M` is (α·P) + (β·M), every operation rounded to float32.
//   u may be t (u is read before T is first written). X, A, T must not overlap otherwise.
//
// muon_apply_f32, one R×C parameter p and the m×k X:
//   p ← p·decay + negLr·X (X read transposed when R > C)
import { lerpCoefficient, lerpIsSmall, lerpOne, lerpVec } from './lerp';
import { matmul_f32, matmul_nt_f32 } from './matmul';

const QNAN: u32 = 0x7FC00000;

// @ts-ignore: decorator
@inline function bf16(x: f32): f32 {
  if (x != x) return reinterpret<f32>(QNAN);
  const u = reinterpret<u32>(x);
  return reinterpret<f32>((u + 0x7FFF + ((u >> 16) & 1)) & 0xFFFF0000);
}

// @ts-ignore: decorator
@inline function bf16Vec(x: v128): v128 {
  const lsb = v128.and(i32x4.shr_u(x, 16), i32x4.splat(1));
  const r = v128.and(i32x4.add(i32x4.add(x, i32x4.splat(0x7FFF)), lsb), i32x4.splat(0xFFFF0000));
  return v128.bitselect(i32x4.splat(QNAN), r, f32x4.ne(x, x));
}

// @ts-ignore: decorator
@inline function rnd(x: f32, bf: bool): f32 {
  return bf ? bf16(x) : x;
}

// @ts-ignore: decorator
@inline function rndVec(x: v128, bf: bool): v128 {
  return bf ? bf16Vec(x) : x;
}

// @ts-ignore: decorator
@inline function momentumOne(gp: usize, bp: usize, up: usize, gs: f32, c1: f32, small1: bool, c2: f32, small2: bool, nesterov: bool): void {
  const g = load<f32>(gp) * gs;
  const b = lerpOne(load<f32>(bp), g, c1, small1);
  store<f32>(bp, b);
  store<f32>(up, nesterov ? lerpOne(g, b, c2, small2) : b);
}

export function muon_momentum_f32(grad: usize, buf: usize, out: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), w1 = load<f32>(params, 4), w2 = load<f32>(params, 8);
  const nesterov = load<f32>(params, 12) != 0;
  const small1 = lerpIsSmall(w1), c1 = lerpCoefficient(w1, small1);
  const small2 = lerpIsSmall(w2), c2 = lerpCoefficient(w2, small2);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const g = f32x4.mul(v128.load(grad + o), vgs);
      const b = lerpVec(v128.load(buf + o), g, vc1, small1);
      v128.store(buf + o, b);
      v128.store(out + o, nesterov ? lerpVec(g, b, vc2, small2) : b);
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    momentumOne(grad + o, buf + o, out + o, gs, c1, small1, c2, small2, nesterov);
  }
}

/** Σ r(u)² over n floats in the documented lane order. */
// @ts-ignore: decorator
@inline function sumSquares(u: usize, n: i32, bf: bool): f32 {
  const chunks = n >> 5;
  let sum: f32 = 0;
  if (ASC_FEATURE_SIMD) {
    let l0 = f32x4.splat(0), l1 = f32x4.splat(0), l2 = f32x4.splat(0), l3 = f32x4.splat(0);
    for (let q = 0; q < chunks; q++) {
      const p = u + (<usize>q << 7);
      let v = rndVec(v128.load(p), bf); l0 = f32x4.add(l0, f32x4.mul(v, v));
      v = rndVec(v128.load(p, 16), bf); l1 = f32x4.add(l1, f32x4.mul(v, v));
      v = rndVec(v128.load(p, 32), bf); l2 = f32x4.add(l2, f32x4.mul(v, v));
      v = rndVec(v128.load(p, 48), bf); l3 = f32x4.add(l3, f32x4.mul(v, v));
      v = rndVec(v128.load(p, 64), bf); l0 = f32x4.add(l0, f32x4.mul(v, v));
      v = rndVec(v128.load(p, 80), bf); l1 = f32x4.add(l1, f32x4.mul(v, v));
      v = rndVec(v128.load(p, 96), bf); l2 = f32x4.add(l2, f32x4.mul(v, v));
      v = rndVec(v128.load(p, 112), bf); l3 = f32x4.add(l3, f32x4.mul(v, v));
    }
    sum = sumLanes(sumLanes(sumLanes(sumLanes(sum, l0), l1), l2), l3);
  } else {
    // Lane by lane: each lane's sum is independent of the others, so this is the same order.
    for (let j = 0; j < 16; j++) {
      let l: f32 = 0;
      for (let q = 0; q < chunks; q++) {
        const p = u + (<usize>q << 7) + (<usize>j << 2);
        let v = rnd(load<f32>(p), bf); l = l + v * v;
        v = rnd(load<f32>(p, 64), bf); l = l + v * v;
      }
      sum = sum + l;
    }
  }
  for (let i = chunks << 5; i < n; i++) {
    const v = rnd(load<f32>(u + (<usize>i << 2)), bf);
    sum = sum + v * v;
  }
  return sum;
}

// @ts-ignore: decorator
@inline function sumLanes(s: f32, v: v128): f32 {
  return (((s + f32x4.extract_lane(v, 0)) + f32x4.extract_lane(v, 1)) + f32x4.extract_lane(v, 2)) + f32x4.extract_lane(v, 3);
}

/** X ← r(r(u) / ν), transposed when rows > cols. */
// @ts-ignore: decorator
@inline function normalize(u: usize, x: usize, rows: i32, cols: i32, nu: f32, bf: bool): void {
  if (rows > cols) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = rnd(load<f32>(u + ((<usize>r * cols + c) << 2)), bf);
        store<f32>(x + ((<usize>c * rows + r) << 2), rnd(v / nu, bf));
      }
    }
    return;
  }
  const n = rows * cols;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vnu = f32x4.splat(nu);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(x + o, rndVec(f32x4.div(rndVec(v128.load(u + o), bf), vnu), bf));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, rnd(rnd(load<f32>(u + o), bf) / nu, bf));
  }
}

/** M ← r((α·T) + (β·M)) over n floats. */
// @ts-ignore: decorator
@inline function combine(t: usize, m: usize, n: i32, alpha: f32, beta: f32, bf: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha), vb = f32x4.splat(beta);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(m + o, rndVec(f32x4.add(f32x4.mul(va, v128.load(t + o)), f32x4.mul(vb, v128.load(m + o))), bf));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(m + o, rnd(alpha * load<f32>(t + o) + beta * load<f32>(m + o), bf));
  }
}

/** A ← r(A) over n floats. */
// @ts-ignore: decorator
@inline function roundAll(a: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(a + (<usize>i << 2), bf16Vec(v128.load(a + (<usize>i << 2))));
  }
  for (; i < n; i++) store<f32>(a + (<usize>i << 2), bf16(load<f32>(a + (<usize>i << 2))));
}

export function muon_orthogonalize_f32(u: usize, x: usize, a: usize, t: usize, rows: i32, cols: i32, params: usize): void {
  const eps = load<f32>(params), ca = load<f32>(params, 4), cb = load<f32>(params, 8), cc = load<f32>(params, 12);
  const steps = <i32>load<f32>(params, 16);
  const bf = load<f32>(params, 20) != 0;
  const n = rows * cols;
  if (n == 0) return;
  const m = rows < cols ? rows : cols, k = rows < cols ? cols : rows;
  const nu = Mathf.max(rnd(Mathf.sqrt(sumSquares(u, n, bf)), bf), rnd(eps, bf));
  normalize(u, x, rows, cols, nu, bf);
  for (let s = 0; s < steps; s++) {
    matmul_nt_f32(x, x, a, m, m, k);
    if (bf) roundAll(a, m * m);
    matmul_f32(a, a, 0, t, m, m, m);
    combine(t, a, m * m, cc, cb, bf);
    matmul_f32(a, x, 0, t, m, k, m);
    combine(t, x, n, 1, ca, bf);
  }
}

export function muon_apply_f32(param: usize, x: usize, rows: i32, cols: i32, params: usize): void {
  const decay = load<f32>(params), negLr = load<f32>(params, 4);
  if (rows > cols) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const pp = param + ((<usize>r * cols + c) << 2);
        store<f32>(pp, load<f32>(pp) * decay + negLr * load<f32>(x + ((<usize>c * rows + r) << 2)));
      }
    }
    return;
  }
  const n = rows * cols;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vd = f32x4.splat(decay), vl = f32x4.splat(negLr);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(param + o, f32x4.add(f32x4.mul(v128.load(param + o), vd), f32x4.mul(vl, v128.load(x + o))));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(param + o, load<f32>(param + o) * decay + negLr * load<f32>(x + o));
  }
}
