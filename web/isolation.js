// Latent Canvas' service worker, for servers that do not send the cross-origin isolation headers (a plain static
// server such as `python3 -m http.server`, or GitHub Pages). Browsers give a page threads (SharedArrayBuffer) only
// when it is cross-origin isolated, so main.js registers this worker, and reloads once; from then on this worker
// answers the page's requests with the server's own responses plus the three headers our server would have sent.
// It caches nothing and changes nothing else. Requests to other origins pass by untouched (the page makes none).
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(fetch(request).then((response) => {
    if (response.status === 0 || response.type === 'opaque') return response;
    const headers = new Headers(response.headers);
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }));
});
