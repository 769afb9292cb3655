// Short import and export names between the wasm and its JavaScript glue. wasm-bindgen names
// every import `__wbg_<name>_<16 hex digits>` and keeps Rust's export names; both appear twice
// in a download (the wasm's import/export sections and the glue), and hex compresses badly.
// wasm-opt's `--minify-imports-and-exports-and-modules` renames them in the wasm (one module
// `a`, names `a`, `b`, ...) and prints the mapping; `shortenGlue` applies it to the glue:
// the imports object's keys, its module names, and every `wasm.<export>` the glue calls.
// Saves about 1.4 KB gzip of the browser download.

/** The wasm-opt flag that renames, and prints the mapping this module reads. */
export const MINIFY_FLAG = '--minify-imports-and-exports-and-modules';

/**
 * The glue (wasm-bindgen's `--target web` output) rewritten for the minified wasm. `mapping`
 * is wasm-opt's JSON: `{ imports: [[module, name, short]], exports: [[name, short]] }`.
 * Throws when the glue does not have the shape this expects, so a wasm-bindgen upgrade that
 * changes it fails the build instead of shipping a module that cannot instantiate.
 */
export function shortenGlue(glue, mapping) {
  const exports = new Map(mapping.exports);
  let out = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_, name) => {
    if (!exports.has(name)) throw new Error(`short-names: the glue calls wasm.${name}, which the wasm does not export`);
    return `wasm.${exports.get(name)}`;
  });
  const snippets = [];
  for (const [module, name, short] of mapping.imports) {
    if (module === './talkover_client_bg.js') {
      out = replaceOnce(out, `\n        ${name}: function`, `\n        ${short}: function`);
    } else {
      snippets.push(`import0.${short} = ${namespaceOf(out, module)}.${name};`);
    }
  }
  const returned = /return \{\n\s+__proto__: null,\n\s+"\.\/talkover_client_bg\.js": import0,\n(\s+"\.\/snippets\/[^"]+": import\d+,\n)*\s+\};/;
  if (!returned.test(out)) throw new Error('short-names: the glue does not return its imports object as expected');
  // No spread into a literal: terser (webpack's minifier) inlines it and repeats `__proto__`.
  return out.replace(returned, `${snippets.join(' ')} return { __proto__: null, a: import0 };`);
}

/**
 * What the glue carries for nothing, trimmed (-138 B gzip of browser.mjs): the two warnings
 * about deprecated arguments cannot fire (every entry passes one object); the one about the
 * .wasm's MIME type says the same in fewer words; and the `TextEncoder#encodeInto` polyfill
 * serves no runtime that can parse the bundle (ES2022: private fields, top-level await).
 * Throws, as above, when the glue's text has changed.
 */
export function trimGlue(glue) {
  let out = glue;
  for (const what of ['`initSync()`', 'the initialization function']) {
    out = replaceOnce(out, `console.warn('using deprecated parameters for ${what}; pass a single object instead')`, 'void 0');
  }
  const mime = '"`WebAssembly.instantiateStreaming` failed because your server does not serve Wasm with `application/wasm` MIME type. Falling back to `WebAssembly.instantiate` which is slower. Original error:\\n"';
  out = replaceOnce(out, mime, '"talkover-client: the .wasm is not served as application/wasm, so it compiles more slowly:"');
  const polyfill = out.match(/\nif \(!\('encodeInto' in cachedTextEncoder\)\) \{\n[^]*?\n\}\n/);
  if (!polyfill) throw new Error('short-names: expected the encodeInto polyfill in the glue');
  return replaceOnce(out, polyfill[0], '\n');
}

function replaceOnce(text, from, to) {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`short-names: expected exactly one ${from.trim()} in the glue`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The `import * as importN from "<module>"` namespace the glue binds to `module`. */
function namespaceOf(glue, module) {
  const escaped = module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const found = glue.match(new RegExp(`import \\* as (import\\d+) from "${escaped}"`));
  if (!found) throw new Error(`short-names: the glue does not import ${module}`);
  return found[1];
}
