//! Running a scenario one step at a time, forward and back.
//!
//! A scenario compiles to a list of steps (one per command, one per page of a `refs` line). Each
//! access step knows when the same page is accessed next, which is what `opt` needs. Step back is
//! exact: the runner keeps machine snapshots at intervals and replays from the nearest one.

use super::{CommandKind, FreeTarget, Scenario};
use crate::engine::{AccessKind, Event, Machine, Perms, SimError};
use std::collections::HashMap;
use std::fmt;

/// Snapshots kept at most; beyond this every other one is dropped and the interval doubles.
const MAX_SNAPSHOTS: usize = 64;

/// One step's operation, with process names resolved at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Spawn {
        name: String,
        code_pages: u64,
        flat: bool,
    },
    /// `label: None` picks `r1`, `r2`, … (calls from JavaScript have no label).
    Alloc {
        name: String,
        label: Option<String>,
        bytes: u64,
        perms: Perms,
        at: Option<u64>,
    },
    /// A read (`value: None`) or a write of one byte.
    Access {
        name: String,
        addr: u64,
        value: Option<u8>,
        next_use: u64,
    },
    Tick {
        units: u64,
    },
    Free {
        name: String,
        target: FreeTarget,
    },
    Exit {
        name: String,
    },
    Note {
        text: String,
    },
}

/// A compiled step: what to do and the line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Source line of the command this step comes from.
    pub line: u32,
    pub op: Op,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// 1-based step number.
    pub step: usize,
    pub line: u32,
    pub events: Vec<Event>,
}

/// A step that could not be carried out (the request was impossible); the run stops before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    pub step: usize,
    pub line: u32,
    pub message: String,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RunError {}

/// Expands commands into steps and fills in each access's next use of the same page.
pub fn compile(scenario: &Scenario) -> Vec<Step> {
    let shift = scenario.config.page_shift();
    let mut steps = Vec::new();
    // Which incarnation of a name each access belongs to: a respawned A is a new process.
    // The key of an access is (name, incarnation, page), with names numbered in order of spawn.
    let mut incarnation: HashMap<&str, (usize, u32)> = HashMap::new();
    let mut keys: Vec<Option<(usize, u32, u64)>> = Vec::new();
    for c in &scenario.commands {
        let key_of = |name: &str, page: u64| {
            let (id, inc) = incarnation[name];
            Some((id, inc, page))
        };
        let mut push = |op: Op, key: Option<(usize, u32, u64)>| {
            steps.push(Step { line: c.line, op });
            keys.push(key);
        };
        match &c.kind {
            CommandKind::Spawn { name, code_pages, flat } => {
                let next_id = incarnation.len();
                incarnation.entry(name).or_insert((next_id, 0)).1 += 1;
                push(Op::Spawn { name: name.clone(), code_pages: *code_pages, flat: *flat }, None);
            }
            CommandKind::Alloc { name, label, bytes, perms, at } => push(
                Op::Alloc { name: name.clone(), label: Some(label.clone()), bytes: *bytes, perms: *perms, at: *at },
                None,
            ),
            CommandKind::Read { name, addr } => {
                let key = key_of(name, addr >> shift);
                push(Op::Access { name: name.clone(), addr: *addr, value: None, next_use: u64::MAX }, key);
            }
            CommandKind::Write { name, addr, value } => {
                let key = key_of(name, addr >> shift);
                push(Op::Access { name: name.clone(), addr: *addr, value: Some(*value), next_use: u64::MAX }, key);
            }
            CommandKind::Refs { name, pages } => {
                for &page in pages {
                    let op = Op::Access { name: name.clone(), addr: page << shift, value: None, next_use: u64::MAX };
                    push(op, key_of(name, page));
                }
            }
            CommandKind::Tick { units } => push(Op::Tick { units: *units }, None),
            CommandKind::Free { name, target } => push(Op::Free { name: name.clone(), target: target.clone() }, None),
            CommandKind::Exit { name } => push(Op::Exit { name: name.clone() }, None),
            CommandKind::Note { text } => push(Op::Note { text: text.clone() }, None),
        }
    }
    let mut next_seen: HashMap<(usize, u32, u64), u64> = HashMap::new();
    for i in (0..steps.len()).rev() {
        if let Some(key) = keys[i] {
            let next = next_seen.insert(key, i as u64).unwrap_or(u64::MAX);
            if let Op::Access { next_use, .. } = &mut steps[i].op {
                *next_use = next;
            }
        }
    }
    steps
}

