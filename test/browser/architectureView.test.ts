// The architecture picture in Chromium, drawn from a real engine run in the
// test: the tokens on the bus are the deliveries the scheduler holds, a crash
// shows its reason, learner-typed text is shown as text and never runs, and
// the picture's controls call back with intents and settings patches.
import { afterEach, beforeAll, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { flushSync, mount, unmount } from 'svelte';
import initSqlJs from 'sql.js';
import wasmUrl from 'sql.js/dist/sql-wasm.wasm?url';
import '../../src/styles/global.css';
import { commerce } from '../../src/domain/index.ts';
import { createEngine, type Engine, type Intent, type SettingsPatch, type TraceRecord } from '../../src/engine/index.ts';
import { ArchitectureModel, type ArchitectureFrame } from '../../src/worker/views/architecture.ts';
import ArchitectureView from '../../src/components/picture/ArchitectureView.svelte';
import { TOKEN_SHAPES, type DrawnToken } from '../../src/components/picture/tokenCanvas.ts';

interface ArchitectureViewExports {
  drawnTokens(): (DrawnToken & { lane: string })[];
}

const HOSTILE_SESSION = '<img src=x onerror="window.__pwned=1">';
const HOSTILE_COMMAND = '</svg><script>window.__pwned=2</script>';
const HOSTILE_SUBJECT = '<b onmouseover="window.__pwned=3">KB</b>';
/** VITE_PICTURE_SHOTS=1 writes screenshots to test-results/picture/ (to look at the design). */
const SHOTS = (import.meta as { env?: Record<string, string | undefined> }).env?.VITE_PICTURE_SHOTS
  ? '../../test-results/picture'
  : undefined;

let sql: Awaited<ReturnType<typeof initSqlJs>>;
beforeAll(async () => {
  sql = await initSqlJs({ locateFile: () => wasmUrl });
});

let mounted: Record<string, unknown> | undefined;
let host: HTMLElement | undefined;
afterEach(() => {
  if (mounted) unmount(mounted);
  host?.remove();
  mounted = undefined;
  document.documentElement.dataset.theme = 'light';
});

const variants = Object.fromEntries(commerce.projections.map((p) => [p.name, Object.keys(p.variants ?? {})]));

/** A busy, faulty run paused mid-flight, with a crashed projection and a hostile session. */
async function pausedRun(): Promise<{ engine: Engine; frame: ArchitectureFrame; model: ArchitectureModel }> {
  const engine = createEngine({
    sql,
    domain: commerce,
    seed: 7,
    settings: {
      bus: { latencyMs: 400, jitterMs: 300, duplicateProbability: 0.25, dropProbability: 0.15, redeliveryMs: 200, reorder: true },
      costs: { projectMs: 2 },
    },
  });
  const records: TraceRecord[] = [];
  engine.onTrace((r) => records.push(r));
  const model = new ArchitectureModel({ domain: commerce, settings: engine.settings });
  await engine.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 4900, stock: 500 } }, { sessionId: 'alice' });
  await engine.execute({ type: 'AddProduct', data: { sku: 'MS', name: 'Mouse', priceCents: 1900, stock: 500 } }, { sessionId: 'alice' });
  await engine.runUntilIdle();
  engine.controlProjection('pause', 'customerOrders');
  for (let i = 0; i < 14; i++) {
    engine.submit({
      kind: 'command',
      command: {
        type: 'PlaceOrder',
        data: { orderId: `o${i}`, customerId: `c${i % 3}`, sku: i % 2 ? 'KB' : 'MS', quantity: 1 },
        ...(i === 13 ? { commandId: HOSTILE_COMMAND } : {}),
      },
      sessionId: i % 3 === 0 ? HOSTILE_SESSION : i % 3 === 1 ? 'bob' : 'alice',
    });
    await engine.advance(35);
  }
  engine.controlProjection('crash', 'orderSummary');
  await engine.advance(20);
  engine.submit({ kind: 'query', query: { type: 'GetProduct', params: { sku: 'KB' } }, sessionId: 'bob' });
  await engine.advance(5);
  for (const r of records) model.add(r);
  model.setDivergences([
    {
      projection: 'catalogue',
      subject: HOSTILE_SUBJECT,
      field: 'stock',
      readModel: 72,
      events: 61,
      cause: 'a duplicate applied twice',
      checkedAt: engine.headPosition,
    },
  ]);
  return { engine, frame: model.frame(engine.now), model };
}

function render(
  frame: ArchitectureFrame,
  engine: Engine,
  callbacks: { onIntent?: (i: Intent) => void; onSettings?: (p: SettingsPatch) => void } = {},
  width = 1440,
): HTMLElement {
  host = document.createElement('div');
  host.style.width = `${width}px`;
  host.style.padding = '16px';
  host.style.background = 'var(--bg)';
  host.style.color = 'var(--fg)';
  host.style.fontFamily = 'var(--font-sans)';
  document.body.style.margin = '0';
  document.body.appendChild(host);
  mounted = mount(ArchitectureView, {
    target: host,
    props: { frame, settings: engine.settings, clock: { at: engine.now, running: false, speed: 1 }, variants, ...callbacks },
  });
  flushSync();
  return host;
}

