// Coinciding chart lines are found and named, so one visible colour is explained.
import { describe, expect, it } from 'vitest';
import { identicalGroups, overlapNote } from '../../../src/components/sandbox/chartOverlap.ts';

const names = ['orderSummary', 'catalogue', 'customerOrders', 'checkouts'];

describe('identicalGroups', () => {
  it('groups series equal at every sample', () => {
    expect(
      identicalGroups(names, [
        [0, 1, 2],
        [0, 1, 2],
        [0, 1, 2],
        [0, 1, 2],
      ]),
    ).toEqual([names]);
    expect(
      identicalGroups(names, [
        [0, 1, 2],
        [0, 1, 1],
        [0, 1, 2],
        [0, 0, 1],
      ]),
    ).toEqual([['orderSummary', 'customerOrders']]);
    expect(
      identicalGroups(names, [
        [0, 1],
        [0, 2],
        [1, 1],
        [0, 3],
      ]),
    ).toEqual([]);
    expect(
      identicalGroups(names, [
        [null, 1],
        [null, 1],
        [0, 1],
        [0, 1],
      ]),
    ).toEqual([
      ['orderSummary', 'catalogue'],
      ['customerOrders', 'checkouts'],
    ]);
  });
});

describe('overlapNote', () => {
  it('says when all the lines are one', () => {
    expect(overlapNote([names], 4, 'position')).toMatch(/^All four at the same position throughout: their lines lie on top of each other/);
  });

  it('names the projections that share a line', () => {
    expect(
      overlapNote(
        [
          ['orderSummary', 'customerOrders'],
          ['catalogue', 'checkouts', 'x'],
        ],
        5,
        'lag',
      ),
    ).toBe(
      'orderSummary and customerOrders share one line (the same lag throughout). catalogue, checkouts and x share one line (the same lag throughout).',
    );
    expect(overlapNote([], 4, 'lag')).toBe('');
  });
});
