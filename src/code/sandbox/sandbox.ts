// One learner's module running in QuickJS (compiled to wasm): no DOM, no
// network, no storage, no messaging exist in it, and the prelude refuses the
// names by which code would look for them. Each call runs under a step budget
// (the interrupt handler counts, so a stopped loop stops at the same point on
// every run) and a memory limit. Values cross as JSON; the host hands in the
// virtual clock, a seed and, for a projection, its read store.
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import type { ReadStoreDb } from '../../engine/index.ts';
import { LearnerCodeError, placeInStack, type LearnerDiagnostic } from './errors.ts';
import { preludeSource } from './prelude.ts';
import { refusedSql } from './sqlGuard.ts';

export const LEARNER_FILE = 'learner.js';

export interface SandboxOptions {
  /** Seeds Math.random. */
  seed: number;
  /** Virtual time for Date.now() and new Date(). */
  now?: () => number;
  /** Interrupt-handler ticks one call may use (about a millisecond each); past it the call stops. */
  stepBudget?: number;
  memoryLimitBytes?: number;
  /** Hears console.log lines (at most `maxLogLines` are kept). */
  onLog?: (line: string) => void;
}

export const DEFAULT_STEP_BUDGET = 1000;
export const DEFAULT_MEMORY_LIMIT = 32 * 1024 * 1024;
const MAX_STACK_BYTES = 128 * 1024;

/** The learner's module, loaded and ready to call. */
export class LearnerSandbox {
  readonly #runtime: QuickJSRuntime;
  readonly #vm: QuickJSContext;
  readonly #invoke: QuickJSHandle;
  readonly #module: QuickJSHandle;
  readonly #budget: number;
  #ticks = 0;
  #db: ReadStoreDb | null = null;
  #disposed = false;

  private constructor(runtime: QuickJSRuntime, vm: QuickJSContext, invoke: QuickJSHandle, module: QuickJSHandle, budget: number) {
    this.#runtime = runtime;
    this.#vm = vm;
    this.#invoke = invoke;
    this.#module = module;
    this.#budget = budget;
  }

