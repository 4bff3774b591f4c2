import { describe, expect, it } from 'vitest';
import { brokenLink } from '../../../src/interview/links';

const lessons = new Set(['projections', 'outbox']);
const drills = new Set(['flash-sale', 'bank-statement']);

describe("a question's links", () => {
  it('pass when the lesson and every drill exist', () => {
    expect(brokenLink({ id: 'q', lesson: 'outbox', drills: ['flash-sale', 'bank-statement'] }, lessons, drills)).toBeNull();
    expect(brokenLink({ id: 'q', lesson: 'outbox', drills: [] }, lessons, drills)).toBeNull();
  });

  it('name the file, the field and what is known when the lesson is missing', () => {
    expect(brokenLink({ id: 'q', lesson: 'sagas', drills: [] }, lessons, drills)).toBe(
      'content/interview/q.md: field lesson names "sagas", but no lesson has that slug. Known lessons: projections, outbox.',
    );
  });

  it('name every unknown drill and the known ones', () => {
    expect(brokenLink({ id: 'seat-booking', lesson: 'projections', drills: ['flash-sale', 'seats', 'cinema'] }, lessons, drills)).toBe(
      'content/interview/seat-booking.md: field drills names "seats", "cinema", but no drill has that slug. Known drills: flash-sale, bank-statement.',
    );
  });
});
