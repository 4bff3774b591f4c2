// Public surface of the engine.
export { createEngine, Engine, diffPaths } from './engine.ts';
export type {
  EngineOptions,
  EngineStatus,
  ProjectionInfo,
  SubmitReceipt,
  DispatchResult,
  ResultOf,
  ShadowInfo,
  ShadowComparison,
  SubscriptionReceipt,
  ProjectionAtResult,
  ImportResult,
  SessionInfo,
  FaultInfo,
} from './engine.ts';
export { replayScript } from './script.ts';
export { SeededRng } from './rng.ts';
export type { ReplayUntil } from './script.ts';
export type { CommandSource } from './coordinator/scriptLog.ts';
export type {
  Intent,
  IntentKind,
  CommandInput,
  QueryInput,
  ProjectionAction,
  CrashPoint,
  ScriptEntry,
  ConsistencyStrategy,
  ConsistencyOptions,
  AsOf,
  ImportedEventInput,
} from './vocabulary/intent.ts';
export { CONSISTENCY_STRATEGIES, CRASH_POINTS, PROJECTION_ACTIONS } from './vocabulary/intent.ts';
export type {
  CommandResult,
  CommandAccepted,
  CommandRejected,
  QueryResult,
  ProjectionStatus,
  QueryConsistency,
  AnswerSource,
} from './vocabulary/results.ts';
export type { TraceRecord, TraceBody, TraceType, TraceOf, TraceListener } from './vocabulary/trace.ts';
export { recordsOf } from './vocabulary/trace.ts';
export * from './errors.ts';
export { DEFAULT_SETTINGS, SEPARATION_PRESETS, applySettingsPatch, applyGuardsFor, guardsFor, syncProjections } from './settings.ts';
export { DEAD_LETTER_TABLE, deadLettersSql } from './read/deadLetters.ts';
export {
  SETTINGS_CATALOGUE,
  SETTING_GROUPS,
  settingEntry,
  concreteSettings,
  allowableSettingPaths,
  settingPatch,
  settingValue,
} from './settingsCatalogue.ts';
export type { SettingEntry, SettingInfo, SettingUnit } from './settingsCatalogue.ts';
export type {
  EngineSettings,
  SettingsPatch,
  SettingRule,
  BusSettings,
  CostSettings,
  RetrySettings,
  ProjectionSettings,
  ProjectionGuards,
  SyncMode,
  SyncSettings,
  SeparationLevel,
  SnapshotSettings,
  DeliveryMode,
  OutboxSettings,
  FaultSettings,
  SagaSettings,
  ConsistencySettings,
} from './settings.ts';
export type * from './domain.ts';
export {
  isRejection,
  reject,
  defineAggregate,
  defineSaga,
  defineProjection,
  projectionCode,
  defineQuery,
  eventList,
  eventTypes,
} from './domain.ts';
export { validatePayload, describeField, parseFieldValue } from './validation.ts';
export type { FieldSpec, FieldKind } from './validation.ts';
export type { EventEnvelope, EventMetadata } from './vocabulary/envelope.ts';
export type { SqlResult } from './readOnlySql.ts';
export { WriteSide } from './writeSide.ts';
export type { WriteSidePort, SagaHandleRequest, SagaTimeoutRequest, SagaRejectedRequest } from './writeSide.ts';
export { ReadSide } from './readSide.ts';
export type { ReadSidePort, ReadModelsPort } from './readSide.ts';
export { ReadModels } from './read/readModels.ts';
export type { Comparison, TableDiff, OtherStoreInfo, BatchOutcome } from './vocabulary/projection.ts';
export type { AggregateAtResult } from './write/aggregateAt.ts';
export type { SnapshotPolicy, SnapshotUse } from './write/aggregateStreams.ts';
export type { PredictOutcome } from './write/prediction.ts';
export type { SagaInstance, SagaOutcome } from './write/sagaStore.ts';
export { Upcasting } from './write/upcasting.ts';
export * as metrics from './metrics.ts';
export * from './metrics.ts';
export { idField } from './validation.ts';
export type { Payload } from './validation.ts';
export { SqlDb } from './sqlite.ts';
export type { SqlJsStatic, SqlRow, SqlParams, SqlValue, Database } from './sqlite.ts';
export { runReadOnlySql } from './readOnlySql.ts';
export type { StreamInfo } from './write/eventStore.ts';
