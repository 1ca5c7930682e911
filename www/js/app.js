// pagesim's page: wires the engine, the canvas and the panels together. Each concern lives in its
// own module (render/…, ui/…); this file owns the state (the current simulator and scenario) and
// the flow: load a scenario, step, redraw.

import { toggleTheme, watchSystemTheme } from './theme.js';
import { loadEngine, loadAnalysis, memoryBytes } from './engine.js';
import { createRenderer } from './render/canvas.js';
import { createViews } from './render/views.js';
import { createRecords } from './records.js';
import { createLog } from './ui/log.js';
import { renderStats, drawRatePlot } from './ui/stats.js';
import { renderTranslation } from './ui/translation.js';
import { createEditor, initEditorReference } from './ui/editor.js';
import { initSettings, fillSettings, applySettings } from './ui/settings.js';
import { highlightOf, accessOf } from './ui/events.js';
import { drawLegend } from './ui/legend.js';
import { createLinks } from './ui/share.js';
import { createPredict } from './ui/predict.js';
import { createPanels } from './ui/panels.js';
import { showBanner, hideBanner, toast } from './ui/notices.js';
import { wireCanvas } from './ui/hover.js';
import { runCsv, download } from './ui/export.js';
import { createGrid } from './ui/grid.js';
import { renderStateText } from './ui/statetext.js';
import { createTour } from './ui/tour.js';
import { createRefs } from './ui/refs.js';

const $ = (sel) => document.querySelector(sel);
const SPEEDS = [0.5, 1, 2, 3, 5, 8, 12, 20, 40, 100, 300, 1000]; // steps per second
const FRAME_MS = 14; // what one animation frame may spend stepping and redrawing while playing
const READABLE_SPEED = 20; // steps per second up to which playback shows every step's text
const STATE_TEXT_MS = 150; // the text version of the picture follows once stepping rests this long
const PANELS_HZ = 10; // how often the text panels follow a faster playback (the picture: every frame)
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

