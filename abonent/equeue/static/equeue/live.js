/* Live queue updates for any page.

   Include once, deferred, with the office's stream URL:

     <script src="{% static 'equeue/live.js' %}" defer
             data-stream="{% url 'queue-board-stream' office.code %}"></script>

   Optional attributes:
     data-poll          JSON board URL polled while the stream is down
                        (default: the stream URL without "/stream")
     data-poll-seconds  polling interval while the stream is down (default 4, 3..60)

   What it does:
   - connects an EventSource to the stream (GET /api/v1/queue/offices/{office}/board/stream);
   - dispatches on document.body:
       "queue-changed"  for every `step` event (detail: {source: "sse", step: {...}}) and,
                        while polling, when the polled snapshot differs from the last one
                        (detail: {source: "poll", board: {...}});
       "queue-board"    for every snapshot, streamed or polled (detail: {board, source});
       "queue-call"     for every `call` event (detail: {number, window, at, recall});
   - sets document.body.dataset.transport to "connecting", "sse" or "polling";
   - when the stream fails it polls the JSON board every few seconds, and stops polling as
     soon as the stream is open again (the browser retries it every 3 s; after an HTTP
     error, which ends an EventSource, this script opens a new one after 5 s, doubling
     up to 60 s);
   - watchdog: the server sends `event: ping` every 15 s; a stream that has said nothing
     for 40 s (a half-open connection after a NAT or Wi-Fi loss, which never reports an
     error) is closed, the board is polled, and a new stream is opened;
   - a step the public stream does not detail ({"action": "changed"}: a priority, a
     dispute) still dispatches "queue-changed": the staff pages refresh on it;
   - "queue-alive" on document.body for every message of the stream, pings included.
*/
(function () {
  "use strict";
  var script = document.currentScript;
  var streamUrl = script && script.dataset.stream;
  if (!streamUrl || window.__abonentLive) return;
  window.__abonentLive = true;
  var pollUrl = script.dataset.poll || streamUrl.replace(/\/stream\/?$/, "");
  var seconds = parseInt(script.dataset.pollSeconds || "4", 10);
  var pollMs = Math.min(60, Math.max(3, isNaN(seconds) ? 4 : seconds)) * 1000;
  var REOPEN_MS = 5000;
  var REOPEN_MAX_MS = 60000;
  // Tests may shorten the watchdog (window.ABONENT_LIVE_WATCHDOG_MS set before this runs).
  var WATCHDOG_MS = window.ABONENT_LIVE_WATCHDOG_MS || 40000;
  var reopenMs = REOPEN_MS;
  var lastHeard = Date.now();

  var source = null;
  var pollTimer = null;
  var reopenTimer = null;
  var lastBoard = null; // canonical JSON text of the last snapshot seen
  var lastWasStep = false; // a streamed board right after steps: they were announced already

  function body() { return document.body || document.documentElement; }

  function emit(name, detail) {
    body().dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  function setTransport(name) {
    if (body().dataset.transport !== name) {
      body().dataset.transport = name;
      emit("queue-transport", { transport: name });
    }
  }

  function parse(text) {
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  function seeBoard(board, source) {
    if (!board || typeof board !== "object") return false;
    var text = JSON.stringify(board);
    var changed = lastBoard !== null && text !== lastBoard;
    lastBoard = text;
    emit("queue-board", { board: board, source: source });
    return changed;
  }

  // ---- polling while the stream is down
  function pollOnce() {
    fetch(pollUrl, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (board) {
        if (pollTimer === null || !board) return; // the stream came back meanwhile
        if (seeBoard(board, "poll")) emit("queue-changed", { source: "poll", board: board });
      })
      .catch(function () { /* still offline: the next tick tries again */ });
  }

  function startPolling() {
    setTransport("polling");
    if (pollTimer !== null) return;
    pollTimer = setInterval(pollOnce, pollMs);
    pollOnce();
  }

  function stopPolling() {
    if (pollTimer !== null) clearInterval(pollTimer);
    pollTimer = null;
  }

  // ---- the stream
  function heard() {
    lastHeard = Date.now();
    emit("queue-alive", { at: lastHeard });
  }

  function open() {
    reopenTimer = null;
    if (!window.EventSource) { startPolling(); return; }
    lastHeard = Date.now();
    source = new EventSource(streamUrl);
    ["open", "board", "step", "call", "ping"].forEach(function (name) {
      source.addEventListener(name, heard);
    });
    source.addEventListener("open", function () {
      reopenMs = REOPEN_MS;
      stopPolling();
      setTransport("sse");
    });
    source.addEventListener("board", function (e) {
      stopPolling();
      setTransport("sse");
      var board = parse(e.data);
      // A snapshot that differs after a reconnect means something was missed.
      if (seeBoard(board, "sse") && !lastWasStep) emit("queue-changed", { source: "sse", board: board });
      lastWasStep = false;
    });
    source.addEventListener("step", function (e) {
      lastWasStep = true;
      emit("queue-changed", { source: "sse", step: parse(e.data) });
    });
    source.addEventListener("call", function (e) {
      var call = parse(e.data);
      if (call) emit("queue-call", call);
    });
    source.addEventListener("error", function () {
      startPolling();
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        if (reopenTimer === null) reopenTimer = setTimeout(open, reopenMs);
        reopenMs = Math.min(reopenMs * 2, REOPEN_MAX_MS);
      }
    });
  }
  // ---- the watchdog: a silent stream is a dead one
  setInterval(function () {
    if (source === null || Date.now() - lastHeard < WATCHDOG_MS) return;
    source.close();
    source = null;
    startPolling();
    if (reopenTimer === null) reopenTimer = setTimeout(open, 1000);
  }, Math.min(5000, Math.max(500, WATCHDOG_MS / 4)));

  setTransport("connecting");
  open();
  window.addEventListener("pagehide", function () {
    if (source) source.close();
    source = null;
    stopPolling();
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && source === null && reopenTimer === null) open();
  });
})();
