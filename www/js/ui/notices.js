// Notices: a banner for what could not be opened, and short toasts.

const $ = (sel) => document.querySelector(sel);

export function showBanner(message) {
  const b = $('#banner');
  if (!b) return;
  const strong = document.createElement('strong');
  strong.textContent = 'Could not open this: ';
  b.replaceChildren(strong, document.createTextNode(message));
  b.hidden = false;
}

export function hideBanner() {
  const b = $('#banner');
  if (b) b.hidden = true;
}

let toastTimer = 0;
export function toast(message) {
  const t = $('#toast');
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 2200);
}

