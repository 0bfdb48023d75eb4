/* The queue kiosk: remembers the receipt paper width, greys the buttons after a
   tap, prints a ticket once, and goes back to the start screen after a while. */
(function () {
  "use strict";
  var PAPER_KEY = "abonent.kiosk.paper";
  var PAPER_COOKIE = "abonent_kiosk_paper";
  var body = document.body;

  // ?paper=58|80 is kept in a cookie by the server; localStorage restores a lost cookie.
  var asked = new URLSearchParams(window.location.search).get("paper");
  try {
    if (asked === "58" || asked === "80") {
      window.localStorage.setItem(PAPER_KEY, asked);
    } else {
      var kept = window.localStorage.getItem(PAPER_KEY);
      var hasCookie = document.cookie.split("; ").some(function (c) {
        return c.indexOf(PAPER_COOKIE + "=") === 0;
      });
      if ((kept === "58" || kept === "80") && !hasCookie) {
        document.cookie = PAPER_COOKIE + "=" + kept + "; path=/; max-age=315360000; samesite=lax";
        document.documentElement.classList.remove("paper-58", "paper-80");
        document.documentElement.classList.add("paper-" + kept);
      }
    }
  } catch (e) { /* storage disabled: the cookie alone remembers */ }

  // One tap is enough: grey the other buttons while the ticket is being taken.
  document.querySelectorAll("form.take").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (body.classList.contains("busy")) {
        event.preventDefault();
        return;
      }
      body.classList.add("busy");
      form.classList.add("busy");
    });
  });
  window.addEventListener("pageshow", function () {
    body.classList.remove("busy");
  });

  // Print the ticket once per ticket, even if the page is shown again (language switch).
  var token = body.getAttribute("data-print-once");
  if (token) {
    var key = "abonent.kiosk.printed." + token;
    var printed = false;
    try { printed = window.sessionStorage.getItem(key) === "1"; } catch (e) { printed = false; }
    if (!printed) {
      try { window.sessionStorage.setItem(key, "1"); } catch (e) { /* print anyway */ }
      window.setTimeout(function () { window.print(); }, 300);
    }
  }

  // Back to the start screen after data-return-after seconds without a touch.
  var after = parseInt(body.getAttribute("data-return-after") || "0", 10);
  var url = body.getAttribute("data-return-url");
  if (after > 0 && url) {
    var left = after;
    var timer = null;
    var reset = function () { left = after; };
    ["pointerdown", "keydown", "scroll", "touchstart"].forEach(function (name) {
      window.addEventListener(name, reset, { passive: true });
    });
    timer = window.setInterval(function () {
      left -= 1;
      if (left <= 0) {
        window.clearInterval(timer);
        window.location.replace(url);
      }
    }, 1000);
  }
})();
