// Success criteria, evaluated on a real engine: its trace (scoped to a
// window of seq numbers), its read models (queries, read-only SQL) and a
// replay of its event store. Shared by scenario steps, challenges and the
// interview design drills.
import type { Engine } from '../engine/index.ts';
import { commandMetrics, consistencyWindows, percentile } from '../engine/index.ts';
import type { TraceRecord } from '../engine/index.ts';
import type { Comparison, Criterion, CriterionResult, MetricName } from './types.ts';

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
export function measureMetric(records: readonly TraceRecord[], metric: MetricName, projection?: string): number {
  const inProjection = (r: { projection?: string }) => projection === undefined || r.projection === projection;
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

function result(description: string, passed: boolean, measured: string): CriterionResult {
  return { description, passed, measured };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
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
async function matchesReplay(engine: Engine, projection: string): Promise<{ passed: boolean; measured: string }> {
  const head = engine.headPosition;
  const replay = await engine.projectionAt(projection, { position: head });
  const diffs: string[] = [];
  for (const [table, expected] of Object.entries(replay.tables ?? {})) {
    const live = await engine.readOnlySql(projection, `SELECT * FROM "${table}"`);
    if (expected.truncated || live.truncated) {
      diffs.push(`${table}: more than 1,000 rows, too large to compare`);
      continue;
    }
    const a = rowSet(live.rows as unknown[][]);
    const b = rowSet(expected.rows);
    const onlyLive = a.filter((x) => !b.includes(x)).length;
    const onlyReplay = b.filter((x) => !a.includes(x)).length;
    if (onlyLive + onlyReplay > 0) diffs.push(`${table}: ${onlyReplay} row(s) missing or different, ${onlyLive} row(s) not in the replay`);
  }
  return diffs.length === 0
    ? { passed: true, measured: `${projection} equals a replay of events 1–${head}` }
    : { passed: false, measured: `${projection} differs from a replay of events 1–${head}: ${diffs.join('; ')}` };
}

async function evaluateOne(engine: Engine, c: Criterion, scoped: readonly TraceRecord[], all: readonly TraceRecord[]): Promise<CriterionResult> {
  const records = c.scope === 'all' ? all : scoped;
  switch (c.kind) {
    case 'traceCount': {
      const n = records.filter((r) => r.type === c.type && matchesWhere(r, c.where)).length;
      return result(c.description, compare(n, c.op, c.value), `${c.type} records = ${n} (needs ${c.op} ${c.value})`);
    }
    case 'metric': {
      const v = measureMetric(records, c.metric, c.projection);
      const label = c.projection ? `${c.metric}(${c.projection})` : c.metric;
      if (Number.isNaN(v)) return result(c.description, false, `${label}: nothing to measure (needs ${c.op} ${c.value})`);
      return result(c.description, compare(v, c.op, c.value), `${label} = ${show(v)} (needs ${c.op} ${c.value})`);
    }
    case 'query': {
      try {
        const answer = await engine.query(c.query, {
          ...(c.sessionId !== undefined ? { sessionId: c.sessionId } : {}),
          ...(c.consistency ? { consistency: c.consistency } : {}),
        });
        const v = valueAtPath(answer.data, c.path);
        const label = `${c.query.type}${c.path ? `.${c.path}` : ''}`;
        return result(c.description, compare(v, c.op, c.value), `${label} = ${show(v)} (needs ${c.op} ${show(c.value)})`);
      } catch (e) {
        return result(c.description, false, `${c.query.type} failed: ${errorMessage(e)}`);
      }
    }
    case 'sql': {
      try {
        const r = await engine.readOnlySql(c.store, c.sql);
        const v = r.rows[0]?.[0] ?? null;
        return result(c.description, compare(v, c.op, c.value), `${c.store}: ${show(v)} (needs ${c.op} ${show(c.value)})`);
      } catch (e) {
        return result(c.description, false, `SQL on ${c.store} failed: ${errorMessage(e)}`);
      }
    }
    case 'matchesReplay': {
      try {
        const m = await matchesReplay(engine, c.projection);
        return result(c.description, m.passed, m.measured);
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
