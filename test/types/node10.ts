/**
 * Type-level test for projects still on `moduleResolution: node10` (compiled by test/types.test.ts
 * with `module: commonjs`): both entry points must resolve, the subpath through `typesVersions`.
 */
import { Adam, createEngine, type AdamOptions } from 'wasm-optim';
import { saveCheckpointFile, type SaveCheckpointInput } from 'wasm-optim/node';

export async function train(options: AdamOptions): Promise<SaveCheckpointInput> {
  const engine = await createEngine();
  const [w] = engine.parameters([4]);
  if (!w) throw new Error('unreachable');
  const optimizer = new Adam([w], options);
  optimizer.step();
  await saveCheckpointFile('checkpoint.safetensors', { params: [w], optimizer });
  return { params: [w], optimizer };
}
