// Caller authentication (CALLER_SECRET, constant-time) and CORS for ALLOWED_ORIGIN.
import { stringSetting } from './config.js';
import { errorResponse } from './http.js';

const ALLOWED_METHODS = 'GET, DELETE, POST, OPTIONS';

export async function callerAuthorized(request, env) {
  const secret = stringSetting(env, 'CALLER_SECRET').trim();
  if (secret.length === 0) return false; // fail closed: no secret configured, nobody gets in
  const header = request.headers.get('authorization') ?? '';
  const m = /^Bearer[ ]+(\S.*)$/i.exec(header);
  if (!m) return false;
  // Compare fixed-length digests so neither the length nor a prefix of the secret leaks through
  // timing; timingSafeEqual where the runtime has it (workerd), an XOR loop otherwise.
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', enc.encode(m[1].trim())),
    crypto.subtle.digest('SHA-256', enc.encode(secret)),
  ]);
  if (typeof crypto.subtle.timingSafeEqual === 'function') return crypto.subtle.timingSafeEqual(a, b);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

export function corsHeaders(request, env) {
  const origin = request.headers.get('origin');
  const allowed = stringSetting(env, 'ALLOWED_ORIGIN').trim();
  const headers = { vary: 'Origin' };
  if (origin && allowed && origin === allowed) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-expose-headers'] = 'Retry-After, X-Request-Id';
  }
  return headers;
}

export function preflight(request, env, cors, match) {
  if (!cors['access-control-allow-origin'] || !request.headers.get('access-control-request-method')) {
    return errorResponse(403, 'CORS_ORIGIN_NOT_ALLOWED', 'Cross-origin requests are only allowed from ALLOWED_ORIGIN.');
  }
  if (!match) return errorResponse(404, 'ROUTE_NOT_FOUND', 'No such route.');
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': '600',
    },
  });
}
