import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../email/escape.ts';

export interface Page {
  html: string;
  /** Content-Security-Policy allowing only this page's own inline script. */
  csp: string;
}

const newNonce = (): string => randomBytes(16).toString('base64');

const STYLE = `
body{margin:0;background:#f6f8fa;font:16px/1.5 system-ui,sans-serif;color:#1f2328}
main{max-width:620px;margin:40px auto;background:#fff;border-radius:10px;padding:28px;box-shadow:0 1px 3px #0002}
h1{font-size:21px;margin-top:0}
.scale{display:flex;flex-wrap:wrap;gap:6px;margin:16px 0}
.scale label{cursor:pointer}
.scale input{position:absolute;opacity:0}
.scale span{display:inline-block;width:40px;line-height:40px;text-align:center;border:1px solid #8c959f;border-radius:6px;font-weight:bold}
.scale input:checked+span{background:#0969da;color:#fff;border-color:#0969da}
.scale input:focus-visible+span{outline:2px solid #0969da;outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:13px;color:#57606a}
textarea{width:100%;min-height:100px;box-sizing:border-box;font:inherit;padding:8px}
button{font:inherit;padding:8px 18px;border-radius:6px;border:0;background:#0969da;color:#fff;cursor:pointer;margin-top:10px}
.muted{color:#57606a;font-size:14px}
.error{color:#cf222e}
main.wide{max-width:1200px}
table{border-collapse:collapse;width:100%;font-size:14px;margin-bottom:16px}
th,td{border-bottom:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
main.wide button{margin:0;padding:4px 10px;font-size:13px}
`;

export const layout = (opts: {
  title: string;
  lang?: string | undefined;
  body: string;
  script?: string;
  wide?: boolean;
  /** A library the page script uses, inlined under the same nonce: its code and its stylesheet. */
  library?: { script: string; css: string };
}): Page => {
  const nonce = newNonce();
  const script = [opts.library?.script, opts.script]
    .filter(Boolean)
    .map((code) => `<script nonce="${nonce}">${code}</script>`)
    .join('\n');
  return {
    html: `<!doctype html>
<html lang="${escapeHtml(opts.lang ?? 'en')}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(opts.title)}</title>
<style nonce="${nonce}">${opts.library?.css ?? ''}${STYLE}</style></head>
<body><main${opts.wide ? ' class="wide"' : ''}>${opts.body}</main>${script}</body></html>`,
    csp: `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  };
};
