// Carrying all progress between browsers: the file and the short code round-trip everything
// the site keeps; a corrupt, foreign or newer file is refused with a message and changes nothing.
import { describe, expect, it } from 'vitest';
import { applyCheckpointAnswer, applyDrillAttempt, applyReview, emptyProgress, PROGRESS_KEY } from '../../../src/interview/progress';
import { exportProgress } from '../../../src/interview/transfer';
import { READING_PROGRESS_KEY } from '../../../src/scripts/readingProgress';
import { COMPLETION_KEY } from '../../../src/scenarios/completion';
import { exportCarry, GOAL_PREFIX, importCarry, readSnapshot, type CarryStorage } from '../../../src/progress/carry';
import { CODE_PREFIX, decodeProgressCode, encodeProgressCode } from '../../../src/progress/code';
import { PREDICTION_KEY_PREFIX } from '../../../src/sandbox/predictionProgress';
import { CODE_KEY_PREFIX } from '../../../src/code/progress/savedCode';

const now = new Date('2026-03-02T09:00:00Z');

function fakeStorage(initial: Record<string, string> = {}): CarryStorage & { dump(): Record<string, string> } {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
    key: (index) => [...data.keys()][index] ?? null,
    get length() {
      return data.size;
    },
    dump: () => Object.fromEntries([...data].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** A browser with a bit of everything. */
function fullBrowser() {
  let interview = applyReview(emptyProgress(), 'cqrs-vs-read-replicas', 'good', { hit: 2, total: 3 }, now);
  interview = applyDrillAttempt(interview, 'flash-sale', {
    at: now.toISOString(),
    design: { sync: 'async' },
    passed: true,
    failed: [],
    requirementsTotal: 2,
  });
  interview = applyCheckpointAnswer(interview, 'sagas#timeout', { verdict: 'wrong', response: 0, explain: 'Refund it.' }, now);
  return fakeStorage({
    [PROGRESS_KEY]: JSON.stringify(interview),
    [READING_PROGRESS_KEY]: JSON.stringify({ read: { 'why-crud-breaks': now.toISOString() } }),
    [COMPLETION_KEY]: JSON.stringify({ version: 1, scenarios: { 'flash-sale': { storyFinished: true, challengeSolved: false } } }),
    [`${GOAL_PREFIX}projections:stock-matches-replay`]: JSON.stringify({ status: 'solvedWithAnswer', at: now.toISOString() }),
    [`${PREDICTION_KEY_PREFIX}rebuild`]: JSON.stringify({
      predicted: 2000,
      at: now.toISOString(),
      measured: 3100,
      close: false,
      measuredAt: now.toISOString(),
    }),
    [`${CODE_KEY_PREFIX}never-oversell`]: JSON.stringify({ source: 'export function decide() {}', at: now.toISOString() }),
    'cqrs-lab:theme': 'dark',
  });
}

describe('progress export and import', () => {
  it('a file round-trips every kind of progress into an empty browser', () => {
    const source = fullBrowser();
    const file = exportCarry(readSnapshot(source), now);
    const fresh = fakeStorage();
    const result = importCarry(fresh, file);
    expect(result.ok).toBe(true);
    expect(readSnapshot(fresh)).toEqual(readSnapshot(source));
    expect(result.message).toBe(
      'Imported 1 lesson read, 1 checkpoint answered, 1 embed goal, 1 prediction, 1 scenario played, 1 drill run, 1 interview question reviewed, 1 exercise with your code, merged with what was here.',
    );
    expect(fresh.getItem('cqrs-lab:theme')).toBeNull();
    expect(JSON.parse(fresh.getItem(`${PREDICTION_KEY_PREFIX}rebuild`)!)).toMatchObject({ predicted: 2000, measured: 3100 });
  });

  it('a prediction keeps the one committed first (a later one cannot rewrite what was predicted)', () => {
    const here = fakeStorage({
      [`${PREDICTION_KEY_PREFIX}rebuild`]: JSON.stringify({ predicted: 9999, at: '2026-03-05T00:00:00.000Z' }),
      [`${PREDICTION_KEY_PREFIX}double-click`]: JSON.stringify({ predicted: 10, at: '2026-03-01T00:00:00.000Z' }),
    });
    expect(importCarry(here, exportCarry(readSnapshot(fullBrowser()), now)).ok).toBe(true);
    const merged = readSnapshot(here).predictions;
    expect(merged['rebuild']).toMatchObject({ predicted: 2000, measured: 3100 });
    expect(merged['double-click']).toEqual({ predicted: 10, at: '2026-03-01T00:00:00.000Z' });
  });

  it('code for an exercise: the draft changed last wins, whole', () => {
    const here = fakeStorage({
      [`${CODE_KEY_PREFIX}never-oversell`]: JSON.stringify({ source: 'older', at: '2026-03-01T00:00:00.000Z' }),
      [`${CODE_KEY_PREFIX}idempotent-balance`]: JSON.stringify({ source: 'newer here', at: '2026-03-09T00:00:00.000Z' }),
    });
    const incoming = fakeStorage({
      [`${CODE_KEY_PREFIX}never-oversell`]: JSON.stringify({ source: 'newer there', at: '2026-03-02T00:00:00.000Z' }),
      [`${CODE_KEY_PREFIX}idempotent-balance`]: JSON.stringify({ source: 'older there', at: '2026-03-03T00:00:00.000Z' }),
    });
    expect(importCarry(here, exportCarry(readSnapshot(incoming), now)).ok).toBe(true);
    expect(readSnapshot(here).code).toEqual({
      'never-oversell': { source: 'newer there', at: '2026-03-02T00:00:00.000Z' },
      'idempotent-balance': { source: 'newer here', at: '2026-03-09T00:00:00.000Z' },
    });
  });

  it('reads a file exported before code was kept', () => {
    const { code: _c, ...older } = JSON.parse(exportCarry(readSnapshot(fullBrowser()), now)) as Record<string, unknown>;
    const fresh = fakeStorage();
    expect(importCarry(fresh, JSON.stringify(older)).ok).toBe(true);
    expect(readSnapshot(fresh).code).toEqual({});
  });

  it('reads a file exported before predictions existed', () => {
    const { predictions: _p, ...older } = JSON.parse(exportCarry(readSnapshot(fullBrowser()), now)) as Record<string, unknown>;
    const fresh = fakeStorage();
    const result = importCarry(fresh, JSON.stringify(older));
    expect(result.ok).toBe(true);
    expect(readSnapshot(fresh).predictions).toEqual({});
  });

  it('the short code round-trips the same file', async () => {
    const file = exportCarry(readSnapshot(fullBrowser()), now);
    const code = await encodeProgressCode(file);
    expect(code.startsWith(CODE_PREFIX)).toBe(true);
    expect(code).toMatch(/^cqrs1\.[A-Za-z0-9_-]+$/);
    expect(code.length).toBeLessThan(file.length);
    expect(await decodeProgressCode(code)).toEqual({ ok: true, json: file });
    expect(await decodeProgressCode(`https://example.org/progress/#p=${code}`)).toEqual({ ok: true, json: file });
  });

  it('merges rather than replaces: a goal keeps its best status, lessons read are unioned', () => {
    const here = fakeStorage({
      [READING_PROGRESS_KEY]: JSON.stringify({ read: { commands: now.toISOString() } }),
      [`${GOAL_PREFIX}projections:stock-matches-replay`]: JSON.stringify({ status: 'solved', at: '2026-03-01T00:00:00.000Z' }),
    });
    const result = importCarry(here, exportCarry(readSnapshot(fullBrowser()), now));
    expect(result.ok).toBe(true);
    const merged = readSnapshot(here);
    expect(Object.keys(merged.reading.read).sort()).toEqual(['commands', 'why-crud-breaks']);
    expect(merged.goals['projections:stock-matches-replay']!.status).toBe('solved');
  });

  it('still reads an interview-only export from before', () => {
    const interview = applyReview(emptyProgress(), 'cqrs-vs-read-replicas', 'good', { hit: 1, total: 3 }, now);
    const fresh = fakeStorage();
    expect(importCarry(fresh, exportProgress(interview, now)).ok).toBe(true);
    expect(readSnapshot(fresh).interview.questions['cqrs-vs-read-replicas']).toEqual(interview.questions['cqrs-vs-read-replicas']);
  });

  const good = () => JSON.parse(exportCarry(readSnapshot(fullBrowser()), now)) as Record<string, unknown>;
  it.each<[string, () => string, RegExp]>([
    ['an empty file', () => '  ', /It is empty\./],
    ['a file cut short', () => exportCarry(readSnapshot(fullBrowser()), now).slice(0, 200), /not valid JSON/],
    ['a foreign JSON file', () => JSON.stringify({ name: 'package', version: '1.0.0' }), /not a CQRS Lab progress export/],
    [
      'a newer version',
      () => JSON.stringify({ ...good(), version: 99 }),
      /newer version of CQRS Lab \(file version 99; this site reads up to 1\)/,
    ],
    [
      'a damaged goal',
      () => JSON.stringify({ ...good(), goals: { x: { status: 'done', at: 'never' } } }),
      /It is damaged: goals\.x\.status/,
    ],
    [
      'a damaged prediction',
      () => JSON.stringify({ ...good(), predictions: { rebuild: { predicted: 'soon', at: now.toISOString() } } }),
      /It is damaged: predictions\.rebuild\.predicted/,
    ],
    [
      'damaged code',
      () => JSON.stringify({ ...good(), code: { 'never-oversell': { source: 42, at: now.toISOString() } } }),
      /It is damaged: code\.never-oversell\.source/,
    ],
    [
      'code under a name that is not an exercise id',
      () => JSON.stringify({ ...good(), code: { '../x': { source: '', at: now.toISOString() } } }),
      /It is damaged: code\.\.\.\/x: Invalid key/,
    ],
    [
      'a damaged checkpoint',
      () => {
        const file = good();
        (file.interview as { checkpoints: Record<string, unknown> }).checkpoints['sagas#timeout'] = { card: {}, attempts: [] };
        return JSON.stringify(file);
      },
      /It is damaged: interview\.checkpoints/,
    ],
  ])('refuses %s with a clear message and changes nothing', (_name, text, message) => {
    const here = fullBrowser();
    const before = here.dump();
    const result = importCarry(here, text());
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(message);
    expect(result.message).toMatch(/Nothing was imported; your progress is unchanged\.$/);
    expect(here.dump()).toEqual(before);
  });

  it.each([
    ['not ours', 'hello', /not a CQRS Lab progress code/],
    ['with stray characters', `${CODE_PREFIX}abc$def`, /characters a progress code never has/],
    ['that does not inflate', `${CODE_PREFIX}_____AAAA`, /damaged or incomplete/],
  ])('refuses a code %s', async (_name, code, message) => {
    const result = await decodeProgressCode(code);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('a code cut in half when copied is refused, and changes nothing', async () => {
    const code = await encodeProgressCode(exportCarry(readSnapshot(fullBrowser()), now));
    const here = fakeStorage();
    const decoded = await decodeProgressCode(code.slice(0, Math.floor(code.length / 2)));
    const result = decoded.ok ? importCarry(here, decoded.json) : decoded;
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/(damaged or incomplete|not valid JSON).*Nothing was imported; your progress is unchanged\.$/);
    expect(here.dump()).toEqual({});
  });

  it('puts every key back when the browser refuses a write halfway', () => {
    const here = fullBrowser();
    const before = here.dump();
    let writes = 0;
    const flaky: CarryStorage = {
      getItem: here.getItem,
      removeItem: here.removeItem,
      key: here.key,
      get length() {
        return here.length;
      },
      setItem: (key, value) => {
        if (++writes === 2) throw new DOMException('full', 'QuotaExceededError');
        here.setItem(key, value);
      },
    };
    const incoming = fakeStorage({ [READING_PROGRESS_KEY]: JSON.stringify({ read: { sagas: now.toISOString() } }) });
    const result = importCarry(flaky, exportCarry(readSnapshot(incoming), now));
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/refused to store .* Nothing was imported/) });
    expect(here.dump()).toEqual(before);
  });
});
