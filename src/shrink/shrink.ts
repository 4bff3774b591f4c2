// The shortest failing run: delta debugging (ddmin) over a failing run's
// recorded intents, then simpler values (settings back to their defaults or
// toward zero, command quantities toward 1), each candidate judged by a
// replay on a fresh engine. Pure: the replay is injected (`check`), time only
// through the caller's `now()`, so the same run and budget shrink the same way.
import type { ScriptEntry, SettingsPatch } from '../engine/index.ts';
import type { FailingRun, RunCheck } from './failingRun.ts';

export interface ShrinkBudget {
  /** Candidate replays at most (the final confirming replay comes on top). */
  maxReplays: number;
  /** Wall-clock ms at most, read through `now` (both or neither). */
  maxMs?: number;
  now?: () => number;
}

export type ShrinkPhase = 'reproduce' | 'remove' | 'simplify' | 'confirm';

export interface ShrinkProgress {
  phase: ShrinkPhase;
  /** Candidate replays so far. */
  tried: number;
  maxReplays: number;
  /** Intents in the smallest failing run found so far. */
  size: number;
  originalSize: number;
}

export interface ShrinkOutcome {
  /** `finished`: no smaller candidate fails; `stopped`: the budget ran out first; `notReproduced`: the run given does not fail on replay. */
  status: 'finished' | 'stopped' | 'notReproduced';
  /** The smallest failing run found (the original when nothing smaller failed). */
  run: FailingRun;
  /** Its confirming replay: it fails (unless `notReproduced`). */
  check: RunCheck;
  tried: number;
  originalSize: number;
  size: number;
  /** One sentence: how far it got. */
  message: string;
}

class BudgetSpent extends Error {}

/** Shrink `run` while `check` says it still fails. */
export async function shrinkFailingRun(
  run: FailingRun,
  check: (run: FailingRun) => Promise<RunCheck>,
  budget: ShrinkBudget,
  onProgress?: (p: ShrinkProgress) => void,
): Promise<ShrinkOutcome> {
  const started = budget.now?.() ?? 0;
  const originalSize = run.script.length;
  let tried = 0;
  let phase: ShrinkPhase = 'reproduce';
  let best = run;
  const seen = new Map<string, boolean>();
  let lastCheck: RunCheck | null = null;
  const report = () => onProgress?.({ phase, tried, maxReplays: budget.maxReplays, size: best.script.length, originalSize });

  /** Does this candidate still fail? Counts against the budget; identical candidates are judged once. */
  const fails = async (candidate: FailingRun): Promise<boolean> => {
    const key = JSON.stringify(candidate);
    const known = seen.get(key);
    if (known !== undefined) return known;
    const overTime = budget.maxMs !== undefined && budget.now !== undefined && budget.now() - started >= budget.maxMs;
    if (tried >= budget.maxReplays || overTime) throw new BudgetSpent();
    tried++;
    lastCheck = await check(candidate);
    const verdict = lastCheck.fails;
    seen.set(key, verdict);
    if (verdict && candidate.script.length <= best.script.length) best = candidate;
    report();
    return verdict;
  };

  let status: ShrinkOutcome['status'] = 'finished';
  try {
    report();
    // Without recorded steps every intent lands at its time alone, so removing one never strands the rest.
    const stepless = { ...run, script: run.script.map(({ step: _step, ...entry }) => entry) };
    if (await fails(stepless)) best = stepless;
    else if (!(await fails(run))) status = 'notReproduced';
    // Only the bus's seeded faults make another seed worth trying.
    const facts = (lastCheck as RunCheck | null)?.facts;
    const seededFaults = facts !== undefined && facts.duplicates + facts.drops > 0;
    if (status !== 'notReproduced') {
      phase = 'remove';
      best = await removeIntents(best, fails);
      if (seededFaults) best = await removeWithOtherSeeds(best, fails);
      phase = 'simplify';
      best = await simplifySettings(best, fails);
      best = await simplifyCommands(best, fails);
    }
  } catch (e) {
    if (!(e instanceof BudgetSpent)) throw e;
    status = 'stopped';
  }

  phase = 'confirm';
  report();
  let confirmed = await check(best);
  // The engine is deterministic, so this holds; if it ever did not, the original is what is known to fail.
  if (!confirmed.fails && best !== run) {
    best = run;
    confirmed = await check(run);
  }
  if (!confirmed.fails) status = 'notReproduced';
  const size = best.script.length;
  const message =
    status === 'notReproduced'
      ? `The run does not fail when it is replayed, so there is nothing to shrink (${tried} replays).`
      : status === 'stopped'
        ? `Stopped after ${tried} replays (the budget): the smallest failing run so far has ${size} of ${originalSize} intents.`
        : `Finished after ${tried} replays: no smaller run fails (${size} of ${originalSize} intents).`;
  const reseeded = status !== 'notReproduced' && best.seed !== run.seed ? ` It runs with seed ${best.seed} instead of ${run.seed}.` : '';
  return { status, run: best, check: confirmed, tried, originalSize, size, message: message + reseeded };
}

