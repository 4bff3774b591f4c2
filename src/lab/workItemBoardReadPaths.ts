import type { SqlJsStatic } from 'sql.js';
import type { Message } from '../engine/index.ts';
import { SqlDb } from '../engine/index.ts';
import type { EventEnvelope } from '../engine/index.ts';
import { board, readBoard } from '../domain/workItems/projections/board.ts';
import { boardNormalized, readBoardJoined } from '../domain/workItems/projections/boardNormalized.ts';
import {
  BOARD_COLUMNS,
  START_COLUMNS,
  WORK_ITEM_KINDS,
  workItemDecider,
  workItemStream,
  type WorkItemCommand,
  type WorkItemEvent,
  type WorkItemState,
} from '../domain/workItems/workItem.ts';
import { checkWholeNumber, seededRandom, timeReads, type ReadPathTiming } from './readTiming.ts';

// The team board, two ways, in one SQLite database, built by the work-item
// domain's own code: histories decided by the WorkItem aggregate, applied by
// both of its projections. The JOIN path is GetBoardJoined (latest row of
// three history tables per item, JOINed back, GROUP BY column); the
// projection path is GetBoard (the board's card rows and column totals).
// Both return the same board, so the timings compare read shapes, not data.

export interface BoardReadPathOptions {
  /** Team boards in the database. */
  boards: number;
  /** Work items on each board. */
  itemsPerBoard: number;
  /** Whole-board reads to time for each path. */
  reads: number;
  /** Seed for the histories and for the boards each read asks for. */
  seed: number;
}

export interface BoardReadPathReport {
  options: BoardReadPathOptions;
  joined: ReadPathTiming;
  projection: ReadPathTiming;
  /** How many times more board reads per second the projection path served. */
  speedup: number;
  /** Both paths returned the same board for every read. */
  sameAnswers: boolean;
  /** What was built: work items, the events that built them, and the rows each path reads from. */
  data: { items: number; events: number; normalizedRows: number; projectionRows: number };
  /** Reads per timed batch. */
  readsPerSample: number;
}

export const DEFAULT_BOARD_READ_PATH_OPTIONS: BoardReadPathOptions = { boards: 20, itemsPerBoard: 100, reads: 200, seed: 42 };

/** The most work items built in one run (every one has a history of several events). */
export const MAX_BOARD_ITEMS = 20_000;

/**
 * Board sizes the lab offers, with how many reads each times: a joined read
 * of a big board takes a fraction of a second, so fewer reads keep a run short.
 */
export const BOARD_LAB_SIZES: readonly { itemsPerBoard: number; reads: number }[] = [
  { itemsPerBoard: 25, reads: 200 },
  { itemsPerBoard: 100, reads: 100 },
  { itemsPerBoard: 250, reads: 40 },
  { itemsPerBoard: 500, reads: 20 },
];

/**
 * Reads per timed batch: up to 10 (a small board's read can be below the
 * browser's clock grain), but at least 20 samples when there are enough reads.
 */
export const readsPerSampleFor = (reads: number): number => Math.max(1, Math.min(10, Math.floor(reads / 20)));

const PEOPLE = ['ada', 'grace', 'linus', 'barbara', 'ken', 'margaret', 'dennis', 'frances'];
const TITLES = ['Fix the login redirect', 'Export the sprint report', 'Speed up search', 'Retry failed uploads', 'Dark mode for settings'];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** A plausible next command for an item: most items get an owner, an estimate and a few moves; some close. */
function nextCommand(random: () => number, state: WorkItemState): WorkItemCommand {
  const itemId = state.itemId;
  const roll = random();
  if (roll < 0.25) return { type: 'AssignWorkItem', data: { itemId, assignee: pick(random, PEOPLE) } };
  if (roll < 0.4) return { type: 'EstimateWorkItem', data: { itemId, points: pick(random, [1, 2, 3, 5, 8, 13]) } };
  if (roll < 0.92) return { type: 'MoveWorkItem', data: { itemId, toColumn: pick(random, BOARD_COLUMNS) } };
  return { type: 'CloseWorkItem', data: { itemId } };
}

