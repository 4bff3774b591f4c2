// Scenarios: declarative stories played on the real engine, with checkpoints
// and challenges the engine verifies. See README.md for the file format.
export * from './types.ts';
export { ScenarioError, parseScenario, settingPaths } from './schema.ts';
export { scenarioCatalog, scenarioBySlug } from './catalog.ts';
export { evaluateCriteria, measureMetric, queryLatencies, nextSeq, valueAtPath, compare } from './criteria.ts';
export { playIntent, runLoads, loadOutcome, instantiate } from './dispatch.ts';
export { playStep, startScenario, runScenario } from './play.ts';
export { verifyChallenge, disallowedChanges, changedSettingPaths } from './challenge.ts';
