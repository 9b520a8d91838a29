// The page's only script. It renders the server's view with textContent and attributes only
// (never innerHTML), so nothing the issuer or the server sends can become markup.

const $ = (id) => document.getElementById(id);
let view = null;
/** A sign-in request is on its way: both sign-in buttons stay disabled until it answers. */
let starting = false;

async function post(path, body = {}) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json();
  if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
  render(answer);
  return answer;
}

function show(id, visible) {
  $(id).hidden = !visible;
}

function httpLink(el, url) {
  // Only http(s) links: a `javascript:` URL from anywhere must never become clickable.
  if (/^https?:\/\//i.test(url)) el.href = url;
  else el.removeAttribute('href');
  el.textContent = url;
}

const PROGRESS = {
  url_ready: 'Waiting for the sign-in page…',
  user_code_ready: 'Waiting for you to enter the code…',
  waiting: 'Waiting for you to finish signing in…',
  callback_received: 'Signed in at the issuer; fetching tokens…',
  exchanging: 'Fetching tokens…',
  persisted: 'Saving…',
};

// Dates in the person's own locale and time zone, with the zone spelled out ("EST", "GMT+1"),
// and how far off that is ("in 59 min"): a bare "12/1/2026, 7:05:01 PM" says neither.
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'long',
});
const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

function relativeTime(date, now = Date.now()) {
  const seconds = Math.round((date.getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 90) return RELATIVE.format(seconds, 'second');
  if (abs < 90 * 60) return RELATIVE.format(Math.round(seconds / 60), 'minute');
  if (abs < 36 * 3600) return RELATIVE.format(Math.round(seconds / 3600), 'hour');
  return RELATIVE.format(Math.round(seconds / 86400), 'day');
}

function renderExpiry(iso) {
  const time = $('account-expiry');
  const relative = $('account-expiry-relative');
  if (!iso) {
    time.removeAttribute('datetime');
    time.textContent = '—';
    relative.textContent = '';
    return;
  }
  const date = new Date(iso);
  time.dateTime = iso;
  time.textContent = DATE_TIME.format(date);
  relative.textContent = `(${relativeTime(date)})`;
}

function render(next) {
  view = next;
  show('loading', false);
  show('content', true);
  show('issuer-line', true);
  $('issuer').textContent = view.issuer;
  const account = view.signedIn ? view.account : null;
  const status = $('status');
  if (account) {
    status.textContent = `Signed in as ${account.email ?? 'unknown email'}, ${account.planType ?? 'unknown plan'}`;
    status.className = 'signed-in';
    $('account-id').textContent = account.accountId ?? '—';
    renderExpiry(account.expiresAt);
  } else {
    status.textContent = view.pending ? 'Signing in…' : 'Signed out';
    status.className = '';
    // Nothing of the last account stays in the page once it is not signed in.
    $('account-id').textContent = '';
    renderExpiry(null);
  }
  show('account', account !== null);
  show('sign-out', account !== null);
  const pending = view.pending;
  for (const id of ['sign-in-browser', 'sign-in-device']) {
    show(id, account === null);
    // One sign-in at a time per browser: a second click would only cancel the first.
    $(id).disabled = pending !== null || starting;
  }
  show('pending-browser', pending?.flow === 'browser');
  show('pending-device', pending?.flow === 'device');
  if (pending?.flow === 'browser') {
    httpLink($('authorize-link'), pending.authorizeUrl);
    $('authorize-link').textContent = 'Open the sign-in page';
    $('browser-progress').textContent = PROGRESS[pending.progress] ?? '';
    $('paste-redirect').textContent = pending.redirectUri;
  } else {
    $('authorize-link').removeAttribute('href');
    $('browser-progress').textContent = '';
  }
  if (pending?.flow === 'device') {
    httpLink($('verification-link'), pending.verificationUrl);
    $('user-code').textContent = pending.userCode;
    $('device-progress').textContent = PROGRESS[pending.progress] ?? '';
  } else {
    $('verification-link').removeAttribute('href');
    $('user-code').textContent = '';
    $('device-progress').textContent = '';
  }
  show('notice', view.notice !== null);
  $('notice').textContent = view.notice ?? '';
  show('error', view.error !== null);
  $('error').textContent = view.error ? `${view.error.message} (${view.error.code})` : '';
  show('storage-redis-choice', view.redis);
  $(`storage-${view.storage}`).checked = true;
  $('codex-home').textContent = view.codexHome;
  show('auth-file', view.authFile !== null);
  $('auth-file').textContent = view.authFile ? `Tokens are written to ${view.authFile}` : '';
  renderCodex(view.codex);
}

function renderCodex(codex) {
  $('codex-connect').disabled = !view.signedIn || codex.state === 'starting';
  const parts = [];
  if (!view.signedIn && codex.state === 'idle') parts.push('Sign in first.');
  if (codex.message) parts.push(codex.message);
  if (codex.account) {
    const { type, email, planType } = codex.account;
    parts.push(
      `account/read: ${type}${email ? `, ${email}` : ''}${planType ? `, ${planType}` : ''}`,
    );
  }
  $('codex-status').textContent = parts.join(' ');
  $('codex-status').className =
    codex.state === 'failed' || codex.state === 'unavailable' ? 'error' : '';
}

function fail(error) {
  $('error').hidden = false;
  $('error').textContent = error.message;
}

/** Starts a sign-in with both buttons disabled until the server has answered. */
async function startSignIn(path) {
  starting = true;
  if (view) render(view);
  try {
    return await post(path);
  } finally {
    starting = false;
    if (view) render(view);
  }
}

$('sign-in-browser').addEventListener('click', async () => {
  // Opened inside the click so no popup blocker stops it; pointed at the issuer once we have the URL.
  const tab = window.open('', '_blank');
  try {
    const answer = await startSignIn('/api/login/browser');
    const url = answer.pending?.flow === 'browser' ? answer.pending.authorizeUrl : null;
    if (tab && url && /^https?:\/\//i.test(url)) {
      tab.opener = null;
      tab.location.href = url;
    } else tab?.close();
  } catch (error) {
    tab?.close();
    fail(error);
  }
});
$('sign-in-device').addEventListener('click', () => startSignIn('/api/login/device').catch(fail));
$('paste-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('paste-url');
  const url = input.value;
  // The address holds a one-time code: it leaves the page as soon as it is sent.
  input.value = '';
  post('/api/login/paste', { url }).catch(fail);
});
$('cancel-browser').addEventListener('click', () => post('/api/login/cancel').catch(fail));
$('cancel-device').addEventListener('click', () => post('/api/login/cancel').catch(fail));
$('sign-out').addEventListener('click', () => post('/api/logout').catch(fail));
$('codex-connect').addEventListener('click', () => post('/api/codex/connect').catch(fail));
for (const radio of document.querySelectorAll('input[name="storage"]')) {
  radio.addEventListener('change', () =>
    post('/api/storage', { storage: radio.value }).catch(fail),
  );
}

// Live updates: the server pushes the whole view after every change.
const events = new EventSource('/api/events');
events.addEventListener('view', (event) => render(JSON.parse(event.data)));
// "in 59 min" moves on by itself.
setInterval(() => {
  if (view?.signedIn) renderExpiry(view.account?.expiresAt ?? null);
}, 15_000);
