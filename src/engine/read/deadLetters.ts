// The dead-letter queue of a projection: an event its handler cannot apply
// (a poison event: a malformed payload, a bug on one shape of data) is
// parked here and skipped, so the events behind it keep flowing. The row is
// written in the batch's transaction, with the checkpoint that moves past
// the event, so a crash can never skip an event without parking it. The
// table is created with the first dead letter: a store that never needed one
// stays exactly as it was.
import type { SqlDb } from '../sqlite.ts';
import type { EventEnvelope } from '../vocabulary/envelope.ts';
import type { TraceBody } from '../vocabulary/trace.ts';

export const DEAD_LETTER_TABLE = 'dead_letters';

const SCHEMA = `CREATE TABLE IF NOT EXISTS ${DEAD_LETTER_TABLE} (
  projection  TEXT    NOT NULL,
  position    INTEGER NOT NULL,
  stream_id   TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  event_type  TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  PRIMARY KEY (projection, position)
) WITHOUT ROWID`;

/**
 * Apply one event inside a savepoint. If its handler throws, only its own
 * writes are undone, the event is parked, and the reason is returned; the
 * caller's batch and checkpoint go on past it.
 */
export function applyOrPark(db: SqlDb, projection: string, event: EventEnvelope, apply: () => void): string | undefined {
  db.run('SAVEPOINT dead_letter_probe');
  try {
    apply();
    db.run('RELEASE dead_letter_probe');
    return undefined;
  } catch (e) {
    db.run('ROLLBACK TO dead_letter_probe');
    db.run('RELEASE dead_letter_probe');
    const reason = `the handler failed: ${e instanceof Error ? e.message : String(e)}`;
    recordDeadLetter(db, projection, event, reason);
    return reason;
  }
}

/** Park `event` for `projection` (once: a redelivery of a parked event parks nothing new). */
function recordDeadLetter(db: SqlDb, projection: string, event: EventEnvelope, reason: string): void {
  db.exec(SCHEMA);
  db.run(
    `INSERT OR IGNORE INTO ${DEAD_LETTER_TABLE} (projection, position, stream_id, version, event_type, reason) VALUES (?, ?, ?, ?, ?, ?)`,
    [projection, event.position, event.streamId, event.version, event.type, reason],
  );
}

/** Read-only SQL listing a projection's dead letters, oldest first (for the terminal and lessons). */
export function deadLettersSql(projection: string): string {
  return `SELECT position, stream_id, version, event_type, reason FROM ${DEAD_LETTER_TABLE} WHERE projection = '${projection.replaceAll("'", "''")}' ORDER BY position`;
}

/** The trace record saying which event a projection parked, and why. */
export function deadLettered(projection: string, event: EventEnvelope, reason: string): TraceBody {
  return {
    type: 'projection.deadLettered',
    projection,
    position: event.position,
    streamId: event.streamId,
    version: event.version,
    eventType: event.type,
    reason,
  };
}
