#!/usr/bin/env node
/**
 * nps — the nps-loop admin API from a terminal: imports, campaigns, the NPS report, exports.
 *
 * This file is the command line itself (commands, options, help); each command's work is in
 * cli/commands/, loaded when the command runs, and every rule it checks is shared/'s. It talks to
 * `npm start` or a deployed stack over HTTP (NPS_API_URL, NPS_ADMIN_KEY), as any client would.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, unexpectedErrorLine } from './errors.ts';
import { type ApiClient, apiClient, DEFAULT_API_URL } from './http.ts';
import { processOutput } from './output.ts';

// `npm run nps -- customers import file.csv` runs in the package's directory, whatever directory
// the command was typed in: npm passes that one as INIT_CWD, and file names are read from there.
if (process.env.npm_lifecycle_event === 'nps' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const out = processOutput();

const wholeNumber =
  (name: string, min: number, max: number) =>
  (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };

const collect = (value: string, previous: string[] = []) => [...previous, value];

const program = new Command('nps')
  .description('The nps-loop admin API from a terminal: imports, campaigns, the NPS report and exports.')
  .addOption(
    new Option('--api-url <url>', 'the API: `npm start` (the default) or a deployed one')
      .env('NPS_API_URL')
      .default(DEFAULT_API_URL),
  )
  .addOption(
    new Option(
      '--admin-key <key>',
      'the admin bearer key (`npm start` prints it; deployed: the admin key secret)',
    ).env('NPS_ADMIN_KEY'),
  )
  .showHelpAfterError('(nps --help shows the commands)')
  .addHelpText(
    'after',
    `
Environment:
  NPS_API_URL     the API's base URL (default ${DEFAULT_API_URL}, where \`npm start\` listens)
  NPS_ADMIN_KEY   the admin key; --admin-key overrides it
  NPS_DEBUG=1     print the stack of an unexpected error

Every error is one line on stderr, with exit code 1.`,
  );

/** The API client of the global options, made when a command first needs it. */
const apiOf = (command: Command) => {
  let client: ApiClient | undefined;
  return (): ApiClient => {
    const { apiUrl, adminKey } = command.optsWithGlobals<{ apiUrl: string; adminKey?: string }>();
    client ??= apiClient({ baseUrl: apiUrl, adminKey });
    return client;
  };
};

// --- imports --------------------------------------------------------------------------------------

const IMPORT_HELP = `
The whole file is checked first, by the API's own rules, and nothing is imported when a row is
bad: the report names each bad row by its line. The file is then read again and sent in batches
(a request each). A batch is atomic on the server, the import as a whole is not: when a batch
fails, the batches before it are saved and the rest are not. Running the import again is safe —
customers are upserted by id, and a purchase is recorded once by its purchaseId (sent again as it
is, it is counted unchanged; with another body, corrected). Progress is a bar on a terminal, a
line per batch otherwise.`;

const importCommand = (noun: 'customers' | 'purchases', columns: string) =>
  new Command('import')
    .description(`import ${noun} from a CSV file (${columns})`)
    .argument('<file>', 'the CSV file')
    .option(
      '--batch-size <n>',
      'rows per request (default and most: 1000)',
      wholeNumber('--batch-size', 1, 1000),
    )
    .option('--dry-run', 'check the file and send nothing')
    .addHelpText('after', IMPORT_HELP)
    .action(async (file: string, options: { batchSize?: number; dryRun?: boolean }, command: Command) => {
      const commands = await import('./commands/import.ts');
      const run = noun === 'customers' ? commands.importCustomers : commands.importPurchases;
      await run(file, options, apiOf(command), out);
    });

program
  .command('customers')
  .description('import customers')
  .addCommand(
    importCommand(
      'customers',
      'id,email,name,locale,ownerId and any attribute columns; `timezone` places the send window',
    ),
  );

program
  .command('purchases')
  .description('import purchases')
  .addCommand(importCommand('purchases', 'purchaseId,customerId,date,amount,quantity,productId'));

// --- campaigns ------------------------------------------------------------------------------------

const campaigns = program.command('campaigns').description('create, list, send and follow campaigns');

campaigns
  .command('create')
  .description('create a campaign, or replace the one with that id')
  .option('--file <campaign.json>', 'the campaign as JSON (POST /api/campaigns); flags given override it')
  .option('--id <id>', 'its id (default: one is made)')
  .option('--name <name>', 'its name')
  .option('--brand <brand>', 'the brand the email names')
  .option('--question <text>', 'the question, instead of the standard one')
  .option(
    '--schedule <expression>',
    'when it runs: "0 9 * * 1" (cron), "rate(30 days)", or once "2026-12-01T09:00"',
  )
  .option('--timezone <zone>', "the schedule's IANA time zone (default: the account's)")
  .option(
    '--audience <attr=value>',
    'who: tier=key, region=emea,apac (one of), status!=churned (none of); repeatable',
    collect,
  )
  .option(
    '--fatigue-days <n>',
    'nobody surveyed by any campaign within n days (default 90)',
    wholeNumber('--fatigue-days', 0, 365),
  )
  .option(
    '--reminder-days <n>',
    'one reminder to whoever has not answered after n days',
    wholeNumber('--reminder-days', 1, 60),
  )
  .action(async (options, command: Command) => {
    const { createCampaign } = await import('./commands/campaigns.ts');
    await createCampaign(options, apiOf(command), out);
  });

