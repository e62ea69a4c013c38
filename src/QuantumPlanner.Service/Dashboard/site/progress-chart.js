// The best objective over time, as a step line: the history the worker stored (GET /api/v1/jobs/{id}/progress,
// every improvement thinned to at most a few hundred points) and, once finished, the plan's own objective.
import { num, svg } from './dom.js';

const Width = 420;
const Height = 180;
const Left = 64;
const Bottom = 28;
const Top = 12;
const Right = 14;

/**
 * `points` are `{ seconds, objective }` improvements; `final` the plan's answer once finished; the line holds the
 * last value until `until` seconds (now while running, the solve's end once finished).
 */
export function drawProgress(container, points, { final, until = 0 } = {}) {
  const shown = final !== undefined && (points.length === 0 || points.at(-1).objective !== final.objective)
    ? [...points, final]
    : points;
  const label = shown.length === 0
    ? 'No progress reported yet.'
    : `Best objective ${num(shown.at(-1).objective)} after ${num(shown.at(-1).seconds)} s, ${shown.length} report${shown.length === 1 ? '' : 's'}.`;
  const chart = svg('svg', { width: Width, height: Height, viewBox: `0 0 ${Width} ${Height}`, role: 'img', 'aria-label': label, class: 'progress-chart' });
  chart.append(svg('title', {}, label));
  chart.append(svg('line', { class: 'axis', x1: Left, y1: Height - Bottom, x2: Width - Right, y2: Height - Bottom }));
  chart.append(svg('line', { class: 'axis', x1: Left, y1: Top, x2: Left, y2: Height - Bottom }));
  if (shown.length > 0) {
    const maxT = Math.max(1, until, ...shown.map((p) => p.seconds));
    const values = shown.map((p) => p.objective);
    let low = Math.min(...values);
    let high = Math.max(...values);
    if (high === low) { high += Math.abs(high) * 0.05 + 1; low -= Math.abs(low) * 0.05 + 1; }
    const x = (t) => Left + (t / maxT) * (Width - Left - Right);
    const y = (v) => Top + ((high - v) / (high - low)) * (Height - Top - Bottom);
    const steps = [];
    shown.forEach((p, i) => {
      if (i > 0) steps.push(`${x(p.seconds).toFixed(1)},${y(shown[i - 1].objective).toFixed(1)}`);
      steps.push(`${x(p.seconds).toFixed(1)},${y(p.objective).toFixed(1)}`);
    });
    // The best so far holds until the end of the time shown.
    steps.push(`${x(Math.max(until, shown.at(-1).seconds)).toFixed(1)},${y(shown.at(-1).objective).toFixed(1)}`);
    chart.append(svg('polyline', { class: 'series', points: steps.join(' ') }));
    for (const p of shown) chart.append(svg('circle', { class: 'point', cx: x(p.seconds).toFixed(1), cy: y(p.objective).toFixed(1), r: 3 }, svg('title', {}, `${num(p.objective)} at ${num(p.seconds)} s`)));
    chart.append(svg('text', { x: Left - 6, y: Top + 8, 'text-anchor': 'end' }, num(high)));
    chart.append(svg('text', { x: Left - 6, y: Height - Bottom, 'text-anchor': 'end' }, num(low)));
    chart.append(svg('text', { x: Left, y: Height - 8 }, '0 s'));
    chart.append(svg('text', { x: Width - Right, y: Height - 8, 'text-anchor': 'end' }, `${num(maxT)} s`));
  }
  container.replaceChildren(chart);
}