/// A scenario being run: the machine, the steps, the records and the snapshots for going back.
#[derive(Clone, Debug)]
pub struct Run {
    scenario: Scenario,
    steps: Vec<Step>,
    machine: Machine,
    /// Steps done.
    pos: usize,
    records: Vec<StepRecord>,
    /// `(steps done, machine then)`, ascending; the first is the initial machine.
    snapshots: Vec<(usize, Machine)>,
    snapshot_every: usize,
    /// Set when the next step was impossible; cleared by going back.
    error: Option<RunError>,
}

impl Run {
    pub fn new(scenario: Scenario) -> Result<Run, SimError> {
        let machine = Machine::new(scenario.config.clone())?;
        let steps = compile(&scenario);
        Ok(Run {
            scenario,
            steps,
            snapshots: vec![(0, machine.clone())],
            machine,
            pos: 0,
            records: Vec::new(),
            snapshot_every: 32,
            error: None,
        })
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Steps done so far.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Steps in the whole scenario.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn at_end(&self) -> bool {
        self.pos == self.steps.len() || self.error.is_some()
    }

    /// The records of the steps done, in order.
    pub fn records(&self) -> &[StepRecord] {
        &self.records
    }

    pub fn error(&self) -> Option<&RunError> {
        self.error.as_ref()
    }

    /// Does the next step. `Ok(None)` at the end; `Err` if the step is impossible (the run then
    /// stays before it).
    pub fn step(&mut self) -> Result<Option<&StepRecord>, RunError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let Some(step) = self.steps.get(self.pos) else {
            return Ok(None);
        };
        let number = self.pos + 1;
        if let Err(e) = execute(&mut self.machine, &step.op) {
            let _ = self.machine.take_events();
            let error = RunError { step: number, line: step.line, message: e.to_string() };
            self.error = Some(error.clone());
            return Err(error);
        }
        let events = self.machine.take_events();
        self.records.push(StepRecord { step: number, line: step.line, events });
        self.pos = number;
        self.maybe_snapshot();
        Ok(self.records.last())
    }

