// The legend, always visible under the canvas: every mark the picture uses, in words.

const ITEMS = [
  ['guard', 'null guard page'],
  ['unmapped', 'unmapped'],
  ['reserved', 'allocated, not touched'],
  ['code', 'code, not in memory'],
  ['resident', 'in a frame'],
  ['swapped', 'in swap'],
  ['dirty', 'dirty (corner)'],
  ['referenced', 'referenced (dot)'],
  ['shared', 'shared: several pages map the frame (×n: how many)'],
  ['cow', 'copy-on-write (after fork): a write copies it'],
  ['hand', 'clock hand'],
];

export function drawLegend(box, renderer) {
  box.replaceChildren(...ITEMS.map(([kind, label]) => {
    const item = document.createElement('span');
    item.className = 'item';
    const icon = document.createElement('canvas');
    icon.setAttribute('aria-hidden', 'true');
    renderer.paintIcon(icon, kind);
    item.append(icon, document.createTextNode(label));
    return item;
  }));
}
