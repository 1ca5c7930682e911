// The legend, always visible under the canvas: every mark the picture uses, in words.

// Each mark in full, and in a word or two for the one-line legend of a small embed.
const ITEMS = [
  ['guard', 'null guard page', 'guard'],
  ['unmapped', 'unmapped', 'unmapped'],
  ['reserved', 'allocated, not touched', 'untouched'],
  ['code', 'code, not in memory', 'code'],
  ['resident', 'in a frame', 'in a frame'],
  ['swapped', 'in swap', 'in swap'],
  ['dirty', 'dirty (corner)', 'dirty'],
  ['referenced', 'referenced (dot)', 'referenced'],
  ['shared', 'shared: several pages map the frame (×n: how many)', 'shared'],
  ['cow', 'copy-on-write (after fork): a write copies it', 'copy-on-write'],
  ['hand', 'clock hand', 'clock hand'],
  ['table', 'a page table in a frame (tables=ram)', 'page table'],
];

export function drawLegend(box, renderer) {
  box.replaceChildren(...ITEMS.map(([kind, label, short]) => {
    const item = document.createElement('span');
    item.className = 'item';
    item.dataset.kind = kind;
    const icon = document.createElement('canvas');
    icon.setAttribute('aria-hidden', 'true');
    renderer.paintIcon(icon, kind);
    const full = Object.assign(document.createElement('span'), { className: 'long', textContent: label });
    const brief = Object.assign(document.createElement('span'), { className: 'short', textContent: short, title: label });
    brief.setAttribute('aria-hidden', 'true');
    item.append(icon, full, brief);
    return item;
  }));
}
