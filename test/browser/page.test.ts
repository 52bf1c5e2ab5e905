import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { bundleBrowser } from '../../scripts/bundle_browser.mjs';
import { runCli } from '../cli/run_cli.js';
import { ROOT } from '../helpers.js';

// The browser bundle where it is meant to run: Debian's Chromium (npm test installs it when missing),
// driven by playwright-core (no browser download), on docs/examples/browser.html served from 127.0.0.1.
// The page compiles and fits with the bundle; its summary must be the CLI's, digit for digit.
const CHROMIUM = '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.glmm': 'text/plain', '.csv': 'text/csv', '.gz': 'application/gzip', '.wasm': 'application/wasm' };

let server: Server;
let base: string;
let browser: Browser;
const bundle = mkdtempSync(join(tmpdir(), 'glimmer-page-'));

/** The repository's files, with /dist/browser/ from a fresh build of the bundle. */
function serve(): Promise<string> {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = path.startsWith('/dist/browser/') ? join(bundle, path.slice('/dist/browser/'.length)) : join(ROOT, path);
    if (!file.startsWith(ROOT) && !file.startsWith(bundle)) return void res.writeHead(403).end();
    if (!existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
  }));
}

beforeAll(async () => {
  await bundleBrowser({ outdir: bundle });
  base = await serve();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  rmSync(bundle, { recursive: true, force: true });
});

/** The summary table `ppl infer` prints for the same model, data and seed. */
async function cliTable(model: string, args: readonly string[]): Promise<string> {
  const r = await runCli(['infer', `${ROOT}${model}`, ...args]);
  expect(r.code).toBe(0);
  const lines = r.out.split('\n');
  const start = lines.findIndex((l) => l.startsWith('name'));
  const end = lines.indexOf('', start);
  return lines.slice(start, end).join('\n');
}

describe('the browser bundle in Chromium', () => {
  it('docs/examples/browser.html fits the eight schools on load, as the CLI does', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/docs/examples/browser.html`);
    // Expressions as text: they run in the page (this project's TypeScript has no DOM types).
    await page.waitForFunction("!document.getElementById('summary').textContent.startsWith('fitting')", undefined, { timeout: 60_000 });
    const shown = await page.textContent('#summary');
    expect(errors).toEqual([]);
    expect(shown).toBe(await cliTable('models/eight_schools_nc.glmm', ['--engine', 'laplace', '--seed', '1']));
    await page.close();
  }, 90_000);

  it('fits the ZEB2 model (68,627 rows, gzipped data) to the CLI\'s digits', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/docs/examples/browser.html`);
    await page.waitForFunction("'glimmerFit' in window");
    const shown = await page.evaluate("glimmerFit('/models/zeb2.glmm', '/models/zeb2.csv.gz', { engine: 'laplace', seed: 7 })");
    expect(shown).toBe(await cliTable('models/zeb2.glmm', ['--engine', 'laplace', '--seed', '7']));
    await page.close();
  }, 180_000);
});
