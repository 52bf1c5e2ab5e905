import { tokenMatcher } from 'chevrotain';
import type { Diagnostic } from '../core/errors.js';
import type { Program } from './ast.js';
import { lex } from './lexer.js';
import { checkExpressionDepth, checkLength, checkNesting, checkTokenCount } from './limits.js';
import { glimmerParser } from './parser.js';
import type { Extent } from './recovery.js';
import type { SyntaxProblem } from './syntax_errors.js';
import { toAst } from './to_ast.js';
import { UnterminatedComment } from './tokens.js';

/**
 * Text to AST: lex, parse (reporting every broken statement, not just the first), then build the AST.
 * `program` is present exactly when there are no syntax errors.
 */
export function parse(source: string, file: string): { program?: Program; diagnostics: Diagnostic[] } {
  // Too large to lex or parse quickly (a data file given as the model?): that alone is the news.
  const tooLong = checkLength(source, file);
  if (tooLong !== undefined) return { diagnostics: [tooLong] };
  const { tokens, problems: lexical } = lex(source, file);
  // Too deep to parse without overflowing the stack: that, and what the lexer found before it.
  const tooDeep = checkNesting(tokens, file);
  if (tooDeep !== undefined) return { diagnostics: onePerStatement([...lexical.filter((p) => p.offset < tooDeep.offset), tooDeep], []) };
  const tooMany = checkTokenCount(tokens, file);
  if (tooMany !== undefined) return { diagnostics: [tooMany] };
  const { cst, problems: syntactic, extents } = glimmerParser.parseProgram(tokens, file);
  // An unterminated comment swallows the rest of the file: whatever the parser then misses is not news.
  const comment = tokens.find((t) => tokenMatcher(t, UnterminatedComment));
  const relevant = comment === undefined ? syntactic : syntactic.filter((p) => p.offset < comment.startOffset);
  const diagnostics = onePerStatement([...lexical, ...relevant], extents);
  if (diagnostics.length > 0) return { diagnostics };
  const program = toAst(cst, file, source);
  const deep = checkExpressionDepth(program);
  return deep.length > 0 ? { diagnostics: deep } : { program, diagnostics };
}

/**
 * In reading order, keeping only the first problem in each statement (later ones are usually its
 * echoes) and dropping exact repeats. Lexer problems come first at equal offsets (the sort is stable).
 */
function onePerStatement(problems: readonly SyntaxProblem[], extents: readonly Extent[]): Diagnostic[] {
  const reported = new Set<Extent>();
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const { offset, diagnostic } of [...problems].sort((a, b) => a.offset - b.offset)) {
    const extent = extents.find((e) => e.start <= offset && offset < e.end);
    if (extent !== undefined) {
      if (reported.has(extent)) continue;
      reported.add(extent);
    }
    const key = JSON.stringify(diagnostic);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(diagnostic);
  }
  return out;
}
