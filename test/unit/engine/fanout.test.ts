// Feed fan-out: push, pull and hybrid, with measured write amplification
// (rows written per post) and read cost (rows read per feed query).
import { describe, expect, it } from 'vitest';
import { fanOutMetrics } from '../../../src/engine/metrics.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { social } from '../../../src/domain/social/index.ts';
import { engineFor, liveDumps, replayedFromScratch } from './helpers.ts';

const FEEDS = ['GetFeedPush', 'GetFeedPull', 'GetFeedHybrid'] as const;

describe('feed fan-out', () => {
  it('push writes a row per follower, pull one row; reading costs the reverse; hybrid switches at the threshold', async () => {
    const e = await engineFor(social, { bus: { latencyMs: 0, jitterMs: 0 } });
    await e.execute({ type: 'ConfigureFeed', data: { celebrityThreshold: 50 } });
    // A celebrity with 200 followers and a regular user with 3.
    await e.execute({ type: 'GainFollowers', data: { followeeId: 'star', prefix: 'fan', count: 200 } });
    for (const f of ['fan1', 'fan2', 'fan3']) await e.execute({ type: 'Follow', data: { followerId: f, followeeId: 'joe' } });
    await e.execute({ type: 'PublishPost', data: { userId: 'star', postId: 'p1', text: 'Hello, fans' } });
    await e.execute({ type: 'PublishPost', data: { userId: 'joe', postId: 'p2', text: 'Hi' } });
    await e.runUntilIdle();
    const written = (projection: string, position: number): number =>
      recordsOf(e.trace, 'feed.written').find((r) => r.projection === projection && r.position === position)!.rowsWritten;
    const starPost = e.headPosition - 1;
    const joePost = e.headPosition;
    expect(written('feedPush', starPost)).toBe(201);
    expect(written('feedPull', starPost)).toBe(1);
    expect(written('feedHybrid', starPost)).toBe(1);
    expect(written('feedPush', joePost)).toBe(4);
    expect(written('feedPull', joePost)).toBe(1);
    // Hybrid pushes joe's post (3 followers, under the threshold) and marks it pushed.
    expect(written('feedHybrid', joePost)).toBe(5);

    const answers: Record<string, unknown> = {};
    const reads: Record<string, number> = {};
    for (const q of FEEDS) {
      const r = await e.query({ type: q, params: { userId: 'fan1' } });
      answers[q] = r.data;
      reads[q] = r.rowsRead!;
    }
    // Same feed whatever the strategy.
    expect(answers['GetFeedPull']).toEqual(answers['GetFeedPush']);
    expect(answers['GetFeedHybrid']).toEqual(answers['GetFeedPush']);
    expect((answers['GetFeedPush'] as { postId: string }[]).map((p) => p.postId)).toEqual(['p2', 'p1']);
    // Push: 2 timeline rows. Pull: 2 followees + 2 posts. Hybrid: 1 timeline row + 1 celebrity + 1 post.
    expect(reads).toEqual({ GetFeedPush: 2, GetFeedPull: 4, GetFeedHybrid: 3 });
    expect(recordsOf(e.trace, 'feed.read')).toHaveLength(3);

    const m = fanOutMetrics(e.trace);
    const by = Object.fromEntries(m.map((x) => [x.strategy, x]));
    expect(by['push']).toMatchObject({ posts: 2, rowsWrittenForPosts: 205, writeAmplification: 102.5, readCost: 2 });
    expect(by['pull']).toMatchObject({ posts: 2, writeAmplification: 1, readCost: 4 });
    expect(by['hybrid']).toMatchObject({ posts: 2, writeAmplification: 3, readCost: 3 });
  });

  it('fan-out on write costs time too: with projectRowMs the push projection lags behind a celebrity post', async () => {
    const e = await engineFor(social, {
      bus: { latencyMs: 0, jitterMs: 0 },
      costs: { commandMs: 0, projectMs: 0, queryMs: 0, projectRowMs: 1 },
    });
    await e.execute({ type: 'GainFollowers', data: { followeeId: 'star', prefix: 'fan', count: 300 } });
    await e.runUntilIdle();
    const start = e.now;
    await e.execute({ type: 'PublishPost', data: { userId: 'star', postId: 'p1', text: 'Hi' } });
    await e.execute({ type: 'PublishPost', data: { userId: 'star', postId: 'p2', text: 'Again' } });
    await e.runUntilIdle();
    const applied = (projection: string, postId: string): number =>
      recordsOf(e.trace, 'projection.applied').find((r) => r.projection === projection && r.position === (postId === 'p1' ? 301 : 302))!
        .at - start;
    // The second post waits for the 301 rows of the first: push lags, pull does not.
    expect(applied('feedPush', 'p2')).toBeGreaterThanOrEqual(301);
    expect(applied('feedPull', 'p2')).toBeLessThan(5);
  });

  it('all three converge to a replay whatever the delivery order, and agree on every feed', async () => {
    const e = await engineFor(
      social,
      {
        bus: {
          latencyMs: 5,
          jitterMs: 20,
          reorder: true,
          orderedPartitions: true,
          duplicateProbability: 0.3,
          dropProbability: 0.2,
          redeliveryMs: 15,
        },
      },
      9,
    );
    await e.execute({ type: 'ConfigureFeed', data: { celebrityThreshold: 3 } });
    const users = ['ann', 'bob', 'cy', 'dee', 'eve'];
    let post = 0;
    for (let i = 0; i < 40; i++) {
      const a = users[i % 5]!;
      const b = users[(i * 3 + 1) % 5]!;
      if (i % 3 === 0 && a !== b) e.submit({ kind: 'command', command: { type: 'Follow', data: { followerId: a, followeeId: b } } });
      else e.submit({ kind: 'command', command: { type: 'PublishPost', data: { userId: b, postId: `p${post++}`, text: `post ${post}` } } });
      if (i === 20) e.submit({ kind: 'command', command: { type: 'ConfigureFeed', data: { celebrityThreshold: 2 } } });
      await e.advance(3);
    }
    await e.runUntilIdle();
    expect(await liveDumps(e)).toEqual(await replayedFromScratch(e));
    for (const u of users) {
      const push = (await e.query({ type: 'GetFeedPush', params: { userId: u, limit: 200 } })).data;
      expect((await e.query({ type: 'GetFeedPull', params: { userId: u, limit: 200 } })).data).toEqual(push);
      expect((await e.query({ type: 'GetFeedHybrid', params: { userId: u, limit: 200 } })).data).toEqual(push);
    }
    expect((await e.query({ type: 'GetFollowCounts', params: { userId: 'bob' } })).data).toMatchObject({ userId: 'bob' });
  });
});
