// The panels beside the picture: the current step's sentences, what the next step will do, the
// policy's order of the resident pages, and what the scenario is about (with the comparison plot
// of a comparison preset).
import { accessOf, kindOf, chipFor } from './events.js';
import { drawComparePlot, compareTable } from './compare.js';
import { pageTag } from '../render/palette.js';
import { ownerNames } from '../owners.js';

const $ = (sel) => document.querySelector(sel);
const SHOWN_ORDER = 24;

/**
 * `ctx`: {state, engine, views (render/views.js), presets, renderer, embedded, orderHidden (the
 * policy's order gives a prediction away)}; the panels read
 * the current state from `ctx.state` each time they are shown.
 */
export function createPanels({ state, engine, views, presets, renderer, embedded, loadAnalysis, orderHidden = () => false }) {

  /** Frames in use, for the victim question: [{frame, label, tag}]. */
  function occupiedFrames() {
    const words = state.sim.viewFrames();
    const byPid = names();
    const out = [];
    for (let f = 0; f * views.frameWords < words.length; f++) {
      const page = frameOwner(words, f, byPid);
      if (page) out.push(page);
    }
    return out;
  }

  /** The page held by record `i` of a `viewFrames(first)` array (frame first + i), or null if free. */
  function frameOwner(words, i, byPid, first = 0) {
    const pid = views.owner(words, i);
    if (pid < 0) return null;
    const name = byPid.get(pid) ?? '?', vpn = views.vpn(words, i);
    return { frame: first + i, label: `${name} page ${vpn}`, tag: pageTag(name, vpn) };
  }

  function names() {
    return ownerNames(state.stats, { long: true });
  }

  /** The "now" panel: the current step's sentences with a chip for hit / fault kind. */
  function showStep(record, pos, err) {
    const titleEl = $('#step-title'), textEl = $('#step-text');
    if (!titleEl) {
      const cap = $('#embed-step');
      if (cap) cap.textContent = record ? record.events.map((e) => e.text).join(' · ') : 'Press ▶ to play or → to step.';
      return;
    }
    if (err) {
      titleEl.textContent = `Stopped before step ${err.step} · line ${err.line}`;
      textEl.replaceChildren(document.createTextNode(err.message));
      textEl.classList.add('error');
      return;
    }
    textEl.classList.remove('error');
    if (!record) {
      titleEl.textContent = pos === 0 ? `Ready · ${state.sim.length} steps` : `Step ${pos}`;
      textEl.textContent = 'Press ▶ to play or → to step.';
      return;
    }
    const a = accessOf(record);
    titleEl.textContent = `Step ${record.step} of ${state.sim.length} · line ${record.line}`;
    const chip = chipFor(record);
    const text = document.createTextNode(record.events.map((e) => e.text).join(' · '));
    textEl.replaceChildren(...(chip ? [chip, text] : [text]));
    textEl.dataset.kind = a ? kindOf(record) : 'other';
  }

  /** What the next step will do, so a student can think before pressing →. */
  function showNextStep(el) {
    const next = state.sim.nextStep();
    if (!next) {
      el.textContent = state.sim.length ? 'This is the last step.' : '';
      return;
    }
    const b = document.createElement('b');
    b.textContent = next.text;
    el.replaceChildren(document.createTextNode(`Next (step ${next.step}, line ${next.line}): `), b);
  }

  /** One line under the step: the policy's order of the resident pages, which explains its choice. */
  function showPolicyOrder(el) {
    if (orderHidden()) {
      el.textContent = 'The policy\'s order is hidden while you predict.';
      return;
    }
    const order = state.sim.policyOrder(SHOWN_ORDER + 1);
    if (!order.length) {
      el.textContent = '';
      return;
    }
    const byPid = names();
    // Each page with what the policy ranks it by: its value (load time, last use, uses, counter,
    // next use) or, for CLOCK, its reference bit.
    const policy = engine.catalog.policies.find((p) => p.name === state.config.policy);
    const list = Array.from(order.subarray(0, SHOWN_ORDER), (f) => {
      const view = state.sim.viewFrames(f, 1);
      const tag = frameOwner(view, 0, byPid, f)?.tag ?? `frame ${f}`;
      const value = views.value(view, 0);
      if (policy?.hand) return `${tag} R=${views.flags(view, 0) & engine.layout.flags.REFERENCED ? 1 : 0}`;
      return value !== views.none && policy?.valueLabel ? `${tag} (${views.valueText(policy, value)})` : tag;
    });
    const b = document.createElement('b');
    b.textContent = list.join(' → ') + (order.length > SHOWN_ORDER ? ' …' : '');
    const words = policy?.order ?? '';
    const key = policy?.hand ? ' (R: the reference bit)' : policy?.valueLabel ? ` (in brackets: ${policy.valueLabel})` : '';
    el.replaceChildren(document.createTextNode(`${words}${key}: `), b);
  }

  /**
   * An embed's title for a scenario that is no preset: its first comment line, if it starts with one.
   */
  function titleOf(text) {
    const comment = /^\s*#\s*(.+)/.exec(text.split('\n').find((l) => l.trim()) ?? '');
    return comment ? comment[1].trim().slice(0, 80) : 'pagesim scenario';
  }

  function showAbout() {
    const p = presets.find((x) => x.id === state.presetId);
    if ($('#about-title')) {
      // A scenario of one's own is titled by its first comment line, if it starts with one (an
      // exercise names its policy, frames and seed there).
      const own = titleOf(state.text);
      $('#about-title').textContent = p ? p.title + (state.presetOther ? ' (other settings)' : '')
        : own === 'pagesim scenario' ? 'Your scenario' : own;
      $('#about-text').textContent = p ? p.summary
        : 'A scenario of your own. Edit it under Scenario; Share makes a link that opens it exactly here.';
    }
    if (embedded && $('#embed-title')) {
      $('#embed-title').textContent = p ? p.title + (state.presetOther ? ' (other settings)' : '') : titleOf(state.text);
    }
    const box = $('#compare');
    if (!box) return;
    const compare = p?.compare;
    box.hidden = !compare;
    if (compare) {
      const frames = [1, 2, 3, 4, 5, 6, 7, 8];
      const policies = engine.catalog.compared;
      // The comparison runs in a module of its own, loaded on demand; the plot follows.
      const text = state.text;
      loadAnalysis().then((tools) => {
        if (state.text !== text) return; // another scenario meanwhile
        const faults = tools.compareScenario(text, policies, frames);
        const series = policies.map((policy, i) => ({ policy, frames, faults: faults[i] }));
        drawComparePlot($('#compare-plot'), { series, palette: renderer.palette, current: state.config.frames });
        $('#compare-note').textContent = 'Page faults of this scenario for 1–8 frames under each policy.';
        const numbers = $('#compare-numbers');
        if (numbers) numbers.replaceChildren(numbers.querySelector('summary'), compareTable(series));
      }).catch(() => { box.hidden = true; });
    }
  }

  return { showStep, showNextStep, showPolicyOrder, showAbout, occupiedFrames, names };
}
