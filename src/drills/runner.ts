// Runs a drill: a fresh engine with the learner's design, the drill's setup,
// then its load (arrivals submitted at their virtual time; a `then` read
// submitted the moment its command returns), until idle. Every requirement is
// then measured on that run's trace and engine. Pure and deterministic for the
// drill's seed: no wall clock, no unseeded randomness.
import { createEngine, type Engine } from '../engine/index.ts';
import type { Intent } from '../engine/index.ts';
import type { SqlJsStatic } from '../engine/index.ts';
import type { TraceRecord } from '../engine/index.ts';
import { getDomain } from '../domain/index.ts';
import type { Comparison } from '../scenarios/types.ts';
import { resolveDesign, type ResolvedDesign } from './design.ts';
import { evaluateCriteria, nextSeq } from '../scenarios/criteria.ts';
import { measure, type RunFacts } from './measures.ts';
import type { Design, Drill, DrillReport, Requirement, RequirementResult, ScreenRead } from './types.ts';
import { arrivals, expandSetup, fill, type Arrival } from './workload.ts';

/** A requirement the runner measures on the trace (not a state check). */
export type MeasuredRequirement = Extract<Requirement, { kind: 'measure' }>;

export interface RunOptions {
  /** Called as virtual time passes: fraction of the load played, 0–1. */
  onProgress?: (fraction: number) => void;
}

