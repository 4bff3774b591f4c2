// The page's frame batch: one animation frame for everything pending, canvases before state,
// the latest job per owner, and ride-along jobs that wait for someone else's frame.
import { describe, expect, it } from 'vitest';
import { FrameBatch, type FrameScheduler } from '../../../src/components/sandbox/frameBatch.ts';

/** Frames and timers run by hand. */
function manual() {
  const frames: (() => void)[] = [];
  const timers: { at: number; run: () => void }[] = [];
  let now = 0;
  const scheduler: FrameScheduler = {
    request: (run) => void frames.push(run),
    wait: (ms, run) => void timers.push({ at: now + ms, run }),
  };
  return {
    scheduler,
    /** Run the frames requested so far (not those their jobs request). */
    frame() {
      for (const run of frames.splice(0)) run();
    },
    pendingFrames: () => frames.length,
    advance(ms: number) {
      now += ms;
      for (const t of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.run();
      }
    },
  };
}

describe('FrameBatch', () => {
  it('runs everything scheduled before a frame in that one frame, draws before commits', () => {
    const m = manual();
    const batch = new FrameBatch(m.scheduler);
    const ran: string[] = [];
    const [sandbox, chartA, chartB] = [{}, {}, {}];
    batch.schedule(sandbox, 'commit', () => ran.push('commit'));
    batch.schedule(chartA, 'draw', () => ran.push('draw A'));
    batch.schedule(chartB, 'draw', () => ran.push('draw B'));
    expect(m.pendingFrames()).toBe(1);
    expect(ran).toEqual([]);
    m.frame();
    expect(ran).toEqual(['draw A', 'draw B', 'commit']);
    expect(m.pendingFrames()).toBe(0);
  });

  it('keeps only the latest job of an owner in a phase', () => {
    const m = manual();
    const batch = new FrameBatch(m.scheduler);
    const ran: number[] = [];
    const sandbox = {};
    for (const frame of [1, 2, 3]) batch.schedule(sandbox, 'commit', () => ran.push(frame));
    m.frame();
    expect(ran).toEqual([3]);
  });

  it('sends a job scheduled while a batch runs to the next frame', () => {
    const m = manual();
    const batch = new FrameBatch(m.scheduler);
    const ran: string[] = [];
    const [sandbox, chart] = [{}, {}];
    batch.schedule(sandbox, 'commit', () => {
      ran.push('commit');
      batch.schedule(chart, 'draw', () => ran.push('draw'));
    });
    m.frame();
    expect(ran).toEqual(['commit']);
    expect(m.pendingFrames()).toBe(1);
    m.frame();
    expect(ran).toEqual(['commit', 'draw']);
  });

  it('lets a ride-along job wait for the next frame someone asks for, and ask for one only when none comes', () => {
    const m = manual();
    const batch = new FrameBatch(m.scheduler);
    const ran: string[] = [];
    const [sandbox, chart] = [{}, {}];
    batch.schedule(chart, 'draw', () => ran.push('draw 1'), 250);
    expect(m.pendingFrames()).toBe(0);
    m.advance(200);
    batch.schedule(sandbox, 'commit', () => ran.push('commit'));
    m.frame();
    expect(ran).toEqual(['draw 1', 'commit']);
    // Its timer finds the job already drawn: no frame of its own.
    m.advance(100);
    expect(m.pendingFrames()).toBe(0);
    // No frame comes (time paused): the chart asks for one when its wait is over.
    batch.schedule(chart, 'draw', () => ran.push('draw 2'), 250);
    m.advance(249);
    expect(m.pendingFrames()).toBe(0);
    m.advance(1);
    expect(m.pendingFrames()).toBe(1);
    m.frame();
    expect(ran).toEqual(['draw 1', 'commit', 'draw 2']);
  });

  it('drops a cancelled owner’s jobs', () => {
    const m = manual();
    const batch = new FrameBatch(m.scheduler);
    const ran: string[] = [];
    const [sandbox, chart] = [{}, {}];
    batch.schedule(chart, 'draw', () => ran.push('draw'));
    batch.schedule(sandbox, 'commit', () => ran.push('commit'));
    batch.cancel(chart);
    m.frame();
    expect(ran).toEqual(['commit']);
  });

  it('runs the other jobs when one throws, and reports the error as uncaught', async () => {
    const m = manual();
    const batch = new FrameBatch(m.scheduler);
    const ran: string[] = [];
    const [a, b] = [{}, {}];
    batch.schedule(a, 'draw', () => {
      throw new Error('broken chart');
    });
    batch.schedule(b, 'commit', () => ran.push('commit'));
    const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
    m.frame();
    expect(ran).toEqual(['commit']);
    expect(await reported).toMatchObject({ message: 'broken chart' });
  });
});
