/**
 * One table drives the cross-backend suites: for every registered optimizer, the option sets its
 * registration declares (together they reach every kernel and every option branch).
 */
import { OPTIMIZERS, registrations } from '../../src/optim/registry.js';

export type OptionSet = Record<string, unknown>;

/** Option sets by registry key, straight from each optimizer's registration. */
export const OPTION_SETS: Record<string, OptionSet[]> = Object.fromEntries(registrations().map((r) => [r.key, r.optionSets.map((o) => ({ ...o }))]));

/** [optimizer name, option set] for every registered optimizer and every option set it declares. */
export function optimizerCases(): Array<[string, OptionSet]> {
  return Object.keys(OPTIMIZERS).flatMap((name) => {
    const sets = OPTION_SETS[name];
    // An optimizer without option sets must fail the suites, not drop out of them.
    if (!sets || sets.length === 0) throw new Error(`optimizer "${name}" declares no option sets in its registration`);
    return sets.map((s): [string, OptionSet] => [name, s]);
  });
}
