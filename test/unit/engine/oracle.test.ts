// Every projection of every domain, checked against rows computed straight
// from the events (test/engine/oracle.ts), after histories that touch each
// event type; and a proof that the oracle sees a wrong projection that a
// comparison with a replay cannot.
import { describe, expect, it } from 'vitest';
import type { DomainDefinition, ProjectionDefinition } from '../../../src/engine/domain.ts';
import type { Engine } from '../../../src/engine/engine.ts';
import type { SettingsPatch } from '../../../src/engine/settings.ts';
import { banking } from '../../../src/domain/banking/index.ts';
import { commerce } from '../../../src/domain/commerce/index.ts';
import { social } from '../../../src/domain/social/index.ts';
import { workItems } from '../../../src/domain/workItems/index.ts';
import { engineFor, liveDumps, replayedFromScratch } from './helpers.ts';
import { expectMatchesOracle, expectedTables, ORACLES } from './oracle.ts';

type Input = { type: string; data: Record<string, unknown> };

/** Commands of one history, each one must be accepted. */
async function run(engine: Engine, commands: readonly Input[]): Promise<void> {
  for (const c of commands) {
    const r = await engine.execute(c);
    expect(r.ok, `${c.type} ${JSON.stringify(c.data)}: ${JSON.stringify(r)}`).toBe(true);
  }
  await engine.runUntilIdle();
}

// Some latency and reordering, so the live stores are not built in log order.
const BUSY: SettingsPatch = {
  bus: { latencyMs: 5, jitterMs: 20, reorder: true, orderedPartitions: false },
  costs: { commandMs: 1, projectMs: 1, queryMs: 0 },
};

const product = (sku: string, stock: number, category?: string): Input => ({
  type: 'AddProduct',
  data: { sku, name: `P${sku}`, priceCents: 250, stock, ...(category ? { category } : {}) },
});
const order = (orderId: string, customerId: string, sku: string, quantity: number): Input => ({
  type: 'PlaceOrder',
  data: { orderId, customerId, sku, quantity },
});
const checkout = (orderId: string, sku: string, card: string): Input => ({
  type: 'Checkout',
  data: { orderId, customerId: 'cy', sku, quantity: 1, card },
});

const commerceHistory: Input[] = [
  product('A', 10, 'keyboards'),
  product('B', 3),
  order('o1', 'ada', 'A', 2),
  { type: 'ChangePrice', data: { sku: 'A', priceCents: 300 } },
  order('o1', 'ada', 'B', 1), // a second line of o1, at another price
  order('o2', 'bob', 'A', 3),
  { type: 'RestockProduct', data: { sku: 'B', quantity: 4 } },
  { type: 'CancelOrder', data: { orderId: 'o1', sku: 'A' } },
  { type: 'CancelOrder', data: { orderId: 'o2', sku: 'A' } },
  order('o3', 'ada', 'B', 2),
  checkout('k1', 'A', '4242424242424242'), // completes
  checkout('k2', 'B', '4000000000000002'), // declined: stock released, checkout cancelled
];

const open = (accountId: string, limit = 0): Input => ({
  type: 'OpenAccount',
  data: { accountId, owner: accountId.toUpperCase(), overdraftLimitCents: limit },
});
const bankingHistory: Input[] = [
  open('a', 50),
  open('b'),
  { type: 'Deposit', data: { accountId: 'a', amountCents: 100 } },
  { type: 'Withdraw', data: { accountId: 'a', amountCents: 130 } }, // into the overdraft
  { type: 'Deposit', data: { accountId: 'b', amountCents: 40 } },
  { type: 'Transfer', data: { transferId: 't1', fromAccountId: 'b', toAccountId: 'a', amountCents: 25 } },
  { type: 'Transfer', data: { transferId: 't2', fromAccountId: 'a', toAccountId: 'b', amountCents: 5 } },
  open('c'),
];

const follow = (followerId: string, followeeId: string): Input => ({ type: 'Follow', data: { followerId, followeeId } });
const post = (userId: string, postId: string): Input => ({
  type: 'PublishPost',
  data: { userId, postId, text: `${userId} says ${postId}` },
});
const socialHistory: Input[] = [
  post('u1', 'p0'), // before anyone follows u1: nobody sees it
  follow('u2', 'u1'),
  follow('u3', 'u1'),
  post('u1', 'p1'),
  { type: 'ConfigureFeed', data: { celebrityThreshold: 3 } },
  { type: 'GainFollowers', data: { followeeId: 'u1', prefix: 'fan', count: 1 } }, // u1 now has 3 followers, exactly the threshold: a celebrity
  post('u1', 'p2'), // pulled in the hybrid feed
  post('u2', 'p1'), // another author's p1
  follow('u1', 'u2'),
  post('u2', 'p2'),
  { type: 'ConfigureFeed', data: { celebrityThreshold: 10 } },
  post('u1', 'p3'), // pushed again
];

