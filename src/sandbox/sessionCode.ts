// The learner's code kept with a sandbox session (autosave, session file,
// shared link): a projection to shadow-build beside one of the domain's
// projections, and a decider to stand in for one of its aggregates. It is
// untrusted text wherever it comes from: only the code worker's QuickJS
// sandbox ever runs it, never the page.
import type { DomainDefinition } from '../engine/index.ts';

/** One module of learner code and the part of the domain it is written for. */
export interface ProjectionCodeText {
  /** The domain's projection it is built beside (its reference). */
  reference: string;
  source: string;
}

export interface DeciderCodeText {
  /** The domain's aggregate whose commands it decides. */
  aggregate: string;
  source: string;
}

export interface SessionCode {
  projection?: ProjectionCodeText;
  decider?: DeciderCodeText;
}

/** Far above any module a learner writes by hand; keeps a file or a link from carrying a megabyte of "code". */
export const MAX_SESSION_CODE_CHARS = 100_000;

export class SessionCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionCodeError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function only(v: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const k of Object.keys(v)) if (!keys.includes(k)) throw new SessionCodeError(`${where} has an unexpected field "${k}".`);
}

/** `where` names the field, e.g. "code.projection". */
function source(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new SessionCodeError(`"${where}.source" must be the module's text.`);
  if (v.length > MAX_SESSION_CODE_CHARS) {
    throw new SessionCodeError(
      `"${where}.source" is ${v.length.toLocaleString('en-US')} characters long; the sandbox takes at most ${MAX_SESSION_CODE_CHARS.toLocaleString('en-US')}.`,
    );
  }
  return v;
}

/** Checks a session's "code" field against its domain; throws SessionCodeError saying what is wrong. */
export function validateSessionCode(value: unknown, domain: DomainDefinition): SessionCode {
  if (!isObject(value)) throw new SessionCodeError('"code" must be an object with projection and/or decider.');
  only(value, ['projection', 'decider'], '"code"');
  const out: SessionCode = {};
  const p = value['projection'];
  if (p !== undefined) {
    if (!isObject(p)) throw new SessionCodeError('"code.projection" must be { reference, source }.');
    only(p, ['reference', 'source'], '"code.projection"');
    const reference = p['reference'];
    if (typeof reference !== 'string' || !domain.projections.some((x) => x.name === reference)) {
      throw new SessionCodeError(
        `"code.projection.reference" must be one of the ${domain.name} projections (${domain.projections.map((x) => x.name).join(', ')}), got ${JSON.stringify(reference ?? null)}.`,
      );
    }
    out.projection = { reference, source: source(p['source'], 'code.projection') };
  }
  const d = value['decider'];
  if (d !== undefined) {
    if (!isObject(d)) throw new SessionCodeError('"code.decider" must be { aggregate, source }.');
    only(d, ['aggregate', 'source'], '"code.decider"');
    const aggregate = d['aggregate'];
    if (typeof aggregate !== 'string' || !domain.aggregates.some((x) => x.name === aggregate)) {
      throw new SessionCodeError(
        `"code.decider.aggregate" must be one of the ${domain.name} aggregates (${domain.aggregates.map((x) => x.name).join(', ')}), got ${JSON.stringify(aggregate ?? null)}.`,
      );
    }
    out.decider = { aggregate, source: source(d['source'], 'code.decider') };
  }
  return out;
}

/**
 * The code as it fits `domain`: after a reset to another domain, a module
 * written for a projection or an aggregate that domain lacks is kept but
 * pointed at the domain's first one (the learner sees it in the panel).
 * Undefined when there is no code.
 */
export function codeForDomain(code: SessionCode | null | undefined, domain: DomainDefinition): SessionCode | undefined {
  if (!code || (!code.projection && !code.decider)) return undefined;
  const out: SessionCode = {};
  if (code.projection) {
    const known = domain.projections.some((p) => p.name === code.projection!.reference);
    out.projection = known ? code.projection : { ...code.projection, reference: domain.projections[0]!.name };
  }
  if (code.decider) {
    const known = domain.aggregates.some((a) => a.name === code.decider!.aggregate);
    out.decider = known ? code.decider : { ...code.decider, aggregate: domain.aggregates[0]!.name };
  }
  return out;
}
