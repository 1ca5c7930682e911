//! Carrying out operations on a machine: one, as a step; many, quietly, to reach a step.

use super::super::FreeTarget;
use super::log::Log;
use super::ops::{Names, Op};
use crate::engine::translate::Translation;
use crate::engine::{AccessKind, Machine, SimError};

/// Replays steps `from+1 ..= to` on `m` (they succeeded before, so they succeed again).
pub(super) fn replay(
    m: &mut Machine,
    names: &Names,
    log: &Log,
    base: usize,
    from: usize,
    to: usize,
) -> Result<(), String> {
    let recording = m.recording();
    m.set_recording(false);
    for n in from..to {
        let i = n - base;
        let next = log.next_use.as_ref().map_or(u64::MAX, |v| v[i]);
        execute(m, names, &log.ops[i], next).map_err(|e| format!("internal: step {} failed on replay: {e}", n + 1))?;
    }
    m.set_recording(recording);
    Ok(())
}

/// The translation an access is about to make (`None` for other operations).
pub(crate) fn walk_before(m: &Machine, names: &Names, op: &Op) -> Option<Translation> {
    let Op::Access(a) = op else { return None };
    m.translate(m.pid_of(names.get(a.name)).ok()?, a.addr())
}

/// Carries out one operation on the machine.
pub(crate) fn execute(m: &mut Machine, names: &Names, op: &Op, next_use: u64) -> Result<(), SimError> {
    match op {
        Op::Spawn(s) => {
            let pid = if s.flat {
                m.spawn_flat(names.get(s.name))?
            } else {
                m.spawn_exe(names.get(s.name), s.code_pages, s.exe.as_deref())?
            };
            m.start_at(pid, s.importance);
        }
        Op::Importance(name, level) => {
            let pid = m.pid_of(names.get(*name))?;
            m.set_importance(pid, *level)?;
        }
        Op::Fork(f) => {
            let parent = m.pid_of(names.get(f.0))?;
            m.fork(parent, names.get(f.1))?;
        }
        Op::Alloc(a) => {
            let pid = m.pid_of(names.get(a.name))?;
            if a.huge {
                m.allocate_huge(pid, a.bytes, a.perms, a.at, a.label.as_deref())?;
            } else {
                let share = a.share.as_ref().map(|(k, n)| (*k, n.as_str()));
                m.allocate_shared(pid, a.bytes, a.perms, a.at, a.label.as_deref(), share)?;
            }
        }
        Op::Access(a) => {
            let pid = m.pid_of(names.get(a.name))?;
            let kind = if a.value().is_some() { AccessKind::Write } else { AccessKind::Read };
            m.access(pid, a.addr(), kind, a.value(), next_use)?;
        }
        Op::Tick(units) => m.tick(*units)?,
        Op::Free(f) => {
            let pid = m.pid_of(names.get(f.0))?;
            match &f.1 {
                FreeTarget::Label(l) => m.free_label(pid, l)?,
                FreeTarget::Addr(a) => m.free(pid, *a)?,
            }
        }
        Op::Exit(name) => {
            let pid = m.pid_of(names.get(*name))?;
            m.exit(pid)?;
        }
        Op::Note(text) => m.note(text),
    }
    Ok(())
}
