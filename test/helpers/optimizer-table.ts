/**
 * One table drives the cross-backend suites: for every registered optimizer, the option sets its
 * registration declares (together they reach every kernel and every option branch).
 */
import { OPTIMIZERS, registrations } from '../../src/optim/registry.js';

export type OptionSet = Record<string, unknown>;

interface Declared {
  readonly key: string;
  readonly optionSets: ReadonlyArray<object>;
}

/** Option sets by registry key, straight from each optimizer's registration. */
export const OPTION_SETS: Record<string, OptionSet[]> = Object.fromEntries(registrations().map((r) => [r.key, r.optionSets.map((o) => ({ ...o }))]));

/**
 * [key, option set] for every key in `keys` and every option set its registration declares. A key
 * without a registration or without option sets throws: it must fail the suites, not drop out of them.
 */
export function casesOf(keys: readonly string[], declared: readonly Declared[]): Array<[string, OptionSet]> {
  return keys.flatMap((name) => {
    const sets = declared.find((r) => r.key === name)?.optionSets;
    if (!sets || sets.length === 0) throw new Error(`optimizer "${name}" declares no option sets in its registration`);
    return sets.map((s): [string, OptionSet] => [name, { ...s }]);
  });
}

/** [optimizer name, option set] for every registered optimizer and every option set it declares. */
export function optimizerCases(): Array<[string, OptionSet]> {
  return casesOf(Object.keys(OPTIMIZERS), registrations());
}

/** [label, name, options, index] rows for `describe.each`, the label naming the optimizer and its options. */
export function labelledCases(): Array<readonly [string, string, OptionSet, number]> {
  return optimizerCases().map(([name, o], k) => [`${name} ${JSON.stringify(o)}`, name, o, k] as const);
}

/** [name, its last option set] for every registered optimizer (the richest set, by convention). */
export function lastOptionSets(): Array<readonly [string, OptionSet]> {
  const cases = optimizerCases();
  return Object.keys(OPTIMIZERS).map((name) => [name, cases.filter(([n]) => n === name).at(-1)![1]] as const);
}
