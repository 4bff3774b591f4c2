// Frames of derived status for the page: built on demand or pushed at most
// five times a second, and only when something changed (the key), so a
// paused sandbox sends nothing. (Tokens move between frames on the page's
// own clock; every frame re-renders the panels, which under load cost the
// main thread more than the frames were worth at eight a second.) What a frame holds is in protocol/coordinator.ts.
import type { WriteSide } from '../engine/index.ts';
import type { EventRow, SandboxFrame } from './protocol/coordinator.ts';

const FRAME_MS = 200;

export class FramePublisher {
  readonly #build: () => SandboxFrame;
  readonly #key: () => string;
  #callback: ((frame: SandboxFrame) => Promise<void> | void) | undefined;
  #busy = false;
  #lastKey = '';
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  /** `key`: a string that changes whenever a frame would differ (cheap to compute). */
  constructor(build: () => SandboxFrame, key: () => string) {
    this.#build = build;
    this.#key = key;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.#push(), FRAME_MS);
  }

  onFrame(callback: (frame: SandboxFrame) => Promise<void> | void): void {
    this.#callback = callback;
    this.invalidate();
    void this.#push();
  }

  /** Something a frame shows changed outside what the key sees: send the next frame anyway. */
  invalidate(): void {
    this.#lastKey = '';
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  async #push(): Promise<void> {
    const cb = this.#callback;
    if (!cb || this.#busy || this.#closed) return;
    const key = this.#key();
    if (key === this.#lastKey) return;
    this.#busy = true;
    try {
      const frame = this.#build();
      this.#lastKey = key;
      await cb(frame);
    } catch {
      // The page went away; frames resume if it subscribes again.
    } finally {
      this.#busy = false;
    }
  }
}

/** The event log's latest rows, read again only when the head moves. */
export class RecentEvents {
  readonly #write: WriteSide;
  readonly #count: number;
  #cache: { head: number; rows: EventRow[] } = { head: -1, rows: [] };

  constructor(write: WriteSide, count = 25) {
    this.#write = write;
    this.#count = count;
  }

  at(head: number): EventRow[] {
    if (this.#cache.head !== head) {
      const from = Math.max(1, head - (this.#count - 1));
      const rows = head === 0 ? [] : this.#write.readAll(from, this.#count);
      this.#cache = {
        head,
        rows: rows.reverse().map((e) => ({
          position: e.position,
          streamId: e.streamId,
          version: e.version,
          type: e.type,
          recordedAt: e.metadata.recordedAt,
          commandId: e.metadata.commandId,
          data: JSON.stringify(e.data),
        })),
      };
    }
    return this.#cache.rows;
  }
}
