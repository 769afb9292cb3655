// A small WebAssembly binary reader: section sizes, per-function body sizes from the code
// section, names from the "name" custom section, and a per-crate roll-up of function bytes.
// Used for the size breakdown (next to twiggy's, or instead of it when twiggy is missing).

const SECTION = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount', 'tag'];

function reader(bytes, pos = 0) {
  return {
    get pos() { return pos; },
    set pos(p) { pos = p; },
    byte() { return bytes[pos++]; },
    u32() {
      let result = 0, shift = 0, b;
      do {
        b = bytes[pos++];
        result |= (b & 0x7f) << shift;
        shift += 7;
      } while (b & 0x80);
      return result >>> 0;
    },
    name() {
      const len = this.u32();
      const s = new TextDecoder().decode(bytes.subarray(pos, pos + len));
      pos += len;
      return s;
    },
  };
}

/** Parses `bytes` (a wasm module). */
export function parseWasm(bytes) {
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error('not a wasm module');
  const r = reader(bytes, 8);
  const sections = [];
  let importedFuncs = 0;
  const bodies = []; // { index, size } in code-section order
  const names = new Map();
  let dataSegments = [];
  while (r.pos < bytes.length) {
    const headerStart = r.pos;
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    let label = SECTION[id] ?? `unknown(${id})`;
    if (id === 0) {
      const sub = reader(bytes, start);
      const name = sub.name();
      label = `custom "${name}"`;
      if (name === 'name') {
        while (sub.pos < end) {
          const kind = sub.byte();
          const len = sub.u32();
          const subEnd = sub.pos + len;
          if (kind === 1) {
            const count = sub.u32();
            for (let i = 0; i < count; i++) {
              const idx = sub.u32();
              names.set(idx, sub.name());
            }
          }
          sub.pos = subEnd;
        }
      }
    } else if (id === 2) {
      const sub = reader(bytes, start);
      const count = sub.u32();
      for (let i = 0; i < count; i++) {
        sub.name();
        sub.name();
        const kind = sub.byte();
        if (kind === 0) { sub.u32(); importedFuncs++; }
        else if (kind === 1) { sub.byte(); const f = sub.u32(); sub.u32(); if (f & 1) sub.u32(); }
        else if (kind === 2) { const f = sub.u32(); sub.u32(); if (f & 1) sub.u32(); }
        else if (kind === 3) { sub.byte(); sub.byte(); }
        else if (kind === 4) { sub.byte(); sub.u32(); }
      }
    } else if (id === 10) {
      const sub = reader(bytes, start);
      const count = sub.u32();
      for (let i = 0; i < count; i++) {
        const bodySize = sub.u32();
        bodies.push({ index: importedFuncs + i, size: bodySize + 1 });
        sub.pos += bodySize;
      }
    } else if (id === 11) {
      const sub = reader(bytes, start);
      const count = sub.u32();
      for (let i = 0; i < count; i++) {
        const flags = sub.u32();
        if (flags === 0 || flags === 2) {
          if (flags === 2) sub.u32();
          // skip the offset init expression (ends with 0x0b)
          while (bytes[sub.pos++] !== 0x0b);
        }
        const len = sub.u32();
        dataSegments.push(len);
        sub.pos += len;
      }
    }
    sections.push({ id, name: label, bytes: end - headerStart });
    r.pos = end;
  }
  const functions = bodies.map((b) => ({ ...b, name: names.get(b.index) ?? `func[${b.index}]` }));
  return { size: bytes.length, sections, functions, dataSegments, importedFuncs, hasNames: names.size > 0 };
}

/** The crate a (demangled) Rust symbol belongs to, best effort. */
export function crateOf(name) {
  let s = name.replace(/^<+/, '');
  // `<A as B>::f`: count the impl under A's crate
  const m = s.match(/^([A-Za-z_][A-Za-z0-9_]*)/);
  if (!m) return '(other)';
  const crate = m[1];
  if (/^(__rust|__rdl|__rg|rust_)/.test(name)) return 'alloc/std (runtime)';
  if (/^(wasm_bindgen|js_sys|web_sys|gloo_net|gloo_\w+)$/.test(crate)) return crate;
  if (crate === 'dlmalloc') return 'dlmalloc (allocator)';
  if (/^(core|alloc|std)$/.test(crate)) return `${crate} (Rust std)`;
  if (crate === 'T') return '(generic impls)';
  if (/^[a-z][A-Za-z]*$/.test(crate) && !name.includes('::')) return '(exported JS entry shims)';
  if (/^(f64|f32|u8|u16|u32|u64|usize|i32|i64|str|bool|char)$/.test(crate)) return 'core (Rust std)';
  if (crate.startsWith('__wbg') || crate.startsWith('__wbindgen') || crate.startsWith('__externref')) return 'wasm_bindgen';
  return crate;
}

/** { crate -> bytes } over function bodies, largest first. */
export function byCrate(functions) {
  const out = new Map();
  for (const f of functions) {
    const c = crateOf(f.name);
    out.set(c, (out.get(c) ?? 0) + f.size);
  }
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}
