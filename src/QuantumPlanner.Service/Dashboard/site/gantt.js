// Interactivity over the service's own Gantt drawing (GET /api/v1/jobs/{id}/gantt.svg, the drawing of
// `qplan solve --format gantt-svg`): hover details from the bars' data attributes and the plan, related arrows and
// deadlines highlighted, zoom (buttons, Ctrl + wheel) and pan (drag, scroll), export as SVG or PNG, click to pin.
import { $, download, el, num } from './dom.js';

const MinZoom = 0.25;
const MaxZoom = 6;

/** The chart shown in `container`: `{ svg, bars, zoom(factor), fit(), exportSvg(name), exportPng(name), highlight(task) }`. */
export function mountGantt(container, svgText, { problem, plan, onBarClick }) {
  const documentSvg = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement;
  const chart = document.importNode(documentSvg, true);
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
  const bars = new Map([...chart.querySelectorAll('g.task')].map((bar) => [bar.dataset.task, bar]));
  const tooltip = $('#tooltip');

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

  for (const [id, bar] of bars) {
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
  });
  container.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!moved && Math.hypot(dx, dy) < 4) return;
    moved = true;
    container.classList.add('dragging');
    container.scrollLeft = drag.left - dx;
    container.scrollTop = drag.top - dy;
  });
  const endDrag = () => { drag = null; container.classList.remove('dragging'); };
  container.addEventListener('pointerup', endDrag);
  container.addEventListener('pointerleave', endDrag);
  container.addEventListener('wheel', (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    const box = container.getBoundingClientRect();
    setZoom(zoom * (event.deltaY < 0 ? 1.2 : 1 / 1.2), event.clientX - box.left, event.clientY - box.top);
  }, { passive: false });

  return {
    svg: chart,
    bars,
    get zoom() { return zoom; },
    zoomBy(factor) { setZoom(zoom * factor); },
    fit,
    highlight(id, on) {
      bars.get(id)?.classList.toggle('highlight', on);
      related(id, on);
    },
    mark(id, className, on) { bars.get(id)?.classList.toggle(className, on); },
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
