// Assisted intake with no network (ideas/offline_intake.py tells the server's side).
//
// Without JavaScript, or with the network, the form is sent as it always was. Sent with no
// network, the idea goes into a queue in IndexedDB instead, encrypted with AES-GCM under a key
// the page made non-extractable (it can use the key, never read it out), and the form is
// emptied for the next resident. Nothing of a resident goes into localStorage or the HTTP
// cache: the shell cache holds only the empty form and its files. The queue is sent to the
// server when the network returns, when staff press the button, and when the page opens
// online; each idea carries an id made here, so sending it again stores nothing twice. An idea
// that was sent leaves the tablet: only its code, its state and its reference stay, to show.
// Photos and files chosen for an idea are checked against the form's limits here, read, and
// kept encrypted with the same key; the sync sends them as file parts of a multipart request
// (`file-<device_id>-<n>`), where the server checks them again by content. After an idea is
// kept, a provisional receipt in the resident's language shows its code until "Next resident"
// or the next idea's first keystroke removes it.
// The queue is emptied after OFFLINE_QUEUE_MAX_HOURS and when staff log out
// (static/js/intake-logout.js).
(function () {
  "use strict";
  var form = document.querySelector("form[data-offline-form]");
  var panel = document.querySelector("[data-offline-queue]");
  if (
    !form ||
    !panel ||
    !window.indexedDB ||
    !window.crypto ||
    !window.crypto.subtle ||
    !window.crypto.randomUUID ||
    !("serviceWorker" in navigator) ||
    !window.caches
  ) {
    return;
  }
  var DB_NAME = "idelotsen-intake";
  var QUEUE = "queue";
  var KEYS = "keys";
  var SHELL_CACHE = "idelotsen-intake-shell";
  var MAX_AGE_MS = Number(panel.dataset.maxHours || 24) * 3600 * 1000;
  var text = panel.dataset;
  var status = panel.querySelector("[data-offline-status]");
  var list = panel.querySelector("[data-offline-list]");
  var button = panel.querySelector("[data-offline-sync]");
  var encoder = new TextEncoder();
  var decoder = new TextDecoder();
  var receipt = document.querySelector("[data-offline-receipt]");
  var fileInput = form.querySelector("input[type=file][name=attachments]");
  var limits = form.dataset;
  var syncing = false;
  var retryDelay = 1000;
  var retryTimer = null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(QUEUE, { keyPath: "id" });
        request.result.createObjectStore(KEYS);
      };
      request.onsuccess = function () {
        var db = request.result;
        // Logging out deletes the database: let it.
        db.onversionchange = function () {
          db.close();
        };
        resolve(db);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function run(db, store, mode, work) {
    return new Promise(function (resolve, reject) {
      var transaction = db.transaction(store, mode);
      var request = work(transaction.objectStore(store));
      transaction.oncomplete = function () {
        resolve(request ? request.result : undefined);
      };
      transaction.onerror = transaction.onabort = function () {
        reject(transaction.error);
      };
    });
  }

  async function queueKey(db) {
    var key = await run(db, KEYS, "readonly", function (s) {
      return s.get("queue");
    });
    if (!key) {
      key = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, [
        "encrypt",
        "decrypt",
      ]);
      await run(db, KEYS, "readwrite", function (s) {
        return s.put(key, "queue");
      });
    }
    return key;
  }

  async function records(db) {
    var all = await run(db, QUEUE, "readonly", function (s) {
      return s.getAll();
    });
    return all.sort(function (a, b) {
      return a.created - b.created;
    });
  }

  async function put(db, record) {
    await run(db, QUEUE, "readwrite", function (s) {
      return s.put(record);
    });
  }

  // A queue older than the setting allows is emptied, sent or not.
  async function expire(db) {
    var oldest = Date.now() - MAX_AGE_MS;
    var old = (await records(db)).filter(function (r) {
      return r.created < oldest;
    });
    for (var i = 0; i < old.length; i++) {
      await run(db, QUEUE, "readwrite", function (s) {
        return s.delete(old[i].id);
      });
    }
  }

  function say(message) {
    status.textContent = message || "";
  }

  function code(id) {
    return id.slice(0, 8).toUpperCase();
  }

  async function show() {
    var db = await openDb();
    var all = await records(db);
    db.close();
    list.replaceChildren();
    all.forEach(function (record) {
      var item = document.createElement("li");
      item.dataset.offlineIdea = record.id;
      item.dataset.state = record.state;
      var label = document.createElement("span");
      label.textContent = text.textCode + " " + code(record.id) + ": ";
      var state = document.createElement("strong");
      if (record.state === "sent") {
        state.textContent = text.textSent + " " + record.reference;
      } else if (record.state === "refused") {
        state.textContent = text.textRefused + ": " + record.reasons.join(" ");
      } else {
        state.textContent = text.textWaiting;
      }
      item.append(label, state);
      list.append(item);
    });
    panel.hidden = all.length === 0 && navigator.onLine;
  }

  // The files chosen, or the reasons they cannot be kept (named the way the form names them).
  function fileProblems(files) {
    var problems = [];
    if (files.length > Number(limits.maxFiles)) {
      problems.push(limits.textTooMany);
    }
    files.forEach(function (file) {
      if (file.size > Number(limits.maxBytes)) {
        problems.push(limits.textTooBig.replace("{name}", file.name));
      }
    });
    return problems;
  }

  function fileError(message) {
    if (!fileInput) {
      return;
    }
    var box = form.querySelector("[data-offline-file-error]");
    if (!message) {
      if (box) {
        box.remove();
      }
      fileInput.removeAttribute("aria-invalid");
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.className = "invalid-feedback d-block";
      box.id = "offline-file-error";
      box.dataset.offlineFileError = "";
      fileInput.insertAdjacentElement("afterend", box);
      fileInput.setAttribute(
        "aria-describedby",
        ((fileInput.getAttribute("aria-describedby") || "") + " offline-file-error").trim(),
      );
    }
    box.textContent = message;
    fileInput.setAttribute("aria-invalid", "true");
  }

  function hideReceipt() {
    if (!receipt || receipt.hidden) {
      return;
    }
    receipt.hidden = true;
    receipt.querySelector("[data-offline-receipt-paper]").replaceChildren();
  }

  // The provisional receipt, in the resident's language when the page carries it.
  function showReceipt(id, fields) {
    if (!receipt) {
      return;
    }
    var wanted = (fields.language || [])[0] || document.documentElement.lang;
    var template =
      document.querySelector('template[data-offline-receipt-language="' + CSS.escape(wanted) + '"]') ||
      document.querySelector('template[data-offline-receipt-language="' + CSS.escape(document.documentElement.lang) + '"]') ||
      document.querySelector("template[data-offline-receipt-language]");
    if (!template) {
      return;
    }
    var paper = template.content.cloneNode(true);
    var language = paper.firstElementChild.getAttribute("lang") || undefined;
    paper.querySelector("[data-receipt-title]").textContent = (fields.title || [""])[0];
    paper.querySelector("[data-receipt-code]").textContent = code(id);
    var when = new Date();
    var time = document.createElement("time");
    time.dateTime = when.toISOString().slice(0, 10);
    time.textContent = when.toLocaleDateString(language, { year: "numeric", month: "long", day: "numeric" });
    paper.querySelector("[data-receipt-date]").append(time);
    receipt.querySelector("[data-offline-receipt-paper]").replaceChildren(paper);
    receipt.hidden = false;
  }

  function formFields() {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || typeof value !== "string") {
        return;
      }
      (fields[name] = fields[name] || []).push(value);
    });
    return fields;
  }

  function forgetDrafts() {
    try {
      var prefix = "idelotsen.draft|" + location.pathname + "|";
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (key && key.indexOf(prefix) === 0) {
          sessionStorage.removeItem(key);
        }
      }
      sessionStorage.removeItem("idelotsen.draft-sent");
    } catch (error) {
      // storage off: nothing was kept
    }
  }

  async function keep() {
    var chosen = fileInput ? Array.from(fileInput.files) : [];
    var problems = fileProblems(chosen);
    if (problems.length) {
      // Nothing is kept and nothing typed is lost: staff leave a file out and send again.
      fileError(problems.join(" "));
      say(problems.join(" "));
      fileInput.focus();
      return;
    }
    fileError("");
    var id = crypto.randomUUID();
    var fields = formFields();
    var idea = {
      device_id: id,
      event: form.dataset.event,
      consent_version: form.dataset.consentVersion,
      taken_at: new Date().toISOString(),
      fields: fields,
      files: chosen.map(function (file) {
        return { name: file.name, type: file.type };
      }),
    };
    var contents = [];
    for (var n = 0; n < chosen.length; n++) {
      contents.push(await chosen[n].arrayBuffer());
    }
    var db = await openDb();
    var key = await queueKey(db);
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv: iv, additionalData: encoder.encode(id) },
      key,
      encoder.encode(JSON.stringify(idea)),
    );
    // Each file's bytes sealed on their own, bound to the idea and their place in it.
    var files = [];
    for (var m = 0; m < contents.length; m++) {
      var fileIv = crypto.getRandomValues(new Uint8Array(12));
      files.push({
        iv: fileIv,
        sealed: await crypto.subtle.encrypt(
          { name: "AES-GCM", iv: fileIv, additionalData: encoder.encode(id + "/" + m) },
          key,
          contents[m],
        ),
      });
    }
    contents = null;
    await put(db, { id: id, created: Date.now(), state: "waiting", iv: iv, sealed: sealed, files: files });
    db.close();
    // A clean tablet: the next resident finds the form as it was opened, and the texts the
    // session-timeout script keeps for this page (static/js/session-timeout.js) go too.
    form.reset();
    forgetDrafts();
    window.scrollTo(0, 0);
    await show();
    say(text.textKept);
    showReceipt(id, fields);
    if (receipt && !receipt.hidden) {
      receipt.focus();
    } else {
      focusFirst();
    }
  }

  function focusFirst() {
    var first = form.querySelector("input:not([type=hidden]), textarea, select");
    if (first) {
      first.focus();
    }
  }

  // What one sync request carries: the oldest waiting ideas, as many as its limits allow.
  function batchOf(waiting) {
    var batch = [];
    var count = 0;
    var bytes = 0;
    for (var i = 0; i < waiting.length && batch.length < 50; i++) {
      var files = waiting[i].files || [];
      var size = files.reduce(function (sum, f) {
        return sum + f.sealed.byteLength;
      }, 0);
      if (
        batch.length &&
        (count + files.length > Number(limits.syncMaxFiles) || bytes + size > Number(limits.syncMaxBytes))
      ) {
        break;
      }
      batch.push(waiting[i]);
      count += files.length;
      bytes += size;
    }
    return batch;
  }

  async function sync() {
    if (syncing || !navigator.onLine) {
      return;
    }
    syncing = true;
    clearTimeout(retryTimer);
    var again = false;
    try {
      var db = await openDb();
      var waiting = (await records(db)).filter(function (r) {
        return r.state === "waiting";
      });
      if (!waiting.length) {
        db.close();
        return;
      }
      say(text.textSending);
      var key = await queueKey(db);
      waiting = batchOf(waiting);
      var ideas = [];
      var body = new FormData();
      for (var i = 0; i < waiting.length; i++) {
        var plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: waiting[i].iv, additionalData: encoder.encode(waiting[i].id) },
          key,
          waiting[i].sealed,
        );
        var idea = JSON.parse(decoder.decode(plain));
        ideas.push(idea);
        var sealedFiles = waiting[i].files || [];
        for (var n = 0; n < sealedFiles.length; n++) {
          var bytes = await crypto.subtle.decrypt(
            { name: "AES-GCM", iv: sealedFiles[n].iv, additionalData: encoder.encode(idea.device_id + "/" + n) },
            key,
            sealedFiles[n].sealed,
          );
          var about = (idea.files || [])[n] || {};
          body.append(
            "file-" + idea.device_id + "-" + n,
            new Blob([bytes], { type: about.type || "application/octet-stream" }),
            about.name || "file",
          );
        }
      }
      db.close();
      body.append("ideas", JSON.stringify({ ideas: ideas }));
      var token = form.querySelector("[name=csrfmiddlewaretoken]");
      var response = await fetch(panel.dataset.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        cache: "no-store",
        redirect: "manual",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": token ? token.value : "",
        },
        body: body,
      });
      if (!response.ok) {
        syncing = false;
        say(response.status === 403 || response.type === "opaqueredirect" ? text.textLogin : text.textFailed);
        return;
      }
      var answer = await response.json();
      var moved = false;
      db = await openDb();
      for (var j = 0; j < answer.results.length; j++) {
        var result = answer.results[j];
        var record = waiting.find(function (r) {
          return r.id === result.device_id;
        });
        if (!record) {
          continue;
        }
        // The idea leaves the tablet, its files too: what stays is its code, its state and its
        // reference.
        moved = true;
        await put(db, {
          id: record.id,
          created: record.created,
          state: result.state === "stored" ? "sent" : "refused",
          reference: result.reference,
          reasons: result.reasons,
        });
      }
      again =
        moved &&
        (await records(db)).some(function (r) {
          return r.state === "waiting";
        });
      db.close();
      retryDelay = 1000;
      say(again ? "" : text.textDone);
    } catch (error) {
      // The connection broke off: everything stays queued and is sent again soon.
      say(text.textFailed);
      retryTimer = setTimeout(sync, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    } finally {
      syncing = false;
    }
    await show();
    if (again) {
      sync();
    }
  }

  // The empty form and the files it needs, for opening the page with no network.
  async function cacheShell() {
    var urls = [location.pathname];
    document
      .querySelectorAll("link[rel=stylesheet][href], link[rel=icon][href], link[rel=manifest][href], script[src]")
      .forEach(function (element) {
        var url = new URL(element.href || element.src, location.href);
        if (url.origin === location.origin) {
          urls.push(url.pathname + url.search);
        }
      });
    var cache = await caches.open(SHELL_CACHE);
    await cache.addAll(urls);
  }

  form.addEventListener("submit", function (event) {
    hideReceipt();
    if (navigator.onLine) {
      return; // with the network the form is sent as always
    }
    event.preventDefault();
    keep().catch(function () {
      say(text.textFailed);
    });
  });
  // A clean tablet: the receipt goes once the next resident's idea is begun.
  form.addEventListener("input", hideReceipt);
  form.addEventListener("change", hideReceipt);
  if (fileInput) {
    fileInput.addEventListener("change", function () {
      fileError("");
    });
  }
  if (receipt) {
    receipt.querySelector("[data-offline-print]").addEventListener("click", function () {
      window.print();
    });
    receipt.querySelector("[data-offline-next]").addEventListener("click", function () {
      hideReceipt();
      say("");
      window.scrollTo(0, 0);
      focusFirst();
    });
  }
  button.addEventListener("click", function () {
    if (!navigator.onLine) {
      say(text.textOffline);
      return;
    }
    retryDelay = 1000;
    sync();
  });
  window.addEventListener("online", function () {
    retryDelay = 1000;
    sync();
  });
  window.addEventListener("offline", function () {
    show();
    say(text.textOffline);
  });

  (async function start() {
    var db = await openDb();
    await expire(db);
    db.close();
    await show();
    if (!navigator.onLine) {
      say(text.textOffline);
      panel.dataset.ready = "true";
      return;
    }
    await navigator.serviceWorker.register(panel.dataset.workerUrl, {
      scope: panel.dataset.workerScope,
    });
    await cacheShell();
    panel.dataset.ready = "true";
    sync();
  })().catch(function () {
    panel.dataset.ready = "false";
  });
})();
