// What a side that hosts read models offers the coordinator: the read side
// at levels 2 and 3, the write side at level 1 (the read models then live in
// the event store's database). Both hand every call to their ReadModels, so
// the delegation is written once, here.
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import type { ApplyBatchRequest, BatchOutcome, Comparison, OtherStoreInfo } from '../vocabulary/projection.ts';
import type {
  OverlayQueryRequest,
  ProjectionAtAnswer,
  ProjectionAtRequest,
  ProjectionState,
  QueryAnswer,
  ReadModels,
  RebuildBatchRequest,
  ShadowState,
} from './readModels.ts';

export abstract class ReadModelsHost {
  /** The read models hosted here; throws a learner-readable error where this side hosts none. */
  abstract get models(): ReadModels;

  applyBatch(req: ApplyBatchRequest): BatchOutcome {
    return this.models.applyBatch(req);
  }
  crash(projection: string): ProjectionState {
    return this.models.crash(projection);
  }
  startRebuild(projection: string): void {
    this.models.startRebuild(projection);
  }
  rebuildBatch(req: RebuildBatchRequest): { crashed: boolean; watermark: number; reason?: string } {
    return this.models.rebuildBatch(req);
  }
  finishRebuild(projection: string): ProjectionState {
    return this.models.finishRebuild(projection);
  }
  state(projection: string): ProjectionState {
    return this.models.state(projection);
  }
  query(type: string, params: Record<string, unknown>): QueryAnswer {
    return this.models.query(type, params);
  }
  overlayQuery(req: OverlayQueryRequest): QueryAnswer & { applied: number } {
    return this.models.overlayQuery(req);
  }
  projectionAt(req: ProjectionAtRequest): ProjectionAtAnswer {
    return this.models.projectionAt(req);
  }
  shadowStart(projection: string, variant: string): void {
    this.models.shadowStart(projection, variant);
  }
  shadowBatch(projection: string, events: EventEnvelope[]): { watermark: number } {
    return this.models.shadowBatch(projection, events);
  }
  shadowSwap(projection: string): ShadowState {
    return this.models.shadowSwap(projection);
  }
  shadowDrop(projection: string): void {
    this.models.shadowDrop(projection);
  }
  shadowCompare(projection: string): Comparison {
    return this.models.shadowCompare(projection);
  }
  shadowInfo(projection: string): OtherStoreInfo | null {
    return this.models.shadowInfo(projection);
  }
}
