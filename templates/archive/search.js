// Start Pagefind's search box; kept in its own file so the page needs no inline script.
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("search");
  if (element && window.PagefindUI) {
    new PagefindUI({ element: "#search", bundlePath: element.getAttribute("data-bundle"), showSubResults: true, showImages: false });
  }
});
