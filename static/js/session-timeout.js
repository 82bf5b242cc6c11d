// Logged-in pages: warn before the session ends and let the member stay (WCAG 2.2.1), and keep
// what is typed into textareas so that it is filled in again after logging in again.
// Why in the browser and not on the server: see portal/session_timeout.py.
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog) return;
  var data = dialog.dataset;
  var PREFIX = "idelotsen.draft|";
  var PENDING = "idelotsen.draft-sent";
  var owner = data.user + "|" + data.session;

  // -- the warning -----------------------------------------------------------------------------
  var timer = null;
  var endTimer = null;
  var returnFocus = null;
  var extendButton = dialog.querySelector("[data-session-extend]");
  var endedText = dialog.querySelector("[data-session-ended]");

  function schedule(remaining) {
    window.clearTimeout(timer);
    window.clearTimeout(endTimer);
    var lead = parseInt(data.warningSeconds, 10) || 0;
    timer = window.setTimeout(warn, Math.max(0, remaining - lead) * 1000);
    endTimer = window.setTimeout(function () {
      endedText.hidden = false;
    }, remaining * 1000);
  }

  function warn() {
    if (dialog.open) return;
    returnFocus = document.activeElement;
    dialog.showModal();
    extendButton.focus();
  }

  function close() {
    if (dialog.open) dialog.close();
  }

  dialog.addEventListener("close", function () {
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  });

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function extend() {
    window
      .fetch(data.extendUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrfToken() },
      })
      .then(function (response) {
        if (response.status !== 204) throw new Error("session ended");
        var remaining = parseInt(response.headers.get("Session-Remaining-Seconds"), 10);
        endedText.hidden = true;
        close();
        // Near the absolute limit no extension helps: warn once, never in a loop.
        var lead = parseInt(data.warningSeconds, 10) || 0;
        if (remaining > lead) schedule(remaining);
      })
      .catch(function () {
        endedText.hidden = false;
      });
  }

  extendButton.addEventListener("click", extend);
  // Escape closes the warning; being there to press it is as good as "Stay logged in".
  dialog.addEventListener("cancel", extend);
  schedule(parseInt(data.remainingSeconds, 10) || 0);

  // -- what was typed --------------------------------------------------------------------------
  var storage;
  try {
    storage = window.sessionStorage;
    storage.getItem(PENDING);
  } catch (error) {
    return; // storage off: the warning alone still works
  }

  // Several forms of a page may post to one address with the same field names (the replies
  // to notes), so a field is told apart by its place among those.
  var seen = {};
  function keyFor(field) {
    var form = field.form;
    var action = form ? form.getAttribute("action") || "" : "";
    var key = PREFIX + location.pathname + "|" + action + "|" + field.name;
    seen[key] = (seen[key] || 0) + 1;
    return key + "|" + seen[key];
  }

  function forget(test) {
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (key && key.indexOf(PREFIX) === 0 && test(key)) storage.removeItem(key);
    }
  }

  function read(key) {
    try {
      return JSON.parse(storage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  // A form sent in this same session reached the server: it saved the text or shows it again
  // with its errors, so the drafts of that page are no longer needed.
  var sent = read(PENDING);
  storage.removeItem(PENDING);
  if (sent && sent.owner === owner) {
    forget(function (key) {
      return key.indexOf(PREFIX + sent.page + "|") === 0;
    });
  }

  var restored = null;
  var fields = document.querySelectorAll("main textarea[name]");
  Array.prototype.forEach.call(fields, function (field) {
    var key = keyFor(field);
    var draft = read(key);
    if (draft && draft.user !== data.user) {
      storage.removeItem(key); // another member typed it: never show it to this one
      draft = null;
    }
    if (draft && draft.owner !== owner && draft.text && !field.value) {
      field.value = draft.text;
      restored = restored || field;
      var details = field.closest("details");
      if (details) details.open = true;
      draft.owner = owner; // filled in once per session; typing or sending takes it from here
      storage.setItem(key, JSON.stringify(draft));
    }
    field.addEventListener("input", function () {
      try {
        storage.setItem(key, JSON.stringify({ user: data.user, owner: owner, text: field.value }));
      } catch (error) {
        // storage full: the text is still in the page
      }
    });
  });

  if (restored) {
    var note = document.createElement("p");
    note.className = "alert alert-warning";
    note.setAttribute("role", "status");
    note.textContent = data.keptText;
    var place = restored.form || restored;
    place.parentNode.insertBefore(note, place);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.getAttribute("action") || "") === data.logoutUrl) {
      forget(function () {
        return true;
      });
      return;
    }
    // Only a form that carries text hands it to the server (not the language switch).
    if (!form.querySelector("textarea[name]")) return;
    storage.setItem(PENDING, JSON.stringify({ owner: owner, page: location.pathname }));
  });
})();
