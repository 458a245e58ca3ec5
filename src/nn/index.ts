// The small dense-network toolkit: layers, activations, losses, initialisation, seeded data order.
export { type Activation, ACTIVATIONS, activationBackward, activationForward } from './activation.js';
export { type Init, INITS, initWeights } from './init.js';
export { Linear } from './linear.js';
export { computeLoss, type Loss, LOSSES, oneHot } from './loss.js';
export { MLP, type MLPOptions } from './mlp.js';
export { batches, gatherRows, Random } from './random.js';
