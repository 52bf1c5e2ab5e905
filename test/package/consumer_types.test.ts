import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

// What an app that installs the package sees: the published declarations in dist/ (npm test builds them
// first), resolved through package.json's "exports" as Node resolves them. The compiler's IR is not part
// of them (stripInternal), each engine's settings are typed, and the Node entry lends worker threads.
const consumer = `import { compile, infer, diagnosticsOf, type FitWarning } from 'glimmer-ppl';
const m = compile('parameters { mu ~ Normal(0, 1) }');
export async function ok(): Promise<number> {
  const fit = await infer(m, { engine: 'nuts', draws: 2000, settings: { chains: 2, adaptDelta: 0.9 }, hooks: { onProgress: (e) => void e.kind } });
  const warnings: readonly FitWarning[] = fit.warnings;
  return diagnosticsOf(fit.diagnostics, 'mcmc').maxRhat + warnings.length;
}
export const typo = () => infer(m, { engine: 'nuts', settings: { chians: 4 } });
export const foreign = () => infer(m, { engine: 'laplace', settings: { chains: 4 } });
export const callback = () => infer(m, { engine: 'nuts', settings: { progress: () => 0 } });
export const ir = () => m.ir;
export const threads = (p: import('glimmer-ppl/node').WorkerPool) => infer(m, { engine: 'nuts', hooks: { chains: { runner: p.runner, threads: 2 } } });
`;

describe('the published types, as a consumer compiles against them', () => {
  it('accept typed options and diagnostics; refuse a misspelt or foreign setting, a callback among settings, and the IR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glimmer-consumer-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'glimmer-ppl'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(dir, 'consumer.ts'), consumer);
    const program = ts.createProgram([join(dir, 'consumer.ts')], {
      strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [],
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').split(' ')[0]} ${d.code}`;
    });
    // Lines 8-11 are the four the consumer must not be able to write; nothing else is an error.
    expect(errors.map((e) => Number(e.split(':')[0]))).toEqual([8, 9, 10, 11]);
    expect(errors.every((e) => / (2322|2339|2353|2561)$/.test(e)), errors.join('; ')).toBe(true);
  });
});
