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
import type { ProjectionDefinition, QuerySpec, ReadStoreDb } from '../../../engine/domain.ts';
import type { EventEnvelope } from '../../../engine/write/envelope.ts';
import { userIdField } from '../commands.ts';
import { DEFAULT_CELEBRITY_THRESHOLD } from '../user.ts';

const FOLLOWS = `CREATE TABLE follows (
  follower  TEXT    NOT NULL,
  followee  TEXT    NOT NULL,
  position  INTEGER NOT NULL,
  PRIMARY KEY (follower, followee)
)`;
const FOLLOWERS_INDEX = 'CREATE INDEX follows_by_followee ON follows (followee, position)';
// A post id is unique per author (decided on the author's stream).
const POSTS = `CREATE TABLE posts (
  author    TEXT    NOT NULL,
  post_id   TEXT    NOT NULL,
  text      TEXT    NOT NULL,
  position  INTEGER NOT NULL,
  at        INTEGER NOT NULL,
  pushed    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (author, post_id)
)`;
const POSTS_INDEX = 'CREATE INDEX posts_by_author ON posts (author, position)';
const TIMELINE = `CREATE TABLE timeline (
  user_id   TEXT    NOT NULL,
  post_id   TEXT    NOT NULL,
  author    TEXT    NOT NULL,
  text      TEXT    NOT NULL,
  position  INTEGER NOT NULL,
  at        INTEGER NOT NULL,
  PRIMARY KEY (user_id, author, post_id)
)`;
const TIMELINE_INDEX = 'CREATE INDEX timeline_by_user ON timeline (user_id, position)';
const THRESHOLDS = `CREATE TABLE feed_thresholds (
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

function follow(db: ReadStoreDb, e: EventEnvelope): { followee: string; position: number } {
  const followee = e.data['followeeId'] as string;
  db.run('INSERT INTO follows (follower, followee, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
    e.data['followerId'] as string,
    followee,
    e.position,
  ]);
  return { followee, position: e.position };
}

function storePost(db: ReadStoreDb, e: EventEnvelope): Post {
  const post: Post = {
    post_id: e.data['postId'] as string,
    author: e.data['userId'] as string,
    text: e.data['text'] as string,
    position: e.position,
    at: e.metadata.recordedAt,
  };
  db.run('INSERT INTO posts (post_id, author, text, position, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
    post.post_id,
    post.author,
    post.text,
    post.position,
    post.at,
  ]);
  return post;
}

/** Copy a post into the timelines of its author's followers who followed before it (the fan-out). */
function pushToFollowers(db: ReadStoreDb, post: Post, markPushed: boolean): void {
  const followers = db.all('SELECT follower FROM follows WHERE followee = ? AND position < ?', [post.author, post.position]);
  for (const f of followers) {
    db.run('INSERT INTO timeline (user_id, post_id, author, text, position, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      f['follower'] as string,
      post.post_id,
      post.author,
      post.text,
      post.position,
      post.at,
    ]);
  }
  if (markPushed) db.run('UPDATE posts SET pushed = 1 WHERE author = ? AND post_id = ? AND pushed = 0', [post.author, post.post_id]);
}

/** A follow arrived after some of the followee's later posts: give the follower those posts. */
function backfill(db: ReadStoreDb, follower: string, followee: string, followPosition: number, onlyPushed: boolean): void {
  const posts = db.all(
    `SELECT post_id, author, text, position, at FROM posts WHERE author = ? AND position > ?${onlyPushed ? ' AND pushed = 1' : ''}`,
    [followee, followPosition],
  );
  for (const p of posts) {
    db.run('INSERT INTO timeline (user_id, post_id, author, text, position, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING', [
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
  return { postId: r['post_id'] as string, author: r['author'] as string, text: r['text'] as string, position: r['position'] as number, at: r['at'] as number };
}

const newestFirst = (a: { position: number }, b: { position: number }): number => b.position - a.position;

const limitField = { name: 'limit', kind: 'integer' as const, description: 'How many posts', example: 20, min: 1, max: 200, required: false };
const limitOf = (p: Record<string, unknown>): number => (p['limit'] as number | undefined) ?? 20;

// ── push ──────────────────────────────────────────────────────────────────

export const feedPush: ProjectionDefinition = {
  name: 'feedPush',
  description: 'Home feed, fan-out on write: every post is copied into each follower’s timeline when published.',
  fanOut: 'push',
  schema: [FOLLOWS, FOLLOWERS_INDEX, POSTS, POSTS_INDEX, TIMELINE, TIMELINE_INDEX],
  handles: ['Followed', 'PostPublished'],
  apply(db, e) {
    if (e.type === 'Followed') {
      const f = follow(db, e);
      backfill(db, e.data['followerId'] as string, f.followee, f.position, false);
    } else if (e.type === 'PostPublished') {
      pushToFollowers(db, storePost(db, e), false);
    }
  },
};

// ── pull ──────────────────────────────────────────────────────────────────

export const feedPull: ProjectionDefinition = {
  name: 'feedPull',
  description: 'Home feed, fan-out on read: posts are stored once and gathered from the followees when a feed is read.',
  fanOut: 'pull',
  schema: [FOLLOWS, POSTS, POSTS_INDEX],
  handles: ['Followed', 'PostPublished'],
  apply(db, e) {
    if (e.type === 'Followed') follow(db, e);
    else if (e.type === 'PostPublished') storePost(db, e);
  },
};

function pull(db: ReadStoreDb, userId: string, limit: number, onlyUnpushed: boolean): ReturnType<typeof rowToPost>[] {
  const followees = db.all(
    onlyUnpushed
      ? 'SELECT f.followee, f.position FROM follows f WHERE f.follower = ? AND EXISTS (SELECT 1 FROM posts p WHERE p.author = f.followee AND p.pushed = 0)'
      : 'SELECT followee, position FROM follows WHERE follower = ?',
    [userId],
  );
  const out: ReturnType<typeof rowToPost>[] = [];
  for (const f of followees) {
    const posts = db.all(
      `SELECT post_id, author, text, position, at FROM posts WHERE author = ? AND position > ?${onlyUnpushed ? ' AND pushed = 0' : ''} ORDER BY position DESC LIMIT ?`,
      [f['followee'] as string, f['position'] as number, limit],
    );
    out.push(...posts.map(rowToPost));
  }
  return out;
}

// ── hybrid ────────────────────────────────────────────────────────────────

function thresholdAt(db: ReadStoreDb, position: number): number {
  const row = db.get('SELECT threshold FROM feed_thresholds WHERE position < ? ORDER BY position DESC LIMIT 1', [position]);
  return row ? (row['threshold'] as number) : DEFAULT_CELEBRITY_THRESHOLD;
}

/** Push a post or keep it for pulling, from its author's follower count when it was published. */
function settlePost(db: ReadStoreDb, post: Post): void {
  const followers = db.get('SELECT COUNT(*) AS n FROM follows WHERE followee = ? AND position < ?', [post.author, post.position]);
  const celebrity = ((followers?.['n'] as number | undefined) ?? 0) >= thresholdAt(db, post.position);
  if (celebrity) {
    db.run('DELETE FROM timeline WHERE author = ? AND post_id = ?', [post.author, post.post_id]);
    db.run('UPDATE posts SET pushed = 0 WHERE author = ? AND post_id = ? AND pushed = 1', [post.author, post.post_id]);
  } else {
    pushToFollowers(db, post, true);
  }
}

function postsAfter(db: ReadStoreDb, position: number, author?: string): Post[] {
  const rows =
    author === undefined
      ? db.all('SELECT post_id, author, text, position, at FROM posts WHERE position > ?', [position])
      : db.all('SELECT post_id, author, text, position, at FROM posts WHERE author = ? AND position > ?', [author, position]);
  return rows as unknown as Post[];
}

export const feedHybrid: ProjectionDefinition = {
  name: 'feedHybrid',
  description: 'Home feed, hybrid: posts of authors below the celebrity threshold are pushed, a celebrity’s posts are pulled when read.',
  fanOut: 'hybrid',
  schema: [FOLLOWS, FOLLOWERS_INDEX, POSTS, POSTS_INDEX, TIMELINE, TIMELINE_INDEX, THRESHOLDS],
  handles: ['Followed', 'PostPublished', 'FeedConfigured'],
  apply(db, e) {
    if (e.type === 'Followed') {
      const f = follow(db, e);
      // Later posts of the followee now count one more follower: settle them again.
      for (const post of postsAfter(db, f.position, f.followee)) settlePost(db, post);
    } else if (e.type === 'PostPublished') {
      settlePost(db, storePost(db, e));
    } else if (e.type === 'FeedConfigured') {
      db.run('INSERT INTO feed_thresholds (position, threshold) VALUES (?, ?) ON CONFLICT DO NOTHING', [e.position, e.data['celebrityThreshold'] as number]);
      for (const post of postsAfter(db, e.position)) settlePost(db, post);
    }
  },
};

// ── queries ───────────────────────────────────────────────────────────────

function timeline(db: ReadStoreDb, userId: string, limit: number): ReturnType<typeof rowToPost>[] {
  return db
    .all('SELECT post_id, author, text, position, at FROM timeline WHERE user_id = ? ORDER BY position DESC LIMIT ?', [userId, limit])
    .map(rowToPost);
}

export const feedQueries: QuerySpec[] = [
  {
    type: 'GetFeedPush',
    projection: 'feedPush',
    description: 'A user’s home feed from the push (fan-out on write) read model: one read of their timeline.',
    fields: [userIdField, limitField],
    run: (db, p) => timeline(db, p['userId'] as string, limitOf(p)),
  },
  {
    type: 'GetFeedPull',
    projection: 'feedPull',
    description: 'A user’s home feed from the pull (fan-out on read) read model: their followees, then each one’s posts.',
    fields: [userIdField, limitField],
    run: (db, p) => pull(db, p['userId'] as string, limitOf(p), false).sort(newestFirst).slice(0, limitOf(p)),
  },
  {
    type: 'GetFeedHybrid',
    projection: 'feedHybrid',
    description: 'A user’s home feed from the hybrid read model: their timeline plus the posts of the celebrities they follow.',
    fields: [userIdField, limitField],
    run: (db, p) => {
      const userId = p['userId'] as string;
      const limit = limitOf(p);
      return [...timeline(db, userId, limit), ...pull(db, userId, limit, true)].sort(newestFirst).slice(0, limit);
    },
  },
  {
    type: 'GetFollowCounts',
    projection: 'feedHybrid',
    description: 'How many followers a user has and how many accounts they follow.',
    fields: [userIdField],
    run: (db, p) => {
      const userId = p['userId'] as string;
      const followers = db.get('SELECT COUNT(*) AS n FROM follows WHERE followee = ?', [userId])?.['n'] ?? 0;
      const following = db.get('SELECT COUNT(*) AS n FROM follows WHERE follower = ?', [userId])?.['n'] ?? 0;
      return { userId, followers, following };
    },
  },
];
