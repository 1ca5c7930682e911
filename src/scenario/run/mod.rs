//! Running a scenario one step at a time, forward and back: the time machine.
//!
//! A scenario compiles to a list of operations (one per command, one per page of a `refs` line);
//! calls from JavaScript append more. Going to any step is exact and cheap:
//!
//! - **The history is the operation log plus checkpoints.** A checkpoint is a frozen copy of the
//!   machine that shares every chunk of state that did not change since the checkpoint before it
//!   (`engine::cow`): it costs what changed plus a pointer per chunk, not the machine's size.
//! - **Checkpoints are spaced by what they cost**, between [`MIN_INTERVAL`] and [`MAX_INTERVAL`]
//!   steps apart, about [`BYTES_PER_STEP`] bytes of checkpoint per step. Reaching any step restores
//!   the checkpoint at or before it and replays at most [`MAX_INTERVAL`] operations.
//! - **New calls after a step back discard the abandoned future**: its operations and every
//!   checkpoint taken in it.
//! - **The history is bounded** by `config history=` (64 MiB by default): past it, the oldest
//!   checkpoint and the operations before the next one are forgotten, and the earliest reachable
//!   step moves forward ([`Run::history_start`]).
//! - **Events are not kept per step.** The last [`RECENT`] steps' records are cached; any other
//!   step's record is made again by replaying from a checkpoint ([`Run::records`]).
//!
//! Operations are compact (16 bytes, names interned), so a million calls cost about 20 MB.

mod exec;
mod log;
mod ops;

use exec::replay;
pub(crate) use exec::{execute, walk_before};
use log::{compile, Log};
pub(crate) use ops::{command_ops, Names};
pub use ops::{AccessOp, Action, AllocOp, NameId, Op, SpawnOp};

use super::Scenario;
use crate::engine::machine::Checkpoint as Frozen;
use crate::engine::translate::Translation;
use crate::engine::{Event, Machine, SimError};
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

/// Fewest and most steps between checkpoints: the most operations reaching a step replays.
pub const MIN_INTERVAL: usize = 32;
pub const MAX_INTERVAL: usize = 1024;
/// Checkpoint bytes per step the spacing aims at.
pub const BYTES_PER_STEP: usize = 8;
/// Records of the most recent steps kept for the page's log and `events()`.
pub const RECENT: usize = 256;
/// Most records one call to [`Run::records`] makes.
pub const MAX_RECORDS: usize = 10_000;

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// 1-based step number.
    pub step: usize,
    pub line: u32,
    pub events: Vec<Event>,
    /// For an access, the translation of its address just before it (the walk as it happened).
    pub translation: Option<Translation>,
}

/// A step that could not be carried out (the run stops before it), or a step that cannot be
/// reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    pub step: usize,
    pub line: u32,
    pub cause: RunFailure,
}

/// Why: the data, worded by `Display`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunFailure {
    /// The machine refused the step.
    Sim(SimError),
    /// A line of the scenario does not parse (a runner that reads line by line).
    Parse(String),
    /// A step forgotten to keep the history within its budget.
    Forgotten {
        base: usize,
        history: u64,
    },
    PastEnd {
        len: usize,
    },
    /// A step that ran before failed when replayed (a bug, reported rather than hidden).
    Replay(String),
}

impl RunError {
    /// The sentence, without where it happened.
    pub fn message(&self) -> String {
        let step = self.step;
        match &self.cause {
            RunFailure::Sim(e) => e.to_string(),
            RunFailure::Parse(m) | RunFailure::Replay(m) => m.clone(),
            RunFailure::Forgotten { base, history } => format!(
                "step {step} is no longer in the history: steps before {base} were forgotten to keep the history \
                 within {} (raise it with `config history=…`)",
                crate::engine::budget::human_bytes(*history)
            ),
            RunFailure::PastEnd { len } => format!("step {step} is past the end: the run has {len} steps"),
        }
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "step {}: {}", self.step, self.message())
        } else {
            write!(f, "line {}: {}", self.line, self.message())
        }
    }
}

impl std::error::Error for RunError {}