const engine = await loadEngine();
const { api } = engine;
const views = createViews(engine.layout);
const presets = api.presets();
const embedded = document.body.classList.contains('embed') || /(^#|&)embed(&|$)/.test(location.hash);
if (embedded) document.body.classList.add('embed');

const state = {
  sim: null,
  text: '',
  presetId: null,
  config: null,
  playing: false,
  lastTick: 0,
  owed: 0,
  pulseStart: 0,
  refreshMs: 0, // what the last refresh cost: playing steps for the rest of a frame
  panelsAt: 0, // when the text panels were last brought up to date
  panelsBehind: false, // they show an earlier step than the picture (fast playback)
};

const canvas = $('#canvas');
const renderer = createRenderer(canvas, engine);
const panels = createPanels({ state, engine, views, presets, renderer, embedded, loadAnalysis, orderHidden: () => predict?.asking });
const { showStep, showNextStep, showPolicyOrder, showAbout, occupiedFrames, names } = panels;
const records = createRecords();
const log = $('#log') ? createLog($('#log'), records, (step) => jump(step)) : null;
const editor = $('#editor-text')
  ? createEditor(
    { text: $('#editor-text'), gutter: $('#editor-gutter'), mirror: $('#editor-mirror'), error: $('#editor-error'), apply: $('#editor-apply') },
    api,
    (text) => load(text),
  )
  : null;
if ($('#editor-ref')) initEditorReference($('#editor-ref'), $('#editor-ref-body'), engine.catalog.reference);
const links = createLinks(api, { embedded, toast, getState: () => state });
const predict = $('#predict') ? createPredict($('#predict'), {
  onReveal: () => stepForward(true),
  // The policy's order names the next victim: hidden while the question is open.
  onAsk: () => { if ($('#policy-order')) showPolicyOrder($('#policy-order')); },
}) : null;
const gridView = $('#grid') ? createGrid($('#grid'), $('#grid-note'), { names }) : null;
// The grid is made (by replaying the run) only while its panel is open.
$('#grid-panel')?.addEventListener('toggle', () => { if ($('#grid-panel').open) gridView.show(state.sim.position); });
// The Trace and Exercise dialogs load their code when first opened: the first view does not wait
// for it (every module of the first view is fetched before the page draws).
const lazy = (make) => {
  let made = null;
  return () => (made ??= make());
};
const exerciseDialog = lazy(async () => {
  const [ui, ex] = await Promise.all([import('./ui/exercise.js'), loadAnalysis()]);
  return ui.createExerciseDialog($('#exercise-dialog'), $('#worksheet'), { api, ex, catalog: engine.catalog, open: openExercise, toast });
});
const traceDialog = lazy(async () => (await import('./ui/trace.js'))
  .createTraceDialog($('#trace-dialog'), api, { toast, openScenario: (text) => load(text), catalog: engine.catalog }));

const tour = $('#tour') ? createTour({
  api,
  box: $('#tour'),
  load,
  jump: (step) => jump(step),
  // The address bar names the chapter: reloading or sharing it opens the same chapter.
  follow: (id) => history.replaceState(null, '', `#tour=${id}`),
}) : null;
$('#btn-tour')?.addEventListener('click', () => tour.open(state.tourId ?? tour.chapters[0].id));
// A phone's header: its buttons behind one menu button; using one folds the menu again.
$('#btn-menu')?.addEventListener('click', (e) => {
  const open = document.body.classList.toggle('menu-open');
  e.currentTarget.setAttribute('aria-expanded', String(open));
});
for (const nav of document.querySelectorAll('.topnav')) {
  nav.addEventListener('click', (e) => {
    if (e.target.closest('button') && document.body.classList.contains('menu-open')) {
      document.body.classList.remove('menu-open');
      $('#btn-menu')?.setAttribute('aria-expanded', 'false');
    }
  });
}
const refsView = $('#refs-panel') ? createRefs($('#refs-panel'), {
  api,
  loadExercises: loadAnalysis,
  catalog: engine.catalog,
  load,
  // The address bar holds the view's own short link (#refs=…&frames=…&policies=…).
  follow: (fragment) => history.replaceState(null, '', `#${fragment}`),
}) : null;

// ----- loading scenarios ---------------------------------------------------------------------

/**
 * Loads scenario text; on a parse error keeps the current scenario and shows the error.
 * Returns true on success.
 */
function load(text, { step = 0, keepZoom = false, tourId = null, refs = false } = {}) {
  let sim;
  try {
    sim = new api.Simulator(text);
  } catch (e) {
    showError(e);
    return false;
  }
  state.sim?.dispose();
  state.sim = sim;
  state.text = text;
  // A preset, as written or with other settings (the engine compares the commands): its title,
  // explanation and comparison plot follow it into links, the editor and Settings.
  const preset = tourId ? null : api.presetOf(text);
  state.presetId = preset?.id ?? null;
  state.presetOther = Boolean(preset && !preset.same_settings);
  state.tourId = tourId;
  if (!tourId) tour?.close();
  if (!refs) refsView?.close();
  state.config = sim.config();
  pause();
  if (!keepZoom) renderer.resetZoom();
  records.reset(sim);
  gridView?.reset(sim);
  if ($('#worksheet') && $('#worksheet').dataset.text !== text) $('#worksheet').replaceChildren(); // it was another's
  log?.reset();
  editor?.set(text);
  if ($('#settings-panel')) fillSettings($('#settings-panel'), state.config);
  if ($('#preset')) $('#preset').value = state.presetId ?? '';
  showAbout();
  // A chapter of the tour tells its own story: the scenario's About box would say "Your scenario".
  if ($('#about')) $('#about').hidden = Boolean(tourId);
  // The legend names the paging picture's cells; a machine before virtual memory draws none.
  if ($('#legend')) $('#legend').hidden = state.config.vm !== 'paging';
  predict?.reset();
  hideBanner();
  if (step > 0) {
    try {
      sim.goto(step);
    } catch (e) {
      showBanner(`Could not reach step ${step}: ${e.message}`);
    }
  }
  refresh({ animate: false });
  return true;
}

/**
 * A link whose scenario does not parse: keep its text (in the editor, with the error at its line,
 * and in the address bar) on an empty machine, instead of replacing it with a preset.
 */
function openBroken(text) {
  let error;
  try {
    api.checkScenario(text);
  } catch (e) {
    error = e;
  }
  state.sim?.dispose();
  state.sim = new api.Simulator();
  records.reset(state.sim);
  gridView?.reset(state.sim);
  log?.reset();
  state.text = text;
  state.presetId = null;
  state.config = state.sim.config();
  if (editor) {
    editor.set(text);
    editor.check();
    $('#editor-panel').hidden = false;
    $('#btn-editor').setAttribute('aria-expanded', 'true');
  }
  showAbout();
  refresh({ animate: false });
  const where = embedded
    ? 'Open it in the full page to fix it.'
    : 'It is open in the editor: fix it and press Run.';
  showBanner(`this link's scenario has an error — ${error?.message ?? 'it does not parse'}. ${where}`);
}

function showError(e) {
  if (editor && e.line) {
    $('#editor-panel').hidden = false;
    $('#btn-editor').setAttribute('aria-expanded', 'true');
    editor.check();
  } else {
    showBanner(e.message);
  }
}

function loadPreset(id, step = 0) {
  const p = presets.find((x) => x.id === id) ?? presets[0];
  return load(p.text, { step });
}

// ----- stepping ------------------------------------------------------------------------------

/** One step, without redrawing; false if none was taken (the end, an error, a question). */
function stepOnce(force = false) {
  const sim = state.sim;
  if (sim.atEnd) {
    pause();
    return false;
  }
  if (!force && predict?.active && predict.ask(sim, state.config, names(), occupiedFrames)) {
    pause();
    return false;
  }
  try {
    records.add(sim.step());
  } catch (e) {
    pause(); // the refresh shows the error
    return false;
  }
  state.pulseStart = performance.now();
  if (sim.atEnd) pause(); // playback stops on the last step, not one tick later
  return true;
}

function stepForward(force = false) {
  stepOnce(force);
  refresh();
}

function stepBack() {
  pause();
  predict?.cancel();
  state.sim.back();
  refresh({ animate: false });
}

function jump(step) {
  pause();
  predict?.cancel();
  try {
    state.sim.goto(Math.min(step, state.sim.length));
  } catch {
    /* an impossible step: the run stops before it; refresh shows the error */
  }
  refresh({ animate: false });
}

function play() {
  if (state.sim.atEnd) jump(0);
  state.playing = true;
  state.lastTick = performance.now();
  state.owed = 1; // the first step right away
  setPlayButton();
  requestAnimationFrame(tick);
}

/** Stops playback; whoever calls it redraws (a step, a jump), except the user's Pause: `pauseHere`. */
function pause() {
  const was = state.playing;
  state.playing = false;
  setPlayButton();
  if (was) showStateText();
}

/** The user's Pause (button, Space): the text panels catch up with the picture if they were behind. */
function pauseHere() {
  pause();
  if (state.panelsBehind) refresh({ animate: false });
}

let stateTextTimer = 0;

/**
 * The picture as text, for screen readers (the canvas points at it), once stepping rests for
 * STATE_TEXT_MS: a burst of steps (→ held down) rebuilds it once, not at every step, where its
 * tables were half of a step's layout. `data-step` says which step it describes.
 */
function showStateText() {
  clearTimeout(stateTextTimer);
  stateTextTimer = setTimeout(() => {
    const box = $('#state-text');
    if (!box || !state.stats || state.playing) return;
    renderStateText(box, state.sim, state.stats, state.config, views, engine.layout.flags, engine.states);
    box.dataset.step = String(state.sim.position);
  }, STATE_TEXT_MS);
}

/**
 * One animation frame of playback: the steps owed at the chosen speed, as many as fit in the
 * frame's time beside the redraw, then one refresh. When the page cannot keep up it plays slower
 * rather than owing steps, so a frame never grows into a long task and Pause is seen at once.
 */
function tick(now) {
  if (!state.playing) return;
  const speed = SPEEDS[Number($('#speed').value) - 1] ?? 2;
  state.owed += ((now - state.lastTick) / 1000) * speed;
  state.lastTick = now;
  const budget = Math.max(1, FRAME_MS - state.refreshMs);
  const t0 = performance.now();
  let stepped = 0;
  while (state.owed >= 1 && state.playing) {
    if (!stepOnce()) break;
    state.owed -= 1;
    stepped++;
    if (performance.now() - t0 > budget) {
      state.owed = Math.min(state.owed, 1);
      break;
    }
  }
  if (stepped || !state.playing) {
    const everyStep = !state.playing || speed <= READABLE_SPEED;
    refresh({ panels: everyStep || now - state.panelsAt >= 1000 / PANELS_HZ });
  } else if (now - state.pulseStart < 450) draw(now); // the newest step's outline fades
  if (state.playing) requestAnimationFrame(tick);
}

function setPlayButton() {
  const b = $('#btn-play');
  b.textContent = state.playing ? '❚❚' : '▶';
  b.setAttribute('aria-label', state.playing ? 'Pause' : 'Play');
}

// ----- drawing -------------------------------------------------------------------------------

let pulseFrame = 0;

/**
 * Brings every panel up to date with the simulator. Its cost does not depend on how long the run
 * is: the panels read the current state, and records only of the steps they show. While playing
 * faster than anyone reads, the text panels follow at PANELS_HZ and the picture every frame
 * (`panels: false`): the text panels' style and layout were half of a frame's cost at top speed.
 */
function refresh({ animate = true, panels = true } = {}) {
  const t0 = performance.now();
  const sim = state.sim;
  state.stats = sim.stats();
  const pos = sim.position;
  const current = records.at(pos);
  state.highlight = pos > 0 ? highlightOf(current) : null;
  if (!animate) state.pulseStart = 0;

  $('#counter').textContent = `step ${pos} / ${sim.length}`;
  const scrub = $('#scrub');
  scrub.max = String(sim.length);
  scrub.value = String(pos);
  $('#btn-back').disabled = pos === 0;
  $('#btn-reset').disabled = pos === 0;
  $('#btn-step').disabled = sim.atEnd;

  draw(); // before the panels touch the DOM: setting the canvas font would recalculate their style
  if (panels) showPanels(pos, current);
  state.panelsBehind = !panels;
  tour?.onStep(pos);
  refsView?.show(pos);
  // A chapter of the tour and the reference-string view keep their own short links; anything
  // else, the scenario's.
  if (!state.tourId && !refsView?.active) links.follow(state.text, pos);
  if (state.pulseStart && !reducedMotion.matches && !state.playing) { // (playback draws every frame)
    cancelAnimationFrame(pulseFrame);
    pulseFrame = requestAnimationFrame(animatePulse);
  }
  state.refreshMs = performance.now() - t0;
}

/** The text panels at step `pos` (`current` is its record). */
function showPanels(pos, current) {
  const sim = state.sim;
  state.panelsAt = performance.now();
  log?.show(sim.historyStart + 1, pos);
  const err = sim.runError();
  showStep(current, pos, err);
  if (err) {
    editor?.showRunError(err.line, err.message);
  } else if (current) {
    editor?.markLine(current.line);
  }
  if ($('#stats')) {
    renderStats($('#stats'), state.stats, renderer.palette, state.config);
    drawRatePlot($('#rate-plot'), state.stats.total.fault_rate, renderer.palette);
  }
  if ($('#translation')) {
    const access = records.latest(pos, (r) => accessOf(r) !== null);
    renderTranslation($('#translation'), sim, access, state.config, names());
  }
  if ($('#policy-order')) showPolicyOrder($('#policy-order'));
  if ($('#next-step')) showNextStep($('#next-step'));
  if ($('#grid-panel')?.open) gridView.show(pos);
  if (!state.playing) showStateText(); // while playing, at the pause: it is for reading
}

/** Redraws while the newest step's outline fades. */
function animatePulse(now) {
  draw(now);
  if (now - state.pulseStart < 450) pulseFrame = requestAnimationFrame(animatePulse);
}

/** What the renderer draws now. */
function scene(pulse = 0) {
  return { sim: state.sim, processes: state.stats.processes, objects: state.stats.objects ?? [], config: state.config,
    highlight: state.highlight, pulse,
    orderHidden: Boolean(predict?.asking) }; // the policy's order would give the answer away
}

function draw(now = performance.now()) {
  if (!state.sim) return; // nothing loaded yet (a link is being read)
  const age = state.pulseStart ? (now - state.pulseStart) / 450 : 1;
  const pulse = reducedMotion.matches ? 0 : Math.max(0, 1 - age);
  const { neededHeight } = renderer.draw(scene(pulse));
  fitCanvasHeight(neededHeight);
}

/**
 * Shrinks the canvas to what the picture needs (a small machine leaves no empty band), between
 * a floor and 70% of the window. An embedded frame always fills its iframe instead.
 */
function fitCanvasHeight(needed) {
  if (embedded) return;
  const box = $('#canvas-box');
  box.fitted ??= box.clientHeight; // read once; after that the height is the one set here
  const target = Math.round(Math.max(200, Math.min(needed, windowHeight * 0.7)));
  if (Math.abs(box.fitted - target) > 6 && target < box.fitted + 400) {
    box.style.height = `${target}px`;
    box.fitted = target;
  }
}
let windowHeight = window.innerHeight;
window.addEventListener('resize', () => { windowHeight = window.innerHeight; });

// ----- wiring --------------------------------------------------------------------------------

$('#btn-step').addEventListener('click', () => { pause(); stepForward(); });
$('#btn-back').addEventListener('click', stepBack);
$('#btn-reset').addEventListener('click', () => jump(0));
$('#btn-play').addEventListener('click', () => (state.playing ? pauseHere() : play()));
$('#scrub').addEventListener('input', (e) => jump(Number(e.target.value)));

document.addEventListener('keydown', (e) => {
  if (e.target.closest?.('input, textarea, select, [contenteditable]') || e.altKey || e.ctrlKey || e.metaKey) return;
  if (document.querySelector('dialog[open]')) return;
  // Space and Enter press the focused control (a button, a link, a summary), as everywhere else.
  if ((e.key === ' ' || e.key === 'Enter') && e.target.closest?.('button, a[href], summary, [role=button], [tabindex]:not(#log)')) return;
  const keys = {
    ' ': () => (state.playing ? pauseHere() : play()),
    ArrowRight: () => { pause(); stepForward(); },
    ArrowLeft: stepBack,
    Home: () => jump(0),
    End: () => jump(state.sim.length),
  };
  const action = keys[e.key];
  if (action) {
    e.preventDefault();
    action();
  }
});

if ($('#preset')) {
  const select = $('#preset');
  const custom = new Option('Custom scenario', '');
  select.append(...presets.map((p) => new Option(p.title, p.id)), custom);
  // Arrows on the closed list browse the presets, each one loading as it comes, with the focus
  // kept on the list; a choice with the pointer, or Enter/Escape, hands the keys back to the
  // picture (so → and ← step the new scenario, as the help says, instead of changing it again).
  let browsing = false;
  select.addEventListener('keydown', (e) => {
    browsing = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'PageUp', 'PageDown'].includes(e.key)
      || e.key.length === 1;
    if (e.key === 'Enter' || e.key === 'Escape') select.blur();
  });
  select.addEventListener('pointerdown', () => { browsing = false; });
  select.addEventListener('change', () => {
    if (select.value) loadPreset(select.value);
    if (!browsing) select.blur();
    browsing = false;
  });
  const list = $('#gallery-list');
  list.append(...presets.map((p) => {
    const b = document.createElement('button');
    b.type = 'button';
    const t = document.createElement('strong');
    t.textContent = p.title;
    const s = document.createElement('span');
    s.textContent = p.summary;
    b.append(t, s);
    b.addEventListener('click', () => {
      $('#gallery').close();
      loadPreset(p.id);
    });
    return b;
  }));
  $('#btn-gallery').addEventListener('click', () => $('#gallery').showModal());
}

