// Browser entry: the wasm is fetched and compiled during import (top-level await), so
// `new TalkoverClient()` works right after the import with no init call.
import init from '../../build/pkg/talkover_client.js';

await init({ module_or_path: new URL('./talkover_client_bg.wasm', import.meta.url) });

export * from './client.js';
