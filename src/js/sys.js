// What the wasm imports from JavaScript (declared in src/sys.rs): own-property reads, option
// snapshots, the environment. Each does in one call what would otherwise cross the JS/wasm
// boundary many times, none throws into the wasm, and none reads anything through
// Object.prototype, so code planted there cannot steer the client. (The I/O the driver does for
// the wasm is in io.js.)

/** `o[key]` when `o` is an object with `key` as its own property, else `undefined`. */
export function own(o, key) {
  try {
    return (typeof o === 'object' || typeof o === 'function') && o !== null && Object.hasOwn(o, key) ? o[key] : undefined;
  } catch {
    return undefined;
  }
}

/** `own(o, key)`, with `null` read as `undefined` (JSON bodies: absent and null mean the same). */
export function ownValue(o, key) {
  return own(o, key) ?? undefined;
}

/** Whether `v` is a plain JSON object: not null, not an array, not a function (nor a revoked Proxy). */
export function isJsonObject(v) {
  try {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** The own properties `names` (comma-separated) of `o` as one typed string: src/proto/options.rs. */
export function snapshot(o, names) {
  let out = '';
  for (const name of names.split(',')) out += tag(own(o, name));
  return out;
}

function tag(v) {
  try {
    return typeOf(v);
  } catch {
    // A revoked Proxy: Array.isArray throws on it.
    return '?';
  }
}

function typeOf(v) {
  switch (typeof v) {
    case 'undefined': return 'u';
    case 'boolean': return v ? 't' : 'f';
    case 'number': return Number.isSafeInteger(v) && v >= 0 ? `i${v};` : 'd';
    case 'string': return isWellFormed(v) ? `s${v.length};${v}` : 'x';
    case 'function': return 'F';
    case 'object': return v === null ? 'n' : Array.isArray(v) ? 'a' : 'o';
    default: return '?';
  }
}

/** `F` when there is a global fetch, then `B` in a browser page (where a token would be exposed). */
export function environment() {
  try {
    const page = typeof document === 'object' && document !== null && typeof window === 'object' && window !== null;
    return `${typeof globalThis.fetch === 'function' ? 'F' : '-'}${page ? 'B' : '-'}`;
  } catch {
    // A global getter that throws: no fetch, and (the safe guess) a page.
    return '-B';
  }
}

/** A string without lone surrogates (which would reach the wasm as U+FFFD). */
export function isWellFormed(s) {
  if (typeof s.isWellFormed === 'function') return s.isWellFormed();
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}
