import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/engine/clock.ts';
import { SeededRng } from '../../../src/engine/rng.ts';
import { Scheduler } from '../../../src/engine/scheduler.ts';
import { Trace } from '../../../src/engine/vocabulary/trace.ts';

describe('virtual clock', () => {
  it('starts at 0 and never goes back', () => {
    const c = new VirtualClock();
    expect(c.now).toBe(0);
    c.set(10);
    expect(c.now).toBe(10);
    expect(() => c.set(5)).toThrow(/cannot go back/);
  });
});

describe('seeded generator', () => {
  it('draws the same sequence for the same seed', () => {
    const a = new SeededRng(42);
    const b = new SeededRng(42);
    const xs = Array.from({ length: 20 }, () => a.float());
    const ys = Array.from({ length: 20 }, () => b.float());
    expect(xs).toEqual(ys);
    expect(new Set(xs).size).toBeGreaterThan(15);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });
  it('differs across seeds', () => {
    expect(new SeededRng(1).float()).not.toBe(new SeededRng(2).float());
  });
  it('saves and restores its state', () => {
    const r = new SeededRng(7);
    r.int(0, 100);
    const saved = r.save();
    const next = [r.int(0, 1000), r.int(0, 1000), r.float()];
    r.restore(saved);
    expect([r.int(0, 1000), r.int(0, 1000), r.float()]).toEqual(next);
  });
  it('chance(0) and chance(1) draw nothing', () => {
    const r = new SeededRng(3);
    const saved = r.save();
    expect(r.chance(0)).toBe(false);
    expect(r.chance(1)).toBe(true);
    expect(r.save()).toEqual(saved);
  });
  it('int stays within bounds', () => {
    const r = new SeededRng(9);
    for (let i = 0; i < 500; i++) {
      const v = r.int(3, 6);
      expect(v >= 3 && v <= 6).toBe(true);
    }
  });
});

describe('scheduler', () => {
  it('runs tasks by time, then by insertion order', async () => {
    const s = new Scheduler(new VirtualClock());
    const log: string[] = [];
    s.schedule(10, 'a', () => void log.push(`a@${s.now}`));
    s.schedule(5, 'b', () => void log.push(`b@${s.now}`));
    s.schedule(10, 'c', () => void log.push(`c@${s.now}`));
    s.schedule(5, 'd', () => void log.push(`d@${s.now}`));
    while (await s.step());
    expect(log).toEqual(['b@5', 'd@5', 'a@10', 'c@10']);
    expect(s.steps).toBe(4);
  });
  it('keeps a large random workload in (at, seq) order', async () => {
    const s = new Scheduler(new VirtualClock());
    const r = new SeededRng(5);
    const expected: [number, number][] = [];
    const got: [number, number][] = [];
    for (let i = 0; i < 2000; i++) {
      const at = r.int(0, 50);
      expected.push([at, i]);
      s.schedule(at, 't', () => void got.push([at, i]));
    }
    while (await s.step());
    expected.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    expect(got).toEqual(expected);
  });
  it('advanceTo runs what is due and moves the clock', async () => {
    const s = new Scheduler(new VirtualClock());
    const log: number[] = [];
    s.schedule(3, 'x', () => {
      log.push(s.now);
      s.schedule(s.now + 4, 'y', () => void log.push(s.now));
    });
    s.schedule(20, 'z', () => void log.push(s.now));
    await s.advanceTo(10);
    expect(log).toEqual([3, 7]);
    expect(s.now).toBe(10);
    expect(s.nextAt()).toBe(20);
  });
  it('never schedules in the past', async () => {
    const s = new Scheduler(new VirtualClock());
    await s.advanceTo(50);
    s.schedule(10, 'late', () => undefined);
    expect(s.nextAt()).toBe(50);
  });
});

describe('trace', () => {
  it('stamps seq and time, notifies listeners', () => {
    const t = new Trace();
    const seen: number[] = [];
    t.onRecord((r) => seen.push(r.seq));
    t.emit(5, { type: 'projection.paused', projection: 'x' });
    t.emit(6, { type: 'projection.paused', projection: 'y' });
    expect(t.records.map((r) => [r.seq, r.at])).toEqual([
      [1, 5],
      [2, 6],
    ]);
    expect(seen).toEqual([1, 2]);
  });
  it('a limit keeps only the latest records but listeners see all', () => {
    const t = new Trace(10);
    let n = 0;
    t.onRecord(() => n++);
    for (let i = 0; i < 100; i++) t.emit(i, { type: 'projection.paused', projection: 'x' });
    expect(n).toBe(100);
    expect(t.snapshot().length).toBe(10);
    expect(t.snapshot()[9]!.seq).toBe(100);
    expect(t.count).toBe(100);
  });
  it('a limit bounds the records held between drops to a quarter over it', () => {
    const t = new Trace(100);
    let most = 0;
    for (let i = 0; i < 1000; i++) {
      t.emit(i, { type: 'projection.paused', projection: 'x' });
      most = Math.max(most, t.records.length);
    }
    expect(most).toBe(125);
    expect(t.records.length).toBeGreaterThanOrEqual(100);
    expect(t.records[t.records.length - 1]!.seq).toBe(1000);
    expect(t.snapshot().map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 901 + i));
  });
});
