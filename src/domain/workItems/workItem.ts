// The WorkItem aggregate: one card of a team's board (a story, a bug or a
// task). It guards the rules a board enforces when someone edits a card:
// known columns only, work in progress has an owner, a closed item stays
// closed, and a change that changes nothing is refused rather than recorded.
import { defineAggregate, reject, type Decision, type DomainCommand } from '../../engine/index.ts';
import type { WorkItemEvent } from './events.ts';

export type { WorkItemEvent } from './events.ts';

/** The columns of every board, left to right. */
export const BOARD_COLUMNS = ['backlog', 'todo', 'doing', 'review', 'done'] as const;
export type BoardColumn = (typeof BOARD_COLUMNS)[number];

/** Where a new item may start: work in progress needs an owner first. */
export const START_COLUMNS = ['backlog', 'todo'] as const;

/** Columns that count as work in progress: an item there must be assigned. */
const NEEDS_OWNER: readonly string[] = ['doing', 'review'];

export const WORK_ITEM_KINDS = ['story', 'bug', 'task'] as const;
export type WorkItemKind = (typeof WORK_ITEM_KINDS)[number];

export type WorkItemState = {
  created: boolean;
  itemId: string;
  boardId: string;
  title: string;
  kind: string;
  column: string;
  assignee: string | null;
  points: number | null;
  closed: boolean;
};

export type WorkItemCommand =
  | DomainCommand<'CreateWorkItem', { itemId: string; title: string; kind: string; boardId: string; column?: string; points?: number }>
  | DomainCommand<'MoveWorkItem', { itemId: string; toColumn: string }>
  | DomainCommand<'AssignWorkItem', { itemId: string; assignee: string }>
  | DomainCommand<'EstimateWorkItem', { itemId: string; points: number }>
  | DomainCommand<'CloseWorkItem', { itemId: string }>;

/** Every reason a work item refuses a command. */
export type WorkItemRejection =
  | 'WorkItemExists'
  | 'UnknownColumn'
  | 'UnknownWorkItem'
  | 'AlreadyClosed'
  | 'ItemClosed'
  | 'AlreadyInColumn'
  | 'NeedsAssignee'
  | 'AlreadyAssigned'
  | 'EstimateUnchanged';

const initialState = (): WorkItemState => ({
  created: false,
  itemId: '',
  boardId: '',
  title: '',
  kind: '',
  column: '',
  assignee: null,
  points: null,
  closed: false,
});

const isColumn = (column: string): boolean => (BOARD_COLUMNS as readonly string[]).includes(column);

function decide(command: WorkItemCommand, state: WorkItemState): Decision<WorkItemEvent, WorkItemRejection> {
  if (command.type === 'CreateWorkItem') {
    const d = command.data;
    if (state.created) return reject('WorkItemExists', `Work item ${d.itemId} already exists (on board ${state.boardId}).`);
    const column = d.column ?? 'backlog';
    if (!(START_COLUMNS as readonly string[]).includes(column)) {
      return reject('UnknownColumn', `A new item starts in ${START_COLUMNS.join(' or ')}, not '${column}'.`);
    }
    return [
      {
        type: 'WorkItemCreated',
        data: { itemId: d.itemId, boardId: d.boardId, title: d.title, kind: d.kind, column, points: d.points ?? null },
      },
    ];
  }
  if (!state.created) return reject('UnknownWorkItem', `There is no work item ${command.data.itemId}.`);
  const ids = { itemId: state.itemId, boardId: state.boardId };
  if (command.type === 'CloseWorkItem') {
    if (state.closed) return reject('AlreadyClosed', `Work item ${state.itemId} is already closed.`);
    return [{ type: 'WorkItemClosed', data: { ...ids, fromColumn: state.column } }];
  }
  if (state.closed) return reject('ItemClosed', `Work item ${state.itemId} is closed: it can no longer be changed.`);
  switch (command.type) {
    case 'MoveWorkItem': {
      const to = command.data.toColumn;
      if (!isColumn(to)) return reject('UnknownColumn', `The board has no column '${to}'; its columns are ${BOARD_COLUMNS.join(', ')}.`);
      if (to === state.column) return reject('AlreadyInColumn', `Work item ${state.itemId} is already in ${to}.`);
      if (NEEDS_OWNER.includes(to) && state.assignee === null) {
        return reject('NeedsAssignee', `Assign work item ${state.itemId} before moving it to ${to}: work in progress needs an owner.`);
      }
      return [{ type: 'WorkItemMoved', data: { ...ids, fromColumn: state.column, toColumn: to } }];
    }
    case 'AssignWorkItem':
      if (command.data.assignee === state.assignee)
        return reject('AlreadyAssigned', `Work item ${state.itemId} is already assigned to ${state.assignee}.`);
      return [{ type: 'WorkItemAssigned', data: { ...ids, assignee: command.data.assignee } }];
    case 'EstimateWorkItem':
      if (command.data.points === state.points)
        return reject('EstimateUnchanged', `Work item ${state.itemId} is already estimated at ${state.points} points.`);
      return [{ type: 'WorkItemEstimated', data: { ...ids, points: command.data.points } }];
  }
}

function evolve(state: WorkItemState, event: WorkItemEvent): WorkItemState {
  switch (event.type) {
    case 'WorkItemCreated': {
      const d = event.data;
      return {
        ...initialState(),
        created: true,
        itemId: d.itemId,
        boardId: d.boardId,
        title: d.title,
        kind: d.kind,
        column: d.column,
        points: d.points,
      };
    }
    case 'WorkItemMoved':
      return { ...state, column: event.data.toColumn };
    case 'WorkItemAssigned':
      return { ...state, assignee: event.data.assignee };
    case 'WorkItemEstimated':
      return { ...state, points: event.data.points };
    case 'WorkItemClosed':
      return { ...state, closed: true, column: 'done' };
  }
}

export const workItemStream = (itemId: string): string => `workitem-${itemId}`;

export const WorkItem = defineAggregate<WorkItemState, WorkItemCommand, WorkItemEvent, WorkItemRejection>({
  name: 'WorkItem',
  streamPrefix: 'workitem-',
  description: 'A card on a board: a story, bug or task with a column, an assignee and an estimate. Closing it moves it to done for good.',
  decider: { initialState, decide, evolve },
});

/** Decide a command on a state and fold the result: what the lab uses to build realistic histories without an engine. */
export const workItemDecider = WorkItem.decider;
