import { describe, expect, it } from 'vitest';
import { assertGeneratedVocabulary } from '../../../src/compiler/codegen/construct.js';
import { emitCompiledJs, generateLogDensity } from '../../../src/compiler/codegen/compiled.js';
import { emitJs } from '../../../src/compiler/js/emit.js';
import { compileText } from '../../helpers.js';

/**
 * The generated source is built from node kinds, indices and validated numbers only: whatever a model
 * file or its data names things, none of it reaches the code. These models name their columns,
 * parameters, factor levels and the levels they pick with code-like text (quotes, backticks, `${`,
 * a statement that would end the process, comment openers, escapes, newlines, non-ASCII), and the test
 * checks the source against a whitelist of what the generator writes, and for each of those strings.
 */
const EVIL = {
  column: 'y"); process.exit(1); //',
  factor: "g${process.exit(1)}'",
  covariate: 'x */ eval(1) /* \\u0060',
  param: 'mu"]; process.exit(1); //',
  scale: 'sigma${globalThis}',
  effect: "u'); require('child_process') //",
};
// Level labels come from the CSV: quoted fields may hold quotes, commas, backslashes and newlines.
const LEVELS = ['a"); process.exit(1); //', '${process.exit(1)}', 'b`\\n`line\nbreak', 'λ☃ \\u0041 </script>'];

const csvField = (s: string): string => `"${s.replace(/"/g, '""')}"`;
const csv = [
  [EVIL.column, EVIL.factor, EVIL.covariate].map(csvField).join(','),
  ...Array.from({ length: 24 }, (_, i) => [String(Math.sin(i) * 3), csvField(LEVELS[i % LEVELS.length]), String(Math.cos(i))].join(',')),
].join('\n');
/** A string literal of the model language (`\"` and `\\` are its escapes). */
const literal = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const source = `
data {
  \`${EVIL.column}\`: real
  \`${EVIL.factor}\`: factor
  \`${EVIL.covariate}\`: real
}
parameters {
  \`${EVIL.param}\` ~ Normal(0, 5)
  \`${EVIL.scale}\` ~ HalfNormal(1)
  \`${EVIL.effect}\`[\`${EVIL.factor}\`] ~ Normal(0, \`${EVIL.scale}\`)
}
model {
  \`${EVIL.column}\` ~ Normal(\`${EVIL.param}\` + \`${EVIL.effect}\`[\`${EVIL.factor}\`] + 0.25 * \`${EVIL.covariate}\`
    - 0.5 * \`${EVIL.effect}\`[${literal(LEVELS[0])}] + 0.1 * \`${EVIL.effect}\`[${literal(LEVELS[1])}], \`${EVIL.scale}\` + 0.5)
}
generated {
  picked = \`${EVIL.effect}\`[${literal(LEVELS[3])}]
}`;
const formula = `
data {
  \`${EVIL.column}\`: real
  \`${EVIL.factor}\`: factor
  \`${EVIL.covariate}\`: real
}
model {
  \`${EVIL.column}\` ~ gaussian(1 + \`${EVIL.covariate}\` + (1 | \`${EVIL.factor}\`))
}`;

/** Exactly what the generator writes: its keywords and parameters, Math's functions, numbered names, digits and operators. */
const WHITELIST = /^(?:const|let|for|if|function|return|D|C|X|G|H|theta|grad|vg|val|i|j|e|Math|exp|log|log1p|sqrt|abs|fill|lgamma|digamma|lg|dg|lgammaRatio|lgammaRatioDphi|lgammaRatioDy|lr|lrd|lry|(?:v|g|t|u|s|d|c|k|e|x|gx)\d+|\d+(?:\.\d+)?(?:e[+-]\d+)?|[-+*/<>=?:;,.()[\]{}]|\s+)*$/;

describe('no text of the model file or its data reaches the generated code', () => {
  it.each([['hand-written', source], ['lme4 formula', formula]])('%s model', (_name, text) => {
    const model = compileText(text, csv);
    // The model really carries the strings: names and levels as written.
    const labels = model.ir.params.flatMap((p) => [p.name, ...(p.levels ?? []), ...(p.elementNames ?? [])]);
    expect(labels.some((l) => l.includes('process.exit'))).toBe(true);
    expect(LEVELS.every((l) => labels.some((x) => x.includes(l)))).toBe(true);
    for (const ir of [model.ir, model.rowwiseIr]) {
      const gen = generateLogDensity(ir)!;
      expect(gen).toBeDefined();
      expect(gen.source).toMatch(WHITELIST);
      expect(() => assertGeneratedVocabulary(gen.source)).not.toThrow();
      for (const s of [...Object.values(EVIL), ...LEVELS, ...labels]) {
        // Single characters and digits aside (a level named "1"), no user string appears in the source.
        if (s.length > 2) expect(gen.source.includes(s), s).toBe(false);
      }
      for (const bad of ['"', "'", '`', '$', '\\', '//', '/*', 'process', 'require', 'eval', 'exit', 'globalThis']) {
        expect(gen.source.includes(bad), bad).toBe(false);
      }
      // And it computes the same log density as the taped evaluator.
      const theta = Float64Array.from({ length: ir.dim }, (_, i) => 0.3 * Math.sin(i + 1));
      const ref = emitJs(ir).valueAndGrad(theta);
      expect(Math.abs(emitCompiledJs(ir).valueAndGrad(theta).value - ref.value)).toBeLessThanOrEqual(1e-12 * Math.abs(ref.value));
    }
  });

  it('the constructor refuses text outside the vocabulary', () => {
    for (const bad of ['const v1 = "x";', 'process.exit(1);', 'const v1 = `${x}`;', 'v1 = 1; // comment', "const v1 = 'a';", 'const $ = 1;', 'a\\u0065']) {
      expect(() => assertGeneratedVocabulary(bad), bad).toThrow();
    }
    expect(() => assertGeneratedVocabulary('const v1 = Math.exp(theta[0]) * (-1.5e-7);')).not.toThrow();
  });
});
