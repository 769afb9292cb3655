// The error every failure of talkover-client rejects with. The wasm module builds it through
// createError so `instanceof TalkoverError` and `instanceof Error` hold in every runtime.
export class TalkoverError extends Error {
  constructor(code, message, fields = {}) {
    super(message);
    this.code = code;
    this.status = fields.status ?? null;
    this.retryable = fields.retryable ?? false;
    this.requestId = fields.requestId ?? null;
    this.retryAfterMs = fields.retryAfterMs ?? null;
    this.details = fields.details ?? null;
  }
}
// Names survive minification: err.name and TalkoverError.name are always 'TalkoverError'.
Object.defineProperty(TalkoverError.prototype, 'name', { value: 'TalkoverError', configurable: true, writable: true });
Object.defineProperty(TalkoverError, 'name', { value: 'TalkoverError' });

export function isTalkoverError(value) {
  return value instanceof TalkoverError;
}

export function createError(code, message, status, retryable, requestId, retryAfterMs, details) {
  return new TalkoverError(code, message, { status, retryable, requestId, retryAfterMs, details });
}

// What the wasm refused (bad arguments, a failed call): its exports return one value, so an
// export hands its TalkoverError to refuse() and returns nothing, and the caller, through
// checked(), throws it. (A Result would cross as several values: src/bindings/mod.rs.)
let refusal;

export function refuse(error) {
  refusal = error;
}

/** `value`, or, when the wasm returned nothing, the error it refused with, thrown. */
export function checked(value) {
  if (value !== undefined) return value;
  const error = refusal;
  refusal = undefined;
  throw error;
}
