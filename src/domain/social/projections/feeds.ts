// Three ways to build the same home feed, measured side by side. Each keeps
// its own copy of the follow graph and the posts; they differ in when the
// fan-out happens:
//   feedPush   fan-out on write: a post is copied into every follower's
//              timeline when it is published (1 + followers rows written);
//              reading a feed is one indexed read of the reader's timeline.
//   feedPull   fan-out on read: a post is stored once; reading a feed reads
//              whom the reader follows, then each followee's recent posts.
//   feedHybrid push below the celebrity threshold, pull at or above it: a
//              celebrity's post is stored once and pulled by readers.
// The engine meters rows written per event (feed.written) and rows read per
// query (feed.read) for each of them.
//
// A reader sees the posts published after they followed the author (by log
// position). Every update keeps that rule whatever order the events arrive
// in (a follow that arrives after a later post backfills it), so all three
// feeds show the same posts and each converges to a replay from scratch.
import { defineProjection, defineQuery, type EnvelopeOf, type QuerySpec, type ReadStoreDb } from '../../../engine/index.ts';
import { userIdField } from '../commands.ts';
import type { Followed, PostPublished, SocialEvent } from '../events.ts';
import { DEFAULT_CELEBRITY_THRESHOLD } from '../user.ts';

// Each projection names its tables after itself (push_follows, pull_posts,
// hybrid_timeline…): at separation levels 1 and 2 the projections share one
// database, so two projections must never create the same table.
interface FeedTables {
  follows: string;
  posts: string;
  timeline: string;
  thresholds: string;
}

function feedTables(prefix: 'push' | 'pull' | 'hybrid'): FeedTables {
  return {
    follows: `${prefix}_follows`,
    posts: `${prefix}_posts`,
    timeline: `${prefix}_timeline`,
    thresholds: `${prefix}_feed_thresholds`,
  };
}

const PUSH = feedTables('push');
const PULL = feedTables('pull');
const HYBRID = feedTables('hybrid');

const followsDdl = (t: FeedTables): string => `CREATE TABLE ${t.follows} (
  follower  TEXT    NOT NULL,
  followee  TEXT    NOT NULL,
  position  INTEGER NOT NULL,
  PRIMARY KEY (follower, followee)
)`;
const followersIndexDdl = (t: FeedTables): string => `CREATE INDEX ${t.follows}_by_followee ON ${t.follows} (followee, position)`;
// A post id is unique per author (decided on the author's stream).
const postsDdl = (t: FeedTables): string => `CREATE TABLE ${t.posts} (
  author    TEXT    NOT NULL,
  post_id   TEXT    NOT NULL,
  text      TEXT    NOT NULL,
  position  INTEGER NOT NULL,
  at        INTEGER NOT NULL,
  pushed    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (author, post_id)
)`;
const postsIndexDdl = (t: FeedTables): string => `CREATE INDEX ${t.posts}_by_author ON ${t.posts} (author, position)`;
const timelineDdl = (t: FeedTables): string => `CREATE TABLE ${t.timeline} (
  user_id   TEXT    NOT NULL,
  post_id   TEXT    NOT NULL,
  author    TEXT    NOT NULL,
  text      TEXT    NOT NULL,
  position  INTEGER NOT NULL,
  at        INTEGER NOT NULL,
  PRIMARY KEY (user_id, author, post_id)
)`;
const timelineIndexDdl = (t: FeedTables): string => `CREATE INDEX ${t.timeline}_by_user ON ${t.timeline} (user_id, position)`;
const thresholdsDdl = (t: FeedTables): string => `CREATE TABLE ${t.thresholds} (
  position   INTEGER PRIMARY KEY,
  threshold  INTEGER NOT NULL
)`;

interface Post {
  post_id: string;
  author: string;
  text: string;
  position: number;
  at: number;
}

