//! Running a scenario straight through, one line at a time, keeping nothing behind: what the
//! command line's `run` does. A [`Run`](super::Run) keeps the whole scenario and a history to go
//! back; this keeps the machine and the line being carried out, so a scenario of millions of lines
//! costs what its machine costs.
//!
//! The text is checked whole first (a mistake on the last line is reported before anything runs,
//! as [`super::parse`] does), then read again and carried out. `opt` needs each access's next use,
//! which only the whole scenario can tell: [`Straight`] runs it whole.

use super::parse::{check_size, lines, Parser};
use super::run::{command_ops, execute, walk_before, Names, Op, RunFailure};
use super::{parse, ParseError, Run, RunError, StepRecord};
use crate::engine::{Config, Machine, PolicyKind};
use std::collections::VecDeque;

/// A scenario being carried out line by line.
pub struct Through<'a> {
    lines: Box<dyn Iterator<Item = (u32, &'a str)> + 'a>,
    parser: Parser,
    names: Names,
    machine: Machine,
    /// Operations of the current line not done yet (a `refs` line has one per page).
    pending: VecDeque<Op>,
    line: u32,
    steps: usize,
    shift: u32,
    /// The impossible step that stopped the run.
    error: Option<RunError>,
}

impl<'a> Through<'a> {
    /// Checks all of `text`; on success, a runner at its first line (which `opt` cannot use: see
    /// [`Straight`]).
    fn new(text: &'a str, config: Config) -> Result<Through<'a>, ParseError> {
        let machine =
            Machine::new(config.clone()).map_err(|e| ParseError { line: 1, column: 1, message: e.to_string() })?;
        Ok(Through {
            lines: Box::new(lines(text)),
            parser: Parser::default(),
            names: Names::default(),
            machine,
            pending: VecDeque::new(),
            line: 0,
            steps: 0,
            shift: config.page_shift(),
            error: None,
        })
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    /// Does the next step: `Ok(None)` at the end, `Err` if it is impossible (the run stops there).
    pub fn step(&mut self) -> Result<Option<StepRecord>, RunError> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        while self.pending.is_empty() {
            let Some((line, raw)) = self.lines.next() else {
                return Ok(None);
            };
            // Checked whole by `new`: every line parses again.
            let command = self.parser.line(line, raw).map_err(|e| RunError {
                step: self.steps + 1,
                line,
                cause: RunFailure::Parse(e.message),
            })?;
            if let Some(c) = command {
                self.line = c.line;
                self.pending.extend(command_ops(&c.kind, &mut self.names, self.shift));
            }
        }
        let op = self.pending.pop_front().expect("a pending operation");
        let step = self.steps + 1;
        let translation = walk_before(&self.machine, &self.names, &op);
        if let Err(e) = execute(&mut self.machine, &self.names, &op, u64::MAX) {
            let _ = self.machine.take_events();
            let error = RunError { step, line: self.line, cause: RunFailure::Sim(e) };
            self.error = Some(error.clone());
            return Err(error);
        }
        self.steps = step;
        Ok(Some(StepRecord { step, line: self.line, events: self.machine.take_events(), translation }))
    }
}

/// A scenario carried out from its first step to its last: line by line, or for `opt` (which
/// needs every access's next use) as a whole [`Run`].
pub enum Straight<'a> {
    Lines(Box<Through<'a>>),
    Whole(Box<Run>),
}

impl<'a> Straight<'a> {
    /// Checks all of `text` (every mistake is reported before anything runs) and starts it.
    pub fn new(text: &'a str) -> Result<Straight<'a>, ParseError> {
        check_size(text)?;
        let mut check = Parser::default();
        for (line, raw) in lines(text) {
            check.line(line, raw)?;
        }
        let config = check.config().clone();
        if config.policy == PolicyKind::Opt {
            let run = Run::new(parse(text)?).map_err(|e| ParseError { line: 1, column: 1, message: e.to_string() })?;
            return Ok(Straight::Whole(Box::new(run)));
        }
        Ok(Straight::Lines(Box::new(Through::new(text, config)?)))
    }

    pub fn step(&mut self) -> Result<Option<StepRecord>, RunError> {
        match self {
            Straight::Lines(t) => t.step(),
            Straight::Whole(r) => r.step(),
        }
    }

    pub fn machine(&self) -> &Machine {
        match self {
            Straight::Lines(t) => t.machine(),
            Straight::Whole(r) => r.machine(),
        }
    }

    /// Bytes of step-back history held (none line by line).
    pub fn history_bytes(&self) -> usize {
        match self {
            Straight::Lines(_) => 0,
            Straight::Whole(r) => r.history_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line by line gives the same steps as the whole scenario.
    #[test]
    fn a_scenario_run_through_gives_the_steps_of_a_run() {
        let text = "config frames=2 tlb=2 policy=clock\nspawn A code=1\nalloc A h 16K rw\n\
                    refs A 2 3 4 2 5\nwrite A 0x2004 9\n# a comment\nread A 0x2004\nfree A h\nexit A\n";
        let mut run = Run::new(parse(text).unwrap()).unwrap();
        let mut through = Straight::new(text).unwrap();
        assert!(matches!(through, Straight::Lines(_)));
        loop {
            let (a, b) = (run.step().unwrap(), through.step().unwrap());
            assert_eq!(a, b);
            if a.is_none() {
                break;
            }
        }
        assert_eq!(run.machine().stats(), through.machine().stats());
    }

    #[test]
    fn mistakes_are_found_before_anything_runs_and_impossible_steps_stop_it() {
        let err = Straight::new("spawn A\nread A 0x1000\nbogus\n").err().unwrap();
        assert_eq!((err.line, err.column), (3, 1));
        let mut t = Straight::new("spawn A\nalloc A x 4K rw at 0x1000\nalloc A y 4K rw at 0x1000\n").unwrap();
        assert!(t.step().unwrap().is_some() && t.step().unwrap().is_some());
        let err = t.step().unwrap_err();
        assert_eq!((err.step, err.line), (3, 3));
        assert_eq!(t.step().unwrap_err(), err, "it stays stopped");
        assert!(matches!(Straight::new("config policy=opt\n").unwrap(), Straight::Whole(_)), "opt runs whole");
    }
}
