// Adafactor (torch.optim.Adafactor, the single-tensor path), one tensor per call; a tensor of
// more than two dims is a batch of [rows, cols] matrices, one call each.
//
// Matrix [rows, cols] (factored second moment):
//   adafactor_factors:        s_i = Σ_j g²   c_j = Σ_i g²                (float64; c in colSum)
//                             row_var[i] ← lerp(row_var[i], fl(n_i·n_i) / cols, w)   n = fl(√fl(s))
//                             col_var[j] ← lerp(col_var[j], fl(n_j·n_j) / rows, w)
//                             returns Σ_i row_var[i] (the caller forms den = max(mean, ε1))
//   adafactor_factored_norm:  Σ U²       U = (1 / √max(V, ε1²))·g    V = (row_var[i]·col_var[j]) / den
//   adafactor_factored:       p ← p·decay + scale·U
// Vector (unfactored):
//   adafactor_variance:       v ← lerp(v, g·g, w); returns Σ U², U from the new v
//   adafactor:                p ← p·decay + scale·U
// g ← gradSign·g first where U needs it. lerp(a, b, w) = base + coef·(b − a) with base a and
// coef w when |w| < 0.5, else base b and coef w − 1 (torch's two branches; the caller picks).
//
// Sums run in float64 (squares of float32 numbers are exact there). A row sum s_i and Σ U² use
// four lanes: element j < (cols & ~3) of a row (i < (n & ~3) of a vector) goes to lane j % 4 —
// for Σ U² the lanes carry across rows — and the remaining elements to a separate tail sum, each
// in order; the total is ((l0 + l2) + (l1 + l3)) + tail. Column sums and Σ row_var are sequential.
// SIMD, scalar and JS agree bit for bit.

// @ts-ignore: decorator
@inline function sq(x: f32): f64 {
  const d = <f64>x;
  return d * d;
}

// @ts-ignore: decorator
@inline function lerp(start: f32, end: f32, coef: f32, fromEnd: bool): f32 {
  return select<f32>(end, start, fromEnd) + coef * (end - start);
}

// @ts-ignore: decorator
@inline function lerpVec(start: v128, end: v128, coef: v128, fromEnd: v128): v128 {
  return f32x4.add(v128.bitselect(end, start, fromEnd), f32x4.mul(coef, f32x4.sub(end, start)));
}

// fl(fl(n·n) / count) with n = fl(√fl(sum)): the mean square torch forms from a float32 norm.
// @ts-ignore: decorator
@inline function meanSquare(sum: f64, count: i32): f32 {
  const n = Mathf.sqrt(<f32>sum);
  return (n * n) / <f32>count;
}

// @ts-ignore: decorator
@inline function upd(v: f32, eps1Sq: f32, g: f32): f32 {
  return (<f32>1 / Mathf.sqrt(max<f32>(v, eps1Sq))) * g;
}

// @ts-ignore: decorator
@inline function updVec(v: v128, eps1Sq: v128, one: v128, g: v128): v128 {
  return f32x4.mul(f32x4.div(one, f32x4.sqrt(f32x4.max(v, eps1Sq))), g);
}

// Lanes (0, 1) and (2, 3) of v as two f64x2.
// @ts-ignore: decorator
@inline function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
// @ts-ignore: decorator
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1));
}

// (l0 + l2) + (l1 + l3) of a = (l0, l1), b = (l2, l3).
// @ts-ignore: decorator
@inline function combine(a: v128, b: v128): f64 {
  const t = f64x2.add(a, b);
  return f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
}

// Adds g² of row elements [from, cols) to the tail sum (returned) and to their column sums.
// @ts-ignore: decorator
@inline function rowTail(row: usize, colSum: usize, from: i32, cols: i32): f64 {
  let tail: f64 = 0;
  for (let j = from; j < cols; j++) {
    const q = sq(load<f32>(row + (<usize>j << 2)));
    tail += q;
    const cp = colSum + (<usize>j << 3);
    store<f64>(cp, load<f64>(cp) + q);
  }
  return tail;
}

