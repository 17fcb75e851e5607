/**
 * Distinct values of a field within one group, in the form that costs least for the common case: most groups see
 * one port, one device, one destination. A group is created for nearly every matching event of a scan (a million
 * groups is an ordinary month), so the state is the value itself until a second one arrives — no allocation — then
 * an array of exactly their number, then (past SET_FROM values, a scanner's ports) a Set, where look-ups in an
 * array would make the group quadratic.
 */
import type { FieldValue } from './aggregates.js';

/** None, one value, several (insertion order), or many. A FieldValue is never an object, so the forms are told apart. */
export type Distinct = FieldValue | FieldValue[] | Set<FieldValue> | undefined;

/** Past this many values an array becomes a Set. */
const SET_FROM = 16;

/**
 * A value to keep for as long as a group lives, holding on to nothing else. A parser's text is often a part of its
 * line (V8 makes a substring of 13 characters or more a view of the whole), and a group kept for an hour's bucket
 * would keep the line with it: ~780 bytes for one CEF address. Copied once, when the group or the value is new.
 */
export function ownValue<V>(value: V): V {
  // (a concatenation flattened by slice: a string of its own, one character longer; shorter texts are copies already)
  return typeof value === 'string' && value.length >= 13 ? ((' ' + value).slice(1) as V) : value;
}

/** The state with `value` counted: the same state when it holds the value already (or is a Set), else a new one. */
export function distinctAdd(state: Distinct, value: FieldValue): Distinct {
  if (state === value) return state;
  if (state === undefined) return ownValue(value);
  value = ownValue(value);
  if (typeof state !== 'object') return [state, value];
  if (state instanceof Set) return state.add(value);
  if (state.includes(value)) return state;
  if (state.length >= SET_FROM) return new Set(state).add(value);
  // A new array of exactly its length: one grown by push keeps room for 16 more values, more than the group itself.
  const grown = new Array<FieldValue>(state.length + 1);
  for (let i = 0; i < state.length; i++) grown[i] = state[i]!;
  grown[state.length] = value;
  return grown;
}

/** The number of distinct values. */
export function distinctSize(state: Distinct): number {
  if (state === undefined) return 0;
  if (typeof state !== 'object') return 1;
  return state instanceof Set ? state.size : state.length;
}

/** The values as a new array (insertion order): the plain form snapshots hold. */
export function distinctValues(state: Distinct): FieldValue[] {
  if (state === undefined) return [];
  if (typeof state !== 'object') return [state];
  return [...state];
}

/** A state holding `values`, sharing nothing with the list. */
export function distinctOf(values: readonly FieldValue[]): Distinct {
  let state: Distinct;
  for (const v of values) state = distinctAdd(state, v);
  return state;
}

/** `from`'s values added into `into`; returns the result, as distinctAdd. `from` is not modified. */
export function distinctMerge(into: Distinct, from: Distinct): Distinct {
  if (from === undefined) return into;
  if (typeof from !== 'object') return distinctAdd(into, from);
  for (const v of from) into = distinctAdd(into, v);
  return into;
}
