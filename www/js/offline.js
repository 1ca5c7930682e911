// The build's version in the footer, and the service worker that keeps the page working offline
// (../sw.js). Not registered on a loopback address (./build.sh serve, where files change without
// a build and a cache would serve the old ones) unless the folder is a dist build (./build.sh dist);
// localStorage 'pagesim-sw' = 'on' or 'off' overrides either way.
import '../pkg/build.js';

const build = self.PAGESIM_BUILD ?? { version: '?', hash: 'unbuilt', dist: false };
const label = `pagesim ${build.version} · build ${build.hash}${build.dist ? '' : ' (development)'}`;

let footer = null;
if (document.body.classList.contains('embed')) {
  const link = document.getElementById('embed-open');
  if (link) link.title = label;
} else {
  footer = document.createElement('footer');
  footer.className = 'site-footer';
  footer.id = 'version';
  footer.dataset.build = build.hash;
  footer.textContent = label;
  document.body.append(footer);
}

const setting = (() => { try { return localStorage.getItem('pagesim-sw'); } catch { return null; } })();
const loopback = /^(localhost|127(\.\d+){3}|\[::1\])$/.test(location.hostname);
const wanted = setting === 'on' || (setting !== 'off' && (build.dist || !loopback));

if ('serviceWorker' in navigator && build.hash !== 'unbuilt') {
  if (wanted) register().catch((e) => console.warn('pagesim: no offline copy:', e.message));
  else navigator.serviceWorker.getRegistrations().then((all) => all.forEach((r) => r.unregister())).catch(() => {});
}

async function register() {
  const sw = navigator.serviceWorker;
  const hadController = Boolean(sw.controller);
  const reg = await sw.register(new URL('../sw.js', import.meta.url), { updateViaCache: 'none' });
  const offerWhenWaiting = () => {
    if (reg.waiting && sw.controller) offerUpdate(reg.waiting);
  };
  // An install that fails (a file missing, or not this build's: a deploy under way) leaves the
  // page as it was; the next visit tries again. The first one says so on the page (for tests).
  const follow = (next) => next?.addEventListener('statechange', () => {
    if (next.state === 'installed') offerWhenWaiting();
    if (next.state === 'redundant' && !reg.active) document.documentElement.dataset.offline = 'failed';
  });
  follow(reg.installing);
  reg.addEventListener('updatefound', () => follow(reg.installing));
  offerWhenWaiting();
  // A new build taking over a page of the old one (its Reload pressed here or in another tab):
  // load the page again rather than run on with the old JavaScript and the new cache. The address
  // holds the scenario and the step, so nothing is lost.
  let controlled = hadController;
  sw.addEventListener('controllerchange', () => {
    if (controlled) location.reload();
    controlled = true;
    markOffline();
  });
  await sw.ready;
  if (sw.controller) markOffline();
  // Loaded from the cache: ask the server whether a new build is out (offline, this just fails).
  if (hadController) reg.update().catch(() => {});
}

function markOffline() {
  document.documentElement.dataset.offline = 'ready';
  if (footer) footer.textContent = `${label} · works offline`;
}

/** A new build is installed and waits for this page: offer to switch (a reload, never a mix of the two). */
function offerUpdate(worker) {
  if (document.getElementById('update-notice')) return;
  const notice = document.createElement('div');
  notice.id = 'update-notice';
  notice.className = 'update-notice';
  notice.setAttribute('role', 'status');
  const text = document.createElement('span');
  text.textContent = 'A new version of pagesim is ready.';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'primary';
  button.textContent = 'Reload';
  button.addEventListener('click', () => worker.postMessage('skip-waiting'));
  notice.append(text, ' ', button);
  document.body.append(notice);
}
