/**
 * The errors the library throws, how to print them, and the "did you mean" that their hints use. An
 * application (the CLI among them) raises its own user errors with these, so that every mistake reads,
 * and exits, the same way: a GlimmerError is the user's (exit 2), an InferenceError the fit's (exit 1).
 */
export { GlimmerError, InferenceError, userError, type Diagnostic, type Span } from '../core/errors.js';
export { renderDiagnostic } from '../core/render_error.js';
export { suggest } from '../language/suggest.js';
