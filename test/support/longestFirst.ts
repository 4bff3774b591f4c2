// The order Vitest starts test files in: the longest first, across all three projects. Two
// workers share one queue, so a long file started last runs alone at the end while the other
// worker idles. Vitest's own order runs the projects one after another, by name (browser, e2e,
// unit), and within a project the longest first by its cache, or, on a clean clone with no
// cache (as in CI), the largest file first: the site crawls are five-line files that run for
// minutes, so they started among the last.
//
// Durations come from Vitest's cache when it has them (a file that failed last time still goes
// first). Otherwise from EXPECTED: seconds each file took in the clean-clone runs of 6 December
// 2026 on the 2-core machine, rounded, for files of 10 s or more. It is only a hint: a stale or
// missing figure changes the order, never a result. Files not listed count as their project's
// typical file.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const EXPECTED: Record<string, number> = {
  'test/e2e/every-page-a.test.ts': 78,
  'test/e2e/every-page-b.test.ts': 78,
  'test/e2e/lessonEmbeds.test.ts': 69,
  'test/e2e/sandbox.test.ts': 39,
  'test/e2e/basePath.test.ts': 25,
  'test/e2e/interview.test.ts': 33,
  'test/e2e/terminal.test.ts': 29,
  'test/e2e/lessonWeight.test.ts': 25,
  'test/unit/engine/property.test.ts': 29,
  'test/e2e/sandboxPanels.test.ts': 22,
  'test/e2e/picture.test.ts': 20,
  'test/content/interviewSchema.test.ts': 24,
  'test/e2e/glossary.test.ts': 17,
  'test/e2e/lessonPredictions.test.ts': 17,
  'test/e2e/lessons.test.ts': 16,
  'test/e2e/looseEnds.test.ts': 21,
  'test/e2e/shrink.test.ts': 16,
  'test/e2e/codePractice.test.ts': 15,
  'test/e2e/sandboxCode.test.ts': 15,
  'test/content/lessonSchema.test.ts': 22,
  'test/e2e/navigation.test.ts': 12,
  'test/e2e/serviceWorkerUpdate.test.ts': 12,
  'test/e2e/fork.test.ts': 11,
  'test/e2e/lessonGoals.test.ts': 11,
  'test/e2e/newLessons.test.ts': 11,
  'test/e2e/checkpoints.test.ts': 10,
  'test/e2e/lessonGoalsTerminal.test.ts': 10,
  'test/e2e/offline.test.ts': 10,
  'test/e2e/shareScenario.test.ts': 10,
};
const TYPICAL: Record<string, number> = { e2e: 6, browser: 1, unit: 0.5 };

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const key = (spec: TestSpecification) => {
      const cached = this.ctx.cache.getTestSpecificationResult(spec);
      if (cached?.failed) return Number.POSITIVE_INFINITY;
      if (cached) return cached.duration / 1000;
      const file = spec.moduleId.startsWith(root) ? spec.moduleId.slice(root.length + 1) : spec.moduleId;
      return EXPECTED[file] ?? TYPICAL[spec.project.name] ?? 1;
    };
    const keys = new Map(files.map((spec) => [spec, key(spec)]));
    return [...files].sort((a, b) => keys.get(b)! - keys.get(a)!);
  }
}