type Judge = (candidate: FailingRun) => Promise<boolean>;

/** Entries with whether they belong to the criterion's window, so the window's start follows removals. */
type Item = { entry: ScriptEntry; inWindow: boolean };

const itemsOf = (run: FailingRun): Item[] => run.script.map((entry, i) => ({ entry, inWindow: i >= run.windowFrom }));
const runOf = (run: FailingRun, items: readonly Item[]): FailingRun => ({
  ...run,
  script: items.map((i) => i.entry),
  windowFrom: items.filter((i) => !i.inWindow).length,
});

/** Zeller's ddmin: try each chunk alone, then each complement, with finer chunks until single intents. */
async function removeIntents(run: FailingRun, fails: Judge): Promise<FailingRun> {
  let items = itemsOf(run);
  if (items.length > 0 && (await fails(runOf(run, [])))) return runOf(run, []);
  let n = 2;
  while (items.length >= 2) {
    const chunks = split(items, n);
    let reduced = false;
    for (const chunk of chunks) {
      if (await fails(runOf(run, chunk))) {
        items = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && n > 2) {
      for (let i = 0; i < chunks.length; i++) {
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (await fails(runOf(run, complement))) {
          items = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (!reduced) {
      if (n >= items.length) break;
      n = Math.min(n * 2, items.length);
    }
  }
  // ddmin is 1-minimal on what it split; one more pass also covers a single remaining intent.
  if (items.length === 1 && (await fails(runOf(run, [])))) items = [];
  return runOf(run, items);
}

/** How many other seeds to try when removing an intent changes which deliveries the bus duplicates or drops. */
const OTHER_SEEDS = 16;

/**
 * Removing one intent shifts the seeded draws of every later delivery, so a
 * duplicate that made the run fail may land elsewhere. The same run under a
 * nearby seed is as honest a failing run (it replays identically too): try
 * each removal with a few seeds, until no intent can go.
 */
async function removeWithOtherSeeds(run: FailingRun, fails: Judge): Promise<FailingRun> {
  let best = run;
  for (let removed = true; removed;) {
    removed = false;
    for (let i = best.script.length - 1; i >= 0 && !removed; i--) {
      const items = itemsOf(best).filter((_, j) => j !== i);
      for (let k = 1; k <= OTHER_SEEDS && !removed; k++) {
        const candidate = { ...runOf(best, items), seed: run.seed + k };
        if (await fails(candidate)) {
          best = candidate;
          removed = true;
        }
      }
    }
  }
  return best;
}

function split<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  const size = items.length / n;
  for (let i = 0; i < n; i++) {
    const part = items.slice(Math.round(i * size), Math.round((i + 1) * size));
    if (part.length > 0) out.push(part);
  }
  return out;
}

/** Settings leaves as dotted paths with their values. */
function leaves(patch: Record<string, unknown>, prefix = ''): { path: string[]; value: unknown }[] {
  const out: { path: string[]; value: unknown }[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix ? [...prefix.split('.'), key] : [key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      out.push(...leaves(value as Record<string, unknown>, path.join('.')));
    } else out.push({ path, value });
  }
  return out;
}

/** A copy of `patch` with the leaf at `path` replaced (or removed, with empty groups pruned). */
function withLeaf(patch: Record<string, unknown>, path: readonly string[], value: unknown, remove: boolean): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  const copy = { ...patch };
  if (rest.length === 0) {
    if (remove) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const inner = withLeaf((copy[head] ?? {}) as Record<string, unknown>, rest, value, remove);
  if (Object.keys(inner).length === 0) delete copy[head];
  else copy[head] = inner;
  return copy;
}

/** Smaller numbers to try for `value`, smallest first: `floor`, then a few halvings from the top. */
function smaller(value: number, floor: number): number[] {
  const out: number[] = [];
  for (let v = value / 2; v > floor && out.length < 4; v /= 2) {
    const tidy = Number.isInteger(value) ? Math.floor(v) : Math.round(v * 100) / 100;
    if (tidy > floor && tidy < value && !out.includes(tidy)) out.push(tidy);
  }
  return value > floor ? [floor, ...out.reverse()] : [];
}

/**
 * Each leaf of a settings patch: back to the default (removed), else a
 * smaller number; kept as is when neither still fails.
 */
async function simplifyPatch(
  patch: Record<string, unknown>,
  rebuild: (patch: Record<string, unknown>) => FailingRun,
  fails: Judge,
): Promise<Record<string, unknown>> {
  let current = patch;
  for (const { path, value } of leaves(patch)) {
    const removed = withLeaf(current, path, undefined, true);
    if (await fails(rebuild(removed))) {
      current = removed;
      continue;
    }
    if (typeof value !== 'number') continue;
    for (const v of smaller(value, 0)) {
      const candidate = withLeaf(current, path, v, false);
      if (await fails(rebuild(candidate))) {
        current = candidate;
        break;
      }
    }
  }
  return current;
}

/** The run's starting settings, then each configure intent's, toward the defaults. */
async function simplifySettings(run: FailingRun, fails: Judge): Promise<FailingRun> {
  let best = run;
  const settings = await simplifyPatch(run.settings as Record<string, unknown>, (p) => ({ ...best, settings: p as SettingsPatch }), fails);
  best = { ...best, settings: settings as SettingsPatch };
  for (let i = 0; i < best.script.length; i++) {
    const entry = best.script[i]!;
    if (entry.intent.kind !== 'configure') continue;
    const at = i;
    const rebuild = (p: Record<string, unknown>): FailingRun => ({
      ...best,
      script: best.script.map((e, j) => (j === at ? { ...e, intent: { kind: 'configure', settings: p as SettingsPatch } } : e)),
    });
    const patch = await simplifyPatch(entry.intent.settings as Record<string, unknown>, rebuild, fails);
    best = rebuild(patch);
  }
  return best;
}

/** Whole numbers in commands' data toward 1 (a quantity of 3 → 1), one field at a time. */
async function simplifyCommands(run: FailingRun, fails: Judge): Promise<FailingRun> {
  let best = run;
  for (let i = 0; i < best.script.length; i++) {
    const intent = best.script[i]!.intent;
    if (intent.kind !== 'command') continue;
    for (const [field, value] of Object.entries(intent.command.data ?? {})) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value <= 1) continue;
      for (const v of smaller(value, 1)) {
        const at = i;
        const current = best.script[at]!.intent as typeof intent;
        const candidate: FailingRun = {
          ...best,
          script: best.script.map((e, j) =>
            j === at ? { ...e, intent: { ...current, command: { ...current.command, data: { ...current.command.data, [field]: v } } } } : e,
          ),
        };
        if (await fails(candidate)) {
          best = candidate;
          break;
        }
      }
    }
  }
  return best;
}
