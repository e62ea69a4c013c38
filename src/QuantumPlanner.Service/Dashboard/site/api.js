// The service's HTTP API as the dashboard uses it. The key lives in sessionStorage (this tab only, gone when it
// closes) and travels in the X-Api-Key header; never in a URL, where logs and history would keep it.

const KeyItem = 'qp.apiKey';

export const session = {
  get key() { return sessionStorage.getItem(KeyItem); },
  set key(value) { if (value === null) sessionStorage.removeItem(KeyItem); else sessionStorage.setItem(KeyItem, value); },
};

/** Who the key belongs to (`{ tenant, admin }` from /api/v1/me), or null before sign-in. */
export const caller = { current: null };

/** A response that was not 2xx: its status and the problem details (RFC 7807) the service answers with. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  /** Every issue the service named (`errors` of a 422), as `{ item, message, suggestion }`. */
  get issues() { return this.problem?.errors ?? []; }
}

/**
 * Fetches a route of this origin. `body` is sent as given when it is a string (JSON text the user typed keeps its
 * lines and columns), as JSON otherwise. Answers parsed JSON (the text itself with `raw`), text for other types,
 * or null for an empty body.
 */
export async function api(path, { method = 'GET', body, signal, raw = false } = {}) {
  const headers = { Accept: 'application/json, */*' };
  const key = session.key;
  if (key) headers['X-Api-Key'] = key;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal,
    cache: 'no-store',
    credentials: 'omit',
  });
  const type = response.headers.get('Content-Type') || '';
  const text = await response.text();
  const parsed = text && type.includes('json') && !(raw && response.ok) ? JSON.parse(text) : (text || null);
  if (!response.ok) {
    throw new ApiError(response.status, typeof parsed === 'object' && parsed !== null ? parsed : { detail: parsed });
  }
  return parsed;
}

/** A sentence for an error, with the service's own advice when it gave some. */
export function describe(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'The API key was refused (401): it is unknown, revoked or expired. Maybe create one with qplan keys create --tenant NAME.';
    if (error.status === 403) return `Not allowed with this key (403): ${error.message}`;
    if (error.status === 429 || error.status === 503) return `${error.message} (HTTP ${error.status}; try again shortly)`;
    return `${error.message} (HTTP ${error.status})`;
  }
  return error?.message ?? String(error);
}
