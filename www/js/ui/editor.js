// The scenario editor: a textarea with line numbers, the current step's line marked (and scrolled
// into view), and errors shown at their line as you type.

export function createEditor({ text, gutter, mirror, error, apply }, api, onApply) {
  let errorLine = 0;
  let currentLine = 0;
  let timer = 0;
  let lines = [''];
  // The gutter and the highlight layer hold only the lines in view, moved to where the textarea
  // shows them: a 100,000-line scenario costs what a 20-line one does. The geometry is read once
  // here and then kept from scroll events and a ResizeObserver, never read while stepping.
  const style = getComputedStyle(text);
  const lineHeight = parseFloat(style.lineHeight) || 21;
  const padding = parseFloat(style.paddingTop) || 0;
  let viewH = 0, scrollTop = 0, scrollLeft = 0;
  const gutterLines = document.createElement('div');
  const mirrorLines = document.createElement('div');
  gutter.replaceChildren(gutterLines);
  mirror.replaceChildren(mirrorLines);

  function setText(value) {
    lines = value.split('\n');
    gutter.style.minWidth = `calc(${String(lines.length).length}ch + 1.2rem)`;
  }

  function paint() {
    const first = Math.max(0, Math.floor((scrollTop - padding) / lineHeight));
    const end = viewH > 0 ? Math.min(lines.length, first + Math.ceil(viewH / lineHeight) + 1) : first;
    const numbers = [], texts = [];
    for (let i = first; i < end; i++) {
      const n = document.createElement('span');
      n.textContent = String(i + 1) + '\n';
      const t = document.createElement('span');
      t.textContent = (lines[i] || ' ') + '\n';
      if (i + 1 === errorLine) n.className = t.className = 'bad';
      else if (i + 1 === currentLine) t.className = 'current';
      numbers.push(n);
      texts.push(t);
    }
    gutterLines.replaceChildren(...numbers);
    mirrorLines.replaceChildren(...texts);
    const y = first * lineHeight - scrollTop;
    gutterLines.style.transform = `translateY(${y}px)`;
    mirrorLines.style.transform = `translate(${-scrollLeft}px, ${y}px)`;
  }

  /** Scrolls the text to show `line`, unless someone is typing in it or it is closed. */
  function reveal(line) {
    if (viewH <= 0 || document.activeElement === text) return;
    const top = padding + (line - 1) * lineHeight;
    if (top < scrollTop || top + lineHeight > scrollTop + viewH) {
      text.scrollTop = Math.max(0, top - viewH / 3); // the scroll event repaints
    }
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
    setText(text.value);
    paint();
  });
  text.addEventListener('scroll', () => {
    scrollTop = text.scrollTop;
    scrollLeft = text.scrollLeft;
    paint();
  });
  new ResizeObserver(([entry]) => {
    viewH = entry.contentRect.height > 0 ? entry.contentRect.height + 2 * padding : 0; // 0: the editor is closed
    paint();
  }).observe(text);
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
      setText(value);
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
        reveal(line);
      }
    },
    /** Shows an error that happened while running (a step that was impossible). */
    showRunError(line, message) {
      errorLine = line;
      error.textContent = `line ${line}: ${message}`;
      paint();
      reveal(line);
    },
    check,
  };
}

/**
 * The editor's reference, filled from the engine's catalog the first time it is opened: every
 * command (its shape and what it does) and every `config` key (values, default, meaning).
 */
export function initEditorReference(details, body, reference) {
  details.addEventListener('toggle', () => {
    if (!details.open || body.childElementCount) return;
    const table = (head, rows) => {
      const t = document.createElement('table');
      t.className = 'ref-table';
      const tr = t.createTHead().insertRow();
      for (const h of head) tr.append(Object.assign(document.createElement('th'), { textContent: h, scope: 'col' }));
      const tb = t.createTBody();
      for (const cells of rows) {
        const r = tb.insertRow();
        cells.forEach((c, i) => {
          const td = r.insertCell();
          if (i === 0) td.append(Object.assign(document.createElement('code'), { textContent: c }));
          else td.textContent = c;
        });
      }
      return t;
    };
    body.append(
      table(['Command', 'What it does'], reference.commands.map((c) => [c.syntax, c.meaning])),
      table(['config key', 'Values', 'Default', 'Meaning'], reference.settings.map((s) => [s.key, s.values, s.default, s.meaning])),
    );
  });
}