export function adafactor_factors_f32(grad: usize, rowVar: usize, colVar: usize, colSum: usize, rows: i32, cols: i32, params: usize): f64 {
  const coef = load<f32>(params), fromEnd = load<f32>(params, 4) != 0;
  const c4 = cols & ~3;
  for (let j = 0; j < cols; j++) store<f64>(colSum + (<usize>j << 3), 0);
  let rowTotal: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const row = grad + ((<usize>i * <usize>cols) << 2);
    let s: f64 = 0;
    if (ASC_FEATURE_SIMD) {
      let a = f64x2.splat(0), b = f64x2.splat(0);
      for (let j = 0; j < c4; j += 4) {
        const v = v128.load(row + (<usize>j << 2));
        const lo = low(v), hi = high(v);
        const sl = f64x2.mul(lo, lo), sh = f64x2.mul(hi, hi);
        a = f64x2.add(a, sl);
        b = f64x2.add(b, sh);
        const cp = colSum + (<usize>j << 3);
        v128.store(cp, f64x2.add(v128.load(cp), sl));
        v128.store(cp, f64x2.add(v128.load(cp, 16), sh), 16);
      }
      s = combine(a, b);
    } else {
      let l0: f64 = 0, l1: f64 = 0, l2: f64 = 0, l3: f64 = 0;
      for (let j = 0; j < c4; j += 4) {
        const p = row + (<usize>j << 2), cp = colSum + (<usize>j << 3);
        const q0 = sq(load<f32>(p)), q1 = sq(load<f32>(p, 4)), q2 = sq(load<f32>(p, 8)), q3 = sq(load<f32>(p, 12));
        l0 += q0;
        l1 += q1;
        l2 += q2;
        l3 += q3;
        store<f64>(cp, load<f64>(cp) + q0);
        store<f64>(cp, load<f64>(cp, 8) + q1, 8);
        store<f64>(cp, load<f64>(cp, 16) + q2, 16);
        store<f64>(cp, load<f64>(cp, 24) + q3, 24);
      }
      s = (l0 + l2) + (l1 + l3);
    }
    s += rowTail(row, colSum, c4, cols);
    const rp = rowVar + (<usize>i << 2);
    const r = lerp(load<f32>(rp), meanSquare(s, cols), coef, fromEnd);
    store<f32>(rp, r);
    rowTotal += <f64>r;
  }
  for (let j = 0; j < cols; j++) {
    const cp = colVar + (<usize>j << 2);
    store<f32>(cp, lerp(load<f32>(cp), meanSquare(load<f64>(colSum + (<usize>j << 3)), rows), coef, fromEnd));
  }
  return rowTotal;
}

// U of element (i, j) of a matrix, read from memory.
// @ts-ignore: decorator
@inline function factoredOne(r: f32, colVar: usize, row: usize, j: i32, gs: f32, eps1Sq: f32, den: f32): f32 {
  const c = load<f32>(colVar + (<usize>j << 2));
  return upd((r * c) / den, eps1Sq, load<f32>(row + (<usize>j << 2)) * gs);
}

export function adafactor_factored_norm_f32(grad: usize, rowVar: usize, colVar: usize, rows: i32, cols: i32, params: usize): f64 {
  const gs = load<f32>(params), eps1Sq = load<f32>(params, 4), den = load<f32>(params, 8);
  const c4 = cols & ~3;
  let s: f64 = 0, tail: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), veps = f32x4.splat(eps1Sq), vden = f32x4.splat(den), one = f32x4.splat(1);
    let a = f64x2.splat(0), b = f64x2.splat(0);
    for (let i = 0; i < rows; i++) {
      const r = load<f32>(rowVar + (<usize>i << 2)), vr = f32x4.splat(r);
      const row = grad + ((<usize>i * <usize>cols) << 2);
      let j = 0;
      for (; j < c4; j += 4) {
        const v = f32x4.div(f32x4.mul(vr, v128.load(colVar + (<usize>j << 2))), vden);
        const u = updVec(v, veps, one, f32x4.mul(v128.load(row + (<usize>j << 2)), vgs));
        const lo = low(u), hi = high(u);
        a = f64x2.add(a, f64x2.mul(lo, lo));
        b = f64x2.add(b, f64x2.mul(hi, hi));
      }
      for (; j < cols; j++) tail += sq(factoredOne(r, colVar, row, j, gs, eps1Sq, den));
    }
    s = combine(a, b);
  } else {
    let l0: f64 = 0, l1: f64 = 0, l2: f64 = 0, l3: f64 = 0;
    for (let i = 0; i < rows; i++) {
      const r = load<f32>(rowVar + (<usize>i << 2));
      const row = grad + ((<usize>i * <usize>cols) << 2);
      let j = 0;
      for (; j < c4; j += 4) {
        l0 += sq(factoredOne(r, colVar, row, j, gs, eps1Sq, den));
        l1 += sq(factoredOne(r, colVar, row, j + 1, gs, eps1Sq, den));
        l2 += sq(factoredOne(r, colVar, row, j + 2, gs, eps1Sq, den));
        l3 += sq(factoredOne(r, colVar, row, j + 3, gs, eps1Sq, den));
      }
      for (; j < cols; j++) tail += sq(factoredOne(r, colVar, row, j, gs, eps1Sq, den));
    }
    s = (l0 + l2) + (l1 + l3);
  }
  return s + tail;
}

