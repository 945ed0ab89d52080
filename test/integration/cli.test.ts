import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/ports.ts';
import { adminFetch, postAnswer, sesEmails, tokenOf, useLocalStack } from '../support/local-stack.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI as its users run it: `node cli/nps.ts …` in a child process, talking HTTP to the test's
 * stack, stdout a pipe (no TTY: plain progress lines, no bar). Every child is killed after its test.
 */
describe('nps, the CLI', () => {
  const stack = useLocalStack();
  const children = new Set<ChildProcess>();
  const dir = mkdtempSync(join(tmpdir(), 'nps-cli-it-'));

  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const nps = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      const { NPS_DEBUG: _debug, ...inherited } = process.env;
      const child = spawn(process.execPath, ['cli/nps.ts', ...args], {
        cwd: ROOT,
        env: { ...inherited, NPS_API_URL: stack().url, NPS_ADMIN_KEY: stack().adminKey, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      child.on('error', reject);
      child.on('close', (code) => {
        children.delete(child);
        resolve({ code, stdout, stderr });
      });
    });

  let files = 0;
  const csvFile = (lines: string[]) => {
    const path = join(dir, `import-${++files}.csv`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  /** One line on stderr, no stack trace. */
  const expectOneLineError = (run: CliRun) => {
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^nps: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  };

  // Two answered surveys of one campaign, for the report and the export.
  const ANSWERS = 'cli-answers';
  beforeAll(async () => {
    const customers = [
      { id: 'ans-1', email: 'ans-1@example.com', attributes: { cohort: ANSWERS } },
      { id: 'ans-2', email: 'ans-2@example.com', attributes: { cohort: ANSWERS } },
    ];
    expect((await adminFetch(stack(), 'POST', '/api/customers', customers)).status).toBe(200);
    await adminFetch(stack(), 'POST', '/api/campaigns', {
      id: ANSWERS,
      name: 'Answers',
      audience: { cohort: ANSWERS },
    });
    await adminFetch(stack(), 'POST', `/api/campaigns/${ANSWERS}/send`);
    await stack().settle();
    const emails = await sesEmails(stack());
    const tokenFor = (address: string) => {
      const email = emails.find((e) => e.destination.to.includes(address));
      if (!email) throw new Error(`no survey email to ${address}`);
      return tokenOf(email);
    };
    // A comment a spreadsheet would run as a formula, and one that needs quoting.
    const answers = [
      ['ans-1@example.com', { score: 10, comment: '=HYPERLINK("http://evil.example","x")' }],
      ['ans-2@example.com', { score: 3, comment: 'slow, "late" delivery' }],
    ] as const;
    for (const [address, answer] of answers) {
      expect((await postAnswer(stack(), tokenFor(address), answer)).status).toBe(200);
    }
    await stack().settle();
  });

  it('imports a good customers file in batches and prints the totals the API returned', async () => {
    const file = csvFile([
      'id,email,name,tier',
      'imp-1,imp-1@example.com,Ann,key',
      'imp-2,imp-2@example.com,Bob,std',
      'imp-3,imp-3@example.com,"Fox, Cat",key',
    ]);
    const run = await nps(['customers', 'import', file, '--batch-size', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Not a terminal: a plain line per batch, then the totals.
    expect(run.stdout.trim().split('\n')).toEqual([
      'customers: 2/3 rows sent',
      'customers: 3/3 rows sent',
      expect.stringMatching(/^imported 3 customers from import-\d+\.csv in 2 batches: 3 upserted$/),
    ]);
    const saved = await adminFetch(stack(), 'GET', '/api/customers/imp-3');
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ name: 'Fox, Cat', attributes: { tier: 'key' } });
  });

  it('imports purchases, and importing the same file again changes nothing', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [{ id: 'buyer-1', email: 'buyer-1@example.com' }]);
    const file = csvFile([
      'purchaseId,customerId,date,amount,quantity,productId',
      'cli-p1,buyer-1,2026-01-05,19.90,1,sku-1',
      'cli-p2,buyer-1,2026-01-06,5,2,sku-2',
    ]);
    const first = await nps(['purchases', 'import', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/in 1 batch: 2 recorded, 0 corrected, 0 unchanged\n$/);
    const again = await nps(['purchases', 'import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/in 1 batch: 0 recorded, 0 corrected, 2 unchanged\n$/);
  });

  it('refuses a file with a bad row: exit 1, the report names its line, and nothing is imported', async () => {
    const file = csvFile([
      'id,email,name',
      'bad-file-ok,bad-file-ok@example.com,Fine',
      'bad-file-2,not-an-email,Broken',
    ]);
    const run = await nps(['customers', 'import', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')).toEqual([
      expect.stringMatching(
        /^nps: import-\d+\.csv: 1 row is not valid \(of 2 customers\) — nothing imported$/,
      ),
      '  line 3: email: Invalid email address',
      '',
    ]);
    expect((await adminFetch(stack(), 'GET', '/api/customers/bad-file-ok')).status).toBe(404);
  });

  it('says in one line that the admin key is wrong', async () => {
    const run = await nps(['campaigns', 'list'], { NPS_ADMIN_KEY: 'not-the-admin-key-of-this-stack' });
    expectOneLineError(run);
    expect(run.stderr).toBe(
      'nps: the API refused the admin key (401: The admin key is not valid.) — check NPS_ADMIN_KEY or --admin-key\n',
    );
  });

  it('says in one line that the API cannot be reached', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await nps(['report'], { NPS_API_URL: url });
    expectOneLineError(run);
    expect(run.stderr).toBe(
      `nps: cannot reach the API at ${url}: connection refused — is \`npm start\` running? (set NPS_API_URL or --api-url)\n`,
    );
  });

  it("prints an API refusal's own message in one line", async () => {
    const run = await nps(['campaigns', 'status', 'no-such-campaign']);
    expectOneLineError(run);
    expect(run.stderr).toBe('nps: campaign not found (404 not_found)\n');
  });

  it('creates, lists and sends a campaign, following the run until it is settled', async () => {
    await adminFetch(stack(), 'POST', '/api/customers', [
      { id: 'send-1', email: 'send-1@example.com', attributes: { cohort: 'cli-send' } },
      { id: 'send-2', email: 'send-2@example.com', attributes: { cohort: 'cli-send' } },
    ]);
    const created = await nps([
      'campaigns',
      'create',
      '--id',
      'cli-send',
      '--name',
      'CLI send',
      '--brand',
      'Acme',
      '--audience',
      'cohort=cli-send',
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe(
      'campaign cli-send saved, with no schedule: send it with `nps campaigns send cli-send`\n',
    );

    const listed = await nps(['campaigns', 'list']);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+brand\s+audience\s+schedule\s+next run$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^cli-send\s+CLI send\s+Acme\s+cohort=cli-send\s+—\s+—$/),
    );

    const sent = await nps(['campaigns', 'send', 'cli-send']);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    const runId = /^run (\S+) of campaign cli-send started$/m.exec(sent.stdout)?.[1];
    expect(runId).toBeDefined();
    expect(sent.stdout.trim().split('\n').at(-1)).toBe(
      `run ${runId} settled: 2 recipients: 2 sent, 0 suppressed, 0 failed`,
    );
    const run = await adminFetch(stack(), 'GET', `/api/campaigns/cli-send/runs/${runId}`);
    expect(run.body).toMatchObject({ status: 'sent', progress: { sent: 2, settled: true } });

    const status = await nps(['campaigns', 'status', 'cli-send']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(`^${runId}\\s+manual\\s+sent\\s+\\S+\\s+2\\s+2\\s+0\\s+0\\s+0\\s+yes$`, 'm'),
    );
  });

  it('prints the report as a table: NPS, interval, n, classes and the test against the days before', async () => {
    const run = await nps(['report', '--segment', `campaign:${ANSWERS}`, '--window', 'month']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const month = new Date().toISOString().slice(0, 7);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`NPS of campaign:${ANSWERS}, by month, ${month} to ${month}`);
    expect(lines[2]).toMatch(
      /^period\s+NPS\s+95 % interval\s+n\s+promoters\s+passives\s+detractors\s+vs previous\s+p\s+significant$/,
    );
    // One promoter, one detractor: NPS 0 on 2 answers (too few to read); nothing the month before.
    expect(lines[4]).toMatch(
      new RegExp(`^${month}\\s+0\\.0\\s+\\S+ to \\S+\\s+2\\*\\s+1\\s+0\\s+1\\s+—\\s+—\\s+—$`),
    );
    expect(run.stdout).toContain('* fewer than 30 answers: too few to read');
  });

  it('exports responses as CSV that a spreadsheet opens as text, to stdout or to a file', async () => {
    const run = await nps(['export', 'responses', '--format', 'csv', '--segment', `campaign:${ANSWERS}`]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('exported 2 responses\n');
    const records = run.stdout.split('\r\n');
    expect(records[0]).toBe(
      'respondedAt,score,comment,customerId,campaignId,ownerId,themes,attributes,firstAnsweredAt,version,inviteId',
    );
    expect(records).toHaveLength(4);
    expect(records.at(-1)).toBe('');
    const byCustomer = (id: string) => records.find((r) => r.includes(`,${id},`)) ?? '';
    expect(byCustomer('ans-1')).toMatch(
      /^\S+,10,"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",ans-1,cli-answers,/,
    );
    expect(byCustomer('ans-2')).toMatch(/^\S+,3,"slow, ""late"" delivery",ans-2,cli-answers,/);
    expect(byCustomer('ans-2')).toContain('""cohort"":""cli-answers""');

    const out = join(dir, 'responses.csv');
    const toFile = await nps(['export', 'responses', '--segment', `campaign:${ANSWERS}`, '--out', out]);
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(toFile.stderr).toBe(`exported 2 responses to ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(run.stdout);
  });
});
