import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../../src/engine/index.ts';
import { EnvelopeReceiver, EnvelopeSender } from '../../../src/worker/envelopeCache.ts';

const envelope = (position: number): EventEnvelope =>
  ({
    position,
    streamId: `product-${position % 3}`,
    version: position,
    type: 'OrderPlaced',
    schemaVersion: 1,
    data: { orderId: `o-${position}`, quantity: 1 },
    metadata: { commandId: `c-${position}`, recordedAt: position * 10 },
  }) as unknown as EventEnvelope;

const request = (projection: string, positions: number[]) => ({
  projection,
  events: positions.map(envelope),
  mode: 'live' as const,
  guards: {},
  headPosition: Math.max(...positions),
});

/** Through both ends, with a structured clone between them as postMessage makes. */
function send(sender: EnvelopeSender, receiver: EnvelopeReceiver, method: string, args: unknown[]) {
  const wire = structuredClone(sender.args(method, args));
  return { wire, decoded: receiver.args(method, wire) };
}

describe('envelope cache: each event crosses to the read worker once', () => {
  it('sends an envelope whole once, then by reference, and the read side gets the same requests', () => {
    const sender = new EnvelopeSender();
    const receiver = new EnvelopeReceiver();
    const first = [request('orderSummary', [1, 2, 3]), request('catalogue', [1, 2])];
    const a = send(sender, receiver, 'applyBatches', [first]);
    expect(a.decoded).toEqual([first]);
    const wireA = a.wire[0] as { events: unknown[] }[];
    // Within one message: whole in the first request, references in the second.
    expect(wireA[0]!.events).toEqual(first[0]!.events);
    expect(wireA[1]!.events).toEqual([{ ref: 1 }, { ref: 2 }]);

    const later = request('catalogue', [3, 4]);
    const b = send(sender, receiver, 'applyBatch', [later]);
    expect(b.decoded).toEqual([later]);
    expect((b.wire[0] as { events: unknown[] }).events).toEqual([{ ref: 3 }, envelope(4)]);
  });

  it('leaves other calls as they are', () => {
    const sender = new EnvelopeSender();
    const args = ['orderSummary', 'SELECT 1'];
    expect(sender.args('readOnlySql', args)).toBe(args);
  });

  it('is bounded: an envelope whose slot was taken by a later one is sent whole again', () => {
    const sender = new EnvelopeSender(4);
    const receiver = new EnvelopeReceiver(4);
    send(sender, receiver, 'applyBatch', [request('orderSummary', [1, 2, 3, 4, 5])]);
    // Position 5 took position 1's slot: 1 goes whole, 2 by reference.
    const again = request('catalogue', [1, 2]);
    const { wire, decoded } = send(sender, receiver, 'applyBatch', [again]);
    expect((wire[0] as { events: unknown[] }).events).toEqual([envelope(1), { ref: 2 }]);
    expect(decoded).toEqual([again]);
  });

  it('a reference the read worker does not hold is an error, never another event', () => {
    const receiver = new EnvelopeReceiver(4);
    receiver.decode([envelope(1)]);
    expect(() => receiver.decode([{ ref: 5 }])).toThrow(/no longer holds the event at position 5/);
  });
});
