/**
 * Unknown-key checks for options objects, state dicts and file metadata. Keys are read with
 * `Object.keys` (own, enumerable) and looked up with `Object.hasOwn`, so names that objects inherit
 * (`constructor`, `toString`, `valueOf`, `hasOwnProperty`) and an own `__proto__` key (from
 * `JSON.parse` or `defineProperty`) are unknown like any other misspelling.
 */
import { isRecord, show } from './show.js';

/** Edit distance (insertions, deletions, substitutions) between two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** Lower case without `_` or `-`: `weight_decay`, `WeightDecay` and `weightDecay` all read `weightdecay`. */
const fold = (s: string): string => s.toLowerCase().replace(/[_-]/g, '');

/**
 * The known name `key` was most likely meant to be, or undefined: a name equal up to case and
 * `_`/`-` (torch's snake_case spellings), else the nearest within an edit distance of 1 (names of
 * up to 4 characters) or 2 (longer names).
 */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  const k = fold(key);
  const same = known.find((n) => fold(n) === k);
  if (same !== undefined) return same;
  let best: string | undefined;
  let bestD = k.length <= 4 ? 1 : 2;
  for (const n of known) {
    const d = editDistance(k, fold(n));
    if (d <= bestD && (best === undefined || d < bestD)) {
      best = n;
      bestD = d;
    }
  }
  return best;
}

/**
 * The TypeError for an unknown key: `<where>: unknown <what> "lrr" (did you mean "lr"?; known: lr, betas)`.
 */
export function unknownKey(key: string, known: readonly string[], where: string, what = 'option'): TypeError {
  const guess = didYouMean(key, known);
  const hint = guess === undefined ? '' : `did you mean "${guess}"?; `;
  const list = known.length === 0 ? 'none' : known.join(', ');
  return new TypeError(`${where}: unknown ${what} ${JSON.stringify(key)} (${hint}known: ${list})`);
}

/** The first own enumerable key of `obj` that is not in `known`, or undefined. */
export function firstUnknownKey(obj: object, known: readonly string[]): string | undefined {
  return Object.keys(obj).find((k) => !known.includes(k));
}

/**
 * Checks that `obj` is an object (not null, not an array) whose own enumerable keys are all in
 * `known`; with `required`, that each of those is present as an own key too. `what` names a key
 * in messages: 'option' (default), 'entry' (state dicts), 'field'.
 */
export function checkKeys(
  obj: unknown,
  known: readonly string[],
  where: string,
  o: { what?: string; required?: readonly string[] } = {},
): asserts obj is Record<string, unknown> {
  const what = o.what ?? 'option';
  if (!isRecord(obj)) throw new TypeError(`${where}: expected an object, got ${show(obj)}`);
  const bad = firstUnknownKey(obj, known);
  if (bad !== undefined) throw unknownKey(bad, known, where, what);
  for (const k of o.required ?? []) if (!Object.hasOwn(obj, k)) throw new TypeError(`${where}: missing ${what} ${JSON.stringify(k)}`);
}
