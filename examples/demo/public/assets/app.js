// The demo page: one view per path, plain DOM, no framework. Every call goes to Gatehouse's
// router at /auth (see api.js) except GET /api/me, a route of the demo app itself.
import { api, ApiError, endSession, isLoggedIn, onSessionChange, startSession } from './api.js';

const VIEWS = {
  '/': 'home',
  '/login': 'login',
  '/register': 'register',
  '/verify': 'verify',
  '/forgot-password': 'forgot-password',
  '/reset-password': 'reset-password',
  '/account': 'account',
};
const PRIVATE_VIEWS = new Set(['account']);
const GUEST_VIEWS = new Set(['home', 'login', 'register']);
const TITLES = {
  home: 'Gatehouse demo',
  login: 'Log in',
  register: 'Create account',
  verify: 'Verify your email',
  'forgot-password': 'Forgot password',
  'reset-password': 'Choose a new password',
  account: 'Your account',
};

/** @type {string | null} The reset token of the emailed link, taken out of the address bar. */
let resetToken = null;
let outboxAvailable = false;

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

// ---- Navigation ------------------------------------------------------------------------

function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

function render() {
  const url = new URL(location.href);
  let view = VIEWS[url.pathname] ?? 'home';
  if (PRIVATE_VIEWS.has(view) && !isLoggedIn()) {
    history.replaceState(null, '', '/login');
    view = 'login';
  } else if (GUEST_VIEWS.has(view) && isLoggedIn()) {
    history.replaceState(null, '', '/account');
    view = 'account';
  }
  for (const section of $$('[data-view]')) section.hidden = section.dataset.view !== view;
  for (const element of $$('[data-when]')) element.hidden = (element.dataset.when === 'in') !== isLoggedIn();
  for (const link of $$('.nav a[data-link]')) {
    if (link.getAttribute('href') === location.pathname) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[view]} · Gatehouse demo`;
  const section = $(`[data-view="${view}"]`);
  clearNotices(section);
  enter[view]?.(new URL(location.href));
  if (outboxAvailable) void pollOutbox();
  // Move focus to the new view, for keyboard and screen-reader users, without scrolling jumps.
  $('#main').focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-link]') : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', render);

// ---- Messages next to fields and above forms -----------------------------------------

function clearNotices(root) {
  for (const notice of $$('.notice', root)) notice.replaceChildren();
  for (const form of $$('form', root)) clearErrors(form);
  for (const status of $$('.status', root)) status.textContent = '';
}

/** An alert box; `html` pieces are built with DOM nodes, never from API text as markup. */
function alertBox(kind, ...content) {
  const box = document.createElement('div');
  box.className = `alert ${kind}`;
  const paragraph = document.createElement('p');
  paragraph.append(...content);
  box.append(paragraph);
  return box;
}

function link(href, text, { external = false } = {}) {
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.textContent = text;
  if (external) {
    anchor.target = '_blank';
    anchor.rel = 'noopener';
  } else anchor.dataset.link = '';
  return anchor;
}

function showNotice(section, kind, ...content) {
  $('.notice', section)?.replaceChildren(alertBox(kind, ...content));
}

function clearErrors(form) {
  // A rate-limit countdown stays until it is over.
  if (form.dataset.countdown === undefined) $('.form-alert', form)?.replaceChildren();
  for (const error of $$('.field-error', form)) error.remove();
  for (const input of $$('[aria-invalid]', form)) {
    input.removeAttribute('aria-invalid');
    const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && !id.endsWith('-error'));
    if (ids.length > 0) input.setAttribute('aria-describedby', ids.join(' '));
    else input.removeAttribute('aria-describedby');
  }
}

function fieldError(form, name, message) {
  const input = form.elements.namedItem(name);
  if (!(input instanceof HTMLInputElement)) return false;
  const field = input.closest('.field') ?? input.parentElement;
  const id = `${input.id}-error`;
  let error = document.getElementById(id);
  if (!error) {
    error = document.createElement('p');
    error.className = 'field-error';
    error.id = id;
    field.append(error);
  }
  error.textContent = error.textContent ? `${error.textContent} ${message}` : message;
  input.setAttribute('aria-invalid', 'true');
  const described = new Set((input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
  described.add(id);
  input.setAttribute('aria-describedby', [...described].join(' '));
  return true;
}


/** A 429: say how long to wait, count down, and keep the submit button off until then. */
function showRateLimit(form, seconds) {
  const alert = $('.form-alert', form);
  const button = $('button[type="submit"]', form);
  clearInterval(Number(form.dataset.countdown));
  let left = Math.max(1, Math.ceil(seconds));
  const text = document.createElement('span');
  const update = () => {
    text.textContent = `Too many attempts. Try again in ${left} ${left === 1 ? 'second' : 'seconds'}.`;
  };
  update();
  alert.replaceChildren(alertBox('warning', text));
  button.disabled = true;
  const timer = setInterval(() => {
    left -= 1;
    if (left > 0) return update();
    clearInterval(timer);
    delete form.dataset.countdown;
    button.disabled = false;
    alert.replaceChildren();
  }, 1000);
  form.dataset.countdown = String(timer);
}

/** Puts an API error where it belongs: next to its fields, or above the form. */
function showError(form, error, explain = () => null) {
  if (!(error instanceof ApiError)) {
    console.error(error);
    error = new ApiError(0, { message: 'Something went wrong. Try again.' });
  }
  if (error.status === 429 || error.code === 'RATE_LIMITED') return showRateLimit(form, error.retryAfter ?? 60);
  let placed = 0;
  const unplaced = [];
  for (const issue of error.fields) {
    if (fieldError(form, issue.field, issue.message)) placed += 1;
    else unplaced.push(issue.message);
  }
  const custom = explain(error);
  if (custom) $('.form-alert', form).replaceChildren(alertBox('error', ...custom));
  else if (placed === 0 || unplaced.length > 0) $('.form-alert', form).replaceChildren(alertBox('error', [error.message, ...unplaced].join(' ')));
  const first = $('[aria-invalid="true"]', form);
  if (first) first.focus();
  else $('.form-alert', form)?.scrollIntoView({ block: 'nearest' });
}

/** Wires a form: collects its named fields, shows the busy state, and routes errors. */
function handleForm(form, submit, explain) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('button[type="submit"]', form);
    if (button.disabled) return;
    clearErrors(form);
    const status = $('.status', form);
    if (status) status.textContent = '';
    const values = Object.fromEntries(new FormData(form).entries());
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      await submit(values, form);
    } catch (error) {
      showError(form, error, explain);
    } finally {
      button.removeAttribute('aria-busy');
      button.disabled = form.dataset.countdown !== undefined;
    }
  });
}

// ---- Views -----------------------------------------------------------------------------

const enter = {
  login(url) {
    const section = $('[data-view="login"]');
    if (url.searchParams.get('verified') === '1') showNotice(section, 'success', 'Your email address is verified. Log in to continue.');
    else if (url.searchParams.get('reset') === '1') showNotice(section, 'success', 'Your password was changed and every session was logged out. Log in with the new password.');
    else if (url.searchParams.get('ended') === '1') showNotice(section, 'info', 'Your session ended. Log in again.');
    else if (url.searchParams.get('loggedout') === '1') showNotice(section, 'info', 'You are logged out.');
    if (url.searchParams.has('email')) $('#login-email').value = url.searchParams.get('email');
  },
  verify(url) {
    const email = url.searchParams.get('email');
    if (email) $('#verify-email').value = email;
    $('#verify-outbox-hint').hidden = !outboxAvailable;
    const intro = $('#verify-intro');
    if (url.searchParams.get('sent') === '1' && email) {
      intro.textContent = `We sent a link and a 6-character code to ${email}. Open the link, or enter the code below.`;
    } else {
      intro.textContent = 'Enter the code from the verification email, or open its link.';
    }
    if (url.searchParams.get('link') === 'failed') {
      const code = url.searchParams.get('error');
      const why = code === 'TOKEN_EXPIRED' ? 'That verification link has expired.' : 'That verification link is not valid any more (it may have been used already).';
      $('.form-alert', $('#verify-form')).replaceChildren(alertBox('error', `${why} Enter the code instead, or send a new email.`));
    }
  },
  'reset-password'(url) {
    // Take the token out of the address bar (and so out of history) as soon as it is read.
    if (url.searchParams.has('token')) {
      resetToken = url.searchParams.get('token');
      history.replaceState(null, '', '/reset-password');
    }
    $('#reset-no-token').hidden = resetToken !== null;
    $('#reset-form').hidden = resetToken === null;
  },
  account() {
    void loadAccount();
  },
};

async function loadAccount() {
  try {
    const [{ user }, { sessions }, me] = await Promise.all([
      api('GET', '/auth/profile', { auth: true }),
      api('GET', '/auth/sessions', { auth: true }),
      api('GET', '/api/me', { auth: true }),
    ]);
    showUser(user);
    showSessions(sessions);
    $('#api-me').textContent = JSON.stringify(me, null, 2);
  } catch (error) {
    if (!isLoggedIn()) return; // the session ended: the change listener shows the login page
    $('#sessions-alert').replaceChildren(alertBox('error', error.message));
  }
}

function showUser(user) {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  $('#account-title').textContent = name || 'Your account';
  $('#account-email').textContent = user.email;
  $('#account-verified').hidden = !user.emailVerified;
  $('#account-since').textContent = `· Member since ${new Date(user.createdAt).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' })}`;
  const initials = (name || user.email)
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0].toUpperCase())
    .join('');
  $('#account-avatar').textContent = initials || '?';
  $('#profile-firstName').value = user.firstName ?? '';
  $('#profile-lastName').value = user.lastName ?? '';
  $('#password-username').value = user.email;
}

