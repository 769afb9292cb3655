// Secret scrubbing, the last step before anything leaves the Worker (every response body and
// header, every log line). The Talkover API, or anything posing as it, may echo the Worker's
// token back in any field, so every string is checked against the secrets (TALKOVER_TOKEN and
// CALLER_SECRET) in every form an upstream might use: plain, `Bearer <token>`, JSON or JS
// escapes (`\u0074alq_...`), percent-encoding (also double), HTML character references,
// base64, other letter case, or split by punctuation and invisible characters. A plain copy is
// replaced by `[redacted]`; a string that holds an encoded copy is replaced as a whole.

const REDACTED = '[redacted]';
const WHOLE = '[redacted: the text contained a secret]';
const TOO_DEEP = '[dropped: nested too deeply]';
const MAX_DEPTH = 32;
const MIN_NEEDLE = 6; // a shorter secret would redact ordinary words
const MIN_LOOSE = 12; // compared with punctuation removed only when this long
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", lowbar: '_', sol: '/', bsol: '\\', percnt: '%', nbsp: ' ' };

/** A function that returns a copy of any JSON-like value with every secret scrubbed out. */
export function makeScrubber(secrets) {
  const needles = needlesOf(secrets);
  const scrubString = (s) => scrubText(s, needles);
  const walk = (value, depth) => {
    if (typeof value === 'string') return scrubString(value);
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'bigint') return scrubString(String(value));
    if (typeof value !== 'object') return undefined; // functions, symbols, undefined: not data
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    if (typeof value.toJSON === 'function') return walk(value.toJSON(), depth + 1); // as JSON.stringify
    if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1) ?? null);
    // fromEntries defines own properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(Object.keys(value).map((k) => [scrubString(k), walk(value[k], depth + 1)]));
  };
  return (value) => walk(value, 0);
}

/** Each secret, and a `talq_` token's part after the prefix, lower-cased, longest first. */
function needlesOf(secrets) {
  const out = new Set();
  for (const secret of secrets) {
    if (typeof secret !== 'string') continue;
    const s = secret.trim().toLowerCase();
    if (s.length >= MIN_NEEDLE) out.add(s);
    const body = s.replace(/^talq_/, '');
    if (body !== s && body.length >= MIN_NEEDLE) out.add(body);
  }
  return [...out].sort((a, b) => b.length - a.length).map((n) => ({ plain: n, loose: loosen(n) }));
}

function scrubText(text, needles) {
  if (needles.length === 0) return text;
  let out = text;
  for (const { plain } of needles) out = replaceAllFolded(out, plain);
  return exposes(out, needles) ? WHOLE : out;
}

/** `text` with every case-insensitive occurrence of `needle` (lower case) replaced. */
function replaceAllFolded(text, needle) {
  const lower = text.toLowerCase();
  if (lower.length !== text.length || !lower.includes(needle)) {
    return lower.includes(needle) ? WHOLE : text; // case folding changed lengths: no splicing
  }
  let out = '';
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, from)) {
    out += text.slice(from, at) + REDACTED;
    from = at + needle.length;
  }
  return out + text.slice(from);
}

/** Whether any decoding of `text` still holds a secret. */
function exposes(text, needles) {
  const views = decodings(text);
  return views.some((view) => {
    const lower = view.toLowerCase();
    const loose = loosen(lower);
    return needles.some((n) => lower.includes(n.plain) || (n.loose.length >= MIN_LOOSE && loose.includes(n.loose)));
  });
}

/** `text` decoded until stable (at most 4 rounds), plus base64 readings of long runs. */
function decodings(text) {
  let current = text;
  for (let round = 0; round < 4; round++) {
    const next = decodeOnce(current);
    if (next === current) break;
    current = next;
  }
  const views = [text, current];
  for (const run of current.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) views.push(base64(run));
  return views;
}

function decodeOnce(s) {
  return s
    .replace(/(?:%[0-9a-f]{2})+/gi, percent)
    .replace(/\\u\{([0-9a-f]{1,6})\}|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})/gi, (m, a, b, c) => codePoint(m, a ?? b ?? c))
    .replace(/&#x([0-9a-f]{1,6});?|&#(\d{1,7});?/gi, (m, hex, dec) => codePoint(m, hex ?? Number(dec).toString(16)))
    .replace(/&([a-z]+);/gi, (m, name) => ENTITIES[name.toLowerCase()] ?? m);
}

function percent(run) {
  try {
    return decodeURIComponent(run);
  } catch {
    return run.replace(/%([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
  }
}

function codePoint(match, hex) {
  const n = parseInt(hex, 16);
  return n <= 0x10ffff ? String.fromCodePoint(n) : match;
}

function base64(run) {
  try {
    return atob(run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''));
  } catch {
    return '';
  }
}

/** Letters and digits only: a secret split by punctuation, spaces or invisible characters. */
function loosen(s) {
  return s.replace(/[^a-z0-9]/g, '');
}
