// The problem schema (GET /schemas/problem.json, the document docs/schemas publishes and the MCP tools carry) as the
// editor's field reference: a table of fields per kind of object, and the description of the field under the caret.
import { api } from './api.js';
import { el } from './dom.js';

// The kinds a problem is made of, in the order a reader meets them; null is the problem object itself.
const Kinds = [['Problem', null], ['Agent', 'agent'], ['Task', 'task'], ['Resource', 'resource'], ['Availability window', 'window'], ['Objective weights', 'objective'], ['Baseline assignment', 'baselineAssignment']];

let loaded = null;

/** The schema, read once per page. */
export function problemSchema() {
  loaded ??= api('/schemas/problem.json').catch((error) => { loaded = null; throw error; });
  return loaded;
}

function kind(schema, def) {
  return def === null ? schema : schema.$defs?.[def];
}

function typeOf(property) {
  if (!property) return 'any';
  if (property.$ref) return property.$ref.split('/').at(-1);
  if (property.type === 'array') return `array of ${typeOf(property.items)}`;
  if (property.type === 'object' && typeof property.additionalProperties === 'object') return `map of ${typeOf(property.additionalProperties)}`;
  return [].concat(property.type ?? 'any').join(' or ');
}

function limits(property) {
  const parts = [];
  if (property.minimum !== undefined) parts.push(`≥ ${property.minimum}`);
  if (property.exclusiveMinimum !== undefined) parts.push(`> ${property.exclusiveMinimum}`);
  if (property.maximum !== undefined) parts.push(`≤ ${property.maximum}`);
  if (property.default !== undefined) parts.push(`default ${JSON.stringify(property.default)}`);
  if (property.enum) parts.push(`one of ${property.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  return parts.join(', ');
}

/** A table of fields for every kind of object the schema describes. */
export function fieldTables(schema) {
  return Kinds.filter(([, def]) => kind(schema, def)?.properties).map(([label, def]) => {
    const object = kind(schema, def);
    const required = new Set(object.required ?? []);
    return el('table', { class: 'data schema-fields', 'data-kind': def ?? 'problem' },
      el('caption', {}, `${label} fields`),
      el('thead', {}, el('tr', {}, ['Field', 'Type', 'Description'].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, Object.entries(object.properties).map(([name, property]) => el('tr', { 'data-field': name },
        el('td', {}, el('code', {}, name), required.has(name) ? ' (required)' : ''),
        el('td', {}, [typeOf(property), limits(property)].filter(Boolean).join(', ')),
        el('td', {}, property.description ?? '')))));
  });
}

/** What the schema says of a field name, for every kind that has it (a name like "id" is in several). */
export function describeField(schema, name) {
  const found = Kinds.map(([label, def]) => [label, kind(schema, def)?.properties?.[name]]).filter(([, property]) => property);
  if (found.length === 0) return null;
  return `${name}: ${found.map(([label, property]) => `${label.toLowerCase()} ${[typeOf(property), limits(property)].filter(Boolean).join(', ')}${property.description ? ` — ${property.description}` : ''}`).join('; ')}`;
}
