// Colours come from CSS custom properties, so the canvas follows the light and dark themes.

const PROCESS_COLOURS = 7;

/** Reads the theme's colours (call again when the theme changes). */
export function readPalette(element = document.documentElement) {
  const css = getComputedStyle(element);
  const v = (name) => css.getPropertyValue(name).trim();
  const procs = [];
  for (let i = 0; i < PROCESS_COLOURS; i++) procs.push(v(`--proc-${i}`));
  return {
    bg: v('--panel'),
    text: v('--text'),
    muted: v('--muted'),
    empty: v('--cell-empty'),
    cellLine: v('--cell-line'),
    guard: v('--guard'),
    table: v('--table'),
    line: v('--line'),
    highlight: v('--highlight'),
    victim: v('--victim'),
    segv: v('--segv'),
    accent: v('--accent'),
    procs,
    dark: css.colorScheme === 'dark' || luminance(v('--panel')) < 0.3,
  };
}

/** The colour of process `pid` (or of another owner the canvas named in `palette.owners`). */
export function processColour(palette, pid) {
  return palette.owners?.get(pid) ?? palette.procs[pid % palette.procs.length];
}

/** Relative luminance of `#rrggbb` (0 … 1). */
export function luminance(hex) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
  if (!m) return 1;
  const [r, g, b] = m.slice(1).map((x) => {
    const c = parseInt(x, 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever reads better on `hex`. */
export function textOn(hex) {
  return luminance(hex) > 0.35 ? '#111' : '#fff';
}

/** `#rrggbb` with alpha. */
export function withAlpha(hex, alpha) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** A short tag for a process: its name if short, else its first letters. */
export function processTag(name) {
  return name.length <= 2 ? name : name.slice(0, 2);
}

/** "A3" for page 3 of A; "P1·3" when the tag ends in a digit, so it cannot be misread. */
export function pageTag(name, vpn) {
  const tag = processTag(name);
  return /\d$/.test(tag) ? `${tag}·${vpn}` : `${tag}${vpn}`;
}
