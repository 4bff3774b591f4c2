// Runs an incident on a fresh engine (its setup, then its workload at its
// virtual times, until quiet) with a remedy applied or not, evaluates its
// criterion with the scenarios' evaluator, and gathers the evidence a learner
// diagnoses from: counts, the screen's value against the event store's, and
// the trace lines that matter.
import { createEngine, settingValue, type Engine, type SqlJsStatic, type TraceRecord } from '../engine/index.ts';
import { getDomain } from '../domain/index.ts';
import { evaluateCriteria, nextSeq, valueAtPath } from '../scenarios/criteria.ts';
import { FIX_CONTROLS } from './causes.ts';
import { stepIntent } from './generate.ts';
import { kitOf } from './kits.ts';
import { leafPaths, remedied } from './patches.ts';
import { traceLines } from './traceLines.ts';
import type { Incident, IncidentEvidence, IncidentRun, Remedy } from './types.ts';

export async function runIncident(sql: SqlJsStatic, incident: Incident, remedy: Remedy = {}): Promise<IncidentRun> {
  const { settings, consistency } = remedied(incident, remedy);
  const engine = createEngine({ sql, domain: getDomain(incident.domain), seed: incident.engineSeed, settings });
  try {
    // One at a time: the starting data must not race itself.
    for (const intent of incident.setup) await engine.dispatch(intent);
    await engine.runUntilIdle();
    const fromSeq = nextSeq(engine);
    const start = engine.now;
    await engine.replay(
      incident.workload.map((step) => ({ at: start + step.at, intent: stepIntent(step, incident.screen.query, consistency) })),
    );
    await engine.runUntilIdle();
    const scoped = engine.trace.filter((r) => r.seq >= fromSeq);
    const [result] = await evaluateCriteria(engine, [incident.criterion], fromSeq);
    return { passed: result!.passed, result: result!, evidence: await evidenceOf(engine, incident, scoped, consistency.strategy) };
  } finally {
    engine.close();
  }
}

async function evidenceOf(
  engine: Engine,
  incident: Incident,
  records: readonly TraceRecord[],
  screenStrategy: string,
): Promise<IncidentEvidence> {
  const kit = kitOf(incident.domain);
  const count = (type: string) => records.filter((r) => r.type === type).length;
  const metrics = [
    { label: 'Commands completed', value: count('command.completed') },
    { label: 'Commands failed', value: count('command.failed') },
    { label: 'Repeated commands recognised', value: count('command.duplicate') },
    { label: 'Concurrency conflicts', value: count('command.conflict') },
    { label: 'Events appended', value: records.reduce((n, r) => n + (r.type === 'events.appended' ? r.events.length : 0), 0) },
    { label: 'Events never published', value: records.reduce((n, r) => n + (r.type === 'publish.lost' ? r.positions.length : 0), 0) },
    { label: 'Deliveries duplicated by the bus', value: count('bus.duplicated') },
    { label: 'Repeats skipped by the projection', value: count('projection.duplicateSkipped') },
    { label: 'Events held for a predecessor', value: count('projection.held') },
    {
      label: 'Screen reads that missed their own write',
      value: records.filter((r) => r.type === 'query.executed' && r.sawOwnWrite === false).length,
    },
  ];

  // What the clients meant: each commandId on the key entity once.
  const key = kit.command(0, 0).data;
  const keyField = Object.keys(key).find((k) => k !== kit.amountField)!;
  const meant = new Map<string, number>();
  for (const step of incident.workload) {
    if (step.kind === 'write' && step.command.data[keyField] === key[keyField]) {
      meant.set(step.command.commandId, Number(step.command.data[kit.amountField]));
    }
  }
  const intended = kit.start + [...meant.values()].reduce((a, b) => a + b, 0);
  const stored = (await engine.readStream(kit.stream))
    .filter((e) => e.type === kit.eventType)
    .reduce((n, e) => n + Number((e.data as Record<string, unknown>)[kit.amountField]), kit.start);
  const answer = await engine.query({ type: incident.screen.query, params: incident.screen.params });
  const shown = valueAtPath(answer.data, incident.screen.path);

  return {
    metrics,
    values: { intended, eventStore: stored, readModel: typeof shown === 'number' ? shown : null, unit: kit.unit },
    trace: traceLines(records, incident.screen.projection),
    settings: settingsLines(engine, incident, screenStrategy),
  };
}

/** The bus's behaviour, the fix form's settings and the faults, as the run used them. */
function settingsLines(engine: Engine, incident: Incident, screenStrategy: string): IncidentEvidence['settings'] {
  const paths = [
    'bus.latencyMs',
    'bus.jitterMs',
    'bus.duplicateProbability',
    'bus.dropProbability',
    'bus.reorder',
    'bus.orderedPartitions',
    'faults.publishFailureProbability',
    ...FIX_CONTROLS.flatMap((c) => (c.kind === 'screen' ? [] : [c.path])),
    ...incident.environment,
    ...leafPaths(incident.settings),
  ];
  const configurable = new Set<string>(FIX_CONTROLS.flatMap((c) => (c.kind === 'screen' ? [] : [c.path])));
  const lines = [...new Set(paths)].map((path) => ({
    path,
    value: String(settingValue(engine.settings, path)),
    kind: incident.environment.includes(path)
      ? ('fault' as const)
      : configurable.has(path)
        ? ('configuration' as const)
        : ('environment' as const),
  }));
  return [...lines, { path: 'screen consistency', value: screenStrategy, kind: 'configuration' as const }];
}
