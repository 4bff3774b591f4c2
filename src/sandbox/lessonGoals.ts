// The goal of each lesson embed, beside its preset (lessonPresets.ts): what
// the learner must achieve, checked by the engine with the scenario criteria
// on a copy of their own run (src/scenarios/goal.ts turns a goal into a
// challenge; the worker verifies it like a scenario's). Each goal has a
// known-good answer the tests replay, and the criterion an untouched start
// fails. Times in `solution` are virtual ms after the preset's script.
import type { Criterion } from '../scenarios/types.ts';
import type { LessonGoal } from '../scenarios/goal.ts';
import type { Intent, ScriptEntry } from '../engine/index.ts';
import { loadPlan } from './loadGenerator.ts';
import type { LessonPresetName } from './lessonPresets.ts';

/** The session the sandbox's forms and terminal use first. */
const YOU = 'client-A';
const command = (type: string, data: Record<string, unknown>, commandId?: string): Intent => ({
  kind: 'command',
  command: commandId ? { type, data, commandId } : { type, data },
  sessionId: YOU,
});
/** Entries 100 virtual ms apart from `from`: a learner's clicks, in order. */
const clicks = (from: number, ...intents: Intent[]): ScriptEntry[] => intents.map((intent, i) => ({ at: from + i * 100, intent }));
const count = (description: string, type: string, where: Record<string, unknown>, op: '>=' | '==', value: number): Criterion => ({
  description,
  kind: 'traceCount',
  type,
  where,
  op,
  value,
  scope: 'all',
});
const order = (n: number, customerId = 'ada'): Intent =>
  command('PlaceOrder', { orderId: `o-${n}`, customerId, sku: 'KB-42', quantity: 1 });
/** From the learner's latest restock on: a goal they may try again and again checks their latest attempt. */
const LATEST_RESTOCK = { type: 'command.completed', where: { commandType: 'RestockProduct' } };
const orders = (from: number, n: number): ScriptEntry[] => clicks(from, ...Array.from({ length: n }, (_, i) => order(100 + i)));

/** The load generator's commands at `rate` per second from `from` for `ms` (what the Load control sends). */
function load(from: number, rate: number, ms: number): ScriptEntry[] {
  const plan = loadPlan('commerce')!;
  const n = Math.floor((rate * ms) / 1000);
  return Array.from({ length: n }, (_, i) => ({
    at: from + Math.floor((i * 1000) / rate),
    intent: { kind: 'command', command: plan.command(i) },
  }));
}

