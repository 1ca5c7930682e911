//! What pagesim reports, as data: the shapes of the CLI's `--json` and of the JavaScript API's
//! objects, defined once here so the two never differ.
//!
//! Convention: keys are `snake_case`; kinds and states are lower-case strings (`"page_fault"`,
//! `"from_swap"`); page and frame numbers, addresses and counts are numbers; a field that does not
//! apply is left out, never `null`. Addresses, page numbers and page counts can pass 2^53 in a wide
//! space (up to 2^64 − 1 with `vbits=64`): those fields are written with [`exact`], as numbers up to
//! 2^53 − 1 and as BigInts above in JavaScript (README, *64-bit address spaces*); the JSON of the
//! command line writes every one as a plain integer.

use crate::engine::cost::Speed;
use crate::engine::events::{
    AccessEvent, AccessKind, AccessResult, Event, Eviction, EvictionFate, FaultKind, SegvReason, TlbLookup,
};
use crate::engine::page_table::NONE;
use crate::engine::process::ExitCause;
use crate::engine::sharing::ObjectKind;
use crate::engine::translate::{EntryState, EntryTarget, Translation};

fn target_number(t: EntryTarget) -> Option<u32> {
    match t {
        EntryTarget::Table(n) | EntryTarget::TableFrame(n) | EntryTarget::Frame(n) | EntryTarget::Slot(n) => Some(n),
        EntryTarget::Nothing => None,
    }
}
use crate::engine::{Machine, Pid, Stats};
use crate::scenario::run::{Op, Run, StepRecord};
use serde::Serialize;

/// Fields that may pass 2^53 − 1, the largest integer a JavaScript number holds exactly: such a
/// value is written as a u128, which `serde_wasm_bindgen` turns into a BigInt (its u64 would be an
/// error) and `serde_json` writes as the same integer. Smaller values stay u64: numbers in
/// JavaScript, so nothing changes for spaces of up to 53 bits.
pub mod exact {
    use serde::{Serialize, Serializer};

    /// Largest integer a JavaScript number holds exactly.
    pub const MAX_SAFE: u64 = (1 << 53) - 1;

    /// One such value.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Exact(pub u64);

    impl Serialize for Exact {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            if self.0 <= MAX_SAFE {
                s.serialize_u64(self.0)
            } else {
                s.serialize_u128(self.0 as u128)
            }
        }
    }

    pub fn u64<S: Serializer>(n: &u64, s: S) -> Result<S::Ok, S::Error> {
        Exact(*n).serialize(s)
    }

    pub fn opt<S: Serializer>(n: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        n.map(Exact).serialize(s)
    }

    pub fn list<S: Serializer>(v: &[u64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|&n| Exact(n)))
    }

    /// A grid column's frames: `[pid, page]` or `null`.
    pub fn frames<S: Serializer>(v: &[Option<(u32, u64)>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|f| f.map(|(pid, page)| (pid, Exact(page)))))
    }
}

/// One step: its number, its source line (0 for a call from JavaScript) and what happened.
#[derive(Clone, Debug, Serialize)]
pub struct StepReport {
    pub step: usize,
    pub line: u32,
    pub events: Vec<EventReport>,
    /// An access's address translation, as it was just before the access.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation: Option<TranslationReport>,
}

impl StepReport {
    pub fn new(m: &Machine, r: &StepRecord) -> StepReport {
        StepReport {
            step: r.step,
            line: r.line,
            events: r.events.iter().map(|e| EventReport::new(m, e)).collect(),
            translation: r.translation.as_ref().map(|t| TranslationReport::new(t, m.config().page_shift())),
        }
    }
}

/// A translation (`engine::translate`): `{vpn, offset, level_bits, indices, tables_found, tlb
/// ("hit" | "miss"; absent without a TLB), state ("resident" | "swapped" | "not_loaded"; absent if
/// nothing is mapped there), frame | slot, perms, physical}`.
#[derive(Clone, Debug, Serialize)]
pub struct TranslationReport {
    #[serde(serialize_with = "exact::u64")]
    pub vpn: u64,
    pub offset: u64,
    pub level_bits: Vec<u32>,
    #[serde(serialize_with = "exact::list")]
    pub indices: Vec<u64>,
    pub tables_found: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tlb: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perms: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical: Option<u64>,
    /// Every entry the walk read, first level first, with its bits.
    pub entries: Vec<EntryReport>,
    /// `tables=ram`: the frame of each table on the walk, the top one first (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub table_frames: Vec<u32>,
    /// Part of a huge page: the walk ended one level up (absent otherwise).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub huge_page: bool,
}

/// One page-table entry on a walk: its bits, what it points at (`table`, `table_frame` with
/// `tables=ram`, `frame`, `slot`, or absent for an empty entry) and the entry in binary, `NX | number | D A | U W P`.
#[derive(Clone, Debug, Serialize)]
pub struct EntryReport {
    pub present: bool,
    pub writable: bool,
    pub user: bool,
    pub accessed: bool,
    pub dirty: bool,
    pub no_execute: bool,
    /// Maps a huge page (the PS bit; absent otherwise).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub huge: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points_to: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    pub binary: String,
}

