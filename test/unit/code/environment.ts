// sql.js and QuickJS loaded once per test file, as the worker loads them.
import initSqlJs from 'sql.js';
import type { CodeEnvironment } from '../../../src/code/checks/environment.ts';
import { loadQuickJs } from '../../../src/code/sandbox/quickjs.ts';
import type { SqlJsStatic } from '../../../src/engine/index.ts';

let ready: Promise<CodeEnvironment> | undefined;

export function codeEnvironment(): Promise<CodeEnvironment> {
  ready ??= Promise.all([initSqlJs() as unknown as Promise<SqlJsStatic>, loadQuickJs()]).then(([sql, quickjs]) => ({ sql, quickjs }));
  return ready;
}
