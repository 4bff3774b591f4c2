// One measurement lab run at a time in the sql.js worker, started on first
// use and closed with the component. Shared by the read-path races.
import type { SqlLabConnection } from '../../worker/sqlLabClient';

export class LabRun<R> {
  running = $state(false);
  report = $state<R | null>(null);
  error = $state<string | null>(null);
  #connection: SqlLabConnection | null = null;

  async run(measure: (lab: SqlLabConnection['lab']) => Promise<R>): Promise<void> {
    this.running = true;
    this.error = null;
    try {
      if (!this.#connection) {
        const { connectSqlLab } = await import('../../worker/sqlLabClient');
        this.#connection = connectSqlLab();
      }
      this.report = await measure(this.#connection.lab);
    } catch (caught) {
      this.error = caught instanceof Error ? caught.message : String(caught);
    } finally {
      this.running = false;
    }
  }

  close(): void {
    this.#connection?.close();
    this.#connection = null;
  }
}

/** A time per read: µs below a millisecond, ms above. */
export const formatMicros = (micros: number): string => (micros >= 1000 ? `${(micros / 1000).toFixed(2)} ms` : `${micros.toFixed(1)} µs`);

/** Reads per second, rounded, with thousands separators. */
export const formatRate = (perSecond: number): string => `${Math.round(perSecond).toLocaleString('en-US')}/s`;
