// Predict mode, for self-study and class: before each memory access is shown, the page asks what
// will happen (hit or fault; for a fault with memory full, which frame becomes the victim), then
// reveals the step and keeps a score.
//
// The answer is known exactly: the engine is deterministic, so the page does the step, reads it,
// and steps back (snapshots make that exact) before asking. While a question is open nothing that
// gives the answer away is shown (the caller hides the policy's order: `onAsk`); each step is
// scored once, however often it is stepped over; every answer is followed by the step's own
// sentences, which say why.

import { accessOf, kindOf } from './events.js';

function button(label, onClick, value) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  if (value != null) b.dataset.answer = value;
  b.addEventListener('click', onClick);
  return b;
}

export function createPredict(box, { onReveal, onAsk = () => {} }) {
  let active = false;
  let score = { right: 0, asked: 0, streak: 0 };
  let pending = null; // {step, kind, victimFrame, victimLabel, frames, why}
  const scored = new Set(); // steps already answered

  function render(parts) {
    box.hidden = !active;
    box.replaceChildren(...parts);
  }

  function scoreLine() {
    const p = document.createElement('p');
    p.className = 'muted score';
    p.textContent = `Predict mode · score ${score.right} / ${score.asked}`
      + (score.streak > 1 ? ` · ${score.streak} right in a row` : '');
    return p;
  }

  function verdict(ok, text) {
    const p = document.createElement('p');
    p.className = ok ? 'right verdict' : 'wrong verdict';
    p.textContent = text;
    return p;
  }

  /** Counts an answer, once per step; returns whether it counted. */
  function mark(ok) {
    if (scored.has(pending.step)) return false;
    scored.add(pending.step);
    score.asked += 1;
    score.right += ok ? 1 : 0;
    score.streak = ok ? score.streak + 1 : 0;
    return true;
  }

  function finish(ok, text, counted) {
    const why = document.createElement('p');
    why.className = 'why';
    why.textContent = pending.why;
    pending = null;
    onReveal();
    const parts = [verdict(ok, text + (counted ? '' : ' (answered before: not scored again)')), why, scoreLine()];
    render(parts);
  }

  function askVictim(truth) {
    const frames = truth.frames;
    const choices = document.createElement('div');
    choices.className = 'choices';
    const answer = (frame) => () => {
      const ok = frame === truth.victimFrame;
      const counted = mark(ok);
      const right = truth.victimFrame == null ? 'a free frame was used, no victim' : `frame ${truth.victimFrame} (${truth.victimLabel}) was the victim`;
      finish(ok, ok ? `Right: ${right}.` : `Not quite: ${right}.`, counted);
    };
    choices.append(button('a free frame', answer(null), 'free'));
    for (const f of frames) choices.append(button(`frame ${f.frame} · ${f.label}`, answer(f.frame), `frame-${f.frame}`));
    const q = document.createElement('p');
    q.textContent = 'A page fault, right. Which frame will it take?';
    render([q, choices, scoreLine()]);
  }

  return {
    get active() { return active; },
    get score() { return { ...score }; },
    setActive(on) {
      active = on;
      pending = null;
      render(on ? [scoreLine()] : []);
    },
    reset() {
      score = { right: 0, asked: 0, streak: 0 };
      scored.clear();
      pending = null;
      if (active) render([scoreLine()]);
    },
    cancel() {
      if (pending) {
        pending = null;
        render([scoreLine()]);
      }
    },

    /**
     * If the next step is a memory access, works out its outcome and asks; returns true while a
     * question is pending (the caller waits), false if the step can simply be shown.
     */
    ask(sim, config, names, frames) {
      if (pending) return true;
      const next = sim.nextStep();
      if (!next || (next.kind !== 'read' && next.kind !== 'write')) return false;
      let record;
      try {
        record = sim.step();
        sim.back();
      } catch {
        return false; // an impossible step: show its error directly
      }
      const a = accessOf(record);
      if (!a) return false;
      const kind = kindOf(record);
      const truth = {
        step: next.step,
        why: record.events.map((e) => e.text).join(' · '),
        kind,
        victimFrame: a.evicted ? a.evicted.frame : null,
        victimLabel: a.evicted ? `${names.get(a.evicted.pid) ?? '?'} page ${a.evicted.vpn}` : '',
        frames: frames(),
      };
      pending = truth;
      const q = document.createElement('p');
      const who = next.name ?? '?';
      q.textContent = `Step ${next.step}: ${who} ${next.kind}s 0x${next.addr.toString(16)} (page ${next.vpn}). What happens?`;
      const choices = document.createElement('div');
      choices.className = 'choices';
      const answer = (guess) => () => {
        const actual = kind === 'minor' || kind === 'major' || kind === 'oom' ? 'fault'
          : kind === 'hit' || kind === 'cow' ? kind : 'segv';
        const ok = guess === actual;
        const words = {
          hit: 'a hit',
          fault: 'a page fault',
          cow: 'a copy-on-write fault (the page is shared since a fork: the writer gets its own copy, or, as its last user, write access)',
          segv: kind === 'prot' ? 'a protection fault' : 'a segmentation fault',
        };
        if (ok && (actual === 'fault' || actual === 'cow') && truth.victimFrame !== null) {
          // memory is full: the real question is which victim
          askVictim(truth);
          return;
        }
        const counted = mark(ok);
        finish(ok, ok ? `Right: ${words[actual]}.` : `Not quite: it is ${words[actual]}.`, counted);
      };
      choices.append(
        button('Hit', answer('hit'), 'hit'),
        button('Page fault', answer('fault'), 'fault'),
        button('Segmentation / protection fault', answer('segv'), 'segv'),
      );
      // Once a fork has shared pages copy-on-write, a write may be a copy-on-write fault.
      const sharing = () => sim.stats().sharing_seen;
      if (next.kind === 'write' && sharing()) choices.insertBefore(button('Copy-on-write fault', answer('cow'), 'cow'), choices.children[2]);
      render([q, choices, scoreLine()]);
      onAsk();
      return true;
    },
    /** Whether a question is open (and what would answer it must stay hidden). */
    get asking() { return pending !== null; },
  };
}
