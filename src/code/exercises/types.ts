// An exercise is data (Learn Git Branching's levels): its brief, the starter
// the editor opens on, the API it may use, and the id of its hidden checks
// (run in the worker). Its reference solution lives beside it and is played
// by the tests, so no exercise ships unsolvable.

export interface ApiEntry {
  /** `apply(db, event)` */
  signature: string;
  description: string;
}

export interface ExerciseInfo {
  id: string;
  title: string;
  /** What the learner writes. */
  kind: 'projection' | 'decider' | 'upcaster' | 'saga';
  /** One line for the list. */
  summary: string;
  /** Paragraphs of the brief. */
  brief: string[];
  /** What the hidden checks do, in words (the checks themselves are not shown). */
  checks: string[];
  starter: string;
  api: ApiEntry[];
  /** Has a "try it on the engine" lab (src/code/lab/) beside its checks. */
  lab?: boolean;
}
