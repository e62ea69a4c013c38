// Interactivity over the service's own Gantt drawing (GET /api/v1/jobs/{id}/gantt.svg, the drawing of
// `qplan solve --format gantt-svg`): hover details from the bars' data attributes and the plan, related arrows and
// deadlines highlighted, zoom (buttons, Ctrl + wheel) and pan (drag, scroll), export as SVG or PNG, click to pin.
// Bars are reachable by keyboard: one tab stop (a roving tabindex), arrow keys move between bars, Enter or Space
// shows the details that hovering shows, Escape hides them.
import { $, download, el, num } from './dom.js';

const MinZoom = 0.25;
const MaxZoom = 6;

/** The chart shown in `container`: `{ svg, bars, zoom(factor), fit(), exportSvg(name), exportPng(name), highlight(task) }`. */
export function mountGantt(container, svgText, { problem, plan, onBarClick }) {
  // A chart drawn again (another row view) replaces this one: the container's listeners of the last go with it.
  container.qpMount?.abort();
  const mounted = new AbortController();
  container.qpMount = mounted;
  const { signal } = mounted;
  const documentSvg = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement;
  const chart = document.importNode(documentSvg, true);
  // Interactive bars inside: a group, not an image (whose children assistive technology would not reach).
  chart.setAttribute('role', 'group');
  const baseWidth = Number(chart.getAttribute('width'));
  const baseHeight = Number(chart.getAttribute('height'));
  container.replaceChildren(chart);
  let zoom = 1;

  const tasks = new Map((problem?.tasks ?? []).map((task) => [task.id, task]));
  const agents = new Map((problem?.agents ?? []).map((agent) => [agent.id, agent]));
  const violations = new Map();
  for (const violation of plan.score?.violations ?? []) {
    if (!violation.task) continue;
    violations.set(violation.task, [...(violations.get(violation.task) ?? []), violation]);
  }
  // In the resource view a task on two resources has a bar in each; marks and highlights go to all of them.
  const order = [...chart.querySelectorAll('g.task')];
  const bars = new Map();
  for (const bar of order) bars.set(bar.dataset.task, [...(bars.get(bar.dataset.task) ?? []), bar]);
  const tooltip = $('#tooltip');
  tooltip.hidden = true;

  function setZoom(value, anchorX = container.clientWidth / 2, anchorY = container.clientHeight / 2) {
    const next = Math.min(MaxZoom, Math.max(MinZoom, value));
    // Keep the point under the anchor where it is.
    const x = (container.scrollLeft + anchorX) / zoom;
    const y = (container.scrollTop + anchorY) / zoom;
    zoom = next;
    chart.setAttribute('width', String(Math.round(baseWidth * zoom)));
    chart.setAttribute('height', String(Math.round(baseHeight * zoom)));
    container.scrollLeft = x * zoom - anchorX;
    container.scrollTop = y * zoom - anchorY;
  }

  function fit() {
    setZoom(Math.min(1, Math.max(MinZoom, (container.clientWidth - 4) / baseWidth)), 0, 0);
    container.scrollLeft = 0;
    container.scrollTop = 0;
  }

  function details(bar) {
    const { task: id, agent, start, end } = bar.dataset;
    const task = tasks.get(id);
    const worker = agents.get(agent);
    const duration = Number(end) - Number(start);
    const cost = task?.costByAgent?.[agent] ?? (worker ? duration * (worker.costPerUnit ?? 0) : undefined);
    const rows = [
      ['Agent', agent || '—'],
      ['Start', start],
      ['End', end],
      ['Duration', duration],
      ['Skills', task?.requiredSkills?.length ? task.requiredSkills.join(', ') : '—'],
      ['Cost', cost === undefined ? '—' : num(cost)],
    ];
    if (task?.deadline !== undefined) rows.push(['Deadline', `${task.deadline}${Number(end) > task.deadline ? ` (missed by ${Number(end) - task.deadline})` : ' (met)'}`]);
    if (task?.dependsOn?.length) rows.push(['After', task.dependsOn.join(', ')]);
    for (const violation of violations.get(id) ?? []) rows.push(['Violation', `${violation.constraint}: ${violation.message}`]);
    return el('div', {}, el('strong', {}, id), el('dl', {}, rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)])));
  }

  function related(id, on) {
    for (const arrow of chart.querySelectorAll('path.dependency')) {
      if (arrow.dataset.from === id || arrow.dataset.to === id) arrow.classList.toggle('related', on);
    }
    for (const deadline of chart.querySelectorAll('g.deadline')) {
      if (deadline.dataset.task === id) deadline.classList.toggle('related', on);
    }
  }

  function showAt(bar) {
    tooltip.replaceChildren(details(bar));
    tooltip.hidden = false;
    const box = bar.getBoundingClientRect();
    tooltip.style.left = `${Math.max(8, Math.min(window.innerWidth - tooltip.offsetWidth - 8, box.right + 8))}px`;
    tooltip.style.top = `${Math.max(8, Math.min(window.innerHeight - tooltip.offsetHeight - 8, box.top))}px`;
  }

  function focusBar(bar) {
    if (!bar) return;
    for (const other of order) other.setAttribute('tabindex', other === bar ? '0' : '-1');
    bar.focus();
  }

  /** The bar of the row above or below (`step` −1 or 1) nearest in time to `bar`. */
  function across(bar, step) {
    const rows = [...chart.querySelectorAll('g.row')].filter((row) => row.querySelector('g.task'));
    const target = rows[rows.indexOf(bar.closest('g.row')) + step];
    if (!target) return null;
    const start = Number(bar.dataset.start);
    return [...target.querySelectorAll('g.task')].reduce((best, b) => (Math.abs(Number(b.dataset.start) - start) < Math.abs(Number(best.dataset.start) - start) ? b : best));
  }

  order.forEach((bar, i) => {
    const title = bar.querySelector('title')?.textContent ?? bar.dataset.task;
    bar.setAttribute('tabindex', i === 0 ? '0' : '-1');
    // A mark of the chart (graphics-symbol), named by its full title; pins come from a click or the Pin list below.
    bar.setAttribute('role', 'graphics-symbol');
    bar.setAttribute('aria-label', `${title}. Enter shows details; arrow keys move to other bars.`);
    bar.setAttribute('aria-controls', 'tooltip');
    // The shortened label is what the eye reads; the name (the full title) is what a screen reader says.
    bar.querySelector('text')?.setAttribute('aria-hidden', 'true');
    bar.addEventListener('focus', () => related(bar.dataset.task, true));
    bar.addEventListener('blur', () => {
      related(bar.dataset.task, false);
      tooltip.hidden = true;
    });
    bar.addEventListener('keydown', (event) => {
      const moves = { ArrowRight: () => order[i + 1], ArrowLeft: () => order[i - 1], ArrowDown: () => across(bar, 1), ArrowUp: () => across(bar, -1), Home: () => order[0], End: () => order.at(-1) };
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        showAt(bar);
      } else if (event.key === 'Escape') {
        tooltip.hidden = true;
      } else if (moves[event.key]) {
        event.preventDefault();
        tooltip.hidden = true;
        focusBar(moves[event.key]());
      }
    });
  });

  for (const [id, group] of bars) for (const bar of group) {
    bar.addEventListener('mouseenter', () => {
      tooltip.replaceChildren(details(bar));
      tooltip.hidden = false;
      related(id, true);
    });
    bar.addEventListener('mousemove', (event) => {
      tooltip.style.left = `${Math.min(window.innerWidth - tooltip.offsetWidth - 8, event.clientX + 14)}px`;
      tooltip.style.top = `${Math.min(window.innerHeight - tooltip.offsetHeight - 8, event.clientY + 14)}px`;
    });
    bar.addEventListener('mouseleave', () => {
      tooltip.hidden = true;
      related(id, false);
    });
    bar.addEventListener('click', (event) => {
      if (!moved) onBarClick?.(id, event);
    });
  }

  // Pan by dragging; a drag of a few pixels is not a click.
  let drag = null;
  let moved = false;
  container.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, left: container.scrollLeft, top: container.scrollTop };
    moved = false;
  }, { signal });
  container.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!moved && Math.hypot(dx, dy) < 4) return;
    moved = true;
    container.classList.add('dragging');
    container.scrollLeft = drag.left - dx;
    container.scrollTop = drag.top - dy;
  }, { signal });
  const endDrag = () => { drag = null; container.classList.remove('dragging'); };
  container.addEventListener('pointerup', endDrag, { signal });
  container.addEventListener('pointerleave', endDrag, { signal });
  container.addEventListener('wheel', (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    const box = container.getBoundingClientRect();
    setZoom(zoom * (event.deltaY < 0 ? 1.2 : 1 / 1.2), event.clientX - box.left, event.clientY - box.top);
  }, { passive: false, signal });

  return {
    svg: chart,
    bars,
    get zoom() { return zoom; },
    zoomBy(factor) { setZoom(zoom * factor); },
    fit,
    highlight(id, on) {
      for (const bar of bars.get(id) ?? []) bar.classList.toggle('highlight', on);
      related(id, on);
    },
    mark(id, className, on) { for (const bar of bars.get(id) ?? []) bar.classList.toggle(className, on); },
    exportSvg(name) { download(name, new Blob([svgText], { type: 'image/svg+xml' })); },
    async exportPng(name) {
      // The drawing as it came from the service, rasterised at twice its size for a sharp picture.
      const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
      try {
        const image = new Image();
        image.src = url;
        await image.decode();
        const canvas = el('canvas', { width: baseWidth * 2, height: baseHeight * 2 });
        const context = canvas.getContext('2d');
        context.scale(2, 2);
        context.drawImage(image, 0, 0, baseWidth, baseHeight);
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
        download(name, blob);
      } finally {
        URL.revokeObjectURL(url);
      }
    },
  };
}
