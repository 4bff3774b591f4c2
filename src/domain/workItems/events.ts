// Event catalogue for work items.
import type { EventSpec } from '../../engine/index.ts';

export const events: EventSpec[] = [
  { type: 'WorkItemCreated', aggregate: 'WorkItem', schemaVersion: 1, description: 'A story, bug or task was put on a board.' },
  { type: 'WorkItemMoved', aggregate: 'WorkItem', schemaVersion: 1, description: 'A card moved from one column to another.' },
  { type: 'WorkItemAssigned', aggregate: 'WorkItem', schemaVersion: 1, description: 'Someone became responsible for the item.' },
  { type: 'WorkItemEstimated', aggregate: 'WorkItem', schemaVersion: 1, description: 'The item got a (new) story-point estimate.' },
  { type: 'WorkItemClosed', aggregate: 'WorkItem', schemaVersion: 1, description: 'The item was closed and moved to done for good.' },
];