function toggle(button, panel) {
  const open = panel.hidden;
  panel.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  requestAnimationFrame(draw);
}
$('#btn-editor')?.addEventListener('click', () => toggle($('#btn-editor'), $('#editor-panel')));
$('#btn-settings')?.addEventListener('click', () => {
  toggle($('#btn-settings'), $('#settings-panel'));
});
if ($('#settings-panel')) initSettings($('#settings-panel'), engine.catalog);
$('#settings-panel')?.addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const pos = state.sim.position;
  let text;
  form.dataset.busy = 'true'; // until the new run is loaded (tests wait for it)
  try {
    text = applySettings(form, state.text, api);
    api.checkScenario(text);
  } catch (err) {
    $('#settings-error').textContent = err.message;
    delete form.dataset.busy;
    return;
  }
  delete form.dataset.busy;
  $('#settings-error').textContent = '';
  load(text, { step: pos, keepZoom: true });
});

$('#btn-theme')?.addEventListener('click', () => {
  toggleTheme();
  themeChanged();
});
watchSystemTheme(themeChanged);

function themeChanged() {
  renderer.themeChanged();
  if ($('#legend')) drawLegend($('#legend'), renderer);
  refresh({ animate: false });
  showAbout();
}

/**
 * Opens an exercise: predict mode, the grid open; resolves to its share link. `atEnd`: at the
 * end of its scenario (a translation exercise's question is the machine it builds).
 */
