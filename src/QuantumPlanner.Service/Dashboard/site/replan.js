// Re-planning from a plan (docs/planning.md): the plan's assignments become the problem's baseline, the pinned ones
// with "pinned": true, an added task joins the problem, and the objective's "changes" weight prices each move.
import { api, describe } from './api.js';
import { $, el } from './dom.js';

export function mountReplan({ job, plan, problem }) {
  const pins = new Map();
  let gantt = null;
  const list = $('#pins');
  list.replaceChildren(...plan.assignments.map((a) => {
    const id = `pin-${a.task}`;
    const box = el('input', { type: 'checkbox', id, 'data-task': a.task });
    pins.set(a.task, box);
    box.addEventListener('change', () => gantt?.mark(a.task, 'pinned', box.checked));
    return el('div', {}, box, ' ', el('label', { for: id }, `${a.task} — ${a.agent ?? 'no agent'} at ${a.start}`));
  }));
  $('#replan-error').textContent = '';

  const form = $('#replan-form');
  // A new plan starts a new re-plan: nothing pinned, no task left over from the last one.
  form.reset();
  form.onsubmit = async (event) => {
    event.preventDefault();
    const next = structuredClone(problem);
    next.baseline = {
      assignments: plan.assignments.map((a) => ({ task: a.task, agent: a.agent, start: a.start, end: a.end, pinned: pins.get(a.task)?.checked === true })),
    };
    next.objective = { ...(next.objective ?? {}), changes: Number($('#changes-weight').value) };
    const id = $('#new-id').value.trim();
    if (id) {
      const task = { id, duration: Number($('#new-duration').value), priority: Number($('#new-priority').value) };
      const skills = $('#new-skills').value.split(',').map((s) => s.trim()).filter(Boolean);
      if (skills.length) task.requiredSkills = skills;
      if ($('#new-deadline').value !== '') task.deadline = Number($('#new-deadline').value);
      next.tasks = [...next.tasks, task];
    }
    try {
      const created = await api('/api/v1/jobs', { method: 'POST', body: { problem: next, backend: job.backendRequested, timeLimitSeconds: job.timeLimitSeconds, seed: job.seed } });
      location.hash = `#/job/${created.id}`;
    } catch (error) {
      const issues = error.issues?.map((i) => `${i.item}: ${i.message}`).join(' ') ?? '';
      $('#replan-error').textContent = `${describe(error)} ${issues}`.trim();
    }
  };

  return {
    attach(chart) { gantt = chart; },
    togglePin(task) {
      const box = pins.get(task);
      if (!box) return;
      box.checked = !box.checked;
      gantt?.mark(task, 'pinned', box.checked);
    },
  };
}
