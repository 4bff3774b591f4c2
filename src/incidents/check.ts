// The engine's proof that an incident can be answered and fixed: the
// untouched incident fails its criterion (the symptom is there), the right
// choice's remedy alone makes it pass, and every wrong choice's remedy alone
// leaves it failing. An incident that fails the proof (the workload happened
// not to trigger the bug, a suspect turned out not innocent) is replaced by
// the next derived seed's: none is ever shown unchecked.
import type { SqlJsStatic } from '../engine/index.ts';
import { generateIncident } from './generate.ts';
import { runIncident } from './run.ts';
import type { Incident, IncidentCheck, IncidentRun, RootCauseId } from './types.ts';

/** Derived seeds tried before giving up (a catalogue bug, never chance: the tests run many seeds). */
export const MAX_ATTEMPTS = 12;

export async function checkIncident(sql: SqlJsStatic, incident: Incident): Promise<IncidentCheck & { run: IncidentRun }> {
  const run = await runIncident(sql, incident);
  const choices: Record<string, boolean> = {};
  const fail = (reason: string) => ({ ok: false, reason, untouched: run.passed, fixed: false, choices, run });
  if (run.passed) return fail(`the untouched incident already passes: ${run.result.measured}`);
  const fixed = (await runIncident(sql, incident, incident.fix)).passed;
  if (!fixed) return { ...fail('the reference fix does not pass'), fixed };
  for (const choice of incident.question.choices) {
    const right = choice.id === incident.question.answer;
    // The answer's remedy is the reference fix, already run.
    choices[choice.id] = right && choice.remedy === incident.fix ? fixed : (await runIncident(sql, incident, choice.remedy)).passed;
    if (choices[choice.id] !== right) {
      return { ...fail(right ? `the answer "${choice.label}" alone does not fix it` : `the distractor "${choice.label}" fixes it`), fixed };
    }
  }
  return { ok: true, reason: null, untouched: false, fixed: true, choices, run };
}

export interface CheckedIncident {
  incident: Incident;
  /** The untouched run: the evidence shown. */
  run: IncidentRun;
  /** The proof it passed. */
  check: IncidentCheck;
  /** Why earlier attempts were replaced (empty when the seed's own incident held). */
  rejected: string[];
}

/** The first incident for `seed` at `level` that passes the check, trying derived seeds in order. */
export async function findIncident(sql: SqlJsStatic, seed: number, level: number, only?: RootCauseId): Promise<CheckedIncident> {
  const rejected: string[] = [];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const incident = generateIncident(seed, level, attempt, only);
    const check = await checkIncident(sql, incident);
    if (check.ok) {
      const { run, ...proof } = check;
      return { incident, run, check: proof, rejected };
    }
    rejected.push(`attempt ${attempt} (${incident.cause}): ${check.reason}`);
  }
  throw new Error(`No checkable incident for seed ${seed} at level ${level} after ${MAX_ATTEMPTS} attempts: ${rejected.join('; ')}`);
}
