// An independent oracle for every projection of every domain: the rows each
// read-model table must hold, folded from the event log with plain
// TypeScript (maps and arithmetic, no SQL, no projection code). "Converges to
// a replay" compares the live store with the same projection code run again,
// so a wrong `apply` agrees with itself; this compares it with what the
// events say.
//
// The oracle folds the log in position order, which is the order a replay
// uses; the projections promise the same rows for any delivery order their
// guards allow, so a drained live store must match it too.
import { expect } from 'vitest';
import type { Engine } from '../../../src/engine/engine.ts';
import { tablesOf } from '../../../src/engine/read/readStoreTables.ts';
import type { EventEnvelope } from '../../../src/engine/vocabulary/envelope.ts';
import { sqlJs } from './helpers.ts';

type Value = string | number | null;
export type Row = Record<string, Value>;
/** Table name → its rows (any order). */
export type Tables = Record<string, Row[]>;

const CHECKPOINT_TABLES = new Set(['checkpoint', 'stream_checkpoints', 'projection_checkpoints', 'projection_stream_checkpoints']);

const str = (e: EventEnvelope, key: string): string => e.data[key] as string;
const num = (e: EventEnvelope, key: string): number => e.data[key] as number;
const at = (e: EventEnvelope): number => e.metadata.recordedAt;

// ── commerce ───────────────────────────────────────────────────────────────

function catalogue(events: readonly EventEnvelope[]): Tables {
  const rows = new Map<string, Row & { stock: number; reserved_units: number; units_sold: number; open_orders: number }>();
  for (const e of events) {
    const sku = str(e, 'sku');
    const row = rows.get(sku);
    if (e.type === 'ProductAdded') {
      if (row)
        Object.assign(row, {
          name: str(e, 'name'),
          category: str(e, 'category'),
          price_cents: num(e, 'priceCents'),
          stock: num(e, 'stock'),
        });
      else
        rows.set(sku, {
          sku,
          name: str(e, 'name'),
          category: str(e, 'category'),
          price_cents: num(e, 'priceCents'),
          stock: num(e, 'stock'),
          reserved_units: 0,
          units_sold: 0,
          open_orders: 0,
          updated_at: at(e),
        });
      continue;
    }
    if (!row) continue;
    const q = (e.data['quantity'] as number | undefined) ?? 0;
    switch (e.type) {
      case 'ProductRestocked':
        row.stock += q;
        break;
      case 'PriceChanged':
        row['price_cents'] = num(e, 'toCents');
        break;
      case 'OrderPlaced':
        row.stock -= q;
        row.units_sold += q;
        row.open_orders += 1;
        break;
      case 'OrderCancelled':
        row.stock += q;
        row.units_sold -= q;
        row.open_orders -= 1;
        break;
      case 'StockReserved':
        row.stock -= q;
        row.reserved_units += q;
        break;
      case 'StockReleased':
        row.stock += q;
        row.reserved_units -= q;
        break;
      default:
        continue;
    }
    row['updated_at'] = at(e);
  }
  return { catalogue: [...rows.values()] };
}

function orderSummary(events: readonly EventEnvelope[]): Tables {
  const lines = new Map<string, Row>();
  const orders = new Map<
    string,
    { order_id: string; lines: number; open_lines: number; items: number; total_cents: number; placed_at: number; updated_at: number }
  >();
  for (const e of events) {
    const orderId = str(e, 'orderId');
    const key = `${orderId}\u0000${str(e, 'sku')}`;
    if (e.type === 'OrderPlaced') {
      lines.set(key, {
        order_id: orderId,
        sku: str(e, 'sku'),
        customer_id: str(e, 'customerId'),
        product_name: str(e, 'productName'),
        quantity: num(e, 'quantity'),
        unit_price_cents: num(e, 'unitPriceCents'),
        total_cents: num(e, 'totalCents'),
        status: 'placed',
        placed_at: at(e),
        cancelled_at: null,
      });
      const o = orders.get(orderId);
      if (!o)
        orders.set(orderId, {
          order_id: orderId,
          lines: 1,
          open_lines: 1,
          items: num(e, 'quantity'),
          total_cents: num(e, 'totalCents'),
          placed_at: at(e),
          updated_at: at(e),
        });
      else
        Object.assign(o, {
          lines: o.lines + 1,
          open_lines: o.open_lines + 1,
          items: o.items + num(e, 'quantity'),
          total_cents: o.total_cents + num(e, 'totalCents'),
          placed_at: Math.min(o.placed_at, at(e)),
          updated_at: Math.max(o.updated_at, at(e)),
        });
    } else if (e.type === 'OrderCancelled') {
      const line = lines.get(key);
      if (line) Object.assign(line, { status: 'cancelled', cancelled_at: at(e) });
      const o = orders.get(orderId);
      if (o)
        Object.assign(o, {
          open_lines: o.open_lines - 1,
          items: o.items - num(e, 'quantity'),
          total_cents: o.total_cents - num(e, 'refundCents'),
          updated_at: Math.max(o.updated_at, at(e)),
        });
    }
  }
  return { order_summary: [...orders.values()], order_lines: [...lines.values()] };
}