async function openExercise(text, { predictMode = true, atEnd = false } = {}) {
  if (!load(text)) return null;
  if (atEnd) state.sim.goto(state.sim.length);
  if (!predictMode) {
    // A TLB exercise: its question (hit or miss in the TLB) is not predict mode's (page fault).
    refresh({ animate: false });
    return links.url();
  }
  predict.setActive(true);
  $('#btn-predict').setAttribute('aria-pressed', 'true');
  links.setMode('predict');
  $('#grid-panel').open = true;
  refresh({ animate: false });
  return links.url();
}

$('#btn-predict')?.addEventListener('click', (e) => {
  const on = !predict.active;
  predict.setActive(on);
  e.currentTarget.setAttribute('aria-pressed', String(on));
  if (on) pause();
  links.setMode(on ? 'predict' : null);
  refresh({ animate: false });
});
$('#btn-share')?.addEventListener('click', async () => {
  const own = refsView?.link();
  if (!own) return links.share();
  // The reference-string view's link opens the same strings, frames and policies.
  const url = `${location.href.split('#')[0]}#${own}`;
  history.replaceState(null, '', `#${own}`);
  let copied = false;
  try { await navigator.clipboard.writeText(url); copied = true; } catch { /* the address bar has it */ }
  toast(copied ? 'Link copied: it opens these grids.' : 'Copy failed: the link is in the address bar.');
  document.body.dataset.lastShare = url;
});
$('#btn-embed')?.addEventListener('click', () => links.showEmbed($('#embed-dialog')));
$('#btn-trace')?.addEventListener('click', async () => (await traceDialog()).open());
$('#btn-exercise')?.addEventListener('click', async () => (await exerciseDialog()).show());
$('#btn-csv')?.addEventListener('click', () => download(`pagesim-${state.presetId ?? 'scenario'}.csv`, runCsv(state.sim)));
// At least twice the CSS size, so the picture stays sharp on a projected slide.
$('#btn-png')?.addEventListener('click', () => renderer.snapshot(scene(), Math.max(2, window.devicePixelRatio || 1))
  .toBlob((png) => download(`pagesim-${state.presetId ?? 'scenario'}-step-${state.sim.position}.png`, png), 'image/png'));