function describeAgent(agent) {
  if (!agent) return 'Unknown device';
  const browser = /Edg\//.test(agent) ? 'Edge' : /Firefox\//.test(agent) ? 'Firefox' : /Chrom(e|ium)\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : /curl|node|undici/i.test(agent) ? 'Script' : 'Browser';
  const system = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Windows/.test(agent) ? 'Windows' : /Mac OS X/.test(agent) ? 'macOS' : /Linux/.test(agent) ? 'Linux' : '';
  return system ? `${browser} on ${system}` : browser;
}

function timeAgo(iso) {
  const seconds = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return new Date(iso).toLocaleDateString();
}

const DEVICE_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><rect x="3" y="4" width="18" height="12" rx="2"/><path d="M8 20h8M12 16v4"/></svg>';

function showSessions(sessions) {
  const list = $('#sessions-list');
  list.replaceChildren(
    ...sessions.map((session) => {
      const item = document.createElement('li');
      item.className = 'session';
      const device = document.createElement('div');
      device.className = 'device';
      device.innerHTML = DEVICE_ICON;
      const details = document.createElement('div');
      details.className = 'details';
      const title = document.createElement('strong');
      title.textContent = describeAgent(session.userAgent);
      if (session.current) {
        const badge = document.createElement('span');
        badge.className = 'badge success';
        badge.textContent = 'This device';
        title.append(badge);
      }
      const meta = document.createElement('span');
      meta.textContent = `${session.ip ?? 'unknown address'} · started ${timeAgo(session.createdAt)} · active ${timeAgo(session.lastUsedAt)}`;
      details.append(title, meta);
      const end = document.createElement('button');
      end.type = 'button';
      end.className = 'button secondary small';
      end.textContent = session.current ? 'Log out' : 'End session';
      end.setAttribute('aria-label', session.current ? 'Log out of this device' : `End session: ${title.textContent}, ${meta.textContent}`);
      end.addEventListener('click', () => (session.current ? logout() : endOtherSession(session.id, end)));
      item.append(device, details, end);
      return item;
    }),
  );
}

