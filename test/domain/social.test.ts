import { describe, expect, it } from 'vitest';
import { given } from '../../src/engine/testing/givenWhenThen.ts';
import { commands } from '../../src/domain/social/commands.ts';
import { FeedSettings, User } from '../../src/domain/social/user.ts';

describe('User and FeedSettings', () => {
  it('follows once, never oneself; posts once', () => {
    const followed = { type: 'Followed', data: { followerId: 'bob', followeeId: 'ada' } };
    given(User).when({ type: 'Follow', data: { followerId: 'bob', followeeId: 'ada' } }).then([followed]);
    given(User, [followed]).when({ type: 'Follow', data: { followerId: 'bob', followeeId: 'ada' } }).thenRejects('AlreadyFollowing');
    given(User).when({ type: 'Follow', data: { followerId: 'bob', followeeId: 'bob' } }).thenRejects('CannotFollowSelf');
    const post = { type: 'PostPublished', data: { userId: 'ada', postId: 'p1', text: 'hi' } };
    given(User).when({ type: 'PublishPost', data: post.data }).then([post]);
    given(User, [post]).when({ type: 'PublishPost', data: post.data }).thenRejects('DuplicatePost');
    given(User).when({ type: 'RegisterUser', data: { userId: 'ada', name: 'Ada' } }).then([{ type: 'UserRegistered', data: { userId: 'ada', name: 'Ada' } }]);
  });

  it('the celebrity threshold changes only when it changes; GainFollowers routes to one stream per follower', () => {
    given(FeedSettings).when({ type: 'ConfigureFeed', data: { celebrityThreshold: 100 } }).thenRejects('Unchanged');
    given(FeedSettings).when({ type: 'ConfigureFeed', data: { celebrityThreshold: 10 } }).then([{ type: 'FeedConfigured', data: { celebrityThreshold: 10 } }]);
    const routes = commands.find((c) => c.type === 'GainFollowers')!.route({ followeeId: 'star', prefix: 'fan', count: 3 });
    expect(routes.map((r) => r.streamId)).toEqual(['user-fan1', 'user-fan2', 'user-fan3']);
    expect(routes[0]!.command).toEqual({ type: 'Follow', data: { followerId: 'fan1', followeeId: 'star' } });
  });
});
