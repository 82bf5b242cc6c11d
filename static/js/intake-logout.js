// Logging out empties what the intake pages keep on this device (static/js/intake-offline.js):
// the queue of ideas taken with no network, its key, and the cached empty form. The next
// person to log in on the tablet finds none of it. The form is sent once that is done, or
// after a second at most, so that logging out never hangs.
(function () {
  "use strict";
  var DB_NAME = "idelotsen-intake";
  var SHELL_CACHE = "idelotsen-intake-shell";

  function forget() {
    var database = new Promise(function (resolve) {
      if (!window.indexedDB) {
        resolve();
        return;
      }
      var request = indexedDB.deleteDatabase(DB_NAME);
      request.onsuccess = request.onerror = function () {
        resolve();
      };
    });
    var cache = window.caches ? caches.delete(SHELL_CACHE).catch(function () {}) : Promise.resolve();
    var workers =
      "serviceWorker" in navigator
        ? navigator.serviceWorker
            .getRegistrations()
            .then(function (registrations) {
              return Promise.all(
                registrations.map(function (registration) {
                  return registration.unregister();
                }),
              );
            })
            .catch(function () {})
        : Promise.resolve();
    return Promise.all([database, cache, workers]);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-logout]") || form.dataset.forgotten) {
      return;
    }
    event.preventDefault();
    form.dataset.forgotten = "true";
    var timeout = new Promise(function (resolve) {
      setTimeout(resolve, 1000);
    });
    Promise.race([forget(), timeout]).then(function () {
      form.submit();
    });
  });
})();