/// The machine after `at` steps, frozen, and what keeping it costs.
#[derive(Debug)]
struct Checkpoint {
    at: usize,
    state: Rc<Frozen>,
    /// The chunks it did not share with the checkpoint before, and its pointers.
    bytes: usize,
}

impl Clone for Checkpoint {
    fn clone(&self) -> Self {
        Checkpoint { at: self.at, state: self.state.clone(), bytes: self.bytes }
    }
}

/// A scenario being run: the machine, the operation log and the checkpoints for going back.
#[derive(Clone, Debug)]
pub struct Run {
    scenario: Scenario,
    names: Names,
    log: Log,
    /// Steps forgotten at the front of the history (the log starts at step `base + 1`).
    base: usize,
    machine: Machine,
    /// Steps done.
    pos: usize,
    /// Ascending; the first is at `base`.
    checkpoints: Vec<Checkpoint>,
    /// Steps between the last checkpoint and the next.
    interval: usize,
    /// Bounds of `interval` ([`MIN_INTERVAL`], [`MAX_INTERVAL`]; tests set them small).
    spacing: (usize, usize),
    /// Records of the steps just before `pos`, oldest first.
    recent: VecDeque<StepRecord>,
    /// Set when the next step was impossible; cleared by going back.
    error: Option<RunError>,
}

impl Run {
    pub fn new(scenario: Scenario) -> Result<Run, SimError> {
        let mut machine = Machine::new(scenario.config.clone())?;
        let mut names = Names::default();
        let log = compile(&scenario, &mut names);
        let (state, bytes) = machine.checkpoint();
        Ok(Run {
            scenario,
            names,
            log,
            base: 0,
            checkpoints: vec![Checkpoint { at: 0, state: Rc::new(state), bytes }],
            machine,
            pos: 0,
            interval: MIN_INTERVAL,
            spacing: (MIN_INTERVAL, MAX_INTERVAL),
            recent: VecDeque::new(),
            error: None,
        })
    }

