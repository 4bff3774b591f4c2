// The work-item commands as a board's users send them, named by intent, with
// the field specs that validate them and build forms, terminal help and completion.
import type { CommandSpec, Route } from '../../engine/index.ts';
import { idField, type FieldSpec } from '../../engine/index.ts';
import { BOARD_COLUMNS, START_COLUMNS, WORK_ITEM_KINDS, workItemStream, type WorkItemCommand } from './workItem.ts';

export const itemIdField = idField('itemId', 'Work item id, chosen by the client', 'wi-1');
export const boardIdField = idField('boardId', 'The team board the item lives on', 'team-a');
const pointsField: FieldSpec = { name: 'points', kind: 'integer', description: 'Estimate in story points', example: 3, min: 0, max: 100 };

const onItem =
  (type: WorkItemCommand['type']) =>
  (data: Record<string, unknown>): Route[] => [
    { aggregate: 'WorkItem', streamId: workItemStream(String(data['itemId'])), command: { type, data } },
  ];
const itemIds = (d: Record<string, unknown>): Record<string, string> => ({ itemId: String(d['itemId']) });

export const commands: CommandSpec[] = [
  {
    type: 'CreateWorkItem',
    description: 'Put a new story, bug or task on a board, in backlog (the default) or todo, optionally estimated.',
    fields: [
      itemIdField,
      { name: 'title', kind: 'string', description: 'What the card says', example: 'Export the sprint report', max: 120 },
      { name: 'kind', kind: 'enum', description: 'Story, bug or task', example: 'story', values: WORK_ITEM_KINDS },
      boardIdField,
      { name: 'column', kind: 'enum', description: 'Starting column', example: 'backlog', values: START_COLUMNS, required: false },
      { ...pointsField, required: false },
    ],
    route: onItem('CreateWorkItem'),
    ids: itemIds,
  },
  {
    type: 'MoveWorkItem',
    description: 'Move a card to another column; doing and review need an assignee, a closed item stays put.',
    fields: [itemIdField, { name: 'toColumn', kind: 'enum', description: 'Column to move it to', example: 'todo', values: BOARD_COLUMNS }],
    route: onItem('MoveWorkItem'),
    ids: itemIds,
  },
  {
    type: 'AssignWorkItem',
    description: 'Give a work item to someone (replacing the current assignee).',
    fields: [itemIdField, idField('assignee', 'Who does the work (a user id)', 'ada')],
    route: onItem('AssignWorkItem'),
    ids: itemIds,
  },
  {
    type: 'EstimateWorkItem',
    description: 'Set or change the story-point estimate of a work item.',
    fields: [itemIdField, pointsField],
    route: onItem('EstimateWorkItem'),
    ids: itemIds,
  },
  {
    type: 'CloseWorkItem',
    description: 'Close a work item: it moves to done and can no longer be changed.',
    fields: [itemIdField],
    route: onItem('CloseWorkItem'),
    ids: itemIds,
  },
];
