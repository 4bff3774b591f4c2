// Schema evolution. Every event is stored with the schema version it was
// written under and is never changed; when it is read (to decide, to project,
// to drive a saga) a chain of upcasters turns its payload into the current
// shape, one version at a time (V1 → V2 → V3). A missing link is a typed error
// naming the event type and the versions, raised when the engine starts.
import type { DomainDefinition, Upcaster } from '../domain.ts';
import { UpcasterMissingError } from '../errors.ts';

export class Upcasting {
  readonly #current = new Map<string, number>();
  readonly #steps = new Map<string, Upcaster>();

  constructor(domain: DomainDefinition) {
    for (const e of domain.events) this.#current.set(e.type, e.schemaVersion);
    for (const u of domain.upcasters ?? []) this.#steps.set(`${u.eventType}@${u.fromVersion}`, u);
  }

  /** Throw UpcasterMissingError for the first event type whose chain from version 1 has a gap. */
  static validate(domain: DomainDefinition): void {
    const u = new Upcasting(domain);
    for (const [type, current] of u.#current) {
      for (let v = 1; v < current; v++) {
        if (!u.#steps.has(`${type}@${v}`)) throw new UpcasterMissingError(type, 1, current, v);
      }
    }
  }

  /**
   * False when every event type is at schema version 1: no stored event can
   * be older than its readers, so loads need not fetch schema versions.
   */
  get evolved(): boolean {
    for (const v of this.#current.values()) if (v > 1) return true;
    return false;
  }

  /** The version readers expect (undefined for an unknown type). */
  currentVersion(type: string): number | undefined {
    return this.#current.get(type);
  }

  needsUpcast(type: string, version: number): boolean {
    const current = this.#current.get(type);
    return current !== undefined && version < current;
  }

  /** The payload in the current shape. */
  upcast(type: string, version: number, data: Record<string, unknown>): Record<string, unknown> {
    const current = this.#current.get(type);
    if (current === undefined || version >= current) return data;
    let out = data;
    for (let v = version; v < current; v++) {
      const step = this.#steps.get(`${type}@${v}`);
      if (!step) throw new UpcasterMissingError(type, version, current, v);
      out = step.upcast(out);
    }
    return out;
  }
}