    /// Sets the fewest and most steps between checkpoints (tests use tiny ones to exercise
    /// checkpoints in short runs). Reaching a step replays at most `max` operations.
    pub fn set_checkpoint_spacing(&mut self, min: usize, max: usize) {
        let min = min.max(1);
        self.spacing = (min, max.max(min));
        self.interval = self.interval.clamp(self.spacing.0, self.spacing.1);
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Steps done so far.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Steps in the run (its history and the scenario's steps not yet done).
    pub fn len(&self) -> usize {
        self.base + self.log.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.len() || self.error.is_some()
    }

    /// The earliest step that can still be reached: 0 unless the history budget made the run
    /// forget its oldest steps.
    pub fn history_start(&self) -> usize {
        self.base
    }

    /// Bytes the history holds now (operation log and checkpoints), counted against
    /// `config history=`.
    pub fn history_bytes(&self) -> usize {
        self.log.bytes() + self.checkpoints.iter().map(|c| c.bytes).sum::<usize>()
    }

    pub fn error(&self) -> Option<&RunError> {
        self.error.as_ref()
    }

    /// The name an operation refers to.
    pub fn name(&self, id: NameId) -> &str {
        self.names.get(id)
    }

    /// Step `n` (1-based): its operation and source line, while it is in the history.
    pub fn op(&self, n: usize) -> Option<(&Op, u32)> {
        let i = n.checked_sub(self.base + 1)?;
        Some((self.log.ops.get(i)?, self.log.lines[i]))
    }

    fn next_use(&self, i: usize) -> u64 {
        self.log.next_use.as_ref().map_or(u64::MAX, |v| v[i])
    }

    /// Does the next step. `Ok(None)` at the end; `Err` if the step is impossible (the run then
    /// stays before it).
    pub fn step(&mut self) -> Result<Option<StepRecord>, RunError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let i = self.pos - self.base;
        let Some(op) = self.log.ops.get(i) else {
            return Ok(None);
        };
        let number = self.pos + 1;
        let line = self.log.lines[i];
        let next_use = self.log.next_use.as_ref().map_or(u64::MAX, |v| v[i]);
        let translation = walk_before(&self.machine, &self.names, op);
        let result = execute(&mut self.machine, &self.names, op, next_use);
        if let Err(e) = result {
            let _ = self.machine.take_events();
            let error = RunError { step: number, line, cause: RunFailure::Sim(e) };
            self.error = Some(error.clone());
            return Err(error);
        }
        let record = StepRecord { step: number, line, events: self.machine.take_events(), translation };
        self.pos = number;
        self.remember(record.clone());
        self.maybe_checkpoint();
        Ok(Some(record))
    }

    fn remember(&mut self, record: StepRecord) {
        if self.recent.back().is_some_and(|r| r.step + 1 != record.step) {
            self.recent.clear();
        }
        if self.recent.len() == RECENT {
            self.recent.pop_front();
        }
        self.recent.push_back(record);
    }

    /// Carries out one extra operation now (a call from JavaScript, say): it becomes the next
    /// step, and the steps after this point are dropped (the run has diverged), with every
    /// checkpoint taken in them. If the operation is impossible, nothing changes (the steps after
    /// this point stay) and the error is returned.
    pub fn push(&mut self, line: u32, action: Action<'_>) -> Result<StepRecord, RunError> {
        let names_before = self.names.len();
        let op = match action {
            Action::Spawn { name, code_pages, flat, exe, importance } => Op::Spawn(Box::new(SpawnOp {
                name: self.names.intern(name),
                code_pages,
                flat,
                exe: exe.map(str::to_string),
                importance,
            })),
            Action::Importance { name, level } => Op::Importance(self.names.intern(name), level),
            Action::Fork { parent, child } => Op::Fork(Box::new((self.names.intern(parent), self.names.intern(child)))),
            Action::Alloc { name, label, bytes, perms, at, share, huge } => Op::Alloc(Box::new(AllocOp {
                name: self.names.intern(name),
                label: label.map(str::to_string),
                bytes,
                perms,
                at,
                share: share.map(|(k, n)| (k, n.to_string())),
                huge,
            })),
            // Any u64: the machine checks it against its address space.
            Action::Access { name, addr, value } => Op::Access(AccessOp::new(self.names.intern(name), addr, value)),
            Action::Tick { units } => Op::Tick(units),
            Action::Free { name, target } => Op::Free(Box::new((self.names.intern(name), target))),
            Action::Exit { name } => Op::Exit(self.names.intern(name)),
        };
        // Carried out first: a refused operation changes nothing, not even the future it would
        // have replaced (the engine changes nothing when it refuses).
        let number = self.pos + 1;
        let translation = walk_before(&self.machine, &self.names, &op);
        if let Err(e) = execute(&mut self.machine, &self.names, &op, u64::MAX) {
            let _ = self.machine.take_events();
            self.names.truncate(names_before);
            return Err(RunError { step: number, line, cause: RunFailure::Sim(e) });
        }
        self.discard_future();
        self.log.push(op, line, u64::MAX);
        let record = StepRecord { step: number, line, events: self.machine.take_events(), translation };
        self.pos = number;
        self.remember(record.clone());
        self.maybe_checkpoint();
        Ok(record)
    }

    /// Forgets everything after `pos`: steps, the error that stopped there, records and
    /// checkpoints of the abandoned timeline.
    fn discard_future(&mut self) {
        self.error = None;
        self.log.truncate(self.pos - self.base);
        let pos = self.pos;
        self.checkpoints.retain(|c| c.at <= pos);
        self.recent.retain(|r| r.step <= pos);
    }

    /// Does up to `n` steps; returns how many were done. Stops at the end or at an error.
    pub fn run(&mut self, n: usize) -> Result<usize, RunError> {
        for done in 0..n {
            if self.step()?.is_none() {
                return Ok(done);
            }
        }
        Ok(n)
    }

    /// Runs to the end (or the first impossible step).
    pub fn run_to_end(&mut self) -> Result<(), RunError> {
        while self.step()?.is_some() {}
        Ok(())
    }

    /// Goes to the state after `target` steps, back or forward; going back is exact. A target
    /// before [`Run::history_start`] or past the end is refused (nothing moves).
    pub fn goto(&mut self, target: usize) -> Result<(), RunError> {
        if target > self.len() {
            return Err(RunError { step: target, line: 0, cause: RunFailure::PastEnd { len: self.len() } });
        }
        if target < self.base {
            return Err(self.forgotten(target));
        }
        let from_checkpoint = self.checkpoint_at_or_before(target);
        let forward = target >= self.pos && self.error.is_none();
        // Forward from here when that is no further than from the nearest checkpoint.
        if !(forward && self.pos >= self.checkpoints[from_checkpoint].at) {
            let c = &self.checkpoints[from_checkpoint];
            self.machine = c.state.restore();
            self.pos = c.at;
            self.error = None;
            if self.recent.back().is_some_and(|r| r.step > self.pos) {
                self.recent.clear();
            }
        }
        if target > self.pos {
            let (machine, pos) = (&mut self.machine, self.pos);
            // Steps below the last checkpoint are replayed quietly; the rest run as new steps
            // (so checkpoints and records follow).
            let frontier = self.checkpoints.last().map_or(0, |c| c.at).min(target);
            if pos < frontier {
                replay(machine, &self.names, &self.log, self.base, pos, frontier).map_err(|message| RunError {
                    step: pos + 1,
                    line: 0,
                    cause: RunFailure::Replay(message),
                })?;
                self.pos = frontier;
                self.recent.clear();
            }
            while self.pos < target {
                if self.step()?.is_none() {
                    break;
                }
            }
        }
        Ok(())
    }

    fn forgotten(&self, target: usize) -> RunError {
        let cause = RunFailure::Forgotten { base: self.base, history: self.scenario.config.history };
        RunError { step: target, line: 0, cause }
    }

    fn checkpoint_at_or_before(&self, target: usize) -> usize {
        self.checkpoints.partition_point(|c| c.at <= target).saturating_sub(1)
    }

    /// One step back.
    pub fn back(&mut self) {
        let target = self.pos.saturating_sub(1).max(self.base);
        let _ = self.goto(target);
    }

    /// Back to the start (or the earliest step the history still holds).
    pub fn reset(&mut self) {
        let _ = self.goto(self.base);
    }

    /// The records of steps `from+1 ..= to` (at most [`MAX_RECORDS`], the latest kept): from the
    /// cache, or made again by replaying from a checkpoint. The run itself does not move.
    pub fn records(&self, from: usize, to: usize) -> Vec<StepRecord> {
        let to = to.min(self.pos);
        let from = from.max(self.base).max(to.saturating_sub(MAX_RECORDS));
        if from >= to {
            return Vec::new();
        }
        if let Some(first) = self.recent.front() {
            if first.step <= from + 1 && self.recent.back().is_some_and(|r| r.step >= to) {
                return self.recent.iter().filter(|r| r.step > from && r.step <= to).cloned().collect();
            }
        }
        let mut out = Vec::with_capacity(to - from);
        self.replay_steps(from, to, |record, _| {
            out.push(record);
            true
        });
        out
    }

    /// Replays steps `from+1 ..= to` (also steps not done yet) on a copy of the machine from a
    /// checkpoint, calling `visit` with each step's record and the machine after it, while it
    /// returns true. Stops at a step that fails. The run itself does not move.
    pub fn replay_steps(&self, from: usize, to: usize, mut visit: impl FnMut(StepRecord, &Machine) -> bool) {
        let (from, to) = (from.max(self.base), to.min(self.len()));
        if from >= to {
            return;
        }
        let c = &self.checkpoints[self.checkpoint_at_or_before(from)];
        let mut m = c.state.restore();
        m.set_recording(false);
        if replay(&mut m, &self.names, &self.log, self.base, c.at, from).is_err() {
            return;
        }
        m.set_recording(true);
        for n in from..to {
            let i = n - self.base;
            let op = &self.log.ops[i];
            let translation = walk_before(&m, &self.names, op);
            if execute(&mut m, &self.names, op, self.next_use(i)).is_err() {
                break;
            }
            let record = StepRecord { step: n + 1, line: self.log.lines[i], events: m.take_events(), translation };
            if !visit(record, &m) {
                break;
            }
        }
    }

    /// The record of step `n` (1-based), if it has been done.
    pub fn record(&self, n: usize) -> Option<StepRecord> {
        self.records(n.saturating_sub(1), n).pop()
    }

    fn maybe_checkpoint(&mut self) {
        let last = self.checkpoints.last().expect("there is always a checkpoint");
        if self.pos < last.at + self.interval {
            return;
        }
        let (state, bytes) = self.machine.checkpoint();
        // The next checkpoint comes about as many steps later as this one cost bytes per step.
        self.interval = (bytes / BYTES_PER_STEP).clamp(self.spacing.0, self.spacing.1);
        self.checkpoints.push(Checkpoint { at: self.pos, state: Rc::new(state), bytes });
        self.keep_history_budget();
    }

    /// Forgets the oldest steps while the history holds more than `config history=`.
    fn keep_history_budget(&mut self) {
        let limit = self.scenario.config.history as usize;
        while self.checkpoints.len() > 1 && self.history_bytes() > limit {
            let dropped = self.checkpoints.remove(0);
            let new_base = self.checkpoints[0].at;
            self.log.drop_front(new_base - self.base);
            self.base = new_base;
            drop(dropped);
            self.recent.retain(|r| r.step > new_base);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Perms;
    use crate::scenario::parse;

    fn accesses(run: &Run) -> Vec<u64> {
        (1..=run.len())
            .filter_map(|n| match run.op(n) {
                Some((Op::Access(_), _)) => Some(run.log.next_use.as_ref().unwrap()[n - 1]),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn ops_are_small() {
        assert_eq!(std::mem::size_of::<Op>(), 16);
        let a = AccessOp::new(3, 0xffff_ffff_ffff, Some(200));
        assert_eq!((a.name, a.addr(), a.value()), (3, 0xffff_ffff_ffff, Some(200)));
        let top = AccessOp::new(u32::MAX, u64::MAX, Some(0));
        assert_eq!((top.name, top.addr(), top.value()), (u32::MAX, u64::MAX, Some(0)));
        assert_eq!(AccessOp::new(0, 0x1234, None).value(), None);
    }

    #[test]
    fn next_use_points_at_the_next_access_of_the_same_page() {
        let s = parse("config policy=opt\nspawn T flat\nrefs T 1 2 1\nread T 0x2fff\nexit T\nspawn T flat\nrefs T 1")
            .unwrap();
        let run = Run::new(s).unwrap();
        // steps (as the log numbers them): 1 spawn, 2 ref1, 3 ref2, 4 ref1, 5 read page 2, 6 exit,
        // 7 spawn, 8 ref1 (a new T)
        assert_eq!(accesses(&run), vec![4, 5, u64::MAX, u64::MAX, u64::MAX]);
    }

    #[test]
    fn step_back_is_exact() {
        let s = parse(
            "config frames=2 policy=clock\nspawn A code=1\nalloc A heap 32K rw\n\
             write A 0x2000 1\nwrite A 0x3000 2\nwrite A 0x4000 3\nread A 0x2000\nread A 0x1000\n",
        )
        .unwrap();
        let mut run = Run::new(s).unwrap();
        run.run_to_end().unwrap();
        let end_stats = run.machine().stats().clone();
        let records = run.records(0, run.len());
        assert_eq!(records.len(), run.len());
        for target in (0..run.len()).rev() {
            run.goto(target).unwrap();
            assert_eq!(run.pos(), target);
            assert_eq!(run.records(0, run.len()), records[..target].to_vec());
        }
        run.run_to_end().unwrap();
        assert_eq!(run.machine().stats(), &end_stats);
        assert_eq!(run.records(0, run.len()), records);
    }

    #[test]
    fn an_extra_operation_continues_after_an_impossible_step() {
        let s = parse("spawn A\nalloc A x 4K rw at 0x1000\nalloc A y 4K rw at 0x1000\n").unwrap();
        let mut run = Run::new(s).unwrap();
        assert!(run.run_to_end().is_err());
        let record = run.push(0, Action::Access { name: "A", addr: 0x1000, value: Some(5) }).unwrap();
        assert_eq!(record.step, 3);
        assert_eq!(run.len(), 3, "the failed step was replaced");
        assert!(run.error().is_none() && run.at_end());
        assert!(run.push(0, Action::Access { name: "B", addr: 0, value: None }).is_err());
        assert_eq!((run.len(), run.pos()), (3, 3), "a refused operation leaves nothing behind");
        assert_eq!((run.names.len(), run.names.get(0)), (1, "A"), "nor an interned name");
    }

    #[test]
    fn an_impossible_step_stops_the_run_with_its_line() {
        let s = parse("spawn A\nalloc A x 4K rw at 0x1000\nalloc A y 4K rw at 0x1000\nread A 0x1000").unwrap();
        let mut run = Run::new(s).unwrap();
        let err = run.run_to_end().unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message().contains("overlap region x"), "{err}");
        assert_eq!(run.pos(), 2);
        run.back();
        assert_eq!(run.pos(), 1);
        assert!(run.error().is_none());
    }

    /// The first release's bug: a checkpoint of an abandoned timeline was restored later.
    #[test]
    fn a_new_timeline_never_sees_the_abandoned_one() {
        let mut text = String::from("config frames=4 swap=128 vbits=20\nspawn A\nalloc A heap 400K rw\n");
        for i in 0..98 {
            text.push_str(&format!("write A {:#x} 1\n", 0x1000 * (i + 1)));
        }
        let mut run = Run::new(parse(&text).unwrap()).unwrap();
        run.run(1000).unwrap();
        run.goto(5).unwrap();
        for _ in 0..40 {
            run.push(0, Action::Tick { units: 1 }).unwrap();
        }
        run.goto(40).unwrap();
        let pid = run.machine().pid_of("A").unwrap();
        let mut m = run.machine().clone();
        assert_eq!(m.read(pid, 0x1000 * 50).unwrap().value, 0, "never written on this timeline");
        assert_eq!(run.machine().stats().writes, 3);
        // Writes by another process instead of ticks: the first release panicked here.
        run.goto(5).unwrap();
        run.push(0, Action::Spawn { name: "B", code_pages: 0, flat: false, exe: None, importance: Default::default() })
            .unwrap();
        let alloc = Action::Alloc {
            name: "B",
            label: None,
            bytes: 1 << 16,
            perms: Perms::RW,
            at: None,
            share: None,
            huge: false,
        };
        run.push(0, alloc).unwrap();
        for i in 0..40u64 {
            run.push(0, Action::Access { name: "B", addr: 0x1000 * (1 + i % 15), value: Some(2) }).unwrap();
        }
        run.goto(40).unwrap();
        assert_eq!(run.pos(), 40);
        assert_eq!(run.machine().stats().writes, 3 + 33);
    }

    #[test]
    fn the_history_budget_forgets_the_oldest_steps() {
        let s = parse("config frames=4 vbits=20 history=1M oom=fail\nspawn T flat\n").unwrap();
        let mut run = Run::new(s).unwrap();
        run.run_to_end().unwrap();
        for i in 0..200_000u64 {
            run.push(0, Action::Access { name: "T", addr: (i % 64) << 12, value: None }).unwrap();
        }
        // Checked at each checkpoint: between two, the log grows by at most an interval.
        assert!(run.history_bytes() <= (1 << 20) + MAX_INTERVAL * 24, "{}", run.history_bytes());
        assert!(run.history_start() > 0);
        let past = run.goto(run.len() + 1).unwrap_err();
        assert!(past.message().contains("past the end"), "{past}");
        let err = run.goto(0).unwrap_err();
        assert!(err.message().contains("no longer in the history"), "{err}");
        let start = run.history_start();
        run.goto(start).unwrap();
        run.goto(run.len()).unwrap();
        assert_eq!(run.machine().stats().accesses, 200_000);
        assert_eq!(run.len(), 200_001);
    }
}
