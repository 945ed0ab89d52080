/**
 * npm run reconcile [-- --fix] [-- --aws]
 * Recomputes every NPS aggregate from the raw answers and prints the drift (it must be 0); see
 * scripts/reconcile-run.ts for what it reads and where (`nps reconcile` runs the same).
 */
import { parseArgs } from 'node:util';
import { runReconcile } from './reconcile-run.ts';

const { values } = parseArgs({
  options: { fix: { type: 'boolean', default: false }, aws: { type: 'boolean', default: false } },
});

process.exitCode = await runReconcile(values);
