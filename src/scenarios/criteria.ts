// Success criteria, evaluated on a real engine: its trace (scoped to a
// window of seq numbers), its read models (queries, read-only SQL) and a
// replay of its event store. Shared by scenario steps, challenges and the
// interview design drills.
import type { Engine } from '../engine/index.ts';
import { commandMetrics, consistencyWindows, percentile, settingValue } from '../engine/index.ts';
import type { TraceRecord } from '../engine/index.ts';
import type { Comparison, Criterion, CriterionEvidence, CriterionResult, MetricName, Operand } from './types.ts';

/** The seq the next trace record will carry: pass it as `fromSeq` to scope criteria to what happens next. */
export function nextSeq(engine: Engine): number {
  const t = engine.trace;
  return t.length === 0 ? 1 : t[t.length - 1]!.seq + 1;
}

export function compare(a: unknown, op: Comparison, b: unknown): boolean {
  switch (op) {
    case '==':
      return deepEqual(a, b);
    case '!=':
      return !deepEqual(a, b);
    default: {
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      const x = a as number | string;
      const y = b as number | string;
      if (op === '<') return x < y;
      if (op === '<=') return x <= y;
      if (op === '>') return x > y;
      return x >= y;
    }
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

function show(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/\.?0+$/, '');
  const s = JSON.stringify(v);
  return s === undefined ? 'nothing' : s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** Dot path into a value; `length` of an array or string; numeric segments index arrays. */
export function valueAtPath(data: unknown, path: string | undefined): unknown {
  if (path === undefined || path === '') return data;
  let v = data;
  for (const seg of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    if (seg === 'length' && (Array.isArray(v) || typeof v === 'string')) v = v.length;
    else if (typeof v === 'object') v = (v as Record<string, unknown>)[seg];
    else return undefined;
  }
  return v;
}

/** One metric over trace records (already scoped). NaN when there is nothing to measure. */
export function measureMetric(records: readonly TraceRecord[], metric: MetricName, projection?: string, sessionId?: string): number {
  // A session filter keeps that session's query records (stale reads, misses, queries); other metrics ignore it.
  const inProjection = (r: { projection?: string; sessionId?: string; type?: string }) =>
    (projection === undefined || r.projection === projection) &&
    (sessionId === undefined || !r.type?.startsWith('query.') || r.sessionId === sessionId);
  switch (metric) {
    case 'staleReads':
      return records.filter((r) => r.type === 'query.executed' && r.stale === true && inProjection(r)).length;
    case 'readYourWriteMisses':
      return records.filter((r) => r.type === 'query.executed' && r.sawOwnWrite === false && inProjection(r)).length;
    case 'windowP50':
    case 'windowP95':
    case 'windowP99': {
      const windows = consistencyWindows(records).filter(inProjection);
      return percentile(
        windows.map((w) => w.windowMs),
        Number(metric.slice('windowP'.length)),
      );
    }
    case 'commandsRejected':
      return commandMetrics(records).rejected;
    case 'commandsFailed':
      return commandMetrics(records).failed;
    case 'commandsCompleted':
      return commandMetrics(records).completed;
    case 'conflicts':
      return commandMetrics(records).conflicts;
    case 'commandFailureRate': {
      const m = commandMetrics(records);
      const finished = m.completed + m.rejected + m.failed;
      return finished === 0 ? Number.NaN : m.failed / finished;
    }
    case 'commandP95Ms':
      return percentile(
        records.flatMap((r) => (r.type === 'command.completed' ? [r.durationMs] : [])),
        95,
      );
    case 'duplicatesSkipped':
      return records.filter((r) => r.type === 'projection.duplicateSkipped' && inProjection(r)).length;
    case 'eventsLost':
      return records.reduce((n, r) => n + (r.type === 'publish.lost' ? r.positions.length : 0), 0);
    case 'queryRowsReadMax': {
      const rows = records.flatMap((r) => (r.type === 'feed.read' && inProjection(r) ? [r.rowsRead] : []));
      return rows.length === 0 ? Number.NaN : Math.max(...rows);
    }
    case 'queries':
      return records.filter((r) => r.type === 'query.executed' && inProjection(r)).length;
    case 'queryP95Ms':
    case 'queryP99Ms':
      return percentile(queryLatencies(records, projection), metric === 'queryP95Ms' ? 95 : 99);
  }
}

/** Per query answered in these records: virtual ms from received to executed (waits and queueing included). */
export function queryLatencies(records: readonly TraceRecord[], projection?: string): number[] {
  const received = new Map<string, number>();
  const out: number[] = [];
  for (const r of records) {
    if (r.type === 'query.received') received.set(r.queryId, r.at);
    else if (r.type === 'query.executed' && (projection === undefined || r.projection === projection)) {
      const at = received.get(r.queryId);
      if (at !== undefined) out.push(r.at - at);
    }
  }
  return out;
}

function matchesWhere(r: TraceRecord, where: Record<string, unknown> | undefined): boolean {
  if (!where) return true;
  return Object.entries(where).every(([k, v]) => deepEqual((r as unknown as Record<string, unknown>)[k], v));
}

/** The latest record of `type` whose fields equal `where`. */
function latestMatching(
  records: readonly TraceRecord[],
  type: string,
  where: Record<string, unknown> | undefined,
): TraceRecord | undefined {
  for (let i = records.length - 1; i >= 0; i--) if (records[i]!.type === type && matchesWhere(records[i]!, where)) return records[i];
  return undefined;
}

function result(description: string, passed: boolean, measured: string, evidence?: CriterionEvidence): CriterionResult {
  return evidence && !passed ? { description, passed, measured, evidence } : { description, passed, measured };
}

/** At most this many evidence lines per criterion (the rest summed up). */
const MAX_DETAILS = 5;

function capped(lines: string[]): string[] {
  return lines.length <= MAX_DETAILS ? lines : [...lines.slice(0, MAX_DETAILS), `… and ${lines.length - MAX_DETAILS} more`];
}

type Rec = TraceRecord & Record<string, unknown>;

/** The records behind a metric, described one per line, with the first one's seq. */
function metricEvidence(
  records: readonly TraceRecord[],
  metric: MetricName,
  projection?: string,
  sessionId?: string,
): { details: string[]; seq?: number } {
  const inProjection = (r: { projection?: string; sessionId?: string; type?: string }) =>
    (projection === undefined || r.projection === projection) &&
    (sessionId === undefined || !r.type?.startsWith('query.') || r.sessionId === sessionId);
  const from = (rs: readonly TraceRecord[], line: (r: Rec) => string) => ({
    details: capped(rs.map((r) => line(r as Rec))),
    ...(rs[0] ? { seq: rs[0].seq } : {}),
  });
  switch (metric) {
    case 'staleReads':
      return from(
        records.filter((r) => r.type === 'query.executed' && r.stale === true && inProjection(r)),
        (r) =>
          `#${r.seq}: ${String(r.queryType)} for ${String(r.sessionId ?? 'no session')} answered ${String(r.lagMs)} ms (${String(r.lagEvents)} events) behind, under ${String(r.strategy ?? 'eventual')}`,
      );
    case 'readYourWriteMisses':
      return from(
        records.filter((r) => r.type === 'query.executed' && r.sawOwnWrite === false && inProjection(r)),
        (r) =>
          `#${r.seq}: ${String(r.queryType)} for ${String(r.sessionId ?? 'no session')} missed its own write, ${String(r.lagMs)} ms behind, under ${String(r.strategy ?? 'eventual')}`,
      );
    case 'windowP50':
    case 'windowP95':
    case 'windowP99': {
      const slowest = consistencyWindows(records)
        .filter(inProjection)
        .sort((a, b) => b.windowMs - a.windowMs);
      return { details: capped(slowest.map((w) => `${w.commandType} ${w.commandId}: ${w.windowMs} ms until ${w.projection} applied it`)) };
    }
    case 'commandsFailed':
    case 'commandFailureRate':
      return from(
        records.filter((r) => r.type === 'command.failed'),
        (r) => `#${r.seq}: command ${String(r.commandId)} failed (${String(r.code)}): ${String(r.message)}`,
      );
    case 'commandsRejected':
      return from(
        records.filter((r) => r.type === 'command.rejected'),
        (r) =>
          `#${r.seq}: ${String(r.commandType)} ${String(r.commandId)} refused: ${(r.rejection as { message?: string } | undefined)?.message ?? ''}`,
      );
    case 'conflicts':
      return from(
        records.filter((r) => r.type === 'command.conflict'),
        (r) => `#${r.seq}: ${String(r.streamId)} expected version ${String(r.expectedVersion)}, was ${String(r.actualVersion)}`,
      );
    case 'eventsLost':
      return from(
        records.filter((r) => r.type === 'publish.lost'),
        (r) => `#${r.seq}: position(s) ${(r.positions as number[]).join(', ')} never published (${String(r.reason)})`,
      );
    case 'duplicatesSkipped':
      return from(
        records.filter((r) => r.type === 'projection.duplicateSkipped' && inProjection(r)),
        (r) => `#${r.seq}: ${String(r.projection)} skipped a repeat of ${String(r.streamId)} v${String(r.version)}`,
      );
    default:
      return { details: [] };
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Rows of `a` not matched one for one in `b` (multisets). */
function multisetMinus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out;
}

/** Rows of a table as sorted JSON strings: a multiset that ignores row order. */
function rowSet(rows: readonly unknown[][]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

/**
 * The live store of `projection` against the same projection code replayed
 * from the event store up to the head (a temporal rebuild in a scratch store):
 * equal tables mean the read model is exactly what its events say.
 */
async function matchesReplay(engine: Engine, projection: string): Promise<{ passed: boolean; measured: string; rows: string[] }> {
  const head = engine.headPosition;
  const replay = await engine.projectionAt(projection, { position: head });
  const diffs: string[] = [];
  const rows: string[] = [];
  for (const [table, expected] of Object.entries(replay.tables ?? {})) {
    const live = await engine.readOnlySql(projection, `SELECT * FROM "${table}"`);
    if (expected.truncated || live.truncated) {
      diffs.push(`${table}: more than 1,000 rows, too large to compare`);
      continue;
    }
    const a = rowSet(live.rows as unknown[][]);
    const b = rowSet(expected.rows);
    const onlyLiveRows = multisetMinus(a, b);
    const onlyReplayRows = multisetMinus(b, a);
    const onlyLive = onlyLiveRows.length;
    const onlyReplay = onlyReplayRows.length;
    if (onlyLive + onlyReplay > 0) diffs.push(`${table}: ${onlyReplay} row(s) missing or different, ${onlyLive} row(s) not in the replay`);
    // Pair each live row with the closest replay row of the same key (first column, most columns equal) to say by how much it differs.
    const columns = expected.columns ?? [];
    const pool = onlyReplayRows.map((x) => JSON.parse(x) as unknown[]);
    const paired = new Set<number>();
    for (const live of onlyLiveRows) {
      const l = JSON.parse(live) as unknown[];
      let best = -1;
      let bestSame = 0;
      pool.forEach((r, k) => {
        if (paired.has(k) || JSON.stringify(r[0]) !== JSON.stringify(l[0])) return;
        const same = r.filter((v, i) => JSON.stringify(v) === JSON.stringify(l[i])).length;
        if (best === -1 || same > bestSame) [best, bestSame] = [k, same];
      });
      if (best === -1) {
        rows.push(`${table}: live row ${live} is not in the replay`);
        continue;
      }
      paired.add(best);
      const twin = pool[best]!;
      const cols = l.flatMap((v, i) =>
        JSON.stringify(v) === JSON.stringify(twin[i])
          ? []
          : [`${columns[i] ?? `column ${i + 1}`} is ${JSON.stringify(v)}, the replay says ${JSON.stringify(twin[i])}`],
      );
      rows.push(`${table} ${JSON.stringify(l[0])}: ${cols.join(', ')}`);
    }
    pool.forEach((r, k) => {
      if (!paired.has(k)) rows.push(`${table}: replay row ${JSON.stringify(r)} is missing live`);
    });
  }
  return diffs.length === 0
    ? { passed: true, measured: `${projection} equals a replay of events 1–${head}`, rows: [] }
    : { passed: false, measured: `${projection} differs from a replay of events 1–${head}: ${diffs.join('; ')}`, rows: capped(rows) };
}

/** A comparison's right-hand side: a constant, another metric over the same records, or a setting now. */
function operand(engine: Engine, records: readonly TraceRecord[], v: Operand): { value: number | unknown; label: string } {
  if (typeof v === 'number') return { value: v, label: String(v) };
  if ('setting' in v) {
    const s = settingValue(engine.settings, v.setting);
    return { value: s, label: `${v.setting} (${show(s)})` };
  }
  const m = measureMetric(records, v.metric, v.projection, v.sessionId);
  const name = `${v.metric}${v.projection ? `(${v.projection})` : ''}${v.sessionId ? `[${v.sessionId}]` : ''}`;
  return { value: m, label: `${name} (${Number.isNaN(m) ? 'nothing to measure' : show(m)})` };
}

/** Negated criteria pass when the plain one fails (and keep no evidence: there is nothing to explain when they pass). */
async function evaluateOne(
  engine: Engine,
  c: Criterion,
  scoped: readonly TraceRecord[],
  all: readonly TraceRecord[],
): Promise<CriterionResult> {
  const plain = await evaluatePlain(engine, c, scoped, all);
  if (!c.not) return plain;
  const passed = !plain.passed;
  const measured = `not (${plain.measured})`;
  return passed
    ? { description: plain.description, passed, measured }
    : { description: plain.description, passed, measured, evidence: { target: 'the opposite', value: plain.measured, details: [] } };
}

async function evaluatePlain(
  engine: Engine,
  c: Criterion,
  scoped: readonly TraceRecord[],
  all: readonly TraceRecord[],
): Promise<CriterionResult> {
  const inScope = c.scope === 'all' ? all : scoped;
  const mark = c.since ? latestMatching(inScope, c.since.type, c.since.where) : undefined;
  const records = c.since ? (mark ? inScope.filter((r) => r.seq > mark.seq) : []) : inScope;
  // Said first among a trace-based criterion's evidence: where counting started.
  const since = c.since
    ? mark
      ? [
          `counted after #${mark.seq} at ${mark.at} ms, the latest ${c.since.type}${c.since.where ? ` with ${JSON.stringify(c.since.where)}` : ''}`,
        ]
      : [`no ${c.since.type}${c.since.where ? ` with ${JSON.stringify(c.since.where)}` : ''} yet: nothing counted`]
    : [];
  switch (c.kind) {
    case 'setting': {
      const v = settingValue(engine.settings, c.path);
      return result(c.description, compare(v, c.op, c.value), `${c.path} = ${show(v)} (needs ${c.op} ${show(c.value)})`, {
        target: `${c.op} ${show(c.value)}`,
        value: show(v),
        details: [],
      });
    }
    case 'traceCount': {
      const matching = records.filter((r) => r.type === c.type && matchesWhere(r, c.where));
      const n = matching.length;
      const ofType = records.filter((r) => r.type === c.type);
      const details =
        n > 0
          ? capped(matching.map((r) => `#${r.seq} at ${r.at} ms`))
          : ofType.length > 0
            ? [
                `${ofType.length} ${c.type} record(s), none with ${JSON.stringify(c.where ?? {})}; the first: ${JSON.stringify(ofType[0])}`.slice(
                  0,
                  240,
                ),
              ]
            : [`no ${c.type} record in the run`];
      const first = matching[0] ?? ofType[0];
      const rhs = operand(engine, records, c.value);
      return result(c.description, compare(n, c.op, rhs.value), `${c.type} records = ${n} (needs ${c.op} ${rhs.label})`, {
        target: `${c.op} ${rhs.label}`,
        value: String(n),
        details: [...since, ...details],
        ...(first ? { seq: first.seq } : {}),
      });
    }
    case 'metric': {
      const v = measureMetric(records, c.metric, c.projection, c.sessionId);
      const label = `${c.metric}${c.projection ? `(${c.projection})` : ''}${c.sessionId ? `[${c.sessionId}]` : ''}`;
      const why = metricEvidence(records, c.metric, c.projection, c.sessionId);
      const rhs = operand(engine, records, c.value);
      if (Number.isNaN(v) || (typeof rhs.value === 'number' && Number.isNaN(rhs.value))) {
        return result(c.description, false, `${label}: nothing to measure (needs ${c.op} ${rhs.label})`, {
          target: `${c.op} ${rhs.label}`,
          value: Number.isNaN(v) ? 'nothing to measure' : show(v),
          details: [...since, ...why.details],
        });
      }
      return result(c.description, compare(v, c.op, rhs.value), `${label} = ${show(v)} (needs ${c.op} ${rhs.label})`, {
        target: `${c.op} ${rhs.label}`,
        value: show(v),
        ...why,
        details: [...since, ...why.details],
      });
    }
    case 'query': {
      try {
        const answer = await engine.query(c.query, {
          ...(c.sessionId !== undefined ? { sessionId: c.sessionId } : {}),
          ...(c.consistency ? { consistency: c.consistency } : {}),
        });
        const v = valueAtPath(answer.data, c.path);
        const label = `${c.query.type}${c.path ? `.${c.path}` : ''}`;
        return result(c.description, compare(v, c.op, c.value), `${label} = ${show(v)} (needs ${c.op} ${show(c.value)})`, {
          target: `${c.op} ${show(c.value)}`,
          value: show(v),
          details: [`${c.query.type} answered from ${answer.projection ?? 'the read side'} at position ${String(answer.position ?? '?')}`],
        });
      } catch (e) {
        return result(c.description, false, `${c.query.type} failed: ${errorMessage(e)}`);
      }
    }
    case 'sql': {
      try {
        const r = await engine.readOnlySql(c.store, c.sql);
        const v = r.rows[0]?.[0] ?? null;
        return result(c.description, compare(v, c.op, c.value), `${c.store}: ${show(v)} (needs ${c.op} ${show(c.value)})`, {
          target: `${c.op} ${show(c.value)}`,
          value: show(v),
          details: [],
        });
      } catch (e) {
        return result(c.description, false, `SQL on ${c.store} failed: ${errorMessage(e)}`);
      }
    }
    case 'matchesReplay': {
      try {
        const m = await matchesReplay(engine, c.projection);
        return result(c.description, m.passed, m.measured, {
          target: 'equal to a replay',
          value: m.passed ? 'equal' : 'different',
          details: m.rows,
        });
      } catch (e) {
        return result(c.description, false, `replay of ${c.projection} failed: ${errorMessage(e)}`);
      }
    }
    case 'projectionVariant': {
      const variant = engine.projectionInfo(c.projection).variant;
      return result(c.description, variant === c.variant, `${c.projection} runs version '${variant}' (needs '${c.variant}')`);
    }
  }
}

/**
 * Evaluate criteria in order. Trace-based ones (traceCount, metric) read the
 * records with seq ≥ `fromSeq` (or all, with `scope: 'all'`) as they stood
 * when evaluation began, so a query run by an earlier criterion does not
 * count. Queries, SQL and replays read the engine's state (queries and
 * replays run in virtual time and add their own trace records).
 */
export async function evaluateCriteria(engine: Engine, criteria: readonly Criterion[], fromSeq: number): Promise<CriterionResult[]> {
  const all = [...engine.trace];
  const scoped = all.filter((r) => r.seq >= fromSeq);
  const out: CriterionResult[] = [];
  for (const c of criteria) out.push(await evaluateOne(engine, c, scoped, all));
  return out;
}