function customerOrders(events: readonly EventEnvelope[]): Tables {
  const orders = new Map<string, Row>();
  const customers = new Map<string, { customer_id: string; orders_placed: number; orders_cancelled: number; total_spent_cents: number }>();
  for (const e of events) {
    if (e.type !== 'OrderPlaced' && e.type !== 'OrderCancelled') continue;
    const customerId = str(e, 'customerId');
    const key = [customerId, str(e, 'orderId'), str(e, 'sku')].join('\u0000');
    if (e.type === 'OrderPlaced') {
      if (!orders.has(key)) {
        orders.set(key, {
          customer_id: customerId,
          order_id: str(e, 'orderId'),
          sku: str(e, 'sku'),
          product_name: str(e, 'productName'),
          quantity: num(e, 'quantity'),
          total_cents: num(e, 'totalCents'),
          status: 'placed',
          placed_at: at(e),
        });
      }
      const c = customers.get(customerId) ?? { customer_id: customerId, orders_placed: 0, orders_cancelled: 0, total_spent_cents: 0 };
      c.orders_placed += 1;
      c.total_spent_cents += num(e, 'totalCents');
      customers.set(customerId, c);
    } else {
      const o = orders.get(key);
      if (o) o['status'] = 'cancelled';
      const c = customers.get(customerId);
      if (c) {
        c.orders_cancelled += 1;
        c.total_spent_cents -= num(e, 'refundCents');
      }
    }
  }
  return { customer_orders: [...orders.values()], customers: [...customers.values()] };
}

const CHECKOUT_FLAGS: Record<string, string> = {
  StockReserved: 'reserved',
  StockReleased: 'released',
  PaymentCharged: 'charged',
  PaymentDeclined: 'declined',
  PaymentRefunded: 'refunded',
  OrderConfirmed: 'confirmed',
  CheckoutCancelled: 'cancelled',
};

function checkouts(events: readonly EventEnvelope[]): Tables {
  const rows = new Map<string, Row>();
  for (const e of events) {
    const flag = CHECKOUT_FLAGS[e.type];
    if (e.type !== 'CheckoutStarted' && flag === undefined) continue;
    const orderId = str(e, 'orderId');
    let row = rows.get(orderId);
    if (!row) {
      row = {
        order_id: orderId,
        customer_id: null,
        sku: null,
        quantity: null,
        amount_cents: null,
        reserved: 0,
        released: 0,
        charged: 0,
        declined: 0,
        refunded: 0,
        confirmed: 0,
        cancelled: 0,
        reason: null,
        started_at: null,
      };
      rows.set(orderId, row);
    }
    if (e.type === 'CheckoutStarted')
      Object.assign(row, { customer_id: str(e, 'customerId'), sku: str(e, 'sku'), quantity: num(e, 'quantity'), started_at: at(e) });
    if (flag !== undefined) row[flag] = 1;
    if (e.type === 'PaymentCharged' || e.type === 'PaymentDeclined') row['amount_cents'] = num(e, 'amountCents');
    if (e.type === 'CheckoutCancelled') row['reason'] = str(e, 'reason');
  }
  return { checkouts: [...rows.values()] };
}

// ── banking ────────────────────────────────────────────────────────────────

