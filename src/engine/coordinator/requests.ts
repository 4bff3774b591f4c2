// Requests answered by a scheduled task: temporal queries (an aggregate or a
// projection as of a point in history), imports of older events, and the
// comparison of a shadow store with the live one.
import { EngineError, InvalidIntentError, InvalidPayloadError, ProjectionStateError, UnknownQueryError } from '../errors.ts';
import { validatePayload } from '../validation.ts';
import type { AsOf, ImportedEventInput, Intent } from '../vocabulary/intent.ts';
import type { Commands } from './commands.ts';
import type { EngineContext, Request } from './context.ts';
import type { EventDelivery } from './delivery.ts';
import type { ImportResult, ProjectionAtResult, ShadowComparison } from './engineTypes.ts';
import type { LiveProjections } from './projections/live.ts';

export class Requests {
  readonly ctx: EngineContext;
  readonly delivery: EventDelivery;
  readonly live: LiveProjections;
  readonly commands: Commands;

  constructor(ctx: EngineContext, delivery: EventDelivery, live: LiveProjections, commands: Commands) {
    this.ctx = ctx;
    this.delivery = delivery;
    this.live = live;
    this.commands = commands;
  }

  submitRequest(intent: Extract<Intent, { kind: 'aggregateAt' | 'projectionAt' | 'import' | 'projection' }>): Request<unknown> {
    const req: Request<unknown> = { done: false };
    let work: () => Promise<unknown>;
    switch (intent.kind) {
      case 'aggregateAt': {
        const asOf = validateAsOf(intent.asOf, true);
        if (typeof intent.streamId !== 'string' || intent.streamId.length === 0)
          throw new InvalidIntentError('aggregateAt needs a streamId, e.g. "product-KB".');
        const streamId = intent.streamId;
        work = async () => {
          const snapshots = this.ctx.snapshotPolicy();
          const r = await this.ctx.write.aggregateAt({ streamId, ...asOf, ...(snapshots ? { snapshots } : {}) });
          this.ctx.emit({
            type: 'temporal.aggregate',
            streamId,
            asOf,
            version: r.version,
            position: r.position,
            eventsFolded: r.eventsFolded,
            snapshotVersion: r.snapshot?.used ? r.snapshot.version : null,
          });
          return r;
        };
        this.ctx.requestSeq++;
        this.ctx.atBoundary(() => {
          this.ctx.record({ kind: 'aggregateAt', streamId, asOf });
          this.schedule(req, work);
        });
        return req;
      }
      case 'projectionAt': {
        this.ctx.projection(intent.projection);
        const asOf = validateAsOf(intent.asOf, false) as { position: number } | { at: number };
        let query: { type: string; params: Record<string, unknown> } | undefined;
        if (intent.query !== undefined) {
          const spec = this.ctx.domain.queries.find((q) => q.type === intent.query?.type);
          if (!spec)
            throw new UnknownQueryError(
              String(intent.query?.type),
              this.ctx.domain.queries.map((q) => q.type),
            );
          if (spec.projection !== intent.projection)
            throw new InvalidIntentError(`Query '${spec.type}' reads projection '${spec.projection}', not '${intent.projection}'.`);
          query = { type: spec.type, params: validatePayload(spec.type, spec.fields, intent.query.params ?? {}) };
        }
        const projection = intent.projection;
        work = async () => {
          const position = 'position' in asOf ? Math.min(asOf.position, this.ctx.head) : await this.ctx.write.positionAt(asOf.at);
          const events = position > 0 ? await this.ctx.write.readAll(1, position) : [];
          const host = this.ctx.host();
          const answer = await host.projectionAt({ projection, events, ...(query ? { query } : {}) });
          this.ctx.emit({ type: 'temporal.projection', projection, asOf, position, events: events.length, queryType: query?.type ?? null });
          const out: ProjectionAtResult = { projection, asOf, position };
          if (answer.data !== undefined) out.data = answer.data;
          if (answer.tables !== undefined) out.tables = answer.tables;
          return out;
        };
        this.ctx.requestSeq++;
        this.ctx.atBoundary(() => {
          this.ctx.record({ kind: 'projectionAt', projection, asOf, ...(query ? { query } : {}) });
          this.schedule(req, work);
        });
        return req;
      }
      case 'import': {
        const events = this.validateImport(intent.events);
        const commandId = `import-${++this.ctx.importSeq}`;
        work = async () => {
          const stored = await this.ctx.write.importEvents({
            commandId,
            events,
            at: this.ctx.clock.now,
            ...(this.ctx.settings.delivery === 'outbox' ? { outbox: true } : {}),
          });
          this.ctx.emit({
            type: 'events.imported',
            commandId,
            events: stored.map((e) => ({ position: e.position, streamId: e.streamId, version: e.version, eventType: e.type })),
            upcast: stored.filter((e) => e.upcastFrom !== undefined).length,
          });
          this.commands.appended(stored);
          const sync = this.ctx.syncNames();
          if (sync.length > 0) await this.live.applySync(sync, stored);
          this.delivery.deliver(stored, commandId);
          const result: ImportResult = {
            commandId,
            events: stored.map((e) => ({
              position: e.position,
              streamId: e.streamId,
              version: e.version,
              eventType: e.type,
              storedSchemaVersion: e.upcastFrom ?? e.schemaVersion,
            })),
          };
          return result;
        };
        this.ctx.atBoundary(() => {
          this.ctx.record({ kind: 'import', events });
          this.schedule(req, work);
        });
        return req;
      }
      case 'projection': {
        const p = this.ctx.projection(intent.name);
        if (!p.shadow) throw new ProjectionStateError(p.name, 'compare', 'without a shadow', 'Start one with shadowRebuild first.');
        work = async () => {
          const host = this.ctx.host();
          const c = await host.shadowCompare(p.name);
          this.ctx.emit({
            type: 'projection.compared',
            projection: p.name,
            liveVariant: c.liveVariant,
            otherVariant: c.otherVariant,
            livePosition: c.livePosition,
            otherPosition: c.otherPosition,
            differingRows: c.differingRows,
            tables: c.tables.map((t) => ({ table: t.table, changed: t.changed, onlyLive: t.onlyLive, onlyOther: t.onlyOther })),
          });
          const out: ShadowComparison = { projection: p.name, ...c };
          return out;
        };
        this.ctx.atBoundary(() => {
          this.ctx.record({ kind: 'projection', action: 'compare', name: p.name });
          this.schedule(req, work);
        });
        return req;
      }
    }
  }

