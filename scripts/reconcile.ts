/**
 * npm run reconcile [-- --fix]
 * Recomputes every NPS aggregate from the raw answers and prints the drift (it must be 0).
 * Targets the local stack (DynamoDB Local on DDB_PORT, default 8000, as `npm start` runs it) unless
 * DYNAMODB_ENDPOINT is set, or --aws is given (then AWS credentials/region from the environment and
 * TABLE_NAME / AGGREGATES_TABLE_NAME as deployed).
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { fix: { type: 'boolean', default: false }, aws: { type: 'boolean', default: false } },
});

const defaults: Record<string, string> = {
  TABLE_NAME: 'nps-loop',
  AGGREGATES_TABLE_NAME: 'nps-loop-aggregates',
  TIME_ZONE: process.env.NPS_TIME_ZONE ?? 'UTC',
  // Settings the reconcile never uses, which the shared config nevertheless validates.
  PUBLIC_URL: 'http://127.0.0.1',
  SENDER_EMAIL: 'reconcile@nps-loop.example',
  DISPATCH_FUNCTION_NAME: 'unused',
  SENDER_FUNCTION_NAME: 'unused',
  TOKEN_KEY: 'unused-by-reconcile-unused-by-reconcile',
  ADMIN_KEY: 'unused-by-reconcile',
};
if (!values.aws) defaults.DYNAMODB_ENDPOINT = `http://127.0.0.1:${process.env.DDB_PORT || 8000}`;
for (const [k, v] of Object.entries(defaults)) process.env[k] ??= v;

const { config } = await import('../shared/config.ts');
const { reconcile } = await import('../shared/rollup/reconcile.ts');
const { rollupScopeOf } = await import('../shared/rollup/counters.ts');

try {
  const report = await reconcile(rollupScopeOf(config()), { fix: values.fix });
  for (const d of report.drift.slice(0, 20)) {
    console.log(`drift ${d.pk} ${d.sk} ${d.field}: expected ${d.expected}, found ${d.actual}`);
  }
  if (report.drift.length > 20) console.log(`… and ${report.drift.length - 20} more`);
  console.log(
    `reconcile: ${report.responses} responses, ${report.items} counter items, drift ${report.totalDrift}` +
      (report.undeclared ? `, ${report.undeclared} items of undeclared dimensions` : '') +
      (report.obsolete ? `, ${report.obsolete} items of windows now summed from days` : '') +
      (values.fix ? `, fixed ${report.fixed} items` : ''),
  );
  process.exitCode = report.totalDrift === 0 || values.fix ? 0 : 1;
} catch (err: unknown) {
  const message = err instanceof Error ? err.message : String(err);
  console.error(
    `reconcile failed: ${message}${/ECONNREFUSED/.test(message) ? ' — is `npm start` running?' : ''}`,
  );
  process.exitCode = 2;
}
