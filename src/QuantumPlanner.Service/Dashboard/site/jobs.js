// The tenant's jobs, newest first: status filters on the service (?status=), backend and time filter the pages
// fetched (the API pages by creation time, so "created within" stops paging once a page is older).
import { api, describe } from './api.js';
import { $, el, num, statusBadge, when } from './dom.js';

const PageSize = 100;
let cursor = null;
let backendsLoaded = false;

export async function show() {
  if (!backendsLoaded) {
    try {
      const { backends } = await api('/api/v1/backends');
      $('#filter-backend').append(...backends.map((b) => el('option', { value: b.name }, b.name)));
      backendsLoaded = true;
    } catch { /* the list still works without the backend names */ }
  }
  await load(true);
}

function matches(job) {
  const backend = $('#filter-backend').value;
  const since = Number($('#filter-since').value);
  if (backend && job.backendRequested !== backend && job.backendUsed !== backend) return false;
  if (since && Date.parse(job.createdAt) < Date.now() - since * 1000) return false;
  return true;
}

async function load(fresh) {
  const body = $('#jobs-table tbody');
  if (fresh) { cursor = null; body.replaceChildren(); }
  const status = $('#filter-status').value;
  const query = new URLSearchParams({ limit: String(PageSize) });
  if (status) query.set('status', status);
  if (cursor) query.set('cursor', cursor);
  try {
    const page = await api(`/api/v1/jobs?${query}`);
    const shown = page.items.filter(matches);
    body.append(...shown.map((job) => el('tr', { 'data-job': job.id },
      el('td', {}, when(job.createdAt)),
      el('td', {}, el('a', { href: `#/job/${job.id}` }, job.id.slice(0, 8))),
      el('td', {}, statusBadge(job.status)),
      el('td', {}, job.backendUsed ?? job.backendRequested),
      el('td', { class: 'num' }, num(job.timeLimitSeconds)),
      el('td', { class: 'num' }, num(job.progress?.bestObjective)))));
    const since = Number($('#filter-since').value);
    const older = since && page.items.length > 0 && Date.parse(page.items.at(-1).createdAt) < Date.now() - since * 1000;
    cursor = older ? null : page.nextCursor;
    $('#jobs-more').hidden = !cursor;
    $('#jobs-caption').textContent = `${body.children.length} job${body.children.length === 1 ? '' : 's'}, newest first`;
  } catch (error) {
    $('#jobs-caption').textContent = describe(error);
  }
}

$('#jobs-filter').addEventListener('submit', (event) => { event.preventDefault(); load(true); });
$('#jobs-more').addEventListener('click', () => load(false));
