import type { Rng } from '../../src/core/rng.js';

/**
 * A mutation fuzzer for .glmm sources. It cuts a source into rough tokens with its own regex (not the
 * real lexer, so that mutations can also produce what the lexer would never emit) and applies one to
 * three seeded mutations: the typos a user makes (a token deleted, doubled, swapped, a line lost), what
 * an editor or a download does to a file (truncation, stray bytes, unicode), and what an attacker tries
 * (10,000 nested brackets, numbers beyond float64).
 */

export interface Mutant {
  readonly text: string;
  /** What was done, for the report of a crash or a hang. */
  readonly mutations: readonly string[];
}

/** Whitespace and comments are kept as pieces too, so that joining the pieces gives the source back. */
const PIECE = /\s+|\/\/[^\n\r]*|#[^\n\r]*|"(?:[^"\\\n\r]|\\.)*"?|`[^`\n\r]*`?|[A-Za-z_][A-Za-z0-9_.]*|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|\|\||<-|==|[\s\S]/gu;

export function pieces(source: string): string[] {
  return source.match(PIECE) ?? [];
}

const isToken = (piece: string): boolean => !/^\s/.test(piece) && !piece.startsWith('//') && !piece.startsWith('#');

/** Tokens a user could plausibly put in the wrong place: the language's own vocabulary. */
const VOCABULARY = [
  'data', 'parameters', 'model', 'generated', 'count', 'int', 'real', 'positive', 'binary', 'factor',
  'lower', 'upper', 'bounded', 'Normal', 'HalfNormal', 'Cauchy', 'HalfCauchy', 'StudentT', 'Gamma', 'Beta',
  'Uniform', 'LKJCorr', 'Poisson', 'Bernoulli', 'Binomial', 'NegativeBinomial', 'LogNormal', 'Exponential',
  'poisson', 'gaussian', 'bernoulli', 'binomial', 'negative_binomial', 'offset', 'exp', 'log', 'log1p', 'sqrt', 'inv_logit',
  'log_rate', 'rate', 'logit', 'p', 'trials', 'mean', 'log_mean', 'dispersion', 'mu', 'sigma',
  '(', ')', '[', ']', '{', '}', ',', ';', ':', '~', '=', '+', '-', '*', '/', '|', '||', '<-', '==', '^',
  '0', '1', '-1', '0.5', '"A"', '""', '"T : R : diseased"', '`x y`', '``', '"', '`', '/*', '*/', '//',
  // Names that are also properties of every JavaScript object: a lookup in a plain object finds them.
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf', '"__proto__"', '`__proto__`',
  '"constructor"', 'Infinity', 'NaN', 'undefined', 'null', 'true', '`σ`', '"σ"', 'NA',
];

/** Characters and strings that break naive text handling. */
const UNICODE = [
  'σ', 'β', 'é', 'e\u0301', '😀', '\u{1F9EA}', '\u0000', '\u200b', '\ufeff', '\u202e', '\u00a0', '\u2028', '\ud800',
  '\udfff', '\t', '\r', '\r\n', '\x1b[31m', 'ﬁ', 'Ａ', '\u0130', '\\', '\\"', '€', '中文', '\u0085', '\v', '\f',
];

/** Numbers at and past the edges of float64, and spellings that other readers accept. */
const NUMBERS = [
  '1e308', '1e309', '1e-400', '9'.repeat(400), '0', '0.0', '-0', '4294967296', '9007199254740993', '1e+400', '.5e5', '00001',
  '1.7976931348623157e308', '5e-324', '1e-320', '123456789012345678901234567890', '1.', '0e0', '2e2e2',
];

/** Openers for deep nesting, each with its closer (empty: left unclosed). */
const NESTS: readonly [string, string][] = [
  ['(', ')'], ['[', ']'], ['{', '}'], ['-', ''], ['exp(', ')'], ['(1 | ', ')'], ['(', ''], ['log(', ''], ['- (', ')'], ['b[', ']'],
];

type Mutation = (p: string[], rng: Rng) => string;

const int = (rng: Rng, n: number): number => Math.min(n - 1, Math.floor(rng.uniform() * n));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** Index of a random non-whitespace piece, or -1 if there is none. */
function tokenAt(p: readonly string[], rng: Rng): number {
  const tokens = p.flatMap((piece, i) => (isToken(piece) ? [i] : []));
  return tokens.length === 0 ? -1 : pick(rng, tokens);
}

/** How deep to nest: mostly shallow, sometimes far past any sane limit. */
const depth = (rng: Rng): number => pick(rng, [2, 10, 50, 63, 64, 65, 100, 300, 1000, 10_000]);

/** In place, without spreading: a mutant may have a hundred thousand pieces. */
function replaceAll(p: string[], next: readonly string[]): void {
  p.length = 0;
  for (const piece of next) p.push(piece);
}

