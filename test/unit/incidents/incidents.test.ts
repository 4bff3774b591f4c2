// Generated incidents: across many seeds and every level, each incident shown
// has a checked answer: the untouched run fails its criterion, the reference
// fix passes, and no distractor fixes it (re-run here, not taken on trust from
// the generator's own check). Seeds replay byte for byte.
import initSqlJs from 'sql.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SqlJsStatic } from '../../../src/engine/index.ts';
import { ROOT_CAUSES } from '../../../src/incidents/causes.ts';
import { checkIncident, findIncident, type CheckedIncident } from '../../../src/incidents/check.ts';
import { fixFormOf, remedyOf } from '../../../src/incidents/fixForm.ts';
import { derivedSeed, generateIncident, levelShape } from '../../../src/incidents/generate.ts';
import { clampLevel, MAX_LEVEL, MIN_LEVEL } from '../../../src/incidents/level.ts';
import { DOMAIN_KITS } from '../../../src/incidents/kits.ts';
import { leafPaths, remedied } from '../../../src/incidents/patches.ts';
import { runIncident } from '../../../src/incidents/run.ts';
import { ROOT_CAUSE_IDS } from '../../../src/incidents/types.ts';

let sql: SqlJsStatic;
beforeAll(async () => {
  sql = (await initSqlJs()) as unknown as SqlJsStatic;
});

/** 200 seeds spread over the levels: the search (every check included) took 7 s on a quiet machine, 30 s on a loaded one. */
const SEEDS = Array.from({ length: 200 }, (_, i) => ({ seed: 1000 + i * 7919, level: (i % MAX_LEVEL) + 1 }));

describe('generated incidents, across many seeds', () => {
  const found: CheckedIncident[] = [];

  beforeAll(async () => {
    for (const { seed, level } of SEEDS) found.push(await findIncident(sql, seed, level));
  }, 300_000);

  it('every incident shown passed the check: a symptom, a fix that works, one right choice', () => {
    expect(found).toHaveLength(SEEDS.length);
    for (const { incident, check, run } of found) {
      const where = `seed ${incident.seed} level ${incident.level} (${incident.cause})`;
      expect(check.ok, where).toBe(true);
      expect(run.passed, where).toBe(false);
      const right = incident.question.choices.filter((c) => c.id === incident.question.answer);
      expect(right, where).toHaveLength(1);
      expect(incident.fix, where).toEqual(right[0]!.remedy);
      // Every choice was run, and only the answer fixed it.
      expect(Object.keys(check.choices).sort(), where).toEqual(incident.question.choices.map((c) => c.id).sort());
      expect(
        Object.entries(check.choices).filter(([, fixed]) => fixed),
        where,
      ).toEqual([[incident.question.answer, true]]);
      expect(incident.question.choices.length, where).toBeGreaterThanOrEqual(3);
    }
  });

  it('re-run independently: the untouched incident fails on its criterion and the reference fix passes (every other incident)', async () => {
    for (const { incident } of found.filter((_, i) => i % 2 === 0)) {
      const where = `seed ${incident.seed} level ${incident.level} (${incident.cause})`;
      const untouched = await runIncident(sql, incident);
      expect(untouched.passed, where).toBe(false);
      expect(untouched.result.description).toBe(incident.criterion.description);
      expect((await runIncident(sql, incident, incident.fix)).passed, where).toBe(true);
    }
  }, 300_000);

  it('re-run independently: no distractor fixes it (every fourth incident)', async () => {
    for (const { incident } of found.filter((_, i) => i % 4 === 0)) {
      for (const choice of incident.question.choices.filter((c) => c.id !== incident.question.answer)) {
        const run = await runIncident(sql, incident, choice.remedy);
        expect(run.passed, `seed ${incident.seed}: "${choice.label}"`).toBe(false);
      }
    }
  }, 300_000);

  it('uses every root cause and every domain kit', () => {
    expect(ROOT_CAUSES.length).toBeGreaterThanOrEqual(5);
    expect(new Set(found.map((f) => f.incident.cause))).toEqual(new Set(ROOT_CAUSE_IDS));
    expect(new Set(found.map((f) => f.incident.domain))).toEqual(new Set(DOMAIN_KITS.map((k) => k.domain)));
  });

  it('the evidence comes from the run: the screen value, the event store and the trace', () => {
    for (const { incident, run } of found) {
      const v = run.evidence.values;
      const where = `seed ${incident.seed} (${incident.cause})`;
      if (incident.cause === 'eventualConfirmation') {
        expect(run.evidence.metrics.find((m) => m.label === 'Screen reads that missed their own write')!.value, where).toBeGreaterThan(0);
      } else {
        expect(v.readModel, where).toBe(valueShown(run.result.measured));
        // Something disagrees: the read model with the store, or the store with what the clients meant.
        expect(v.readModel !== v.eventStore || v.eventStore !== v.intended, where).toBe(true);
      }
      expect(run.evidence.trace.length, where).toBeGreaterThan(0);
      // The trace shows the cause's signature.
      const signature = SIGNATURE[incident.cause];
      if (signature)
        expect(
          run.evidence.trace.some((line) => signature.test(line)),
          `${where}: ${signature}`,
        ).toBe(true);
      // The faults of this incident are marked as such, and nothing else is.
      const faults = run.evidence.settings.filter((line) => line.kind === 'fault').map((line) => line.path);
      expect(faults.sort(), where).toEqual([...incident.environment].sort());
    }
  });
});

