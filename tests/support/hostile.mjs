// A hostile Talkover API on loopback, for the hardening tests: a real HTTP server whose first
// path segment picks a behaviour (baseUrl `http://127.0.0.1:PORT/<mode>`):
//
//   echo      every answer echoes the caller's token everywhere: request-id headers, messages,
//             names, keys, nested values, JSON-escaped (\u0074...), upper-case, percent-encoded
//             and "Bearer ..." forms
//   echo<N>   the same, as an error with status N (and an HTML page for echohtml)
//   republish the echo, of a published agent whose publish fails (a 500): republishError
//   flaky     DELETE: first a 500, then a 404, both echoing the token (the already-deleted path)
//   redirect  303 to /redirect/ok, which answers 200 "deleted" to the GET a follower would send
//   huge<N>   status N and an endless body (counted: `sent` says how much left the server)
//   declared  a 200 declaring a 1 GB Content-Length
//   deep<N>   status N and JSON nested 200,000 deep holding the token
//   retry     429 with a Retry-After of 10^20 seconds
import { createServer } from 'node:http';

/** Tokens whose forms differ: JSON escapes `"` and `\`, strict percent-encoding `!'()*`. */
export const HOSTILE_TOKENS = ['talq_hostile_5b2e9d41', 'talq_q"uo\\te_7c1', "talq_st*r!('x')"];

/**
 * The first form of `token` found in `text`, in any letter case (the server echoes it upper-cased
 * too): as is, JSON-escaped, percent-encoded, strictly percent-encoded; `null` when none is.
 */
export function leakedForm(text, token) {
  const lower = String(text).toLowerCase();
  const forms = [token, JSON.stringify(token).slice(1, -1), encodeURIComponent(token), strictlyEncoded(token)];
  return forms.find((form) => lower.includes(form.toLowerCase())) ?? null;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Starts the server; resolves to { url, requests, sent, stop }. */
export async function startHostile() {
  const requests = [];
  const sent = {};
  const seen = new Map();
  const server = createServer((req, res) => {
    const [, mode = '', ...rest] = req.url.split('?')[0].split('/');
    const path = `/${rest.join('/')}`;
    requests.push({ mode, method: req.method, path });
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const key = `${req.method} ${req.url} ${token}`;
    const attempt = (seen.get(key) ?? 0) + 1;
    seen.set(key, attempt);
    answer({ mode, path, method: req.method, token, attempt, req, res, sent });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    sent,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function answer({ mode, path, method, token, attempt, req, res, sent }) {
  const status = Number(mode.replace(/^\D+/, '')) || 200;
  if (mode === 'echo' || mode.startsWith('echo')) {
    if (mode === 'echohtml') return send(res, 500, echoHeaders(token, 'text/html'), `<h1>Bearer ${token}</h1>`);
    return send(res, status, echoHeaders(token), echoBody(token, path, method, status));
  }
  if (mode === 'republish') {
    const failed = method === 'POST' && path.endsWith('/publish');
    return send(res, failed ? 500 : 200, echoHeaders(token), echoBody(token, path, method, failed ? 500 : 200, 'published'));
  }
  if (mode === 'flaky') {
    const body = attempt === 1 ? { success: false, message: `boom ${token}` } : { success: false, message: 'Agent not found' };
    return send(res, attempt === 1 ? 500 : 404, echoHeaders(token), JSON.stringify(body));
  }
  if (mode === 'redirect') {
    if (path === '/ok') return send(res, 200, {}, JSON.stringify({ success: true, message: 'Agent deleted successfully', data: agent('ok', 'draft') }));
    return send(res, 303, { location: '/redirect/ok' }, '');
  }
  if (mode.startsWith('huge')) return endless(req, res, status, mode, sent);
  if (mode === 'declared') {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1e9) });
    return endless(req, res, 200, mode, sent, false);
  }
  if (mode.startsWith('deep')) {
    const depth = 200_000;
    return send(res, status, {}, `${'['.repeat(depth)}"\\u0074${token.slice(1)}"${']'.repeat(depth)}`);
  }
  if (mode === 'retry') return send(res, 429, { 'retry-after': '100000000000000000000' }, JSON.stringify({ message: 'slow down' }));
  return send(res, 404, {}, JSON.stringify({ success: false, message: 'Not found' }));
}

function send(res, status, headers, text) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

// Percent-encoded as RFC 3986 has it (`!'()*` too, unlike encodeURIComponent).
const strictlyEncoded = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function echoHeaders(token, type = 'application/json') {
  return { 'content-type': type, 'x-request-id': `${token.toUpperCase()} ${encodeURIComponent(token)} ${JSON.stringify(token)}`, 'request-id': token, 'cf-ray': `Bearer ${token}` };
}

// Every character of the token as a JSON \u escape: JSON.parse turns it back into the token.
const escaped = (token) => [...token].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

function echoBody(token, path, method, status, agentStatus = 'draft') {
  const agentId = decodeURIComponent(path.split('/')[3] ?? 'x');
  const data = path.endsWith('/trainings')
    ? [{ id: `t-${token}`, subject: token, instructions: `Bearer ${token}` }]
    : path === '/api/v1/agents'
      ? [agent(agentId, agentStatus, token)]
      : agent(agentId, agentStatus, token);
  const body = {
    success: status < 300,
    message: `${method} done for ${token} (${token.toUpperCase()}, ${encodeURIComponent(token).toUpperCase()})`,
    code: status < 300 ? undefined : `E_${token}`,
    error: status < 300 ? undefined : { message: token, details: [token] },
    errors: status < 300 ? undefined : { [token]: [`${token} is bad`] },
    data,
    meta: { current_page: 1, per_page: 10, total: 1, last_page: 1, note: token, link: `/agents?token=${strictlyEncoded(token)}`, json: JSON.stringify({ authorization: token }) },
    pagination: { total: 0 },
  };
  // Calls in progress only for a `busy` agent (activeCalls), so a cleanup's calls check passes.
  if (path.endsWith('/calls')) body.data = path.includes('/agents/busy/') ? [{ id: `call-${token}`, to: token, status: 'ringing', note: `Bearer ${token}` }] : [];
  const text = JSON.stringify(body);
  return `${text.slice(0, -1)},"escaped":"${escaped(token)}","${escaped(token)}":["${escaped(token)}"]}`;
}

function agent(id, status, token = '') {
  return { id, name: `Agent ${token}`, label: `Bearer ${token}`, current_status: status, nested: { deep: [token, { [token]: token }] } };
}

function endless(req, res, status, mode, sent, head = true) {
  if (head) res.writeHead(status, { 'content-type': 'application/json' });
  sent[mode] = 0;
  const limit = 600 * 1024 * 1024;
  const pump = () => {
    while (sent[mode] < limit && !res.destroyed) {
      sent[mode] += CHUNK.length;
      if (!res.write(CHUNK)) return void res.once('drain', pump);
    }
    res.end();
  };
  req.socket.on('close', () => res.destroy());
  pump();
}
