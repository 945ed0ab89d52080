/**
 * npm run cost [-- --template cdk.out/NpsLoop.template.json] [-- --results bench/results]
 *              [-- --detractors 0.25]
 *
 * The stack's monthly cost on AWS list prices, as a table: idle (no traffic), per 1,000 answers (at a
 * busy rate and one at a time) and per 1,000 survey emails. Resources are counted from the template
 * `npm run synth` writes; rates of use come from the newest benchmark results, and from the code
 * path where no benchmark measures them (scripts/cost/usage.ts). Nothing here calls AWS.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SEGMENT_DIMENSIONS } from '../shared/nps/segments.ts';
import { readBenchFigures } from './cost/benches.ts';
import { estimate } from './cost/estimate.ts';
import { PRICES } from './cost/prices.ts';
import { render } from './cost/render.ts';
import { type CfnTemplate, templateFacts } from './cost/template.ts';
import { ASSUMPTIONS } from './cost/usage.ts';

const ROOT = new URL('../', import.meta.url).pathname;

const { values } = parseArgs({
  options: {
    template: { type: 'string' },
    results: { type: 'string', default: join(ROOT, 'bench', 'results') },
    detractors: { type: 'string' },
  },
});

/** The stack template of the last synth: the one `*.template.json` in cdk.out. */
const defaultTemplate = (): string => {
  const dir = join(ROOT, 'cdk.out');
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.template.json'));
  } catch {
    // No cdk.out at all: said below.
  }
  if (names.length !== 1 || !names[0]) {
    throw new Error(
      names.length === 0
        ? 'no template in cdk.out: run npm run synth first (or pass --template)'
        : `several templates in cdk.out (${names.join(', ')}): pass --template`,
    );
  }
  return join(dir, names[0]);
};

try {
  const templateFile = values.template ?? defaultTemplate();
  const assumptions = { ...ASSUMPTIONS };
  if (values.detractors !== undefined) {
    const share = Number(values.detractors);
    if (!(share >= 0 && share <= 1)) throw new Error('--detractors is a share of answers, 0 to 1');
    assumptions.detractorShare = share;
  }
  const facts = templateFacts(JSON.parse(readFileSync(templateFile, 'utf8')) as CfnTemplate);
  const benches = readBenchFigures(values.results);
  const shown = (file: string) => (file.startsWith(ROOT) ? relative(ROOT, file) : file);
  for (const b of [benches.rollup, benches.send, benches.alerts]) if (b) b.file = shown(b.file);
  const result = estimate({
    facts,
    benches,
    assumptions,
    defaultSegmentDimensions: DEFAULT_SEGMENT_DIMENSIONS,
  });
  console.log(
    render({
      estimate: result,
      facts,
      benches,
      assumptions,
      prices: PRICES,
      templateFile: shown(templateFile),
      templateWritten: statSync(templateFile).mtime,
    }),
  );
} catch (err: unknown) {
  console.error(`cost: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
