/**
 * The reconcile run behind `npm run reconcile` and `nps reconcile`: recomputes every NPS aggregate
 * from the raw answers and prints the drift (it must be 0). It reads the tables directly — every
 * answer and every counter item, more than one API request may read — so it needs table access:
 * DynamoDB Local on DDB_PORT (default 8000, as `npm start` runs it) unless DYNAMODB_ENDPOINT is
 * set, or, with `aws`, AWS credentials and region from the environment and TABLE_NAME /
 * AGGREGATES_TABLE_NAME as deployed.
 */
export interface ReconcileOptions {
  fix: boolean;
  aws: boolean;
}

/** Exit codes: 0 no drift (or fixed), 1 drift found, 2 the reconcile could not run. */
export const runReconcile = async (
  options: ReconcileOptions,
  out: { log: (line: string) => void; error: (line: string) => void } = console,
): Promise<number> => {
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
  if (!options.aws) defaults.DYNAMODB_ENDPOINT = `http://127.0.0.1:${process.env.DDB_PORT || 8000}`;
  // Set before the shared config is first read (below): it reads the environment once.
  for (const [k, v] of Object.entries(defaults)) process.env[k] ??= v;

  try {
    const { config } = await import('../shared/config.ts');
    const { reconcile } = await import('../shared/rollup/reconcile.ts');
    const { rollupScopeOf } = await import('../shared/rollup/counters.ts');
    const report = await reconcile(rollupScopeOf(config()), { fix: options.fix });
    for (const d of report.drift.slice(0, 20)) {
      out.log(`drift ${d.pk} ${d.sk} ${d.field}: expected ${d.expected}, found ${d.actual}`);
    }
    if (report.drift.length > 20) out.log(`… and ${report.drift.length - 20} more`);
    out.log(
      `reconcile: ${report.responses} responses, ${report.items} counter items, drift ${report.totalDrift}` +
        (report.undeclared ? `, ${report.undeclared} items of undeclared dimensions` : '') +
        (report.obsolete ? `, ${report.obsolete} items of windows now summed from days` : '') +
        (options.fix ? `, fixed ${report.fixed} items` : ''),
    );
    return report.totalDrift === 0 || options.fix ? 0 : 1;
  } catch (err: unknown) {
    const message = err instanceof Error ? err.message : String(err);
    out.error(
      `reconcile failed: ${message}${/ECONNREFUSED/.test(message) ? ' — is `npm start` running?' : ''}`,
    );
    return 2;
  }
};
