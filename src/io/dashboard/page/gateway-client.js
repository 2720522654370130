/*
 * The page's WebSocket to the daemon's gateway (`/ws?token=`, same origin): subscribes to its
 * topics on every (re)connection, hands each topic frame (live or snapshot) to `onTopic`, and
 * sends the operator's commands, resolving each with its `result` frame. A lost connection is
 * retried with backoff (0.5 s doubling to 10 s); a refusal (1008: bad token or origin) is not.
 */

/**
 * Connects. `onConnection(state)` hears `connecting`, `open`, `closed`; `onRefused(reason)` a
 * refusal; `onError(text)` an error frame that answers no command of ours.
 */
export function connectGateway({ token, topics, onTopic, onConnection, onRefused, onError }) {
  let socket = null;
  let nextId = 1;
  let retryMs = 500;
  /** Command id → resolve of its promise. */
  const waiting = new Map();

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`);
    onConnection('connecting');
    socket.onopen = () => {
      retryMs = 500;
      onConnection('open');
      socket.send(JSON.stringify({ op: 'subscribe', id: 'topics', topics }));
    };
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      onFrame(frame);
    };
    socket.onclose = (event) => {
      onConnection('closed');
      for (const done of waiting.values()) done({ ok: false, detail: 'connection closed' });
      waiting.clear();
      if (event.code === 1008) {
        onRefused(event.reason || 'policy');
        return;
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  }

  function onFrame(frame) {
    if (typeof frame.topic === 'string') {
      if (frame.data !== null && typeof frame.data === 'object') onTopic(frame.topic, frame.data);
      return;
    }
    if (frame.op !== 'result' && frame.op !== 'error') return;
    const done = waiting.get(frame.id);
    if (done !== undefined) {
      waiting.delete(frame.id);
      done(frame.op === 'result' ? frame : { ok: false, detail: `${frame.code}: ${frame.error}` });
    } else if (frame.op === 'error') {
      onError(`${frame.code}: ${frame.error}`);
    }
  }

  /** Sends a command (`{op, ...}`); resolves with `{ok, detail}`, never rejects. */
  function command(message) {
    return new Promise((resolve) => {
      if (socket === null || socket.readyState !== WebSocket.OPEN) {
        resolve({ ok: false, detail: 'not connected to the gateway' });
        return;
      }
      const id = nextId++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ ...message, id }));
    });
  }

  connect();
  return { command };
}