impl TranslationReport {
    pub fn new(t: &Translation, page_shift: u32) -> TranslationReport {
        let (state, frame, slot) = match t.entry.map(|e| e.0) {
            Some(EntryState::Resident { frame }) => (Some("resident"), Some(frame), None),
            Some(EntryState::Swapped { slot }) => (Some("swapped"), None, Some(slot)),
            Some(EntryState::NotLoaded) => (Some("not_loaded"), None, None),
            None => (None, None, None),
        };
        TranslationReport {
            vpn: t.vpn,
            offset: t.offset,
            level_bits: t.level_bits.clone(),
            indices: t.indices.clone(),
            tables_found: t.tables_found,
            tlb: t.tlb_hit.map(|hit| if hit { "hit" } else { "miss" }),
            state,
            frame,
            slot,
            perms: t.entry.map(|e| e.1.to_string()),
            physical: t.physical(page_shift),
            table_frames: t.table_frames.clone(),
            huge_page: t.huge_page,
            entries: {
                // One width for every entry's number, so the fields line up.
                let width =
                    t.entries.iter().map(|e| target_number(e.target).map_or(1, |n| 32 - n.leading_zeros())).max();
                let width = width.unwrap_or(1).max(4);
                t.entries
                    .iter()
                    .map(|e| EntryReport {
                        present: e.present,
                        writable: e.writable,
                        user: e.user,
                        accessed: e.accessed,
                        dirty: e.dirty,
                        no_execute: e.no_execute,
                        huge: e.huge,
                        points_to: match e.target {
                            EntryTarget::Table(_) => Some("table"),
                            EntryTarget::TableFrame(_) => Some("table_frame"),
                            EntryTarget::Frame(_) => Some("frame"),
                            EntryTarget::Slot(_) => Some("slot"),
                            EntryTarget::Nothing => None,
                        },
                        number: target_number(e.target),
                        binary: e.binary(width),
                    })
                    .collect()
            },
        }
    }
}

/// One event, flat: `type` says which, `text` is its sentence, and the fields that apply follow.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EventReport {
    /// `spawn`, `allocate`, `free`, `access`, `exit`, `tick`, `reclaim`, `reclaim_more`, `note`,
    /// `oom_kill`, `importance` or `table_frame`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<Pid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    // spawn
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exact::opt")]
    pub code_pages: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flat: Option<bool>,
    /// spawn: the executable; allocate: the shared-memory object or file mapped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// allocate: `shared` or `file` (absent for private memory).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing: Option<&'static str>,
    /// fork: the child, and how many pages the two now share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child: Option<Pid>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exact::opt")]
    pub shared: Option<u64>,
    /// A copy-on-write fault or a page already in memory: the other process mapping the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with: Option<Pid>,
    /// A page fault: major (it read from disk: swap, the executable, a file) or minor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub major: Option<bool>,
    /// A copy-on-write fault (a write to a page shared since a fork).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cow: Option<bool>,
    /// A copy-on-write fault: the frame copied from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_frame: Option<u32>,
    // allocate, free
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exact::opt")]
    pub start_vpn: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exact::opt")]
    pub pages: Option<u64>,
    /// `low`, `normal` or `high` (`oom_kill`, `importance`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importance: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perms: Option<String>,
    // free, exit
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames_released: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slots_released: Option<u64>,
    /// exit: `exited`, `segmentation_fault` or `protection_fault`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<&'static str>,
    // tick
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interrupts: Option<u64>,
    // access
    /// `read` or `write`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exact::opt")]
    pub addr: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exact::opt")]
    pub vpn: Option<u64>,
    /// The byte read or written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u8>,
    /// `hit`, `miss` or `off` (no TLB).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tlb: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tlb_flushed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub physical: Option<u64>,
    /// `hit`, `page_fault`, `segmentation_fault`, `protection_fault` or `out_of_memory`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<&'static str>,
    /// A page fault's source: `zero_fill`, `code_from_file`, `from_swap`, `in_memory` (mapped by
    /// another process already), `zero_fill_shared`, `from_file`, `cow_copy`, `cow_from_swap`,
    /// `cow_reuse`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    /// A fault's source, or why the access failed, as the engine words it ("read from swap slot
    /// 3", "no frame can be freed: there is no swap").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<u32>,
    /// The swap slot a page was read from (`from_swap`) or written to (`reclaim`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<u32>,
    /// The page evicted to make room.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evicted: Option<EvictionReport>,
    /// A segmentation fault's reason: `null_page` or `unmapped`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// A protection fault on program code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<bool>,
    /// Out of memory: the page that could not be written to swap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub victim: Option<EvictionReport>,
    // reclaim: the eviction's own fields
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fate: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dirty: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_frames: Option<u32>,
    /// reclaim_more: evictions beyond those reported one by one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// allocate: mapped with huge pages (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub huge: Option<bool>,
    /// table_frame: the page table's level (0 = the top).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
}

