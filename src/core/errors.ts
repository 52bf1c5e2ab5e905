/** A place in a source file: 1-based line and column; `length` characters are underlined. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly length: number;
}

/**
 * Every user-facing problem is a value: a stable code, a message, where it is, and a hint.
 * Codes: E1xx syntax, E2xx names and types, E3xx data, E4xx usage, E5xx inference.
 */
export interface Diagnostic {
  readonly code: string;
  readonly message: string;
  readonly span?: Span;
  readonly hint?: string;
  /** For data errors where no span exists: the file the problem is in. */
  readonly file?: string;
}

/** Thrown by library code for a user's mistake (model, data, options): the CLI exits 2. */
export class GlimmerError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'GlimmerError';
    this.diagnostics = diagnostics;
  }
}

/** Thrown when inference itself fails (no finite start, optimizer failure): the CLI exits 1. */
export class InferenceError extends Error {
  readonly code: string;
  readonly hint?: string;
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.name = 'InferenceError';
    this.code = code;
    this.hint = hint;
  }
}

export function userError(code: string, message: string, extra: { span?: Span; hint?: string; file?: string } = {}): GlimmerError {
  return new GlimmerError([{ code, message, ...extra }]);
}
