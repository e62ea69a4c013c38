// Operations: queue depth and key metrics (from /metrics), health of every check (/health, quantum samplers
// included), the backends, and for admin keys the maintenance switch (PUT /api/v1/admin/maintenance).
import { api, caller, describe } from './api.js';
import { $, el, num, statusBadge, when } from './dom.js';

/** Sum of a metric's samples in Prometheus text, optionally only those whose labels contain `labelPart`. */
function metric(text, name, labelPart = '') {
  let total = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (labelPart && !rest.includes(labelPart)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (!Number.isNaN(value)) total = (total ?? 0) + value;
  }
  return total;
}

function card(label, value, id) {
  return el('div', { class: 'metric', id }, el('span', { class: 'value' }, value), el('span', { class: 'label' }, label));
}

export async function show() {
  $('#ops-error').textContent = '';
  const [metrics, health, backends] = await Promise.allSettled([api('/metrics'), api('/health').catch((e) => e.problem), api('/api/v1/backends')]);
  if (metrics.status === 'fulfilled') {
    const text = metrics.value;
    const solves = metric(text, 'quantum_solve_duration_seconds_count');
    const seconds = metric(text, 'quantum_solve_duration_seconds_sum');
    $('#ops-metrics').replaceChildren(
      card('jobs queued (all replicas)', num(metric(text, 'optimization_queue_size')), 'metric-queue'),
      card('jobs completed', num(metric(text, 'optimization_jobs_total', 'status="completed"') ?? 0), 'metric-completed'),
      card('jobs failed', num(metric(text, 'optimization_jobs_total', 'status="failed"') ?? 0), 'metric-failed'),
      card('error rate, last 5 min', `${num((metric(text, 'quantum_planner_error_rate') ?? 0) * 100)} %`, 'metric-error-rate'),
      card('mean solve time', solves ? `${num(seconds / solves)} s` : '—', 'metric-solve'),
      card('classical fallbacks', num(metric(text, 'classical_fallback_total') ?? 0), 'metric-fallback'),
      card('memory', `${num((metric(text, 'quantum_planner_memory_usage_bytes') ?? 0) / 1048576)} MiB`, 'metric-memory'));
  } else {
    $('#ops-error').textContent = describe(metrics.reason);
  }

  const checks = health.status === 'fulfilled' && health.value?.checks ? Object.entries(health.value.checks) : [];
  $('#health-table tbody').replaceChildren(
    el('tr', { 'data-check': 'overall' }, el('th', { scope: 'row' }, 'overall'), el('td', {}, statusBadge((health.value?.status ?? 'unknown').toLowerCase())), el('td', {}, ''), el('td', { class: 'num' }, num(health.value?.totalDurationMs))),
    ...checks.map(([name, check]) => el('tr', { 'data-check': name },
      el('th', { scope: 'row' }, name), el('td', {}, statusBadge(String(check.status).toLowerCase())), el('td', {}, check.description ?? ''), el('td', { class: 'num' }, num(check.durationMs)))));

  if (backends.status === 'fulfilled') {
    $('#backends-table tbody').replaceChildren(...backends.value.backends.map((b) => el('tr', { 'data-backend': b.name },
      el('th', { scope: 'row' }, b.name), el('td', {}, b.kind), el('td', {}, statusBadge(b.available ? 'yes' : 'no')), el('td', {}, b.reason ?? ''))));
    $('#samplers').textContent = `QUBO samplers: ${backends.value.samplers.join(', ')}`;
  }

  $('#maintenance').hidden = !caller.current?.admin;
  if (caller.current?.admin) await maintenance();
}

async function maintenance(change) {
  try {
    const state = change ? await api('/api/v1/admin/maintenance', { method: 'PUT', body: change }) : await api('/api/v1/admin/maintenance');
    $('#maintenance-state').replaceChildren(state.enabled
      ? el('span', {}, statusBadge('degraded'), ` On since ${when(state.since)}: ${state.message ?? ''} New jobs are refused with 503; reads and running jobs go on.`)
      : el('span', {}, statusBadge('healthy'), ' Off: the service accepts new work.'));
    const button = $('#maintenance-toggle');
    button.textContent = state.enabled ? 'Turn off' : 'Turn on';
    button.dataset.enabled = String(state.enabled);
  } catch (error) {
    $('#ops-error').textContent = describe(error);
  }
}

$('#maintenance-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const on = $('#maintenance-toggle').dataset.enabled !== 'true';
  await maintenance({ enabled: on, message: $('#maintenance-message').value });
  await show();
});
