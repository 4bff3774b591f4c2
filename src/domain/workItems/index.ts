// Work items: a team board (the illustrative work-item board case in real-world.mdx), read two ways.
// Commands: CreateWorkItem, MoveWorkItem, AssignWorkItem, EstimateWorkItem, CloseWorkItem.
// Events: WorkItemCreated, WorkItemMoved, WorkItemAssigned, WorkItemEstimated, WorkItemClosed.
// Projections: board (denormalised cards + column totals), boardNormalized (history tables).
// Queries: GetBoard { boardId } (board), GetBoardJoined { boardId } (boardNormalized, JOIN + GROUP BY,
// same answer shape as GetBoard), GetWorkItem { itemId }, ListBoards (board).
import type { DomainDefinition } from '../../engine/index.ts';
import { commands } from './commands.ts';
import { events } from './events.ts';
import { board, boardQueries } from './projections/board.ts';
import { boardNormalized, boardNormalizedQueries } from './projections/boardNormalized.ts';
import { WorkItem } from './workItem.ts';

export const workItems: DomainDefinition = {
  name: 'workItems',
  title: 'Work-item board',
  description:
    'Stories, bugs and tasks on team boards: create, move between columns, assign, estimate and close them. The board is read from a denormalised view, or rebuilt with a JOIN over normalised tables for comparison.',
  aggregates: [WorkItem],
  commands,
  events,
  projections: [board, boardNormalized],
  queries: [...boardQueries, ...boardNormalizedQueries],
};
