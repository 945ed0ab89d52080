/**
 * Bundles the pages' browser code (shared/pages/browser/*.ts) into one script each, with esbuild:
 * `shared/pages/browser/dist/<name>.js`, which the page functions inline under their CSP nonce.
 * Run before anything serves a page — `npm start`, the test run, `cdk synth` — so the three always
 * serve what the source says. Takes ~50 ms; `node scripts/build-browser.ts` runs it alone.
 */
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const BROWSER_DIR = fileURLToPath(new URL('../shared/pages/browser/', import.meta.url));
export const BROWSER_SCRIPTS = ['dashboard'] as const;

export const buildBrowserScripts = (): void => {
  buildSync({
    entryPoints: BROWSER_SCRIPTS.map((name) => `${BROWSER_DIR}${name}.ts`),
    outdir: `${BROWSER_DIR}dist`,
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
};

if (process.argv[1] === fileURLToPath(import.meta.url)) buildBrowserScripts();
