import { type HttpEvent, httpHandler, pathParam } from '#shared/http/handler';
import { noteScannerFetch } from '#shared/survey/honeypot';

/**
 * GET /s/{token}/check — the survey email's honeypot link (hidden from people; followed by mail
 * scanners that open every link). Notes the scanner on the invite; never records a score.
 */
const recordScan = async (event: HttpEvent) => {
  await noteScannerFetch(pathParam(event, 'token'));
  return { statusCode: 204, headers: { 'cache-control': 'no-store', 'x-robots-tag': 'noindex' } };
};

export const handler = httpHandler(recordScan);