/** Signed amount of a movement; undefined for an event that moves no money. */
function movement(e: EventEnvelope): number | undefined {
  if (e.type === 'MoneyDeposited' || e.type === 'TransferReceived') return num(e, 'amountCents');
  if (e.type === 'MoneyWithdrawn' || e.type === 'TransferSent') return -num(e, 'amountCents');
  return undefined;
}

function balance(events: readonly EventEnvelope[]): Tables {
  const rows = new Map<
    string,
    { account_id: string; owner: string; balance_cents: number; overdraft_limit_cents: number; movements: number; updated_at: number }
  >();
  for (const e of events) {
    const id = str(e, 'accountId');
    if (e.type === 'AccountOpened') {
      if (!rows.has(id))
        rows.set(id, {
          account_id: id,
          owner: str(e, 'owner'),
          balance_cents: 0,
          overdraft_limit_cents: num(e, 'overdraftLimitCents'),
          movements: 0,
          updated_at: at(e),
        });
      continue;
    }
    const amount = movement(e);
    const row = rows.get(id);
    if (amount === undefined || !row) continue;
    row.balance_cents += amount;
    row.movements += 1;
    row.updated_at = at(e);
  }
  return { account_balances: [...rows.values()] };
}

function statementDescription(e: EventEnvelope): { description: string; counterparty: string | null } {
  switch (e.type) {
    case 'MoneyDeposited':
      return { description: 'Deposit', counterparty: null };
    case 'MoneyWithdrawn':
      return { description: 'Withdrawal', counterparty: null };
    case 'TransferSent':
      return { description: `Transfer ${str(e, 'transferId')} to ${str(e, 'toAccountId')}`, counterparty: str(e, 'toAccountId') };
    default:
      return { description: `Transfer ${str(e, 'transferId')} from ${str(e, 'fromAccountId')}`, counterparty: str(e, 'fromAccountId') };
  }
}

function statement(events: readonly EventEnvelope[]): Tables {
  const accounts = new Map<string, { account_id: string; owner: string; balance_cents: number }>();
  const running = new Map<string, number>();
  const lines: Row[] = [];
  for (const e of events) {
    const id = str(e, 'accountId');
    if (e.type === 'AccountOpened') {
      if (!accounts.has(id)) accounts.set(id, { account_id: id, owner: str(e, 'owner'), balance_cents: 0 });
      continue;
    }
    const amount = movement(e);
    if (amount === undefined) continue;
    const after = (running.get(id) ?? 0) + amount;
    running.set(id, after);
    const account = accounts.get(id);
    if (account) account.balance_cents = after;
    lines.push({
      account_id: id,
      line: e.version,
      at: at(e),
      ...statementDescription(e),
      amount_cents: amount,
      balance_after_cents: after,
    });
  }
  return { statement_lines: lines, statement_accounts: [...accounts.values()] };
}

// ── social ─────────────────────────────────────────────────────────────────

interface Follow {
  follower: string;
  followee: string;
  position: number;
}
interface Post {
  author: string;
  post_id: string;
  text: string;
  position: number;
  at: number;
}

function socialFacts(events: readonly EventEnvelope[]): {
  follows: Follow[];
  posts: Post[];
  thresholds: { position: number; threshold: number }[];
} {
  const follows = new Map<string, Follow>();
  const posts = new Map<string, Post>();
  const thresholds: { position: number; threshold: number }[] = [];
  for (const e of events) {
    if (e.type === 'Followed') {
      const key = `${str(e, 'followerId')}\u0000${str(e, 'followeeId')}`;
      if (!follows.has(key)) follows.set(key, { follower: str(e, 'followerId'), followee: str(e, 'followeeId'), position: e.position });
    } else if (e.type === 'PostPublished') {
      const key = `${str(e, 'userId')}\u0000${str(e, 'postId')}`;
      if (!posts.has(key))
        posts.set(key, { author: str(e, 'userId'), post_id: str(e, 'postId'), text: str(e, 'text'), position: e.position, at: at(e) });
    } else if (e.type === 'FeedConfigured') {
      thresholds.push({ position: e.position, threshold: num(e, 'celebrityThreshold') });
    }
  }
  return { follows: [...follows.values()], posts: [...posts.values()], thresholds };
}

