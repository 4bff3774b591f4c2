// "Implement it in 15 minutes": an interview-style drill on one exercise with
// a clock shown beside it. The clock is a guide, not a rule: nothing stops
// when it runs out, the checks still run.

export interface TimedDrill {
  id: string;
  title: string;
  /** The exercise it opens (src/code/exercises). */
  exerciseId: string;
  minutes: number;
  /** What the interviewer says, paragraph by paragraph. */
  prompt: string[];
  /** What a good answer talks through while typing. */
  talkingPoints: string[];
}

export const FIFTEEN_MINUTES: TimedDrill = {
  id: 'fifteen-minutes',
  title: 'Implement it in 15 minutes',
  exerciseId: 'never-oversell',
  minutes: 15,
  prompt: [
    '“We sell limited stock in flash sales, and last time we oversold. Here is the event-sourced Stock aggregate with its decider. Make it impossible to sell units that are not there, even when hundreds of orders arrive at once. You have fifteen minutes; talk me through it as you go.”',
    'Write the decider below, press Check to run it on the engine under bursts of concurrent orders, and keep an eye on the clock.',
  ],
  talkingPoints: [
    'Where the rule lives: in decide, on the state folded from the stream, not in a read model that may lag.',
    'Why that is enough under concurrency: the append carries the expected version, so two orders decided on the same state cannot both be appended; the loser reloads and decides again.',
    'What the client sees when stock runs out: a refusal (OutOfStock), not an error, and nothing appended.',
  ],
};

/** The clock as text: "12:04 left", then "over by 0:31" (never stops the learner). */
export function clockText(elapsedMs: number, minutes: number): string {
  const limit = minutes * 60_000;
  const left = limit - Math.max(0, elapsedMs);
  const mmss = (ms: number) => {
    const s = Math.floor(ms / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };
  return left > 0 ? `${mmss(left + 999)} left` : `over by ${mmss(-left)}`;
}
