/* The main display board: draws the snapshots that equeue/live.js delivers
   ("queue-board"), highlights new calls, and announces each call once — a chime and speech
   in Russian, then Kazakh — one announcement at a time. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("board-config").textContent);
  var labels = config.labels;
  var BIG = config.big;
  var FRESH_MS = 12000;
  var TZ = "Asia/Almaty";
  // Latin letters of ticket numbers read as the Cyrillic letters they look like.
  var LETTERS = { A: "А", B: "В", C: "С", E: "Е", H: "Н", K: "К", M: "М", O: "О", P: "Р", T: "Т", X: "Х", Y: "У" };

  var $ = function (id) { return document.getElementById(id); };
  var announced = new Set(); // "<number>@<ms>" of every call announced or already shown
  var drawn = new Set();
  var freshUntil = {}; // key -> until when its row blinks
  var queue = [];
  var speaking = false;
  var audio = null;
  var soundOn = false;
  var count = 0;

  function ms(text) {
    return Date.parse(String(text).replace(/(\.\d{3})\d+/, "$1"));
  }
  function key(number, at) { return number + "@" + ms(at); }

  function bi(name, replace) {
    var frag = document.createDocumentFragment();
    (labels[name] || []).forEach(function (t, i) {
      var span = document.createElement("span");
      span.lang = t.lang;
      span.className = "bi-" + (i + 1);
      span.textContent = replace ? t.text.replace("%(when)s", replace) : t.text;
      frag.appendChild(span);
    });
    return frag;
  }

  function when(iso) {
    var parts = {};
    new Intl.DateTimeFormat("ru-RU", {
      timeZone: TZ, day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
    }).formatToParts(new Date(ms(iso))).forEach(function (p) { parts[p.type] = p.value; });
    return parts.day + "." + parts.month + " " + parts.hour + ":" + parts.minute;
  }

  function row(call, fresh) {
    var li = document.createElement("li");
    li.className = "call" + (fresh ? " fresh" : "");
    li.dataset.number = call.number;
    li.dataset.window = call.window;
    li.dataset.key = key(call.number, call.called_at);
    var n = document.createElement("span");
    n.className = "call-number";
    n.textContent = call.number;
    var a = document.createElement("span");
    a.className = "call-arrow";
    a.setAttribute("aria-hidden", "true");
    a.textContent = "→";
    var w = document.createElement("span");
    w.className = "call-window";
    w.textContent = call.window;
    li.append(n, a, w);
    return li;
  }

  function render(board, initial) {
    var big = $("board-big");
    var small = $("board-small");
    var rowsBig = [];
    var rowsSmall = [];
    var now = new Set();
    var t = Date.now();
    board.calling.forEach(function (c, i) {
      var k = key(c.number, c.called_at);
      now.add(k);
      if (!initial && !drawn.has(k)) freshUntil[k] = t + FRESH_MS;
      var li = row(c, (freshUntil[k] || 0) > t);
      (i < BIG ? rowsBig : rowsSmall).push(li);
    });
    Object.keys(freshUntil).forEach(function (k) { if (freshUntil[k] <= t) delete freshUntil[k]; });
    drawn = now;
    big.replaceChildren.apply(big, rowsBig);
    small.replaceChildren.apply(small, rowsSmall);
    $("board-nobody").hidden = rowsBig.length > 0;
    $("board-waiting").textContent = board.waiting;
    document.body.classList.toggle("is-closed", !board.open_now);
    $("board-closed").hidden = !!board.open_now;
    var opens = $("board-opens");
    opens.replaceChildren(board.next_open ? bi("opens_at", when(board.next_open)) : "");
    setTimeout(function () {
      var t2 = Date.now();
      document.querySelectorAll(".call.fresh").forEach(function (el) {
        var k2 = el.dataset.key;
        if (!freshUntil[k2] || freshUntil[k2] <= t2) el.classList.remove("fresh");
      });
    }, FRESH_MS + 50);
  }

  // ---- announcements: queued, never overlapping, each call once
  function spell(number) {
    return String(number).split("").map(function (ch) { return LETTERS[ch] || ch; }).join(" ");
  }

  function texts(call) {
    return config.speech.map(function (s) {
      return { lang: s.lang, text: s.text.replace("%(number)s", spell(call.number)).replace("%(window)s", call.window) };
    });
  }

  function announce(call, k) {
    if (announced.has(k)) return;
    announced.add(k);
    queue.push(call);
    next();
  }

  function chime() {
    return new Promise(function (resolve) {
      if (!soundOn || !audio) { resolve(); return; }
      try {
        var t = audio.currentTime;
        [[880, 0], [660, 0.45]].forEach(function (tone) {
          var osc = audio.createOscillator();
          var gain = audio.createGain();
          osc.type = "sine";
          osc.frequency.value = tone[0];
          gain.gain.setValueAtTime(0.0001, t + tone[1]);
          gain.gain.exponentialRampToValueAtTime(0.4, t + tone[1] + 0.03);
          gain.gain.exponentialRampToValueAtTime(0.0001, t + tone[1] + 0.9);
          osc.connect(gain).connect(audio.destination);
          osc.start(t + tone[1]);
          osc.stop(t + tone[1] + 1);
        });
      } catch (e) { /* no audio: the text still shows */ }
      setTimeout(resolve, 1400);
    });
  }

  function voiceFor(lang) {
    if (!window.speechSynthesis) return null;
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (voices[i].lang && voices[i].lang.toLowerCase().indexOf(lang) === 0) return voices[i];
    }
    return null;
  }

  function say(t) {
    return new Promise(function (resolve) {
      var voice = voiceFor(t.lang);
      // Without a Kazakh voice another language's voice would garble it: skip it.
      if (!soundOn || !window.speechSynthesis || (!voice && t.lang !== "ru")) { resolve(); return; }
      var done = false;
      var finish = function () { if (!done) { done = true; resolve(); } };
      try {
        var u = new SpeechSynthesisUtterance(t.text);
        u.lang = t.lang === "kk" ? "kk-KZ" : "ru-RU";
        if (voice) u.voice = voice;
        u.rate = 0.9;
        u.onend = finish;
        u.onerror = finish;
        window.speechSynthesis.speak(u);
      } catch (e) { finish(); }
      setTimeout(finish, 10000); // a voice that never reports its end must not block the queue
    });
  }

  function next() {
    if (speaking || queue.length === 0) return;
    speaking = true;
    var call = queue.shift();
    var lines = texts(call);
    count += 1;
    document.body.dataset.announced = String(count);
    $("board-announce").textContent = lines[0].text;
    document.querySelectorAll('.call[data-number="' + call.number + '"]').forEach(function (el) {
      el.classList.remove("fresh");
      void el.offsetWidth; // restart the blink
      el.classList.add("fresh");
    });
    chime()
      .then(function () { return say(lines[0]); })
      .then(function () { return lines[1] ? say(lines[1]) : null; })
      .then(function () { return new Promise(function (r) { setTimeout(r, soundOn ? 600 : 1500); }); })
      .then(function () { speaking = false; next(); });
  }

  // ---- sound needs one gesture (browsers' autoplay rules)
  function enableSound() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !audio) audio = new Ctx();
      if (audio && audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
    soundOn = true;
    try { localStorage.setItem("abonent-board-sound", "on"); } catch (e) { /* private mode */ }
    if (window.speechSynthesis) window.speechSynthesis.getVoices();
    $("board-sound").hidden = true;
    $("board-sound-on").hidden = false;
    chime();
  }

  $("board-sound").addEventListener("click", enableSound);
  try {
    if (localStorage.getItem("abonent-board-sound") === "on") {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      var probe = Ctx ? new Ctx() : null;
      if (probe && probe.state === "running") { audio = probe; soundOn = true; $("board-sound").hidden = true; $("board-sound-on").hidden = false; }
    }
  } catch (e) { /* the button stays */ }

  // ---- the connection indicator
  function showTransport(name) {
    var text = document.querySelector(".board-link-text");
    text.dataset.state = name;
    text.replaceChildren(bi(name === "sse" ? "live" : name === "polling" ? "polling" : "connecting"));
  }
  document.body.addEventListener("queue-transport", function (e) { showTransport(e.detail.transport); });

  // ---- the watchdog: never show "Live" over stale calls. live.js hears a ping every 15 s
  // (and reopens a stream silent for 40 s); with nothing at all for 40 s the indicator
  // says "connecting" until the next message or snapshot.
  var STALE_MS = window.ABONENT_LIVE_WATCHDOG_MS || 40000;
  var lastData = Date.now();
  function fresh() {
    lastData = Date.now();
    var text = document.querySelector(".board-link-text");
    if (text.dataset.state === "stale") showTransport(document.body.dataset.transport || "connecting");
  }
  document.body.addEventListener("queue-alive", fresh);
  document.body.addEventListener("queue-board", fresh);
  setInterval(function () {
    var text = document.querySelector(".board-link-text");
    if (Date.now() - lastData >= STALE_MS && text.dataset.state !== "stale") {
      text.replaceChildren(bi("connecting"));
      text.dataset.state = "stale";
    }
  }, Math.min(5000, Math.max(500, STALE_MS / 4)));

  // ---- the clock
  var clockFormat = new Intl.DateTimeFormat("ru-RU", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hour12: false });
  function tick() {
    var c = $("board-clock");
    var d = new Date();
    c.textContent = clockFormat.format(d);
    c.dateTime = d.toISOString();
  }
  tick();
  setInterval(tick, 1000);

  // ---- live data
  var first = config.snapshot;
  first.calling.forEach(function (c) { announced.add(key(c.number, c.called_at)); });
  render(first, true);

  document.body.addEventListener("queue-call", function (e) {
    var c = e.detail;
    if (c && c.number && c.window != null) announce(c, key(c.number, c.at));
  });
  document.body.addEventListener("queue-board", function (e) {
    var board = e.detail.board;
    render(board, false);
    // Calls missed while the stream was down (seen only in a snapshot): the newest few.
    var missed = board.calling.filter(function (c) { return !announced.has(key(c.number, c.called_at)); });
    missed.slice(0, 3).reverse().forEach(function (c) {
      announce({ number: c.number, window: c.window, at: c.called_at }, key(c.number, c.called_at));
    });
  });
})();
