import initSqlJs from 'sql.js';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine.ts';
import { SEPARATION_PRESETS, type SeparationLevel } from '../../../src/engine/settings.ts';
import { social } from '../../../src/domain/social/index.ts';
import { given } from '../../../src/engine/testing/givenWhenThen.ts';
import { commands } from '../../../src/domain/social/commands.ts';
import { FeedSettings, User } from '../../../src/domain/social/user.ts';
import type { Followed, PostPublished } from '../../../src/domain/social/events.ts';

describe('User and FeedSettings', () => {
  it('follows once, never oneself; posts once', () => {
    const followed: Followed = { type: 'Followed', data: { followerId: 'bob', followeeId: 'ada' } };
    given(User)
      .when({ type: 'Follow', data: { followerId: 'bob', followeeId: 'ada' } })
      .then([followed]);
    given(User, [followed])
      .when({ type: 'Follow', data: { followerId: 'bob', followeeId: 'ada' } })
      .thenRejects('AlreadyFollowing');
    given(User)
      .when({ type: 'Follow', data: { followerId: 'bob', followeeId: 'bob' } })
      .thenRejects('CannotFollowSelf');
    const post: PostPublished = { type: 'PostPublished', data: { userId: 'ada', postId: 'p1', text: 'hi' } };
    given(User).when({ type: 'PublishPost', data: post.data }).then([post]);
    given(User, [post]).when({ type: 'PublishPost', data: post.data }).thenRejects('DuplicatePost');
    given(User)
      .when({ type: 'RegisterUser', data: { userId: 'ada', name: 'Ada' } })
      .then([{ type: 'UserRegistered', data: { userId: 'ada', name: 'Ada' } }]);
  });

  it('the celebrity threshold changes only when it changes; GainFollowers routes to one stream per follower', () => {
    given(FeedSettings)
      .when({ type: 'ConfigureFeed', data: { celebrityThreshold: 100 } })
      .thenRejects('Unchanged');
    given(FeedSettings)
      .when({ type: 'ConfigureFeed', data: { celebrityThreshold: 10 } })
      .then([{ type: 'FeedConfigured', data: { celebrityThreshold: 10 } }]);
    const routes = commands.find((c) => c.type === 'GainFollowers')!.route({ followeeId: 'star', prefix: 'fan', count: 3 });
    expect(routes.map((r) => r.streamId)).toEqual(['user-fan1', 'user-fan2', 'user-fan3']);
    expect(routes[0]!.command).toEqual({ type: 'Follow', data: { followerId: 'fan1', followeeId: 'star' } });
  });
});

describe('the three feeds at every separation level', () => {
  // At levels 1 and 2 the projections share one database: their tables must not clash.
  async function feedsAt(level: SeparationLevel): Promise<Record<string, unknown>> {
    const e = createEngine({
      sql: await initSqlJs(),
      domain: social,
      seed: 7,
      settings: { ...SEPARATION_PRESETS[level], bus: { latencyMs: 0, jitterMs: 0 }, costs: { commandMs: 0, projectMs: 0, queryMs: 0 } },
    });
    await e.execute({ type: 'ConfigureFeed', data: { celebrityThreshold: 3 } });
    await e.execute({ type: 'GainFollowers', data: { followeeId: 'star', prefix: 'fan', count: 4 } });
    await e.execute({ type: 'Follow', data: { followerId: 'fan1', followeeId: 'joe' } });
    await e.execute({ type: 'PublishPost', data: { userId: 'star', postId: 's1', text: 'Hello, fans' } });
    await e.execute({ type: 'PublishPost', data: { userId: 'joe', postId: 'j1', text: 'Hi' } });
    // A follow after the post: joe's later post reaches fan2 only.
    await e.execute({ type: 'Follow', data: { followerId: 'fan2', followeeId: 'joe' } });
    await e.execute({ type: 'PublishPost', data: { userId: 'joe', postId: 'j2', text: 'Again' } });
    await e.runUntilIdle();
    const answers: Record<string, unknown> = {};
    for (const user of ['fan1', 'fan2', 'fan3']) {
      for (const q of ['GetFeedPush', 'GetFeedPull', 'GetFeedHybrid'])
        answers[`${q} ${user}`] = (await e.query({ type: q, params: { userId: user } })).data;
    }
    answers['GetFollowCounts star'] = (await e.query({ type: 'GetFollowCounts', params: { userId: 'star' } })).data;
    expect(e.status().separationLevel).toBe(level);
    return answers;
  }

  it('gives the same feeds at levels 1, 2 and 3', async () => {
    const level3 = await feedsAt(3);
    const ids = (k: string): string[] => (level3[k] as { postId: string }[]).map((p) => p.postId);
    expect(ids('GetFeedPush fan1')).toEqual(['j2', 'j1', 's1']);
    expect(ids('GetFeedHybrid fan2')).toEqual(['j2', 's1']);
    expect(ids('GetFeedPull fan3')).toEqual(['s1']);
    expect(level3['GetFollowCounts star']).toEqual({ userId: 'star', followers: 4, following: 0 });
    expect(await feedsAt(2)).toEqual(level3);
    expect(await feedsAt(1)).toEqual(level3);
  });
});
