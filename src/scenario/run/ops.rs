//! The operations a run is made of: compact (16 bytes, names interned, rare payloads boxed), made
//! from a scenario's commands or from calls ([`Action`]).

use super::super::CommandKind;
use super::super::FreeTarget;
use crate::engine::process::Importance;
use crate::engine::sharing::ObjectKind;
use crate::engine::Perms;
use rustc_hash::FxHashMap as HashMap;

/// Index of an interned process name.
pub type NameId = u32;

/// One step's operation, compact: names are interned (`Run::name`), rare payloads boxed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Spawn(Box<SpawnOp>),
    Alloc(Box<AllocOp>),
    Access(AccessOp),
    Tick(u64),
    Free(Box<(NameId, FreeTarget)>),
    Exit(NameId),
    Note(Box<String>),
    /// `fork`: parent and child names.
    Fork(Box<(NameId, NameId)>),
    Importance(NameId, Importance),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpawnOp {
    pub name: NameId,
    pub code_pages: u64,
    pub flat: bool,
    pub exe: Option<String>,
    pub importance: Importance,
}

/// `label: None` picks `r1`, `r2`, … (calls from JavaScript have no label).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllocOp {
    pub name: NameId,
    pub label: Option<String>,
    pub bytes: u64,
    pub perms: Perms,
    pub at: Option<u64>,
    pub share: Option<(ObjectKind, String)>,
    pub huge: bool,
}

/// A read or a one-byte write in 14 bytes, aligned to 2 so that an [`Op`] stays at 16 bytes with a
/// whole 64-bit address. Fields are read by value only (a reference into a packed struct could be
/// unaligned).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed(2))]
pub struct AccessOp {
    pub name: NameId,
    addr: u64,
    /// The value in bits 0–7, bit 8 set for a write.
    value: u16,
}

impl AccessOp {
    pub fn new(name: NameId, addr: u64, value: Option<u8>) -> AccessOp {
        AccessOp { name, addr, value: value.map_or(0, |v| v as u16 | 1 << 8) }
    }

    pub fn addr(&self) -> u64 {
        self.addr
    }

    /// The byte written, or `None` for a read.
    pub fn value(&self) -> Option<u8> {
        let value = self.value;
        (value & 1 << 8 != 0).then_some(value as u8)
    }
}

/// An operation as callers give it, with names spelled out ([`Run::push`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action<'a> {
    Spawn {
        name: &'a str,
        code_pages: u64,
        flat: bool,
        exe: Option<&'a str>,
        importance: Importance,
    },
    Importance {
        name: &'a str,
        level: Importance,
    },
    Fork {
        parent: &'a str,
        child: &'a str,
    },
    Alloc {
        name: &'a str,
        label: Option<&'a str>,
        bytes: u64,
        perms: Perms,
        at: Option<u64>,
        share: Option<(ObjectKind, &'a str)>,
        huge: bool,
    },
    Access {
        name: &'a str,
        addr: u64,
        value: Option<u8>,
    },
    Tick {
        units: u64,
    },
    Free {
        name: &'a str,
        target: FreeTarget,
    },
    Exit {
        name: &'a str,
    },
}

/// Interned process names: operations refer to names by index.
#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    list: Vec<String>,
    index: HashMap<String, NameId>,
}

impl Names {
    pub(crate) fn intern(&mut self, name: &str) -> NameId {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = self.list.len() as NameId;
        self.list.push(name.to_string());
        self.index.insert(name.to_string(), id);
        id
    }

    pub(crate) fn get(&self, id: NameId) -> &str {
        self.list.get(id as usize).map_or("?", String::as_str)
    }

    /// Names interned so far.
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// Forgets names interned after the first `n` (an operation that was refused).
    pub(super) fn truncate(&mut self, n: usize) {
        for name in self.list.drain(n.min(self.list.len())..) {
            self.index.remove(&name);
        }
    }
}

/// The operations of one command: one, or one per page of a `refs` line.
pub(crate) fn command_ops(kind: &CommandKind, names: &mut Names, shift: u32) -> Vec<Op> {
    let op = match kind {
        CommandKind::Spawn { name, code_pages, flat, exe, importance } => {
            let name = names.intern(name);
            let op = SpawnOp { name, code_pages: *code_pages, flat: *flat, exe: exe.clone(), importance: *importance };
            Op::Spawn(Box::new(op))
        }
        CommandKind::Importance { name, level } => Op::Importance(names.intern(name), *level),
        CommandKind::Fork { parent, child } => Op::Fork(Box::new((names.intern(parent), names.intern(child)))),
        CommandKind::Alloc { name, label, bytes, perms, at, share, huge } => {
            let label = Some(label.clone());
            let name = names.intern(name);
            let (bytes, perms, at, huge) = (*bytes, *perms, *at, *huge);
            Op::Alloc(Box::new(AllocOp { name, label, bytes, perms, at, share: share.clone(), huge }))
        }
        CommandKind::Read { name, addr } => Op::Access(AccessOp::new(names.intern(name), *addr, None)),
        CommandKind::Write { name, addr, value } => Op::Access(AccessOp::new(names.intern(name), *addr, Some(*value))),
        CommandKind::Refs { name, pages } => {
            let name = names.intern(name);
            return pages.iter().map(|&page| Op::Access(AccessOp::new(name, page << shift, None))).collect();
        }
        CommandKind::Tick { units } => Op::Tick(*units),
        CommandKind::Free { name, target } => Op::Free(Box::new((names.intern(name), target.clone()))),
        CommandKind::Exit { name } => Op::Exit(names.intern(name)),
        CommandKind::Note { text } => Op::Note(Box::new(text.clone())),
    };
    vec![op]
}
