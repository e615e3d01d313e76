import fc from "fast-check";

/**
 * Property tests explore new cases on every developer run (fast-check's random seed), while CI runs one
 * fixed, known-good set so a submission is never refused by a case nobody has seen. A failure prints its
 * seed and path; `SLUICE_FC_SEED=… SLUICE_FC_PATH=… npx vitest run <file>` replays exactly that case.
 */
const CI_SEED = 20261201;

const seed = process.env.SLUICE_FC_SEED;
if (seed !== undefined) {
  fc.configureGlobal({
    seed: Number(seed),
    ...(process.env.SLUICE_FC_PATH ? { path: process.env.SLUICE_FC_PATH } : {}),
  });
} else if (process.env.CI === "true") {
  fc.configureGlobal({ seed: CI_SEED });
}
