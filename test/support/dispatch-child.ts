/**
 * A campaign run's dispatch in a process of its own, so that a test can kill it mid-run (SIGKILL:
 * no finally, no flush) as a Lambda dies. Takes the stack's settings from the environment it
 * inherits. Usage: node dispatch-child.ts <campaignId> <runId>
 */
import { dispatchRun } from '../../shared/campaigns/dispatch.ts';

const [campaignId, runId] = process.argv.slice(2);
if (!campaignId || !runId) throw new Error('usage: dispatch-child.ts <campaignId> <runId>');
await dispatchRun(campaignId, runId);