campaigns
  .command('list')
  .description('every campaign')
  .option('--json', 'the campaigns as the API gives them')
  .action(async (options: { json?: boolean }, command: Command) => {
    const { listCampaigns } = await import('./commands/campaigns.ts');
    await listCampaigns(options, apiOf(command), out);
  });

campaigns
  .command('send')
  .description('start a run of the campaign and follow it until every recipient is settled')
  .argument('<id>', 'the campaign')
  .option('--no-wait', 'return once the run is started')
  .option(
    '--timeout <seconds>',
    'stop following after this long (exit 1)',
    wholeNumber('--timeout', 1, 86_400),
  )
  .addHelpText(
    'after',
    `
Following stops early, saying why, when the run is paused (its complaint or bounce rate) or when
the only recipients left wait for their send window. Ctrl-C stops following, not the run.`,
  )
  .action(async (id: string, options: { wait: boolean; timeout?: number }, command: Command) => {
    const { sendCampaign } = await import('./commands/campaigns.ts');
    await sendCampaign(id, options, apiOf(command), out);
  });

campaigns
  .command('status')
  .description("a campaign and its runs, or one run: its recipients' progress and who got no email, and why")
  .argument('<id>', 'the campaign')
  .argument('[runId]', 'one of its runs')
  .option('--json', 'as the API gives it')
  .action(async (id: string, runId: string | undefined, options: { json?: boolean }, command: Command) => {
    const { campaignStatus } = await import('./commands/campaigns.ts');
    await campaignStatus(id, runId, options, apiOf(command), out);
  });

// --- report and exports ---------------------------------------------------------------------------

program
  .command('report')
  .description('NPS period by period: interval, answers by class, and the change against the period before')
  .option('--segment <segment>', 'all, attr:value (tier:key), owner:<id> or campaign:<id>', 'all')
  .option('--window <window>', 'day, week, month, quarter or all', 'month')
  .option('--from <date>', 'first date, YYYY-MM-DD (default: a year before --to)')
  .option('--to <date>', 'last date, YYYY-MM-DD (default: today)')
  .option('--json', 'the figures as JSON')
  .action(async (options, command: Command) => {
    const { report } = await import('./commands/report.ts');
    await report(options, apiOf(command), out);
  });

program
  .command('export')
  .description('every response or case, as CSV (safe to open in a spreadsheet) or JSON')
  .argument('<what>', 'responses or cases')
  .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
  .option('--out <file>', 'write to this file (default: stdout)')
  .option('--segment <segment>', 'responses of one segment (tier:key, campaign:<id>, …)')
  .option('--from <date>', 'responses from this date, YYYY-MM-DD')
  .option('--to <date>', 'responses up to this date, YYYY-MM-DD')
  .option('--provisional', "the answers held apart as mail scanners'")
  .option('--status <status>', 'cases of one status: open, acknowledged, contacted, resolved')
  .addHelpText(
    'after',
    `
CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
return) are written with a leading ' so they show as text. JSON has every field of each item; CSV
the usual columns, lists joined by "; " and objects (attributes, notes) as JSON text.`,
  )
  .action(async (what: string, options, command: Command) => {
    const { exportListing } = await import('./commands/export.ts');
    await exportListing(what, options, apiOf(command), out);
  });

// --- reconcile ------------------------------------------------------------------------------------

program
  .command('reconcile')
  .description('recompute every NPS aggregate from the raw answers and print the drift (npm run reconcile)')
  .option('--fix', 'write the recomputed counters where they drifted')
  .option('--aws', 'the deployed tables (AWS credentials and region, TABLE_NAME, AGGREGATES_TABLE_NAME)')
  .addHelpText(
    'after',
    `
Unlike every other command, reconcile talks to the tables, not to the API: it reads every answer
and every counter item, far more than one API request may read in its 10 s, and it is a repair
tool no admin key should reach over HTTP. So it needs table access: DynamoDB Local on DDB_PORT
(8000, as \`npm start\` runs it; DYNAMODB_ENDPOINT overrides), or with --aws the deployed tables.
--api-url and --admin-key are not used. Exit codes: 0 no drift (or fixed), 1 drift, 2 it could not
run.`,
  )
  .action(async (options: { fix?: boolean; aws?: boolean }) => {
    const { reconcile } = await import('./commands/reconcile.ts');
    process.exitCode = await reconcile({ fix: options.fix === true, aws: options.aws === true }, out);
  });

// A reader that goes away (`nps export responses | head`) is no error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err: unknown) {
  if (err instanceof CliError) {
    process.stderr.write(`nps: ${err.message}\n`);
    for (const line of err.details) process.stderr.write(`${line}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`nps: ${unexpectedErrorLine(err)}\n`);
    if (process.env.NPS_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  }
}
