// The same facts as the board view, kept the way a normalised schema keeps
// them: the item itself, and one history table per thing that changes
// (column, assignee, estimate), a row per change. Writing is a plain insert
// keyed by (item, stream version), so a redelivery or any arrival order gives
// the same tables. Reading the board is the price: find each item's latest
// row in three history tables, JOIN them back to the items, then GROUP BY
// column for the totals. This is the "board view JOIN" a projection removes.
import { defineProjection, defineQuery, type QuerySpec, type ReadStoreDb } from '../../../engine/index.ts';
import { boardIdField } from '../commands.ts';
import { WORK_ITEM_EVENTS, type WorkItemEvent } from '../events.ts';
import { allColumns, columnPositionSql, toCard, type Board } from './boardShape.ts';

export const boardNormalized = defineProjection<WorkItemEvent>()({
  name: 'boardNormalized',
  description: 'Board facts in normalised tables (items, column history, assignments, estimates); the board needs a JOIN and a GROUP BY.',
  schema: [
    `CREATE TABLE work_items (
      item_id     TEXT PRIMARY KEY,
      board_id    TEXT    NOT NULL,
      title       TEXT    NOT NULL,
      kind        TEXT    NOT NULL,
      created_at  INTEGER NOT NULL,
      closed_at   INTEGER
    )`,
    'CREATE INDEX work_items_by_board ON work_items (board_id)',
    `CREATE TABLE column_history (
      item_id      TEXT    NOT NULL,
      version      INTEGER NOT NULL,
      column_name  TEXT    NOT NULL,
      entered_at   INTEGER NOT NULL,
      PRIMARY KEY (item_id, version)
    )`,
    `CREATE TABLE assignments (
      item_id      TEXT    NOT NULL,
      version      INTEGER NOT NULL,
      assignee     TEXT    NOT NULL,
      assigned_at  INTEGER NOT NULL,
      PRIMARY KEY (item_id, version)
    )`,
    `CREATE TABLE estimates (
      item_id       TEXT    NOT NULL,
      version       INTEGER NOT NULL,
      points        INTEGER NOT NULL,
      estimated_at  INTEGER NOT NULL,
      PRIMARY KEY (item_id, version)
    )`,
  ],
  handles: WORK_ITEM_EVENTS,
  apply(db, event) {
    const itemId = event.data.itemId;
    const at = event.metadata.recordedAt;
    const enterColumn = (column: string) =>
      db.run('INSERT INTO column_history (item_id, version, column_name, entered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
        itemId,
        event.version,
        column,
        at,
      ]);
    switch (event.type) {
      case 'WorkItemCreated': {
        const d = event.data;
        db.run('INSERT INTO work_items (item_id, board_id, title, kind, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
          itemId,
          d.boardId,
          d.title,
          d.kind,
          at,
        ]);
        enterColumn(d.column);
        if (d.points !== null && d.points !== undefined) {
          db.run('INSERT INTO estimates (item_id, version, points, estimated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
            itemId,
            event.version,
            d.points,
            at,
          ]);
        }
        return;
      }
      case 'WorkItemMoved':
        enterColumn(event.data.toColumn);
        return;
      case 'WorkItemAssigned':
        db.run('INSERT INTO assignments (item_id, version, assignee, assigned_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
          itemId,
          event.version,
          event.data.assignee,
          at,
        ]);
        return;
      case 'WorkItemEstimated':
        db.run('INSERT INTO estimates (item_id, version, points, estimated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
          itemId,
          event.version,
          event.data.points,
          at,
        ]);
        return;
      case 'WorkItemClosed':
        db.run('UPDATE work_items SET closed_at = ? WHERE item_id = ?', [at, itemId]);
        if (event.data.fromColumn !== 'done') enterColumn('done');
        return;
    }
  },
});

// Each item's latest column, assignee and estimate: the newest row of each
// history table (GROUP BY item, MAX(version)) joined back for its values.
// The item changed last when the newest of those rows (or its creation or
// closing) was written.
const CARDS_SQL = `
  SELECT w.item_id AS itemId, w.title, w.kind, ch.column_name AS "column", a.assignee, e.points,
         w.closed_at IS NOT NULL AS closed,
         MAX(w.created_at, COALESCE(w.closed_at, 0), ch.entered_at, COALESCE(a.assigned_at, 0), COALESCE(e.estimated_at, 0)) AS updatedAt
  FROM work_items w
  JOIN (SELECT item_id, MAX(version) AS version FROM column_history GROUP BY item_id) lc ON lc.item_id = w.item_id
  JOIN column_history ch ON ch.item_id = lc.item_id AND ch.version = lc.version
  LEFT JOIN (SELECT item_id, MAX(version) AS version FROM assignments GROUP BY item_id) la ON la.item_id = w.item_id
  LEFT JOIN assignments a ON a.item_id = la.item_id AND a.version = la.version
  LEFT JOIN (SELECT item_id, MAX(version) AS version FROM estimates GROUP BY item_id) le ON le.item_id = w.item_id
  LEFT JOIN estimates e ON e.item_id = le.item_id AND e.version = le.version
  WHERE w.board_id = ?`;

const BOARD_CARDS_SQL = `${CARDS_SQL} ORDER BY ${columnPositionSql('ch.column_name')}, w.item_id`;
const COLUMN_TOTALS_SQL = `SELECT "column", COUNT(*) AS cards, COALESCE(SUM(points), 0) AS points FROM (${CARDS_SQL}) GROUP BY "column"`;

/** The board rebuilt from the normalised tables at read time (null when no item of it is known). */
export function readBoardJoined(db: ReadStoreDb, boardId: string): Board | null {
  const cards = db.all(BOARD_CARDS_SQL, [boardId]);
  if (cards.length === 0) return null;
  return { boardId, columns: allColumns(db.all(COLUMN_TOTALS_SQL, [boardId])), cards: cards.map(toCard) };
}

export const boardNormalizedQueries: QuerySpec[] = [
  defineQuery<{ boardId: string }>({
    type: 'GetBoardJoined',
    projection: 'boardNormalized',
    description: 'The same board as GetBoard, assembled at read time with a JOIN over four normalised tables and a GROUP BY.',
    fields: [boardIdField],
    run: (db, p) => readBoardJoined(db, p.boardId),
  }),
];
