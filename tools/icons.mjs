// The app icons (www/icons/*.png), drawn from favicon.svg's design: a blue square with four
// cells (white, orange, green, an empty one outlined). No dependencies; run after changing it:
//   node tools/icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'www', 'icons');
const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), 255];
const BLUE = hex('#0072B2'), WHITE = hex('#FFFFFF'), ORANGE = hex('#E69F00'), GREEN = hex('#009E73');

/**
 * An icon of `size` px. The 16-unit design of favicon.svg; `inset` units of blue around it for a
 * maskable icon (whose corners the system cuts), `radius` the corner rounding (0: square, full bleed).
 */
function icon(size, { inset = 0, radius = 3 } = {}) {
  const u = size / (16 + 2 * inset);
  const px = new Uint8Array(size * size * 4);
  const inRect = (x, y, rx, ry, w, h) => x >= (rx + inset) * u && x < (rx + inset + w) * u && y >= (ry + inset) * u && y < (ry + inset + h) * u;
  const inRounded = (x, y) => {
    const r = radius * u;
    const cx = Math.min(Math.max(x, r), size - r), cy = Math.min(Math.max(y, r), size - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  const stroke = 1 / 1.5; // the empty cell's outline, in units
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [fx, fy] = [x + 0.5, y + 0.5];
      let c = null;
      if (radius === 0 || inRounded(fx, fy)) c = BLUE;
      if (inRect(fx, fy, 3, 3, 4, 4)) c = WHITE;
      if (inRect(fx, fy, 9, 3, 4, 4)) c = ORANGE;
      if (inRect(fx, fy, 3, 9, 4, 4)) c = GREEN;
      if (inRect(fx, fy, 9, 9, 4, 4) && !inRect(fx, fy, 9 + stroke, 9 + stroke, 4 - 2 * stroke, 4 - 2 * stroke)) c = WHITE;
      if (c) px.set(c, (y * size + x) * 4);
    }
  }
  return png(size, px);
}

function png(size, rgba) {
  const chunk = (type, data) => {
    const b = Buffer.alloc(12 + data.length);
    b.writeUInt32BE(data.length, 0);
    b.write(type, 4, 'latin1');
    data.copy(b, 8);
    b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
    return b;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0); header.writeUInt32BE(size, 4);
  header[8] = 8; header[9] = 6; // 8-bit RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'icon-192.png'), icon(192));
writeFileSync(join(out, 'icon-512.png'), icon(512));
// Maskable: full bleed, the design inside the middle 80% (the safe zone).
writeFileSync(join(out, 'maskable-512.png'), icon(512, { inset: 2, radius: 0 }));
// iOS rounds the corners itself and wants no transparency.
writeFileSync(join(out, 'apple-touch-icon.png'), icon(180, { radius: 0 }));
console.log(`icons written to ${out}`);
