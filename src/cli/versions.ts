import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Versions recorded in run.json, read from the installed package manifests. */
export function versions(): Record<string, string> {
  const v = (name: string): string => {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return { glimmer: v('glimmer-ppl'), tfjs: v('@tensorflow/tfjs'), 'tfjs-backend-wasm': v('@tensorflow/tfjs-backend-wasm'), node: process.versions.node };
}
