//! The operation log: what the run did and will do, and what keeping it costs. A scenario
//! compiles into it (for `opt`, with each access's next use).

use super::super::{FreeTarget, Scenario};
use super::ops::{command_ops, AllocOp, NameId, Names, Op, SpawnOp};
use rustc_hash::FxHashMap as HashMap;
use std::collections::VecDeque;

/// The operation log: operations `base+1 ..= base+len` (1-based step numbers), with their source
/// lines and, for `opt`, each access's next use.
#[derive(Clone, Debug, Default)]
pub(super) struct Log {
    pub(super) ops: VecDeque<Op>,
    pub(super) lines: VecDeque<u32>,
    /// Only when the policy is `opt`: time of the next access to the same page (`u64::MAX`: none).
    pub(super) next_use: Option<VecDeque<u64>>,
    /// Heap bytes of boxed payloads, for the history budget.
    payload_bytes: usize,
}

impl Log {
    pub(super) fn len(&self) -> usize {
        self.ops.len()
    }

    pub(super) fn push(&mut self, op: Op, line: u32, next_use: u64) {
        self.payload_bytes += payload_bytes(&op);
        self.ops.push_back(op);
        self.lines.push_back(line);
        if let Some(n) = &mut self.next_use {
            n.push_back(next_use);
        }
    }

    pub(super) fn truncate(&mut self, n: usize) {
        for op in self.ops.range(n.min(self.ops.len())..) {
            self.payload_bytes -= payload_bytes(op);
        }
        self.ops.truncate(n);
        self.lines.truncate(n);
        if let Some(v) = &mut self.next_use {
            v.truncate(n);
        }
    }

    pub(super) fn drop_front(&mut self, n: usize) {
        for op in self.ops.drain(..n) {
            self.payload_bytes -= payload_bytes(&op);
        }
        self.lines.drain(..n);
        if let Some(v) = &mut self.next_use {
            v.drain(..n);
        }
    }

    pub(super) fn bytes(&self) -> usize {
        let per = std::mem::size_of::<Op>() + 4 + if self.next_use.is_some() { 8 } else { 0 };
        self.ops.len() * per + self.payload_bytes
    }
}

fn payload_bytes(op: &Op) -> usize {
    match op {
        Op::Spawn(s) => std::mem::size_of::<SpawnOp>() + s.exe.as_ref().map_or(0, |e| e.len()),
        Op::Alloc(a) => {
            std::mem::size_of::<AllocOp>()
                + a.label.as_ref().map_or(0, |l| l.len())
                + a.share.as_ref().map_or(0, |s| s.1.len())
        }
        Op::Fork(_) => std::mem::size_of::<(NameId, NameId)>(),
        Op::Free(f) => {
            std::mem::size_of::<(NameId, FreeTarget)>() + if let FreeTarget::Label(l) = &f.1 { l.len() } else { 0 }
        }
        Op::Note(t) => std::mem::size_of::<String>() + t.len(),
        Op::Access(_) | Op::Tick(_) | Op::Exit(_) | Op::Importance(..) => 0,
    }
}

/// Expands commands into the operation log and, for `opt`, fills in each access's next use of
/// the same page.
pub(super) fn compile(scenario: &Scenario, names: &mut Names) -> Log {
    let shift = scenario.config.page_shift();
    let mut log = Log::default();
    // Which process each access belongs to: every spawn is a new one (a respawned A is another
    // process). The key of an access is (process, page).
    let mut process_of: Vec<u32> = Vec::new(); // by name: the latest spawn's number
    let mut processes = 0u32;
    let mut keys: Vec<Option<(u32, u64)>> = Vec::new();
    for c in &scenario.commands {
        for op in command_ops(&c.kind, names, shift) {
            let started = match &op {
                Op::Spawn(s) => Some(s.name),
                Op::Fork(f) => Some(f.1),
                _ => None,
            };
            if let Some(name) = started {
                if process_of.len() <= name as usize {
                    process_of.resize(name as usize + 1, u32::MAX);
                }
                process_of[name as usize] = processes;
                processes += 1;
            }
            let key = match &op {
                Op::Access(a) => {
                    process_of.get(a.name as usize).filter(|&&p| p != u32::MAX).map(|&p| (p, a.addr() >> shift))
                }
                _ => None,
            };
            log.push(op, c.line, u64::MAX);
            keys.push(key);
        }
    }
    if scenario.config.policy == crate::engine::PolicyKind::Opt {
        let mut next_use_of = vec![u64::MAX; keys.len()];
        // Per process: page → the next operation that uses it. OPT only compares these; they are
        // kept as the step numbers the log shows (operation i is step i + 1), so that its reasons
        // ("next used at step 19") and the page speak of the same steps.
        let mut seen: Vec<HashMap<u64, u32>> = (0..processes).map(|_| HashMap::default()).collect();
        for i in (0..keys.len()).rev() {
            if let Some((process, page)) = keys[i] {
                if let Some(next) = seen[process as usize].insert(page, i as u32) {
                    next_use_of[i] = next as u64 + 1;
                }
            }
        }
        log.next_use = Some(next_use_of.into());
    }
    log
}
