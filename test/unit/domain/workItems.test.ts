import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { given } from '../../../src/engine/testing/givenWhenThen.ts';
import { InvalidPayloadError } from '../../../src/engine/errors.ts';
import { WorkItem, type WorkItemCommand } from '../../../src/domain/workItems/workItem.ts';
import type { WorkItemAssigned, WorkItemClosed, WorkItemCreated, WorkItemMoved } from '../../../src/domain/workItems/events.ts';
import { workItems } from '../../../src/domain/workItems/index.ts';
import type { Board } from '../../../src/domain/workItems/projections/boardShape.ts';
import { createEngine } from '../../../src/engine/index.ts';
import { initialValues, inputType, payloadFrom } from '../../../src/sandbox/forms.ts';
import { createLocalBackend } from '../../../src/terminal/localBackend.ts';
import { TerminalSession } from '../../../src/terminal/session.ts';
import { memoryStorage } from '../../../src/terminal/history.ts';
import { renderPlain } from '../../../src/terminal/ansi.ts';
import { engineFor, INSTANT, sqlJs } from '../engine/helpers.ts';

const created = (column = 'backlog', points: number | null = null): WorkItemCreated => ({
  type: 'WorkItemCreated',
  data: { itemId: 'w1', boardId: 'team-a', title: 'Fix login', kind: 'bug', column, points },
});
const ids = { itemId: 'w1', boardId: 'team-a' };
const assigned = (assignee: string): WorkItemAssigned => ({ type: 'WorkItemAssigned', data: { ...ids, assignee } });
const moved = (fromColumn: string, toColumn: string): WorkItemMoved => ({ type: 'WorkItemMoved', data: { ...ids, fromColumn, toColumn } });
const closed = (fromColumn: string): WorkItemClosed => ({ type: 'WorkItemClosed', data: { ...ids, fromColumn } });
const move = (toColumn: string): WorkItemCommand => ({ type: 'MoveWorkItem', data: { itemId: 'w1', toColumn } });

describe('WorkItem aggregate', () => {
  it('is created once, in backlog unless todo is asked for', () => {
    given(WorkItem)
      .when({ type: 'CreateWorkItem', data: { itemId: 'w1', title: 'Fix login', kind: 'bug', boardId: 'team-a' } })
      .then([created()]);
    given(WorkItem)
      .when({
        type: 'CreateWorkItem',
        data: { itemId: 'w1', title: 'Fix login', kind: 'bug', boardId: 'team-a', column: 'todo', points: 3 },
      })
      .then([created('todo', 3)]);
    given(WorkItem, [created()])
      .when({ type: 'CreateWorkItem', data: { itemId: 'w1', title: 'Again', kind: 'task', boardId: 'team-b' } })
      .thenRejects('WorkItemExists');
    given(WorkItem)
      .when({ type: 'CreateWorkItem', data: { itemId: 'w1', title: 'Skip the queue', kind: 'task', boardId: 'team-a', column: 'doing' } })
      .thenRejects('UnknownColumn');
  });

  it('moves between known columns, never to where it already is', () => {
    given(WorkItem, [created()])
      .when(move('todo'))
      .then([moved('backlog', 'todo')]);
    expect(given(WorkItem, [created()]).when(move('limbo')).thenRejects('UnknownColumn')).toContain('backlog, todo, doing, review, done');
    given(WorkItem, [created()]).when(move('backlog')).thenRejects('AlreadyInColumn');
    given(WorkItem).when(move('todo')).thenRejects('UnknownWorkItem');
  });

  it('work in progress needs an owner', () => {
    expect(given(WorkItem, [created()]).when(move('doing')).thenRejects('NeedsAssignee')).toContain('needs an owner');
    given(WorkItem, [created()]).when(move('review')).thenRejects('NeedsAssignee');
    given(WorkItem, [created(), assigned('ada')])
      .when(move('doing'))
      .then([moved('backlog', 'doing')]);
    given(WorkItem, [created()])
      .when(move('done'))
      .then([moved('backlog', 'done')]);
  });

  it('assigns and estimates only when something changes', () => {
    given(WorkItem, [created()])
      .when({ type: 'AssignWorkItem', data: { itemId: 'w1', assignee: 'ada' } })
      .then([assigned('ada')]);
    given(WorkItem, [created(), assigned('ada')])
      .when({ type: 'AssignWorkItem', data: { itemId: 'w1', assignee: 'ada' } })
      .thenRejects('AlreadyAssigned');
    given(WorkItem, [created(), assigned('ada')])
      .when({ type: 'AssignWorkItem', data: { itemId: 'w1', assignee: 'bob' } })
      .then([assigned('bob')]);
    given(WorkItem, [created('backlog', 5)])
      .when({ type: 'EstimateWorkItem', data: { itemId: 'w1', points: 5 } })
      .thenRejects('EstimateUnchanged');
    given(WorkItem, [created('backlog', 5)])
      .when({ type: 'EstimateWorkItem', data: { itemId: 'w1', points: 8 } })
      .then([{ type: 'WorkItemEstimated', data: { ...ids, points: 8 } }]);
  });

  it('a closed item is in done and can no longer change', () => {
    given(WorkItem, [created(), assigned('ada'), moved('backlog', 'doing')])
      .when({ type: 'CloseWorkItem', data: { itemId: 'w1' } })
      .then([closed('doing')]);
    const history = [created(), closed('backlog')];
    given(WorkItem, history)
      .when({ type: 'CloseWorkItem', data: { itemId: 'w1' } })
      .thenRejects('AlreadyClosed');
    expect(given(WorkItem, history).when(move('todo')).thenRejects('ItemClosed')).toContain('closed');
    given(WorkItem, history)
      .when({ type: 'AssignWorkItem', data: { itemId: 'w1', assignee: 'ada' } })
      .thenRejects('ItemClosed');
    given(WorkItem, history)
      .when({ type: 'EstimateWorkItem', data: { itemId: 'w1', points: 1 } })
      .thenRejects('ItemClosed');
    // Already in done: closing it still does not count as a move.
    given(WorkItem, history).when(move('done')).thenRejects('ItemClosed');
  });
});

