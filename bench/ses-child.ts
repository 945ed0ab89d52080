/**
 * The local SES in a process of its own, for bench:send, so the benchmark's peak memory is the
 * sending side's, not the inbox's. It does not keep the emails: every second it takes what the
 * local SES stored (splice: an email stored meanwhile stays for the next take) and tallies them by
 * recipient — at 100,000 emails the store itself, kept whole, outgrows what one JSON answer of
 * `/store` can hold (V8's longest string), and a gigabyte of memory. Prints `ready <url>` when it
 * listens; on stdin, `count` answers `count {"emails":n,"duplicates":d}` and `reset` starts the
 * tally afresh (answering `reset`); stops when its parent closes its stdin.
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { freePort } from '../local/ports.ts';
import { startSes } from '../local/ses.ts';

interface Stored {
  destination?: { to?: string[] };
}
const { getStoreReadonly } = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as {
  getStoreReadonly: () => { emails: Stored[] };
};

const perRecipient = new Map<string, number>();
let emails = 0;
const take = () => {
  for (const email of getStoreReadonly().emails.splice(0)) {
    const to = email.destination?.to?.[0] ?? '';
    perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    emails++;
  }
};
setInterval(take, 1000).unref();

const ses = await startSes(await freePort());
process.stdout.write(`ready ${ses.url}\n`);
const commands = createInterface({ input: process.stdin });
commands.on('line', (line) => {
  take();
  if (line === 'reset') {
    perRecipient.clear();
    emails = 0;
    process.stdout.write('reset\n');
  } else if (line === 'count') {
    process.stdout.write(`count ${JSON.stringify({ emails, duplicates: emails - perRecipient.size })}\n`);
  }
});
commands.on('close', () => void ses.stop().then(() => process.exit(0)));