/// A page taken out of memory: whose, from which frame, and what became of it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EvictionReport {
    pub pid: Pid,
    pub name: String,
    #[serde(serialize_with = "exact::u64")]
    pub vpn: u64,
    pub frame: u32,
    /// `swapped_out`, `dropped_clean_copy` or `dropped_code` (empty for an out-of-memory victim).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub fate: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dirty: Option<bool>,
    /// Other pages that mapped the frame and were unmapped with it.
    #[serde(skip_serializing_if = "is_zero")]
    pub others: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

pub fn exit_cause(c: ExitCause) -> &'static str {
    match c {
        ExitCause::Exited => "exited",
        ExitCause::SegmentationFault => "segmentation_fault",
        ExitCause::ProtectionFault => "protection_fault",
        ExitCause::OutOfMemory => "out_of_memory",
        ExitCause::NoBlock => "no_block",
    }
}

fn eviction(m: &Machine, e: &Eviction) -> EvictionReport {
    let (fate, slot, dirty) = match e.fate {
        EvictionFate::SwappedOut { slot, dirty } => ("swapped_out", Some(slot), Some(dirty)),
        EvictionFate::DroppedCleanCopy { slot } => ("dropped_clean_copy", Some(slot), Some(false)),
        EvictionFate::DroppedCode => ("dropped_code", None, Some(false)),
        EvictionFate::ToFile { dirty: true } => ("written_to_file", None, Some(true)),
        EvictionFate::ToFile { dirty: false } => ("dropped_file", None, Some(false)),
    };
    let name = m.name_of(e.pid).to_string();
    EvictionReport { pid: e.pid, name, vpn: e.vpn, frame: e.frame, fate, slot, dirty, others: e.others }
}

impl EventReport {
    pub fn new(m: &Machine, event: &Event) -> EventReport {
        // Field by field on one default value: a struct literal per kind would be ten times the code.
        let mut r = EventReport { text: m.describe(event), ..Default::default() };
        let who = |r: &mut EventReport, pid: Pid| {
            r.pid = Some(pid);
            r.name = Some(m.name_of(pid).to_string());
        };
        match event {
            Event::Spawn { pid, code_pages, flat, exe } => {
                r.kind = "spawn";
                who(&mut r, *pid);
                r.code_pages = Some(*code_pages);
                r.flat = Some(*flat);
                r.object = (*exe != NONE).then(|| m.objects().get(*exe).name.to_string());
            }
            Event::Fork { parent, child, shared } => {
                r.kind = "fork";
                who(&mut r, *parent);
                r.child = Some(*child);
                r.shared = Some(*shared);
            }
            Event::Allocate { pid, label, start_vpn, pages, perms, object, huge } => {
                r.kind = "allocate";
                r.huge = huge.then_some(true);
                if *object != NONE {
                    let o = m.objects().get(*object);
                    r.object = Some(o.name.to_string());
                    r.sharing = Some(if o.kind == ObjectKind::File { "file" } else { "shared" });
                }
                who(&mut r, *pid);
                r.label = Some(label.clone());
                r.start_vpn = Some(*start_vpn);
                r.pages = Some(*pages);
                r.perms = Some(perms.to_string());
            }
            Event::Free { pid, label, start_vpn, pages, frames_released, slots_released } => {
                r.kind = "free";
                who(&mut r, *pid);
                r.label = Some(label.clone());
                r.start_vpn = Some(*start_vpn);
                r.pages = Some(*pages);
                r.frames_released = Some(*frames_released);
                r.slots_released = Some(*slots_released);
            }
            Event::Exit { pid, cause, frames_released, slots_released } => {
                r.kind = "exit";
                who(&mut r, *pid);
                r.cause = Some(exit_cause(*cause));
                r.frames_released = Some(*frames_released);
                r.slots_released = Some(*slots_released);
            }
            Event::Tick { units, now, interrupts } => {
                r.kind = "tick";
                r.units = Some(*units);
                r.now = Some(*now);
                r.interrupts = Some(*interrupts);
            }
            Event::Reclaim { eviction: e, free_frames } => {
                r.kind = "reclaim";
                let e = eviction(m, e);
                who(&mut r, e.pid);
                r.vpn = Some(e.vpn);
                r.frame = Some(e.frame);
                r.fate = Some(e.fate);
                r.slot = e.slot;
                r.dirty = e.dirty;
                r.free_frames = Some(*free_frames);
            }
            Event::ReclaimMore { evicted, free_frames } => {
                r.kind = "reclaim_more";
                r.count = Some(*evicted);
                r.free_frames = Some(*free_frames);
            }
            Event::Note { .. } => r.kind = "note",
            Event::OomKill { pid, importance, footprint, .. } => {
                r.kind = "oom_kill";
                who(&mut r, *pid);
                r.importance = Some(importance.name());
                r.pages = Some(*footprint);
            }
            Event::TableFrame { pid, level, frame, evicted } => {
                r.kind = "table_frame";
                who(&mut r, *pid);
                r.level = Some(*level);
                r.frame = Some(*frame);
                r.evicted = evicted.as_ref().map(|e| eviction(m, e));
            }
            Event::NoBlock { pid, needed, .. } => {
                r.kind = "no_block";
                who(&mut r, *pid);
                r.pages = Some(*needed);
            }
            Event::Importance { pid, importance } => {
                r.kind = "importance";
                who(&mut r, *pid);
                r.importance = Some(importance.name());
            }
            Event::Access(a) => {
                r.kind = "access";
                who(&mut r, a.pid);
                access(m, a, &mut r);
            }
        }
        r
    }
}