describe('work-item board read models', () => {
  const engine = () => engineFor(workItems, INSTANT);

  it('GetBoard and GetBoardJoined show the same board: cards in column order, totals per column', async () => {
    const e = await engine();
    const send = async (type: string, data: Record<string, unknown>) => {
      const r = await e.execute({ type, data });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    };
    await send('CreateWorkItem', { itemId: 'w1', title: 'Fix login', kind: 'bug', boardId: 'team-a', points: 3 });
    await send('CreateWorkItem', { itemId: 'w2', title: 'Sprint report', kind: 'story', boardId: 'team-a', column: 'todo' });
    await send('CreateWorkItem', { itemId: 'w3', title: 'Other team', kind: 'task', boardId: 'team-b', points: 1 });
    await send('AssignWorkItem', { itemId: 'w1', assignee: 'ada' });
    await send('MoveWorkItem', { itemId: 'w1', toColumn: 'doing' });
    await send('EstimateWorkItem', { itemId: 'w2', points: 5 });
    await send('EstimateWorkItem', { itemId: 'w1', points: 2 });
    await send('CloseWorkItem', { itemId: 'w2' });
    await e.runUntilIdle();

    const board = (await e.query({ type: 'GetBoard', params: { boardId: 'team-a' } })).data as Board;
    const joined = (await e.query({ type: 'GetBoardJoined', params: { boardId: 'team-a' } })).data as Board;
    expect(joined).toEqual(board);
    expect(board.cards.map((c) => [c.itemId, c.column, c.assignee, c.points, c.closed])).toEqual([
      ['w1', 'doing', 'ada', 2, false],
      ['w2', 'done', null, 5, true],
    ]);
    expect(board.columns).toEqual([
      { column: 'backlog', cards: 0, points: 0 },
      { column: 'todo', cards: 0, points: 0 },
      { column: 'doing', cards: 1, points: 2 },
      { column: 'review', cards: 0, points: 0 },
      { column: 'done', cards: 1, points: 5 },
    ]);
    const card = (await e.query({ type: 'GetWorkItem', params: { itemId: 'w3' } })).data;
    expect(card).toMatchObject({ boardId: 'team-b', itemId: 'w3', column: 'backlog', points: 1, closed: false });
    expect((await e.query({ type: 'ListBoards' })).data).toEqual([
      { boardId: 'team-a', cards: 2, points: 7 },
      { boardId: 'team-b', cards: 1, points: 1 },
    ]);
    expect((await e.query({ type: 'GetBoard', params: { boardId: 'nobody' } })).data).toBeNull();
    expect((await e.query({ type: 'GetBoardJoined', params: { boardId: 'nobody' } })).data).toBeNull();
    e.close();
  });

  it('refuses an unknown column or kind before anything is recorded, naming the allowed values', async () => {
    const e = await engine();
    await expect(e.execute({ type: 'MoveWorkItem', data: { itemId: 'w1', toColumn: 'limbo' } })).rejects.toThrow(InvalidPayloadError);
    await expect(e.execute({ type: 'MoveWorkItem', data: { itemId: 'w1', toColumn: 'limbo' } })).rejects.toThrow(
      /backlog, todo, doing, review, done/,
    );
    await expect(e.execute({ type: 'CreateWorkItem', data: { itemId: 'w1', title: 'x', kind: 'epic', boardId: 'b' } })).rejects.toThrow(
      /story, bug, task/,
    );
    expect(e.headPosition).toBe(0);
    e.close();
  });

  it('after a random script under bus faults (dedupe guard off) both queries return the same board', async () => {
    const itemIds = ['w1', 'w2', 'w3'];
    let acceptedTotal = 0;
    const command = fc.oneof(
      {
        weight: 2,
        arbitrary: fc.record({
          type: fc.constant('CreateWorkItem'),
          data: fc.record(
            {
              itemId: fc.constantFrom(...itemIds),
              title: fc.constantFrom('Fix login', 'Export report'),
              kind: fc.constantFrom('story', 'bug', 'task'),
              boardId: fc.constantFrom('a', 'b'),
              column: fc.constantFrom('backlog', 'todo'),
              points: fc.integer({ min: 0, max: 13 }),
            },
            { requiredKeys: ['itemId', 'title', 'kind', 'boardId'] },
          ),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          type: fc.constant('MoveWorkItem'),
          data: fc.record({ itemId: fc.constantFrom(...itemIds), toColumn: fc.constantFrom('backlog', 'todo', 'doing', 'review', 'done') }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          type: fc.constant('AssignWorkItem'),
          data: fc.record({ itemId: fc.constantFrom(...itemIds), assignee: fc.constantFrom('ada', 'bob') }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          type: fc.constant('EstimateWorkItem'),
          data: fc.record({ itemId: fc.constantFrom(...itemIds), points: fc.integer({ min: 0, max: 13 }) }),
        }),
      },
      { weight: 1, arbitrary: fc.record({ type: fc.constant('CloseWorkItem'), data: fc.record({ itemId: fc.constantFrom(...itemIds) }) }) },
    );
    const faults = fc.record({
      latencyMs: fc.integer({ min: 5, max: 50 }),
      jitterMs: fc.integer({ min: 0, max: 50 }),
      duplicateProbability: fc.constantFrom(0.3, 0.6, 0.9),
      dropProbability: fc.constantFrom(0, 0.2),
      reorder: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(command, fc.integer({ min: 0, max: 30 })), { minLength: 15, maxLength: 60 }),
        faults,
        fc.integer({ min: 1, max: 1000 }),
        async (script, bus, seed) => {
          const e = await engineFor(workItems, { bus, projection: { dedupe: false, ordering: true } }, seed);
          try {
            // Spaced in virtual time so later commands are decided on earlier ones, while deliveries are still in flight.
            let accepted = 0;
            e.onTrace((r) => void (r.type === 'events.appended' && accepted++));
            for (const [c, gapMs] of script) {
              e.submit({ kind: 'command', command: c });
              await e.advance(gapMs);
            }
            await e.runUntilIdle();
            for (const boardId of ['a', 'b']) {
              const board = (await e.query({ type: 'GetBoard', params: { boardId } })).data as Board | null;
              const joined = (await e.query({ type: 'GetBoardJoined', params: { boardId } })).data as Board | null;
              expect(joined).toEqual(board);
              if (board) expect(board.columns.reduce((n, c) => n + c.cards, 0)).toBe(board.cards.length);
            }
            acceptedTotal += accepted;
          } finally {
            e.close();
          }
        },
      ),
      { numRuns: 60 },
    );
    // The scripts did change boards (not only rejections).
    expect(acceptedTotal).toBeGreaterThan(200);
  });
});

describe('the sandbox and terminal drive the board from its field specs', () => {
  it('the generated forms, filled with their examples, create and move a card', async () => {
    const e = await engineFor(workItems, INSTANT);
    const formPayload = (type: string, changes: Record<string, string> = {}) => {
      const fields = workItems.commands.find((c) => c.type === type)!.fields;
      return payloadFrom(fields, { ...initialValues(fields), ...changes });
    };
    expect(workItems.commands.find((c) => c.type === 'MoveWorkItem')!.fields.map(inputType)).toEqual(['text', 'select']);
    expect((await e.execute({ type: 'CreateWorkItem', data: formPayload('CreateWorkItem') })).ok).toBe(true);
    expect((await e.execute({ type: 'MoveWorkItem', data: formPayload('MoveWorkItem') })).ok).toBe(true);
    expect((await e.execute({ type: 'AssignWorkItem', data: formPayload('AssignWorkItem') })).ok).toBe(true);
    expect((await e.execute({ type: 'EstimateWorkItem', data: formPayload('EstimateWorkItem') })).ok).toBe(true);
    await e.runUntilIdle();
    const queryFields = workItems.queries.find((q) => q.type === 'GetBoard')!.fields;
    const board = (await e.query({ type: 'GetBoard', params: payloadFrom(queryFields, initialValues(queryFields)) })).data as Board;
    expect(board.cards).toMatchObject([{ itemId: 'wi-1', column: 'todo', assignee: 'ada', points: 3 }]);
    e.close();
  });

  it('the terminal parses, completes and answers the board commands', async () => {
    const sql = await sqlJs();
    const engine = createEngine({ sql, domain: workItems, seed: 1, settings: INSTANT });
    const session = new TerminalSession({ backend: createLocalBackend(engine, { sql }), storage: memoryStorage() });
    const run = async (line: string) => renderPlain(await session.run(line));
    await run('CreateWorkItem wi-7 "Fix login" bug team-a');
    expect((await session.complete('MoveWorkItem wi-7 ')).candidates).toEqual(['backlog', 'todo', 'doing', 'review', 'done', 'toColumn=']);
    expect(await run('MoveWorkItem wi-7 doing')).toContain('NeedsAssignee');
    await run('AssignWorkItem wi-7 ada');
    await run('MoveWorkItem wi-7 doing');
    await run('time run');
    const text = await run('GetBoardJoined team-a');
    expect(text).toContain('wi-7');
    expect(text).toContain('doing');
    engine.close();
  });
});