function lineMutation(p: string[], rng: Rng, what: 'delete' | 'duplicate' | 'swap'): string {
  const lines = p.join('').split('\n');
  const i = int(rng, lines.length);
  if (what === 'delete') lines.splice(i, 1);
  else if (what === 'duplicate') lines.splice(i, 0, lines[i]);
  else {
    const j = int(rng, lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  replaceAll(p, pieces(lines.join('\n')));
  return `${what} line ${i + 1}`;
}

const MUTATIONS: Record<string, Mutation> = {
  deleteToken(p, rng) {
    const i = tokenAt(p, rng);
    if (i >= 0) p.splice(i, 1);
    return `delete token ${i}`;
  },
  duplicateToken(p, rng) {
    const i = tokenAt(p, rng);
    if (i >= 0) p.splice(i, 0, p[i], pick(rng, ['', ' ']));
    return `duplicate token ${i}`;
  },
  swapTokens(p, rng) {
    const [i, j] = [tokenAt(p, rng), tokenAt(p, rng)];
    if (i >= 0) [p[i], p[j]] = [p[j], p[i]];
    return `swap tokens ${i} and ${j}`;
  },
  copyToken(p, rng) {
    const [i, j] = [tokenAt(p, rng), tokenAt(p, rng)];
    if (i >= 0) p[i] = p[j];
    return `token ${i} := token ${j}`;
  },
  vocabularyToken(p, rng) {
    const i = tokenAt(p, rng);
    const word = pick(rng, VOCABULARY);
    if (i >= 0) p[i] = rng.uniform() < 0.5 ? word : `${p[i]} ${word}`;
    return `token ${i} := ${JSON.stringify(word)}`;
  },
  truncate(p, rng) {
    const text = p.join('');
    const at = int(rng, text.length + 1);
    replaceAll(p, pieces(text.slice(0, at)));
    return `truncate at ${at}`;
  },
  insertCharacters(p, rng) {
    const n = 1 + int(rng, 4);
    const chars = Array.from({ length: n }, () => String.fromCharCode(int(rng, 128))).join('');
    const i = int(rng, p.length + 1);
    p.splice(i, 0, chars);
    return `insert ${JSON.stringify(chars)} at ${i}`;
  },
  insertUnicode(p, rng) {
    const s = pick(rng, UNICODE);
    const i = int(rng, p.length + 1);
    if (rng.uniform() < 0.5 || i >= p.length) p.splice(i, 0, s);
    else p[i] = p[i].slice(0, 1) + s + p[i].slice(1);
    return `insert ${JSON.stringify(s)} at ${i}`;
  },
  deepNesting(p, rng) {
    const [open, close] = pick(rng, NESTS);
    const n = depth(rng);
    const i = tokenAt(p, rng);
    if (i < 0) return 'nest nothing';
    p[i] = open.repeat(n) + p[i] + close.repeat(n);
    return `nest token ${i} in ${n} x ${JSON.stringify(open)}`;
  },
  longChain(p, rng) {
    const n = depth(rng);
    const i = tokenAt(p, rng);
    if (i < 0) return 'chain nothing';
    const op = pick(rng, [' + ', ' * ', ' - ', ' / ', ':', ' + (1 | g) + ']);
    p[i] = Array(n).fill(p[i]).join(op);
    return `chain token ${i} ${n} times with ${JSON.stringify(op)}`;
  },
  hugeNumber(p, rng) {
    const numbers = p.flatMap((piece, i) => (/^[\d.]/.test(piece) ? [i] : []));
    const i = numbers.length > 0 && rng.uniform() < 0.8 ? pick(rng, numbers) : tokenAt(p, rng);
    const n = pick(rng, NUMBERS);
    if (i >= 0) p[i] = n;
    return `token ${i} := ${n.length > 20 ? `${n.slice(0, 20)}...` : n}`;
  },
  deleteLine: (p, rng) => lineMutation(p, rng, 'delete'),
  duplicateLine: (p, rng) => lineMutation(p, rng, 'duplicate'),
  swapLines: (p, rng) => lineMutation(p, rng, 'swap'),
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One to three mutations of `source`, all drawn from `rng`: the same rng state gives the same mutant. */
export function mutate(source: string, rng: Rng): Mutant {
  const p = pieces(source);
  const mutations: string[] = [];
  // Mostly one mutation, so that many mutants stay close enough to valid to reach the checker and the data.
  const u = rng.uniform();
  const count = u < 0.6 ? 1 : u < 0.85 ? 2 : 3;
  for (let k = 0; k < count; k++) {
    const name = pick(rng, MUTATION_NAMES);
    mutations.push(`${name}: ${MUTATIONS[name](p, rng)}`);
  }
  return { text: p.join(''), mutations };
}
