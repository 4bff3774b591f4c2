// The social events, declared once: the union every decider, projection and
// test is checked against, and the catalogue keyed by it.
import { eventList, type DomainEvent, type EventSpecs } from '../../engine/index.ts';

export type UserRegistered = DomainEvent<'UserRegistered', { userId: string; name: string }>;
export type Followed = DomainEvent<'Followed', { followerId: string; followeeId: string }>;
export type PostPublished = DomainEvent<'PostPublished', { userId: string; postId: string; text: string }>;

export type UserEvent = UserRegistered | Followed | PostPublished;

export type FeedConfigured = DomainEvent<'FeedConfigured', { celebrityThreshold: number }>;

export type FeedSettingsEvent = FeedConfigured;

export type SocialEvent = UserEvent | FeedSettingsEvent;

const specs = {
  UserRegistered: { aggregate: 'User', schemaVersion: 1, description: 'A user registered with a display name.' },
  Followed: { aggregate: 'User', schemaVersion: 1, description: 'A user started following another.' },
  PostPublished: { aggregate: 'User', schemaVersion: 1, description: 'A user published a post.' },
  FeedConfigured: { aggregate: 'FeedSettings', schemaVersion: 1, description: 'The hybrid feed’s celebrity threshold changed.' },
} satisfies EventSpecs<SocialEvent>;

export const events = eventList(specs);
