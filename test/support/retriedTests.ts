// The browser tests of the built site retry once (vitest.config.ts): under a loaded 2-core machine,
// a page or a worker now and then answers after a wait ran out. This reporter keeps a retry from
// passing in silence: each test that needed one is listed at the end of the run, with what
// failed the first time, so a flake is seen and can be fixed rather than waited out.
import { relative } from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';

export default class RetriedTests implements Reporter {
  #retried: string[] = [];

  onTestCaseResult(test: TestCase): void {
    const retries = test.diagnostic()?.retryCount ?? 0;
    if (retries === 0) return;
    const first = test.result().errors?.[0]?.message.split('\n')[0] ?? 'no error recorded';
    const file = relative(process.cwd(), test.module.moduleId);
    this.#retried.push(`${file} > ${test.fullName}: ${test.result().state} after ${retries} retry; first failure: ${first}`);
  }

  onTestRunEnd(): void {
    if (this.#retried.length === 0) return;
    console.log(`\nTests that needed a retry (${this.#retried.length}):\n${this.#retried.map((r) => `  - ${r}`).join('\n')}`);
  }
}
