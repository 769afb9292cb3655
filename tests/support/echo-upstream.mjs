// A hostile stand-in for the Talkover API on loopback, for token-secrecy tests: every response
// (success and error, JSON and HTML, headers included) echoes the token it was sent, in every
// form a server might use (plain, `Bearer`, JSON escapes, percent-encoding, HTML references,
// base64, upper case, split by invisible characters), in flat, nested and deep fields. Also
// `exposes(text, secret)`, an independent check that a text holds a secret in any such form.
import { createServer } from 'node:http';

/** Every form of `token` the upstream echoes (the ASCII ones also go into headers). */
export function tokenForms(token) {
  const hex = (c) => c.charCodeAt(0).toString(16).padStart(2, '0');
  const chars = [...token];
  const ascii = [
    token,
    `Bearer ${token}`,
    `\\u0074${token.slice(1)}`,
    chars.map((c) => `%${hex(c)}`).join(''),
    chars.map((c) => `%25${hex(c)}`).join(''),
    chars.map((c) => `&#${c.charCodeAt(0)};`).join(''),
    `&#x74;${token.slice(1).replace(/_/g, '&lowbar;')}`,
    Buffer.from(`Bearer ${token}`).toString('base64'),
    token.toUpperCase(),
    JSON.stringify({ authorization: `Bearer ${token}` }),
  ];
  return { ascii, all: [...ascii, chars.join('\u200b'), `«${token}»`] };
}

/** A value holding every form, flat and nested. */
function echoed(forms) {
  return { all: forms.all, nested: { deeper: { deepest: forms.all.slice().reverse() } }, joined: forms.all.join(' | ') };
}

function agent(id, forms, status) {
  return {
    id,
    name: forms.all[0],
    label: forms.all[1],
    description: forms.all.join('\n'),
    voice: { name: forms.all[2], provider: echoed(forms) },
    current_status: status,
    is_sandbox: true,
    is_ready_to_publish: true,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: forms.all[3],
    trainings: [],
    actions: [echoed(forms)],
    phone_numbers: [],
  };
}

/** The JSON body of `method path` (path below /api/v1), or a string for an HTML page. */
function answer(method, path, query, forms, seen) {
  const id = decodeURIComponent(path.split('/')[2] ?? '');
  const ok = (body) => ({ status: 200, body: { success: true, ...body } });
  // A listing searched for `fail-500` fails, echoing: a job whose selection errors.
  if (method === 'GET' && path === '/agents' && query.includes('fail-500')) {
    return { status: 500, body: { success: false, message: `List failed: ${forms.all.join(' ')}`, errors: echoed(forms) } };
  }
  if (method === 'GET' && path === '/agents') {
    // ".." twice: a job reports an agent it cannot address once.
    const data = ['sb-echo-1', `sb-${forms.all[0]}`, 'sb-echo-fail-500', '..', '..'].map((i) => agent(i, forms, 'draft'));
    return ok({ data, meta: { current_page: 1, per_page: 100, total: data.length, last_page: 1 } });
  }
  if (path.endsWith('/calls')) return ok({ data: [], pagination: { total: 0, current_page: 1, last_page: 1 } });
  if (path.endsWith('/trainings') && method === 'GET') return ok({ data: [{ id: 'tr-1', subject: forms.all[4], instructions: echoed(forms) }] });
  if (method === 'GET') return ok({ data: agent(id, forms, id.startsWith('pub') ? 'published' : 'draft') });
  if (method === 'POST') return ok({ message: `Done ${forms.all.join(' ')}`, data: agent(id, forms, 'draft') });
  const fail = /fail-(\d{3})/.exec(id);
  if (fail) return { status: Number(fail[1]), body: { success: false, message: `Refused: ${forms.all.join(' ')}`, errors: echoed(forms) } };
  if (id.includes('html')) return { status: 502, html: `<html><body><h1>502 ${forms.all.join('<br>')}</h1></body></html>` };
  // First DELETE of a `gone-` id is a 500, the retry a 404: the client's already-deleted path.
  if (id.startsWith('gone')) return seen.has(path) ? { status: 404, body: { message: `Agent not found ${forms.all[0]}` } } : (seen.add(path), { status: 500, body: { message: forms.all.join(' ') } });
  // The first two DELETEs of a `rate-` id are 429s (the client's one retry too): a job defers it
  // to a later pass, where it is deleted.
  const limited = [1, 2].filter((n) => seen.has(`${path}#${n}`)).length;
  if (id.startsWith('rate') && limited < 2) {
    seen.add(`${path}#${limited + 1}`);
    return { status: 429, body: { success: false, message: `Too many requests ${forms.all.join(' ')}`, errors: echoed(forms) } };
  }
  return ok({ message: `Agent deleted successfully ${forms.all.join(' ')}` });
}

/** Starts the upstream on 127.0.0.1; resolves to { url, requests: [{method, path}], stop }. */
export async function startEchoUpstream(token) {
  const forms = tokenForms(token);
  const requests = [];
  const seen = new Set();
  let counter = 0;
  const server = createServer((req, res) => {
    const [rawPath, query = ''] = req.url.split('?');
    const path = rawPath.replace(/^\/api\/v1/, '');
    requests.push({ method: req.method, path });
    const a = answer(req.method, path, query, forms, seen);
    const headerForm = forms.ascii[counter++ % forms.ascii.length];
    res.setHeader('x-request-id', `req-${headerForm}`);
    res.setHeader('retry-after', '1');
    res.setHeader('content-type', a.html ? 'text/html' : 'application/json');
    res.statusCode = a.status;
    res.end(a.html ?? JSON.stringify(a.body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, requests, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** Whether `text` holds `secret` (or its part after `talq_`) in any form, decoded or not. */
export function exposes(text, secret) {
  const needle = secret.replace(/^talq_/, '').toLowerCase();
  const loose = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  let view = String(text);
  const views = [view];
  for (let round = 0; round < 4; round++) {
    view = view
      .replace(/%([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
      .replace(/\\u([0-9a-f]{4})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
      .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
      .replace(/&lowbar;/gi, '_');
    views.push(view);
  }
  for (const run of view.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []) views.push(Buffer.from(run, 'base64').toString('latin1'));
  return views.some((v) => v.toLowerCase().includes(needle) || loose(v).includes(loose(needle)));
}