export const LESSON_GOALS: Record<LessonPresetName, LessonGoal> = {
  'building-one': {
    objective: "Follow one deposit from command to query: make acc-1's balance on the read side read €175.00.",
    allowed: { intents: ['command'] },
    criteria: [
      {
        description: "acc-1's balance reads €175.00 on the read side",
        kind: 'query',
        query: { type: 'GetBalance', params: { accountId: 'acc-1' } },
        path: 'balanceCents',
        op: '==',
        value: 17500,
      },
    ],
    failsOn: "acc-1's balance reads €175.00",
    solution: clicks(2000, command('Deposit', { accountId: 'acc-1', amountCents: 7500 })),
    hints: [
      'The account starts with €100.00. Pick `Deposit` in the Command menu and send it (the form is filled in).',
      "Then pick your command, the newest one, in the sequence diagram's Command menu, and follow it in the event log; amounts are in cents (10000 is €100.00).",
      'The balance must read €175.00: the deposit has to add the difference, in cents.',
    ],
    answer: 'Deposit 7500 cents into acc-1.',
    debrief: 'One command, one event, one projection update: the balance you read is the read model, fed by the event you caused.',
  },

  'flash-sale': {
    objective: 'Push the load until the read side lags: a consistency window (p95) above 1 s, while not one order fails.',
    allowed: { intents: ['command'] },
    criteria: [
      { description: 'The consistency window (p95) is above 1 s', kind: 'metric', metric: 'windowP95', op: '>', value: 1000, scope: 'all' },
      { description: 'No command fails', kind: 'metric', metric: 'commandsFailed', op: '==', value: 0, scope: 'all' },
    ],
    failsOn: 'The consistency window (p95) is above 1 s',
    solution: load(1000, 1000, 1500),
    hints: [
      'Drag "Commands per second" to 200, then to 1,000, and watch the tallies under the slider and the window chart.',
      "Version conflicts climb and the hot product's 200 units go within seconds; what the goal needs is on the read side: the projections falling behind.",
      'Each event costs the projections 2 ms, so they apply at most 500 per second: send more than that, for a second or two.',
    ],
    answer: 'Set the load to 1,000 commands per second for a second or two.',
    debrief: 'The writes all succeeded; the spike became lag on the read side, not failed orders.',
  },
  'idempotent-withdraw': {
    objective:
      'Send the same €30.00 withdrawal twice with one command id: the second is recognised as a duplicate and the balance ends at €70.00.',
    allowed: { intents: ['command'] },
    criteria: [
      count('A repeated Withdraw is recognised as a duplicate', 'command.duplicate', { commandType: 'Withdraw' }, '>=', 1),
      {
        description: "acc-1's balance is €70.00",
        kind: 'query',
        query: { type: 'GetBalance', params: { accountId: 'acc-1' } },
        path: 'balanceCents',
        op: '==',
        value: 7000,
      },
    ],
    failsOn: 'A repeated Withdraw is recognised as a duplicate',
    solution: clicks(
      1000,
      command('Withdraw', { accountId: 'acc-1', amountCents: 3000 }, 'w-1'),
      command('Withdraw', { accountId: 'acc-1', amountCents: 3000 }, 'w-1'),
    ),
    hints: [
      'In the terminal, type `Withdraw acc-1 3000 --id=w-1` and press Enter; `GetBalance acc-1` shows the balance drop.',
      'Run exactly the same line again, as a double-click or a gateway retry would: same amount, same `--id`.',
      'The repeat is answered with the first result, marked as a duplicate; amounts are in cents, so €30.00 is 3000 and the balance ends at 7000.',
    ],
    answer: 'withdraw acc-1 3000 --id w-1, twice.',
    debrief: 'The command id made the retry safe: the second send answered with the first result and booked nothing.',
  },
  'fresh-404': {
    objective:
      'Place order o-1001 and read it back at once, inside the 3 s window, and still find it: your read must wait for the order instead of answering 404.',
    allowed: { intents: ['command'] },
    criteria: [
      count(
        'A read of the order summary waited for your write and got it',
        'query.waited',
        { projection: 'orderSummary', satisfied: true },
        '>=',
        1,
      ),
      {
        description: 'Order o-1001 is found',
        kind: 'query',
        query: { type: 'GetOrderSummary', params: { orderId: 'o-1001' } },
        op: '!=',
        value: null,
      },
    ],
    failsOn: 'A read of the order summary waited for your write and got it',
    solution: clicks(1000, order(1001), {
      kind: 'query',
      query: { type: 'GetOrderSummary', params: { orderId: 'o-1001' } },
      sessionId: YOU,
      consistency: { strategy: 'readYourWrites' },
    }),
    hints: [
      'Pick `PlaceOrder` in the Command menu and send it (the form is filled in), then run `GetOrderSummary` for `o-1001` straight away with "Eventual" consistency: with the default strategy it is not there yet.',
      'Run it again with "Consistency token": the query waits for the read model to reach the order\'s position.',
      'Pick a consistency strategy that waits for your own last write (readYourWrites, or token), from the session that placed the order.',
    ],
    answer: 'Place o-1001, then query GetOrderSummary o-1001 with readYourWrites from the same session.',
    debrief: 'The 404 was the read model not having caught up; waiting for your own write turns it into a slower but correct answer.',
  },
  'projection-duplicates': {
    objective:
      'Restock KB-42 at least five times while 30 % of deliveries arrive twice, and keep the catalogue equal to a replay of its events (the duplicates stay at 30 %).',
    allowed: { intents: ['command'], settings: ['projections', 'projection.dedupe'] },
    criteria: [
      count('At least five restocks went through', 'command.completed', { commandType: 'RestockProduct' }, '>=', 5),
      { description: 'The catalogue equals a replay of the event store', kind: 'matchesReplay', projection: 'catalogue' },
    ],
    failsOn: 'At least five restocks went through',
    solution: clicks(1000, ...Array.from({ length: 6 }, () => command('RestockProduct', { sku: 'KB-42', quantity: 5 }))),
    hints: [
      '`KB-42` starts with 100 in stock and each `RestockProduct` adds 5: pick `RestockProduct` in the Command menu, send it a few times, then run `GetProduct`.',
      'Compare the stock with 100 plus 5 per restock, and watch "Dupes skipped" in the Projections table.',
      'With "Projection dedupe guard" off a duplicate restock is counted twice; with it on the duplicate is skipped. Leave it on and send at least five restocks.',
    ],
    answer: 'Keep the dedupe guard on and send six RestockProduct commands.',
    debrief: 'At-least-once delivery is survivable only because the projection remembers what it has applied.',
    prediction: {
      question:
        'Turn the dedupe guard off and restock KB-42 (+5) ten times while 30 % of deliveries arrive twice. Starting from 100, what will GetProduct KB-42 read once the bus is quiet?',
      answer: {
        kind: 'choice',
        choices: [
          { label: 'Exactly 150: the catalogue counts each restock once', min: 150, max: 150 },
          { label: 'More than 150: some restocks are counted twice', min: 151 },
          { label: 'Less than 150: some restocks are lost', max: 149 },
        ],
      },
      run: 'Your run is replayed in the worker; there the guard goes off, ten restocks are sent, and the catalogue is read once every delivery has landed.',
      intents: [
        { kind: 'configure', settings: { projections: { catalogue: { dedupe: false } } } },
        ...Array.from({ length: 10 }, () => command('RestockProduct', { sku: 'KB-42', quantity: 5 })),
      ],
      measure: { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB-42' } }, path: 'stock' },
      why: 'Without the guard the projection applies every copy the bus delivers: each duplicated restock adds its 5 units again, while the event store still holds ten restocks.',
    },
  },
  'crash-resume': {
    objective: 'Crash the catalogue while orders arrive, resume it, and get it back to exactly what its events say.',
    allowed: { intents: ['command', 'projection'], projectionActions: ['crash', 'resume', 'pause', 'rebuild'] },
    criteria: [
      count('The catalogue crashed', 'projection.crashed', { projection: 'catalogue' }, '>=', 1),
      count('The catalogue resumed from its crash', 'projection.resumed', { projection: 'catalogue', from: 'crashed' }, '>=', 1),
      { description: 'The catalogue equals a replay of the event store', kind: 'matchesReplay', projection: 'catalogue' },
    ],
    failsOn: 'The catalogue crashed',
    solution: [
      { at: 1000, intent: { kind: 'projection', action: 'crash', name: 'catalogue' } },
      // What the Load control sends: the embed has no command form.
      ...load(1100, 100, 1000),
      { at: 3000, intent: { kind: 'projection', action: 'resume', name: 'catalogue' } },
    ],
    hints: [
      'Press Crash on `catalogue` in the Projections panel, then drag "Commands per second" up (a hundred is plenty) so orders keep arriving.',
      'Wait while the head climbs past the crashed position, then press Resume on `catalogue` and let it catch up.',
      'Resuming starts from the last saved checkpoint, so nothing in between is lost or applied twice: crash, send orders, resume.',
    ],
    answer: 'Crash catalogue, let the load run for a second or so, then resume catalogue.',
    debrief: 'The checkpoint and the rows commit together, so a crash loses only uncommitted work, which resuming redoes.',
  },
  'checkpoint-apart': {
    objective:
      'Make the catalogue apply an order twice by crashing it between its rows and its checkpoint, then repair it so it equals a replay again.',
    allowed: { intents: ['command', 'projection'] },
    criteria: [
      count(
        'The catalogue crashed before its checkpoint',
        'projection.crashRequested',
        { projection: 'catalogue', crashPoint: 'beforeCheckpoint' },
        '>=',
        1,
      ),
      count('The catalogue was rebuilt', 'projection.rebuildFinished', { projection: 'catalogue' }, '>=', 1),
      { description: 'The catalogue equals a replay of the event store', kind: 'matchesReplay', projection: 'catalogue' },
    ],
    failsOn: 'The catalogue crashed before its checkpoint',
    solution: [
      { at: 1000, intent: { kind: 'projection', action: 'crash', name: 'catalogue', crashPoint: 'beforeCheckpoint' } },
      ...orders(1100, 1),
      { at: 2000, intent: { kind: 'projection', action: 'resume', name: 'catalogue' } },
      { at: 3000, intent: { kind: 'projection', action: 'rebuild', name: 'catalogue' } },
    ],
    hints: [
      "In the terminal, type `projection crash catalogue --before-checkpoint`: it arms a crash inside the catalogue's next batch, after its rows commit and before its checkpoint is saved.",
      'Place an order (`PlaceOrder o1 c1 KB-42 1`) and let time run (`time run`); `sql catalogue SELECT stock, units_sold FROM catalogue` already shows it.',
      'Type `projection resume catalogue` and `time run`: the order is counted twice. A projection whose rows and checkpoint commit apart cannot tell what it applied; a rebuild from the events repairs it.',
    ],
    answer: 'Crash catalogue before its checkpoint, place an order, resume, then rebuild catalogue.',
    debrief: 'Saving the checkpoint in the same transaction as the rows is what makes resuming safe.',
  },
  'projection-fan-out': {
    objective:
      'Place one order for ada and watch it reach three read models at three different moments: the order summary, the catalogue and her order list.',
    allowed: { intents: ['command'] },
    criteria: [
      count('orderSummary applied the order', 'projection.applied', { projection: 'orderSummary', eventType: 'OrderPlaced' }, '>=', 1),
      count('catalogue applied the order', 'projection.applied', { projection: 'catalogue', eventType: 'OrderPlaced' }, '>=', 1),
      count('customerOrders applied the order', 'projection.applied', { projection: 'customerOrders', eventType: 'OrderPlaced' }, '>=', 1),
    ],
    failsOn: 'orderSummary applied the order',
    solution: clicks(1000, order(1001)),
    hints: [
      'Pick `PlaceOrder` in the Command menu and send it once, then watch the Projections table.',
      "Each projection's position moves on its own; pause one of them and send another order: the others carry on.",
      'Every projection subscribes to the same event; each has its own delivery and its own checkpoint. The goal needs the order in orderSummary, catalogue and customerOrders.',
    ],
    answer: 'Place an order for ada (o-1001, as the form suggests).',
    debrief: 'One event, several read models, each consistent on its own clock.',
  },
  rebuild: {
    objective: 'Rebuild the catalogue from the event store and end with it equal to a replay.',
    allowed: { intents: ['command', 'query', 'projection'], projectionActions: ['rebuild'] },
    criteria: [
      count('The catalogue was rebuilt', 'projection.rebuildFinished', { projection: 'catalogue' }, '>=', 1),
      { description: 'The catalogue equals a replay of the event store', kind: 'matchesReplay', projection: 'catalogue' },
    ],
    failsOn: 'The catalogue was rebuilt',
    solution: clicks(5000, { kind: 'projection', action: 'rebuild', name: 'catalogue' }),
    hints: [
      'Press Rebuild on `catalogue` in the Projections panel and watch its status switch to rebuilding.',
      "Run `GetProduct` for `KB-42` while it rebuilds, and compare the catalogue's rows in the Tables panel before and after the swap.",
      'Wait for the status to turn live again: the goal is checked once the rebuild has finished.',
    ],
    answer: 'Rebuild the catalogue and wait for it to finish.',
    debrief: 'A read model is disposable: the events can always make it again.',
    prediction: {
      question:
        'The catalogue has 31 events to replay, in batches of 5, at 100 ms per event. How long will a rebuild take, from start to finish, in virtual ms?',
      answer: { kind: 'number', unit: 'ms', tolerance: 0.2 },
      run: 'Your run is replayed in the worker; there the catalogue is rebuilt and the time from rebuildStarted to rebuildFinished is read from the trace.',
      intents: [{ kind: 'projection', action: 'rebuild', name: 'catalogue' }],
      measure: {
        kind: 'duration',
        from: { type: 'projection.rebuildStarted', where: { projection: 'catalogue' } },
        to: { type: 'projection.rebuildFinished', where: { projection: 'catalogue' } },
      },
      why: 'A rebuild replays every event through the same handler: its duration is the number of events times the cost of applying one, whatever the batch size (batches only decide how often reads can slip in).',
    },
  },
  'sync-vs-async': {
    objective: 'Make a read straight after a restock see the new stock: no lag between the write and the catalogue.',
    allowed: { settings: ['sync'], intents: ['command'] },
    workload: [
      command('RestockProduct', { sku: 'KB-42', quantity: 5 }),
      { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB-42' } }, sessionId: YOU },
    ],
    criteria: [count('A read right after the write was not behind', 'query.executed', { queryType: 'GetProduct', lagEvents: 0 }, '>=', 1)],
    failsOn: 'A read right after the write was not behind',
    solution: clicks(1000, { kind: 'configure', settings: { sync: { mode: 'sync' } } }),
    hints: [
      'With "Projection sync mode" on Asynchronous, pick `PlaceOrder` in the Command menu and send it (changing the orderId each time), and read the window in "Latest windows".',
      'Switch "Projection sync mode" and send another order: compare the new rows in "Latest windows".',
      'Synchronous projections update inside the command’s transaction.',
    ],
    answer: 'Set sync mode to sync.',
    debrief: 'No lag, paid for with slower commands and a write side that fails when a projection does.',
    prediction: {
      question:
        'Each projection costs 10 ms per event. Switch the projections to synchronous and place two orders: how long will a PlaceOrder take (p95, virtual ms)?',
      answer: { kind: 'number', unit: 'ms', tolerance: 0.25, slack: 2 },
      run: 'Your run is replayed in the worker; there sync mode goes to sync, two orders are placed, and their latency is read from the trace.',
      intents: [
        { kind: 'configure', settings: { sync: { mode: 'sync' } } },
        command('PlaceOrder', { orderId: 'p-1', customerId: 'ada', sku: 'KB-42', quantity: 1 }),
        command('PlaceOrder', { orderId: 'p-2', customerId: 'ada', sku: 'KB-42', quantity: 1 }),
      ],
      measure: { kind: 'metric', metric: 'commandP95Ms' },
      why: 'A synchronous command pays for every projection that handles its event inside its own transaction: the order summary, the catalogue, the customer’s orders and the checkouts, 10 ms each, on top of the command itself.',
    },
  },
  'consistency-window': {
    objective: 'Under a steady stream of orders, bring the consistency window (p95) below 150 ms.',
    allowed: { settings: ['bus', 'costs'], intents: ['command', 'projection'] },
    load: [
      {
        count: 40,
        everyMs: 50,
        intents: [
          { kind: 'command', command: { type: 'AddProduct', data: { sku: 'W-{i}', name: 'Widget {i}', priceCents: 100, stock: 5 } } },
        ],
      },
    ],
    criteria: [{ description: 'The consistency window (p95) is below 150 ms', kind: 'metric', metric: 'windowP95', op: '<', value: 150 }],
    failsOn: 'The consistency window (p95) is below 150 ms',
    solution: clicks(1000, { kind: 'configure', settings: { bus: { latencyMs: 50 } } }),
    hints: [
      'Drag "Commands per second" to 200 and read the window panel\'s percentiles; then move "Bus latency" and watch the "Latest windows" table follow it.',
      'Raise "Projection time per event" to 10 ms at 200 commands per second and the window grows whatever the latency; set it back to 0 and the backlog drains. Both parts of the window are yours to shrink.',
      'The window is roughly bus latency plus the time to apply the event: 200 ms of latency alone is over the target.',
    ],
    answer: 'Set the bus latency to 50 ms.',
    debrief: 'The window is made of delivery and projection work; shrink either and the read side follows faster.',
    prediction: {
      question:
        'Set the bus latency to 1,000 ms and send 20 new products, one every 50 ms. What will the consistency window be at p95, in ms?',
      answer: { kind: 'number', unit: 'ms', tolerance: 0.2 },
      run: 'Your run is replayed in the worker (your own settings included); there the latency goes to 1,000 ms, the 20 commands are sent, and the window is measured from the trace.',
      intents: [{ kind: 'configure', settings: { bus: { latencyMs: 1000 } } }],
      load: [
        {
          count: 20,
          everyMs: 50,
          intents: [
            { kind: 'command', command: { type: 'AddProduct', data: { sku: 'P-{i}', name: 'Product {i}', priceCents: 100, stock: 5 } } },
          ],
        },
      ],
      measure: { kind: 'metric', metric: 'windowP95' },
      why: 'Each event waits for the bus, then for the projection to apply it: the window is the latency plus the work, so at 1,000 ms of latency the latency is nearly all of it.',
    },
  },
  'consistency-strategies': {
    objective: 'Restock KB-42, then read it from the same session and see your own restock, although the bus takes 2 s.',
    allowed: { intents: ['command'] },
    // Checked on the latest attempt: the reads after the learner's latest restock, so an earlier Eventual read
    // does not spoil the goal for good, and a miss after that restock still fails it.
    criteria: [
      {
        ...count('A read of KB-42 saw your own write', 'query.executed', { queryType: 'GetProduct', sawOwnWrite: true }, '>=', 1),
        since: LATEST_RESTOCK,
      },
      {
        description: 'No read after your latest restock missed it',
        kind: 'metric',
        metric: 'readYourWriteMisses',
        op: '==',
        value: 0,
        scope: 'all',
        since: LATEST_RESTOCK,
      },
    ],
    failsOn: 'A read of KB-42 saw your own write',
    solution: clicks(1000, command('RestockProduct', { sku: 'KB-42', quantity: 5 }), {
      kind: 'query',
      query: { type: 'GetProduct', params: { sku: 'KB-42' } },
      sessionId: YOU,
      consistency: { strategy: 'readYourWrites' },
    }),
    hints: [
      'Pick `RestockProduct` in the Command menu and `GetProduct` in the Query menu; send the restock as `client-A`, then run the query for `KB-42` at once.',
      "An Eventual read answers before the event lands and counts as a miss: pick a strategy in the query form's Consistency menu that waits; the Guarantees panel says which one kept its promise. Each restock starts a new attempt: only the reads after your latest restock count.",
      'Eventual answers at once, before the event lands; readYourWrites and token wait for your last write.',
    ],
    answer: 'Restock KB-42 again, then query GetProduct KB-42 with readYourWrites from the same session (and no Eventual read before it).',
    debrief:
      'Read-your-writes is a promise to one session, kept by waiting (or reading the write side), not by making everything synchronous.',
    prediction: {
      question:
        'Restock KB-42, then read it with the Eventual strategy five times, 0.6 s apart (the bus takes 2 s). How many of the five reads miss your own restock?',
      answer: { kind: 'number', unit: 'reads', tolerance: 0, slack: 0 },
      run: 'Your run is replayed in the worker; there client-A restocks and reads five times, and the reads that missed its write are counted from the trace.',
      intents: [command('RestockProduct', { sku: 'KB-42', quantity: 5 })],
      load: [
        {
          count: 5,
          everyMs: 600,
          intents: [
            {
              kind: 'query',
              query: { type: 'GetProduct', params: { sku: 'KB-42' } },
              sessionId: YOU,
              consistency: { strategy: 'eventual' },
            },
          ],
        },
      ],
      measure: { kind: 'metric', metric: 'readYourWriteMisses', sessionId: YOU },
      why: 'Eventual answers at once from whatever the catalogue holds: every read before the event lands (2 s after the write) misses it, and only the reads after see it.',
    },
  },
  'time-travel': {
    objective:
      'Read acc-1 as it stood after its third event, the first withdrawal, before the next deposit changed it again: ask the event store for version 3.',
    allowed: { intents: ['aggregateAt'] },
    criteria: [count('acc-1 was read as of version 3', 'temporal.aggregate', { streamId: 'account-acc-1', version: 3 }, '>=', 1)],
    failsOn: 'acc-1 was read as of version 3',
    solution: clicks(4000, { kind: 'aggregateAt', streamId: 'account-acc-1', asOf: { version: 3 } }),
    hints: [
      'Drag the timeline to any record to see how far each projection had got at that moment; in the terminal, `stream account-acc-1` lists the events with their versions.',
      "State at any point is a fold of a prefix of that stream: the terminal's `aggregate` reads an aggregate as of a version (`--version`), a log position (`--position`) or a virtual time (`--at`). Version 1 opens the account, 2 is the deposit, 3 the first withdrawal.",
      'Type `aggregate account-acc-1 --version=3`: the balance reads 7500 cents (€75.00), although the account holds €45.00 today.',
    ],
    answer: 'aggregate account-acc-1 --version=3 in the terminal (an aggregateAt intent as of version 3).',
    debrief: 'The state at any moment is a fold of the events up to it: nothing is overwritten, so the past stays readable.',
  },
  'double-click': {
    objective: 'Double-click Place order: send the same order o-1001 twice and end with exactly one order, the second refused.',
    allowed: { intents: ['command'] },
    criteria: [
      count('The second click is refused', 'command.rejected', { commandType: 'PlaceOrder' }, '>=', 1),
      count('Exactly one order was placed', 'command.completed', { commandType: 'PlaceOrder' }, '==', 1),
    ],
    failsOn: 'The second click is refused',
    solution: clicks(1000, order(1001), order(1001)),
    hints: [
      'Pick `PlaceOrder` in the Command menu and note its orderId, `o-1001`: it was chosen once for this checkout.',
      'Click "Send PlaceOrder" twice quickly, without changing anything.',
      'The refusal comes from the order aggregate, not from the commandId: `GetCustomerOrders` for `ada` lists the order once.',
    ],
    answer: 'Send PlaceOrder o-1001 twice.',
    debrief: 'A client-chosen id turns a double click into a refusal instead of a second charge.',
    prediction: {
      question:
        'Five customers each double-click Place order: ten PlaceOrder commands, each order id sent twice. How many orders will be placed?',
      answer: { kind: 'number', unit: 'orders', tolerance: 0, slack: 0 },
      run: 'Your run is replayed in the worker; there the ten commands are sent and the completed PlaceOrder commands are counted from the trace.',
      intents: Array.from({ length: 10 }, (_, i) =>
        command('PlaceOrder', { orderId: `d-${Math.floor(i / 2) + 1}`, customerId: 'ada', sku: 'KB-42', quantity: 1 }),
      ),
      measure: { kind: 'metric', metric: 'commandsCompleted' },
      why: 'Each click is a new command with a new commandId, so idempotency by commandId lets both through to the aggregate; the order id is what repeats, and the Order aggregate refuses an id it already has.',
    },
  },
  upcasting: {
    objective: "Import a third version-1 product, OLD-3, and find it listed as 'uncategorised' like the other old ones.",
    allowed: { intents: ['import'] },
    criteria: [
      {
        description: "OLD-3 is listed as 'uncategorised'",
        kind: 'query',
        query: { type: 'GetProduct', params: { sku: 'OLD-3' } },
        path: 'category',
        op: '==',
        value: 'uncategorised',
      },
    ],
    failsOn: "OLD-3 is listed as 'uncategorised'",
    solution: clicks(1000, {
      kind: 'import',
      events: [
        {
          streamId: 'product-OLD-3',
          type: 'ProductAdded',
          schemaVersion: 1,
          data: { sku: 'OLD-3', name: 'Stapler', priceCents: 900, stock: 12 },
        },
      ],
    }),
    hints: [
      "In the Tables panel, look at the write store's `events` table (its schema_version column); then pick `ListCatalogue` in the Query menu and run it.",
      "Query GetProduct OLD-1 and look at its category: version 1 of ProductAdded has none, and the upcaster fills it in on the way in. The terminal's `import` appends an event as an older system wrote it (`help import`).",
      'Type `import product-OLD-3 ProductAdded --schema-version=1 {"sku":"OLD-3","name":"Stapler","priceCents":900,"stock":12}`, then `GetProduct OLD-3`.',
    ],
    answer:
      'import product-OLD-3 ProductAdded --schema-version=1 {"sku":"OLD-3","name":"Stapler","priceCents":900,"stock":12} in the terminal.',
    debrief: 'Old events stay as they were written; readers see them upcast to today’s shape.',
  },
  'shadow-replay': {
    objective: 'Put the withRevenue version of the catalogue live without a gap: build it beside the live store, compare, then flip.',
    allowed: { intents: ['projection'], projectionActions: ['shadowRebuild', 'compare', 'flip', 'rollback', 'dropShadow'] },
    criteria: [
      count('The two versions were compared', 'projection.compared', { projection: 'catalogue' }, '>=', 1),
      { description: 'The catalogue runs withRevenue', kind: 'projectionVariant', projection: 'catalogue', variant: 'withRevenue' },
      { description: 'The catalogue equals a replay of the event store', kind: 'matchesReplay', projection: 'catalogue' },
    ],
    failsOn: 'The two versions were compared',
    solution: [
      { at: 1000, intent: { kind: 'projection', action: 'shadowRebuild', name: 'catalogue', variant: 'withRevenue' } },
      { at: 3000, intent: { kind: 'projection', action: 'compare', name: 'catalogue' } },
      { at: 3500, intent: { kind: 'projection', action: 'flip', name: 'catalogue' } },
    ],
    hints: [
      'In the terminal, `projection shadow-rebuild catalogue --variant=ignoresCancellations` builds the faulty version beside the live one; `projection compare catalogue` lists the rows that differ.',
      'Flip anyway with `projection flip catalogue`, then undo it with `projection rollback catalogue`, running `GetProduct KB-42` after each; then `projection drop-shadow catalogue`.',
      'Do the same with `--variant=withRevenue`: compare shows only the new column, and the flip is safe. Wait for the shadow to catch up before you compare.',
    ],
    answer: 'projection shadowRebuild catalogue withRevenue; compare; flip.',
    debrief: 'The old store served reads until the new one was ready and checked: a deploy with no gap and a way back.',
  },
  outbox: {
    objective: 'Send orders with dual write while 20 % of publishes crash, until at least one event is lost for good.',
    allowed: { intents: ['command'] },
    criteria: [
      { description: 'At least one event was lost to a crash', kind: 'metric', metric: 'eventsLost', op: '>=', value: 1, scope: 'all' },
    ],
    failsOn: 'At least one event was lost to a crash',
    solution: orders(1000, 20),
    hints: [
      'Pick `PlaceOrder` in the Command menu and send it a few times, changing the orderId each time, or drag "Commands per second" up for a moment.',
      'Watch the projections: once one stops with a lag that never drains, an event was lost.',
      'Dual write saves the event, then publishes: a crash in between loses the publish forever.',
    ],
    answer: 'Place 20 orders.',
    debrief:
      'The event is in the store but no one was told: projections wait below the hole, and switching to the outbox later cannot fill it.',
  },
  'outbox-relay': {
    objective:
      'With the outbox and 20 % of relays crashing, send orders until a relay crashes, and still lose nothing: the catalogue equals a replay.',
    allowed: { intents: ['command'] },
    criteria: [
      count('A relay crashed', 'outbox.relayCrashed', {}, '>=', 1),
      { description: 'No event was lost', kind: 'metric', metric: 'eventsLost', op: '==', value: 0, scope: 'all' },
      { description: 'The catalogue equals a replay of the event store', kind: 'matchesReplay', projection: 'catalogue' },
    ],
    failsOn: 'A relay crashed',
    solution: orders(1000, 20),
    hints: [
      'Do the same as above: send `PlaceOrder` a few times with new orderIds, or drag "Commands per second" up for a moment.',
      'Keep going until a relay crash shows, then let the traffic stop and check that every projection reaches the head.',
      'The outbox row is written in the same transaction as the event; the relay publishes it until it succeeds.',
    ],
    answer: 'Place 20 orders.',
    debrief: 'The relay may publish twice, never zero times; dedupe turns at-least-once into exactly-once effects.',
  },
  saga: {
    objective: 'Run checkouts until one completes and one is compensated after its payment is declined.',
    allowed: { intents: ['command'] },
    criteria: [
      count('A checkout was compensated', 'saga.finished', { status: 'compensated' }, '>=', 1),
      count('A checkout completed', 'saga.finished', { status: 'completed' }, '>=', 1),
    ],
    failsOn: 'A checkout was compensated',
    solution: clicks(
      1000,
      ...Array.from({ length: 6 }, (_, i) =>
        command('Checkout', { orderId: `c-${i + 1}`, customerId: 'ada', sku: 'KB-42', quantity: 1, card: '4242424242424242' }),
      ),
    ),
    hints: [
      'Pick `Checkout` in the Command menu and send it a few times, changing the orderId each time.',
      'Run `GetCheckout` for each orderId to see which way it went (`confirmed`, or `cancelled` with the reason), and `GetProduct` for `KB-42`.',
      'The gateway declines about half the charges, and the card `4000000000000002` always declines, if you want to force a compensation.',
    ],
    answer: 'Send six Checkout commands with different order ids.',
    debrief: 'No distributed transaction: each step commits on its own, and a failure is undone by compensating steps.',
  },
  'feed-fan-out': {
    objective: "Publish a post as ada (2,000 followers) and see it in fan1's feed both ways: the push feed and the pull feed.",
    allowed: { intents: ['command'] },
    criteria: [
      {
        description: "fan1's pull feed shows the post",
        kind: 'query',
        query: { type: 'GetFeedPull', params: { userId: 'fan1' } },
        path: 'length',
        op: '>=',
        value: 1,
      },
      {
        description: "fan1's push feed shows the post",
        kind: 'query',
        query: { type: 'GetFeedPush', params: { userId: 'fan1' } },
        path: 'length',
        op: '>=',
        value: 1,
      },
    ],
    failsOn: "fan1's pull feed shows the post",
    solution: clicks(2000, command('PublishPost', { userId: 'ada', postId: 'p-1', text: 'Hello, fans!' })),
    hints: [
      'Pick `PublishPost` in the Command menu and send it as userId `ada`; straight away change userId to `bob` and the postId to a new one, and send again.',
      'Watch the lag in the Projections table, then run `GetFeedPush` and `GetFeedPull` for `fan1`: push right away and after it has caught up, and pull.',
      'Push writes 2,000 rows at 1 ms each; pull reads at query time.',
    ],
    answer: 'PublishPost as ada, then wait and read both feeds.',
    debrief: 'Push pays at write time (2,000 rows), pull pays at read time: the hybrid feed picks per author.',
  },
  'commands-and-queries': {
    objective: 'Use both paths: send a command that brings KB-42 to 120 units, then read it back with a query.',
    allowed: { intents: ['command'] },
    criteria: [
      {
        description: 'The catalogue shows 120 units of KB-42',
        kind: 'query',
        query: { type: 'GetProduct', params: { sku: 'KB-42' } },
        path: 'stock',
        op: '==',
        value: 120,
      },
      count('You read KB-42 with a query', 'query.executed', { queryType: 'GetProduct' }, '>=', 1),
    ],
    failsOn: 'The catalogue shows 120 units of KB-42',
    solution: [
      ...clicks(1000, command('RestockProduct', { sku: 'KB-42', quantity: 20 })),
      { at: 3000, intent: { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB-42' } }, sessionId: YOU } },
    ],
    hints: [
      'A command changes state and returns no data; a query returns data and changes nothing. Which command adds stock?',
      'Pick `RestockProduct` in the Command menu: KB-42 starts with 100 units, so its quantity is the difference.',
      'Then pick `GetProduct` in the Query menu and run it for KB-42: the query reads the catalogue your event updated.',
    ],
    answer: 'Send RestockProduct KB-42 quantity 20, then query GetProduct KB-42.',
    debrief: 'Two paths: the command went through the aggregate and became an event; the query read a model built from it.',
  },
  'separation-levels': {
    objective:
      'The stores are separate (level 3), but the read side is still written inside each command, as at level 2. Let the events travel through the bus instead, and see the price: a read right after a write is one event behind.',
    allowed: { settings: ['sync'], intents: ['command'] },
    workload: [
      command('RestockProduct', { sku: 'KB-42', quantity: 5 }),
      { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB-42' } }, sessionId: YOU },
    ],
    criteria: [
      { description: 'The read side is updated through the bus', kind: 'setting', path: 'sync.mode', op: '==', value: 'async' },
      count('A read right after a write is one event behind', 'query.executed', { queryType: 'GetProduct', lagEvents: 1 }, '>=', 1),
    ],
    failsOn: 'A read right after a write is one event behind',
    solution: clicks(1000, { kind: 'configure', settings: { sync: { mode: 'async' } } }),
    hints: [
      'In the terminal, look at the settings: `separationLevel` is the dial (fixed before the first event) and `sync.mode` says when the read side is written.',
      'Level 3 proper feeds the read stores through the bus: asynchronous projections.',
    ],
    answer: 'Set sync.mode to async.',
    debrief: 'Separate storage fed by events buys independent scaling and costs a consistency window you now design for.',
  },
  variants: {
    objective: 'CQRS by degree: make a stock read straight after a restock current, without making every projection synchronous.',
    allowed: { settings: ['sync'], intents: ['command'] },
    workload: [
      command('RestockProduct', { sku: 'KB-42', quantity: 5 }),
      { kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB-42' } }, sessionId: YOU },
    ],
    criteria: [
      count('A stock read right after a restock is current', 'query.executed', { queryType: 'GetProduct', lagEvents: 0 }, '>=', 1),
      { description: 'Not every projection is synchronous', kind: 'setting', path: 'sync.mode', op: '==', value: 'sync', not: true },
    ],
    failsOn: 'A stock read right after a restock is current',
    solution: clicks(1000, { kind: 'configure', settings: { sync: { mode: 'hybrid', projections: ['catalogue'] } } }),
    hints: [
      '`sync.mode` has three values: async, sync and hybrid; hybrid updates the projections you list inside the command.',
      'Only the catalogue answers GetProduct.',
    ],
    answer: 'Set sync.mode to hybrid with sync.projections = [catalogue].',
    debrief: 'One read model kept strongly consistent where the screen needs it, the rest left to the bus: CQRS by degree.',
  },
  'when-to-use': {
    objective:
      'Every projection is updated inside each command. Find the write path that brings commands under 20 ms (p95) while every order still succeeds.',
    allowed: { settings: ['sync', 'costs.commandMs'], intents: ['command'] },
    load: [
      {
        count: 20,
        everyMs: 200,
        intents: [
          { kind: 'command', command: { type: 'PlaceOrder', data: { orderId: 'w-{i}', customerId: 'ada', sku: 'KB-42', quantity: 1 } } },
        ],
      },
    ],
    criteria: [
      { description: 'Commands complete within 20 ms (p95)', kind: 'metric', metric: 'commandP95Ms', op: '<', value: 20 },
      { description: 'No order fails', kind: 'metric', metric: 'commandsFailed', op: '==', value: 0 },
    ],
    failsOn: 'Commands complete within 20 ms (p95)',
    solution: clicks(1000, { kind: 'configure', settings: { sync: { mode: 'async' } } }),
    hints: [
      'Watch the command latency in the charts while you change the sync mode.',
      'Synchronous read models make every write pay for every projection; asynchronous ones move that work behind the bus.',
    ],
    answer: 'Set sync mode to async.',
    debrief: 'Fast writes paid for with a consistency window: the trade this lesson asks you to make consciously.',
  },
  'fat-event': {
    objective:
      "Raise KB-42's price to €59.99, then show that ada's order o-1 still totals €49.99: her OrderPlaced carried the price she saw.",
    allowed: { intents: ['command'] },
    criteria: [
      {
        description: 'The catalogue shows KB-42 at €59.99',
        kind: 'query',
        query: { type: 'GetProduct', params: { sku: 'KB-42' } },
        path: 'priceCents',
        op: '==',
        value: 5999,
      },
      {
        description: 'Order o-1 still totals €49.99',
        kind: 'query',
        query: { type: 'GetOrderSummary', params: { orderId: 'o-1' } },
        path: 'totalCents',
        op: '==',
        value: 4999,
      },
    ],
    failsOn: 'The catalogue shows KB-42 at €59.99',
    solution: clicks(1000, command('ChangePrice', { sku: 'KB-42', priceCents: 5999 })),
    hints: [
      'Send a ChangePrice for KB-42 from the Commands panel, then run GetProduct KB-42 and GetOrderSummary o-1, and compare the two events in the log.',
      'Prices are in cents: €59.99 is 5999. The order summary is built from OrderPlaced alone; it never looks the product up.',
      'Pick `ChangePrice` in the Command menu, set sku `KB-42` and priceCents `5999`, send it; then query `GetOrderSummary` for `o-1`.',
    ],
    answer: 'ChangePrice KB-42 to 5999 cents, then read GetOrderSummary o-1.',
    debrief:
      'The event carried the state its readers need (name and unit price), so no projection has to ask the product what it costs today, and a replay next year gives the same total.',
  },
  'recorded-time': {
    objective:
      'A branch took a €50.00 deposit into acc-1 at about 0.5 s, offline; it reached the event store at 2 s. Ask the event store for acc-1 as it stood at 1 s.',
    allowed: { intents: ['aggregateAt'] },
    criteria: [count('acc-1 was read as of 1 s', 'temporal.aggregate', { streamId: 'account-acc-1', asOf: { at: 1000 } }, '>=', 1)],
    failsOn: 'acc-1 was read as of 1 s',
    solution: clicks(3000, { kind: 'aggregateAt', streamId: 'account-acc-1', asOf: { at: 1000 } }),
    hints: [
      'In the terminal, `stream account-acc-1` lists its events with the time each was recorded (the at column); `aggregate` reads the account as it stood at a point.',
      'The deposit happened at 0.5 s but the event store only knows when it recorded it: a read "at 1 s" filters on that recorded time.',
      '`aggregate account-acc-1 --at=1s` asks for the state at 1 s of recorded time.',
    ],
    answer: 'aggregate account-acc-1 --at=1s: the balance is €100.00, without the branch deposit.',
    debrief:
      'The deposit happened before 1 s but was recorded at 2 s, and a temporal query by time filters on recorded time: to ask about business time, the event has to carry its own occurred-at and a read model has to index it.',
  },
  'partition-order': {
    objective:
      'Streams overtake each other here, and so do the events of one stream. Keep the first and stop the second: under a burst of restocks, no event may reach the catalogue ahead of its predecessor in the same stream.',
    allowed: { settings: ['bus'], intents: ['command'] },
    load: [
      {
        count: 20,
        everyMs: 30,
        intents: [
          { kind: 'command', command: { type: 'RestockProduct', data: { sku: 'KB-42', quantity: 1 } } },
          { kind: 'command', command: { type: 'RestockProduct', data: { sku: 'MS-7', quantity: 1 } } },
          { kind: 'command', command: { type: 'RestockProduct', data: { sku: 'HD-1', quantity: 1 } } },
        ],
      },
    ],
    criteria: [
      {
        description: 'No event reached the catalogue ahead of its predecessor in the same stream',
        kind: 'traceCount',
        type: 'projection.gapDetected',
        where: { projection: 'catalogue' },
        op: '==',
        value: 0,
      },
      { description: 'Streams still overtake each other (reorder stays on)', kind: 'setting', path: 'bus.reorder', op: '==', value: true },
      { description: 'The catalogue equals a replay of the event store', kind: 'matchesReplay', projection: 'catalogue' },
    ],
    failsOn: 'No event reached the catalogue ahead of its predecessor in the same stream',
    solution: clicks(1000, { kind: 'configure', settings: { bus: { orderedPartitions: true } } }),
    hints: [
      'Restock one product several times quickly and watch the log: the catalogue detects gaps and holds events until their predecessor arrives.',
      'A partition keyed by stream keeps order inside the key, and only there. Which control keeps each stream in order without ordering everything?',
      'Open the bus on the picture (or All settings → Bus): leave "Reorder" ticked and look for the option that orders events within a stream.',
    ],
    answer: 'Tick "Keep order within a stream" (bus.orderedPartitions) and leave "Reorder" on.',
    debrief:
      'Order per key is what a partitioned log gives: events of one stream arrive in order, different streams overtake each other, and nothing waits for an unrelated key.',
  },
  'poison-event': {
    objective:
      'A ProductAdded with a null price stopped the catalogue, and the orders behind it wait. Get the catalogue past it without losing them: KB-42 must show 98 in stock.',
    allowed: {
      intents: ['command', 'projection'],
      settings: ['projection.deadLetter'],
      projectionActions: ['resume', 'rebuild', 'pause', 'crash'],
    },
    criteria: [
      count('The poison event was parked in the dead-letter table', 'projection.deadLettered', { projection: 'catalogue' }, '>=', 1),
      {
        description: 'The catalogue shows 98 units of KB-42',
        kind: 'query',
        query: { type: 'GetProduct', params: { sku: 'KB-42' } },
        path: 'stock',
        op: '==',
        value: 98,
      },
    ],
    failsOn: 'The poison event was parked in the dead-letter table',
    solution: clicks(
      1000,
      { kind: 'configure', settings: { projection: { deadLetter: true } } },
      { kind: 'projection', action: 'resume', name: 'catalogue' },
    ),
    hints: [
      'Read why the catalogue crashed in the Projections panel (or `projection catalogue` in the terminal), then press Resume: it reads the same event again and stops again.',
      'A consumer that cannot apply one event must either stop or set it aside. Which setting lets a projection set an event aside?',
      'Turn on dead-lettering ("Dead-letter poison events" in the settings, or `projection dead-letter on` in the terminal), then resume the catalogue.',
    ],
    answer:
      'Tick "Dead-letter poison events" (projection.deadLetter), then resume the catalogue; `projection dead-letters catalogue` lists the parked event.',
    debrief:
      'The partition moves again and the orders are counted, but the read model now lacks one event: someone has to fix the data or the code and replay what was parked. A dead-letter queue nobody watches is data loss with extra steps.',
  },
} as Record<LessonPresetName, LessonGoal>;
