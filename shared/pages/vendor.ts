import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * uPlot (MIT, ~50 KB, no dependencies) draws the dashboard's trend chart. It is inlined into the
 * page under the page's CSP nonce — no extra route, no CDN. The Lambda bundle carries exactly these
 * files next to the code (the dashboard's `bundleFiles` in the CDK stack), so the same lookup works
 * on AWS and locally.
 */
export const CHART_FILES = ['uplot/dist/uPlot.iife.min.js', 'uplot/dist/uPlot.min.css'] as const;

const require = createRequire(import.meta.url);
let chart: { script: string; css: string } | undefined;

export const chartLibrary = (): { script: string; css: string } => {
  chart ??= {
    script: readFileSync(require.resolve(CHART_FILES[0]), 'utf8'),
    css: readFileSync(require.resolve(CHART_FILES[1]), 'utf8'),
  };
  return chart;
};

/**
 * The pages' own browser code, bundled by scripts/build-browser.ts. It sits beside this module in
 * the repository (`browser/dist/`) and beside the handler in a Lambda bundle (the CDK copies it
 * there), so one relative lookup serves both.
 */
export const BROWSER_BUNDLE_DIR = 'browser/dist';

const scripts = new Map<string, string>();

export const browserScript = (name: 'dashboard'): string => {
  let code = scripts.get(name);
  if (code === undefined) {
    code = readFileSync(new URL(`./${BROWSER_BUNDLE_DIR}/${name}.js`, import.meta.url), 'utf8');
    scripts.set(name, code);
  }
  return code;
};
