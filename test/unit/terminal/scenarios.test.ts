// Scenarios from the terminal: the list (with what this browser has finished),
// opening a scenario's page, slug completion and help.
import { describe, expect, it, vi } from 'vitest';

// Every scenario of the site has a challenge, but the format allows a story
// alone, and the list must show one as finished once its story is played:
// the catalog gets one such scenario here (a copy of the first, challenge removed).
vi.mock('../../../src/scenarios/catalog.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/scenarios/catalog.ts')>();
  const real = actual.scenarioCatalog();
  const { challenge: _challenge, ...story } = real[0]!;
  const all = [...real, { ...story, slug: 'story-only', title: 'A story with no challenge', order: real.at(-1)!.order + 1 }];
  return { scenarioCatalog: () => all, scenarioBySlug: (slug: string) => all.find((s) => s.slug === slug) };
});

// The unit files share their processes (isolate: false), so an earlier file may have loaded the
// terminal with the real catalog: load it afresh, with the mock above in place.
vi.resetModules();
const { renderPlain } = await import('../../../src/terminal/ansi.ts');
const { memoryStorage } = await import('../../../src/terminal/history.ts');
const { TerminalSession } = await import('../../../src/terminal/session.ts');
const { COMPLETION_KEY, COMPLETION_VERSION } = await import('../../../src/scenarios/completion.ts');
const { scenarioCatalog } = await import('../../../src/scenarios/index.ts');
const { harness } = await import('./helpers.ts');

const catalog = scenarioCatalog();
const withChallenge = catalog.find((s) => s.challenge !== undefined)!;
const storyOnly = catalog.find((s) => s.challenge === undefined)!;

/** A session whose host records where `scenario open` went. */
async function navigating(storage = memoryStorage()) {
  const h = await harness(undefined, { storage });
  const visited: string[] = [];
  const session = new TerminalSession({ backend: h.backend, storage, host: { navigate: (path) => visited.push(path) } });
  return { visited, run: async (line: string) => renderPlain(await session.run(line)), out: (line: string) => session.run(line), session };
}

describe('scenario commands', () => {
  it('lists every scenario with its slug and title', async () => {
    const h = await harness();
    const text = await h.run('scenario list');
    expect(catalog.length).toBeGreaterThan(0);
    for (const s of catalog)
      expect(text).toMatch(new RegExp(`^${s.slug}\\s+${s.title.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    expect(text).toContain('scenario open <slug>');
    expect(await h.run('scenarios')).toBe(text);
    expect(await h.run('scenario')).toBe(text);
  });

  it('shows what this browser has finished, from the scenario pages’ storage', async () => {
    const storage = memoryStorage();
    expect(storyOnly.slug).toBe('story-only');
    const scenarios: Record<string, { storyFinished: boolean; challengeSolved: boolean }> = {
      [withChallenge.slug]: { storyFinished: true, challengeSolved: false },
      [storyOnly.slug]: { storyFinished: true, challengeSolved: false },
    };
    storage.setItem(COMPLETION_KEY, JSON.stringify({ version: COMPLETION_VERSION, scenarios }));
    const t = await navigating(storage);
    const rowOf = (text: string, slug: string) => text.split('\n').find((l) => l.startsWith(`${slug} `)) ?? '';
    let text = await t.run('scenario list');
    expect(rowOf(text, withChallenge.slug)).toMatch(/story played, challenge open$/);
    expect(rowOf(text, storyOnly.slug)).toMatch(/finished$/);
    const untouched = catalog.find((s) => !(s.slug in scenarios))!;
    expect(rowOf(text, untouched.slug)).toMatch(/not yet$/);

    scenarios[withChallenge.slug] = { storyFinished: true, challengeSolved: true };
    storage.setItem(COMPLETION_KEY, JSON.stringify({ version: COMPLETION_VERSION, scenarios }));
    text = await t.run('scenario list');
    expect(rowOf(text, withChallenge.slug)).toMatch(/finished$/);
  });

  it('opens a scenario’s page', async () => {
    const t = await navigating();
    const out = await t.out(`scenario open ${withChallenge.slug}`);
    expect(out.ok).toBe(true);
    expect(t.visited).toEqual([`scenarios/${withChallenge.slug}/`]);
    expect(renderPlain(out)).toContain(`Opening ${withChallenge.title}…`);
    // `load` from before still works, and goes to the same page.
    await t.run(`scenario load ${withChallenge.slug}`);
    expect(t.visited).toEqual([`scenarios/${withChallenge.slug}/`, `scenarios/${withChallenge.slug}/`]);
  });

  it('prints the address where the page cannot be opened from here', async () => {
    const h = await harness();
    expect(await h.run(`scenario open ${withChallenge.slug}`)).toBe(
      `${withChallenge.title}: open /scenarios/${withChallenge.slug}/ to play it.`,
    );
  });

  it('refuses an unknown slug with the nearest one, and goes nowhere', async () => {
    const t = await navigating();
    const typo = `${withChallenge.slug.slice(0, -1)}x`;
    const out = await t.out(`scenario open ${typo}`);
    expect(out.ok).toBe(false);
    expect(renderPlain(out)).toContain(`There is no scenario '${typo}'. Did you mean '${withChallenge.slug}'?`);
    expect(renderPlain(out)).toContain('usage:   scenario open <slug>');
    expect(renderPlain(await t.out('scenario open'))).toContain('usage:   scenario open <slug>');
    expect(t.visited).toEqual([]);
  });

  it('completes slugs with Tab', async () => {
    const t = await navigating();
    const slugs = catalog.map((s) => s.slug);
    const startingWith = (prefix: string) => slugs.filter((s) => s.startsWith(prefix));
    // A prefix only one slug has completes to it; one several share lists them all.
    const unique = slugs.find((s) => startingWith(s.slice(0, 3)).length === 1)!;
    expect(unique).toBeDefined();
    const c = await t.session.complete(`scenario open ${unique.slice(0, 3)}`);
    expect(c.candidates).toEqual([unique]);
    expect(c.line).toBe(`scenario open ${unique} `);
    const shared = slugs.find((s) => startingWith(s.slice(0, 3)).length > 1)!;
    expect(shared).toBeDefined();
    expect((await t.session.complete(`scenario open ${shared.slice(0, 3)}`)).candidates).toEqual(startingWith(shared.slice(0, 3)));
    expect((await t.session.complete('scenario o')).line).toBe('scenario open ');
  });

  it('explains scenarios in help', async () => {
    const h = await harness();
    const text = await h.run('help scenario');
    expect(text).toContain('scenario [list|open]');
    expect(text).toContain('Its steps, checkpoints and Verify button are on its page');
    expect(text).toContain('scenario open flash-sale');
    expect(await h.run('help scenario open')).toContain('Tab completes');
  });
});
