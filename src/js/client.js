// The public TalkoverClient: a thin class over the wasm exports. It keeps only the frozen
// configuration the wasm side checked (in a private field, so the token never shows up in
// JSON.stringify, console.log or util.inspect) and owns no wasm memory, so clients need no
// free() and a client per request is fine in runtimes without FinalizationRegistry: each call's
// wasm state lives only while src/js/driver.js runs it, and is freed when it ends.
import { configure, start, startCleanup, Op } from '../../build/pkg/talkover_client.js';
import { cleanup, drive } from './driver.js';
import { checked } from './error.js';
import { own } from './sys.js';

export { TalkoverError, isTalkoverError } from './error.js';

export class TalkoverClient {
  #config;

  constructor(options) {
    const packed = checked(configure(options));
    // The wasm checked that an own `fetch`, if any, is a function; the API root is line 3.
    const fetchFn = own(options, 'fetch');
    this.#config = Object.freeze([packed, typeof fetchFn === 'function' ? fetchFn : null, packed.split('\n')[2]]);
  }

  deleteAgent(agentId, options) {
    return call(this.#config, Op.DeleteAgent, agentId, undefined, options);
  }

  deleteTraining(agentId, trainingId, options) {
    return call(this.#config, Op.DeleteTraining, agentId, trainingId, options);
  }

  getAgent(agentId, options) {
    return call(this.#config, Op.GetAgent, agentId, undefined, options);
  }

  listTrainings(agentId, options) {
    return call(this.#config, Op.ListTrainings, agentId, undefined, options);
  }

  publishAgent(agentId, options) {
    return call(this.#config, Op.Publish, agentId, undefined, options);
  }

  unpublishAgent(agentId, options) {
    return call(this.#config, Op.Unpublish, agentId, undefined, options);
  }

  listAgents(query) {
    return call(this.#config, Op.ListAgents, undefined, undefined, query);
  }

  // Every agent matching `query`, page after page.
  async *agents(query) {
    const base = query ?? {};
    // Own properties only, as everywhere: a `page` planted on Object.prototype is ignored.
    let page = (typeof base === 'object' && Object.hasOwn(base, 'page') && base.page) || 1;
    for (;;) {
      const { data, meta } = await this.listAgents(typeof base === 'object' ? { ...base, page } : base);
      yield* data;
      if (data.length === 0 || !meta || !(page < meta.last_page)) return;
      page += 1;
    }
  }

  activeCalls(agentId, options) {
    return call(this.#config, Op.ActiveCalls, agentId, undefined, options);
  }

  cleanupAgents(agentIds, options) {
    try {
      return cleanup(checked(startCleanup(this.#config[0], agentIds, options)), this.#config[1]);
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
function call([packed, fetchFn], op, first, second, options) {
  try {
    return drive(checked(start(packed, op, first, second, options)), fetchFn);
  } catch (error) {
    return Promise.reject(error);
  }
}