  schedule(req: Request<unknown>, work: () => Promise<unknown>): void {
    this.ctx.scheduler.schedule(this.ctx.clock.now, 'request', async () => {
      try {
        req.result = await work();
      } catch (e) {
        req.error = e instanceof EngineError ? e : new EngineError('SQL_ERROR', e instanceof Error ? e.message : String(e));
      }
      req.done = true;
    });
  }

  validateImport(events: unknown): ImportedEventInput[] {
    if (!Array.isArray(events) || events.length === 0 || events.length > 10_000) {
      throw new InvalidIntentError('An import needs a list of 1 to 10000 events { streamId, type, schemaVersion?, data }.');
    }
    return events.map((e: unknown, i) => {
      if (e === null || typeof e !== 'object') throw new InvalidIntentError(`Imported event ${i + 1} must be an object.`);
      const o = e as Record<string, unknown>;
      const where = `imported event ${i + 1}`;
      const spec = this.ctx.domain.events.find((s) => s.type === o['type']);
      if (!spec)
        throw new InvalidIntentError(
          `${where}: unknown event type ${JSON.stringify(o['type'] ?? null)}. Known: ${this.ctx.domain.events.map((s) => s.type).join(', ')}.`,
        );
      const aggregate = this.ctx.domain.aggregates.find((a) => a.name === spec.aggregate);
      if (
        typeof o['streamId'] !== 'string' ||
        !aggregate ||
        !o['streamId'].startsWith(aggregate.streamPrefix) ||
        o['streamId'].length <= aggregate.streamPrefix.length
      ) {
        throw new InvalidIntentError(
          `${where}: ${spec.type} belongs to a stream named ${aggregate?.streamPrefix ?? ''}<id>, got ${JSON.stringify(o['streamId'] ?? null)}.`,
        );
      }
      const sv = o['schemaVersion'];
      if (sv !== undefined && (typeof sv !== 'number' || !Number.isInteger(sv) || sv < 1 || sv > spec.schemaVersion)) {
        throw new InvalidIntentError(
          `${where}: ${spec.type} exists in schema versions 1 to ${spec.schemaVersion}, got ${JSON.stringify(sv)}.`,
        );
      }
      const data = o['data'];
      if (data === null || typeof data !== 'object' || Array.isArray(data))
        throw new InvalidIntentError(`${where}: data must be an object.`);
      const out: ImportedEventInput = {
        streamId: o['streamId'],
        type: spec.type,
        data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
      };
      if (sv !== undefined) out.schemaVersion = sv as number;
      return out;
    });
  }
}

function validateAsOf(asOf: unknown, allowVersion: boolean): AsOf {
  const keys = allowVersion ? ['position', 'at', 'version'] : ['position', 'at'];
  if (asOf === null || typeof asOf !== 'object')
    throw new InvalidIntentError(`asOf must be one of ${keys.map((k) => `{ ${k} }`).join(', ')}.`);
  const entries = Object.entries(asOf);
  if (entries.length !== 1 || !keys.includes(entries[0]![0]))
    throw new InvalidIntentError(`asOf must be exactly one of ${keys.map((k) => `{ ${k} }`).join(', ')}.`);
  const [key, value] = entries[0]!;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new InvalidPayloadError('asOf', key, value, 'a whole number from 0');
  return { [key]: value } as AsOf;
}
