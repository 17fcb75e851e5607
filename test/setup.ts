// Property tests run from a fixed seed so CI is repeatable; `FC_SEED=random npm test` (or any number) explores
// further, and a failure prints the seed and path that reproduce it.
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20260316 : Number(seed) });
