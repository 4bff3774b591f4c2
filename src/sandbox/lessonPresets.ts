// The sandboxes embedded in lessons, by name. Each one is set up to show one
// mechanism, with only the panels that mechanism needs (a lesson page stays
// light) and a short script of ordinary intents that prepares the data the
// lesson's steps use (the forms are prefilled with the same ids: product
// KB-42, order o-1001, customer ada, account acc-1). Every setting and intent
// here is a real engine setting or intent; the lesson text says what to click.
// `controls` keeps the controls panel to the one or two the lesson talks
// about, and `running` starts time so the learner sees things happen at once.
import type { Intent, ScriptEntry } from '../engine/index.ts';
import type { SandboxPreset } from './presets.ts';

// 10 virtual ms apart: intents at the same instant would all load before the first one appends.
const at0 = (...intents: Intent[]): ScriptEntry[] => intents.map((intent, i) => ({ at: i * 10, intent }));
const command = (type: string, data: Record<string, unknown>, commandId?: string): Intent => ({
  kind: 'command',
  command: commandId ? { type, data, commandId } : { type, data },
});

const keyboard = command('AddProduct', {
  sku: 'KB-42',
  name: 'Mechanical keyboard',
  priceCents: 4999,
  stock: 100,
  category: 'peripherals',
});
// Stock for a long burst from the load generator.
const bigStock = command('AddProduct', {
  sku: 'KB-42',
  name: 'Mechanical keyboard',
  priceCents: 4999,
  stock: 100000,
  category: 'peripherals',
});
const account = [
  command('OpenAccount', { accountId: 'acc-1', owner: 'Ada Lovelace', overdraftLimitCents: 0 }),
  command('Deposit', { accountId: 'acc-1', amountCents: 10000 }),
];
const orders = (count: number): Intent[] =>
  Array.from({ length: count }, (_, i) =>
    command('PlaceOrder', {
      orderId: `o-${i + 1}`,
      customerId: i % 3 === 0 ? 'ada' : i % 3 === 1 ? 'grace' : 'alan',
      sku: 'KB-42',
      quantity: 1,
    }),
  );

