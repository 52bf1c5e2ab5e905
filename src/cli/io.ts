import { InvalidArgumentError } from 'commander';

/** Where a command writes: stdout and stderr in the CLI, arrays in tests. */
export interface Io {
  out(s: string): void;
  err(s: string): void;
}

export const stdio: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

/** A user's mistake, turned into the exit code by main.ts (files and texts to quote the lines from). */
export type OnError = (e: unknown, files: readonly string[], sources?: ReadonlyMap<string, string>) => void;

/** Commander's parser for an integer option of at least `min`. */
export function intOption(name: string, min: number): (v: string) => number {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}`);
    return n;
  };
}

/** The option that lets a model's own data path leave its folder (resolveDataPath refuses it otherwise). */
export const ALLOW_PATH = ['--allow-path', "read the data file the model names even outside the model file's folder (refused unless allowed: a model file cannot reach other files by naming them)"] as const;