/** One item's history as the aggregate decides it (refused commands leave no event). */
function historyOf(random: () => number, itemId: string, boardId: string): WorkItemEvent[] {
  const { decide, evolve, initialState } = workItemDecider;
  const create: WorkItemCommand = {
    type: 'CreateWorkItem',
    data: {
      itemId,
      boardId,
      title: `${pick(random, TITLES)} (${itemId})`,
      kind: pick(random, WORK_ITEM_KINDS),
      column: pick(random, START_COLUMNS),
      ...(random() < 0.5 ? { points: pick(random, [1, 2, 3, 5, 8]) } : {}),
    },
  };
  const events: WorkItemEvent[] = [];
  let state = initialState;
  const attempts = 2 + Math.floor(random() * 8);
  for (let i = 0; i < attempts; i++) {
    const decision = decide(i === 0 ? create : nextCommand(random, state), state);
    if (!Array.isArray(decision)) continue;
    for (const event of decision as readonly WorkItemEvent[]) {
      events.push(event);
      state = evolve(state, event);
    }
  }
  return events;
}

function envelope(event: Message, position: number, version: number, streamId: string): EventEnvelope {
  const id = `lab-${position}`;
  return {
    position,
    streamId,
    version,
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: { commandId: id, correlationId: id, causationId: id, recordedAt: position * 10 },
  };
}

const countRows = (db: SqlDb, tables: readonly string[]): number =>
  tables.reduce((n, t) => n + Number(db.get(`SELECT COUNT(*) AS n FROM ${t}`)?.['n'] ?? 0), 0);

/**
 * Builds the boards once into both read models and times whole-board reads
 * on each path. `now` is a millisecond clock supplied by the caller
 * (performance.now in a worker).
 */
export function measureBoardReadPaths(
  SQL: SqlJsStatic,
  now: () => number,
  options: Partial<BoardReadPathOptions> = {},
): BoardReadPathReport {
  const resolved = { ...DEFAULT_BOARD_READ_PATH_OPTIONS, ...options };
  checkWholeNumber('boards', resolved.boards, 1, 1_000);
  checkWholeNumber('itemsPerBoard', resolved.itemsPerBoard, 1, MAX_BOARD_ITEMS);
  checkWholeNumber('reads', resolved.reads, 1, 10_000);
  const items = resolved.boards * resolved.itemsPerBoard;
  if (items > MAX_BOARD_ITEMS) {
    throw new RangeError(
      `boards × itemsPerBoard must be at most ${MAX_BOARD_ITEMS} work items, got ${resolved.boards} × ${resolved.itemsPerBoard} = ${items}`,
    );
  }
  const random = seededRandom(resolved.seed);
  const db = SqlDb.create(SQL);
  try {
    for (const ddl of [...board.schema, ...boardNormalized.schema]) db.db.exec(ddl);
    let position = 0;
    db.db.run('BEGIN');
    for (let b = 0; b < resolved.boards; b++) {
      for (let i = 0; i < resolved.itemsPerBoard; i++) {
        const itemId = `b${b}-${i}`;
        historyOf(random, itemId, `board-${b}`).forEach((event, index) => {
          const e = envelope(event, ++position, index + 1, workItemStream(itemId));
          board.apply(db, e);
          boardNormalized.apply(db, e);
        });
      }
    }
    db.db.run('COMMIT');
    db.db.run('ANALYZE');

    const boardIds = Array.from({ length: resolved.reads }, () => `board-${Math.floor(random() * resolved.boards)}`);
    const viaJoin = (id: string) => JSON.stringify(readBoardJoined(db, id));
    const viaProjection = (id: string) => JSON.stringify(readBoard(db, id));
    // Warm both paths so neither pays first-use costs (statement preparation) inside the timing.
    const perSample = readsPerSampleFor(resolved.reads);
    const warmUp = boardIds.slice(0, perSample);
    timeReads(warmUp, viaJoin, now, perSample);
    timeReads(warmUp, viaProjection, now, perSample);
    const joined = timeReads(boardIds, viaJoin, now, perSample);
    const projection = timeReads(boardIds, viaProjection, now, perSample);
    return {
      options: resolved,
      joined: joined.timing,
      projection: projection.timing,
      speedup: projection.timing.readsPerSecond / joined.timing.readsPerSecond,
      sameAnswers: joined.answers.every((answer, i) => answer === projection.answers[i] && answer !== 'null'),
      data: {
        items,
        events: position,
        normalizedRows: countRows(db, ['work_items', 'column_history', 'assignments', 'estimates']),
        projectionRows: countRows(db, ['board_cards', 'board_columns']),
      },
      readsPerSample: perSample,
    };
  } finally {
    db.db.close();
  }
}