type DrawnBusToken = ReturnType<ArchitectureViewExports['drawnTokens']>[number];
/** The tokens the mounted picture's canvases drew last. */
const drawn = (): DrawnBusToken[] => (mounted as unknown as ArchitectureViewExports).drawnTokens();

const deliveriesScheduled = (e: Engine) => e.scheduler.peekLabels(1e9).filter((l) => l.endsWith(':deliver')).length;

it('draws one token per in-flight delivery the engine has scheduled, with time paused mid-run', async () => {
  const { engine, frame } = await pausedRun();
  const el = render(frame, engine);
  const expected = deliveriesScheduled(engine);
  expect(expected).toBeGreaterThan(5);
  expect(frame.bus.lanes.every((l) => l.flow === null)).toBe(true);
  const tokens = drawn().filter((t) => t.token.kind !== 'held');
  expect(tokens.length).toBe(expected);
  expect(el.querySelector('[data-in-flight]')!.textContent).toBe(String(expected));
  // Each lane's canvas says in text how many it drew.
  const lanes = [...el.querySelectorAll<HTMLCanvasElement>('[data-lane] canvas[data-drawn]')];
  expect(lanes.length).toBe(frame.bus.lanes.length);
  expect(lanes.reduce((n, c) => n + Number(c.dataset.drawn), 0)).toBe(expected);
  for (const c of lanes)
    expect(Number(c.dataset.drawn)).toBe(tokens.filter((t) => t.lane === c.closest<HTMLElement>('[data-lane]')!.dataset.lane).length);
  // Each is drawn where the virtual clock puts it: elapsed / scheduled delay, and painted there.
  for (const t of tokens) {
    expect(t.p).toBeCloseTo(Math.min(1, Math.max(0, (engine.now - t.token.sentAt) / (t.token.arriveAt - t.token.sentAt))), 5);
    const canvas = el.querySelector<HTMLCanvasElement>(`[data-lane="${t.lane}"] canvas`)!;
    const ratio = canvas.width / canvas.clientWidth;
    const alpha = canvas.getContext('2d')!.getImageData(Math.floor(t.x * ratio), Math.floor(t.y * ratio), 1, 1).data[3]!;
    expect(alpha, `#${t.token.position} → ${t.lane}`).toBeGreaterThan(0);
  }
  // Unusual deliveries look different (a shape per kind, not only a colour).
  const kinds = new Set(tokens.map((t) => t.token.kind));
  expect(kinds.has('duplicate') || kinds.has('redelivery') || kinds.has('reordered')).toBe(true);
  for (const t of tokens) expect(t.shape).toBe(TOKEN_SHAPES[t.token.kind]);
  expect(new Set(Object.values(TOKEN_SHAPES)).size).toBe(Object.keys(TOKEN_SHAPES).length);
  // The paused subscriber's queue piles up.
  expect(Number(el.querySelector('[data-lane="customerOrders"] [data-paused-queue]')!.getAttribute('data-paused-queue'))).toBe(
    engine.projectionInfo('customerOrders').heldByBus,
  );
});

it('shows a crashed projection with its reason, and a diverged read model with the numbers', async () => {
  const { engine, frame } = await pausedRun();
  const el = render(frame, engine);
  const info = engine.projectionInfo('orderSummary');
  expect(info.status).toBe('crashed');
  const card = el.querySelector('[data-projection="orderSummary"]')!;
  expect(card.getAttribute('data-status')).toBe('crashed');
  const reason = engine.trace.filter((r) => r.type === 'projection.crashed').at(-1) as { reason: string };
  expect(card.querySelector('[data-crash-reason]')!.textContent).toContain(reason.reason);
  const divergence = el.querySelector('[data-projection="catalogue"] [data-divergence]')!.textContent!;
  expect(divergence).toContain('stock 72, the events say 61');
  // An answer from the diverged model is not labelled up to date.
  const answer = el.querySelector('[data-part="queries"] [data-query]');
  expect(answer?.getAttribute('data-freshness')).toBe('diverged');
  expect(answer?.textContent).not.toContain('up to date');
});

it('shows learner-typed text as typed, and nothing in it runs', async () => {
  const { engine, frame } = await pausedRun();
  const el = render(frame, engine);
  const text = el.textContent!;
  expect(text).toContain(HOSTILE_SESSION);
  expect(text).toContain(HOSTILE_COMMAND);
  expect(text).toContain(HOSTILE_SUBJECT);
  expect(el.querySelector('img, script, b')).toBeNull();
  await new Promise((r) => requestAnimationFrame(() => r(null)));
  expect((window as { __pwned?: number }).__pwned).toBeUndefined();
});

