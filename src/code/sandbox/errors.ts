// What went wrong in a learner's code, said for the learner: the kind, a
// message, and where in their file (1-based line and column) when known.

export type LearnerErrorKind =
  /** The file does not parse. */
  | 'syntax'
  /** The code threw (a TypeError, a ReferenceError, an Error it threw itself). */
  | 'runtime'
  /** It ran past its step budget: most likely an endless loop. */
  | 'timeout'
  /** It used more memory than the sandbox allows. */
  | 'memory'
  /** It ran, but what it exported or returned is not what the API expects. */
  | 'contract';

export interface LearnerDiagnostic {
  kind: LearnerErrorKind;
  message: string;
  line?: number;
  column?: number;
}

/** Thrown by the sandbox and its adapters; the engine records its message (a crashed projection's reason). */
export class LearnerCodeError extends Error {
  readonly kind: LearnerErrorKind;
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(diagnostic: LearnerDiagnostic) {
    super(withPlace(diagnostic));
    this.name = 'LearnerCodeError';
    this.kind = diagnostic.kind;
    this.line = diagnostic.line;
    this.column = diagnostic.column;
  }

  get diagnostic(): LearnerDiagnostic {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.line !== undefined ? { line: this.line } : {}),
      ...(this.column !== undefined ? { column: this.column } : {}),
    };
  }
}

function withPlace(d: LearnerDiagnostic): string {
  if (d.line === undefined) return d.message;
  return `${d.message} (line ${d.line}${d.column !== undefined ? `, column ${d.column}` : ''})`;
}

/** Line and column of the first frame in the learner's file of a QuickJS stack ("at f (learner.js:4:7)"). */
export function placeInStack(stack: unknown, fileName: string): { line?: number; column?: number } {
  if (typeof stack !== 'string') return {};
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`).exec(stack);
  if (!match) return {};
  return { line: Number(match[1]), ...(match[2] ? { column: Number(match[2]) } : {}) };
}
