// Submit: paste, upload or pick an example; the service's /api/v1/validate checks the text as typed, so every issue
// comes back with the line and column of this editor; a click on an issue puts the caret there. The problem schema
// gives the field reference below the editor and the description of the field under the caret.
import { api, describe } from './api.js';
import { $, el } from './dom.js';
import { describeField, fieldTables, problemSchema } from './schema-help.js';

const text = $('#problem-text');
const output = $('#validation');
let examplesLoaded = false;

export async function show() {
  if (!examplesLoaded) {
    examplesLoaded = true;
    try {
      const { examples } = await api('/api/v1/examples');
      $('#example').append(...examples.map((name) => el('option', { value: name }, name)));
      const { backends } = await api('/api/v1/backends');
      $('#backend').append(...backends.filter((b) => b.available && b.name !== 'auto').map((b) => el('option', { value: b.name }, b.name)));
      $('#schema-fields').replaceChildren(...fieldTables(await problemSchema()));
    } catch (error) {
      examplesLoaded = false;
      output.replaceChildren(el('p', { class: 'error' }, describe(error)));
    }
  }
}

/** 1-based line and column of a character offset in the editor's text. */
function position(offset) {
  const before = text.value.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The character offset of a 1-based line and column. */
function offsetOf(line, column) {
  const lines = text.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  return offset + Math.max(0, column - 1);
}

/**
 * Where an issue without a position is, from the item it names (validation of cross-references, e.g.
 * "task 'deploy'"): the line of that item's "id".
 */
function locate(issue) {
  if (issue.line) return { line: issue.line, column: issue.column ?? 1 };
  const named = /'([^']+)'/.exec(issue.item ?? '');
  if (!named) return null;
  const escaped = named[1].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`"id"\\s*:\\s*"${escaped}"`).exec(text.value);
  return match ? position(match.index) : null;
}

function jumpTo(line, column) {
  const offset = offsetOf(line, column);
  text.focus();
  text.setSelectionRange(offset, offset);
  // Scroll the line into view: the textarea's line height is fixed by the stylesheet.
  const lineHeight = parseFloat(getComputedStyle(text).lineHeight) || 18;
  text.scrollTop = Math.max(0, (line - 3) * lineHeight);
  showCaret();
}

function showCaret() {
  const { line, column } = position(text.selectionStart);
  $('#caret').textContent = `Line ${line}, column ${column}`;
  showField();
}

/** The schema's word on the property whose name is at or before the caret on its line ("duration": ...). */
async function showField() {
  const start = text.value.lastIndexOf('\n', text.selectionStart - 1) + 1;
  const end = text.value.indexOf('\n', text.selectionStart);
  const line = text.value.slice(start, end < 0 ? undefined : end);
  const column = text.selectionStart - start;
  let name = null;
  for (const match of line.matchAll(/"([A-Za-z]+)"\s*:/g)) if (match.index <= column) name = match[1];
  let help = '';
  if (name) {
    try {
      help = describeField(await problemSchema(), name) ?? `${name}: not a field of the problem schema. Maybe a typo?`;
    } catch {
      help = '';
    }
  }
  $('#field-help').textContent = help;
}

function showIssues(issues) {
  const list = el('ol', { class: 'issues', id: 'issues' });
  for (const issue of issues) {
    const at = locate(issue);
    const where = at ? `Line ${at.line}, column ${at.column}` : 'No position';
    const label = el('button', { type: 'button', class: 'issue-position', 'data-line': at?.line, 'data-column': at?.column }, where);
    if (at) label.addEventListener('click', () => jumpTo(at.line, at.column));
    else label.disabled = true;
    list.append(el('li', { class: 'issue', 'data-code': issue.code }, label, ': ', issue.message, ' ', el('span', { class: 'muted' }, issue.suggestion ?? '')));
  }
  output.replaceChildren(el('h2', {}, `${issues.length} issue${issues.length === 1 ? '' : 's'} to fix`), list);
}

/** Validates the editor's text; true when the service found nothing wrong. */
async function validate() {
  output.replaceChildren(el('p', { class: 'muted' }, 'Validating…'));
  try {
    const report = await api('/api/v1/validate', { method: 'POST', body: text.value });
    if (report.valid) {
      output.replaceChildren(el('p', { class: 'valid', id: 'valid' }, `Valid: ${report.tasks} tasks, ${report.agents} agents.`));
      return true;
    }
    showIssues(report.issues);
  } catch (error) {
    output.replaceChildren(el('p', { class: 'error' }, describe(error)));
  }
  return false;
}

async function submit() {
  if (!(await validate())) return;
  const options = { backend: $('#backend').value, timeLimitSeconds: Number($('#time-limit').value), seed: Number($('#seed').value) };
  // The problem goes in as typed (comments and trailing commas are accepted by the service), not re-serialised.
  const body = `{"problem":${text.value},"backend":${JSON.stringify(options.backend)},"timeLimitSeconds":${options.timeLimitSeconds},"seed":${options.seed}}`;
  try {
    const job = await api('/api/v1/jobs', { method: 'POST', body });
    location.hash = `#/job/${job.id}`;
  } catch (error) {
    if (error.issues.length > 0) showIssues(error.issues);
    else output.replaceChildren(el('p', { class: 'error', role: 'alert' }, describe(error)));
  }
}

$('#example').addEventListener('change', async (event) => {
  if (!event.target.value) return;
  try {
    text.value = await api(`/api/v1/examples/${encodeURIComponent(event.target.value)}`, { raw: true });
    output.replaceChildren();
    showCaret();
  } catch (error) {
    output.replaceChildren(el('p', { class: 'error' }, describe(error)));
  }
});
$('#problem-file').addEventListener('change', async (event) => {
  const file = event.target.files?.[0];
  if (!file) return;
  text.value = await file.text();
  output.replaceChildren();
  showCaret();
});
for (const name of ['keyup', 'click', 'input']) text.addEventListener(name, showCaret);
$('#validate').addEventListener('click', validate);
$('#submit').addEventListener('click', submit);
