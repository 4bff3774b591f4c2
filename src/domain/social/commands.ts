// The social commands with their field specs.
import type { CommandSpec, Route } from '../../engine/index.ts';
import { idField } from '../../engine/index.ts';
import { FEED_SETTINGS_STREAM, userStream, type UserCommand } from './user.ts';

const id = idField;

export const userIdField = id('userId', 'User id', 'ada');
const onUser =
  (field: string, type: UserCommand['type']) =>
  (data: Record<string, unknown>): Route[] => [{ aggregate: 'User', streamId: userStream(String(data[field])), command: { type, data } }];

export const commands: CommandSpec[] = [
  {
    type: 'RegisterUser',
    description: 'Register a user with a display name (optional: following and posting work without it).',
    fields: [userIdField, { name: 'name', kind: 'string', description: 'Display name', example: 'Ada Lovelace', max: 80 }],
    route: onUser('userId', 'RegisterUser'),
    ids: (d) => ({ userId: String(d['userId']) }),
  },
  {
    type: 'Follow',
    description: 'Follow someone: their later posts appear in your feed.',
    fields: [id('followerId', 'Who follows', 'bob'), id('followeeId', 'Whom', 'ada')],
    route: onUser('followerId', 'Follow'),
    ids: (d) => ({ followerId: String(d['followerId']) }),
  },
  {
    type: 'GainFollowers',
    description: 'Scenario helper: `count` new users <prefix>1…<prefix>count all follow one account (a celebrity in one command).',
    fields: [
      id('followeeId', 'The account to follow', 'star'),
      id('prefix', 'Id prefix of the new followers', 'fan'),
      { name: 'count', kind: 'integer', description: 'How many followers', example: 500, min: 1, max: 5000 },
    ],
    route: (d) => {
      const followeeId = String(d['followeeId']);
      const prefix = String(d['prefix']);
      const count = Number(d['count']);
      return Array.from({ length: count }, (_, i) => {
        const followerId = `${prefix}${i + 1}`;
        return { aggregate: 'User', streamId: userStream(followerId), command: { type: 'Follow', data: { followerId, followeeId } } };
      });
    },
    ids: (d) => ({ followeeId: String(d['followeeId']) }),
  },
  {
    type: 'PublishPost',
    description: 'Publish a post to your followers’ feeds.',
    fields: [
      userIdField,
      id('postId', 'Id chosen by the client', 'p-1'),
      { name: 'text', kind: 'string', description: 'What it says', example: 'Hello!', max: 280 },
    ],
    route: onUser('userId', 'PublishPost'),
    ids: (d) => ({ postId: String(d['postId']) }),
  },
  {
    type: 'ConfigureFeed',
    description:
      'Set the hybrid feed’s celebrity threshold: authors with at least this many followers are pulled at read time instead of pushed.',
    fields: [
      {
        name: 'celebrityThreshold',
        kind: 'integer',
        description: 'Followers from which an author counts as a celebrity',
        example: 100,
        min: 1,
        max: 1_000_000,
      },
    ],
    route: (data) => [{ aggregate: 'FeedSettings', streamId: FEED_SETTINGS_STREAM, command: { type: 'ConfigureFeed', data } }],
  },
];
