// A lesson merged into another keeps its learners' answers: saved checkpoint keys of the old
// lesson are read under the checkpoint's new key, wherever progress is read (the store, an
// import), and an answer saved under both keys loses nothing. The lessons must agree with the
// map: every old lesson is gone, every new checkpoint exists.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractCheckpoints } from '../../../src/checkpoints/extract';
import { currentCheckpointKey, MERGED_LESSONS } from '../../../src/checkpoints/moved';
import { applyCheckpointAnswer, emptyProgress, memoryStorage, PROGRESS_KEY, ProgressStore } from '../../../src/interview/progress';
import { exportProgress, importProgress } from '../../../src/interview/transfer';
import { at } from '../interview/fixtures';

const LESSONS = resolve(import.meta.dirname, '../../../content/lessons');
const now = at('2026-03-02T09:00:00Z');
const later = at('2026-03-05T09:00:00Z');

describe('checkpoints of merged lessons', () => {
  it('the map matches the lessons: the old lesson is gone, its checkpoints live on in the new one, under a real heading', () => {
    expect(Object.keys(MERGED_LESSONS)).toContain('variants');
    for (const [from, { into, anchor, checkpoints }] of Object.entries(MERGED_LESSONS)) {
      expect(existsSync(join(LESSONS, `${from}.mdx`)), `${from}.mdx was merged and should be gone`).toBe(false);
      const body = readFileSync(join(LESSONS, `${into}.mdx`), 'utf8');
      const ids = extractCheckpoints(into, body).map((c) => c.question.id);
      for (const id of Object.values(checkpoints)) expect(ids, `${into} holds ${from}'s checkpoint`).toContain(id);
      const headings = [...body.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      );
      expect(headings, `${into} has a heading with id ${anchor}`).toContain(anchor);
    }
  });

  it('maps an old key to its new one and leaves every other key alone', () => {
    expect(currentCheckpointKey('variants#cdc-intent')).toBe('separation-levels#cdc-intent');
    expect(currentCheckpointKey('variants#no-such-checkpoint')).toBe('variants#no-such-checkpoint');
    expect(currentCheckpointKey('projections#double-decrement')).toBe('projections#double-decrement');
  });

  it('the store reads an answer saved before the merge under the new key', () => {
    const old = applyCheckpointAnswer(emptyProgress(), 'variants#cdc-intent', { verdict: 'right', response: 2 }, now);
    const storage = memoryStorage({ [PROGRESS_KEY]: JSON.stringify(old) });
    const read = new ProgressStore(storage).read();
    expect(Object.keys(read.checkpoints!)).toEqual(['separation-levels#cdc-intent']);
    expect(read.checkpoints!['separation-levels#cdc-intent']).toEqual(old.checkpoints!['variants#cdc-intent']);
  });

  it('keeps the newer card and every attempt when both keys were answered', () => {
    let both = applyCheckpointAnswer(emptyProgress(), 'variants#cdc-intent', { verdict: 'wrong', response: 0 }, now);
    both = applyCheckpointAnswer(both, 'separation-levels#cdc-intent', { verdict: 'right', response: 2 }, later);
    const read = new ProgressStore(memoryStorage({ [PROGRESS_KEY]: JSON.stringify(both) })).read();
    const entry = read.checkpoints!['separation-levels#cdc-intent']!;
    expect(Object.keys(read.checkpoints!)).toEqual(['separation-levels#cdc-intent']);
    expect(entry.card).toEqual(both.checkpoints!['separation-levels#cdc-intent']!.card);
    expect(entry.attempts.map((a) => a.verdict)).toEqual(['wrong', 'right']);
  });

  it('an export made before the merge imports under the new key', () => {
    const old = applyCheckpointAnswer(emptyProgress(), 'variants#cdc-intent', { verdict: 'partial', response: 1 }, now);
    const imported = importProgress(emptyProgress(), exportProgress(old, now));
    expect(imported.ok).toBe(true);
    if (imported.ok) expect(Object.keys(imported.progress.checkpoints!)).toEqual(['separation-levels#cdc-intent']);
  });
});
