// pagesim's service worker: after one visit the page and its embeds work with no network.
//
// On install it fetches every file of this build (pkg/build.js lists them with their hashes; the
// dist folder has that list inlined below instead of imported) into one cache named after the build
// hash, checking each JavaScript and WebAssembly file against its hash: a host that sends files of
// two builds during a deploy fails the install instead of caching a mix. Requests are answered
// from that cache (cache first: the page is the same bytes until a new build). A new build is a
// new sw.js (a new list), which the browser installs beside the old one; it takes over when no
// page of the old build is open any more (or at once when the page's "Reload" is pressed), and
// then deletes every older cache. A page never runs one build's JavaScript with another's
// WebAssembly.
//
// www/js/offline.js registers it (not on a loopback address in development, see README).
importScripts('pkg/build.js');

const BUILD = self.PAGESIM_BUILD;
const PREFIX = 'pagesim-';
const CACHE = PREFIX + BUILD.hash;
const scope = self.registration.scope;
const at = (path) => new URL(path, scope).href;
const CHECKED = /\.(js|wasm)$/;

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** One file of this build, fetched past the HTTP cache and checked; a redirected response is re-made (navigations refuse those). */
async function fetchChecked(path, expected) {
  const response = await fetch(new Request(at(path), { cache: 'no-cache' }));
  if (!response.ok) throw new Error(`pagesim offline cache: ${path}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  if (expected && CHECKED.test(path)) {
    const got = hex(await crypto.subtle.digest('SHA-256', bytes)).slice(0, 16);
    if (got !== expected) throw new Error(`pagesim offline cache: ${path} is not the file of build ${BUILD.hash} (a deploy in progress?)`);
  }
  if (path === 'pkg/build.js' && !new TextDecoder().decode(bytes).includes(`"hash":"${BUILD.hash}"`)) {
    throw new Error(`pagesim offline cache: pkg/build.js is not build ${BUILD.hash}`);
  }
  // The bytes are decoded already: the encoding and length the server sent no longer apply.
  const headers = new Headers(response.headers);
  for (const h of ['content-encoding', 'content-length', 'transfer-encoding']) headers.delete(h);
  return new Response(bytes, { status: 200, headers });
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const entries = [...Object.entries(BUILD.files), ['pkg/build.js', null]];
    const responses = await Promise.all(entries.map(([path, hash]) => fetchChecked(path, hash)));
    // Written only once every file arrived and checked: a cache is this whole build or nothing.
    await caches.delete(CACHE);
    const cache = await caches.open(CACHE);
    await Promise.all(entries.map(([path], i) => cache.put(at(path), responses[i])));
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(scope)) return;
  const url = new URL(request.url);
  // The query and the fragment do not pick the file (links carry the scenario in the fragment).
  let key = url.origin + url.pathname;
  if (key.endsWith('/')) key += 'index.html';
  event.respondWith((async () => {
    const hit = await (await caches.open(CACHE)).match(key);
    return hit ?? fetch(request);
  })());
});