async function endOtherSession(id, button) {
  button.disabled = true;
  try {
    await api('DELETE', `/auth/sessions/${encodeURIComponent(id)}`, { auth: true });
    const { sessions } = await api('GET', '/auth/sessions', { auth: true });
    showSessions(sessions);
  } catch (error) {
    button.disabled = false;
    $('#sessions-alert').replaceChildren(alertBox('error', error.message));
  }
}

async function logout() {
  try {
    await api('POST', '/auth/logout', { auth: true });
  } catch {
    // Ended already, or the server is away: forgetting the tokens is what matters here.
  }
  endSession('logout');
}

async function logoutEverywhere() {
  try {
    await api('POST', '/auth/logout/all', { auth: true });
  } catch (error) {
    if (isLoggedIn()) {
      $('#sessions-alert').replaceChildren(alertBox('error', error.message));
      return;
    }
  }
  endSession('logout');
}

onSessionChange((loggedIn, reason) => {
  if (loggedIn) navigate('/account');
  else if (reason === 'logout') navigate('/login?loggedout=1');
  else if (reason === 'reset') navigate('/login?reset=1', { replace: true });
  else navigate('/login?ended=1', { replace: true });
});

document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-action]') : null;
  if (!button) return;
  if (button.dataset.action === 'logout') void logout();
  if (button.dataset.action === 'logout-all') void logoutEverywhere();
});

// ---- Forms -----------------------------------------------------------------------------

/** Sends only the fields that were filled in (optional profile fields may stay empty). */
function filled(values, names) {
  return Object.fromEntries(names.filter((name) => String(values[name] ?? '').trim() !== '').map((name) => [name, values[name]]));
}

handleForm($('#register-form'), async (values) => {
  const body = { email: values.email, password: values.password, ...filled(values, ['firstName', 'lastName']) };
  const data = await api('POST', '/auth/register', { body });
  $('#register-form').reset();
  if (data.tokens) startSession(data.tokens);
  else navigate(`/verify?sent=1&email=${encodeURIComponent(body.email)}`);
});

handleForm(
  $('#verify-form'),
  async (values) => {
    await api('POST', '/auth/verify-email', { body: { email: values.email, code: values.code.replace(/[\s-]/g, '') } });
    $('#verify-form').reset();
    navigate(`/login?verified=1&email=${encodeURIComponent(values.email)}`);
  },
  (error) => (error.code === 'TOKEN_INVALID' || error.code === 'TOKEN_EXPIRED' ? ['That code is not valid or has expired. Check it, or send a new email.'] : null),
);

