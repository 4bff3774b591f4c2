import { describe, expect, it } from 'vitest';
import {
  initialPlayer,
  isFinished,
  playerReduce,
  type PlayerAction,
  type PlayerState,
  type PlayerStep,
} from '../../../src/scenarios/player.ts';

// Three steps; the second asks a question before it plays.
const steps: PlayerStep[] = [{}, { checkpoint: { choices: ['a', 'b', 'c'] } }, {}];

/** Apply actions in order, and run every step the machine asks for (as the page does). */
function drive(actions: PlayerAction[], start = initialPlayer(steps.length)): { state: PlayerState; ran: number[] } {
  let state = start;
  const ran: number[] = [];
  const apply = (action: PlayerAction): void => {
    const t = playerReduce(state, steps, action);
    state = t.state;
    if (t.run !== null) {
      ran.push(t.run);
      apply({ type: 'stepPlayed' });
    }
  };
  for (const a of actions) apply(a);
  return { state, ran };
}

describe('scenario player', () => {
  it('starts before the first step with nothing played', () => {
    const s = initialPlayer(3);
    expect(s).toMatchObject({ played: 0, active: -1, phase: 'idle', autoplay: false });
    expect(isFinished(s)).toBe(false);
  });

  it('Play runs steps in order and stops at a checkpoint without playing that step', () => {
    const { state, ran } = drive([{ type: 'play' }]);
    expect(ran).toEqual([0]);
    expect(state).toMatchObject({ played: 1, active: 1, phase: 'asking', autoplay: true });
  });

  it('an answer plays the step it was asked for, and Play carries on to the end', () => {
    const { state, ran } = drive([{ type: 'play' }, { type: 'answer', choice: 2 }]);
    expect(ran).toEqual([0, 1, 2]);
    expect(state.answers).toEqual([null, 2, null]);
    expect(isFinished(state)).toBe(true);
    expect(state).toMatchObject({ phase: 'idle', autoplay: false, active: 2 });
  });

  it('Step plays exactly one step and waits', () => {
    const { state, ran } = drive([{ type: 'step' }]);
    expect(ran).toEqual([0]);
    expect(state).toMatchObject({ played: 1, active: 0, phase: 'idle', autoplay: false });
    const next = drive([{ type: 'step' }], state);
    expect(next.ran).toEqual([]);
    expect(next.state.phase).toBe('asking');
    const answered = drive([{ type: 'answer', choice: 0 }], next.state);
    expect(answered.ran).toEqual([1]);
    expect(answered.state).toMatchObject({ played: 2, phase: 'idle' }); // Step mode: no autoplay after the answer
  });

  it('Pause while a step runs lets that step finish and plays no further', () => {
    let t = playerReduce(initialPlayer(3), steps, { type: 'play' });
    expect(t.run).toBe(0);
    t = playerReduce(t.state, steps, { type: 'pause' });
    t = playerReduce(t.state, steps, { type: 'stepPlayed' });
    expect(t.run).toBeNull();
    expect(t.state).toMatchObject({ played: 1, phase: 'idle', autoplay: false });
  });

  it('ignores an answer out of range, or when no question is open', () => {
    const asking = drive([{ type: 'play' }]).state;
    expect(playerReduce(asking, steps, { type: 'answer', choice: 3 }).state).toBe(asking);
    expect(playerReduce(asking, steps, { type: 'answer', choice: -1 }).state).toBe(asking);
    const idle = initialPlayer(3);
    expect(playerReduce(idle, steps, { type: 'answer', choice: 0 }).state).toBe(idle);
  });

  it('does not start a second step while one is running', () => {
    const playing = playerReduce(initialPlayer(3), steps, { type: 'step' }).state;
    expect(playing.phase).toBe('playing');
    expect(playerReduce(playing, steps, { type: 'step' }).run).toBeNull();
    expect(playerReduce(playing, steps, { type: 'play' }).run).toBeNull();
  });

  it('halt stops autoplay where it is; Restart goes back to the start and forgets the answers', () => {
    const running = playerReduce(initialPlayer(3), steps, { type: 'play' }).state;
    const halted = playerReduce(running, steps, { type: 'halt' }).state;
    expect(halted).toMatchObject({ played: 0, phase: 'idle', autoplay: false });
    const done = drive([{ type: 'play' }, { type: 'answer', choice: 1 }]).state;
    expect(playerReduce(done, steps, { type: 'restart' }).state).toEqual(initialPlayer(3));
  });

  it('Play and Step do nothing once the story is over', () => {
    const done = drive([{ type: 'play' }, { type: 'answer', choice: 1 }]).state;
    expect(playerReduce(done, steps, { type: 'play' })).toEqual({ state: done, run: null });
    expect(playerReduce(done, steps, { type: 'step' })).toEqual({ state: done, run: null });
  });
});
