// The public TalkoverClient: a thin class over the wasm exports. It keeps only the frozen
// configuration the wasm side checked (in a private field, so the token never shows up in
// JSON.stringify, console.log or util.inspect) and owns no wasm memory, so clients need no
// free() and a client per request is fine in runtimes without FinalizationRegistry: each call's
// wasm state lives only while src/js/driver.js runs it, and is freed when it ends.
import { configure, start, startCleanup, Op } from '../../build/pkg/talkover_client.js';
import { cleanup, drive } from './driver.js';
import { TalkoverError, checked } from './error.js';
import { own } from './sys.js';

export { TalkoverError, isTalkoverError } from './error.js';

/** The configuration of a client; a method called without its client (detached) is refused. */
let config;

export class TalkoverClient {
  #config;

  static {
    config = (client) => {
      if (#config in Object(client)) return client.#config;
      throw new TalkoverError('INVALID_ARGUMENT', 'A TalkoverClient method was called without its client (bind it).');
    };
  }

  constructor(options) {
    const packed = checked(configure(options));
    // The wasm checked that an own `fetch`, if any, is a function; the API root is line 3.
    const fetchFn = own(options, 'fetch');
    this.#config = Object.freeze([packed, typeof fetchFn === 'function' ? fetchFn : null, packed.split('\n')[2]]);
  }

  deleteAgent(agentId, options) {
    return call(this, Op.DeleteAgent, agentId, undefined, options);
  }

  deleteTraining(agentId, trainingId, options) {
    return call(this, Op.DeleteTraining, agentId, trainingId, options);
  }

  getAgent(agentId, options) {
    return call(this, Op.GetAgent, agentId, undefined, options);
  }

  listTrainings(agentId, options) {
    return call(this, Op.ListTrainings, agentId, undefined, options);
  }

  publishAgent(agentId, options) {
    return call(this, Op.Publish, agentId, undefined, options);
  }

  unpublishAgent(agentId, options) {
    return call(this, Op.Unpublish, agentId, undefined, options);
  }

  listAgents(query) {
    return call(this, Op.ListAgents, undefined, undefined, query);
  }

  // Every agent matching `query`, page after page.
  async *agents(query) {
    // Own properties only, each read once, as every call reads its options (a `page` planted on
    // Object.prototype is ignored, a getter that throws reads as absent); a query that is not an
    // object goes as it is, to be refused.
    const base = typeof query === 'object' && query !== null ? copyOwn(query) : query ?? {};
    let page = own(base, 'page') || 1;
    for (;;) {
      const { data, meta } = await call(this, Op.ListAgents, undefined, undefined, typeof base === 'object' ? { ...base, page } : base);
      yield* data;
      if (data.length === 0 || !meta || !(page < meta.last_page)) return;
      page += 1;
    }
  }

  activeCalls(agentId, options) {
    return call(this, Op.ActiveCalls, agentId, undefined, options);
  }

  cleanupAgents(agentIds, options) {
    try {
      const [packed, fetchFn] = config(this);
      return cleanup(checked(startCleanup(packed, agentIds, options)), fetchFn);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  toJSON() {
    return { apiRoot: this.#config[2] };
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `TalkoverClient { apiRoot: '${this.#config[2]}' }`;
  }
}
Object.defineProperty(TalkoverClient, 'name', { value: 'TalkoverClient' });

// One call: its arguments checked by the wasm (a bad one rejects, nothing sent), then driven.
function call(client, op, first, second, options) {
  try {
    const [packed, fetchFn] = config(client);
    return drive(checked(start(packed, op, first, second, options)), fetchFn);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** `o`'s own enumerable properties, each read once; what throws (a getter, a revoked Proxy) is left out. */
function copyOwn(o) {
  const copy = {};
  try {
    for (const key of Object.keys(o)) copy[key] = own(o, key);
  } catch {
    // A revoked Proxy: nothing to read.
  }
  return copy;
}
