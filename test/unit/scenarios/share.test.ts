// Scenarios built and shared: a draft from a sandbox run becomes a
// simulations/-format file and a link; both come back through the same
// schema, equal, and play to the same trace. The author's check refuses a
// goal the untouched run already meets or the reference solution misses.
import initSqlJs from 'sql.js';
import { describe, expect, test } from 'vitest';
import { draftFromSession, scenarioFileName, scenarioFileText, slugFrom } from '../../../src/scenarios/draft.ts';
import { decodeScenarioLink, encodeScenarioLink, readScenarioFile, scenarioParam } from '../../../src/scenarios/shareLink.ts';
import { checkScenario, publishable } from '../../../src/scenarios/authorCheck.ts';
import { parseScenario } from '../../../src/scenarios/schema.ts';
import { runScenario } from '../../../src/scenarios/play.ts';
import { builtScenario, sandboxRun } from './fixtures/builtScenario.ts';

const sql = initSqlJs();

describe('a draft from the sandbox', () => {
  test('takes the run’s domain, seed, settings and the intents that changed something, as the setup', () => {
    const draft = draftFromSession(sandboxRun, 'Hello, World!');
    expect(draft).toMatchObject({ slug: 'hello-world', domain: 'commerce', seed: 7, settings: { bus: { latencyMs: 150 } } });
    expect(draft.setup).toEqual([sandboxRun.script[0]!.intent]);
  });

  test('does not validate until the author writes the story (the file-and-field error names it)', () => {
    const draft = draftFromSession(sandboxRun);
    expect(() => parseScenario(scenarioFileName(draft), draft)).toThrow('my-scenario.json: steps[0].narration: expected a non-empty text');
  });

  test('slugs are file names', () => {
    expect(slugFrom('  Über  <script>alert(1)</script> ')).toBe('uber-script-alert-1-script');
    expect(slugFrom('!!!')).toBe('my-scenario');
  });
});

describe('a built scenario round-trips', () => {
  test('draft → file → validate → link → decode → equal', async () => {
    const built = builtScenario();
    const fromFile = readScenarioFile(scenarioFileName(built), scenarioFileText(built));
    expect(fromFile).toEqual(built);
    const link = await encodeScenarioLink(fromFile);
    expect(link).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(scenarioParam(`#s=${link}`)).toBe(link);
    const fromLink = await decodeScenarioLink(link);
    expect(fromLink).toEqual(built);
  });

  test('played from the file and from the link, it gives the identical trace', async () => {
    const built = builtScenario();
    const fromFile = readScenarioFile(scenarioFileName(built), scenarioFileText(built));
    const fromLink = await decodeScenarioLink(await encodeScenarioLink(built));
    const SQL = await sql;
    const a = await runScenario(SQL, fromFile, { solve: true });
    const b = await runScenario(SQL, fromLink, { solve: true });
    try {
      expect(a.engine.trace.length).toBeGreaterThan(20);
      expect(JSON.stringify(b.engine.trace)).toBe(JSON.stringify(a.engine.trace));
      expect(b.verdict).toEqual(a.verdict);
    } finally {
      a.engine.close();
      b.engine.close();
    }
  });
});

describe('the author’s check', () => {
  test('passes a goal the untouched run fails and the reference solution meets', async () => {
    const check = await checkScenario(await sql, builtScenario());
    expect(check.untouched?.passed).toBe(false);
    expect(check.reference?.passed).toBe(true);
    expect(publishable(check)).toBe(true);
  });

  test('refuses a reference solution that misses the goal, saying which criterion', async () => {
    const s = builtScenario();
    s.challenge!.solution = [];
    const check = await checkScenario(await sql, s);
    expect(publishable(check)).toBe(false);
    expect(check.problems.join(' ')).toContain(
      'Your reference solution does not meet the goal: Fay sees her own order (readYourWriteMisses = 1',
    );
    expect(check.problems.join(' ')).not.toContain('already meets');
  });

  test('refuses a goal the untouched run already meets', async () => {
    const s = builtScenario();
    s.challenge!.criteria = [{ kind: 'metric', metric: 'queries', op: '>=', value: 1, description: 'Fay’s page was answered' }];
    const check = await checkScenario(await sql, s);
    expect(check.untouched?.passed).toBe(true);
    expect(check.problems).toEqual([expect.stringContaining('already meets its goal')]);
  });

  test('reports a setup that cannot be played', async () => {
    const s = builtScenario();
    s.setup = [{ kind: 'command', command: { type: 'PlaceOrder', data: { orderId: 'x', customerId: 'x', sku: 'NOPE', quantity: 1 } } }];
    const check = await checkScenario(await sql, s);
    expect(publishable(check)).toBe(false);
    expect(check.problems[0]).toMatch(/^Untouched, the scenario could not be played: .*setup intent/);
  });
});
