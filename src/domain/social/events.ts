// Event catalogue for the social domain.
import type { EventSpec } from '../../engine/index.ts';

export const events: EventSpec[] = [
  { type: 'UserRegistered', aggregate: 'User', schemaVersion: 1, description: 'A user registered with a display name.' },
  { type: 'Followed', aggregate: 'User', schemaVersion: 1, description: 'A user started following another.' },
  { type: 'PostPublished', aggregate: 'User', schemaVersion: 1, description: 'A user published a post.' },
  { type: 'FeedConfigured', aggregate: 'FeedSettings', schemaVersion: 1, description: 'The hybrid feed’s celebrity threshold changed.' },
];
