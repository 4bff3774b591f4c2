// An answer from a read model the sandbox found diverged from its events is
// never printed as "up to date": the terminal says what disagrees, with both numbers.
import { expect, it } from 'vitest';
import type { Divergence } from '../../../src/worker/views/architecture.ts';
import { harness } from './helpers.ts';

it('prints what disagrees instead of "up to date" when the answering read model diverged', async () => {
  const h = await harness();
  await h.run('AddProduct KB "Mechanical keyboard" 4999 10');
  await h.run('time run');
  const d: Divergence = { projection: 'catalogue', subject: 'catalogue KB', field: 'stock', readModel: 72, events: 61, checkedAt: 1 };
  const asked: string[] = [];
  h.backend.divergences = async (projection) => {
    asked.push(projection);
    return projection === 'catalogue' ? [d] : [];
  };
  const diverged = await h.run('GetProduct KB');
  expect(asked).toEqual(['catalogue']);
  expect(diverged).not.toContain('up to date');
  expect(diverged).toContain('but this read model disagrees with its events: catalogue KB: stock 72, the events say 61.');
  h.backend.divergences = async () => [];
  expect(await h.run('GetProduct KB')).toContain('up to date.');
});
