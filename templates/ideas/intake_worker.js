// The service worker of the outreach staff's intake pages (ideas.views.intake_worker).
// With the network it stays out of the way: every request goes to the server. Without it, a
// page or file the intake page put in the shell cache (static/js/intake-offline.js: the empty
// form and its styles, scripts and texts) is served from there, and any intake page opens the
// empty form. The worker itself stores nothing: no idea and no answer ever reach this cache.
const CACHE = "idelotsen-intake-shell";
const SHELL = "{{ shell_url|escapejs }}";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) {
    return;
  }
  event.respondWith(
    fetch(request).catch(async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(request, { ignoreSearch: true });
      if (hit) {
        return hit;
      }
      if (request.mode === "navigate") {
        const shell = await cache.match(SHELL);
        if (shell) {
          return shell;
        }
      }
      return Response.error();
    }),
  );
});
