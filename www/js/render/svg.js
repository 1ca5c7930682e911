// A 2D context that writes SVG: the renderer draws the picture into it exactly as it draws the
// canvas (the same code), and the result is vector shapes with text as text, for slides. It
// implements the part of CanvasRenderingContext2D the renderer uses; points are transformed as
// they are added, as on a canvas. Images (the pixel-painted heat map, hatching tiles) are
// embedded as PNG.

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const num = (v) => (Math.round(v * 100) / 100).toString();

const ANCHOR = { left: 'start', start: 'start', center: 'middle', right: 'end', end: 'end' };

/** A path for `fill(path)` and `stroke(path)`: points in user space, transformed when used. */
class SvgPath {
  constructor() {
    this.ops = [];
  }
  moveTo(x, y) { this.ops.push(['M', x, y]); }
  lineTo(x, y) { this.ops.push(['L', x, y]); }
  closePath() { this.ops.push(['Z']); }
  rect(x, y, w, h) { this.ops.push(['M', x, y], ['L', x + w, y], ['L', x + w, y + h], ['L', x, y + h], ['Z']); }
}

export class SvgContext {
  /** `measure` is a real 2D context, for text widths. */
  constructor(width, height, measure) {
    this.width = width;
    this.height = height;
    this.measure = measure;
    this.body = [];
    this.defs = [];
    this.d = [];
    this.stack = [];
    this.s = { fillStyle: '#000', strokeStyle: '#000', lineWidth: 1, globalAlpha: 1, font: '10px sans-serif', textAlign: 'start', textBaseline: 'alphabetic', dash: [], m: [1, 0, 0, 1, 0, 0] };
  }

  // --- state
  get fillStyle() { return this.s.fillStyle; }
  set fillStyle(v) { this.s.fillStyle = v; }
  get strokeStyle() { return this.s.strokeStyle; }
  set strokeStyle(v) { this.s.strokeStyle = v; }
  get lineWidth() { return this.s.lineWidth; }
  set lineWidth(v) { this.s.lineWidth = v; }
  get globalAlpha() { return this.s.globalAlpha; }
  set globalAlpha(v) { this.s.globalAlpha = v; }
  get font() { return this.s.font; }
  set font(v) { this.s.font = v; }
  get textAlign() { return this.s.textAlign; }
  set textAlign(v) { this.s.textAlign = v; }
  get textBaseline() { return this.s.textBaseline; }
  set textBaseline(v) { this.s.textBaseline = v; }
  setLineDash(d) { this.s.dash = [...d]; }
  getLineDash() { return [...this.s.dash]; }
  save() { this.stack.push({ ...this.s, dash: [...this.s.dash], m: [...this.s.m] }); }
  restore() { if (this.stack.length) this.s = this.stack.pop(); }

  // --- transform
  setTransform(a, b, c, d, e, f) {
    this.s.m = typeof a === 'object' ? [a.a, a.b, a.c, a.d, a.e, a.f] : [a, b, c, d, e, f];
  }
  getTransform() { return new DOMMatrix(this.s.m); }
  transform(a, b, c, d, e, f) {
    const [A, B, C, D, E, F] = this.s.m;
    this.s.m = [A * a + C * b, B * a + D * b, A * c + C * d, B * c + D * d, A * e + C * f + E, B * e + D * f + F];
  }
  translate(x, y) { this.transform(1, 0, 0, 1, x, y); }
  scale(x, y) { this.transform(x, 0, 0, y, 0, 0); }
  rotate(t) { this.transform(Math.cos(t), Math.sin(t), -Math.sin(t), Math.cos(t), 0, 0); }
  pt(x, y) {
    const [a, b, c, d, e, f] = this.s.m;
    return `${num(a * x + c * y + e)} ${num(b * x + d * y + f)}`;
  }
  get unit() { return Math.hypot(this.s.m[0], this.s.m[1]); }