fn access(m: &Machine, a: &AccessEvent, r: &mut EventReport) {
    r.op = Some(match a.kind {
        AccessKind::Read => "read",
        AccessKind::Write => "write",
    });
    r.addr = Some(a.addr);
    r.vpn = Some(a.vpn);
    r.tlb = Some(match a.tlb {
        TlbLookup::Off => "off",
        TlbLookup::Hit => "hit",
        TlbLookup::Miss => "miss",
    });
    r.tlb_flushed = Some(a.tlb_flushed);
    r.how = m.fault_phrase(a);
    r.physical = a.physical;
    r.value = a.physical.map(|_| a.value);
    match a.result {
        AccessResult::Hit { frame } => {
            r.result = Some("hit");
            r.frame = Some(frame);
        }
        AccessResult::PageFault { kind, frame, evicted } => {
            r.result = Some("page_fault");
            r.frame = Some(frame);
            r.major = Some(kind.is_major());
            r.cow = kind.is_cow().then_some(true);
            r.source = Some(match kind {
                FaultKind::ZeroFill => "zero_fill",
                FaultKind::CodeFromFile => "code_from_file",
                FaultKind::FromSwap { slot } => {
                    r.slot = Some(slot);
                    "from_swap"
                }
                FaultKind::InMemory { with } => {
                    r.with = Some(with);
                    "in_memory"
                }
                FaultKind::ZeroFillShared => "zero_fill_shared",
                FaultKind::ZeroFillHuge { .. } => "zero_fill_huge",
                FaultKind::FromFile => "from_file",
                FaultKind::CowCopy { from, with } => {
                    r.with = Some(with);
                    r.from_frame = Some(from);
                    "cow_copy"
                }
                FaultKind::CowFromSwap { slot, with } => {
                    r.slot = Some(slot);
                    r.with = Some(with);
                    "cow_from_swap"
                }
                FaultKind::CowReuse => "cow_reuse",
            });
            r.evicted = evicted.map(|e| eviction(m, &e));
        }
        AccessResult::SegmentationFault { reason } => {
            r.result = Some("segmentation_fault");
            r.reason = Some(match reason {
                SegvReason::NullPage => "null_page",
                SegvReason::Unmapped => "unmapped",
                SegvReason::OutOfBounds => "out_of_bounds",
                SegvReason::NoSuchMemory => "no_such_memory",
            });
        }
        AccessResult::ProtectionFault { perms, code } => {
            r.result = Some("protection_fault");
            r.perms = Some(perms.to_string());
            r.code = Some(code);
        }
        AccessResult::OutOfMemory { victim_pid, victim_vpn, victim_frame } => {
            r.result = Some("out_of_memory");
            // No victim when every frame in use holds a page table (`tables=ram`).
            r.victim = (victim_frame != NONE).then(|| EvictionReport {
                pid: victim_pid,
                name: m.name_of(victim_pid).to_string(),
                vpn: victim_vpn,
                frame: victim_frame,
                ..Default::default()
            });
        }
    }
}

/// One page table in a frame (`tables=ram`), for the picture: whose, which level (0 = the top),
/// its frame, the frame of the table pointing at it (`None` for a top-level table), the first
/// page it covers and its entries in use. Empty with `tables=free`.
#[derive(Clone, Debug, Serialize)]
pub struct PageTableReport {
    pub pid: Pid,
    pub level: u32,
    pub frame: u32,
    pub parent: Option<u32>,
    #[serde(serialize_with = "exact::u64")]
    pub first_vpn: u64,
    pub entries: u32,
}

impl PageTableReport {
    /// Every live process's tables, top level first.
    pub fn all(m: &Machine) -> Vec<PageTableReport> {
        let mut out = Vec::new();
        for (pid, p) in m.processes().enumerate().filter(|(_, p)| p.alive()) {
            // (A huge page's last-level table is in no frame: the walk ends one level up.)
            out.extend(p.page_table.tables().into_iter().filter(|t| t.frame != NONE).map(|t| PageTableReport {
                pid: pid as Pid,
                level: t.level,
                frame: t.frame,
                parent: (t.parent_frame != NONE).then_some(t.parent_frame),
                first_vpn: t.first_vpn,
                entries: t.entries,
            }));
        }
        out
    }
}

