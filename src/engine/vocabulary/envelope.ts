// An event as stored and delivered: the domain event plus where it sits in
// the log and why it happened (command, correlation and causation ids).
export interface EventMetadata {
  commandId: string;
  correlationId: string;
  causationId: string;
  /** Virtual time of the append. */
  recordedAt: number;
  sessionId?: string;
}

export interface EventEnvelope {
  /** Global position in the log, 1-based and gap-free. */
  position: number;
  streamId: string;
  /** Position inside its stream, 1-based, unique per stream. */
  version: number;
  type: string;
  /** Schema version of `data` as handed out: the current one (older events are upcast when read). */
  schemaVersion: number;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  /** Present when the stored event was older: the schema version it was written under. */
  upcastFrom?: number;
}

/** A stream and its version (after an append, or as loaded). */
export interface StreamVersion {
  streamId: string;
  version: number;
}

/** Where an event sits, without its payload (trace records). */
export interface EventRef {
  position: number;
  streamId: string;
  version: number;
  eventType: string;
}
