/**
 * The one place in Glimmer that turns text into code (test/io/no_code_execution.test.ts allows it here
 * and nowhere else). The text comes from emit_source.ts, built from a model graph's node kinds, indices
 * and validated numbers only; before it is compiled, every token is checked against the closed
 * vocabulary below, so that even a bug upstream cannot smuggle a name, a string or a call the generator
 * does not make into it. Data reach the code as arguments, never as text.
 */

/** Words the generated source may contain: keywords, its parameters, Math's functions and its own numbered names. */
const WORDS = new Set([
  'const', 'let', 'for', 'if', 'function', 'return',
  'D', 'C', 'X', 'G', 'H', 'T', 'theta', 'grad', 'vg', 'val', 'i', 'j', 'e', 'value', 'slope', 'value2', 'slopeA', 'slopeB',
  'Math', 'exp', 'log', 'log1p', 'sqrt', 'abs', 'fill',
  'lgamma', 'digamma', 'lg', 'dg', 'lgammaRatio', 'lgammaRatioDphi', 'lgammaRatioDy', 'lr', 'lrd', 'lry',
]);
/** Names the generator numbers: values, adjoints, term and block sums, shares summed over a loop, data columns, codes, gathered codes, x_p and its adjoint, row tables. */
const NUMBERED = /^(?:v|g|t|u|s|d|c|k|e|x|gx|w)\d+$/;
/** The whole text, as a sequence of these tokens: names, unsigned decimal numbers, operators and brackets, blanks. */
const TOKEN = /[A-Za-z_]\w*|\d+(?:\.\d+)?(?:e[+-]\d+)?|[-+*/<>=!&|?:;,.()[\]{}]|\s+/y;

/** Throws unless `source` is made only of the generator's vocabulary (no quotes, backticks, `$`, backslashes, comments). */
export function assertGeneratedVocabulary(source: string): void {
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new Error(`generated source: unexpected character at ${at}`);
    const t = m[0];
    if (/^[A-Za-z_]/.test(t) && !WORDS.has(t) && !NUMBERED.test(t)) throw new Error(`generated source: unexpected name at ${at}`);
    if (t === '/' && (source[at + 1] === '/' || source[at + 1] === '*')) throw new Error(`generated source: a comment at ${at}`);
  }
}

/** The factory's parameters, in order: data columns, factor codes, x_p, adjoints of x_p, helpers, row tables. */
export type GeneratedFactory = (
  D: readonly Float64Array[], C: readonly Int32Array[], X: readonly Float64Array[], G: readonly Float64Array[],
  H: Readonly<Record<'lgamma' | 'digamma', (x: number) => number> & Record<'lgammaRatio' | 'lgammaRatioDphi' | 'lgammaRatioDy', (y: number, phi: number) => number>>,
  /** Per table index, one table per row (lazy_table.ts): structurally, so that this module imports nothing. */
  T: readonly (readonly object[])[],
) => [(theta: Float64Array, grad: Float64Array) => number, (theta: Float64Array) => number];

/**
 * Compiles the checked source into a factory, or returns undefined where the platform forbids making
 * code at run time (a browser page whose Content-Security-Policy lacks 'unsafe-eval' throws EvalError):
 * the caller then keeps the taped evaluator.
 */
export function constructFactory(source: string): GeneratedFactory | undefined {
  const known = made.get(source);
  if (known) return known;
  assertGeneratedVocabulary(source);
  try {
    // eslint-disable-next-line no-new-func -- the sanctioned code constructor: the text passed the check above
    const factory = new Function('D', 'C', 'X', 'G', 'H', 'T', source) as GeneratedFactory;
    if (made.size >= MADE) made.delete(made.keys().next().value!);
    made.set(source, factory);
    return factory;
  } catch (e) {
    if (e instanceof EvalError) return undefined;
    throw e;
  }
}

/**
 * Factories by source text. Models of one shape (fit-genes: gene after gene on the same cells) generate
 * the same text; one factory then serves them all, and the functions it makes share V8's optimised code
 * instead of each warming up from the interpreter. Data reach a factory's functions as arguments, so
 * sharing it shares nothing else.
 */
const made = new Map<string, GeneratedFactory>();
const MADE = 16;
