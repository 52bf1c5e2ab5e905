import { main } from '../../src/cli/main.js';

/** `ppl ARGS` in-process, its output collected: the exit code, stdout and stderr as text. */
export async function runCli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
