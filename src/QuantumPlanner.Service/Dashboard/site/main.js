// The dashboard's entry: sign-in, and a hash router (#/submit, #/jobs, #/job/ID, #/ops) over the page's sections.
// Hash routes carry job ids only; the key never enters a URL.
import { api, caller, describe, session } from './api.js';
import { $ } from './dom.js';
import * as submitView from './submit.js';
import * as jobView from './job.js';
import * as jobsView from './jobs.js';
import * as opsView from './ops.js';

const views = {
  signin: { section: '#view-signin' },
  submit: { section: '#view-submit', module: submitView },
  job: { section: '#view-job', module: jobView },
  jobs: { section: '#view-jobs', module: jobsView },
  ops: { section: '#view-ops', module: opsView },
};

let active = null;

async function signIn(key) {
  session.key = key;
  try {
    caller.current = await api('/api/v1/me');
  } catch (error) {
    session.key = null;
    caller.current = null;
    throw error;
  }
}

function signOut() {
  session.key = null;
  caller.current = null;
  location.hash = '';
  route();
}

function showChrome(signedIn) {
  $('#nav').hidden = !signedIn;
  $('#sign-out').hidden = !signedIn;
  const who = $('#who');
  who.hidden = !signedIn;
  who.textContent = signedIn ? `Tenant ${caller.current.tenant}${caller.current.admin ? ' (admin)' : ''}` : '';
}

async function route() {
  const [, name = '', ...rest] = location.hash.split('/');
  const wanted = caller.current ? (views[name] && name !== 'signin' ? name : 'submit') : 'signin';
  active?.module?.hide?.();
  for (const [key, view] of Object.entries(views)) $(view.section).hidden = key !== wanted;
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.getAttribute('href') === `#/${wanted}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  active = views[wanted];
  showChrome(Boolean(caller.current));
  document.title = `QuantumPlanner · ${wanted === 'job' ? 'job' : $(`${active.section} h1`).textContent}`;
  await active.module?.show?.(decodeURIComponent(rest.join('/')));
}

$('#signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('#signin-error');
  error.textContent = '';
  const input = $('#api-key');
  try {
    await signIn(input.value.trim());
    input.value = '';
    if (!location.hash || location.hash === '#/signin') location.hash = '#/submit';
    else await route();
  } catch (failure) {
    error.textContent = describe(failure);
    input.focus();
  }
});
$('#sign-out').addEventListener('click', signOut);
window.addEventListener('hashchange', () => { route(); });

// A key kept from earlier in this tab signs in again (a reload keeps the tab's session storage).
(async () => {
  if (session.key !== null) {
    try { await signIn(session.key); } catch { /* shown as the sign-in page */ }
  }
  await route();
})();
