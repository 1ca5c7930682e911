//! Misuse of the engine: requests that cannot be carried out. These are not simulated faults
//! (a segmentation fault is a normal [`crate::engine::Event`]); they are refused requests, and a
//! refused request changes nothing.
//!
//! Errors are data: each variant carries the values involved, and the sentence users read is made
//! here, at the edge (`Display`). Code that needs to tell errors apart matches on the variants,
//! never on the text.

use super::budget::Usage;
use super::config::ConfigError;
use super::sharing::ObjectKind;
pub use super::types::quoted;
use super::types::ExitCause;
use std::fmt;

/// Why a request was refused. `Display` gives the message users see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// The configuration breaks a limit.
    Config(ConfigError),
    UnknownPid(u32),
    UnknownProcess(String),
    ProcessExited {
        name: String,
        cause: ExitCause,
    },
    NameTaken(String),
    /// A name that is not one (a letter first, then letters, digits, `_ - .`; at most 32).
    BadName {
        what: NameKind,
        name: String,
    },
    AddressOutOfRange {
        addr: u64,
        va_bits: u32,
    },
    /// An allocation that cannot be placed.
    BadAllocation(AllocError),
    /// No region of process `name` at this address or with this label.
    NotAllocated {
        name: String,
        region: RegionRef,
    },
    TooManyProcesses {
        max: usize,
    },
    /// A `tick` that would take the clock past its end.
    ClockEnd {
        units: u64,
        now: u64,
        max: u64,
    },
    /// `tables=ram`: no frame could hold process `name`'s page tables (`tables` of them): every
    /// frame holds a page table, or no page can go (swap full).
    NoFrameForTables {
        name: String,
        tables: u64,
        no_swap: bool,
    },
    /// The operation could take the machine's state past its memory budget.
    Budget {
        usage: Usage,
        limit: u64,
    },
}

/// What kind of name was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Process,
    Executable,
}

/// How a request named a region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegionRef {
    Addr(u64),
    Label(String),
}

