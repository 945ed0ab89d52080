import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { checkPage } from '../answers.ts';
import { csvHeader, csvRecord } from '../csv-out.ts';
import { CliError, fileError } from '../errors.ts';
import type { ApiClient, Query } from '../http.ts';
import { eprintln, type Output, writeChunk } from '../output.ts';

/**
 * `nps export responses|cases`: every item of the listing, a page at a time with its cursor, written
 * as it arrives (never the whole listing in memory) — as JSON, every field, or as CSV, the columns
 * below. `--out` writes a file next to the target and renames it when complete, so a failed export
 * never leaves half a file under the name asked for.
 */
export const EXPORTS = ['responses', 'cases'] as const;
export type ExportName = (typeof EXPORTS)[number];
export const FORMATS = ['csv', 'json'] as const;

/** CSV columns: the listing's fields (shared/store/schemas.ts), those a spreadsheet reader wants first. */
export const COLUMNS = {
  responses: [
    'respondedAt',
    'score',
    'comment',
    'customerId',
    'campaignId',
    'ownerId',
    'themes',
    'attributes',
    'firstAnsweredAt',
    'version',
    'inviteId',
  ],
  provisional: [
    'heldAt',
    'score',
    'comment',
    'reason',
    'status',
    'submissions',
    'customerId',
    'campaignId',
    'ownerId',
    'attributes',
    'updatedAt',
    'confirmedAt',
    'inviteId',
  ],
  cases: [
    'caseId',
    'status',
    'priority',
    'score',
    'comment',
    'customerId',
    'ownerId',
    'tier',
    'createdAt',
    'slaDueAt',
    'acknowledgedAt',
    'contactedAt',
    'resolvedAt',
    'outcome',
    'recovered',
    'recoveredAt',
    'escalatedAt',
    'escalatedTo',
    'routedBy',
    'attributes',
    'notes',
    'inviteId',
  ],
} as const;

export interface ExportOptions {
  format: string;
  out?: string;
  segment?: string;
  from?: string;
  to?: string;
  provisional?: boolean;
  status?: string;
}

const PAGE = 200;

/** The listing's items, page after page, until its cursor is null. */
async function* itemsOf(client: ApiClient, what: ExportName, query: Query) {
  let cursor: string | undefined;
  do {
    const body = await client.get(`/api/${what}`, { ...query, limit: PAGE, cursor });
    const page = checkPage(body, what, `GET /api/${what}`);
    yield page.items;
    cursor = page.cursor ?? undefined;
  } while (cursor);
}

export const exportListing = async (
  what: string,
  options: ExportOptions,
  api: () => ApiClient,
  out: Output,
) => {
  if (!(EXPORTS as readonly string[]).includes(what)) {
    throw new CliError(`nps export takes ${EXPORTS.join(' or ')}, got "${what}"`);
  }
  if (!(FORMATS as readonly string[]).includes(options.format)) {
    throw new CliError(`--format must be csv or json, got "${options.format}"`);
  }
  const name = what as ExportName;
  if (name === 'cases' && (options.segment || options.from || options.to || options.provisional)) {
    throw new CliError('--segment, --from, --to and --provisional filter responses; cases take --status');
  }
  if (name === 'responses' && options.status)
    throw new CliError('--status filters cases; responses take --segment, --from, --to');
  const query: Query =
    name === 'responses'
      ? {
          segment: options.segment,
          from: options.from,
          to: options.to,
          provisional: options.provisional || undefined,
        }
      : { status: options.status };
  const columns =
    name === 'cases' ? COLUMNS.cases : options.provisional ? COLUMNS.provisional : COLUMNS.responses;
  const client = api();

  const partial = options.out ? `${options.out}.partial-${process.pid}` : undefined;
  const file = partial ? createWriteStream(partial) : undefined;
  const target: NodeJS.WritableStream = file ?? out.stdout;
  // A file that cannot be opened fails here, with its name, before anything is asked of the API.
  if (file) {
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (err) => reject(fileError('write', options.out ?? '', err)));
    });
    // A later write error surfaces where it is awaited: a wait for 'drain', or finished() below.
    file.on('error', () => undefined);
  }
  let count = 0;
  try {
    await writeChunk(target, options.format === 'csv' ? csvHeader(columns) : '[');
    for await (const items of itemsOf(client, name, query)) {
      let chunk = '';
      for (const item of items) {
        chunk +=
          options.format === 'csv'
            ? csvRecord(columns, item)
            : `${count === 0 ? '' : ','}\n  ${JSON.stringify(item)}`;
        count++;
      }
      if (chunk) await writeChunk(target, chunk);
    }
    if (options.format === 'json') await writeChunk(target, count === 0 ? ']\n' : '\n]\n');
    if (file && partial && options.out) {
      file.end();
      await finished(file);
      const done = options.out;
      await rename(partial, done).catch((err: unknown) => {
        throw fileError('write', done, err);
      });
    }
  } catch (err: unknown) {
    if (file && partial) {
      file.destroy();
      await rm(partial, { force: true });
      // The file system's own errors (no space left, …) name the file asked for.
      if (!(err instanceof CliError) && typeof (err as { syscall?: unknown }).syscall === 'string') {
        throw fileError('write', options.out ?? partial, err);
      }
    }
    throw err;
  }
  eprintln(out, `exported ${count} ${name}${options.out ? ` to ${options.out}` : ''}`);
};
