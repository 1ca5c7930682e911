// Share links and embedding (README, *Links and embedding*). Links are made and read by the Rust
// code (deflate + base64url, size-capped), so the page and `pagesim link` agree.

const FOLLOW_DELAY = 350; // ms: the address bar follows the state, without flooding history

export function createLinks(api, { embedded, toast, getState }) {
  const tooLarge = `This scenario is too large for a link (${api.catalog().limits.linkBytes.max / 1024} KiB at most).`;
  let mode = null;
  let cache = { text: null, payload: null };
  let timer = 0;

  async function payload(text) {
    if (cache.text !== text) {
      let p = null;
      try { p = api.encodeLink(text); } catch { p = null; } // too large for a link
      cache = { text, payload: p };
    }
    return cache.payload;
  }

  async function fragment(text, step, { embed = embedded } = {}) {
    const p = await payload(text);
    if (!p) return null;
    let f = `${embed ? 'embed&' : ''}s=${p}`;
    if (step > 0) f += `&t=${step}`;
    if (mode) f += `&mode=${mode}`;
    return f;
  }

  function pageBase(file) {
    const u = new URL(location.href);
    u.hash = '';
    u.search = '';
    u.pathname = u.pathname.replace(/[^/]*$/, file);
    return u.href;
  }

  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      return false;
    }
  }

  return {
    /**
     * Reads a location hash: {text, step, mode} for a share link, {preset} for #p=id, {tour} for
     * #tour=id, {refs: {text, frames, policies}} for #refs=…&frames=…&policies=…, {error}.
     */
    async open(hash) {
      if (!hash || hash === '#') return {};
      const chapter = /(?:^#|&)tour=([a-z0-9-]+)/.exec(hash);
      if (chapter) return { tour: chapter[1] };
      const refs = /(?:^#|&)refs=([^&]*)/.exec(hash);
      if (refs) {
        const param = (name, fallback) => new RegExp(`(?:^#|&)${name}=([^&]*)`).exec(hash)?.[1] ?? fallback;
        return {
          refs: {
            text: decodeURIComponent(refs[1]),
            frames: Number(param('frames', '3')),
            policies: decodeURIComponent(param('policies', 'fifo,lru,opt')).split(',').filter(Boolean),
          },
        };
      }
      const preset = /(?:^#|&)p=([a-z0-9-]+)/.exec(hash);
      if (preset && !/(?:^#|&)s=/.test(hash)) return { preset: preset[1] };
      if (!/(?:^#|&)s=/.test(hash)) return hash.includes('embed') ? {} : { error: 'this link has no scenario in it (no s=…)' };
      try {
        const state = api.decodeLink(hash);
        return { text: state.text, step: state.step ?? 0, mode: state.mode ?? null };
      } catch (e) {
        return { error: e.message };
      }
    },

    /** Keeps the address bar on the current scenario and step (replaceState: no history spam). */
    follow(text, step) {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const f = await fragment(text, step);
        const s = getState();
        if (s.text !== text || s.sim.position !== step) return; // moved on meanwhile
        if (f && location.hash.slice(1) !== f) history.replaceState(null, '', `#${f}`);
        const full = document.getElementById('embed-open');
        const plain = await fragment(text, step, { embed: false });
        if (full && plain) full.href = `${pageBase('index.html')}#${plain}`;
      }, FOLLOW_DELAY);
    },

    setMode(m) {
      mode = m;
      const s = getState();
      this.follow(s.text, s.sim.position);
    },

    /** The share URL for the current state. */
    async url() {
      const s = getState();
      const f = await fragment(s.text, s.sim.position, { embed: false });
      return f ? `${pageBase('index.html')}#${f}` : null;
    },

    async share() {
      const url = await this.url();
      if (!url) return toast(tooLarge);
      history.replaceState(null, '', `#${url.split('#')[1]}`);
      const ok = await copy(url);
      toast(ok ? 'Link copied: it opens this scenario at this step.' : 'Copy failed: the link is in the address bar.');
      document.body.dataset.lastShare = url;
    },

    /** The `<iframe>` snippet for this scenario at this step. */
    async embedSnippet() {
      const s = getState();
      const f = await fragment(s.text, s.sim.position, { embed: false });
      if (!f) return null;
      const src = `${pageBase('embed.html')}#${f}`;
      return `<iframe src="${src}" width="800" height="450" style="border:0;max-width:100%" loading="lazy" title="pagesim: virtual memory simulation" allowfullscreen></iframe>`;
    },

    async showEmbed(dialog) {
      const code = dialog.querySelector('#embed-code');
      const status = dialog.querySelector('#embed-status');
      code.value = '';
      status.textContent = 'Making the link…';
      dialog.querySelector('#embed-copy').onclick = async () => {
        code.select();
        status.textContent = (await copy(code.value)) ? 'Copied.' : 'Select the text and copy it.';
      };
      dialog.showModal();
      const snippet = await this.embedSnippet();
      code.value = snippet ?? tooLarge;
      status.textContent = '';
      code.select();
    },
  };
}
