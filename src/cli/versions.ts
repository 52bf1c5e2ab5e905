import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Glimmer's own version: the package.json above this file (src/cli under tsx, dist/src/cli when built). */
export function ownVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'glimmer-ppl' && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}

/** Versions recorded in run.json, read from the installed package manifests. */
export function versions(): Record<string, string> {
  const v = (name: string): string => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return { glimmer: ownVersion(), tfjs: v('@tensorflow/tfjs'), 'tfjs-backend-wasm': v('@tensorflow/tfjs-backend-wasm'), node: process.versions.node };
}
