// Users who follow each other and publish posts. A follow is decided on the
// follower's stream (who I follow is my business); a post on its author's.
// A feed-wide setting (the celebrity threshold of the hybrid feed) lives in
// its own stream, so changing it is an event like any other.
import { defineAggregate, reject, type Decision, type DomainCommand } from '../../engine/index.ts';
import type { FeedSettingsEvent, UserEvent } from './events.ts';

export type UserState = {
  registered: boolean;
  userId: string;
  name: string;
  following: Record<string, true>;
  posts: Record<string, true>;
};

export type UserCommand =
  | DomainCommand<'RegisterUser', { userId: string; name: string }>
  | DomainCommand<'Follow', { followerId: string; followeeId: string }>
  | DomainCommand<'PublishPost', { userId: string; postId: string; text: string }>;

/** Every reason a user refuses a command. */
export type UserRejection = 'AlreadyRegistered' | 'CannotFollowSelf' | 'AlreadyFollowing' | 'DuplicatePost';

const initialState = (): UserState => ({ registered: false, userId: '', name: '', following: {}, posts: {} });

function decide(command: UserCommand, state: UserState): Decision<UserEvent, UserRejection> {
  switch (command.type) {
    case 'RegisterUser':
      if (state.registered) return reject('AlreadyRegistered', `User ${command.data.userId} is already registered.`);
      return [{ type: 'UserRegistered', data: { ...command.data } }];
    case 'Follow': {
      const { followerId, followeeId } = command.data;
      if (followerId === followeeId) return reject('CannotFollowSelf', 'Nobody needs to follow themselves.');
      if (state.following[followeeId]) return reject('AlreadyFollowing', `${followerId} already follows ${followeeId}.`);
      return [{ type: 'Followed', data: { followerId, followeeId } }];
    }
    case 'PublishPost':
      if (state.posts[command.data.postId]) return reject('DuplicatePost', `Post ${command.data.postId} was already published.`);
      return [{ type: 'PostPublished', data: { ...command.data } }];
  }
}

function evolve(state: UserState, event: UserEvent): UserState {
  switch (event.type) {
    case 'UserRegistered':
      return { ...state, registered: true, userId: event.data.userId, name: event.data.name };
    case 'Followed':
      return { ...state, userId: event.data.followerId, following: { ...state.following, [event.data.followeeId]: true } };
    case 'PostPublished':
      return { ...state, userId: event.data.userId, posts: { ...state.posts, [event.data.postId]: true } };
  }
}

export const userStream = (userId: string): string => `user-${userId}`;

export const User = defineAggregate<UserState, UserCommand, UserEvent, UserRejection>({
  name: 'User',
  streamPrefix: 'user-',
  description: 'A user: whom they follow and what they posted.',
  decider: { initialState, decide, evolve },
});

export type FeedSettingsState = { threshold: number | null };
export type FeedSettingsCommand = DomainCommand<'ConfigureFeed', { celebrityThreshold: number }>;
export type FeedSettingsRejection = 'Unchanged';

export const FEED_SETTINGS_STREAM = 'feed-settings';
/** From this many followers an author's posts are pulled rather than pushed (hybrid feed), until ConfigureFeed says otherwise. */
export const DEFAULT_CELEBRITY_THRESHOLD = 100;

export const FeedSettings = defineAggregate<FeedSettingsState, FeedSettingsCommand, FeedSettingsEvent, FeedSettingsRejection>({
  name: 'FeedSettings',
  streamPrefix: 'feed-',
  description: 'Feed-wide settings: the hybrid feed’s celebrity threshold.',
  decider: {
    initialState: () => ({ threshold: null }),
    decide: (command, state) =>
      command.data.celebrityThreshold === (state.threshold ?? DEFAULT_CELEBRITY_THRESHOLD)
        ? reject('Unchanged', `The celebrity threshold is already ${command.data.celebrityThreshold}.`)
        : [{ type: 'FeedConfigured', data: { celebrityThreshold: command.data.celebrityThreshold } }],
    evolve: (_state, event) => ({ threshold: event.data.celebrityThreshold }),
  },
});
