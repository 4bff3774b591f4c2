import { describe, expect, it } from 'vitest';
import { filterTrace } from '../../../../src/worker/views/traceFilter.ts';

describe('filterTrace', () => {
  type R = Parameters<typeof filterTrace>[0][number];
  const records = [
    { seq: 1, at: 0, type: 'command.received', commandType: 'A', attempt: 1, commandId: 'cmd-1', correlationId: 'cmd-1' },
    {
      seq: 2,
      at: 0,
      type: 'events.appended',
      causationId: 'cmd-1',
      events: [{ position: 1, streamId: 's', version: 1, eventType: 'E' }],
      consistencyToken: 1,
      commandId: 'cmd-1',
      correlationId: 'cmd-1',
    },
    {
      seq: 3,
      at: 5,
      type: 'bus.delivered',
      projection: 'p',
      position: 1,
      streamId: 's',
      version: 1,
      eventType: 'E',
      attempt: 1,
      duplicate: false,
      publishedAt: 0,
    },
    {
      seq: 4,
      at: 5,
      type: 'bus.delivered',
      projection: 'q',
      position: 2,
      streamId: 's',
      version: 2,
      eventType: 'E',
      attempt: 1,
      duplicate: false,
      publishedAt: 0,
    },
    {
      seq: 5,
      at: 6,
      type: 'projection.applied',
      projection: 'p',
      position: 1,
      streamId: 's',
      version: 1,
      eventType: 'E',
      commandId: 'cmd-1',
      mode: 'live',
    },
    { seq: 6, at: 7, type: 'query.received', queryId: 'qry-1', queryType: 'Q', projection: 'p' },
  ] as unknown as R[];
  const seqs = (f: Parameters<typeof filterTrace>[1]) => filterTrace(records, f).map((r) => r.seq);

  it('follows a command to the deliveries and applications of its events', () => {
    expect(seqs({ id: 'cmd-1' })).toEqual([1, 2, 3, 5]);
    expect(seqs({ id: 'qry-1' })).toEqual([6]);
  });

  it('filters by type prefix, projection, seq and count', () => {
    expect(seqs({ types: ['bus.'] })).toEqual([3, 4]);
    expect(seqs({ types: ['projection.applied', 'query.received'] })).toEqual([5, 6]);
    expect(seqs({ projection: 'p' })).toEqual([3, 5, 6]);
    expect(seqs({ fromSeq: 4 })).toEqual([4, 5, 6]);
    expect(seqs({ fromSeq: 99 })).toEqual([]);
    expect(seqs({ last: 2 })).toEqual([5, 6]);
    expect(seqs({ types: ['bus.'], last: 1 })).toEqual([4]);
    expect(seqs({ last: 0 })).toEqual([]);
  });
});