/// The statistics of the machine and of every process.
#[derive(Clone, Debug, Serialize)]
pub struct StatsReport<'a> {
    pub total: &'a Stats,
    pub time: u64,
    pub frames_used: u32,
    pub swap_used: u32,
    /// Bytes of machine state counted against `config budget=`.
    pub memory_used: u64,
    /// Bytes of step-back history counted against `config history=` (0 outside a scenario run).
    pub history_bytes: u64,
    /// Frames mapped by more than one page.
    pub shared_frames: u64,
    /// Has this run shared anything (a fork, shared memory, a file, a frame mapped twice)?
    pub sharing_seen: bool,
    pub processes: Vec<ProcessReport<'a>>,
    /// How fast the machine's accesses ran, all processes together (README, *What memory costs*).
    pub speed: Speed,
    /// Shared-memory objects holding pages that no process maps now (absent when none do).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<ObjectReport<'a>>,
}

/// A shared object holding pages that no process maps. `owner` is the owner word their frames
/// and slots carry in the views (with flag `HELD`).
#[derive(Clone, Debug, Serialize)]
pub struct ObjectReport<'a> {
    pub owner: u32,
    /// `exe`, `shared` or `file`.
    pub kind: &'static str,
    pub name: &'a str,
    #[serde(serialize_with = "exact::u64")]
    pub pages: u64,
    /// Regions mapping it now.
    pub mappings: usize,
    /// Pages it holds that no process maps.
    pub held: u64,
}

/// A mapped file as the picture draws it: its first pages, each in a frame or not, and what
/// the file holds there (written back, or never written: zeros).
#[derive(Clone, Debug, Serialize)]
pub struct FileReport<'a> {
    pub name: &'a str,
    #[serde(serialize_with = "exact::u64")]
    pub pages: u64,
    /// Regions mapping it now.
    pub mappings: usize,
    /// Its first pages (at most the limit asked for).
    pub shown: Vec<FilePageReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FilePageReport {
    /// The frame holding the page now, if one does.
    pub frame: Option<u32>,
    /// Has a write-back stored bytes here (else the file reads as zeros)?
    pub saved: bool,
    /// The first non-zero byte the file holds in this page: `[offset, value]`.
    pub first: Option<(u32, u8)>,
}

