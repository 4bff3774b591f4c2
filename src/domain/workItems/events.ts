// The work-item events, declared once: the union every decider, projection
// and test is checked against, and the catalogue keyed by it. Every event
// names its board, so a projection can file it without looking anything up.
import { eventList, eventTypes, type DomainEvent, type EventSpecs } from '../../engine/index.ts';

type Ids = { itemId: string; boardId: string };

export type WorkItemCreated = DomainEvent<'WorkItemCreated', Ids & { title: string; kind: string; column: string; points: number | null }>;
export type WorkItemMoved = DomainEvent<'WorkItemMoved', Ids & { fromColumn: string; toColumn: string }>;
export type WorkItemAssigned = DomainEvent<'WorkItemAssigned', Ids & { assignee: string }>;
export type WorkItemEstimated = DomainEvent<'WorkItemEstimated', Ids & { points: number }>;
export type WorkItemClosed = DomainEvent<'WorkItemClosed', Ids & { fromColumn: string }>;

export type WorkItemEvent = WorkItemCreated | WorkItemMoved | WorkItemAssigned | WorkItemEstimated | WorkItemClosed;

const specs = {
  WorkItemCreated: { aggregate: 'WorkItem', schemaVersion: 1, description: 'A story, bug or task was put on a board.' },
  WorkItemMoved: { aggregate: 'WorkItem', schemaVersion: 1, description: 'A card moved from one column to another.' },
  WorkItemAssigned: { aggregate: 'WorkItem', schemaVersion: 1, description: 'Someone became responsible for the item.' },
  WorkItemEstimated: { aggregate: 'WorkItem', schemaVersion: 1, description: 'The item got a (new) story-point estimate.' },
  WorkItemClosed: { aggregate: 'WorkItem', schemaVersion: 1, description: 'The item was closed and moved to done for good.' },
} satisfies EventSpecs<WorkItemEvent>;

/** Every work-item event type, in catalogue order. */
export const WORK_ITEM_EVENTS = eventTypes(specs);

export const events = eventList(specs);
