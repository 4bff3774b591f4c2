// The Code panel's starters, made from each domain's definition, load in the
// sandbox and meet the API: a projection starter builds the reference's
// tables; a decider starter refuses every command until it is written.
import { beforeAll, describe, expect, it } from 'vitest';
import { learnerDecider } from '../../../src/code/adapters/learnerDecider.ts';
import { learnerProjectionCode } from '../../../src/code/adapters/learnerProjection.ts';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { commandsOf, deciderStarter, examplePayload, projectionStarter } from '../../../src/code/lab/sandboxStarters.ts';
import { LearnerSandbox } from '../../../src/code/sandbox/sandbox.ts';
import { domains } from '../../../src/domain/index.ts';
import { isRejection } from '../../../src/engine/index.ts';
import { codeEnvironment } from './environment.ts';

let env: CodeEnvironment;
beforeAll(async () => {
  env = await codeEnvironment();
});

describe.each(Object.values(domains).map((d) => [d.name, d] as const))('starters of %s', (_, domain) => {
  it.each(domain.projections.map((p) => [p.name]))('the %s projection starter keeps the reference’s tables and handles', (name) => {
    const sandbox = LearnerSandbox.load(env.quickjs, projectionStarter(domain, name), { seed: 1, now: () => 0 });
    const code = learnerProjectionCode(sandbox, { description: 'yours', eventTypes: domain.events.map((e) => e.type) });
    const reference = domain.projections.find((p) => p.name === name)!;
    expect(code.schema).toEqual(reference.schema);
    expect(code.handles).toEqual(reference.handles);
    sandbox.dispose();
  });

  it.each(domain.aggregates.map((a) => [a.name]))('the %s decider starter loads and refuses its commands until written', (name) => {
    const sandbox = LearnerSandbox.load(env.quickjs, deciderStarter(domain, name), { seed: 1, now: () => 0 });
    const decider = learnerDecider(sandbox, { eventTypes: domain.events.map((e) => e.type), rejectionCodes: 'any' });
    const commands = commandsOf(domain, name);
    expect(commands.length).toBeGreaterThan(0);
    for (const type of commands) {
      const spec = domain.commands.find((c) => c.type === type)!;
      const decision = decider.decide({ type, data: examplePayload(spec.fields) }, decider.initialState);
      expect(isRejection(decision) && decision.code).toBe('NotDecidedYet');
    }
    sandbox.dispose();
  });
});
