// Đôn đốc 389: keyboard access to viewflow's frame (loaded deferred, after viewflow.min.js).
//
// viewflow's drawer is a Material (MDC) list with a "roving tabindex": it gives every menu link
// and the log-out button tabindex=-1 but one, and its arrow keys do not reach the links either,
// so the menu cannot be used without a mouse. Here every item of the drawer stays in the Tab
// order, whatever the list script sets later, and the account toggle says whether it is open.
(function () {
  "use strict";

  function tabbable(root) {
    root.querySelectorAll(".mdc-list-item").forEach(function (item) {
      if (item.getAttribute("tabindex") === "-1") item.setAttribute("tabindex", "0");
    });
  }

  function watchMenu(menu) {
    tabbable(menu);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.target.getAttribute("tabindex") === "-1") {
          change.target.setAttribute("tabindex", "0");
        }
      });
    }).observe(menu, { subtree: true, attributes: true, attributeFilter: ["tabindex"] });
  }

  function accountToggle(page) {
    var toggle = page.querySelector(".vf-page__menu-toggle-button");
    if (!toggle) return;
    toggle.addEventListener("click", function () {
      // viewflow's own click handler toggles the class first (it was registered before).
      var open = page.classList.contains("vf-page__menu--secondary-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function start() {
    document.querySelectorAll(".vf-page__menu").forEach(watchMenu);
    document.querySelectorAll("vf-page").forEach(accountToggle);
  }

  // viewflow defines its elements on DOMContentLoaded; run after their set-up.
  document.addEventListener("DOMContentLoaded", function () {
    setTimeout(start, 0);
  });
})();
