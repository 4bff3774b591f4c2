// What running learner code on the engine needs, injected by the caller (the
// worker loads both from the site's own files; tests load them in Node).
import type { SqlJsStatic } from '../../engine/index.ts';
import type { QuickJSWASMModule } from '../sandbox/quickjs.ts';

export interface CodeEnvironment {
  sql: SqlJsStatic;
  quickjs: QuickJSWASMModule;
}
