/**
 * Seeded weight initialisation for dense layers whose weight is stored [fanIn × fanOut].
 *
 * | name             | distribution                         | paper                                  |
 * |------------------|--------------------------------------|----------------------------------------|
 * | `kaiming`        | U(−√(6/fanIn), √(6/fanIn))           | He et al. 2015, https://arxiv.org/abs/1502.01852 |
 * | `kaiming-normal` | N(0, 2/fanIn)                        | same (gain √2, for ReLU)               |
 * | `xavier`         | U(−√(6/(fanIn+fanOut)), …)           | Glorot & Bengio 2010, https://proceedings.mlr.press/v9/glorot10a.html |
 * | `xavier-normal`  | N(0, 2/(fanIn+fanOut))               | same                                   |
 *
 * Biases start at 0.
 */
import type { Random } from './random.js';

/** Weight initialisations: Kaiming (He) or Xavier (Glorot), uniform or normal, as torch's `nn.init`. */
export type Init = 'kaiming' | 'kaiming-normal' | 'xavier' | 'xavier-normal';

/** Every {@link Init}, for option checks and menus. */
export const INITS: readonly Init[] = ['kaiming', 'kaiming-normal', 'xavier', 'xavier-normal'];

/**
 * Fills `w` (fanIn·fanOut floats) with draws from `init`'s distribution.
 *
 * @example
 * initWeights(layer.weight.data, 784, 128, 'kaiming', new Random(0));
 */
export function initWeights(w: Float32Array, fanIn: number, fanOut: number, init: Init, rng: Random): void {
  if (!INITS.includes(init)) throw new TypeError(`initWeights: init must be one of ${INITS.join(', ')}, got ${JSON.stringify(init)}`);
  if (w.length !== fanIn * fanOut) throw new RangeError(`initWeights: w has ${w.length} floats, fanIn·fanOut = ${fanIn * fanOut}`);
  const fan = init.startsWith('kaiming') ? fanIn / 2 : (fanIn + fanOut) / 2;
  if (init.endsWith('-normal')) {
    const std = Math.sqrt(1 / fan);
    for (let i = 0; i < w.length; i++) w[i] = std * rng.normal();
  } else {
    const bound = Math.sqrt(3 / fan);
    for (let i = 0; i < w.length; i++) w[i] = bound * (2 * rng.uniform() - 1);
  }
}