/// Why a region cannot be allocated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocError {
    /// A flat process's whole space is mapped already.
    Flat {
        name: String,
    },
    ZeroSize,
    NoPermissions,
    /// More pages than the address space has.
    TooLarge {
        bytes: u64,
        space: u64,
    },
    LabelTaken {
        name: String,
        label: String,
    },
    BadLabel {
        label: String,
    },
    BadObjectName {
        kind: ObjectKind,
        name: String,
    },
    NotAligned {
        addr: u64,
        page_size: u64,
    },
    OutsideSpace {
        addr: u64,
        va_bits: u32,
    },
    NullPage,
    PastEnd {
        pages: u64,
        vpn: u64,
    },
    Overlap {
        first: u64,
        last: u64,
        label: String,
        start: u64,
        end: u64,
    },
    NoGap {
        pages: u64,
        name: String,
    },
    /// Sharing (`fork`, `shared=`, `file=`) on a machine without paging.
    NeedsPaging {
        what: &'static str,
        vm: &'static str,
    },
    /// `vm=base`: no `at`: a block's addresses follow on from its end.
    AtInBlock,
    /// `huge` on a machine that cannot map huge pages (why, in words).
    NoHugePages {
        why: String,
    },
    /// `vm=base`: the frames after process `name`'s block (from frame `end`) are not all free.
    CannotGrow {
        name: String,
        pages: u64,
        end: u64,
    },
    /// `vm=base`: no free run of `pages` frames for a first block.
    NoBlock {
        pages: u64,
        free: u64,
        largest: u64,
    },
    /// `spawn … code=N` with more code pages than the space has.
    CodeTooLarge {
        pages: u64,
        space: u64,
    },
    /// Executables are mapped by `spawn`.
    ExeByAlloc,
    /// A later mapping of an object must fit in it.
    ObjectTooSmall {
        kind: ObjectKind,
        name: String,
        have: u64,
        want: u64,
    },
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameKind::Process => f.write_str("process name"),
            NameKind::Executable => f.write_str("executable name"),
        }
    }
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pages = |n: u64| if n == 1 { "page" } else { "pages" };
        match self {
            AllocError::Flat { name } => write!(f, "{name} is flat: its whole address space is already mapped"),
            AllocError::ZeroSize => f.write_str("the size must be at least 1 byte"),
            AllocError::NoPermissions => f.write_str("a region needs at least one of r, w, x"),
            AllocError::TooLarge { bytes, space } => {
                write!(f, "{bytes} bytes is more than the {space} pages of the address space")
            }
            AllocError::LabelTaken { name, label } => write!(f, "{name} already has a region named {label}"),
            AllocError::BadLabel { label } => write!(f, "{} is not a valid region label", quoted(label)),
            AllocError::BadObjectName { kind, name } => {
                write!(f, "{} is not a valid {} name", quoted(name), kind.name())
            }
            AllocError::NotAligned { addr, page_size } => {
                write!(f, "{addr:#x} is not page-aligned (pages are {page_size} bytes)")
            }
            AllocError::OutsideSpace { addr, va_bits } => {
                write!(f, "{addr:#x} is outside the {va_bits}-bit address space")
            }
            AllocError::NullPage => f.write_str("page 0 is the null guard page and can never be allocated"),
            AllocError::PastEnd { pages, vpn } => {
                write!(f, "{pages} pages from page {vpn} run past the end of the address space")
            }
            AllocError::Overlap { first, last, label, start, end } => {
                write!(f, "pages {first}–{last} overlap region {label} (pages {start}–{end})")
            }
            AllocError::NoGap { pages, name } => {
                write!(f, "no gap of {pages} free pages left in {name}'s address space")
            }
            AllocError::CodeTooLarge { pages, space } => {
                write!(f, "{pages} code pages do not fit in a space of {space} pages (page 0 is the guard)")
            }
            AllocError::ExeByAlloc => f.write_str("an executable is mapped by spawn, not alloc"),
            AllocError::NeedsPaging { what, vm } => {
                write!(f, "{what} needs virtual memory: this machine has vm={vm} (use vm=paging)")
            }
            AllocError::AtInBlock => {
                f.write_str("with vm=base a block grows at its end: an allocation takes no `at` address")
            }
            AllocError::NoHugePages { why } => f.write_str(why),
            AllocError::CannotGrow { name, pages, end } => write!(
                f,
                "{name}'s block cannot grow by {pages} frame(s): frame {end} and on are not all free \
                 (base and bounds needs one block in a row; a real system would have to move {name})"
            ),
            AllocError::NoBlock { pages, free, largest } => write!(
                f,
                "no free run of {pages} frame(s): {free} free in all, the largest run {largest} (external fragmentation)"
            ),
            AllocError::ObjectTooSmall { kind, name, have, want } => write!(
                f,
                "{} {name} is {have} {}: a mapping of {want} pages does not fit in it",
                kind.name(),
                pages(*have)
            ),
        }
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Config(e) => write!(f, "invalid configuration: {e}"),
            SimError::UnknownPid(p) => write!(f, "no process has pid {p}"),
            SimError::UnknownProcess(n) => write!(f, "no process named {} (spawn it first)", quoted(n)),
            SimError::ProcessExited { name, cause } => match cause {
                ExitCause::Exited => write!(f, "{name} is no longer running: it exited"),
                ExitCause::SegmentationFault => {
                    write!(f, "{name} is no longer running: it was killed by a segmentation fault")
                }
                ExitCause::NoBlock => write!(f, "{name} never started: no block of memory was free for it"),
                ExitCause::OutOfMemory => write!(f, "{name} is no longer running: the OOM killer ended it"),
                ExitCause::ProtectionFault => {
                    write!(f, "{name} is no longer running: it was killed by a protection fault")
                }
            },
            SimError::NameTaken(n) => write!(f, "a process named {n} is already running"),
            SimError::BadName { what: NameKind::Process, name } => write!(
                f,
                "{} is not a valid process name (a letter first, then letters, digits, _ - .; at most 32)",
                quoted(name)
            ),
            SimError::BadName { what, name } => write!(f, "{} is not a valid {what}", quoted(name)),
            SimError::AddressOutOfRange { addr, va_bits } => {
                write!(f, "address {addr:#x} is outside the {va_bits}-bit virtual address space")
            }
            SimError::BadAllocation(e) => write!(f, "cannot allocate: {e}"),
            SimError::NotAllocated { name, region: RegionRef::Addr(a) } => write!(f, "{name} has no region at {a:#x}"),
            SimError::NotAllocated { name, region: RegionRef::Label(l) } => {
                let l = if super::types::valid_name(l) { l.clone() } else { quoted(l) };
                write!(f, "{name} has no region named {l}")
            }
            SimError::TooManyProcesses { max } => write!(f, "at most {max} processes per run"),
            SimError::ClockEnd { units, now, max } => write!(
                f,
                "tick {units}: the clock would pass {max} (2^53 − 1, the largest time a JavaScript number holds \
                 exactly); it is at {now} now"
            ),
            SimError::Budget { usage, limit } => f.write_str(&usage.exhausted(*limit)),
            SimError::NoFrameForTables { name, tables, no_swap } => write!(
                f,
                "out of memory: {name} needs {} for its page tables (tables=ram) and no page can go ({})",
                if *tables == 1 { "a frame".to_string() } else { format!("{tables} frames") },
                if *no_swap { "there is no swap" } else { "swap is full, or every frame holds a page table" }
            ),
        }
    }
}

impl std::error::Error for SimError {}