function follow(db: ReadStoreDb, t: FeedTables, e: EnvelopeOf<Followed>): { followee: string; position: number } {
  const followee = e.data.followeeId;
  db.run(`INSERT INTO ${t.follows} (follower, followee, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, [
    e.data.followerId,
    followee,
    e.position,
  ]);
  return { followee, position: e.position };
}

function storePost(db: ReadStoreDb, t: FeedTables, e: EnvelopeOf<PostPublished>): Post {
  const post: Post = {
    post_id: e.data.postId,
    author: e.data.userId,
    text: e.data.text,
    position: e.position,
    at: e.metadata.recordedAt,
  };
  db.run(`INSERT INTO ${t.posts} (post_id, author, text, position, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, [
    post.post_id,
    post.author,
    post.text,
    post.position,
    post.at,
  ]);
  return post;
}

/** Copy a post into the timelines of its author's followers who followed before it (the fan-out). */
function pushToFollowers(db: ReadStoreDb, t: FeedTables, post: Post, markPushed: boolean): void {
  const followers = db.all(`SELECT follower FROM ${t.follows} WHERE followee = ? AND position < ?`, [post.author, post.position]);
  for (const f of followers) {
    db.run(`INSERT INTO ${t.timeline} (user_id, post_id, author, text, position, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, [
      f['follower'] as string,
      post.post_id,
      post.author,
      post.text,
      post.position,
      post.at,
    ]);
  }
  if (markPushed) db.run(`UPDATE ${t.posts} SET pushed = 1 WHERE author = ? AND post_id = ? AND pushed = 0`, [post.author, post.post_id]);
}

/** A follow arrived after some of the followee's later posts: give the follower those posts. */
function backfill(db: ReadStoreDb, t: FeedTables, follower: string, followee: string, followPosition: number, onlyPushed: boolean): void {
  const posts = db.all(
    `SELECT post_id, author, text, position, at FROM ${t.posts} WHERE author = ? AND position > ?${onlyPushed ? ' AND pushed = 1' : ''}`,
    [followee, followPosition],
  );
  for (const p of posts) {
    db.run(`INSERT INTO ${t.timeline} (user_id, post_id, author, text, position, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, [
      follower,
      p['post_id'] as string,
      p['author'] as string,
      p['text'] as string,
      p['position'] as number,
      p['at'] as number,
    ]);
  }
}

function rowToPost(r: Record<string, unknown>): { postId: string; author: string; text: string; position: number; at: number } {
  return {
    postId: r['post_id'] as string,
    author: r['author'] as string,
    text: r['text'] as string,
    position: r['position'] as number,
    at: r['at'] as number,
  };
}

const newestFirst = (a: { position: number }, b: { position: number }): number => b.position - a.position;

const limitField = {
  name: 'limit',
  kind: 'integer' as const,
  description: 'How many posts',
  example: 20,
  min: 1,
  max: 200,
  required: false,
};
/** What every feed query takes. */
type FeedParams = { userId: string; limit?: number };
const limitOf = (p: { limit?: number }): number => p.limit ?? 20;

// ── push ──────────────────────────────────────────────────────────────────

export const feedPush = defineProjection<SocialEvent>()({
  name: 'feedPush',
  description: 'Home feed, fan-out on write: every post is copied into each follower’s timeline when published.',
  fanOut: 'push',
  schema: [followsDdl(PUSH), followersIndexDdl(PUSH), postsDdl(PUSH), postsIndexDdl(PUSH), timelineDdl(PUSH), timelineIndexDdl(PUSH)],
  handles: ['Followed', 'PostPublished'],
  apply(db, e) {
    if (e.type === 'Followed') {
      const f = follow(db, PUSH, e);
      backfill(db, PUSH, e.data.followerId, f.followee, f.position, false);
    } else if (e.type === 'PostPublished') {
      pushToFollowers(db, PUSH, storePost(db, PUSH, e), false);
    }
  },
});

// ── pull ──────────────────────────────────────────────────────────────────

export const feedPull = defineProjection<SocialEvent>()({
  name: 'feedPull',
  description: 'Home feed, fan-out on read: posts are stored once and gathered from the followees when a feed is read.',
  fanOut: 'pull',
  schema: [followsDdl(PULL), postsDdl(PULL), postsIndexDdl(PULL)],
  handles: ['Followed', 'PostPublished'],
  apply(db, e) {
    if (e.type === 'Followed') follow(db, PULL, e);
    else if (e.type === 'PostPublished') storePost(db, PULL, e);
  },
});

function pull(db: ReadStoreDb, t: FeedTables, userId: string, limit: number, onlyUnpushed: boolean): ReturnType<typeof rowToPost>[] {
  const followees = db.all(
    onlyUnpushed
      ? `SELECT f.followee, f.position FROM ${t.follows} f WHERE f.follower = ? AND EXISTS (SELECT 1 FROM ${t.posts} p WHERE p.author = f.followee AND p.pushed = 0)`
      : `SELECT followee, position FROM ${t.follows} WHERE follower = ?`,
    [userId],
  );
  const out: ReturnType<typeof rowToPost>[] = [];
  for (const f of followees) {
    const posts = db.all(
      `SELECT post_id, author, text, position, at FROM ${t.posts} WHERE author = ? AND position > ?${onlyUnpushed ? ' AND pushed = 0' : ''} ORDER BY position DESC LIMIT ?`,
      [f['followee'] as string, f['position'] as number, limit],
    );
    out.push(...posts.map(rowToPost));
  }
  return out;
}

// ── hybrid ────────────────────────────────────────────────────────────────

function thresholdAt(db: ReadStoreDb, position: number): number {
  const row = db.get(`SELECT threshold FROM ${HYBRID.thresholds} WHERE position < ? ORDER BY position DESC LIMIT 1`, [position]);
  return row ? (row['threshold'] as number) : DEFAULT_CELEBRITY_THRESHOLD;
}

/** Push a post or keep it for pulling, from its author's follower count when it was published. */
function settlePost(db: ReadStoreDb, post: Post): void {
  const followers = db.get(`SELECT COUNT(*) AS n FROM ${HYBRID.follows} WHERE followee = ? AND position < ?`, [post.author, post.position]);
  const celebrity = ((followers?.['n'] as number | undefined) ?? 0) >= thresholdAt(db, post.position);
  if (celebrity) {
    db.run(`DELETE FROM ${HYBRID.timeline} WHERE author = ? AND post_id = ?`, [post.author, post.post_id]);
    db.run(`UPDATE ${HYBRID.posts} SET pushed = 0 WHERE author = ? AND post_id = ? AND pushed = 1`, [post.author, post.post_id]);
  } else {
    pushToFollowers(db, HYBRID, post, true);
  }
}

function postsAfter(db: ReadStoreDb, position: number, author?: string): Post[] {
  const rows =
    author === undefined
      ? db.all(`SELECT post_id, author, text, position, at FROM ${HYBRID.posts} WHERE position > ?`, [position])
      : db.all(`SELECT post_id, author, text, position, at FROM ${HYBRID.posts} WHERE author = ? AND position > ?`, [author, position]);
  return rows as unknown as Post[];
}

export const feedHybrid = defineProjection<SocialEvent>()({
  name: 'feedHybrid',
  description: 'Home feed, hybrid: posts of authors below the celebrity threshold are pushed, a celebrity’s posts are pulled when read.',
  fanOut: 'hybrid',
  schema: [
    followsDdl(HYBRID),
    followersIndexDdl(HYBRID),
    postsDdl(HYBRID),
    postsIndexDdl(HYBRID),
    timelineDdl(HYBRID),
    timelineIndexDdl(HYBRID),
    thresholdsDdl(HYBRID),
  ],
  handles: ['Followed', 'PostPublished', 'FeedConfigured'],
  apply(db, e) {
    if (e.type === 'Followed') {
      const f = follow(db, HYBRID, e);
      // Later posts of the followee now count one more follower: settle them again.
      for (const post of postsAfter(db, f.position, f.followee)) settlePost(db, post);
    } else if (e.type === 'PostPublished') {
      settlePost(db, storePost(db, HYBRID, e));
    } else if (e.type === 'FeedConfigured') {
      db.run(`INSERT INTO ${HYBRID.thresholds} (position, threshold) VALUES (?, ?) ON CONFLICT DO NOTHING`, [
        e.position,
        e.data.celebrityThreshold,
      ]);
      for (const post of postsAfter(db, e.position)) settlePost(db, post);
    }
  },
});

// ── queries ───────────────────────────────────────────────────────────────

function timeline(db: ReadStoreDb, t: FeedTables, userId: string, limit: number): ReturnType<typeof rowToPost>[] {
  return db
    .all(`SELECT post_id, author, text, position, at FROM ${t.timeline} WHERE user_id = ? ORDER BY position DESC LIMIT ?`, [userId, limit])
    .map(rowToPost);
}

export const feedQueries: QuerySpec[] = [
  defineQuery<FeedParams>({
    type: 'GetFeedPush',
    projection: 'feedPush',
    description: 'A user’s home feed from the push (fan-out on write) read model: one read of their timeline.',
    fields: [userIdField, limitField],
    run: (db, p) => timeline(db, PUSH, p.userId, limitOf(p)),
  }),
  defineQuery<FeedParams>({
    type: 'GetFeedPull',
    projection: 'feedPull',
    description: 'A user’s home feed from the pull (fan-out on read) read model: their followees, then each one’s posts.',
    fields: [userIdField, limitField],
    run: (db, p) => pull(db, PULL, p.userId, limitOf(p), false).sort(newestFirst).slice(0, limitOf(p)),
  }),
  defineQuery<FeedParams>({
    type: 'GetFeedHybrid',
    projection: 'feedHybrid',
    description: 'A user’s home feed from the hybrid read model: their timeline plus the posts of the celebrities they follow.',
    fields: [userIdField, limitField],
    run: (db, p) => {
      const userId = p.userId;
      const limit = limitOf(p);
      return [...timeline(db, HYBRID, userId, limit), ...pull(db, HYBRID, userId, limit, true)].sort(newestFirst).slice(0, limit);
    },
  }),
  defineQuery<{ userId: string }>({
    type: 'GetFollowCounts',
    projection: 'feedHybrid',
    description: 'How many followers a user has and how many accounts they follow.',
    fields: [userIdField],
    run: (db, p) => {
      const userId = p.userId;
      const followers = db.get(`SELECT COUNT(*) AS n FROM ${HYBRID.follows} WHERE followee = ?`, [userId])?.['n'] ?? 0;
      const following = db.get(`SELECT COUNT(*) AS n FROM ${HYBRID.follows} WHERE follower = ?`, [userId])?.['n'] ?? 0;
      return { userId, followers, following };
    },
  }),
];
