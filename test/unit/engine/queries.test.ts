import { describe, expect, it } from 'vitest';
import { InvalidPayloadError, UnknownQueryError } from '../../../src/engine/errors.ts';
import { recordsOf } from '../../../src/engine/vocabulary/trace.ts';
import { commerceEngine } from './helpers.ts';

describe('query side', () => {
  it('answers from the read store with its position, head, lag in events and ms', async () => {
    const e = await commerceEngine({ bus: { latencyMs: 50, jitterMs: 0 }, costs: { commandMs: 2, projectMs: 1, queryMs: 3 } });
    const placed = await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 } });
    const early = await e.query({ type: 'GetProduct', params: { sku: 'KB' } }, { sessionId: 's1' });
    expect(early).toMatchObject({ ok: true, projection: 'catalogue', data: null, position: 0, headPosition: 1, lagEvents: 1, lagMs: 3 });
    await e.runUntilIdle();
    const later = await e.query({ type: 'GetProduct', params: { sku: 'KB' } });
    // Read-your-writes check: the read model has reached the command's consistency token.
    expect(placed.ok && later.position >= placed.consistencyToken).toBe(true);
    expect(later.data).toMatchObject({ sku: 'KB', stock: 5, inStock: 1 });
    const [received, executed] = [recordsOf(e.trace, 'query.received')[0]!, recordsOf(e.trace, 'query.executed')[0]!];
    expect(received).toMatchObject({ queryId: 'qry-1', sessionId: 's1' });
    expect(executed.at - received.at).toBe(3);
  });

  it('queries never read the event store', async () => {
    const e = await commerceEngine();
    await e.execute({ type: 'AddProduct', data: { sku: 'KB', name: 'Keyboard', priceCents: 100, stock: 5 } });
    // Before any delivery the write side knows the product, the read side does not.
    expect((await e.query({ type: 'ListCatalogue', params: {} })).data).toEqual([]);
  });

  it('bad queries are typed errors', async () => {
    const e = await commerceEngine();
    await expect(e.query({ type: 'GetEverything' })).rejects.toBeInstanceOf(UnknownQueryError);
    await expect(e.query({ type: 'GetEverything' })).rejects.toThrow(/GetOrderSummary/);
    await expect(e.query({ type: 'GetProduct', params: {} })).rejects.toBeInstanceOf(InvalidPayloadError);
    await expect(e.query({ type: 'ListOrders', params: { limit: 0 } })).rejects.toThrow(/limit/);
    expect(e.trace).toHaveLength(0);
  });
});
