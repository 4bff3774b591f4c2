// "Continue from here": the page's side of forking a run (src/sandbox/fork.ts).
// Forking asks the coordinator for the session cut at a record, keeps the run
// being left as a branch (its session, which replays it, plus its key numbers
// and read models from the fork point on), and opens the cut session as the
// current run through the controller's usual replay path. No second engine
// runs: "Back to the other branch" replays the kept session and keeps the one
// being left in its place.
import type { SessionState } from '../../sandbox/sessionState.ts';
import type { CoordinatorApi } from '../../worker/protocol/coordinator.ts';
import { unwrap } from '../../worker/protocol/reply.ts';
import type { BranchNumbers } from '../../worker/views/branchNumbers.ts';
import { diffReadModels, type ProjectionDiff, type ReadModelSnapshot } from '../../worker/views/readModelDiff.ts';
import type * as Comlink from 'comlink';

/** A run kept to compare: replaying its session gives it back; numbers and read models as it was left. */
export interface Branch {
  label: string;
  session: SessionState;
  numbers: BranchNumbers;
  readModels: ReadModelSnapshot;
}

export interface Fork {
  /** The record both branches share: numbers count what came after it. */
  seq: number;
  /** Where both branches part: the record's instant and scheduler step. */
  at: number;
  step: number;
  /** Intents both branches share (the cut session's script). */
  shared: number;
  currentLabel: string;
  other: Branch;
}

/** The current branch, measured the same way as the kept one. */
export interface CurrentBranch {
  numbers: BranchNumbers;
  diffs: ProjectionDiff[];
}

/** What forking needs of the sandbox (SandboxController gives it). */
export interface BranchHost {
  coordinator(): Comlink.Remote<CoordinatorApi>;
  /** Start fresh workers on `state` (replaying it); the current run is kept if that fails. */
  open(state: SessionState): Promise<void>;
  announce(text: string): void;
  /** The timeline and the picture follow the live run again. */
  backToLive(): void;
}

export class Branches {
  fork = $state.raw<Fork | null>(null);
  current = $state.raw<CurrentBranch | null>(null);
  /** A fork or a swap is replaying. */
  working = $state(false);
  readonly #host: BranchHost;
  #runs = 1;
  /** Set while this keeper opens a run itself (opened() keeps the fork then). */
  #opening = false;
  #refreshTicket = 0;

  constructor(host: BranchHost) {
    this.#host = host;
  }

  /**
   * Continue from record `seq`: the current run is kept as the other branch
   * and the run restarts from that record, paused. Throws (and changes
   * nothing) when the record cannot be forked.
   */
  async forkAt(seq: number): Promise<Fork> {
    const api = this.#host.coordinator();
    const cut = unwrap(await api.forkAt(seq));
    const leaving = await this.#branch(api, seq, this.fork?.currentLabel ?? 'Run 1');
    const label = `Run ${++this.#runs}`;
    await this.#open(cut);
    const fork: Fork = {
      seq,
      at: cut.until?.at ?? 0,
      step: cut.until?.step ?? 0,
      shared: cut.script.length,
      currentLabel: label,
      other: leaving,
    };
    this.fork = fork;
    this.current = null;
    this.#host.announce(
      `${label} continues from record #${seq} (t=${fork.at} ms), paused: change settings or send other commands. ${leaving.label} is kept to compare.`,
    );
    await this.refresh();
    return fork;
  }

  /** The buttons' "Continue from here": fork, then show the live run; a refusal is announced. True when it forked. */
  async continueFrom(seq: number): Promise<boolean> {
    try {
      await this.forkAt(seq);
      this.#host.backToLive();
      return true;
    } catch (e) {
      this.#host.announce(`Could not continue from record #${seq}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  }

  /** Back to the other branch: replay its session; the run being left becomes the other branch. */
  async swap(): Promise<void> {
    const fork = this.fork;
    if (!fork) return;
    const leaving = await this.#branch(this.#host.coordinator(), fork.seq, fork.currentLabel);
    await this.#open(fork.other.session);
    this.fork = { ...fork, currentLabel: fork.other.label, other: leaving };
    this.current = null;
    this.#host.announce(`Back to ${fork.other.label}; ${leaving.label} is kept to compare.`);
    this.#host.backToLive();
    await this.refresh();
  }

  /** Measure the current branch again (numbers since the fork record, read-model differences). A later call wins. */
  async refresh(): Promise<void> {
    const fork = this.fork;
    if (!fork) return;
    const ticket = ++this.#refreshTicket;
    const api = this.#host.coordinator();
    const numbers = unwrap(await api.branchNumbers(fork.seq));
    const readModels = unwrap(await api.readModels());
    if (ticket !== this.#refreshTicket || this.fork !== fork) return;
    this.current = { numbers, diffs: diffReadModels(readModels, fork.other.readModels) };
  }

  /** Stop comparing: the other branch is dropped from memory. */
  forget(): void {
    this.fork = null;
    this.current = null;
  }

  /** The controller opened a run: a run this keeper did not open (reset, import, another session) ends the comparison. */
  opened(state: SessionState): void {
    if (this.#opening || !this.fork) return;
    // A restart after a worker failure replays the same branch: the comparison still holds.
    if (!sharesFork(state, this.fork)) this.forget();
  }

  async #open(state: SessionState): Promise<void> {
    this.working = true;
    this.#opening = true;
    try {
      await this.#host.open(state);
    } finally {
      this.#opening = false;
      this.working = false;
    }
  }

  async #branch(api: Comlink.Remote<CoordinatorApi>, seq: number, label: string): Promise<Branch> {
    // Paused first, so the kept session, numbers and read models are one moment of the run.
    unwrap(await api.setRunning(false));
    const session = unwrap(await api.session());
    const numbers = unwrap(await api.branchNumbers(seq));
    const readModels = unwrap(await api.readModels());
    return { label, session, numbers, readModels };
  }
}

/** Does `state` start like both branches (same domain, seed, settings and shared intents, at least as far as the fork)? */
function sharesFork(state: SessionState, fork: Fork): boolean {
  const other = fork.other.session;
  if (state.domain !== other.domain || state.seed !== other.seed) return false;
  if (JSON.stringify(state.settings) !== JSON.stringify(other.settings)) return false;
  if (state.script.length < fork.shared) return false;
  return JSON.stringify(state.script.slice(0, fork.shared)) === JSON.stringify(other.script.slice(0, fork.shared));
}