/** A trace line each cause's evidence must show (a double count by a repeated commandId shows only as extra applies). */
const SIGNATURE: Partial<Record<string, RegExp>> = {
  dedupeOff: /a second time/,
  dualWriteLoss: /never published/,
  orderingOff: /skipped #\d+ .*: already at v/,
  eventualConfirmation: /without its own write/,
  noRetry: /failed after 1 attempt/,
};

/** The number a query criterion measured ("GetBalance.balanceCents = 123 (needs …)"). */
function valueShown(measured: string): number | null {
  const m = /= (-?\d+) \(needs/.exec(measured);
  return m ? Number(m[1]) : null;
}

describe('one incident per seed', () => {
  it('the same seed and level give the same incident and the same evidence', async () => {
    const a = await findIncident(sql, 4242, 3);
    const b = await findIncident(sql, 4242, 3);
    expect(JSON.stringify(b.incident)).toBe(JSON.stringify(a.incident));
    expect(JSON.stringify(b.run)).toBe(JSON.stringify(a.run));
    expect(generateIncident(4243, 3)).not.toEqual(generateIncident(4242, 3));
  });

  it('an incident that fails the check is replaced by the next derived seed, never shown', async () => {
    // Seed 1000 + 125 × 7919 at level 1: its own draw lost no event to the dual write (found by the sweep above; pinned here).
    const seed = 1000 + 125 * 7919;
    const first = generateIncident(seed, 1, 0);
    expect(first.cause).toBe('dualWriteLoss');
    const proof = await checkIncident(sql, first);
    expect(proof.ok).toBe(false);
    expect(proof.reason).toMatch(/already passes/);
    const shown = await findIncident(sql, seed, 1);
    expect(shown.incident.attempt).toBeGreaterThan(0);
    expect(shown.incident.engineSeed).toBe(derivedSeed(seed, shown.incident.attempt));
    expect(shown.rejected[0]).toMatch(/^attempt 0/);
  });

  it('asks for one cause when a review needs it', async () => {
    for (const cause of ROOT_CAUSE_IDS) {
      const { incident } = await findIncident(sql, 77, 2, cause);
      expect(incident.cause).toBe(cause);
    }
  });
});

describe('difficulty', () => {
  it('rises in writes, bystanders, suspects and extra faults', () => {
    for (let level = MIN_LEVEL; level < MAX_LEVEL; level++) {
      const a = levelShape(level);
      const b = levelShape(level + 1);
      expect(b.writes).toBeGreaterThan(a.writes);
      expect(b.others).toBeGreaterThan(a.others);
      expect(b.noiseSettings).toBeGreaterThanOrEqual(a.noiseSettings);
      expect(b.noiseFaults).toBeGreaterThanOrEqual(a.noiseFaults);
    }
    expect(levelShape(MAX_LEVEL).noiseSettings).toBeGreaterThan(levelShape(MIN_LEVEL).noiseSettings);
    expect(levelShape(MAX_LEVEL).noiseFaults).toBeGreaterThan(levelShape(MIN_LEVEL).noiseFaults);
    const writes = (level: number) => generateIncident(9, level).workload.filter((s) => s.kind === 'write').length;
    expect(writes(5)).toBeGreaterThan(writes(1));
    expect(clampLevel(0)).toBe(MIN_LEVEL);
    expect(clampLevel(99)).toBe(MAX_LEVEL);
    expect(clampLevel(Number.NaN)).toBe(MIN_LEVEL);
  });
});

describe('fixing', () => {
  it('a remedy never changes the environment', () => {
    const incident = generateIncident(1000 + 3 * 7919, 4, 0, 'dedupeOff');
    expect(incident.environment).toContain('bus.duplicateProbability');
    const { settings } = remedied(incident, { settings: { bus: { duplicateProbability: 0 }, projection: { dedupe: true } } });
    expect(settings.bus?.duplicateProbability).toBe(incident.settings.bus?.duplicateProbability);
    expect(settings.projection?.dedupe).toBe(true);
    for (const path of incident.environment) expect(leafPaths(incident.settings)).toContain(path);
  });

  it('the form starts at the incident and its remedy is only what changed; flipping the cause fixes it', async () => {
    const { incident } = await findIncident(sql, 31337, 2, 'dedupeOff');
    const form = fixFormOf(incident);
    expect(form.settings['projection.dedupe']).toBe(false);
    expect(remedyOf(incident, form)).toEqual({});
    const fixed = { ...form, settings: { ...form.settings, 'projection.dedupe': true } };
    expect(remedyOf(incident, fixed)).toEqual({ settings: { projection: { dedupe: true } } });
    expect((await runIncident(sql, incident, remedyOf(incident, fixed))).passed).toBe(true);
    // A wrong guess from the form fails again.
    const guess = { ...form, screen: 'readYourWrites' as const };
    expect((await runIncident(sql, incident, remedyOf(incident, guess))).passed).toBe(false);
  });
});
