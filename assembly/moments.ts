// The two moment updates of Adam, NAdam and RAdam (their references share them as
// src/reference/moments.ts), one element or one vector of 4, each stored as soon as computed:
//
//   m ← lerp(m, g, 1 − β1)               (state `exp_avg`, torch's lerp, see lerp.ts)
//   v ← β2·v + (1 − β2)·g·g              (state `exp_avg_sq`)
//
// Each returns the new value for the caller's update of p. The buffers never overlap, so storing
// m before v is computed gives the same bits as storing both after.
// Not re-exported from index.ts: these are building blocks, not kernels.

import { lerpOne, lerpVec } from './lerp';

// @ts-ignore: decorator
@inline export function firstMomentOne(mp: usize, g: f32, c: f32, small: bool): f32 {
  const m = lerpOne(load<f32>(mp), g, c, small);
  store<f32>(mp, m);
  return m;
}

// @ts-ignore: decorator
@inline export function secondMomentOne(vp: usize, g: f32, b2: f32, omb2: f32): f32 {
  const v = load<f32>(vp) * b2 + omb2 * g * g;
  store<f32>(vp, v);
  return v;
}

// @ts-ignore: decorator
@inline export function firstMomentVec(mp: usize, g: v128, vc: v128, small: bool): v128 {
  const m = lerpVec(v128.load(mp), g, vc, small);
  v128.store(mp, m);
  return m;
}

// @ts-ignore: decorator
@inline export function secondMomentVec(vp: usize, g: v128, vb2: v128, vomb2: v128): v128 {
  const v = f32x4.add(f32x4.mul(v128.load(vp), vb2), f32x4.mul(f32x4.mul(vomb2, g), g));
  v128.store(vp, v);
  return v;
}
