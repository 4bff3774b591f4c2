// The scenario player's controls as a pure state machine: Play, Pause, Step,
// Restart and checkpoint answers move the story on; the machine says which
// step's intents to run next (`run`) and the page runs them on the engine,
// then reports `stepPlayed`. A step with a checkpoint stops the story until
// the learner commits an answer, and only then plays (predict, then watch).
// No engine, no DOM: the same machine is tested in Node.

export type PlayerPhase =
  /** Waiting for the learner (Play or Step), or the story is over. */
  | 'idle'
  /** The active step's checkpoint is waiting for an answer. */
  | 'asking'
  /** The active step's intents are running on the engine. */
  | 'playing';

export interface PlayerState {
  total: number;
  /** Steps whose intents have run, in order: the next step to play is `played`. */
  played: number;
  /** The step in focus (its narration highlighted); -1 before the first. */
  active: number;
  phase: PlayerPhase;
  /** Play was pressed: keep playing steps until a checkpoint, a pause or the end. */
  autoplay: boolean;
  /** The learner's committed choice per step (null: not answered or no checkpoint). */
  answers: (number | null)[];
}

export type PlayerAction =
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'answer'; choice: number }
  | { type: 'stepPlayed' }
  /** The engine could not play the step (the worker failed): stop where we are. */
  | { type: 'halt' }
  | { type: 'restart' };

/** What the machine needs to know of each step. */
export interface PlayerStep {
  checkpoint?: { choices: readonly unknown[] };
}

export interface Transition {
  state: PlayerState;
  /** Index of the step whose intents must now run, then report `stepPlayed`. */
  run: number | null;
}

export function initialPlayer(total: number): PlayerState {
  return { total, played: 0, active: -1, phase: 'idle', autoplay: false, answers: Array.from({ length: total }, () => null) };
}

export const isFinished = (s: PlayerState): boolean => s.played >= s.total;

export function playerReduce(state: PlayerState, steps: readonly PlayerStep[], action: PlayerAction): Transition {
  const stay: Transition = { state, run: null };
  switch (action.type) {
    case 'play':
      if (isFinished(state) || state.autoplay) return stay;
      return state.phase === 'idle' ? advance({ ...state, autoplay: true }, steps) : { state: { ...state, autoplay: true }, run: null };
    case 'pause':
      return state.autoplay ? { state: { ...state, autoplay: false }, run: null } : stay;
    case 'step':
      if (state.phase !== 'idle' || isFinished(state)) return stay;
      return advance({ ...state, autoplay: false }, steps);
    case 'answer': {
      const choices = steps[state.active]?.checkpoint?.choices.length ?? 0;
      if (state.phase !== 'asking' || !Number.isInteger(action.choice) || action.choice < 0 || action.choice >= choices) return stay;
      const answers = state.answers.slice();
      answers[state.active] = action.choice;
      return { state: { ...state, answers, phase: 'playing' }, run: state.active };
    }
    case 'stepPlayed': {
      if (state.phase !== 'playing') return stay;
      const next: PlayerState = { ...state, played: state.played + 1, phase: 'idle' };
      if (isFinished(next)) return { state: { ...next, autoplay: false }, run: null };
      return next.autoplay ? advance(next, steps) : { state: next, run: null };
    }
    case 'halt':
      return { state: { ...state, phase: 'idle', autoplay: false }, run: null };
    case 'restart':
      return { state: initialPlayer(state.total), run: null };
  }
}

/** Focus the next step: ask its checkpoint first, or play it. */
function advance(state: PlayerState, steps: readonly PlayerStep[]): Transition {
  const i = state.played;
  if (i >= state.total) return { state: { ...state, phase: 'idle', autoplay: false }, run: null };
  if (steps[i]?.checkpoint && state.answers[i] === null) return { state: { ...state, active: i, phase: 'asking' }, run: null };
  return { state: { ...state, active: i, phase: 'playing' }, run: i };
}
