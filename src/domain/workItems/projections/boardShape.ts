// What a board screen shows, whichever read model answers: every card with
// what is printed on it, and a count and point total per column. GetBoard
// and GetBoardJoined both return this shape so their answers can be compared.
import type { SqlRow } from '../../../engine/index.ts';
import { BOARD_COLUMNS } from '../workItem.ts';

export interface BoardCard {
  itemId: string;
  title: string;
  kind: string;
  column: string;
  assignee: string | null;
  points: number | null;
  closed: boolean;
  /** Virtual time of the item's latest change. */
  updatedAt: number;
}

export interface BoardColumnTotal {
  column: string;
  cards: number;
  points: number;
}

export interface Board {
  boardId: string;
  /** Every column of the board, left to right, empty ones included. */
  columns: BoardColumnTotal[];
  /** Cards by column (left to right), then by item id. */
  cards: BoardCard[];
}

/** SQL for the columns in board order, for ORDER BY: CASE column_name WHEN 'backlog' THEN 0 … END. */
export const columnPositionSql = (column: string): string =>
  `CASE ${column} ${BOARD_COLUMNS.map((c, i) => `WHEN '${c}' THEN ${i}`).join(' ')} ELSE ${BOARD_COLUMNS.length} END`;

/** A card row selected with the aliases of BoardCard (closed as 0/1). */
export function toCard(row: SqlRow): BoardCard {
  return {
    itemId: String(row['itemId']),
    title: String(row['title']),
    kind: String(row['kind']),
    column: String(row['column']),
    assignee: row['assignee'] === null ? null : String(row['assignee']),
    points: row['points'] === null ? null : Number(row['points']),
    closed: Number(row['closed']) === 1,
    updatedAt: Number(row['updatedAt']),
  };
}

/** Totals for every column in board order; columns without a row count zero. */
export function allColumns(rows: readonly SqlRow[]): BoardColumnTotal[] {
  const byColumn = new Map(rows.map((r) => [String(r['column']), r]));
  return BOARD_COLUMNS.map((column) => {
    const row = byColumn.get(column);
    return { column, cards: Number(row?.['cards'] ?? 0), points: Number(row?.['points'] ?? 0) };
  });
}
