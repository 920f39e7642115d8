// The page talks to the API as the user who opened it: the browser's own credentials (a client certificate), or the
// bearer token given in the sign-in form. Data is listed once and then followed with the API's own watch streams.

const TOKEN_KEY = 'fakeapiserver.console.token';

/** The API client of this page. */
export class Api {
  get token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
  set token(value) { value ? sessionStorage.setItem(TOKEN_KEY, value) : sessionStorage.removeItem(TOKEN_KEY); }

  headers() {
    const headers = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return headers;
  }

  /** GETs a path; throws an ApiError carrying the Status's code and message. */
  async get(path, signal) {
    const response = await fetch(path, { headers: this.headers(), signal, credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) throw await ApiError.from(response);
    return response.json();
  }

  /** GETs a streaming path and calls onLine with each JSON line until the stream ends (onOpen once it is answered). */
  async stream(path, signal, onLine, onOpen) {
    const response = await fetch(path, { headers: this.headers(), signal, credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) throw await ApiError.from(response);
    onOpen?.();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pending += value;
        let newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line) onLine(JSON.parse(line));
        }
      }
    } finally {
      reader.cancel().catch(() => { /* already closed */ });
    }
  }
}

/** An API failure: the HTTP code and the Status message the server sent. */
export class ApiError extends Error {
  constructor(code, message, reason) {
    super(message);
    this.code = code;
    this.reason = reason;
  }

  static async from(response) {
    let message = `${response.status} ${response.statusText}`;
    let reason = '';
    try {
      const status = await response.json();
      if (status?.message) message = status.message;
      reason = status?.reason || '';
    } catch { /* not a Status */ }
    return new ApiError(response.status, message, reason);
  }
}

/** The key of an object in a cache. */
export const keyOf = o => (o.metadata.namespace ? `${o.metadata.namespace}/` : '') + o.metadata.name;

/**
 * One resource followed live, as client-go's reflector: list, then watch from the list's resourceVersion; a stream
 * that ends is resumed from the last resourceVersion seen; a 410 Expired re-lists. A refusal (401, 403) or a resource
 * the server does not serve (404) is kept as the informer's error and not retried until the page asks again.
 */
export class Informer {
  constructor(api, path, onChange) {
    this.api = api;
    this.path = path;
    this.onChange = onChange;
    this.items = new Map();
    this.error = null;
    this.synced = false;
    this.abort = new AbortController();
  }

  start() {
    this.run().catch(() => { /* ended by stop() */ });
    return this;
  }

  stop() { this.abort.abort(); }

  async run() {
    const signal = this.abort.signal;
    let backoff = 500;
    let rv = null;
    while (!signal.aborted) {
      try {
        if (rv === null) {
          const list = await this.api.get(this.path, signal);
          this.items = new Map(list.items.map(o => [keyOf(o), o]));
          rv = list.metadata.resourceVersion;
          this.synced = true;
          this.error = null;
          this.onChange(this);
        }
        const sep = this.path.includes('?') ? '&' : '?';
        await this.api.stream(`${this.path}${sep}watch=true&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(rv)}`, signal, event => {
          if (event.type === 'ERROR') {
            // 410 Expired (or any error event): list again.
            rv = null;
            throw new ApiError(event.object?.code || 500, event.object?.message || 'watch error', 'WatchError');
          }
          rv = event.object?.metadata?.resourceVersion || rv;
          if (event.type === 'BOOKMARK') return;
          const key = keyOf(event.object);
          if (event.type === 'DELETED') this.items.delete(key); else this.items.set(key, event.object);
          this.onChange(this);
        });
        backoff = 500;
      } catch (e) {
        if (signal.aborted) return;
        if (e instanceof ApiError && e.reason === 'WatchError') continue;
        if (e instanceof ApiError && [401, 403, 404].includes(e.code)) {
          this.error = e;
          this.items = new Map();
          this.onChange(this);
          return;
        }
        await new Promise(resolve => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 30000);
        rv = null;
      }
    }
  }
}

/**
 * The server's API traffic (/console/api/requests): JSON lines of answered requests, resumed after the last sequence
 * seen when the server ends a stream.
 */
export class TrafficStream {
  constructor(api, onEntry, onError) {
    this.api = api;
    this.onEntry = onEntry;
    this.onError = onError;
    this.after = 0;
    this.abort = new AbortController();
  }

  start() {
    this.run().catch(() => { /* stopped */ });
    return this;
  }

  stop() { this.abort.abort(); }

  async run() {
    const signal = this.abort.signal;
    let backoff = 500;
    while (!signal.aborted) {
      try {
        await this.api.stream(`/console/api/requests?after=${this.after}`, signal, entry => {
          this.after = entry.seq;
          this.onEntry(entry);
        }, () => { this.connected = true; this.onError(null); });
        this.connected = false;
        backoff = 500;
      } catch (e) {
        if (signal.aborted) return;
        this.connected = false;
        this.onError(e);
        if (e instanceof ApiError && [401, 403].includes(e.code)) return;
        await new Promise(resolve => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 30000);
      }
    }
  }
}