  /** Loads `source` (an ES module in JavaScript); throws LearnerCodeError (syntax, or an error while it loads). */
  static load(quickjs: QuickJSWASMModule, source: string, options: SandboxOptions): LearnerSandbox {
    const runtime = quickjs.newRuntime();
    const budget = options.stepBudget ?? DEFAULT_STEP_BUDGET;
    runtime.setMemoryLimit(options.memoryLimitBytes ?? DEFAULT_MEMORY_LIMIT);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    const vm = runtime.newContext();
    let sandbox: LearnerSandbox | undefined;
    const now = options.now ?? (() => 0);
    const onLog = options.onLog ?? (() => {});
    try {
      vm.newFunction('__host_now', () => vm.newNumber(now())).consume((f) => vm.setProp(vm.global, '__host_now', f));
      vm.newFunction('__host_log', (line) => {
        onLog(vm.getString(line));
        return vm.undefined;
      }).consume((f) => vm.setProp(vm.global, '__host_log', f));
      vm.newFunction('__host_sql', (kind, sql, params) => {
        const out = sandbox!.#runSql(vm.getString(kind), vm.getString(sql), vm.getString(params));
        return out === undefined ? vm.undefined : vm.newString(out);
      }).consume((f) => vm.setProp(vm.global, '__host_sql', f));
      const tick = { count: 0 };
      runtime.setInterruptHandler(() => (sandbox ? ++sandbox.#ticks > sandbox.#budget : ++tick.count > budget));
      const invoke = vm.unwrapResult(vm.evalCode(preludeSource(options.seed), 'prelude.js', { type: 'global' }));
      const loaded = vm.evalCode(source, LEARNER_FILE, { type: 'module' });
      if (loaded.error) {
        const diagnostic = diagnose(vm, loaded.error, budget);
        loaded.error.dispose();
        invoke.dispose();
        throw new LearnerCodeError(diagnostic);
      }
      sandbox = new LearnerSandbox(runtime, vm, invoke, loaded.value, budget);
      return sandbox;
    } catch (e) {
      if (!sandbox) {
        vm.dispose();
        runtime.dispose();
      }
      throw e;
    }
  }

  /** The names the module exports. */
  exportNames(): string[] {
    this.#alive();
    return this.#vm
      .getOwnPropertyNames(this.#module, { onlyEnumerable: true, strings: true })
      .unwrap()
      .map((h) => {
        const name = this.#vm.getString(h);
        h.dispose();
        return name;
      });
  }

  /** `typeof` an export ('undefined' when missing). */
  exportType(name: string): string {
    this.#alive();
    const value = this.#vm.getProp(this.#module, name);
    try {
      return this.#vm.typeof(value);
    } finally {
      value.dispose();
    }
  }

  /** An exported value as JSON data (a function export is called with no arguments, as a factory). */
  exportValue(name: string): unknown {
    if (this.exportType(name) === 'function') return this.call(name, []);
    const value = this.#vm.getProp(this.#module, name);
    try {
      return this.#vm.dump(value);
    } finally {
      value.dispose();
    }
  }

  /** Calls an exported function with JSON arguments; its JSON result (undefined when it returns nothing). */
  call(name: string, args: readonly unknown[]): unknown {
    return this.#invokeExport(name, args, false);
  }

  /** Calls an exported function with `db` (the given read store, through the SQL guard) as its first argument. */
  callWithDb(db: ReadStoreDb, name: string, args: readonly unknown[]): unknown {
    this.#db = db;
    try {
      return this.#invokeExport(name, args, true);
    } finally {
      this.#db = null;
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#module.dispose();
    this.#invoke.dispose();
    this.#vm.dispose();
    this.#runtime.dispose();
  }

  #invokeExport(name: string, args: readonly unknown[], withDb: boolean): unknown {
    this.#alive();
    const vm = this.#vm;
    this.#ticks = 0;
    const nameHandle = vm.newString(name);
    const argsHandle = vm.newString(JSON.stringify(args));
    const result = vm.callFunction(this.#invoke, vm.undefined, [this.#module, nameHandle, argsHandle, withDb ? vm.true : vm.false]);
    nameHandle.dispose();
    argsHandle.dispose();
    if (result.error) {
      const diagnostic = diagnose(vm, result.error, this.#budget);
      result.error.dispose();
      throw new LearnerCodeError(diagnostic);
    }
    const out = result.value;
    try {
      return vm.typeof(out) === 'string' ? (JSON.parse(vm.getString(out)) as unknown) : undefined;
    } finally {
      out.dispose();
    }
  }

  #runSql(kind: string, sql: string, paramsJson: string): string | undefined {
    const db = this.#db;
    if (!db) throw new Error(`db.${kind} is only available while apply runs`);
    const refused = refusedSql(sql);
    if (refused) throw new Error(refused);
    const params = JSON.parse(paramsJson) as (string | number | null)[];
    if (kind === 'run') {
      db.run(sql, params);
      return undefined;
    }
    if (kind === 'get') {
      const row = db.get(sql, params);
      return row === undefined ? undefined : JSON.stringify(row);
    }
    return JSON.stringify(db.all(sql, params));
  }

  #alive(): void {
    if (this.#disposed) throw new Error('this sandbox was disposed');
  }
}

/** A QuickJS exception as a diagnostic at the learner's line. */
function diagnose(vm: QuickJSContext, error: QuickJSHandle, budget: number): LearnerDiagnostic {
  const dumped = vm.dump(error) as unknown;
  const e = (typeof dumped === 'object' && dumped !== null ? dumped : { message: String(dumped) }) as {
    name?: string;
    message?: string;
    stack?: string;
    lineNumber?: number;
  };
  const place = placeInStack(e.stack, LEARNER_FILE);
  if (place.line === undefined && typeof e.lineNumber === 'number') place.line = e.lineNumber;
  if (e.name === 'InternalError' && e.message === 'interrupted') {
    return {
      kind: 'timeout',
      message: `stopped: your code ran past its budget of ${budget} steps (about ${budget} ms): an endless loop?`,
      ...place,
    };
  }
  if (e.name === 'InternalError' && e.message === 'out of memory') {
    return { kind: 'memory', message: 'stopped: your code used more memory than the sandbox allows', ...place };
  }
  const message = `${e.name ?? 'Error'}: ${e.message ?? String(dumped)}`;
  return { kind: e.name === 'SyntaxError' ? 'syntax' : 'runtime', message, ...place };
}
