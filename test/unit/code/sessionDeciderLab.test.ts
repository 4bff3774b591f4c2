// A learner decider standing in for one of the sandbox domain's aggregates,
// on the history the sandbox's run wrote.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { SessionDeciderLab } from '../../../src/code/lab/sessionDeciderLab.ts';
import { LearnerCodeError } from '../../../src/code/sandbox/errors.ts';
import { banking } from '../../../src/domain/index.ts';
import { createEngine } from '../../../src/engine/index.ts';
import type { SessionState } from '../../../src/sandbox/sessionState.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

async function session(): Promise<SessionState> {
  const engine = createEngine({ sql: env.sql, domain: banking, seed: 3 });
  await engine.execute({ type: 'OpenAccount', data: { accountId: 'a', owner: 'Ada', overdraftLimitCents: 0 } });
  await engine.execute({ type: 'Deposit', data: { accountId: 'a', amountCents: 500 } });
  await engine.runUntilIdle();
  const s: SessionState = { domain: 'banking', seed: 3, settings: {}, script: engine.recordedScript(), until: engine.position() };
  engine.close();
  return s;
}

// Deposits only; everything else refused with a code of the learner's own.
const DEPOSITS_ONLY = `export const initialState = { opened: false, balance: 0 };
export function decide(command, state) {
  if (command.type !== 'Deposit') return reject('NotYet', 'only deposits so far');
  if (!state.opened) return reject('NoAccount', 'open it first');
  return [{ type: 'MoneyDeposited', data: { accountId: command.data.accountId, amountCents: command.data.amountCents } }];
}
export function evolve(state, event) {
  if (event.type === 'AccountOpened') return { ...state, opened: true };
  if (event.type === 'MoneyDeposited') return { ...state, balance: state.balance + event.data.amountCents };
  return state;
}
`;

describe('a learner decider in the sandbox', () => {
  it('folds the sandbox’s history, appends its events and says its refusals', async () => {
    const lab = await SessionDeciderLab.open(env, await session(), { aggregate: 'Account', source: DEPOSITS_ONLY });
    expect(lab.opened.imported).toBe(2);
    expect(lab.opened.commands).toEqual(expect.arrayContaining(['OpenAccount', 'Deposit', 'Withdraw']));
    const ok = await lab.send({ type: 'Deposit', data: { accountId: 'a', amountCents: 7 } });
    expect(ok.result?.ok).toBe(true);
    expect(ok.streams).toEqual([
      {
        streamId: 'account-a',
        version: 3,
        events: [
          expect.objectContaining({ version: 1, type: 'AccountOpened' }),
          expect.objectContaining({ version: 2, type: 'MoneyDeposited' }),
          { version: 3, type: 'MoneyDeposited', data: { accountId: 'a', amountCents: 7 } },
        ],
      },
    ]);
    const refused = await lab.send({ type: 'Withdraw', data: { accountId: 'a', amountCents: 1 } });
    expect(refused.result).toMatchObject({ ok: false, rejection: { code: 'NotYet', message: 'only deposits so far' } });
    expect((await lab.send({ type: 'Deposit', data: { accountId: 'nobody', amountCents: 1 } })).result).toMatchObject({
      rejection: { code: 'NoAccount' },
    });
    const invalid = await lab.send({ type: 'Deposit', data: { accountId: 'a' } });
    expect(invalid.invalid).toMatch(/amountCents/);
    lab.close();
  });

  it('an event of another aggregate, or code that throws, is the learner’s error, not the page’s', async () => {
    const wrongEvent = DEPOSITS_ONLY.replace("type: 'MoneyDeposited', data", "type: 'ProductAdded', data");
    const lab = await SessionDeciderLab.open(env, await session(), { aggregate: 'Account', source: wrongEvent });
    const answer = await lab.send({ type: 'Deposit', data: { accountId: 'a', amountCents: 7 } });
    expect(answer.error?.message).toMatch(/decide returned an event of type ProductAdded/);
    lab.close();
    await expect(
      SessionDeciderLab.open(env, await session(), { aggregate: 'Account', source: "postMessage('x');\n" + DEPOSITS_ONLY }),
    ).rejects.toBeInstanceOf(LearnerCodeError);
  });
});