$('#btn-svg')?.addEventListener('click', async () => {
  const name = `pagesim-${state.presetId ?? 'scenario'}-step-${state.sim.position}.svg`;
  download(name, new Blob([await renderer.svg(scene())], { type: 'image/svg+xml' }));
});

wireCanvas(canvas, $('#tooltip'), renderer, draw);

// ----- start ---------------------------------------------------------------------------------

/** Whether this browser has not opened the page before (storage off: treated as returning). */
function firstVisit() {
  try {
    return !localStorage.getItem('pagesim-visited');
  } catch {
    return false;
  }
}

if ($('#legend')) drawLegend($('#legend'), renderer);

/**
 * Opens what a location hash names: a share link, a preset, a tour chapter, or (none, on a first
 * visit) the tour's first chapter. `start`: the page is loading (else a link was pasted into it).
 */
async function openHash(hash, { start = false } = {}) {
  const opened = await links.open(hash);
  if (opened.error) {
    if (start) loadPreset('demand-paging');
    showBanner(opened.error);
  } else if (opened.text != null) {
    if (!load(opened.text, { step: opened.step ?? 0 })) {
      openBroken(opened.text);
    }
    if (opened.mode === 'predict' && predict) {
      predict.setActive(true);
      $('#btn-predict').setAttribute('aria-pressed', 'true');
      links.setMode('predict');
    }
  } else if (opened.tour && tour) {
    tour.open(opened.tour);
  } else if (opened.refs && refsView) {
    const r = opened.refs;
    if (!(await refsView.open(r.text, r.frames, r.policies)) && start) loadPreset('demand-paging');
  } else if (start && !opened.preset && tour && !embedded && firstVisit()) {
    // A first visit starts the story, with something already drawn.
    tour.open(tour.chapters[0].id);
  } else if (opened.preset || start) {
    loadPreset(opened.preset ?? 'demand-paging');
  }
}

await openHash(location.hash, { start: true });
try { localStorage.setItem('pagesim-visited', '1'); } catch { /* storage may be off */ }
// A link pasted into the address bar of an open page (a course page reusing a named window):
// the page follows it. The page's own updates of the address (replaceState) fire no event.
window.addEventListener('hashchange', () => openHash(location.hash));
document.body.dataset.ready = 'true';

// For tests and the curious: the page's state from the console.
window.pagesim = { state, api, analysis: loadAnalysis, renderer, jump, load, loadPreset, refresh, draw, memoryBytes, tour };
