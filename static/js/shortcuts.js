// Keyboard shortcuts of the committee's dashboard and idea page (issue 21). The page's help
// ("Keyboard shortcuts", templates/triage/includes/_shortcuts_help.html) lists them, and this
// script reads that list, so what the help says is what the keys do.
//
// So as not to clash with screen readers and browsers (WCAG 2.1.4): the shortcuts that work
// anywhere on the page need Alt+Shift; the single keys j, k and x work only while the focus is
// in the list of ideas. Both can be turned off with the setting in the help (kept in this
// browser). Without JavaScript nothing here runs: the skip links lead to the same places.
(function () {
  "use strict";
  var help = document.querySelector("[data-shortcuts]");
  if (!help) return;
  var STORE = "idelotsen-shortcuts";
  var setting = help.querySelector("[data-shortcut-setting]");
  var toggle = help.querySelector("[data-shortcut-setting] input");
  var status = help.querySelector("[data-shortcut-status]");
  var noScript = help.querySelector("[data-shortcuts-no-script]");

  function enabled() {
    try {
      return window.localStorage.getItem(STORE) !== "off";
    } catch (error) {
      return true;
    }
  }

  if (setting && toggle) {
    setting.hidden = false;
    toggle.checked = enabled();
    toggle.addEventListener("change", function () {
      try {
        window.localStorage.setItem(STORE, toggle.checked ? "on" : "off");
      } catch (error) {
        /* private mode: the setting lasts for this page only */
      }
    });
  }
  if (noScript) noScript.hidden = true;

  var globalKeys = {};
  help.querySelectorAll("[data-shortcut-code]").forEach(function (row) {
    globalKeys[row.getAttribute("data-shortcut-code")] = row;
  });

  function focusTarget(row) {
    var href = row.getAttribute("data-shortcut-href");
    if (href) {
      window.location.assign(href);
      return true;
    }
    var target = document.querySelector(row.getAttribute("data-shortcut-target"));
    if (!target) return false;
    target.focus();
    if (target.scrollIntoView) target.scrollIntoView({ block: "center" });
    return document.activeElement === target;
  }

  function say(text) {
    if (status) status.textContent = text;
  }

  function inList(key, list) {
    var rows = Array.prototype.slice.call(list.querySelectorAll("tbody tr")).filter(function (row) {
      return row.querySelector("a");
    });
    if (!rows.length) return false;
    var current = document.activeElement.closest("tr");
    var index = rows.indexOf(current);
    if (key === "j" || key === "k") {
      var next = index < 0 ? 0 : index + (key === "j" ? 1 : -1);
      if (next < 0 || next >= rows.length) return true; // at the end: stay
      rows[next].querySelector("a").focus();
      return true;
    }
    if (key === "x" && index >= 0) {
      var box = rows[index].querySelector("input[type=checkbox]");
      if (!box) return false;
      box.click();
      var label = rows[index].querySelector("label");
      say((box.checked ? help.dataset.selected : help.dataset.unselected) + " " +
        (label ? label.textContent.trim() : ""));
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (!enabled() || event.defaultPrevented || event.ctrlKey || event.metaKey) return;
    if (event.altKey && event.shiftKey) {
      // The physical key: on a Mac, Option+Shift changes the character it types.
      var row = globalKeys[event.code];
      if (row && focusTarget(row)) event.preventDefault();
      return;
    }
    if (event.altKey || event.shiftKey) return;
    var list = document.activeElement && document.activeElement.closest("[data-shortcut-list]");
    if (!list) return;
    var tag = document.activeElement.tagName;
    if (tag === "INPUT" && document.activeElement.type !== "checkbox") return;
    if (tag === "TEXTAREA" || tag === "SELECT") return;
    var key = event.key.toLowerCase();
    if ((key === "j" || key === "k" || key === "x") && inList(key, list)) event.preventDefault();
  });
})();
