/**
 * Two-dimensional test functions for the playground: value, gradient, a view window, a start
 * point and the known minima. Learning rates differ in scale between functions, so each has one
 * for plain gradient methods and one for adaptive ones.
 */
export interface TestFunction {
  name: string;
  f(x: number, y: number): number;
  grad(x: number, y: number): [number, number];
  xRange: [number, number];
  yRange: [number, number];
  start: [number, number];
  minima: Array<[number, number]>;
  /** Learning rate for SGD-like methods and for adaptive methods (Adam, RMSprop, …). */
  lr: { plain: number; adaptive: number };
}

export const FUNCTIONS: Record<string, TestFunction> = {
  rosenbrock: {
    name: 'Rosenbrock',
    f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    grad: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    xRange: [-2, 2],
    yRange: [-1, 3],
    start: [-1.5, 2],
    minima: [[1, 1]],
    lr: { plain: 1e-4, adaptive: 0.05 },
  },
  beale: {
    name: 'Beale',
    f: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2,
    grad: (x, y) => {
      const a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y ** 3;
      return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1), 2 * a * x + 4 * b * x * y + 6 * c * x * y * y];
    },
    xRange: [-4.5, 4.5],
    yRange: [-4.5, 4.5],
    start: [1, 1.5],
    minima: [[3, 0.5]],
    lr: { plain: 1e-3, adaptive: 0.05 },
  },
  himmelblau: {
    name: 'Himmelblau',
    f: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
    grad: (x, y) => {
      const a = x * x + y - 11, b = x + y * y - 7;
      return [4 * a * x + 2 * b, 2 * a + 4 * b * y];
    },
    xRange: [-5, 5],
    yRange: [-5, 5],
    start: [-0.5, -0.5],
    minima: [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126]],
    lr: { plain: 2e-3, adaptive: 0.1 },
  },
  saddle: {
    name: 'Saddle (x² + y⁴/4 − y²)',
    f: (x, y) => x * x + y ** 4 / 4 - y * y,
    grad: (x, y) => [2 * x, y ** 3 - 2 * y],
    xRange: [-2, 2],
    yRange: [-2, 2],
    start: [1.5, 1e-3],
    minima: [[0, Math.SQRT2], [0, -Math.SQRT2]],
    lr: { plain: 0.05, adaptive: 0.05 },
  },
  quadratic: {
    name: 'Ill-conditioned quadratic (x² + 50y²)/2',
    f: (x, y) => 0.5 * (x * x + 50 * y * y),
    grad: (x, y) => [x, 50 * y],
    xRange: [-5, 5],
    yRange: [-2, 2],
    start: [-4.5, 1.5],
    minima: [[0, 0]],
    lr: { plain: 0.035, adaptive: 0.1 },
  },
};
