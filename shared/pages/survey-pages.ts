import { escapeHtml, jsonForScript } from '../email/escape.ts';
import { type Messages, messagesFor, withBrand } from '../email/messages.ts';
import type { Invite, Response } from '../store/schemas.ts';
import { PAGE_TIMER_MS } from '../survey/scanner.ts';
import { layout, type Page } from './layout.ts';

const questionOf = (invite: Invite, m: Messages) =>
  invite.question ? withBrand(invite.question, invite.brand) : m.t('question', { brand: invite.brand });

/**
 * The survey page. A GET never records anything (mail scanners open every link). With script the
 * page posts the preselected score itself — on the first sign of a person (a pointer move, a
 * touch, a key, a wheel or scroll; a click on a score posts that score), or, when `timer` allows
 * it, after PAGE_TIMER_MS visible without one — saying how (`trigger`, see shared/survey/scanner.ts).
 * A timer post is followed by a person's post on their first sign, which confirms it. Without
 * script the person presses the button.
 */
export const surveyPage = (opts: {
  token: string;
  invite: Invite;
  preselected?: number | undefined;
  current?: Response | undefined;
  /** Whether the page may post the preselected score by timer (else only on a sign of a person). */
  timer?: boolean;
}): Page => {
  const m = messagesFor(opts.invite.locale);
  const selected = opts.preselected ?? opts.current?.score;
  const action = `/s/${encodeURIComponent(opts.token)}`;
  const radios = Array.from({ length: 11 }, (_, s) => {
    const checked = s === selected ? ' checked' : '';
    return `<label><input type="radio" name="score" value="${s}"${checked} required><span>${s}</span></label>`;
  }).join('');
  const body = `
<h1>${escapeHtml(questionOf(opts.invite, m))}</h1>
<form id="survey" method="post" action="${escapeHtml(action)}">
  <div class="scale" role="radiogroup">${radios}</div>
  <div class="ends"><span>0 = ${escapeHtml(m.t('notLikely'))}</span><span>10 = ${escapeHtml(m.t('veryLikely'))}</span></div>
  <p id="status" class="muted" role="status" aria-live="polite"></p>
  <p><label for="comment">${escapeHtml(m.t('commentPrompt'))}</label></p>
  <textarea id="comment" name="comment" maxlength="2000">${escapeHtml(opts.current?.comment ?? '')}</textarea>
  <button type="submit">${escapeHtml(m.t('submitScore'))}</button>
</form>`;
  const script = `
const form = document.getElementById('survey');
const status = document.getElementById('status');
const text = ${jsonForScript({ thanks: m.t('thanks'), recorded: m.t('recorded'), send: m.t('send') })};
const selected = () => form.querySelector('input[name=score]:checked');
async function send1(payload) {
  const res = await fetch(form.action, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(payload) });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body.error && body.error.message) || res.statusText);
  return body;
}
// One post at a time, in order: a person's post right after the timer's must reach the server
// after it, to confirm it.
let queue = Promise.resolve();
function post(payload) {
  const next = queue.then(() => send1(payload));
  queue = next.catch(() => undefined);
  return next;
}
function done() { status.textContent = text.thanks + ' ' + text.recorded; status.className = 'muted'; form.querySelector('button').textContent = text.send; }
function failed(err) { status.textContent = err.message; status.className = 'error'; }
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const score = selected();
  if (!score) return;
  sentBy = 'person';
  stopTimer();
  post({ score: Number(score.value), comment: form.comment.value, trigger: 'person' }).then(done, failed);
});
form.addEventListener('change', (event) => {
  if (event.target.name !== 'score') return;
  sentBy = 'person';
  stopTimer();
  post({ score: Number(event.target.value), trigger: 'person' }).then(done, failed);
});
// The preselected score (from the email link) is posted by the page itself: on the first sign of
// a person, or after a few seconds visible without one when the server allows a timer.
const auto = ${jsonForScript({ preselected: opts.preselected !== undefined, timerMs: opts.timer ? PAGE_TIMER_MS : null })};
let sentBy = null;
let remaining = auto.timerMs;
let timer = null;
let since = 0;
function send(trigger) {
  const score = selected();
  if (!score) return;
  sentBy = trigger;
  post({ score: Number(score.value), trigger }).then(done, failed);
}
function arm() {
  if (remaining === null || timer !== null || sentBy || document.visibilityState !== 'visible') return;
  since = performance.now();
  timer = setTimeout(() => { timer = null; remaining = null; if (!sentBy) send('timer'); }, remaining);
}
function pause() {
  if (timer === null) return;
  clearTimeout(timer);
  timer = null;
  remaining = Math.max(0, remaining - (performance.now() - since));
}
function stopTimer() { pause(); remaining = null; }
const SIGNS = ['pointermove', 'touchstart', 'keydown', 'wheel', 'scroll'];
function person(event) {
  if (!event.isTrusted) return;
  for (const type of SIGNS) window.removeEventListener(type, person, true);
  stopTimer();
  if (sentBy !== 'person') send('person');
}
if (auto.preselected && selected()) {
  for (const type of SIGNS) window.addEventListener(type, person, { capture: true, passive: true });
  document.addEventListener('visibilitychange', () => (document.visibilityState === 'visible' ? arm() : pause()));
  arm();
}
`;
  return layout({ title: questionOf(opts.invite, m), lang: m.locale, body, script });
};