    /// Carries out one extra operation now (a call from JavaScript, say): it becomes the next
    /// step, and any steps of the scenario after this point are dropped (the run has diverged).
    /// If the operation is impossible, nothing changes and the error is returned.
    pub fn push(&mut self, line: u32, op: Op) -> Result<&StepRecord, RunError> {
        // Steps after this point, including one that failed, are dropped: the run goes on from here.
        self.error = None;
        self.steps.truncate(self.pos);
        self.steps.push(Step { line, op });
        match self.step() {
            Ok(Some(_)) => Ok(self.records.last().expect("just recorded")),
            Ok(None) => unreachable!("a step was just pushed"),
            Err(e) => {
                self.steps.pop();
                self.error = None;
                Err(e)
            }
        }
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

    /// Goes to the state after `target` steps, back or forward. Going back is exact.
    pub fn goto(&mut self, target: usize) -> Result<(), RunError> {
        let target = target.min(self.steps.len());
        if target < self.pos || (self.error.is_some() && target <= self.pos) {
            let i = self.snapshots.partition_point(|(p, _)| *p <= target) - 1;
            let (at, machine) = &self.snapshots[i];
            self.machine = machine.clone();
            self.pos = *at;
            self.error = None;
            // Replay to the target; these steps are already recorded, so their events are dropped.
            while self.pos < target {
                let step = &self.steps[self.pos];
                execute(&mut self.machine, &step.op).expect("a step that succeeded before succeeds again");
                let _ = self.machine.take_events();
                self.pos += 1;
            }
            self.records.truncate(target);
            return Ok(());
        }
        while self.pos < target {
            if self.step()?.is_none() {
                break;
            }
        }
        Ok(())
    }

    /// One step back.
    pub fn back(&mut self) {
        let target = self.pos.saturating_sub(1);
        let _ = self.goto(target);
    }

    /// Back to the start.
    pub fn reset(&mut self) {
        let _ = self.goto(0);
    }

    fn maybe_snapshot(&mut self) {
        let last = self.snapshots.last().map_or(0, |s| s.0);
        if !self.pos.is_multiple_of(self.snapshot_every) || self.pos <= last {
            return;
        }
        self.snapshots.push((self.pos, self.machine.clone()));
        if self.snapshots.len() > MAX_SNAPSHOTS {
            self.snapshot_every *= 2;
            let every = self.snapshot_every;
            self.snapshots.retain(|(p, _)| p % every == 0);
        }
    }
}

/// Carries out one step on the machine.
pub fn execute(m: &mut Machine, op: &Op) -> Result<(), SimError> {
    match op {
        Op::Spawn { name, code_pages, flat } => {
            if *flat {
                m.spawn_flat(name)?;
            } else {
                m.spawn(name, *code_pages)?;
            }
        }
        Op::Alloc { name, label, bytes, perms, at } => {
            let pid = m.pid_of(name)?;
            m.allocate(pid, *bytes, *perms, *at, label.as_deref())?;
        }
        Op::Access { name, addr, value, next_use } => {
            let pid = m.pid_of(name)?;
            let kind = if value.is_some() { AccessKind::Write } else { AccessKind::Read };
            m.access(pid, *addr, kind, *value, *next_use)?;
        }
        Op::Tick { units } => m.tick(*units),
        Op::Free { name, target } => {
            let pid = m.pid_of(name)?;
            match target {
                FreeTarget::Label(l) => m.free_label(pid, l)?,
                FreeTarget::Addr(a) => m.free(pid, *a)?,
            }
        }
        Op::Exit { name } => {
            let pid = m.pid_of(name)?;
            m.exit(pid)?;
        }
        Op::Note { text } => m.note(text),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    #[test]
    fn next_use_points_at_the_next_access_of_the_same_page() {
        let s = parse("spawn T flat\nrefs T 1 2 1\nread T 0x2fff\nexit T\nspawn T flat\nrefs T 1").unwrap();
        let steps = compile(&s);
        let next: Vec<u64> = steps
            .iter()
            .filter_map(|s| match s.op {
                Op::Access { next_use, .. } => Some(next_use),
                _ => None,
            })
            .collect();
        // steps: 0 spawn, 1 ref1, 2 ref2, 3 ref1, 4 read page 2, 5 exit, 6 spawn, 7 ref1 (new T)
        assert_eq!(next, vec![3, 4, u64::MAX, u64::MAX, u64::MAX]);
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
        let records = run.records().to_vec();
        for target in (0..run.len()).rev() {
            run.goto(target).unwrap();
            assert_eq!(run.records().len(), target);
        }
        run.run_to_end().unwrap();
        assert_eq!(run.machine().stats(), &end_stats);
        assert_eq!(run.records(), &records[..]);
    }

    #[test]
    fn an_extra_operation_continues_after_an_impossible_step() {
        let s = parse("spawn A\nalloc A x 4K rw at 0x1000\nalloc A y 4K rw at 0x1000\n").unwrap();
        let mut run = Run::new(s).unwrap();
        assert!(run.run_to_end().is_err());
        let op = Op::Access { name: "A".into(), addr: 0x1000, value: Some(5), next_use: u64::MAX };
        let record = run.push(0, op).unwrap();
        assert_eq!(record.step, 3);
        assert_eq!(run.len(), 3, "the failed step was replaced");
        assert!(run.error().is_none() && run.at_end());
        let bad = Op::Access { name: "B".into(), addr: 0, value: None, next_use: u64::MAX };
        assert!(run.push(0, bad).is_err());
        assert_eq!((run.len(), run.pos()), (3, 3), "a refused operation leaves nothing behind");
    }

    #[test]
    fn an_impossible_step_stops_the_run_with_its_line() {
        let s = parse("spawn A\nalloc A x 4K rw at 0x1000\nalloc A y 4K rw at 0x1000\nread A 0x1000").unwrap();
        let mut run = Run::new(s).unwrap();
        let err = run.run_to_end().unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("overlap region x"), "{err}");
        assert_eq!(run.pos(), 2);
        run.back();
        assert_eq!(run.pos(), 1);
        assert!(run.error().is_none());
    }
}
