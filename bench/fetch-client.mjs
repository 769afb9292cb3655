// The hand-written baseline: what an app would write instead of the package, with a bare
// fetch. deleteAgent / deleteTraining with the API's error mapping; nothing else.
export class FetchError extends Error {
  constructor(code, message, status = null, requestId = null, details = null) {
    super(message);
    this.name = 'FetchError';
    Object.assign(this, { code, status, requestId, details });
    this.retryable = status === 429 || (status !== null && status >= 500);
  }
}

const CODES = { 401: 'UNAUTHORIZED', 409: 'CONFLICT', 422: 'VALIDATION_ERROR', 429: 'RATE_LIMITED' };

export function createClient({ token, baseUrl = 'https://app.talkover.ai', fetch: f = fetch }) {
  const root = `${baseUrl.replace(/\/+$/, '')}/api/v1`;
  async function del(path, notFound) {
    let res;
    try {
      res = await f(`${root}${path}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    } catch (e) {
      throw new FetchError('NETWORK_ERROR', String(e?.message ?? e));
    }
    const requestId = res.headers.get('x-request-id');
    const body = await res.json().catch(() => null);
    if (res.ok) return { success: true, message: body?.message ?? '', requestId };
    const message = body?.message ?? `HTTP ${res.status}`;
    if (res.status === 404) throw new FetchError(notFound, message, 404, requestId, body);
    const code = CODES[res.status] ?? (res.status >= 500 ? 'SERVER_ERROR' : 'HTTP_ERROR');
    throw new FetchError(code, message, res.status, requestId, body?.errors ?? null);
  }
  const seg = (s) => encodeURIComponent(s);
  return {
    deleteAgent: (agentId) => del(`/agents/${seg(agentId)}`, 'AGENT_NOT_FOUND'),
    deleteTraining: (agentId, trainingId) =>
      del(`/agents/${seg(agentId)}/trainings/${seg(trainingId)}`, 'TRAINING_NOT_FOUND'),
  };
}
