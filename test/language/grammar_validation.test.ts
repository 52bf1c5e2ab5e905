import { describe, expect, it } from 'vitest';
import { makeLexer } from '../../src/language/lexer.js';
import { GlimmerParser } from '../../src/language/parser.js';

// Start-up skips chevrotain's checks of the token patterns and the grammar (they cost a part of every
// `ppl` process and find nothing in a fixed grammar); here they run, so a change that breaks the
// grammar (an ambiguity, left recursion, an unreachable token) still fails a test.
describe("chevrotain's validations of the grammar", () => {
  it('the lexer validates', () => {
    expect(() => makeLexer(true)).not.toThrow();
    expect(makeLexer(true).lexerDefinitionErrors).toEqual([]);
  });

  it('the parser validates', () => {
    expect(() => new GlimmerParser(true)).not.toThrow();
  });
});
