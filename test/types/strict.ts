/**
 * Type-level test: compiled with `tsc --strict` against the built package (test/types.test.ts)
 * and with the project's tsconfig against the sources. Nothing here runs; every line is a claim
 * about the public types, and each `@ts-expect-error` must stay an error.
 */
import {
  Adam,
  AdamW,
  createEngine,
  OPTIMIZERS,
  SGD,
  type AdaBeliefOptions,
  type AdadeltaOptions,
  type AdagradOptions,
  type AdamaxOptions,
  type AdamOptions,
  type LambOptions,
  type LionOptions,
  type NAdamOptions,
  type Optimizer,
  type Parameter,
  type RAdamOptions,
  type RMSpropOptions,
  type RpropOptions,
  type SGDOptions,
  type StateDict,
} from 'wasm-optim';
import { loadCheckpointFile, saveCheckpointFile } from 'wasm-optim/node';

const engine = await createEngine({ backend: 'js' });
const [w, b] = engine.parameters([[2, 3], [3]]);
if (!w || !b) throw new Error('unreachable');

// Options types are what users pass: every field optional, `{}` included.
const adamOptions: AdamOptions = { lr: 1e-3 };
const sgdOptions: SGDOptions = { momentum: 0.9 };
const empty: [AdaBeliefOptions, AdadeltaOptions, AdagradOptions, AdamaxOptions, LambOptions, LionOptions] = [{}, {}, {}, {}, {}, {}];
const more: [NAdamOptions, RAdamOptions, RMSpropOptions, RpropOptions] = [{}, {}, { centered: true }, { etas: [0.5, 1.2] }];
void empty;
void more;
// @ts-expect-error an option of the wrong type
const wrong: AdamOptions = { lr: '1e-3' };
// @ts-expect-error an unknown option
const unknown: SGDOptions = { learningRate: 0.1 };
void wrong;
void unknown;

const adam = new Adam([w, b], adamOptions);
const sgd = new SGD([{ params: [w] }, { params: [b], lr: 0.1 }], sgdOptions);
const adamw = new AdamW([w, b], { weightDecay: 0.05 });
// Groups hold resolved options: every hyperparameter is there.
const lr: number = adam.paramGroups[0]!.lr;
const beta1: number = adamw.paramGroups[0]!.betas[0];
const momentum: number = sgd.defaults.momentum;
void [lr, beta1, momentum];

// The constructors take (params, options?) and nothing else.
// @ts-expect-error no third argument
new Adam([w], {}, 'NotAdam');
// @ts-expect-error no third argument
new AdamW([w], {}, 'NotAdamW', {});
type AdamArgs = ConstructorParameters<typeof Adam>;
const argCount: AdamArgs['length'] = 2;
const argCountOptional: AdamArgs['length'] = 1;
void [argCount, argCountOptional];

// stateDict() round trips into loadStateDict() for every optimizer …
adam.loadStateDict(adam.stateDict());
sgd.loadStateDict(sgd.stateDict());
// (Each class is checked against one constructor type: `new` on the union of all of them would
// make the compiler combine every class's options, work that doubles with each optimizer.)
const classes: ReadonlyArray<new (params: Parameter[]) => Optimizer<object>> = Object.values(OPTIMIZERS);
for (const Opt of classes) {
  const opt = new Opt([w!, b!]);
  opt.loadStateDict(opt.stateDict());
}
function roundTrip(opt: Optimizer<object>): void {
  opt.loadStateDict(opt.stateDict());
}
roundTrip(adamw);
// … through the plain StateDict type …
const saved: StateDict = adam.stateDict();
adam.loadStateDict(saved);
// … and through JSON, where buffers come back as number arrays.
const json = JSON.parse(JSON.stringify(adam.stateDict(), (_k, v: unknown) => (v instanceof Float32Array ? Array.from(v) : v))) as unknown;
adam.loadStateDict(json as StateDict);
adam.loadStateDict({ state: { 0: { step: 1, exp_avg: [0, 0, 0, 0, 0, 0], exp_avg_sq: [0, 0, 0, 0, 0, 0] } }, paramGroups: [{ params: [0, 1], lr: 1e-3 }] });
// @ts-expect-error buffers are numbers, number arrays or Float32Arrays
adam.loadStateDict({ state: { 0: { step: 1, exp_avg: 'zeros' } }, paramGroups: [{ params: [0, 1] }] });
// @ts-expect-error paramGroups carry their parameter indices
adam.loadStateDict({ state: {}, paramGroups: [{ lr: 1e-3 }] });

// The Node entry point resolves, with its types.
const write: (path: string, input: Parameters<typeof saveCheckpointFile>[1]) => Promise<void> = saveCheckpointFile;
void write;
void loadCheckpointFile;
