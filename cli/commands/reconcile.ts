import { runReconcile } from '../../scripts/reconcile-run.ts';
import { eprintln, type Output, println } from '../output.ts';

/**
 * `nps reconcile`: `npm run reconcile`, in process, with the same options and exit codes. It talks
 * to the tables, not to the API (see the command's help for why).
 */
export const reconcile = async (options: { fix: boolean; aws: boolean }, out: Output): Promise<number> =>
  runReconcile(options, { log: (line) => println(out, line), error: (line) => eprintln(out, line) });
