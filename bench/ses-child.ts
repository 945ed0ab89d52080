/**
 * The local SES in a process of its own, for bench:send: it keeps every email it is sent, and the
 * benchmark's peak memory is the sending side's, not the inbox's. Prints `ready <port>` when it
 * listens; stops when its parent closes its stdin.
 */
import { freePort } from '../local/ports.ts';
import { startSes } from '../local/ses.ts';

const ses = await startSes(await freePort());
process.stdout.write(`ready ${ses.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void ses.stop().then(() => process.exit(0)));
