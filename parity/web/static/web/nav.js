// The grouped main menu (<details name="mainnav">): a click elsewhere or Escape closes
// the open group. Without this script the menu still works (a second click closes it).
(function () {
  function closeAll(except) {
    document.querySelectorAll("details.navgroup[open]").forEach(function (group) {
      if (group !== except) group.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeAll(event.target.closest ? event.target.closest("details.navgroup") : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeAll(null);
  });
})();

// 打印 buttons (data-print): the page's print style sheet leaves out menus and forms.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) window.print();
});