export function adafactor_factored_f32(param: usize, grad: usize, rowVar: usize, colVar: usize, rows: i32, cols: i32, params: usize): void {
  const gs = load<f32>(params), eps1Sq = load<f32>(params, 4), den = load<f32>(params, 8);
  const decay = load<f32>(params, 12), scale = load<f32>(params, 16);
  const c4 = cols & ~3;
  for (let i = 0; i < rows; i++) {
    const r = load<f32>(rowVar + (<usize>i << 2));
    const off = (<usize>i * <usize>cols) << 2;
    const row = grad + off, prow = param + off;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const vgs = f32x4.splat(gs), veps = f32x4.splat(eps1Sq), vden = f32x4.splat(den), one = f32x4.splat(1);
      const vdecay = f32x4.splat(decay), vscale = f32x4.splat(scale), vr = f32x4.splat(r);
      for (; j < c4; j += 4) {
        const o = <usize>j << 2;
        const v = f32x4.div(f32x4.mul(vr, v128.load(colVar + o)), vden);
        const u = updVec(v, veps, one, f32x4.mul(v128.load(row + o), vgs));
        v128.store(prow + o, f32x4.add(f32x4.mul(v128.load(prow + o), vdecay), f32x4.mul(vscale, u)));
      }
    }
    for (; j < cols; j++) {
      const pp = prow + (<usize>j << 2);
      store<f32>(pp, load<f32>(pp) * decay + scale * factoredOne(r, colVar, row, j, gs, eps1Sq, den));
    }
  }
}

// v ← lerp(v, g·g, w) of one element; returns its U.
// @ts-ignore: decorator
@inline function varianceOne(gp: usize, vp: usize, gs: f32, coef: f32, fromEnd: bool, eps1Sq: f32): f32 {
  const g = load<f32>(gp) * gs;
  const v = lerp(load<f32>(vp), g * g, coef, fromEnd);
  store<f32>(vp, v);
  return upd(v, eps1Sq, g);
}

export function adafactor_variance_f32(grad: usize, variance: usize, n: i32, params: usize): f64 {
  const gs = load<f32>(params), coef = load<f32>(params, 4), fromEnd = load<f32>(params, 8) != 0;
  const eps1Sq = load<f32>(params, 12);
  const n4 = n & ~3;
  let s: f64 = 0, tail: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), vcoef = f32x4.splat(coef), vend = i32x4.splat(fromEnd ? -1 : 0);
    const veps = f32x4.splat(eps1Sq), one = f32x4.splat(1);
    let a = f64x2.splat(0), b = f64x2.splat(0);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      const g = f32x4.mul(v128.load(grad + o), vgs);
      const v = lerpVec(v128.load(variance + o), f32x4.mul(g, g), vcoef, vend);
      v128.store(variance + o, v);
      const u = updVec(v, veps, one, g);
      const lo = low(u), hi = high(u);
      a = f64x2.add(a, f64x2.mul(lo, lo));
      b = f64x2.add(b, f64x2.mul(hi, hi));
    }
    s = combine(a, b);
  } else {
    let l0: f64 = 0, l1: f64 = 0, l2: f64 = 0, l3: f64 = 0;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i << 2;
      l0 += sq(varianceOne(grad + o, variance + o, gs, coef, fromEnd, eps1Sq));
      l1 += sq(varianceOne(grad + o + 4, variance + o + 4, gs, coef, fromEnd, eps1Sq));
      l2 += sq(varianceOne(grad + o + 8, variance + o + 8, gs, coef, fromEnd, eps1Sq));
      l3 += sq(varianceOne(grad + o + 12, variance + o + 12, gs, coef, fromEnd, eps1Sq));
    }
    s = (l0 + l2) + (l1 + l3);
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i << 2;
    tail += sq(varianceOne(grad + o, variance + o, gs, coef, fromEnd, eps1Sq));
  }
  return s + tail;
}

export function adafactor_f32(param: usize, grad: usize, variance: usize, n: i32, params: usize): void {
  const gs = load<f32>(params), eps1Sq = load<f32>(params, 4), decay = load<f32>(params, 8);
  const scale = load<f32>(params, 12);
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const vgs = f32x4.splat(gs), veps = f32x4.splat(eps1Sq), one = f32x4.splat(1);
    const vdecay = f32x4.splat(decay), vscale = f32x4.splat(scale);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const u = updVec(v128.load(variance + o), veps, one, f32x4.mul(v128.load(grad + o), vgs));
      v128.store(param + o, f32x4.add(f32x4.mul(v128.load(param + o), vdecay), f32x4.mul(vscale, u)));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const u = upd(load<f32>(variance + o), eps1Sq, load<f32>(grad + o) * gs);
    store<f32>(param + o, load<f32>(param + o) * decay + scale * u);
  }
}