it('is a control surface: the bus, the event store and each projection open their controls, by keyboard too', async () => {
  const { engine, frame } = await pausedRun();
  const intents: Intent[] = [];
  const patches: SettingsPatch[] = [];
  const el = render(frame, engine, { onIntent: (i) => intents.push(i), onSettings: (p) => patches.push(p) });
  const busButton = el.querySelector<HTMLButtonElement>('button[aria-label^="Event bus settings"]')!;
  busButton.focus();
  await userEvent.keyboard('{Enter}');
  const busPop = document.getElementById(busButton.getAttribute('popovertarget')!)!;
  expect(busPop.matches(':popover-open')).toBe(true);
  // Latency on a stepped scale: the third step is 2 ms, not 2 % of 5 s.
  const latency = busPop.querySelector<HTMLInputElement>('[data-control="latency"] input')!;
  latency.value = '2';
  latency.dispatchEvent(new Event('input', { bubbles: true }));
  latency.dispatchEvent(new Event('change', { bubbles: true }));
  expect(patches.at(-1)).toEqual({ bus: { latencyMs: 2 } });
  await userEvent.keyboard('{Escape}');
  expect(busPop.matches(':popover-open')).toBe(false);

  const projButton = el.querySelector<HTMLButtonElement>('[data-projection="orderSummary"] button[popovertarget]')!;
  projButton.click();
  const pop = document.getElementById(projButton.getAttribute('popovertarget')!)!;
  expect(pop.matches(':popover-open')).toBe(true);
  const resume = pop.querySelector<HTMLButtonElement>('[data-action="resume"]')!;
  expect(resume.disabled).toBe(false);
  expect(pop.querySelector<HTMLButtonElement>('[data-action="crash"]')!.disabled).toBe(true);
  resume.click();
  expect(intents).toEqual([{ kind: 'projection', action: 'resume', name: 'orderSummary' }]);

  const storeButton = el.querySelector<HTMLButtonElement>('button[aria-label="Event store settings"]')!;
  storeButton.click();
  const storePop = document.getElementById(storeButton.getAttribute('popovertarget')!)!;
  const sync = storePop.querySelector<HTMLSelectElement>('[data-control="sync-mode"] select')!;
  sync.value = 'sync';
  sync.dispatchEvent(new Event('change', { bubbles: true }));
  expect(patches.at(-1)).toEqual({ sync: { mode: 'sync' } });
  // Every control has a name a screen reader can read.
  for (const c of el.querySelectorAll<HTMLElement>('button, input, select')) {
    const named =
      c.getAttribute('aria-label') || c.textContent!.trim() || (c.id && el.querySelector(`label[for="${c.id}"]`)) || c.closest('label');
    expect(named, c.outerHTML.slice(0, 80)).toBeTruthy();
  }
});

it('moves tokens on the virtual clock while time runs, and holds them still when it is paused', async () => {
  const { engine, frame } = await pausedRun();
  const el = render(frame, engine);
  const token = drawn().find((t) => t.token.kind !== 'held' && t.p < 0.9)!;
  const p0 = token.p;
  const frames = (n: number) =>
    new Promise<void>((resolve) => {
      const next = (k: number) => (k === 0 ? resolve() : requestAnimationFrame(() => next(k - 1)));
      next(n);
    });
  await frames(3);
  expect(el.querySelector('[data-testid="architecture"]')!.getAttribute('data-animating')).toBe('false');
  const same = (t: DrawnBusToken) => t.token.key === token.token.key && t.lane === token.lane;
  expect(drawn().find(same)!.p).toBe(p0);
  // Time runs (fast, so a few animation frames move a token visibly).
  unmount(mounted!);
  el.remove();
  host = document.createElement('div');
  document.body.appendChild(host);
  mounted = mount(ArchitectureView, {
    target: host,
    props: { frame, settings: engine.settings, clock: { at: engine.now, running: true, speed: 50 } },
  });
  flushSync();
  await frames(5);
  expect(host.querySelector('[data-testid="architecture"]')!.getAttribute('data-animating')).toBe('true');
  expect(drawn().find(same)!.p).toBeGreaterThan(p0);
});

it.runIf(SHOTS)('screenshots at 1440 px and 360 px in both themes', async () => {
  const { engine, frame } = await pausedRun();
  for (const theme of ['light', 'dark'] as const) {
    for (const width of [1440, 360]) {
      document.documentElement.dataset.theme = theme;
      await page.viewport(width, width < 800 ? 3000 : 1100);
      const el = render(frame, engine, {}, width);
      await page.screenshot({ path: `${SHOTS}/picture-${width}-${theme}.png`, element: el });
      unmount(mounted!);
      mounted = undefined;
      el.remove();
    }
  }
});