/** Who sees a post: the author's followers who followed before it was published. */
const readersOf = (follows: readonly Follow[], post: Post): string[] =>
  follows.filter((f) => f.followee === post.author && f.position < post.position).map((f) => f.follower);

const timelineRows = (follows: readonly Follow[], posts: readonly Post[]): Row[] =>
  posts.flatMap((p) =>
    readersOf(follows, p).map((user_id) => ({
      user_id,
      post_id: p.post_id,
      author: p.author,
      text: p.text,
      position: p.position,
      at: p.at,
    })),
  );

const followRows = (follows: readonly Follow[]): Row[] => follows.map((f) => ({ ...f }));

function feedPush(events: readonly EventEnvelope[]): Tables {
  const { follows, posts } = socialFacts(events);
  return {
    push_follows: followRows(follows),
    push_posts: posts.map((p) => ({ ...p, pushed: 0 })),
    push_timeline: timelineRows(follows, posts),
  };
}

function feedPull(events: readonly EventEnvelope[]): Tables {
  const { follows, posts } = socialFacts(events);
  return { pull_follows: followRows(follows), pull_posts: posts.map((p) => ({ ...p, pushed: 0 })) };
}

/** The hybrid feed's default celebrity threshold (DEFAULT_CELEBRITY_THRESHOLD in the domain), restated here. */
const DEFAULT_THRESHOLD = 100;

function feedHybrid(events: readonly EventEnvelope[]): Tables {
  const { follows, posts, thresholds } = socialFacts(events);
  // A post is pushed unless its author had at least the threshold in force when it was published in followers by then.
  const thresholdAt = (position: number): number => thresholds.filter((t) => t.position < position).at(-1)?.threshold ?? DEFAULT_THRESHOLD;
  const pushed = posts.filter((p) => readersOf(follows, p).length < thresholdAt(p.position));
  return {
    hybrid_follows: followRows(follows),
    hybrid_posts: posts.map((p) => ({ ...p, pushed: pushed.includes(p) ? 1 : 0 })),
    hybrid_timeline: timelineRows(follows, pushed),
    hybrid_feed_thresholds: thresholds.map((t) => ({ ...t })),
  };
}

// ── work items ─────────────────────────────────────────────────────────────

interface Card {
  item_id: string;
  board_id: string;
  title: string;
  kind: string;
  column_name: string;
  assignee: string | null;
  points: number | null;
  closed: number;
  version: number;
  updated_at: number;
}

function board(events: readonly EventEnvelope[]): Tables {
  const cards = new Map<string, Card>();
  // Every (board, column) a card has stood in keeps a row, at zero once it is empty.
  const visited = new Set<string>();
  for (const e of events) {
    const id = str(e, 'itemId');
    let card = cards.get(id);
    if (e.type === 'WorkItemCreated') {
      card = {
        item_id: id,
        board_id: str(e, 'boardId'),
        title: str(e, 'title'),
        kind: str(e, 'kind'),
        column_name: str(e, 'column'),
        assignee: null,
        points: (e.data['points'] as number | null) ?? null,
        closed: 0,
        version: 0,
        updated_at: 0,
      };
      cards.set(id, card);
    } else if (!card) continue;
    else if (e.type === 'WorkItemMoved') card.column_name = str(e, 'toColumn');
    else if (e.type === 'WorkItemAssigned') card.assignee = str(e, 'assignee');
    else if (e.type === 'WorkItemEstimated') card.points = num(e, 'points');
    else if (e.type === 'WorkItemClosed') Object.assign(card, { column_name: 'done', closed: 1 });
    else continue;
    card.version = e.version;
    card.updated_at = at(e);
    visited.add(`${card.board_id}\u0000${card.column_name}`);
  }
  const columns = [...visited].map((key) => {
    const [board_id, column_name] = key.split('\u0000') as [string, string];
    const here = [...cards.values()].filter((c) => c.board_id === board_id && c.column_name === column_name);
    return { board_id, column_name, cards: here.length, points: here.reduce((sum, c) => sum + (c.points ?? 0), 0) };
  });
  return { board_cards: [...cards.values()].map((c) => ({ ...c })), board_columns: columns };
}

