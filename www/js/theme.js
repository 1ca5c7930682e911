// Light or dark: the saved choice, else the system preference. Runs before the engine loads, so
// the first paint already has the right colours.

const KEY = 'pagesim-theme';
const system = window.matchMedia('(prefers-color-scheme: dark)');

function saved() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage blocked (private mode, sandboxed iframe)
  }
}

export function applyTheme() {
  document.documentElement.dataset.theme = saved() ?? (system.matches ? 'dark' : 'light');
}

/** Flips the theme and remembers the choice. */
export function toggleTheme() {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  try {
    localStorage.setItem(KEY, next);
  } catch {
    /* not remembered */
  }
  document.documentElement.dataset.theme = next;
}

/** Calls `onChange` when the system preference changes (and nothing was chosen here). */
export function watchSystemTheme(onChange) {
  system.addEventListener('change', () => {
    if (!saved()) {
      applyTheme();
      onChange();
    }
  });
}

applyTheme();
