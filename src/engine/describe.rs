//! Events as plain sentences, e.g.
//! `A read 0x3004: page 3 not in memory → major fault, read from swap slot 5 into frame 2 (evicted B page 7, dirty → swap slot 9)`.
//! "Page fault" and "segmentation fault" are always spelled out in full so they never look alike.

use super::config::{format_size, PolicyKind, VmMode};
use super::cost::{access_cost, cost_phrase};
use super::events::{
    AccessEvent, AccessKind, AccessResult, Event, Eviction, EvictionFate, FaultKind, SegvReason, TlbLookup,
    VictimReason,
};
use super::machine::Machine;
use super::page_table::NONE;
use super::sharing::{owner_object, ObjectKind};
use super::types::{group, ExitCause, Importance};

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Machine {
    /// One sentence for `event`.
    pub fn describe(&self, event: &Event) -> String {
        match event {
            Event::Spawn { pid, code_pages, flat, exe } => {
                let name = self.name_of(*pid);
                let exe_name = if *exe == NONE { name } else { &self.objects().get(*exe).name };
                let code = plural(*code_pages, "page", "pages");
                if self.config().vm == VmMode::Off {
                    return format!(
                        "spawned {name} (pid {pid}): no virtual memory, the addresses it uses are physical addresses{}",
                        if *code_pages > 0 {
                            format!(" (its {code} of code from address 0x1000)")
                        } else {
                            String::new()
                        }
                    );
                }
                if self.config().vm == VmMode::Base {
                    return if *code_pages > 0 {
                        format!(
                            "spawned {name} (pid {pid}): it needs one block of {} in a row for its {code} of code, \
                             at its addresses 0 on",
                            plural(*code_pages, "frame", "frames")
                        )
                    } else {
                        format!("spawned {name} (pid {pid}): no block yet (its first allocation places one)")
                    };
                }
                if *flat {
                    format!("spawned {name} (pid {pid}): its whole address space is valid and writable, no guard page")
                } else if *code_pages > 0 && exe_name != name {
                    format!(
                        "spawned {name} (pid {pid}) running {exe_name}: {} of read-only code at pages 1–{code_pages}, \
                         shared with every process running {exe_name}; page 0 is the null guard",
                        plural(*code_pages, "page", "pages")
                    )
                } else if *code_pages > 0 {
                    format!(
                        "spawned {name} (pid {pid}) with {} of read-only code at pages 1–{code_pages}; page 0 is the null guard",
                        plural(*code_pages, "page", "pages")
                    )
                } else {
                    format!("spawned {name} (pid {pid}); page 0 is the null guard")
                }
            }
            Event::Fork { parent, child, shared } => format!(
                "{} forked {} (pid {child}): a copy of its regions; the {} it had touched are now shared by both, \
                 private ones copy-on-write (a write copies the page first)",
                self.name_of(*parent),
                self.name_of(*child),
                plural(*shared, "page", "pages")
            ),
            Event::Allocate { pid, label, start_vpn, pages, perms, object, huge } => {
                let start = start_vpn << self.config().page_shift();
                let end = self.config().last_byte(*start_vpn, *pages);
                if *object != NONE {
                    let o = self.objects().get(*object);
                    let what = match o.kind {
                        ObjectKind::File => format!("file {}: pages are read from it and written back to it", o.name),
                        _ => format!("shared memory {}: every process mapping it sees the same bytes", o.name),
                    };
                    return format!(
                        "{} mapped {label}: {} at {start:#x}–{end:#x}, {perms}, {what}",
                        self.name_of(*pid),
                        plural(*pages, "page", "pages")
                    );
                }
                if *huge {
                    let per = 1u64 << self.config().huge_shift();
                    return format!(
                        "{} allocated {label}: {} of {} ({} pages each) at {start:#x}–{end:#x}, {perms}; no frame is used \
                         until a huge page is touched",
                        self.name_of(*pid),
                        plural(pages / per, "huge page", "huge pages"),
                        super::budget::human_bytes(per * self.config().page_size),
                        group(per)
                    );
                }
                format!(
                    "{} allocated {label}: {} ({}) at {start:#x}–{end:#x}, {perms}; no frame is used until a page is touched",
                    self.name_of(*pid),
                    plural(*pages, "page", "pages"),
                    format_size(pages * self.config().page_size)
                )
            }
            Event::Free { pid, label, pages, frames_released, slots_released, .. } => format!(
                "{} freed {label} ({}): released {} and {}",
                self.name_of(*pid),
                plural(*pages, "page", "pages"),
                plural(*frames_released, "frame", "frames"),
                plural(*slots_released, "swap slot", "swap slots")
            ),
            Event::Access(a) => self.describe_access(a),
            Event::TableFrame { pid, level, frame, evicted } => {
                let which = if *level == 0 { "top-level".to_string() } else { format!("level-{level}") };
                let mut s = format!("{}'s {which} page table takes frame {frame}", self.name_of(*pid));
                if let Some(e) = evicted {
                    s.push_str(&format!(" ({})", self.describe_eviction(e)));
                }
                s
            }
            Event::OomKill { pid, importance, footprint, for_pid, no_victim } => {
                let name = self.name_of(*pid);
                let whose = if pid == for_pid {
                    "its own fault".to_string()
                } else {
                    format!("a fault of {}", self.name_of(*for_pid))
                };
                format!(
                    "out of memory: {whose} needs a frame and no page can go ({}) → the OOM killer kills {name} \
                     ({} importance, the largest footprint among the least important: {})",
                    if *no_victim { "the frames hold page tables and huge pages" } else { self.no_room() },
                    importance.name(),
                    if self.config().tables_in_ram {
                        plural(*footprint, "frame or slot", "frames and slots") + " with its page tables"
                    } else {
                        plural(*footprint, "page", "pages")
                    }
                )
            }
            Event::NoBlock { pid, needed, free, largest } => {
                let name = self.name_of(*pid);
                let why = if free >= needed {
                    format!(
                        "{} are free in all, but the largest free run is {}: external fragmentation",
                        plural(*free, "frame", "frames"),
                        plural(*largest, "frame", "frames")
                    )
                } else {
                    format!("only {} are free", plural(*free, "frame", "frames"))
                };
                format!(
                    "{name} needs one block of {} in a row for base and bounds; {why}",
                    plural(*needed, "frame", "frames")
                )
            }
            Event::Importance { pid, importance } => format!(
                "{} is now of {} importance: {}",
                self.name_of(*pid),
                importance.name(),
                match importance {
                    Importance::High => "the OS takes frames from it last",
                    Importance::Normal => "its frames go as the policy says, after less important ones",
                    Importance::Low => "the OS takes its frames first",
                }
            ),
            Event::Exit { pid, cause, frames_released, slots_released } => {
                let how = match cause {
                    ExitCause::Exited => "exited",
                    ExitCause::SegmentationFault => "was killed by the segmentation fault",
                    ExitCause::ProtectionFault => "was killed by the protection fault",
                    ExitCause::OutOfMemory => "was killed by the OOM killer",
                    ExitCause::NoBlock => "could not start",
                };
                format!(
                    "{} {how}: released {} and {}",
                    self.name_of(*pid),
                    plural(*frames_released, "frame", "frames"),
                    plural(*slots_released, "swap slot", "swap slots")
                )
            }
            Event::Tick { units, now, interrupts } => {
                let mut s = format!("{} pass idle (now t={now}", plural(*units, "time unit", "time units"));
                if *interrupts > 0 {
                    s.push_str(&format!(", {}", plural(*interrupts, "timer interrupt", "timer interrupts")));
                }
                s.push(')');
                s
            }
            Event::Reclaim { eviction, free_frames } => {
                let low = self.config().reclaim.map_or(0, |r| r.0);
                format!(
                    "reclaimer: fewer than {} → {} (now {} free)",
                    plural(low as u64, "free frame", "free frames"),
                    self.describe_eviction(eviction),
                    plural(*free_frames as u64, "frame", "frames")
                )
            }
            Event::ReclaimMore { evicted, free_frames } => format!(
                "reclaimer: evicted {} more (now {} free)",
                plural(*evicted, "page", "pages"),
                plural(*free_frames as u64, "frame", "frames")
            ),
            Event::Note { text } => text.clone(),
        }
    }

    /// A fault's source, or why the access failed, as a short phrase for the translation panel
    /// ("read from swap slot 3", "no frame can be freed: there is no swap"); `None` otherwise.
    pub fn fault_phrase(&self, a: &AccessEvent) -> Option<String> {
        Some(match a.result {
            AccessResult::PageFault { kind, .. } => match kind {
                FaultKind::ZeroFill => "zero-filled".into(),
                FaultKind::CodeFromFile => "read from the executable".into(),
                FaultKind::FromSwap { slot } => format!("read from swap slot {slot}"),
                FaultKind::InMemory { with } => match owner_object(with) {
                    Some(id) => {
                        let o = self.objects().get(id);
                        format!("already in memory ({} {} keeps it): mapped, not read", o.kind.name(), o.name)
                    }
                    None => format!("already in memory for {}: mapped, not read", self.name_of(with)),
                },
                FaultKind::ZeroFillShared => "zero-filled, shared memory".into(),
                FaultKind::ZeroFillHuge { .. } => {
                    let pages = kind.pages();
                    format!("a huge page: {} zero-filled in a row", plural(pages, "frame", "frames"))
                }
                FaultKind::FromFile => "read from the mapped file".into(),
                FaultKind::CowCopy { from, .. } => format!("copied from frame {from}"),
                FaultKind::CowFromSwap { slot, .. } => format!("a copy read from swap slot {slot}"),
                FaultKind::CowReuse => "its last user: made writable, no copy".into(),
            },
            AccessResult::OutOfMemory { victim_frame: NONE, .. } => {
                "no frame can be freed: page tables and huge pages stay in memory".into()
            }
            AccessResult::OutOfMemory { .. } => format!("no frame can be freed: {}", self.no_room()),
            _ => return None,
        })
    }

    /// Why a dirty victim cannot go to swap.
    fn no_room(&self) -> &'static str {
        if self.config().swap_slots == 0 {
            "there is no swap"
        } else {
            "swap is full"
        }
    }

    /// "B page 7", or for a page a shared object holds with no process mapping it, "shared
    /// memory chat page 1".
    pub fn page_of(&self, owner: u32, vpn: u64) -> String {
        match owner_object(owner) {
            Some(id) => {
                let o = self.objects().get(id);
                format!("{} {} page {vpn}", o.kind.name(), o.name)
            }
            None => format!("{} page {vpn}", self.name_of(owner)),
        }
    }

    fn describe_eviction(&self, e: &Eviction) -> String {
        let also = match e.others {
            0 => String::new(),
            1 => format!(", also unmapped from {}", self.name_of(e.other_pid)),
            n => format!(
                ", also unmapped from {} and {} more",
                self.name_of(e.other_pid),
                plural(n as u64 - 1, "page", "pages")
            ),
        };
        let who = format!("evicted {} from frame {}{also} — {} —", self.page_of(e.pid, e.vpn), e.frame, why(&e.why));
        match e.fate {
            EvictionFate::SwappedOut { slot, dirty: true } => format!("{who} dirty → swap slot {slot}"),
            EvictionFate::SwappedOut { slot, dirty: false } => format!("{who} no copy in swap yet → swap slot {slot}"),
            EvictionFate::DroppedCleanCopy { slot } => format!("{who} clean with a copy in swap slot {slot} → dropped"),
            EvictionFate::DroppedCode => format!("{who} clean code → dropped (re-read from the executable)"),
            EvictionFate::ToFile { dirty: true } => {
                format!("{who} dirty file page → written back to the file, not to swap")
            }
            EvictionFate::ToFile { dirty: false } => format!("{who} clean file page → dropped (re-read from the file)"),
        }
    }

    fn describe_access(&self, a: &AccessEvent) -> String {
        let name = self.name_of(a.pid);
        // The switch happens first: the access then runs with an empty TLB.
        let mut s = if a.tlb_flushed { format!("Switch to {name}, TLB flushed; ") } else { String::new() };
        s.push_str(&match a.kind {
            AccessKind::Read => format!("{name} read {:#x}: ", a.addr),
            AccessKind::Write => format!("{name} write {:#x} = {}: ", a.addr, a.value),
        });
        let tlb = match a.tlb {
            TlbLookup::Hit => " (TLB hit)",
            TlbLookup::Miss => " (TLB miss, page-table walk)",
            TlbLookup::Off => "",
        };
        match a.result {
            AccessResult::Hit { frame } if self.config().vm == VmMode::Off => {
                let phys = a.physical.unwrap_or(a.addr);
                s.push_str(&format!("no translation (vm=off): physical address {phys:#x}, frame {frame}"));
            }
            AccessResult::Hit { frame } if self.config().vm == VmMode::Base => {
                let phys = a.physical.unwrap_or(a.addr);
                let base = phys - a.addr;
                s.push_str(&format!(
                    "within its bound; base {base:#x} + {:#x} = physical {phys:#x}, frame {frame}",
                    a.addr
                ));
            }
            AccessResult::Hit { frame } => {
                s.push_str(&format!("page {} is in frame {frame}{tlb} → hit", a.vpn));
            }
            AccessResult::PageFault { kind, frame, evicted } if kind.is_cow() => {
                let v = a.vpn;
                s.push_str(&match kind {
                    FaultKind::CowCopy { from, with } => {
                        let w = self.name_of(with);
                        // Finding a frame for the copy may have evicted the shared page itself.
                        let kept = match evicted.map(|e| (e.frame, e.fate)) {
                            Some((f, EvictionFate::SwappedOut { slot, .. } | EvictionFate::DroppedCleanCopy { slot }))
                                if f == from =>
                            {
                                format!("{w} keeps it in swap slot {slot}")
                            }
                            _ => format!("{w} keeps frame {from}"),
                        };
                        format!("page {v} is copy-on-write, shared with {w} → copy-on-write fault: copied into frame {frame} ({kept})")
                    }
                    FaultKind::CowFromSwap { slot, with } => {
                        let w = self.name_of(with);
                        format!("page {v} is copy-on-write, shared with {w}, in swap slot {slot} → copy-on-write fault, major: a copy read into frame {frame} ({w} keeps slot {slot})")
                    }
                    _ => format!("page {v} is copy-on-write, no longer shared → copy-on-write fault: frame {frame} simply becomes writable (no copy)"),
                });
                if let Some(e) = evicted {
                    s.push_str(&format!(" ({})", self.describe_eviction(&e)));
                }
            }
            AccessResult::PageFault { kind, frame, evicted } => {
                s.push_str(&format!("page {} not in memory → ", a.vpn));
                s.push_str(&match kind {
                    FaultKind::ZeroFill => {
                        format!("minor fault, first touch: zero-filled frame {frame}")
                    }
                    FaultKind::CodeFromFile => {
                        format!("major fault, code page read from the executable into frame {frame}")
                    }
                    FaultKind::FromSwap { slot } => {
                        format!("major fault, read from swap slot {slot} into frame {frame}")
                    }
                    FaultKind::InMemory { with } => match owner_object(with) {
                        Some(id) => format!(
                            "minor fault, already in memory: {} {} keeps it in frame {frame}; maps it (nothing read)",
                            self.objects().get(id).kind.name(),
                            self.objects().get(id).name
                        ),
                        None => format!(
                            "minor fault, already in memory for {}: maps frame {frame} too (shared, nothing read)",
                            self.name_of(with)
                        ),
                    },
                    FaultKind::ZeroFillHuge { more_evicted, .. } => {
                        let per = kind.pages();
                        let pages = per as u32;
                        let huge = super::budget::human_bytes(per * self.config().page_size);
                        let mut t = format!(
                            "minor fault, first touch of a huge page ({huge}): {} zero-filled in a row, frames {}–{}, one TLB entry for all of them",
                            plural(per, "frame", "frames"),
                            frame - (a.vpn % per) as u32,
                            frame - (a.vpn % per) as u32 + pages - 1
                        );
                        if more_evicted > 0 {
                            t.push_str(&format!(" (the row was made free by evicting {} more)", plural(more_evicted as u64, "page", "pages")));
                        }
                        t
                    }
                    FaultKind::ZeroFillShared => format!(
                        "minor fault, first touch of shared memory: zero-filled frame {frame}, where every process mapping it finds it"
                    ),
                    FaultKind::FromFile => format!("major fault, read from the mapped file into frame {frame}"),
                    FaultKind::CowCopy { .. } | FaultKind::CowFromSwap { .. } | FaultKind::CowReuse => unreachable!("handled above"),
                });
                if let Some(e) = evicted {
                    s.push_str(&format!(" ({})", self.describe_eviction(&e)));
                }
            }
            AccessResult::SegmentationFault { reason: SegvReason::NullPage } => {
                s.push_str("page 0 is the null guard page → segmentation fault (null pointer dereference)");
            }
            AccessResult::SegmentationFault { reason: SegvReason::Unmapped } => {
                s.push_str(&format!("page {} is in no region → segmentation fault", a.vpn));
            }
            AccessResult::SegmentationFault { reason: SegvReason::OutOfBounds } => {
                let bound = self.process(a.pid).map_or(0, |p| p.block.pages) * self.config().page_size;
                s.push_str(&format!("{:#x} is past its bound {bound:#x} → segmentation fault", a.addr));
            }
            AccessResult::SegmentationFault { reason: SegvReason::NoSuchMemory } => {
                let size = self.config().frames as u64 * self.config().page_size;
                s.push_str(&format!(
                    "no translation (vm=off): physical address {:#x} is past the end of memory ({}) → no such memory",
                    a.addr,
                    format_size(size)
                ));
            }
            AccessResult::ProtectionFault { perms, code } => {
                let what = match (a.kind, code) {
                    (AccessKind::Write, true) => format!("read-only code ({perms})"),
                    (AccessKind::Write, false) => format!("read-only ({perms})"),
                    (AccessKind::Read, _) => format!("not readable ({perms})"),
                };
                s.push_str(&format!("page {} is {what} → protection fault", a.vpn));
            }
            AccessResult::OutOfMemory { victim_frame: NONE, .. } => {
                s.push_str(&format!(
                    "page {} not in memory, and no frame it could use can be freed: they hold page tables or \
                     huge pages, which stay in memory → out of memory; the access fails",
                    a.vpn
                ));
            }
            AccessResult::OutOfMemory { victim_pid, victim_vpn, victim_frame } => {
                s.push_str(&format!(
                    "page {} not in memory, every frame is in use, and the victim {} (frame {victim_frame}) \
                     must be written to swap, but {} → out of memory; the access fails",
                    a.vpn,
                    self.page_of(victim_pid, victim_vpn),
                    self.no_room()
                ));
            }
        }
        if a.kind == AccessKind::Read && a.physical.is_some() {
            s.push_str(&format!(", value {}", a.value));
        }
        if let AccessResult::PageFault { .. } = a.result {
            // What the fault cost the process, beside what a hit costs (README, *What memory costs*).
            let cost = access_cost(self.config(), a);
            s.push_str(&format!(" · waited {}", cost_phrase(self.config(), cost)));
        }
        s
    }
}

