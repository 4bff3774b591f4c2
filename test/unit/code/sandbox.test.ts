import { beforeAll, describe, expect, it } from 'vitest';
import { LearnerCodeError } from '../../../src/code/sandbox/errors.ts';
import { REFUSED_GLOBALS, REFUSED_TIMERS } from '../../../src/code/sandbox/prelude.ts';
import { loadQuickJs, type QuickJSWASMModule } from '../../../src/code/sandbox/quickjs.ts';
import { LearnerSandbox } from '../../../src/code/sandbox/sandbox.ts';

let quickjs: QuickJSWASMModule;
beforeAll(async () => {
  quickjs = await loadQuickJs();
});

function load(source: string, options: Partial<Parameters<typeof LearnerSandbox.load>[2]> = {}): LearnerSandbox {
  return LearnerSandbox.load(quickjs, source, { seed: 7, ...options });
}

/** The LearnerCodeError `run` throws (fails the test when it throws nothing or something else). */
function learnerError(run: () => unknown): LearnerCodeError {
  try {
    run();
  } catch (e) {
    if (e instanceof LearnerCodeError) return e;
    throw e;
  }
  throw new Error('expected a LearnerCodeError, nothing was thrown');
}

const probe = (expression: string) => `export function probe() { return ${expression}; }`;

describe('the sandbox boundary', () => {
  it.each([...REFUSED_GLOBALS.filter((name) => ['document', 'fetch', 'importScripts', 'postMessage', 'indexedDB'].includes(name))])(
    '%s is refused with a message that says why',
    (name) => {
      const sandbox = load(probe(`typeof ${name}`));
      const error = learnerError(() => sandbox.call('probe', []));
      expect(error.kind).toBe('runtime');
      expect(error.message).toContain(`${name} is not available in the sandbox`);
      expect(error.message).toContain('no page, network, storage or messaging');
      expect(error.line).toBe(1);
      sandbox.dispose();
    },
  );

  it('refuses every listed global and timer, read or written', () => {
    const sandbox = load('export function read(name) { return globalThis[name]; }\nexport function write(name) { globalThis[name] = 1; }');
    for (const name of [...REFUSED_GLOBALS, ...REFUSED_TIMERS]) {
      expect(learnerError(() => sandbox.call('read', [name])).message).toContain(`${name} is not available in the sandbox`);
      expect(learnerError(() => sandbox.call('write', [name])).message).toContain(`${name} is not available in the sandbox`);
    }
    expect(learnerError(() => sandbox.call('read', ['setTimeout'])).message).toContain('virtual clock');
    sandbox.dispose();
  });

  it.each([
    ['Function("return this")', 'the Function constructor'],
    ['(function () {}).constructor("return this")()', 'the Function constructor'],
    ['Object.getPrototypeOf(async function () {}).constructor("return 1")', 'the AsyncFunction constructor'],
    ['(function* () {}).constructor("yield 1")', 'the GeneratorFunction constructor'],
    ['(async function* () {}).constructor("yield 1")', 'the AsyncGeneratorFunction constructor'],
    ['[].map.constructor("return globalThis")()', 'the Function constructor'],
    ['eval("1 + 1")', 'eval'],
    ['(0, globalThis.eval)("1")', 'eval'],
  ])('%s is refused', (expression, what) => {
    const sandbox = load(probe(expression));
    const error = learnerError(() => sandbox.call('probe', []));
    expect(error.message).toContain(`${what} is not available in the sandbox`);
    expect(error.message).toContain('building code from text');
    sandbox.dispose();
  });

  it('the global object it can reach holds nothing of a page or a worker', () => {
    const sandbox = load(
      probe(
        'Object.getOwnPropertyNames(globalThis).filter((n) => { try { return typeof globalThis[n] !== "undefined"; } catch { return false; } })',
      ),
    );
    const names = sandbox.call('probe', []) as string[];
    for (const forbidden of [...REFUSED_GLOBALS, ...REFUSED_TIMERS, 'std', 'os', '__host_now', '__host_sql', '__host_log']) {
      expect(names).not.toContain(forbidden);
    }
    expect(names).toContain('JSON');
    sandbox.dispose();
  });

  it('functions keep working as values (instanceof, call, bind) with the constructor refused', () => {
    const sandbox = load(probe('[(() => 1) instanceof Function, typeof Function.prototype.call, ((a) => a + 1).bind(null, 2)()]'));
    expect(sandbox.call('probe', [])).toEqual([true, 'function', 3]);
    sandbox.dispose();
  });
});

