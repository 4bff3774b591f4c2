// The board as a denormalised read model: one row per card holding everything
// the card shows, and one row per (board, column) with its count and points.
// Reading a board is two indexed range scans, no JOIN.
//
// Idempotent: each card row remembers the stream version it reflects, and an
// event at or below it is ignored, so a redelivery changes nothing even with
// the dedupe guard off. The column totals only ever move by the difference
// between a card's old and new row (written in the same transaction), so
// they are sums of the cards whatever order different items' events arrive in.
import { defineProjection, defineQuery, type EnvelopeOf, type QuerySpec, type ReadStoreDb } from '../../../engine/index.ts';
import { boardIdField, itemIdField } from '../commands.ts';
import { WORK_ITEM_EVENTS, type WorkItemEvent } from '../events.ts';
import { allColumns, columnPositionSql, toCard, type Board } from './boardShape.ts';

interface CardRow {
  itemId: string;
  boardId: string;
  title: string;
  kind: string;
  column: string;
  assignee: string | null;
  points: number | null;
  closed: number;
  version: number;
}

function readCard(db: ReadStoreDb, itemId: string): CardRow | undefined {
  const row = db.get(
    `SELECT item_id AS itemId, board_id AS boardId, title, kind, column_name AS "column", assignee, points, closed, version
     FROM board_cards WHERE item_id = ?`,
    [itemId],
  );
  return row as unknown as CardRow | undefined;
}

/** The card after the event; undefined when the event says nothing about a card we know. */
function nextCard(before: CardRow | undefined, event: EnvelopeOf<WorkItemEvent>): CardRow | undefined {
  if (event.type === 'WorkItemCreated') {
    const d = event.data;
    return {
      itemId: d.itemId,
      boardId: d.boardId,
      title: d.title,
      kind: d.kind,
      column: d.column,
      assignee: null,
      points: d.points ?? null,
      closed: 0,
      version: event.version,
    };
  }
  // A change for a card not created yet can only come out of order (ordering guard off): nothing to attach it to.
  if (!before) return undefined;
  const card = { ...before, version: event.version };
  switch (event.type) {
    case 'WorkItemMoved':
      return { ...card, column: event.data.toColumn };
    case 'WorkItemAssigned':
      return { ...card, assignee: event.data.assignee };
    case 'WorkItemEstimated':
      return { ...card, points: event.data.points };
    case 'WorkItemClosed':
      return { ...card, column: 'done', closed: 1 };
  }
}

function addToColumn(db: ReadStoreDb, card: CardRow, sign: 1 | -1): void {
  db.run(
    `INSERT INTO board_columns (board_id, column_name, cards, points) VALUES (?, ?, ?, ?)
     ON CONFLICT (board_id, column_name) DO UPDATE SET cards = cards + excluded.cards, points = points + excluded.points`,
    [card.boardId, card.column, sign, sign * (card.points ?? 0)],
  );
}

export const board = defineProjection<WorkItemEvent>()({
  name: 'board',
  description: 'Board view, denormalised: one row per card with what the card shows, plus a count and points per column.',
  schema: [
    `CREATE TABLE board_cards (
      item_id      TEXT PRIMARY KEY,
      board_id     TEXT    NOT NULL,
      title        TEXT    NOT NULL,
      kind         TEXT    NOT NULL,
      column_name  TEXT    NOT NULL,
      assignee     TEXT,
      points       INTEGER,
      closed       INTEGER NOT NULL,
      version      INTEGER NOT NULL,
      updated_at   INTEGER NOT NULL
    )`,
    'CREATE INDEX board_cards_by_board ON board_cards (board_id)',
    `CREATE TABLE board_columns (
      board_id     TEXT    NOT NULL,
      column_name  TEXT    NOT NULL,
      cards        INTEGER NOT NULL,
      points       INTEGER NOT NULL,
      PRIMARY KEY (board_id, column_name)
    )`,
  ],
  handles: WORK_ITEM_EVENTS,
  apply(db, event) {
    const before = readCard(db, event.data.itemId);
    if (before && event.version <= before.version) return; // already reflected
    const after = nextCard(before, event);
    if (!after) return;
    db.run(
      `INSERT INTO board_cards (item_id, board_id, title, kind, column_name, assignee, points, closed, version, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (item_id) DO UPDATE SET column_name = excluded.column_name, assignee = excluded.assignee, points = excluded.points,
         closed = excluded.closed, version = excluded.version, updated_at = excluded.updated_at`,
      [
        after.itemId,
        after.boardId,
        after.title,
        after.kind,
        after.column,
        after.assignee,
        after.points,
        after.closed,
        after.version,
        event.metadata.recordedAt,
      ],
    );
    if (before) addToColumn(db, before, -1);
    addToColumn(db, after, 1);
  },
});

const CARD_COLUMNS = `item_id AS itemId, title, kind, column_name AS "column", assignee, points, closed, updated_at AS updatedAt`;

/** The board from the denormalised tables (null until the projection has seen one of its cards). */
export function readBoard(db: ReadStoreDb, boardId: string): Board | null {
  const cards = db.all(`SELECT ${CARD_COLUMNS} FROM board_cards WHERE board_id = ? ORDER BY ${columnPositionSql('column_name')}, item_id`, [
    boardId,
  ]);
  if (cards.length === 0) return null;
  const totals = db.all('SELECT column_name AS "column", cards, points FROM board_columns WHERE board_id = ?', [boardId]);
  return { boardId, columns: allColumns(totals), cards: cards.map(toCard) };
}

export const boardQueries: QuerySpec[] = [
  defineQuery<{ boardId: string }>({
    type: 'GetBoard',
    projection: 'board',
    description: 'A whole board from the denormalised board view: every card and the totals per column, no JOIN.',
    fields: [boardIdField],
    run: (db, p) => readBoard(db, p.boardId),
  }),
  defineQuery<{ itemId: string }>({
    type: 'GetWorkItem',
    projection: 'board',
    description: 'One card as the board shows it, with its board id (null until the projection has seen it).',
    fields: [itemIdField],
    run: (db, p) => {
      const row = db.get(`SELECT board_id AS boardId, ${CARD_COLUMNS} FROM board_cards WHERE item_id = ?`, [p.itemId]);
      return row ? { boardId: String(row['boardId']), ...toCard(row) } : null;
    },
  }),
  {
    type: 'ListBoards',
    projection: 'board',
    description: 'Every board with how many cards and points it holds.',
    fields: [],
    run: (db) =>
      db.all(
        'SELECT board_id AS boardId, SUM(cards) AS cards, SUM(points) AS points FROM board_columns GROUP BY board_id ORDER BY board_id',
      ),
  },
];