/// The policy's reason for a victim, as a clause: "FIFO: the oldest load, at t=3".
pub fn why(r: &VictimReason) -> String {
    if r.for_huge {
        return "in the way of a huge page, which needs its frames in a row".into();
    }
    let name = r.policy.name().to_ascii_uppercase();
    let reason = match (r.policy, r.value) {
        (PolicyKind::Fifo, Some(t)) => format!("the earliest loaded, at t={t}"),
        (PolicyKind::Lru, Some(t)) => format!("the least recently used, last at t={t}"),
        (PolicyKind::Clock, _) => {
            let from = r.hand_from.map_or(String::new(), |h| format!("the hand was at frame {h}; "));
            match r.cleared {
                0 => format!("{from}its reference bit was clear"),
                n => format!(
                    "{from}it gave {} a second chance (bits cleared) on the way",
                    plural(n as u64, "frame", "frames")
                ),
            }
        }
        (PolicyKind::Nru, Some(c)) => format!(
            "class {c} ({}referenced, {}), the lowest class",
            if c & 2 != 0 { "" } else { "not " },
            if c & 1 != 0 { "dirty" } else { "clean" }
        ),
        (PolicyKind::Lfu, Some(n)) => format!("used {}, the fewest", plural(n, "time", "times")),
        (PolicyKind::Aging, Some(v)) if r.tied => {
            format!("aging counter {v:08b}, the lowest, a tie: of the pages with it, the first to reach it")
        }
        (PolicyKind::Aging, Some(v)) => format!("aging counter {v:08b}, the lowest"),
        (PolicyKind::Opt, Some(u64::MAX) | None) => "never used again".to_string(),
        (PolicyKind::Opt, Some(step)) => format!("next used at step {step}, the farthest"),
        (PolicyKind::Random, Some(seed)) => format!("drawn at random from seed {seed}"),
        (_, None) => "its choice".to_string(),
    };
    match r.among {
        Some(level) => format!("{name} among the {} importance processes' pages: {reason}", level.name()),
        None => format!("{name}: {reason}"),
    }
}
