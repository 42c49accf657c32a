// Highlight the claim a link points at (#claim-ID) in the article text, and jump from text to claim lists.
(function () {
  "use strict";
  function mark(hash) {
    document.querySelectorAll("mark.span.hl").forEach(function (m) { m.classList.remove("hl"); });
    if (!hash || hash.indexOf("#claim-") !== 0) { return; }
    var id = hash.slice("#claim-".length);
    document.querySelectorAll("mark.span").forEach(function (m) {
      if ((m.getAttribute("data-claims") || "").split(" ").indexOf(id) >= 0) { m.classList.add("hl"); }
    });
  }
  window.addEventListener("hashchange", function () { mark(window.location.hash); });
  document.addEventListener("click", function (ev) {
    var m = ev.target.closest ? ev.target.closest("mark.span") : null;
    if (!m) { return; }
    var first = (m.getAttribute("data-claims") || "").split(" ")[0];
    if (first) { window.location.hash = "claim-" + first; }
  });
  mark(window.location.hash);
})();