handleForm($('#resend-form'), async () => {
  const email = $('#verify-email').value;
  if (!email.trim()) {
    fieldError($('#verify-form'), 'email', 'Enter your email address first.');
    $('#verify-email').focus();
    return;
  }
  await api('POST', '/auth/resend-verification', { body: { email } });
  $('.status', $('#resend-form')).textContent = `If ${email} has an unverified account, a new email is on its way.`;
});

handleForm(
  $('#login-form'),
  async (values) => {
    const data = await api('POST', '/auth/login', { body: { email: values.email, password: values.password } });
    $('#login-form').reset();
    startSession(data.tokens);
  },
  (error) =>
    error.code === 'EMAIL_NOT_VERIFIED'
      ? ['Verify your email address before you log in. ', link(`/verify?email=${encodeURIComponent($('#login-email').value)}`, 'Enter your code or get a new email')]
      : error.code === 'INVALID_CREDENTIALS'
        ? ['That email and password do not match an account.']
        : null,
);

handleForm($('#forgot-form'), async (values) => {
  await api('POST', '/auth/password/reset', { body: { email: values.email } });
  const section = $('[data-view="forgot-password"]');
  const extra = outboxAvailable ? [' Open the ', link('/outbox', 'development outbox', { external: true }), ' to find it.'] : [];
  showNotice(section, 'success', `If ${values.email} has an account, we sent it a link to reset the password. The link works once, for an hour.`, ...extra);
});

handleForm(
  $('#reset-form'),
  async (values) => {
    await api('POST', '/auth/password/reset/confirm', { body: { token: resetToken, password: values.password, passwordConfirmation: values.passwordConfirmation } });
    resetToken = null;
    $('#reset-form').reset();
    // The reset ended every session, this tab's too if it had one.
    if (isLoggedIn()) endSession('reset');
    else navigate('/login?reset=1', { replace: true });
  },
  (error) =>
    error.code === 'TOKEN_INVALID' || error.code === 'TOKEN_EXPIRED'
      ? ['This reset link is not valid any more: it was used already, or it expired. ', link('/forgot-password', 'Ask for a new one')]
      : null,
);

handleForm($('#profile-form'), async (values) => {
  const { user } = await api('PATCH', '/auth/profile', { auth: true, body: { firstName: values.firstName, lastName: values.lastName } });
  showUser(user);
  $('.status', $('#profile-form')).textContent = 'Profile saved.';
});

handleForm($('#password-form'), async (values) => {
  try {
    await api('POST', '/auth/password/change', {
      auth: true,
      body: { currentPassword: values.currentPassword, newPassword: values.newPassword, newPasswordConfirmation: values.newPasswordConfirmation },
    });
    $('#password-form').reset();
    $('.status', $('#password-form')).textContent = 'Password changed. Your other sessions were logged out.';
    const { sessions } = await api('GET', '/auth/sessions', { auth: true });
    showSessions(sessions);
  } catch (error) {
    // The API says only "invalid credentials"; here that can mean one field only.
    if (error instanceof ApiError && error.code === 'INVALID_CREDENTIALS') {
      throw new ApiError(error.status, { code: error.code, message: error.message, fields: [{ field: 'currentPassword', code: 'invalid', message: 'That is not your current password.' }] });
    }
    throw error;
  }
});

// ---- Show / hide password buttons ------------------------------------------------------

for (const wrap of $$('.password-wrap')) {
  const input = $('input', wrap);
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'toggle';
  toggle.textContent = 'Show';
  const what = ($(`label[for="${input.id}"]`)?.textContent ?? 'password').toLowerCase();
  toggle.setAttribute('aria-controls', input.id);
  toggle.setAttribute('aria-label', `Show ${what}`);
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.textContent = show ? 'Hide' : 'Show';
    toggle.setAttribute('aria-label', `${show ? 'Hide' : 'Show'} ${what}`);
  });
  wrap.append(toggle);
}

// ---- Outbox badge (development only) ---------------------------------------------------

async function pollOutbox() {
  try {
    const response = await fetch('/dev/outbox', { headers: { accept: 'application/json' } });
    outboxAvailable = response.ok;
    if (!response.ok) return;
    const messages = await response.json();
    $('#outbox-link').hidden = false;
    const count = $('#outbox-count');
    count.textContent = String(messages.length);
    count.setAttribute('aria-label', `${messages.length} ${messages.length === 1 ? 'message' : 'messages'}`);
    count.classList.toggle('neutral', messages.length === 0);
    if (!$('[data-view="verify"]').hidden) $('#verify-outbox-hint').hidden = false;
  } catch {
    // The server is restarting; try again on the next tick.
  }
}

await pollOutbox();
render();
if (outboxAvailable) setInterval(() => document.visibilityState === 'visible' && void pollOutbox(), 3000);