function boardNormalized(events: readonly EventEnvelope[]): Tables {
  const items = new Map<string, Row>();
  const columns: Row[] = [];
  const assignments: Row[] = [];
  const estimates: Row[] = [];
  for (const e of events) {
    const item_id = str(e, 'itemId');
    const entered = (column_name: string) => columns.push({ item_id, version: e.version, column_name, entered_at: at(e) });
    switch (e.type) {
      case 'WorkItemCreated':
        items.set(item_id, {
          item_id,
          board_id: str(e, 'boardId'),
          title: str(e, 'title'),
          kind: str(e, 'kind'),
          created_at: at(e),
          closed_at: null,
        });
        entered(str(e, 'column'));
        if (e.data['points'] !== null && e.data['points'] !== undefined)
          estimates.push({ item_id, version: e.version, points: num(e, 'points'), estimated_at: at(e) });
        break;
      case 'WorkItemMoved':
        entered(str(e, 'toColumn'));
        break;
      case 'WorkItemAssigned':
        assignments.push({ item_id, version: e.version, assignee: str(e, 'assignee'), assigned_at: at(e) });
        break;
      case 'WorkItemEstimated':
        estimates.push({ item_id, version: e.version, points: num(e, 'points'), estimated_at: at(e) });
        break;
      case 'WorkItemClosed': {
        const item = items.get(item_id);
        if (item) item['closed_at'] = at(e);
        if (str(e, 'fromColumn') !== 'done') entered('done');
        break;
      }
    }
  }
  return { work_items: [...items.values()], column_history: columns, assignments, estimates };
}

/** Every projection's oracle, by projection name. */
export const ORACLES: Record<string, (events: readonly EventEnvelope[]) => Tables> = {
  catalogue,
  orderSummary,
  customerOrders,
  checkouts,
  balance,
  statement,
  feedPush,
  feedPull,
  feedHybrid,
  board,
  boardNormalized,
};

/** Rows in a stable order with their keys sorted, so two tables compare by content. */
export function canonical(rows: readonly Row[]): Row[] {
  return rows
    .map((r) => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as Row)
    .sort((a, b) => {
      const x = JSON.stringify(a);
      const y = JSON.stringify(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
}

/** A projection's live tables as rows (checkpoint tables left out). */
export async function liveTables(engine: Engine, projection: string): Promise<Tables> {
  const def = engine.domain.projections.find((p) => p.name === projection);
  if (!def) throw new Error(`no projection ${projection}`);
  const out: Tables = {};
  for (const table of tablesOf(await sqlJs(), def).filter((t) => !CHECKPOINT_TABLES.has(t))) {
    const r = await engine.readOnlySql(projection, `SELECT * FROM "${table}"`);
    expect(r.truncated).toBe(false);
    out[table] = r.rows.map((values) => Object.fromEntries(r.columns.map((c, i) => [c, values[i] as Value])));
  }
  return out;
}

/** What the oracle expects of every projection of `engine`'s domain, from `events` (default: the whole log). */
export async function expectedTables(engine: Engine, events?: readonly EventEnvelope[]): Promise<Record<string, Tables>> {
  const log = events ?? (await engine.readAll(1, 1_000_000));
  const out: Record<string, Tables> = {};
  for (const p of engine.domain.projections) {
    const oracle = ORACLES[p.name];
    if (!oracle) throw new Error(`No oracle for projection '${p.name}': add one to test/engine/oracle.ts.`);
    // The whole log: the oracle picks the events it needs itself, so a projection that forgets an event type is caught.
    out[p.name] = oracle(log);
  }
  return out;
}

/** Every live read model equals the oracle's rows, table by table. */
export async function expectMatchesOracle(engine: Engine): Promise<void> {
  const expected = await expectedTables(engine);
  for (const p of engine.domain.projections) {
    const live = await liveTables(engine, p.name);
    const want = expected[p.name]!;
    expect(Object.keys(live).sort(), `${p.name}: tables`).toEqual(Object.keys(want).sort());
    for (const table of Object.keys(want)) expect(canonical(live[table]!), `${p.name}.${table}`).toEqual(canonical(want[table]!));
  }
}