export const LESSON_PRESETS = {
  // Building one: one account, so a Deposit can be followed from command to query
  // in the sequence diagram and the event log.
  'building-one': { domain: 'banking', seed: 42, script: at0(...account), panels: ['commands', 'diagram', 'log'], running: true },

  // Why CRUD breaks: the load slider drives a stream of commands, half of
  // them orders for one hot product with 200 units. Each command takes 5 ms
  // on its stream, so the hot product serves about 200 orders a second: above
  // that, orders meet version conflicts, retry, and some fail; once the stock
  // is gone the rest are refused with OutOfStock. The other half spread over
  // many products and never wait. Projections at 2 ms per event fall behind
  // at high rates: the read side absorbs the spike as lag. Snapshots every 25
  // events keep the hot stream cheap to load.
  'flash-sale': {
    domain: 'commerce',
    seed: 7,
    settings: { costs: { commandMs: 5, projectMs: 2 }, snapshots: { every: 25 } },
    loadShape: { hotShare: 0.5, hotStock: 200 },
    panels: ['controls', 'charts', 'window'],
    controls: ['load'],
    running: true,
  },

  // Commands: idempotency by commandId. The terminal can repeat a command
  // with the same id (--id); switching idempotency off double-books it.
  'idempotent-withdraw': { domain: 'banking', seed: 42, script: at0(...account), panels: ['terminal', 'log'], running: true },

  // Queries: a fresh order is not in the read model yet. Bus latency 3 s
  // (slow enough for a person to reach the query form in time), so an
  // eventual read right after the command finds nothing, a token read waits.
  'fresh-404': {
    domain: 'commerce',
    seed: 42,
    settings: { bus: { latencyMs: 3000, jitterMs: 0 } },
    script: at0(keyboard),
    panels: ['controls', 'commands', 'queries'],
    controls: ['latency'],
    running: true,
  },

  // Projections: the bus delivers 30% of events twice. With the dedupe guard
  // on the catalogue skips them; with it off, restocks are counted twice.
  'projection-duplicates': {
    domain: 'commerce',
    seed: 42,
    settings: { bus: { duplicateProbability: 0.3 } },
    script: at0(keyboard),
    panels: ['controls', 'commands', 'queries', 'projections'],
    controls: ['duplicates', 'dedupe'],
    running: true,
  },

  // Projections: crash one projection under load, resume, watch it catch up
  // from its checkpoint (and rebuild to compare).
  'crash-resume': {
    domain: 'commerce',
    seed: 42,
    script: at0(keyboard),
    panels: ['controls', 'projections', 'charts'],
    controls: ['load'],
    running: true,
  },

  // Projections: the checkpoint saved in a transaction of its own. The
  // terminal arms a crash that strikes after the rows commit and before the
  // checkpoint; resuming applies the same orders twice.
  'checkpoint-apart': { domain: 'commerce', seed: 42, script: at0(keyboard), panels: ['terminal', 'projections'], running: true },

  // Projections: one event, four read models, each with its own position. A
  // 1.5 s jitter at quarter speed makes each delivery land at its own time.
  'projection-fan-out': {
    domain: 'commerce',
    seed: 42,
    speed: 0.25,
    settings: { bus: { latencyMs: 200, jitterMs: 1500, reorder: true } },
    script: at0(keyboard),
    panels: ['commands', 'projections'],
    running: true,
  },

  // Projections: a rebuild replays 31 events in batches of 5. Once the live
  // stores have caught up (at 1 s), each event costs 100 ms, so a rebuild
  // takes about 3 s: long enough to query the old store while it runs.
  rebuild: {
    domain: 'commerce',
    seed: 42,
    settings: { projection: { replayBatchSize: 5 } },
    script: [...at0(keyboard, ...orders(30)), { at: 1000, intent: { kind: 'configure', settings: { costs: { projectMs: 100 } } } }],
    panels: ['projections', 'queries', 'tables'],
    running: true,
  },

  // Sync strategies: switch projections between asynchronous and
  // synchronous; a paused projection then blocks commands.
  'sync-vs-async': {
    domain: 'commerce',
    seed: 42,
    settings: { bus: { latencyMs: 300 }, costs: { projectMs: 10 } },
    script: at0(keyboard),
    panels: ['controls', 'commands', 'projections', 'window'],
    controls: ['sync-mode'],
    running: true,
  },

  // Eventual consistency: latency and load against the measured window, with
  // pause/crash to reproduce a deploy's sawtooth.
  'consistency-window': {
    domain: 'commerce',
    seed: 42,
    settings: { bus: { latencyMs: 200 } },
    panels: ['controls', 'window', 'projections', 'charts'],
    controls: ['load', 'latency', 'project-ms'],
    running: true,
  },

  // Living with eventual consistency: the same query under each client
  // strategy, after a write, with two seconds of bus latency (time to move
  // from the command form to the query form before the event lands).
  'consistency-strategies': {
    domain: 'commerce',
    seed: 42,
    settings: { bus: { latencyMs: 2000, jitterMs: 0 } },
    script: at0(keyboard),
    panels: ['commands', 'queries', 'guarantees'],
    running: true,
  },

  // Event sourcing: one account's history; the timeline scrubs the trace and
  // the terminal reads the stream and folds it with SQL up to a position.
  'time-travel': {
    domain: 'banking',
    seed: 42,
    script: [
      ...at0(...account),
      { at: 1000, intent: command('Withdraw', { accountId: 'acc-1', amountCents: 2500 }) },
      { at: 2000, intent: command('Deposit', { accountId: 'acc-1', amountCents: 4000 }) },
      { at: 3000, intent: command('Withdraw', { accountId: 'acc-1', amountCents: 7000 }) },
    ],
    panels: ['timeline', 'terminal'],
    // Running, so the last scripted Withdraw (at 3 s) runs at once instead of waiting for a "Run time" button the embed does not show.
    running: true,
  },

  // Failure modes: a double-clicked Place order. The orderId is chosen once
  // per checkout, so the second click is refused as DuplicateOrder.
  'double-click': {
    domain: 'commerce',
    seed: 42,
    settings: { bus: { latencyMs: 300 } },
    script: at0(keyboard),
    panels: ['commands', 'queries', 'log'],
    running: true,
  },

  // Schema evolution: two products imported as version 1 ProductAdded (no
  // category) beside one added today (version 2). Readers see them upcast;
  // the terminal imports another old event (`import … --schema-version=1`).
  upcasting: {
    domain: 'commerce',
    seed: 42,
    script: at0(
      {
        kind: 'import',
        events: [
          {
            streamId: 'product-OLD-1',
            type: 'ProductAdded',
            schemaVersion: 1,
            data: { sku: 'OLD-1', name: 'Ballpoint pen', priceCents: 150, stock: 40 },
          },
          {
            streamId: 'product-OLD-2',
            type: 'ProductAdded',
            schemaVersion: 1,
            data: { sku: 'OLD-2', name: 'Desk lamp', priceCents: 2900, stock: 8 },
          },
        ],
      },
      keyboard,
    ),
    panels: ['queries', 'terminal', 'projections', 'tables'],
    running: true,
  },

  // Shadow replay: the catalogue has two other versions of its code; build
  // one beside the live store, compare, flip and roll back from the terminal.
  'shadow-replay': {
    domain: 'commerce',
    seed: 42,
    script: at0(keyboard, ...orders(6), command('CancelOrder', { orderId: 'o-2', sku: 'KB-42' })),
    panels: ['terminal', 'projections'],
    running: true,
  },

  // Outbox: 20% of publishes crash. Dual write loses events for the bus and
  // projections stop below the hole (a later switch to the outbox cannot
  // fill it, so the outbox has an embed of its own, below).
  outbox: {
    domain: 'commerce',
    seed: 42,
    settings: { delivery: 'dualWrite', faults: { publishFailureProbability: 0.2 } },
    script: at0(bigStock),
    panels: ['controls', 'commands', 'projections'],
    controls: ['publish-failures', 'load'],
    running: true,
  },

  // Outbox: the same crashes with a transactional outbox. The relay runs
  // again and republishes; a repeat is skipped by the dedupe guard.
  'outbox-relay': {
    domain: 'commerce',
    seed: 42,
    settings: { delivery: 'outbox', faults: { publishFailureProbability: 0.2 } },
    script: at0(bigStock),
    panels: ['controls', 'commands', 'projections'],
    controls: ['publish-failures', 'load'],
    running: true,
  },

  // Sagas: checkouts with a gateway that declines half of the charges; the
  // checkouts read model and the log show compensation.
  saga: {
    domain: 'commerce',
    seed: 42,
    settings: { sagas: { failureProbability: 0.5 } },
    script: at0(keyboard),
    panels: ['commands', 'queries', 'log'],
    running: true,
  },

  // Real world: a celebrity with 2,000 followers. Projecting the follows is
  // free (so the embed opens settled); from 1 s on, each row a projection
  // writes costs 1 ms: push fan-out lags and pull does not.
  'feed-fan-out': {
    domain: 'social',
    seed: 42,
    settings: { costs: { projectMs: 0 } },
    script: [
      ...at0(
        command('RegisterUser', { userId: 'ada', name: 'Ada Lovelace' }),
        command('RegisterUser', { userId: 'bob', name: 'Bob Stone' }),
        command('GainFollowers', { followeeId: 'ada', prefix: 'fan', count: 2000 }),
        command('Follow', { followerId: 'fan1', followeeId: 'bob' }),
      ),
      { at: 1000, intent: { kind: 'configure', settings: { costs: { projectRowMs: 1 } } } },
    ],
    panels: ['commands', 'projections', 'queries'],
    running: true,
  },

  // Commands and queries: the two paths, one of each. A command changes
  // KB-42, a query reads it back from the catalogue; the log shows the event between.
  'commands-and-queries': { domain: 'commerce', seed: 42, script: at0(keyboard), panels: ['commands', 'queries', 'log'], running: true },

  // Separation levels: separate stores (level 3, chosen before the first
  // event), still updated inside each write as at level 2; the terminal can
  // let the events travel through the bus instead.
  'separation-levels': {
    domain: 'commerce',
    seed: 42,
    settings: { separationLevel: 3, sync: { mode: 'sync' } },
    script: at0(keyboard),
    panels: ['terminal', 'projections'],
    running: true,
  },

  // Separation levels, one read model at a time (it came with the variants
  // lesson, merged into separation-levels; the name keeps learners' goal
  // progress). A 300 ms bus; the terminal can make one projection synchronous
  // (hybrid) and leave the others behind the bus.
  variants: {
    domain: 'commerce',
    seed: 42,
    settings: { bus: { latencyMs: 300 } },
    script: at0(keyboard),
    panels: ['terminal', 'projections'],
    running: true,
  },

  // When to use: what synchronous read models cost each write. Every
  // projection is updated inside the command at 20 ms per event.
  'when-to-use': {
    domain: 'commerce',
    seed: 42,
    settings: { sync: { mode: 'sync' }, costs: { projectMs: 20 } },
    script: at0(bigStock),
    panels: ['controls', 'commands', 'charts'],
    controls: ['sync-mode', 'load'],
    running: true,
  },

  // Designing events: OrderPlaced carries the name and price the customer
  // saw (a state-carrying event), so a later price change leaves the order
  // summary as it was; the log shows both events' payloads.
  'fat-event': {
    domain: 'commerce',
    seed: 42,
    script: at0(keyboard, command('PlaceOrder', { orderId: 'o-1', customerId: 'ada', sku: 'KB-42', quantity: 1 })),
    panels: ['commands', 'queries', 'log'],
    running: true,
  },

  // Designing events: a branch took a €50.00 deposit at about 0.5 s while
  // offline; it reached the event store when the branch synced, at 2 s (an
  // import). Temporal queries compare with the time each event was recorded.
  'recorded-time': {
    domain: 'banking',
    seed: 42,
    script: [
      ...at0(...account),
      {
        at: 2000,
        intent: {
          kind: 'import',
          events: [{ streamId: 'account-acc-1', type: 'MoneyDeposited', data: { accountId: 'acc-1', amountCents: 5000 } }],
        },
      },
    ],
    panels: ['terminal', 'log'],
    running: true,
  },

  // Partitioned logs: deliveries of different streams overtake each other
  // (reorder on, 400 ms of jitter), and so do deliveries of one stream
  // (ordered partitions off): the catalogue holds every early event until its
  // predecessor arrives. Three products, so there are three keys.
  'partition-order': {
    domain: 'commerce',
    seed: 42,
    settings: { bus: { latencyMs: 50, jitterMs: 400, reorder: true, orderedPartitions: false } },
    script: at0(
      keyboard,
      command('AddProduct', { sku: 'MS-7', name: 'Wireless mouse', priceCents: 2499, stock: 100, category: 'peripherals' }),
      command('AddProduct', { sku: 'HD-1', name: 'Headset', priceCents: 7999, stock: 100, category: 'audio' }),
    ),
    panels: ['controls', 'commands', 'projections', 'log'],
    controls: ['reorder', 'ordered-partitions'],
    running: true,
  },

  // Partitioned logs: a ProductAdded from another team's producer arrives
  // with a null price (imported as written). The catalogue's NOT NULL column
  // refuses it and the projection stops; the two orders behind it wait.
  // Dead-lettering parks it.
  'poison-event': {
    domain: 'commerce',
    seed: 42,
    script: at0(
      keyboard,
      {
        kind: 'import',
        events: [
          {
            streamId: 'product-LAMP-7',
            type: 'ProductAdded',
            data: { sku: 'LAMP-7', name: 'Desk lamp', priceCents: null, stock: 12, category: 'lighting' },
          },
        ],
      },
      command('PlaceOrder', { orderId: 'o-1', customerId: 'ada', sku: 'KB-42', quantity: 1 }),
      command('PlaceOrder', { orderId: 'o-2', customerId: 'grace', sku: 'KB-42', quantity: 1 }),
    ),
    panels: ['controls', 'projections', 'terminal'],
    controls: ['dead-letter'],
    running: true,
  },
} satisfies Record<string, SandboxPreset>;

export type LessonPresetName = keyof typeof LESSON_PRESETS;

export const LESSON_PRESET_NAMES = Object.keys(LESSON_PRESETS) as LessonPresetName[];
