// One job: status and facts, the best objective over time while it runs, cancel; once completed the plan as an
// interactive Gantt with its score beside it, and re-planning from it.
import { api, ApiError, describe } from './api.js';
import { $, el, num, statusBadge, when } from './dom.js';
import { mountGantt } from './gantt.js';
import { drawProgress } from './progress-chart.js';
import { mountReplan } from './replan.js';

const Finished = new Set(['completed', 'failed', 'cancelled']);
let watch = null;
let gantt = null;

export function hide() {
  watch?.abort();
  watch = null;
  $('#tooltip').hidden = true;
}

export async function show(id) {
  hide();
  const current = new AbortController();
  watch = current;
  $('#job-title').textContent = `Job ${id}`;
  $('#job-error').textContent = '';
  $('#job-body').hidden = false;
  $('#plan').hidden = true;
  $('#job-facts').replaceChildren();
  let points = [];
  drawProgress($('#progress-chart'), points);
  let job;
  try {
    job = await api(`/api/v1/jobs/${encodeURIComponent(id)}`, { signal: current.signal });
  } catch (error) {
    if (current.signal.aborted) return;
    $('#job-body').hidden = true;
    $('#job-error').textContent = error instanceof ApiError && error.status === 404
      ? `Job ${id} was not found for this tenant. Maybe the id is mistyped, or the job belongs to another tenant's key.`
      : describe(error);
    return;
  }

  // Watch: a long poll of one second at a time answers at once when the job finishes; the stored progress history is
  // read again after each poll, so the curve is whole however late the page was opened.
  while (!current.signal.aborted) {
    points = await history(job, current.signal) ?? points;
    if (current.signal.aborted) return;
    facts(job);
    drawProgress($('#progress-chart'), points, { until: job.startedAt ? (Date.now() - Date.parse(job.startedAt)) / 1000 : 0 });
    cancelButton(job);
    if (Finished.has(job.status)) break;
    try {
      job = await api(`/api/v1/jobs/${job.id}?waitSeconds=1`, { signal: current.signal });
    } catch (error) {
      if (current.signal.aborted) return;
      $('#job-error').textContent = describe(error);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  if (current.signal.aborted || job.status !== 'completed') return;
  await showPlan(job, points, current.signal);
}

/**
 * The job's best objective over time as its worker stored it (GET /api/v1/jobs/{id}/progress), as `{ seconds,
 * objective }`; null when it could not be read this time (the chart keeps what it had).
 */
async function history(job, signal) {
  if (!job.startedAt) return [];
  try {
    const progress = await api(`/api/v1/jobs/${job.id}/progress`, { signal });
    return progress.points.map((p) => ({ seconds: p.elapsedMs / 1000, objective: p.objective }));
  } catch {
    return null;
  }
}

function facts(job) {
  const rows = [
    ['Status', statusBadge(job.status)],
    ['Backend', job.backendUsed ? `${job.backendUsed} (asked: ${job.backendRequested})` : job.backendRequested],
    ['Time limit', `${num(job.timeLimitSeconds)} s`],
    ['Seed', job.seed],
    ['Created', when(job.createdAt)],
    ['Started', when(job.startedAt)],
    ['Finished', when(job.completedAt)],
    ['Best objective', num(job.progress?.bestObjective)],
    ['Attempts', job.attempts],
  ];
  if (job.error) rows.push(['Error', job.error]);
  $('#job-facts').replaceChildren(...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', { 'data-fact': term.toLowerCase() }, value)]));
}

function cancelButton(job) {
  const button = $('#cancel-job');
  button.hidden = Finished.has(job.status);
  button.disabled = false;
  button.onclick = async () => {
    button.disabled = true;
    try {
      const cancelled = await api(`/api/v1/jobs/${job.id}`, { method: 'DELETE' });
      facts(cancelled);
      button.hidden = true;
    } catch (error) {
      $('#job-error').textContent = describe(error);
      button.disabled = false;
    }
  };
}

async function showPlan(job, points, signal) {
  let plan;
  let svgText;
  let problem;
  try {
    [plan, svgText, problem] = await Promise.all([
      api(`/api/v1/jobs/${job.id}/result`, { signal }),
      api(`/api/v1/jobs/${job.id}/gantt.svg`, { signal }),
      api(`/api/v1/jobs/${job.id}/problem`, { signal }),
    ]);
  } catch (error) {
    if (!signal.aborted) $('#job-error').textContent = describe(error);
    return;
  }
  if (signal.aborted) return;
  drawProgress($('#progress-chart'), points, { final: { seconds: Math.max(0, plan.timing.totalMs / 1000), objective: plan.score.objective }, until: plan.timing.totalMs / 1000 });
  $('#plan').hidden = false;
  // A job that finished between two heartbeats reported no progress; its plan's objective is the best it found.
  if (job.progress?.bestObjective === null || job.progress?.bestObjective === undefined) $('#job-facts [data-fact="best objective"]').textContent = num(plan.score.objective);
  const replan = mountReplan({ job, plan, problem });
  const draw = (text) => {
    gantt = mountGantt($('#gantt'), text, { problem, plan, onBarClick: (task) => replan.togglePin(task) });
    replan.attach(gantt);
    for (const change of plan.changes ?? []) gantt.mark(change.task, 'moved', true);
    for (const box of document.querySelectorAll('#pins input:checked')) gantt.mark(box.dataset.task, 'pinned', true);
  };
  draw(svgText);
  rowsSwitch(job, problem, draw, signal);
  score(plan);
}

/** Agents or resources as the Gantt's rows, for problems with shared resources (the service draws either). */
function rowsSwitch(job, problem, draw, signal) {
  const select = $('#gantt-rows');
  $('#gantt-rows-switch').hidden = !(problem.resources?.length > 0);
  select.value = 'agents';
  select.onchange = async () => {
    try {
      const text = await api(`/api/v1/jobs/${job.id}/gantt.svg?rows=${select.value}`, { signal });
      if (!signal.aborted) draw(text);
    } catch (error) {
      if (!signal.aborted) $('#job-error').textContent = describe(error);
    }
  };
}

function table(caption, head, rows, rowAttributes = () => ({})) {
  return el('table', { class: 'data' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', class: h.num ? 'num' : undefined }, h.text ?? h)))),
    el('tbody', {}, rows.map((row, i) => el('tr', rowAttributes(i), row.map((cell, c) => el('td', { class: head[c].num ? 'num' : undefined }, cell))))));
}

function score(plan) {
  const parts = [];
  const s = plan.score;
  parts.push(el('h2', {}, 'Score'));
  parts.push(el('dl', { class: 'facts', id: 'score-facts' },
    el('dt', {}, 'Status'), el('dd', {}, statusBadge(plan.status)),
    el('dt', {}, 'Objective'), el('dd', { 'data-fact': 'objective' }, num(s.objective)),
    el('dt', {}, 'Bound'), el('dd', { 'data-fact': 'bound' }, num(plan.bound)),
    el('dt', {}, 'Gap'), el('dd', { 'data-fact': 'gap' }, plan.gap === undefined || plan.gap === null ? '—' : `${num(plan.gap * 100)} %`),
    el('dt', {}, 'Hard violations'), el('dd', { 'data-fact': 'hard-violations' }, s.hardViolations),
    el('dt', {}, 'Makespan'), el('dd', {}, plan.metrics.makespan),
    el('dt', {}, 'Cost'), el('dd', {}, num(plan.metrics.cost)),
    el('dt', {}, 'Solve time'), el('dd', {}, `${num(plan.timing.totalMs)} ms`)));

  parts.push(table('Objective per term (weight × value)',
    ['Term', { text: 'Weight', num: true }, { text: 'Value', num: true }, { text: 'Weighted', num: true }],
    s.breakdown.map((t) => [t.term, num(t.weight), num(t.value), num(t.weight * t.value)])));

  const byConstraint = new Map();
  for (const v of s.violations) {
    const entry = byConstraint.get(v.constraint) ?? { count: 0, amount: 0 };
    entry.count += 1;
    entry.amount += v.amount;
    byConstraint.set(v.constraint, entry);
  }
  parts.push(s.violations.length === 0
    ? el('p', { class: 'valid', id: 'no-violations' }, 'Every hard constraint holds.')
    : table('Hard constraints broken', ['Constraint', { text: 'Count', num: true }, { text: 'Amount', num: true }],
      [...byConstraint].map(([name, e]) => [name, e.count, num(e.amount)])));
  if (s.violations.length > 0) {
    const violations = table('Violations (hover to find the bar)', ['Constraint', 'Task', 'Message'],
      s.violations.map((v) => [v.constraint, v.task ?? '—', v.message]), () => ({ class: 'violation' }));
    violations.querySelectorAll('tbody tr').forEach((row, i) => {
      const task = s.violations[i].task;
      if (!task) return;
      row.addEventListener('mouseenter', () => gantt?.highlight(task, true));
      row.addEventListener('mouseleave', () => gantt?.highlight(task, false));
    });
    parts.push(violations);
  }
  if (plan.unassigned?.length) parts.push(el('p', {}, `Not scheduled: ${plan.unassigned.join(', ')}`));
  if (plan.changes) {
    parts.push(plan.changes.length === 0
      ? el('p', { id: 'changes' }, 'Nothing moved from the baseline.')
      : table('What moved from the baseline', ['Task', 'From', 'To', 'Reason'],
        plan.changes.map((c) => [c.task, `${c.fromAgent ?? '—'} @ ${c.fromStart ?? '—'}`, c.toAgent === null || c.toAgent === undefined ? 'dropped' : `${c.toAgent} @ ${c.toStart}`, c.reason])));
  }
  if (plan.backendsTried?.length) {
    parts.push(table('Backends tried', ['Backend', { text: 'Objective', num: true }, { text: 'ms', num: true }, 'Status'],
      plan.backendsTried.map((b) => [b.backend, num(b.objective), num(b.ms), b.status])));
  }
  if (plan.qubo) {
    parts.push(el('h3', {}, 'QUBO'));
    parts.push(table('The compiled model', ['Variables', 'Interactions'], [[num(plan.qubo.variables), num(plan.qubo.interactions)]]));
    const penalties = Object.entries(plan.qubo.penalties ?? {});
    if (penalties.length) parts.push(table('Penalties', ['Constraint', { text: 'Weight', num: true }], penalties.map(([k, v]) => [k, num(v)])));
  }
  $('#score').replaceChildren(...parts);
}

$('#zoom-in').addEventListener('click', () => gantt?.zoomBy(1.25));
$('#zoom-out').addEventListener('click', () => gantt?.zoomBy(1 / 1.25));
$('#zoom-fit').addEventListener('click', () => gantt?.fit());
$('#export-svg').addEventListener('click', () => gantt?.exportSvg(`${$('#job-title').textContent.replace('Job ', 'plan-')}.svg`));
$('#export-png').addEventListener('click', () => gantt?.exportPng(`${$('#job-title').textContent.replace('Job ', 'plan-')}.png`));
