// The exchange's HTTP API and WebSocket stream, as the views use them.

/** An answer in the API's one error shape: {"error": {message, type, param, code}}. */
export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || `http_${status}`;
  }
}

/** Call the API; with `key`, as that account. Resolves to the JSON body, or throws ApiError. */
export async function call(method, path, { key = null, body = undefined, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
    cache: "no-store",
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** GET a path with query parameters (null ones left out). */
export function get(path, params = {}, options = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined) query.set(name, String(value));
  }
  const suffix = query.toString() ? `?${query}` : "";
  return call("GET", `${path}${suffix}`, options);
}

const RETRY_MS = [500, 1000, 2000, 5000];

/**
 * One WebSocket to /api/stream that subscribes to channels, reconnects after a drop
 * (subscribing again), and hands each message to the handler of its channel.
 */
export class Stream {
  constructor({ key = null, onState = () => {} } = {}) {
    this.key = key;
    this.onState = onState;
    this.handlers = new Map();
    this.socket = null;
    this.tries = 0;
    this.closed = false;
    this.timer = null;
  }

  /** Subscribe to `channel`; `handler(data)` gets each message's data. */
  on(channel, handler) {
    this.handlers.set(channel, handler);
    this.send({ op: "subscribe", channels: [channel] });
    return this;
  }

  /** Unsubscribe from `channel`. */
  off(channel) {
    this.handlers.delete(channel);
    this.send({ op: "unsubscribe", channels: [channel] });
  }

  open() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    // Browsers cannot set headers on a WebSocket: the key goes in the query, as the API allows.
    const query = this.key ? `?key=${encodeURIComponent(this.key)}` : "";
    const socket = new WebSocket(`${scheme}://${location.host}/api/stream${query}`);
    this.socket = socket;
    this.onState("connecting");
    socket.addEventListener("open", () => {
      this.tries = 0;
      // Live once the exchange confirms the subscriptions, so no message is missed after.
      if (this.handlers.size) this.send({ op: "subscribe", channels: [...this.handlers.keys()] });
      else this.onState("live");
    });
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", () => this.reconnect(socket));
    return this;
  }

  receive(text) {
    const message = JSON.parse(text);
    if (message.error) {
      console.warn("stream:", message.error.message);
      return;
    }
    if (message.channel === "subscriptions") {
      this.onState("live");
      return;
    }
    const handler = this.handlers.get(message.channel);
    if (handler) handler(message.data);
  }

  reconnect(socket) {
    if (this.closed || socket !== this.socket) return;
    this.onState("reconnecting");
    const delay = RETRY_MS[Math.min(this.tries, RETRY_MS.length - 1)];
    this.tries += 1;
    this.timer = setTimeout(() => this.open(), delay);
  }

  send(request) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(request));
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.socket) this.socket.close();
  }
}

/** Call `action` at most once every `interval_ms`, trailing calls merged into one. */
export function throttle(action, intervalMs) {
  let waiting = null;
  let last = 0;
  const run = () => {
    waiting = null;
    last = Date.now();
    action();
  };
  const throttled = () => {
    if (waiting) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    waiting = setTimeout(run, wait);
  };
  throttled.cancel = () => clearTimeout(waiting);
  return throttled;
}
