// The drill's load as a deterministic list of arrivals: arrival k of a traffic
// source is due at start + ceil(k × 1000 / perSecond) (rounded down to its burst), and every string in it
// has `{i}` / `{i%N}` filled with k. No randomness: the engine's seed is the
// only source of chance in a run.
import type { Intent } from '../engine/index.ts';
import type { DrillLoad, SetupEntry, Traffic } from './types.ts';

export interface Arrival {
  at: number;
  traffic: Traffic;
  /** The arrival number within its traffic source. */
  i: number;
  /** A client's resend of arrival i's command (same commandId). */
  resend: boolean;
}

const PLACEHOLDER = /\{i(?:%(\d+)|\/(\d+))?(?:\+(\d+))?\}/g;

/** Fills `{i}`, `{i%N}` (remainder), `{i/N}` (whole quotient), each optionally `+K`, in every string of a JSON value;
 * a string that is only a placeholder becomes a number. */
export function fill<T>(value: T, i: number): T {
  if (typeof value === 'string') {
    // A string that is one placeholder and nothing else becomes a number (e.g. "priceCents": "{i+1100}").
    const whole = /^\{i(?:%\d+|\/\d+)?(?:\+\d+)?\}$/.test(value);
    const filled = value.replace(PLACEHOLDER, (_, mod: string | undefined, div: string | undefined, plus: string | undefined) => {
      const base = mod ? i % Number(mod) : div ? Math.floor(i / Number(div)) : i;
      return String(base + Number(plus ?? 0));
    });
    return (whole ? Number(filled) : filled) as T;
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, i)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, i)])) as T;
  }
  return value;
}

export function expandSetup(entries: readonly SetupEntry[]): Intent[] {
  return entries.flatMap((entry) => ('repeat' in entry ? Array.from({ length: entry.repeat }, (_, i) => fill(entry.intent, i)) : [entry]));
}

/** Every arrival of the load, in time order (ties: traffic order, then arrival number). */
export function arrivals(load: DrillLoad, start: number): Arrival[] {
  const out: Arrival[] = [];
  for (const traffic of load.traffic) {
    const from = traffic.startMs ?? 0;
    const to = traffic.endMs ?? load.durationMs;
    for (let i = 0; ; i++) {
      const group = traffic.burst ?? 1;
      const offset = from + Math.ceil((Math.floor(i / group) * group * 1000) / traffic.perSecond);
      if (offset >= to) break;
      out.push({ at: start + offset, traffic, i, resend: false });
      if (traffic.resend && i % traffic.resend.every === traffic.resend.every - 1) {
        out.push({ at: start + offset + traffic.resend.afterMs, traffic, i, resend: true });
      }
    }
  }
  const order = new Map(load.traffic.map((t, index) => [t, index]));
  return out.sort(
    (a, b) => a.at - b.at || order.get(a.traffic)! - order.get(b.traffic)! || a.i - b.i || Number(a.resend) - Number(b.resend),
  );
}