describe('runaway code', () => {
  it('an endless loop is stopped with a clear message, and the same sandbox then works', () => {
    const sandbox = load('export function spin() { let i = 0;\n  while (true) { i++; }\n}\nexport function ok(n) { return n * 2; }', {
      stepBudget: 50,
    });
    const error = learnerError(() => sandbox.call('spin', []));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('stopped: your code ran past its budget of 50 steps');
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(sandbox.call('ok', [21])).toBe(42);
    expect(learnerError(() => sandbox.call('spin', [])).kind).toBe('timeout');
    expect(sandbox.call('ok', [1])).toBe(2);
    sandbox.dispose();
  });

  it('an endless loop while the module loads is stopped too', () => {
    const error = learnerError(() => load('for (;;) {}\nexport const x = 1;', { stepBudget: 20 }));
    expect(error.kind).toBe('timeout');
    expect(error.line).toBe(1);
  });

  it('runaway memory is stopped, and the sandbox then works', () => {
    const sandbox = load(
      'export function hog() { const a = []; for (;;) a.push("x".repeat(1000) + a.length); }\nexport function ok() { return "fine"; }',
      {
        memoryLimitBytes: 8 * 1024 * 1024,
      },
    );
    const error = learnerError(() => sandbox.call('hog', []));
    expect(error.kind).toBe('memory');
    expect(error.message).toContain('more memory than the sandbox allows');
    expect(sandbox.call('ok', [])).toBe('fine');
    sandbox.dispose();
  });

  it('unbounded recursion is a runtime error at the learner line, not a crash of the host', () => {
    const sandbox = load('export function deep(n) {\n  return deep(n + 1) + 1;\n}');
    const error = learnerError(() => sandbox.call('deep', [0]));
    expect(error.kind).toBe('runtime');
    expect(error.message).toMatch(/stack overflow/i);
    sandbox.dispose();
  });
});

describe('errors point at the learner line and column', () => {
  it('a syntax error', () => {
    const error = learnerError(() => load('export function apply(db, e) {\n  const x = ;\n}'));
    expect(error.kind).toBe('syntax');
    expect(error.line).toBe(2);
    expect(error.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/^SyntaxError: .*\(line 2, column \d+\)$/);
  });

  it('a runtime error and a thrown error', () => {
    const sandbox = load(
      'export function bad(e) {\n  return e.missing.field;\n}\nexport function no() {\n    throw new Error("not today");\n}',
    );
    const bad = learnerError(() => sandbox.call('bad', [{}]));
    expect(bad.message).toContain('TypeError');
    expect([bad.line, bad.column]).toEqual([2, expect.any(Number)]);
    const thrown = learnerError(() => sandbox.call('no', []));
    expect(thrown.message).toMatch(/^Error: not today \(line 5, column \d+\)$/);
  });

  it('a missing export and an async function are contract errors said plainly', () => {
    const sandbox = load('export async function apply() {}');
    expect(learnerError(() => sandbox.call('decide', [])).message).toContain('your code must export a function named decide');
    expect(learnerError(() => sandbox.call('apply', [])).message).toContain('cannot be async');
    sandbox.dispose();
  });
});

describe('determinism', () => {
  const source = probe('[Date.now(), new Date().getTime(), Math.random(), Math.random(), typeof Date(), new Date(5).getTime()]');

  it('Date reads the virtual clock and Math.random the seed', () => {
    let now = 1000;
    const a = load(source, { seed: 42, now: () => now });
    const first = a.call('probe', []) as unknown[];
    expect(first.slice(0, 2)).toEqual([1000, 1000]);
    expect(first[4]).toBe('string');
    expect(first[5]).toBe(5);
    now = 2500;
    expect((a.call('probe', []) as unknown[])[0]).toBe(2500);
    a.dispose();
  });

  it('two sandboxes with the same seed draw the same numbers; another seed draws others', () => {
    const draws = (seed: number) => {
      const s = load(source, { seed, now: () => 0 });
      const out = [s.call('probe', []), s.call('probe', [])];
      s.dispose();
      return out;
    };
    expect(draws(9)).toEqual(draws(9));
    expect(draws(9)).not.toEqual(draws(10));
  });

  it('the step budget stops a loop at the same point on every run', () => {
    const run = () => {
      const s = load('export let count = 0;\nexport function spin() { for (;;) count++; }\nexport function seen() { return count; }', {
        stepBudget: 5,
      });
      learnerError(() => s.call('spin', []));
      const seen = s.call('seen', []);
      s.dispose();
      return seen;
    };
    expect(run()).toBe(run());
  });
});

describe('values', () => {
  it('exports read as data; a function export is a factory', () => {
    const sandbox = load('export const handles = ["A", "B"];\nexport function initialState() { return { stock: 0 }; }');
    expect(sandbox.exportNames().sort()).toEqual(['handles', 'initialState']);
    expect(sandbox.exportValue('handles')).toEqual(['A', 'B']);
    expect(sandbox.exportValue('initialState')).toEqual({ stock: 0 });
    expect(sandbox.exportType('nothing')).toBe('undefined');
    sandbox.dispose();
  });

  it('console.log lines reach the host', () => {
    const lines: string[] = [];
    const sandbox = load('export function speak() { console.log("hello", { a: 1 }, 2); }', { onLog: (l) => lines.push(l) });
    sandbox.call('speak', []);
    expect(lines).toEqual(['hello {"a":1} 2']);
    sandbox.dispose();
  });
});
