// src/scenarios/REFERENCE.md is generated from the engine's catalogues; it
// must be up to date (UPDATE_REFERENCE=1 rewrites it).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { scenarioReference } from '../../src/scenarios/reference.ts';

const FILE = resolve(import.meta.dirname, '../../src/scenarios/REFERENCE.md');

test('REFERENCE.md is generated from the engine and up to date', () => {
  const text = scenarioReference();
  if (process.env['UPDATE_REFERENCE'] === '1') writeFileSync(FILE, text);
  expect(readFileSync(FILE, 'utf8'), 'run UPDATE_REFERENCE=1 npm run test:unit -- test/simulations/reference.test.ts').toBe(text);
  // It names what authors reach for.
  for (const word of ['`query.executed`', '`bus.latencyMs`', '`GetOrderSummary`', '`PlaceOrder`', '`catalogue`', 'shadowRebuild']) expect(text).toContain(word);
});
