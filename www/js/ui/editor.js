// The scenario editor: a textarea with line numbers, the current step's line marked, and errors
// shown at their line as you type.

export function createEditor({ text, gutter, mirror, error, apply }, api, onApply) {
  let errorLine = 0;
  let currentLine = 0;
  let timer = 0;

  function paint() {
    const lines = text.value.split('\n');
    gutter.replaceChildren(...lines.map((_, i) => {
      const s = document.createElement('span');
      s.textContent = String(i + 1) + '\n';
      if (i + 1 === errorLine) s.className = 'bad';
      return s;
    }));
    mirror.replaceChildren(...lines.map((line, i) => {
      const s = document.createElement('span');
      s.textContent = (line || ' ') + '\n';
      if (i + 1 === errorLine) s.className = 'bad';
      else if (i + 1 === currentLine) s.className = 'current';
      return s;
    }));
    sync();
  }

  function sync() {
    gutter.scrollTop = text.scrollTop;
    mirror.scrollTop = text.scrollTop;
    mirror.scrollLeft = text.scrollLeft;
  }

  /** Checks the text; shows and returns the error (or null). */
  function check() {
    try {
      api.checkScenario(text.value);
      errorLine = 0;
      error.textContent = '';
      paint();
      return null;
    } catch (e) {
      errorLine = e.line ?? 0;
      error.textContent = e.line ? `line ${e.line}, column ${e.column}: ${e.reason}` : e.message;
      paint();
      return e;
    }
  }

  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, 200);
    paint();
  });
  text.addEventListener('scroll', sync);
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (!check()) onApply(text.value);
    }
  });
  apply.addEventListener('click', () => {
    if (!check()) onApply(text.value);
  });

  return {
    set(value) {
      text.value = value;
      errorLine = 0;
      error.textContent = '';
      paint();
    },
    get value() { return text.value; },
    /** Marks the line the current step came from. */
    markLine(line) {
      if (line !== currentLine) {
        currentLine = line;
        paint();
      }
    },
    /** Shows an error that happened while running (a step that was impossible). */
    showRunError(line, message) {
      errorLine = line;
      error.textContent = `line ${line}: ${message}`;
      paint();
    },
    check,
  };
}