const create = (itemId: string, extra: Record<string, unknown> = {}): Input => ({
  type: 'CreateWorkItem',
  data: { itemId, title: `Item ${itemId}`, kind: 'story', boardId: 'team-a', ...extra },
});
const workItemsHistory: Input[] = [
  create('w1', { points: 3 }),
  create('w2', { column: 'todo' }),
  create('w3', { boardId: 'team-b', kind: 'bug', points: 1 }),
  { type: 'AssignWorkItem', data: { itemId: 'w1', assignee: 'ada' } },
  { type: 'MoveWorkItem', data: { itemId: 'w1', toColumn: 'doing' } },
  { type: 'EstimateWorkItem', data: { itemId: 'w1', points: 5 } },
  { type: 'MoveWorkItem', data: { itemId: 'w1', toColumn: 'review' } },
  { type: 'AssignWorkItem', data: { itemId: 'w1', assignee: 'bob' } },
  { type: 'CloseWorkItem', data: { itemId: 'w1' } }, // review → done
  { type: 'MoveWorkItem', data: { itemId: 'w2', toColumn: 'done' } },
  { type: 'CloseWorkItem', data: { itemId: 'w2' } }, // already in done
  { type: 'EstimateWorkItem', data: { itemId: 'w3', points: 8 } },
];

const cases: [string, DomainDefinition, Input[]][] = [
  ['commerce', commerce, commerceHistory],
  ['banking', banking, bankingHistory],
  ['social', social, socialHistory],
  ['workItems', workItems, workItemsHistory],
];

describe('the oracle', () => {
  it('has an oracle for every projection of every domain', () => {
    for (const [, domain] of cases) for (const p of domain.projections) expect(Object.keys(ORACLES)).toContain(p.name);
  });

  it.each(cases)('%s: every live read model holds the rows the events call for', async (_, domain, history) => {
    for (const settings of [{}, BUSY, { ...BUSY, separationLevel: 1 as const }]) {
      const engine = await engineFor(domain, settings, 7);
      await run(engine, history);
      await expectMatchesOracle(engine);
      // The oracle has something to compare: every table of every projection has rows.
      for (const [name, tables] of Object.entries(await expectedTables(engine))) {
        for (const [table, rows] of Object.entries(tables)) expect(rows.length, `${name}.${table}`).toBeGreaterThan(0);
      }
      engine.close();
    }
  });

  it('spot checks: the oracle says what the domain means', async () => {
    const c = await engineFor(commerce, {}, 7);
    await run(c, commerceHistory);
    const t = await expectedTables(c);
    expect(t['catalogue']!['catalogue']!.find((r) => r['sku'] === 'A')).toMatchObject({
      price_cents: 300,
      stock: 10 - 1,
      units_sold: 0,
      open_orders: 0,
      reserved_units: 1,
    });
    expect(t['orderSummary']!['order_summary']!.find((r) => r['order_id'] === 'o1')).toMatchObject({
      lines: 2,
      open_lines: 1,
      items: 1,
      total_cents: 250,
    });
    expect(t['checkouts']!['checkouts']!.map((r) => [r['order_id'], r['confirmed'], r['declined'], r['released'], r['cancelled']])).toEqual(
      [
        ['k1', 1, 0, 0, 0],
        ['k2', 0, 1, 1, 1],
      ],
    );
    c.close();
    const s = await engineFor(social, {}, 7);
    await run(s, socialHistory);
    const feeds = await expectedTables(s);
    const timeline = (table: string) =>
      feeds[table.split('_')[0] === 'push' ? 'feedPush' : 'feedHybrid']![table]!.filter((r) => r['user_id'] === 'u2')
        .map((r) => `${r['author']}/${r['post_id']}`)
        .sort();
    expect(timeline('push_timeline')).toEqual(['u1/p1', 'u1/p2', 'u1/p3']);
    expect(timeline('hybrid_timeline')).toEqual(['u1/p1', 'u1/p3']);
    s.close();
  });

  it('catches a wrong projection that a comparison with a replay of the same code cannot', async () => {
    // A bug: withdrawals are added instead of subtracted.
    const wrongBalance: ProjectionDefinition = {
      ...banking.projections[0]!,
      apply(db, event) {
        banking.projections[0]!.apply(db, event.type === 'MoneyWithdrawn' ? { ...event, type: 'MoneyDeposited' } : event);
      },
    };
    expect(wrongBalance.name).toBe('balance');
    const buggy: DomainDefinition = { ...banking, projections: [wrongBalance, ...banking.projections.slice(1)] };
    const engine = await engineFor(buggy, BUSY, 7);
    await run(engine, bankingHistory);
    expect(await liveDumps(engine)).toEqual(await replayedFromScratch(engine));
    await expect(expectMatchesOracle(engine)).rejects.toThrow(/balance\.account_balances/);
    engine.close();
  });
});