  // --- paths
  createPath() { return new SvgPath(); }
  beginPath() { this.d = []; }
  moveTo(x, y) { this.d.push(`M${this.pt(x, y)}`); }
  lineTo(x, y) { this.d.push(`L${this.pt(x, y)}`); }
  closePath() { this.d.push('Z'); }
  bezierCurveTo(x1, y1, x2, y2, x, y) { this.d.push(`C${this.pt(x1, y1)} ${this.pt(x2, y2)} ${this.pt(x, y)}`); }
  quadraticCurveTo(x1, y1, x, y) { this.d.push(`Q${this.pt(x1, y1)} ${this.pt(x, y)}`); }
  rect(x, y, w, h) { this.d.push(`M${this.pt(x, y)}L${this.pt(x + w, y)}L${this.pt(x + w, y + h)}L${this.pt(x, y + h)}Z`); }
  roundRect(x, y, w, h, r) {
    r = Math.min(Number(r) || 0, w / 2, h / 2);
    const R = num(r * this.unit);
    const arc = (ex, ey) => `A${R} ${R} 0 0 1 ${this.pt(ex, ey)}`;
    this.d.push(`M${this.pt(x + r, y)}L${this.pt(x + w - r, y)}${arc(x + w, y + r)}L${this.pt(x + w, y + h - r)}${arc(x + w - r, y + h)}`
      + `L${this.pt(x + r, y + h)}${arc(x, y + h - r)}L${this.pt(x, y + r)}${arc(x + r, y)}Z`);
  }
  arc(x, y, r, a0, a1) {
    // Whole circles and arcs, clockwise (all the renderer draws).
    const R = num(r * this.unit);
    const at = (a) => this.pt(x + r * Math.cos(a), y + r * Math.sin(a));
    if (Math.abs(a1 - a0) >= Math.PI * 2 - 1e-6) {
      this.d.push(`M${at(a0)}A${R} ${R} 0 1 1 ${at(a0 + Math.PI)}A${R} ${R} 0 1 1 ${at(a0)}`);
    } else {
      this.d.push(`${this.d.length ? 'L' : 'M'}${at(a0)}A${R} ${R} 0 ${a1 - a0 > Math.PI ? 1 : 0} 1 ${at(a1)}`);
    }
  }
  pathData(path) {
    if (!path) return this.d.join('');
    return path.ops.map(([op, x, y]) => (op === 'Z' ? 'Z' : `${op}${this.pt(x, y)}`)).join('');
  }

  // --- painting
  paint(style) {
    if (style && typeof style === 'object' && style.svgPattern) return `url(#${style.svgPattern})`;
    return esc(style);
  }
  alpha() { return this.s.globalAlpha < 1 ? ` opacity="${num(this.s.globalAlpha)}"` : ''; }
  fill(path) {
    const d = this.pathData(path instanceof SvgPath ? path : null);
    if (d) this.body.push(`<path d="${d}" fill="${this.paint(this.s.fillStyle)}"${this.alpha()}/>`);
  }
  stroke(path) {
    const d = this.pathData(path instanceof SvgPath ? path : null);
    if (!d) return;
    const dash = this.s.dash.length ? ` stroke-dasharray="${this.s.dash.map((v) => num(v * this.unit)).join(' ')}"` : '';
    this.body.push(`<path d="${d}" fill="none" stroke="${this.paint(this.s.strokeStyle)}" stroke-width="${num(this.s.lineWidth * this.unit)}"${dash}${this.alpha()}/>`);
  }
  fillRect(x, y, w, h) {
    const saved = this.d;
    this.d = [];
    this.rect(x, y, w, h);
    this.fill();
    this.d = saved;
  }
  strokeRect(x, y, w, h) {
    const saved = this.d;
    this.d = [];
    this.rect(x, y, w, h);
    this.stroke();
    this.d = saved;
  }
  clearRect() {}

  // --- text
  measureText(text) {
    this.measure.font = this.s.font;
    this.measure.textBaseline = this.s.textBaseline;
    return this.measure.measureText(text);
  }
  fillText(text, x, y) {
    const [a, b, c, d, e, f] = this.s.m;
    const anchor = ANCHOR[this.s.textAlign] ?? 'start';
    // SVG's baselines sit differently from the canvas's: place the alphabetic baseline where the
    // canvas would put it (the measuring context says how far it is from the one asked for).
    this.measure.font = this.s.font;
    this.measure.textBaseline = this.s.textBaseline;
    const below = -(this.measure.measureText(text).alphabeticBaseline ?? 0);
    this.body.push(`<text transform="matrix(${[a, b, c, d, e, f].map(num).join(' ')})" x="${num(x)}" y="${num(y + below)}" text-anchor="${anchor}" `
      + `style="font:${esc(this.s.font)}" fill="${this.paint(this.s.fillStyle)}"${this.alpha()}>${esc(text)}</text>`);
  }

  // --- images
  createPattern(tile) {
    const id = `p${this.defs.length}`;
    this.defs.push(`<pattern id="${id}" width="${tile.width}" height="${tile.height}" patternUnits="userSpaceOnUse">`
      + `<image href="${tile.toDataURL('image/png')}" width="${tile.width}" height="${tile.height}"/></pattern>`);
    return { svgPattern: id };
  }
  drawImage(image, sx, sy, sw, sh, dx, dy, dw, dh) {
    const crop = document.createElement('canvas');
    crop.width = sw;
    crop.height = sh;
    crop.getContext('2d').drawImage(image, sx, sy, sw, sh, 0, 0, sw, sh);
    const [a, b, c, d, e, f] = this.s.m;
    this.body.push(`<image transform="matrix(${[a, b, c, d, e, f].map(num).join(' ')})" x="${num(dx)}" y="${num(dy)}" width="${num(dw)}" height="${num(dh)}" `
      + `preserveAspectRatio="none" style="image-rendering:pixelated" href="${crop.toDataURL('image/png')}"${this.alpha()}/>`);
  }

  /** The SVG document. */
  toString() {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${num(this.width)}" height="${num(this.height)}" viewBox="0 0 ${num(this.width)} ${num(this.height)}">`
      + `<defs>${this.defs.join('')}</defs>${this.body.join('\n')}</svg>\n`;
  }
}
