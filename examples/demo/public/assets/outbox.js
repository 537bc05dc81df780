// The development outbox: reads GET /dev/outbox every two seconds and shows each email, newest
// first, with its links and code pulled out of the plain-text part so one click follows them.

const list = document.getElementById('messages');
const empty = document.getElementById('empty');
const count = document.getElementById('outbox-count');
const status = document.getElementById('outbox-status');
const errorBox = document.getElementById('outbox-error');

let shown = '';
let lastCount = null;
/** Messages the person opened or closed by hand, by key, so a refresh keeps their choice. */
const openState = new Map();

const ENVELOPE =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/></svg>';

function element(tag, properties = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name === 'class') node.className = value;
    else if (name in node && typeof value !== 'string') node[name] = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** The links of a message's text part, each with a label saying what it does. */
function linksOf(text) {
  const seen = new Set();
  const links = [];
  for (const match of text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const href = match[0];
    if (seen.has(href)) continue;
    seen.add(href);
    let url;
    try {
      url = new URL(href);
    } catch {
      continue;
    }
    let label = 'Open link';
    if (url.pathname.startsWith('/auth/verify-email/')) label = 'Open verification link';
    else if (url.pathname.startsWith('/reset-password')) label = url.searchParams.has('token') ? 'Open reset link' : 'Open reset page';
    else if (url.pathname.startsWith('/auth/confirm-email-change/')) label = 'Open confirmation link';
    links.push({ href, label });
  }
  return links;
}

/** The one-time code: a line of the text part that holds nothing else. */
function codeOf(text) {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (/^[A-Z0-9]{4,12}$/.test(trimmed)) return trimmed;
  }
  return null;
}

function timeAgo(date) {
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return date.toLocaleString();
}

function frameFor(message) {
  // The email's own HTML, sandboxed: no scripts run in it, and its links open in this tab.
  const html = message.html.includes('<head>') ? message.html.replace('<head>', '<head><base target="_top">') : `<base target="_top">${message.html}`;
  const frame = element('iframe', {
    class: 'email-frame',
    title: `Email: ${message.subject}`,
    sandbox: 'allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation',
    srcdoc: html,
  });
  frame.addEventListener('load', () => {
    const height = frame.contentDocument?.documentElement.scrollHeight;
    if (height) frame.style.height = `${height + 4}px`;
  });
  return frame;
}

function render(messages) {
  count.textContent = String(messages.length);
  count.classList.toggle('neutral', messages.length === 0);
  empty.hidden = messages.length > 0;
  const newest = messages.length - 1;
  list.replaceChildren(
    ...messages
      .map((message, index) => {
        const key = `${index}:${message.sentAt}`;
        const sentAt = new Date(message.sentAt);
        const details = element('details', { class: 'message' });
        details.open = openState.get(key) ?? index === newest;
        details.addEventListener('toggle', () => openState.set(key, details.open));
        const envelope = element('span', { class: 'envelope' });
        envelope.innerHTML = ENVELOPE;
        const summary = element(
          'summary',
          {},
          envelope,
          element('span', { class: 'summary-text' }, element('strong', {}, message.subject), element('span', {}, `To ${message.to}`)),
          element('time', { datetime: message.sentAt, title: sentAt.toLocaleString() }, timeAgo(sentAt)),
        );

        const quick = element('div', { class: 'quick' });
        for (const { href, label } of linksOf(message.text)) quick.append(element('a', { class: 'button small', href }, label));
        const code = codeOf(message.text);
        if (code) {
          const copy = element('button', { type: 'button', class: 'button secondary small' }, 'Copy code');
          copy.addEventListener('click', async () => {
            try {
              await navigator.clipboard.writeText(code);
              copy.textContent = 'Copied';
            } catch {
              copy.textContent = 'Select and copy the code';
            }
            setTimeout(() => (copy.textContent = 'Copy code'), 2000);
          });
          quick.append(
            element('span', {}, 'Code ', element('span', { class: 'code', 'data-code': code }, code)),
            copy,
            element('a', { href: `/verify?email=${encodeURIComponent(message.to)}` }, 'Enter it on the verify page'),
          );
        }

        const body = element('div', { class: 'message-body' });
        if (quick.childElementCount > 0) body.append(quick);
        body.append(frameFor(message), element('details', { class: 'text-part' }, element('summary', {}, 'Plain-text part'), element('pre', {}, message.text)));
        details.append(summary, body);
        return element('li', {}, details);
      })
      .reverse(),
  );
}

async function refresh() {
  try {
    const response = await fetch('/dev/outbox', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error(response.status === 404 ? 'The outbox is off (NODE_ENV=production).' : `The server answered ${response.status}.`);
    const messages = await response.json();
    errorBox.hidden = true;
    const signature = messages.map((message) => message.sentAt).join('|');
    if (signature === shown) return;
    shown = signature;
    render(messages);
    const added = lastCount === null ? 0 : messages.length - lastCount;
    lastCount = messages.length;
    if (added > 0) status.textContent = `${added} new ${added === 1 ? 'email' : 'emails'}: ${messages.at(-1).subject}`;
  } catch (error) {
    errorBox.querySelector('p').textContent = error instanceof TypeError ? 'Cannot reach the demo server. Is it still running?' : error.message;
    errorBox.hidden = false;
  }
}

document.getElementById('refresh').addEventListener('click', () => {
  shown = '';
  void refresh();
});
document.getElementById('clear').addEventListener('click', async () => {
  await fetch('/dev/outbox', { method: 'DELETE' });
  openState.clear();
  shown = '';
  await refresh();
  status.textContent = 'Outbox cleared.';
});

await refresh();
setInterval(() => document.visibilityState === 'visible' && void refresh(), 2000);
