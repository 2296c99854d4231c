// Start Pagefind's search box; kept in its own file so the page needs no inline script.
// A note is shown only when search cannot load: the page opened from file:// (browsers block the
// index there), or no index built. body[data-search] records the outcome: ready, needs-http, missing.
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("search");
  function done(outcome) {
    document.body.setAttribute("data-search", outcome);
    var note = document.getElementById("search-" + outcome);
    if (note) { note.hidden = false; }
  }
  if (location.protocol === "file:") { return done("needs-http"); }
  if (!element || !window.PagefindUI) { return done("missing"); }
  var bundle = element.getAttribute("data-bundle");
  fetch(bundle + "pagefind-entry.json").then(function (response) {
    if (!response.ok) { throw new Error("HTTP " + response.status); }
    new PagefindUI({ element: "#search", bundlePath: bundle, showSubResults: true, showImages: false });
    done("ready");
  }).catch(function () { done("missing"); });
});
