// Staff pages of the electronic queue. No-show countdown: a disabled button with
// data-countdown="<seconds>" counts down and enables itself; works after htmx swaps too.
// The print button of a ticket page. Without this script the pages still work: the
// console's fragment refresh enables the button once the grace time is over.
(function () {
  "use strict";
  var deadlines = new WeakMap();
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (btn) {
      if (!deadlines.has(btn)) {
        deadlines.set(btn, now + 1000 * parseInt(btn.getAttribute("data-countdown"), 10));
      }
      var left = Math.max(0, Math.ceil((deadlines.get(btn) - now) / 1000));
      var form = btn.closest("form");
      var label = form ? form.querySelector(".eq-countdown") : null;
      if (label) { label.textContent = String(left); }
      if (left === 0) {
        btn.disabled = false;
        btn.removeAttribute("data-countdown");
        var hint = form ? form.querySelector("#" + btn.getAttribute("aria-describedby")) : null;
        if (hint) { hint.hidden = true; }
      }
    });
  }
  setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (target instanceof Element && target.closest("[data-print]")) { window.print(); }
  });
})();