/** After a plain form post: thanks, and a chance to add or change the comment. */
export const thankYouPage = (opts: {
  token: string;
  invite: Invite;
  response: Pick<Response, 'score' | 'comment'>;
}): Page => {
  const m = messagesFor(opts.invite.locale);
  const action = `/s/${encodeURIComponent(opts.token)}`;
  const body = `
<h1>${escapeHtml(m.t('thanks'))}</h1>
<p class="muted">${escapeHtml(m.t('recorded'))}</p>
<form method="post" action="${escapeHtml(action)}">
  <input type="hidden" name="score" value="${opts.response.score}">
  <p><label for="comment">${escapeHtml(m.t('commentPrompt'))}</label></p>
  <textarea id="comment" name="comment" maxlength="2000">${escapeHtml(opts.response.comment ?? '')}</textarea>
  <button type="submit">${escapeHtml(m.t('send'))}</button>
</form>`;
  return layout({ title: m.t('thanks'), lang: m.locale, body });
};

export const messagePage = (title: string, message: string, lang?: string): Page =>
  layout({ title, lang, body: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>` });

/**
 * The page for a survey or unsubscribe link that did not work, in the language the browser asks
 * for (a link that does not verify names no customer, so their locale is unknown): "this survey has
 * closed" for an expired link, "not valid" for an unknown or tampered one, else what went wrong.
 */
export const linkErrorPage = (
  error: { status: number; message: string },
  acceptLanguage: string | undefined,
): Page => {
  const m = messagesFor(acceptLanguage?.split(',')[0]?.split(';')[0]?.trim());
  const text = error.status === 410 ? m.t('closed') : error.status === 404 ? m.t('invalid') : error.message;
  return layout({ title: text, lang: m.locale, body: `<h1>${escapeHtml(text)}</h1>` });
};

export const unsubscribePage = (opts: { token: string; locale: string | undefined; done: boolean }): Page => {
  const m = messagesFor(opts.locale);
  if (opts.done) return messagePage(m.t('unsubscribed'), m.t('unsubscribed'), m.locale);
  const body = `
<h1>${escapeHtml(m.t('unsubscribeConfirm'))}</h1>
<form method="post" action="/u/${escapeHtml(encodeURIComponent(opts.token))}">
  <button type="submit">${escapeHtml(m.t('unsubscribe'))}</button>
</form>`;
  return layout({ title: m.t('unsubscribeConfirm'), lang: m.locale, body });
};
