import { describe, expect, it } from 'vitest';
import { applyReview, emptyProgress, memoryStorage, PROGRESS_KEY, ProgressStore, type Progress } from '../../../src/interview/progress';
import { EXPORT_FORMAT, exportFileName, exportProgress, importProgress, mergeProgress, parseExport } from '../../../src/interview/transfer';
import { at } from './fixtures';

const monday = at('2026-03-02T12:00:00Z');
const tuesday = at('2026-03-03T12:00:00Z');

function sample(): Progress {
  let progress = emptyProgress();
  progress = applyReview(progress, 'cqrs-vs-crud', 'good', { hit: 3, total: 4 }, monday);
  progress = applyReview(progress, 'projection-rebuild', 'again', { hit: 1, total: 5 }, monday);
  return progress;
}

describe('export and import', () => {
  it('round-trips: an export imported into an empty browser gives the same progress', () => {
    const text = exportProgress(sample(), tuesday);
    expect(JSON.parse(text)).toMatchObject({ format: EXPORT_FORMAT, version: 1, exportedAt: tuesday.toISOString() });
    const result = importProgress(emptyProgress(), text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.progress).toEqual(sample());
    expect(result.added).toBe(2);
    expect(result.message).toBe('Imported progress for 2 questions: 2 new, 0 updated, 0 already up to date.');
  });

  it('names the file after the day', () => {
    expect(exportFileName(tuesday)).toBe('cqrs-lab-interview-progress-2026-03-03.json');
  });

  const valid = () => JSON.parse(exportProgress(sample(), tuesday));
  it.each([
    ['an empty file', '', 'empty', /empty/],
    ['bad JSON', '{"format": "cqrs-lab/interview-progress", ', 'not-json', /not valid JSON/],
    ['a foreign JSON file', JSON.stringify({ name: 'my-package', version: '1.0.0' }), 'foreign', /not a CQRS Lab interview progress file/],
    ['a JSON array', '[1, 2, 3]', 'foreign', /not a CQRS Lab/],
    [
      'a file from a newer version',
      JSON.stringify({ ...valid(), version: 2 }),
      'future-version',
      /newer version of CQRS Lab \(file version 2/,
    ],
    ['a missing version', JSON.stringify({ ...valid(), version: undefined }), 'bad-shape', /no valid version/],
    [
      'a damaged card',
      JSON.stringify({ ...valid(), progress: { version: 1, questions: { 'cqrs-vs-crud': { card: { due: 'tomorrow' }, attempts: [] } } } }),
      'bad-shape',
      /progress\.questions\.cqrs-vs-crud\.card/,
    ],
    [
      'an unknown grade',
      JSON.stringify(valid()).replace('"grade": "good"', '"grade": "brilliant"').replace('"grade":"good"', '"grade":"brilliant"'),
      'bad-shape',
      /grade/,
    ],
    ['extra fields', JSON.stringify({ ...valid(), progress: { ...valid().progress, hacked: true } }), 'bad-shape', /damaged/],
  ])('refuses %s with a clear message and leaves the current progress unchanged', (_case, text, reason, message) => {
    const storage = memoryStorage();
    const store = new ProgressStore(storage);
    store.write(sample());
    const before = storage.dump()[PROGRESS_KEY];

    const result = importProgress(store.read(), text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(reason);
    expect(result.message).toMatch(message);
    expect(result.message).toMatch(/Nothing was imported; your progress is unchanged\./);
    expect(storage.dump()[PROGRESS_KEY]).toBe(before);
  });

  it('merges: the most recently reviewed card wins and histories are combined', () => {
    const older = applyReview(emptyProgress(), 'q', 'good', { hit: 2, total: 2 }, monday);
    const newer = applyReview(older, 'q', 'again', { hit: 0, total: 2 }, tuesday);
    const other = applyReview(emptyProgress(), 'r', 'easy', { hit: 1, total: 1 }, monday);

    const intoOlder = mergeProgress({ ...older, questions: { ...older.questions, ...other.questions } }, newer);
    expect(intoOlder.progress.questions.q).toEqual(newer.questions.q);
    expect(intoOlder.progress.questions.r).toEqual(other.questions.r);
    expect(intoOlder).toMatchObject({ added: 0, updated: 1, unchanged: 0 });

    // Importing an older file never rolls a newer review back.
    const intoNewer = mergeProgress(newer, older);
    expect(intoNewer.progress.questions.q).toEqual(newer.questions.q);
    expect(intoNewer).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
  });

  it('parses what it exports', () => {
    expect(parseExport(exportProgress(emptyProgress(), monday))).toEqual({ ok: true, progress: emptyProgress() });
  });
});