const OP_TEXT: Record<Comparison, string> = { '==': '=', '!=': '≠', '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

export function compare(value: number, op: Comparison, target: number): boolean {
  if (Number.isNaN(value)) return false;
  switch (op) {
    case '==':
      return value === target;
    case '!=':
      return value !== target;
    case '<':
      return value < target;
    case '<=':
      return value <= target;
    case '>':
      return value > target;
    case '>=':
      return value >= target;
  }
}

export async function runDrill(sql: SqlJsStatic, drill: Drill, design: Design, options: RunOptions = {}): Promise<DrillReport> {
  const resolved = resolveDesign(drill, design);
  const engine = await startDrill(sql, drill, resolved);
  try {
    const fromSeq = nextSeq(engine);
    const screenOf = new Map<string, string>();
    await playLoad(engine, drill, resolved, screenOf, options.onProgress);
    await engine.runUntilIdle();
    // Taken before the requirements: a state check's own queries are not part of the load.
    const totals = totalsOf(
      engine.trace.filter((r) => r.seq >= fromSeq),
      engine,
    );
    const requirements = await judgeRequirements(engine, drill, resolved, fromSeq, screenOf);
    options.onProgress?.(1);
    return {
      slug: drill.slug,
      design: { ...design },
      passed: requirements.every((r) => r.passed),
      requirements,
      totals,
    };
  } finally {
    engine.close();
  }
}

/** A fresh engine with the drill's settings, the design's, and the setup run until idle: where the load starts. */
export async function startDrill(sql: SqlJsStatic, drill: Drill, resolved: ResolvedDesign): Promise<Engine> {
  const engine = createEngine({
    sql,
    domain: getDomain(drill.domain),
    seed: drill.seed,
    ...(drill.settings ? { settings: drill.settings } : {}),
  });
  try {
    for (const patch of resolved.settings) engine.configure(patch);
    // One at a time: setup commands on the same stream must not race each other.
    for (const intent of [...expandSetup(drill.setup ?? []), ...resolved.setup]) {
      const answer = await engine.dispatch(intent);
      if (intent.kind === 'command' && 'ok' in answer && !answer.ok) {
        const why = 'rejection' in answer ? answer.rejection.message : 'failed';
        throw new Error(`Drill ${drill.slug}: setup command ${intent.command.type} was refused: ${why}`);
      }
    }
    await engine.runUntilIdle();
    return engine;
  } catch (e) {
    engine.close();
    throw e;
  }
}

/** What each screen of the design reads, for the measures' sentences. */
export function screensOf(drill: Drill, resolved: ResolvedDesign): RunFacts['screens'] {
  const domain = getDomain(drill.domain);
  return Object.fromEntries(
    drill.screens.map((screen) => {
      const r = resolved.screens[screen.id]!;
      const spec = domain.queries.find((q) => q.type === r.query);
      return [screen.id, { label: screen.label, query: r.query, projection: spec?.projection ?? r.query, consistency: r.consistency }];
    }),
  );
}

/** Every requirement of the drill, judged on the engine after the load (records from `fromSeq` on). */
export async function judgeRequirements(
  engine: Engine,
  drill: Drill,
  resolved: ResolvedDesign,
  fromSeq: number,
  screenOf: Map<string, string>,
): Promise<RequirementResult[]> {
  const facts: RunFacts = { trace: engine.trace.filter((r) => r.seq >= fromSeq), screenOf, screens: screensOf(drill, resolved) };
  const requirements: RequirementResult[] = [];
  for (const requirement of drill.requirements) {
    if (requirement.kind === 'criterion') {
      // The scenarios' evaluator (shared with challenges): state checks on the engine after the load.
      const [result] = await evaluateCriteria(engine, [{ ...requirement.criterion, description: requirement.label }], fromSeq);
      requirements.push({
        id: requirement.id,
        label: requirement.label,
        passed: result!.passed,
        value: null,
        measured: result!.measured,
        why: result!.passed ? null : `Checked on the engine after the load: ${result!.measured}.`,
        ...(!result!.passed ? { evidence: result!.evidence ?? { target: 'to hold', value: result!.measured, details: [] } } : {}),
      });
      continue;
    }
    requirements.push(judgeMeasured(requirement, facts));
  }
  return requirements;
}

/** A measured requirement against the run's facts. */
export function judgeMeasured(requirement: MeasuredRequirement, facts: RunFacts): RequirementResult {
  const got = measure(requirement.measure, facts);
  const passed = compare(got.value, requirement.op, requirement.value);
  return {
    id: requirement.id,
    label: requirement.label,
    passed,
    value: got.value,
    measured: `${got.shown} (needs ${OP_TEXT[requirement.op]} ${requirement.value})`,
    why: passed ? null : got.why,
    ...(passed
      ? {}
      : { evidence: { target: `${OP_TEXT[requirement.op]} ${requirement.value}`, value: got.shown, details: got.details ?? [] } }),
  };
}

/** The drill's load on `engine`, from now until its last arrival; `screenOf` learns each read's screen. */
export async function playLoad(
  engine: Engine,
  drill: Drill,
  design: ResolvedDesign,
  screenOf: Map<string, string>,
  onProgress: RunOptions['onProgress'],
): Promise<void> {
  const start = engine.now;
  const due = arrivals(drill.load, start);
  // A `then` read waits for its command to be accepted: collected here, submitted after the step that completed it.
  const followUps = new Map<string, { read: ScreenRead; sessionId: string | undefined; i: number }>();
  const ready: Array<{ read: ScreenRead; sessionId: string | undefined; i: number }> = [];
  const stop = engine.onTrace((r) => {
    if (r.type === 'command.completed' && followUps.has(r.commandId)) {
      ready.push(followUps.get(r.commandId)!);
      followUps.delete(r.commandId);
    } else if ((r.type === 'command.rejected' || r.type === 'command.failed') && followUps.has(r.commandId)) {
      followUps.delete(r.commandId);
    }
  });
  const read = (screenRead: ScreenRead, sessionId: string | undefined, i: number) => {
    const screen = design.screens[screenRead.screen]!;
    const params = fill(screenRead.params, i);
    const intent: Intent = {
      kind: 'query',
      query: { type: screen.query, params },
      consistency: screen.consistency,
      ...(sessionId ? { sessionId } : {}),
    };
    const receipt = engine.submit(intent);
    if (receipt.kind === 'query') screenOf.set(receipt.queryId, screenRead.screen);
  };
  const arrive = (a: Arrival) => {
    const t = a.traffic;
    const sessionId = t.sessionId ? fill(t.sessionId, a.i) : undefined;
    if (t.command) {
      const command = {
        type: t.command.type,
        data: fill(t.command.data, a.i),
        ...(t.command.commandId ? { commandId: fill(t.command.commandId, a.i) } : {}),
      };
      const receipt = engine.submit({ kind: 'command', command, ...(sessionId ? { sessionId } : {}) });
      if (t.then && !a.resend && receipt.kind === 'command') followUps.set(receipt.commandId, { read: t.then, sessionId, i: a.i });
    }
    if (t.read) read(t.read, sessionId, a.i);
  };
  try {
    let next = 0;
    let reported = -1;
    for (;;) {
      while (ready.length > 0) {
        const f = ready.shift()!;
        read(f.read, f.sessionId, f.i);
      }
      const taskAt = engine.scheduler.nextAt();
      const arrival = due[next];
      if (arrival && (taskAt === undefined || arrival.at <= taskAt)) {
        await engine.advanceTo(arrival.at);
        while (due[next] && due[next]!.at === arrival.at) arrive(due[next++]!);
        const fraction = Math.floor(((arrival.at - start) / drill.load.durationMs) * 20) / 20;
        if (fraction > reported) onProgress?.((reported = fraction));
      } else if (taskAt === undefined) {
        break;
      } else {
        await engine.step();
      }
    }
  } finally {
    stop();
  }
}

function totalsOf(trace: readonly TraceRecord[], engine: Engine): DrillReport['totals'] {
  let commands = 0;
  let queries = 0;
  let events = 0;
  for (const r of trace) {
    if (r.type === 'command.received' && r.attempt === 1) commands++;
    else if (r.type === 'query.executed') queries++;
    else if (r.type === 'events.appended') events += r.events.length;
  }
  return { virtualMs: engine.now, commands, queries, events, traceRecords: trace.length };
}
