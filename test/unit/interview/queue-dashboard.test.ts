import { describe, expect, it } from 'vitest';
import { buildDashboard } from '../../../src/interview/dashboard';
import { filterQuestions, filtersFromSearch, filtersToSearch } from '../../../src/interview/filter';
import { applyReview, emptyProgress } from '../../../src/interview/progress';
import { dueToday, nextDue, unseen } from '../../../src/interview/queue';
import { at, question } from './fixtures';

const bank = [
  question('a', { level: 'staff', topics: ['projections', 'shadow-replay'] }),
  question('b', { level: 'junior', topics: ['projections'], kind: 'trade-off' }),
  question('c', { level: 'senior', topics: ['outbox'], title: 'The dual write', prompt: 'Why does save-then-publish lose events?' }),
  question('d', { level: 'junior', topics: ['outbox'] }),
];
const monday = at('2026-03-02T09:00:00');

describe('due-today queue', () => {
  it('holds reviewed questions due by the end of today, earliest first, and nothing unseen', () => {
    let progress = emptyProgress();
    progress = applyReview(progress, 'a', 'again', { hit: 0, total: 3 }, monday); // back in 10 minutes
    progress = applyReview(progress, 'b', 'good', { hit: 3, total: 3 }, monday); // back in days
    progress = applyReview(progress, 'c', 'again', { hit: 0, total: 3 }, at('2026-03-02T08:00:00'));
    expect(dueToday(bank, progress, monday)).toEqual(['c', 'a']);
    expect(dueToday(bank, progress, at('2026-03-20T09:00:00'))).toEqual(['c', 'a', 'b']);
    expect(nextDue(bank, progress, 'c', monday)).toBe('a');
    expect(nextDue(bank, progress, 'a', at('2026-03-02T08:05:00'))).toBe('c');
  });

  it('offers unseen questions easiest first', () => {
    const progress = applyReview(emptyProgress(), 'b', 'good', { hit: 1, total: 1 }, monday);
    expect(unseen(bank, progress)).toEqual(['d', 'c', 'a']);
    expect(unseen(bank, progress, 1)).toEqual(['d']);
  });
});

describe('dashboard by topic', () => {
  it('counts questions, started, due and secure per topic, and overall once per question', () => {
    let progress = emptyProgress();
    progress = applyReview(progress, 'a', 'again', { hit: 1, total: 4 }, monday);
    progress = applyReview(progress, 'b', 'easy', { hit: 3, total: 3 }, monday);
    progress = applyReview(progress, 'b', 'easy', { hit: 3, total: 3 }, at('2026-03-12T09:00:00'));
    const { overall, topics } = buildDashboard(bank, progress, at('2026-03-12T10:00:00'));
    expect(overall).toMatchObject({ total: 4, started: 2, due: 1, secure: 1 });
    const projections = topics.find((row) => row.topic === 'projections')!;
    expect(projections).toMatchObject({ total: 2, started: 2, due: 1, secure: 1, label: 'Projections', lesson: 'projections' });
    expect(projections.rubricScore).toBeCloseTo((1 / 4 + 1) / 2);
    expect(topics.find((row) => row.topic === 'outbox')).toMatchObject({ total: 2, started: 0, rubricScore: null });
    expect(topics.map((row) => row.topic)).toEqual(['projections', 'shadow-replay', 'outbox']);
  });
});

describe('browse filters', () => {
  it('filters by topic, level, kind and words, and round-trips through the address', () => {
    expect(filterQuestions(bank, { topic: 'outbox', level: '', kind: '', text: '' }).map((q) => q.slug)).toEqual(['c', 'd']);
    expect(filterQuestions(bank, { topic: '', level: 'junior', kind: 'trade-off', text: '' }).map((q) => q.slug)).toEqual(['b']);
    expect(filterQuestions(bank, { topic: '', level: '', kind: '', text: 'SAVE publish' }).map((q) => q.slug)).toEqual(['c']);
    const filters = { topic: 'outbox', level: 'senior', kind: 'design', text: 'dual write' } as const;
    expect(filtersFromSearch(filtersToSearch(filters))).toEqual(filters);
    expect(filtersFromSearch('?topic=nonsense&level=guru')).toEqual({ topic: '', level: '', kind: '', text: '' });
  });
});