impl<'a> FileReport<'a> {
    /// Every mapped file of the machine, each with at most `limit` pages.
    pub fn all(m: &'a Machine, limit: u64) -> Vec<FileReport<'a>> {
        m.objects()
            .files()
            .map(|(_, o)| FileReport {
                name: &o.name,
                pages: o.pages,
                mappings: o.mappings.size(),
                shown: (0..o.pages.min(limit))
                    .map(|i| {
                        let data = o.contents(i);
                        FilePageReport {
                            frame: Some(o.frame_of(i)).filter(|&f| f != NONE),
                            saved: o.has_contents(i),
                            first: data.and_then(|d| d.first_set()),
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ProcessReport<'a> {
    pub pid: Pid,
    pub name: &'a str,
    pub alive: bool,
    /// How it ended, if it did: `exited`, `segmentation_fault` or `protection_fault`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<&'static str>,
    pub flat: bool,
    /// Page tables allocated (the root included) and entries that exist.
    pub tables: usize,
    pub entries: u64,
    pub regions: Vec<RegionReport<'a>>,
    pub stats: &'a Stats,
    /// Resident pages it maps (shared ones included), and its proportional share: a page mapped
    /// by k pages counts 1/k.
    pub rss: u64,
    pub pss: f64,
    /// How fast its accesses ran: "full speed" … "frozen: 1/80,000".
    pub speed: Speed,
}

#[derive(Clone, Debug, Serialize)]
pub struct RegionReport<'a> {
    pub label: &'a str,
    /// First address.
    #[serde(serialize_with = "exact::u64")]
    pub start: u64,
    #[serde(serialize_with = "exact::u64")]
    pub pages: u64,
    pub perms: String,
    pub code: bool,
    /// The executable, shared-memory object or file mapped here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<&'a str>,
    /// `exe`, `shared` or `file`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing: Option<&'static str>,
    /// Mapped with huge pages (absent otherwise).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub huge: bool,
}

impl<'a> StatsReport<'a> {
    pub fn new(m: &'a Machine, history_bytes: usize) -> StatsReport<'a> {
        let shift = m.config().page_shift();
        let processes = m
            .processes()
            .enumerate()
            .map(|(pid, p)| ProcessReport {
                pid: pid as Pid,
                name: &p.name,
                alive: p.alive(),
                ended: p.ended.map(exit_cause),
                flat: p.flat,
                tables: p.page_table.table_count(),
                entries: p.page_table.entry_count(),
                regions: p
                    .regions
                    .iter()
                    .map(|r| RegionReport {
                        label: &r.label,
                        start: r.start_vpn << shift,
                        pages: r.pages,
                        perms: r.perms.to_string(),
                        code: r.code,
                        object: r.object.map(|id| &*m.objects().get(id).name),
                        sharing: r.object.map(|id| m.objects().get(id).kind.word()),
                        huge: r.huge,
                    })
                    .collect(),
                stats: &p.stats,
                rss: p.stats.resident + p.stats.table_frames,
                pss: m.pss(pid as Pid),
                speed: p.stats.speed(m.config()),
            })
            .collect();
        StatsReport {
            total: m.stats(),
            time: m.time(),
            frames_used: m.frames().used(),
            swap_used: m.swap().used(),
            memory_used: m.usage().total(),
            history_bytes: history_bytes as u64,
            shared_frames: m.shared_frames(),
            sharing_seen: m.sharing_seen(),
            processes,
            speed: m.stats().speed(m.config()),
            objects: m
                .objects()
                .holding()
                .map(|(id, o)| ObjectReport {
                    owner: crate::engine::sharing::object_owner(id),
                    kind: o.kind.word(),
                    name: &o.name,
                    pages: o.pages,
                    mappings: o.mappings.size(),
                    held: o.held,
                })
                .collect(),
        }
    }
}

/// What the next step of a run will do, for a student to think about before pressing →:
/// `{step, line, kind, text, name?, pid?, addr?, vpn?, write, value?}`; `text` is the phrase the
/// page shows ("A reads 0x2000 (page 2)").
#[derive(Clone, Debug, Serialize)]
pub struct NextStepReport {
    pub step: usize,
    pub line: u32,
    pub kind: &'static str,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<Pid>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exact::opt")]
    pub addr: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "exact::opt")]
    pub vpn: Option<u64>,
    pub write: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<u8>,
}

impl NextStepReport {
    /// The step after the run's position, if there is one.
    pub fn of(run: &Run) -> Option<NextStepReport> {
        let step = run.pos() + 1;
        let (op, line) = run.op(step)?;
        let m = run.machine();
        let name_of = |id| run.name(id).to_string();
        let (kind, name, addr, value) = match op {
            Op::Spawn(sp) => ("spawn", Some(name_of(sp.name)), None, None),
            Op::Alloc(a) => ("alloc", Some(name_of(a.name)), None, None),
            Op::Access(a) => {
                let kind = if a.value().is_some() { "write" } else { "read" };
                (kind, Some(name_of(a.name)), Some(a.addr()), a.value())
            }
            Op::Tick(_) => ("tick", None, None, None),
            Op::Free(f) => ("free", Some(name_of(f.0)), None, None),
            Op::Exit(name) => ("exit", Some(name_of(*name)), None, None),
            Op::Note(_) => ("note", None, None, None),
            Op::Fork(f) => ("fork", Some(name_of(f.0)), None, None),
            Op::Importance(name, _) => ("importance", Some(name_of(*name)), None, None),
        };
        let vpn = addr.map(|a| a >> m.config().page_shift());
        let who = name.as_deref().unwrap_or("");
        let text = match (kind, addr, vpn, value) {
            ("read", Some(a), Some(p), _) => format!("{who} reads {a:#x} (page {p})"),
            ("write", Some(a), Some(p), Some(v)) => format!("{who} writes {v} to {a:#x} (page {p})"),
            ("spawn", ..) => format!("{who} is started"),
            ("alloc", ..) => format!("{who} allocates memory"),
            ("free", ..) => format!("{who} frees a region"),
            ("exit", ..) => format!("{who} exits"),
            ("fork", ..) => format!("{who} forks"),
            ("importance", ..) => match op {
                Op::Importance(_, level) => format!("{who} becomes of {} importance", level.name()),
                _ => unreachable!("the kind is the op's"),
            },
            ("tick", ..) => "time passes".to_string(),
            _ => "a note".to_string(),
        };
        Some(NextStepReport {
            step,
            line,
            kind,
            text,
            pid: name.as_deref().and_then(|n| m.pid_of(n).ok()),
            name,
            addr,
            vpn,
            write: value.is_some(),
            value,
        })
    }
}

/// An exercise (`pagesim exercise --json`): `{policy, frames, seed, reference, faults, steps:
/// [{page, fault, victim (page or null), frames: [page or null, one per frame]}]}`. Here, as the
/// README's *Command line* fixes it, a victim or an empty frame is `null` rather than left out.
#[derive(Clone, Debug, Serialize)]
pub struct ExerciseReport {
    pub policy: String,
    pub frames: u32,
    /// Absent for a string typed in (`--reference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    pub reference: Vec<u64>,
    pub faults: u64,
    pub steps: Vec<ExerciseStepReport>,
}

/// A TLB exercise as `pagesim exercise --kind tlb --json` prints it.
#[derive(Clone, Debug, Serialize)]
pub struct TlbExerciseReport {
    pub kind: &'static str,
    pub seed: u64,
    pub page_size: u64,
    pub va_bits: u32,
    pub tlb_entries: u32,
    /// Entries per set (0: fully associative; the set is the page number modulo the sets).
    pub tlb_ways: u32,
    /// Sets (1: fully associative).
    pub sets: u32,
    pub accesses: Vec<TlbAccessReport>,
    pub hits: usize,
    pub misses: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct TlbAccessReport {
    pub va: u64,
    pub vpn: u64,
    pub hit: bool,
    pub tlb_after: Vec<u64>,
}

impl TlbExerciseReport {
    pub fn new(e: &crate::scenario::tlb_exercise::TlbExercise) -> TlbExerciseReport {
        TlbExerciseReport {
            kind: "tlb",
            seed: e.seed,
            page_size: e.page_size,
            va_bits: e.va_bits,
            tlb_entries: e.tlb_entries,
            tlb_ways: e.tlb_ways,
            sets: e.tlb_entries.checked_div(e.tlb_ways).unwrap_or(1),
            accesses: e
                .accesses
                .iter()
                .map(|a| TlbAccessReport { va: a.va, vpn: a.vpn, hit: a.hit, tlb_after: a.tlb_after.clone() })
                .collect(),
            hits: e.hits(),
            misses: e.accesses.len() - e.hits(),
        }
    }
}

/// A translation exercise as `pagesim exercise --kind translate --json` prints it (README,
/// *Command line*): the machine, `pdbr` (the top-level table's frame), `tables` keyed by frame
/// (a decimal string) with one `{valid, pfn}` per entry (`pfn` 0 when not valid), and each
/// address's answer: `pa` or `fault: "not_present"`, and the walk that gave it.
#[derive(Clone, Debug, Serialize)]
pub struct TranslateExerciseReport {
    pub kind: &'static str,
    pub seed: u64,
    pub page_size: u64,
    pub va_bits: u32,
    pub levels: u32,
    /// Bits of each level's index; the page number is `levels` of them, the top level's first.
    pub index_bits: u32,
    pub offset_bits: u32,
    pub frames: u32,
    pub pdbr: u32,
    pub tables: TablesReport,
    /// Each table's level (1 = top), keyed as `tables`.
    pub table_levels: std::collections::BTreeMap<String, u32>,
    pub addresses: Vec<TranslateAddressReport>,
    pub translated: usize,
    pub faults: usize,
}

/// The tables of a translation exercise: `{"FRAME": [{valid, pfn}, …]}`, in frame order.
#[derive(Clone, Debug)]
pub struct TablesReport(Vec<(u32, Vec<TableEntryReport>)>);

impl Serialize for TablesReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (frame, entries) in &self.0 {
            map.serialize_entry(&frame.to_string(), entries)?;
        }
        map.end()
    }
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct TableEntryReport {
    pub valid: bool,
    pub pfn: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct TranslateAddressReport {
    pub va: u64,
    /// The physical address, or `null` on a fault.
    pub pa: Option<u64>,
    /// `null`, or `"not_present"`.
    pub fault: Option<&'static str>,
    pub vpn: u64,
    pub offset: u64,
    /// The index into each level's table, the top one first.
    pub indices: Vec<u64>,
    /// The frames of the tables the walk read, the top one first.
    pub walk: Vec<u32>,
    /// For a fault, the level (1 = top) whose entry was not valid.
    pub fault_level: Option<u32>,
    /// The walk in words: `L1[3] → frame 17, L2[5] → frame 9, offset 0x1c → pa 0x13c`.
    pub explain: String,
    /// The address in binary, a field per level and the offset: `00011 00101 11100`.
    pub fields: String,
}

impl TranslateExerciseReport {
    pub fn new(e: &crate::scenario::translate_exercise::TranslateExercise) -> TranslateExerciseReport {
        let entry = |t: &Option<u32>| TableEntryReport { valid: t.is_some(), pfn: t.unwrap_or(0) };
        TranslateExerciseReport {
            kind: "translate",
            seed: e.seed,
            page_size: e.page_size,
            va_bits: e.va_bits,
            levels: e.levels,
            index_bits: e.index_bits,
            offset_bits: e.page_shift(),
            frames: e.frames,
            pdbr: e.pdbr,
            tables: TablesReport(e.tables.iter().map(|t| (t.frame, t.entries.iter().map(entry).collect())).collect()),
            table_levels: e.tables.iter().map(|t| (t.frame.to_string(), t.level)).collect(),
            addresses: e
                .addresses
                .iter()
                .map(|a| TranslateAddressReport {
                    va: a.va,
                    pa: a.pa,
                    fault: a.pa.is_none().then_some("not_present"),
                    vpn: a.vpn,
                    offset: a.offset,
                    indices: a.indices.clone(),
                    walk: a.walk.clone(),
                    fault_level: a.fault_level(),
                    explain: e.explain(a),
                    fields: e.fields(a.va),
                })
                .collect(),
            translated: e.addresses.len() - e.faults(),
            faults: e.faults(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ExerciseStepReport {
    pub page: u64,
    pub fault: bool,
    pub victim: Option<u64>,
    pub frames: Vec<Option<u64>>,
}

impl ExerciseReport {
    pub fn new(e: &crate::scenario::exercise::Exercise) -> ExerciseReport {
        ExerciseReport {
            policy: e.policy.to_string(),
            frames: e.frames,
            seed: e.seed,
            reference: e.reference.clone(),
            faults: e.faults,
            steps: e
                .steps
                .iter()
                .map(|s| ExerciseStepReport {
                    page: s.page,
                    fault: s.fault,
                    victim: s.victim,
                    frames: s.frames.clone(),
                })
                .collect(),
        }
    }
}

/// The exam grid of one process (`sim.grid(pid?)`, see `scenario::grid`). A frame cell is
/// `[pid, page]` or `null`.
#[derive(Clone, Debug, Serialize)]
pub struct GridReport {
    pub pid: u32,
    pub frames: u32,
    pub more: bool,
    /// Accesses of the process before the first column (a window of a long run).
    pub before: usize,
    pub columns: Vec<GridColumnReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct GridColumnReport {
    pub step: usize,
    #[serde(serialize_with = "exact::u64")]
    pub page: u64,
    pub fault: bool,
    #[serde(serialize_with = "exact::opt")]
    pub victim: Option<u64>,
    pub victim_pid: Option<u32>,
    #[serde(serialize_with = "exact::frames")]
    pub frames: Vec<Option<(u32, u64)>>,
}

impl GridReport {
    pub fn new(g: crate::scenario::grid::Grid) -> GridReport {
        GridReport {
            pid: g.pid,
            frames: g.frames,
            more: g.more,
            before: g.before,
            columns: g
                .columns
                .into_iter()
                .map(|c| GridColumnReport {
                    step: c.step,
                    page: c.page,
                    fault: c.fault,
                    victim: c.victim,
                    victim_pid: c.victim_pid,
                    frames: c.frames,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    #[test]
    fn the_next_step_is_described_before_it_is_done() {
        let text = "config frames=2\nspawn A\nalloc A heap 8K rw at 0x2000\nwrite A 0x2010 7\nread A 0x3000\ntick 5\n";
        let mut run = Run::new(parse(text).unwrap()).unwrap();
        let mut seen = Vec::new();
        while let Some(next) = NextStepReport::of(&run) {
            seen.push((next.step, next.line, next.kind, next.text.clone(), next.pid, next.vpn));
            run.step().unwrap();
        }
        assert_eq!(
            seen,
            vec![
                (1, 2, "spawn", "A is started".to_string(), None, None),
                (2, 3, "alloc", "A allocates memory".to_string(), Some(0), None),
                (3, 4, "write", "A writes 7 to 0x2010 (page 2)".to_string(), Some(0), Some(2)),
                (4, 5, "read", "A reads 0x3000 (page 3)".to_string(), Some(0), Some(3)),
                (5, 6, "tick", "time passes".to_string(), None, None),
            ]
        );
    }

    #[test]
    fn an_access_step_records_its_walk_as_it_was_before_the_access() {
        let text = "config frames=2 tlb=4\nspawn A\nalloc A heap 8K rw at 0x2000\nwrite A 0x2010 7\nread A 0x2010\n";
        let mut run = Run::new(parse(text).unwrap()).unwrap();
        run.run_to_end().unwrap();
        let records = run.records(0, run.pos());
        let shift = run.machine().config().page_shift();
        let first = TranslationReport::new(records[2].translation.as_ref().unwrap(), shift);
        assert_eq!(
            (first.state, first.tlb, first.frame),
            (Some("not_loaded"), Some("miss"), None),
            "before the first touch"
        );
        let second = TranslationReport::new(records[3].translation.as_ref().unwrap(), shift);
        assert_eq!((second.state, second.tlb, second.physical), (Some("resident"), Some("hit"), Some(0x10)));
        assert!(records[0].translation.is_none(), "spawn is not an access");
        // The entries' bits: before the first touch the walk stops at an empty first-level entry;
        // after the write it reads a present inner entry, then the page's: present, writable,
        // user, accessed, dirty, no-execute (rw-), frame 0.
        assert_eq!(first.entries.len(), 1);
        assert!(!first.entries[0].present && first.entries[0].points_to.is_none());
        assert_eq!(first.entries[0].binary, "0 | 0000 | 00 | 000");
        let [inner, leaf] = &second.entries[..] else { panic!("two levels: {:?}", second.entries) };
        assert_eq!((inner.present, inner.points_to), (true, Some("table")));
        assert!(inner.binary.ends_with(" | 01 | 111"), "{}", inner.binary);
        assert_eq!((leaf.points_to, leaf.number), (Some("frame"), Some(0)));
        assert_eq!(
            (leaf.present, leaf.writable, leaf.user, leaf.accessed, leaf.dirty, leaf.no_execute),
            (true, true, true, true, true, true)
        );
        assert_eq!(leaf.binary, "1 | 0000 | 11 | 111");
    }
}
