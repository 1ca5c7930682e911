//! Events as plain sentences, e.g.
//! `A read 0x3004: page 3 not in memory → major fault, read from swap slot 5 into frame 2 (evicted B page 7, dirty → swap slot 9)`.
//! "Page fault" and "segmentation fault" are always spelled out in full so they never look alike.

use super::config::{format_size, PolicyKind};
use super::events::{
    AccessEvent, AccessKind, AccessResult, Event, Eviction, EvictionFate, FaultKind, SegvReason, TlbLookup,
    VictimReason,
};
use super::machine::Machine;
use super::types::ExitCause;

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Machine {
    /// One sentence for `event`.
    pub fn describe(&self, event: &Event) -> String {
        match event {
            Event::Spawn { pid, code_pages, flat } => {
                let name = self.name_of(*pid);
                if *flat {
                    format!("spawned {name} (pid {pid}): its whole address space is valid and writable, no guard page")
                } else if *code_pages > 0 {
                    format!(
                        "spawned {name} (pid {pid}) with {} of read-only code at pages 1–{code_pages}; page 0 is the null guard",
                        plural(*code_pages, "page", "pages")
                    )
                } else {
                    format!("spawned {name} (pid {pid}); page 0 is the null guard")
                }
            }
            Event::Allocate { pid, label, start_vpn, pages, perms } => {
                let start = start_vpn << self.config().page_shift();
                let end = ((start_vpn + pages) << self.config().page_shift()) - 1;
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
            Event::Exit { pid, cause, frames_released, slots_released } => {
                let how = match cause {
                    ExitCause::Exited => "exited",
                    ExitCause::SegmentationFault => "was killed by the segmentation fault",
                    ExitCause::ProtectionFault => "was killed by the protection fault",
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

    fn describe_eviction(&self, e: &Eviction) -> String {
        let who = format!("evicted {} page {} from frame {} — {} —", self.name_of(e.pid), e.vpn, e.frame, why(&e.why));
        match e.fate {
            EvictionFate::SwappedOut { slot, dirty: true } => format!("{who} dirty → swap slot {slot}"),
            EvictionFate::SwappedOut { slot, dirty: false } => format!("{who} no copy in swap yet → swap slot {slot}"),
            EvictionFate::DroppedCleanCopy { slot } => format!("{who} clean with a copy in swap slot {slot} → dropped"),
            EvictionFate::DroppedCode => format!("{who} clean code → dropped (re-read from the executable)"),
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
            AccessResult::Hit { frame } => {
                s.push_str(&format!("page {} is in frame {frame}{tlb} → hit", a.vpn));
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
            AccessResult::ProtectionFault { perms, code } => {
                let what = match (a.kind, code) {
                    (AccessKind::Write, true) => format!("read-only code ({perms})"),
                    (AccessKind::Write, false) => format!("read-only ({perms})"),
                    (AccessKind::Read, _) => format!("not readable ({perms})"),
                };
                s.push_str(&format!("page {} is {what} → protection fault", a.vpn));
            }
            AccessResult::OutOfMemory { victim_pid, victim_vpn, victim_frame } => {
                s.push_str(&format!(
                    "page {} not in memory, every frame is in use, and the victim {} page {victim_vpn} (frame {victim_frame}) \
                     must be written to swap, but swap is full → out of memory; the access fails",
                    a.vpn,
                    self.name_of(victim_pid)
                ));
            }
        }
        if a.kind == AccessKind::Read && a.physical.is_some() {
            s.push_str(&format!(", value {}", a.value));
        }
        s
    }
}

/// The policy's reason for a victim, as a clause: "FIFO: the oldest load, at t=3".
pub fn why(r: &VictimReason) -> String {
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
        (PolicyKind::Aging, Some(v)) => format!("aging counter {v:08b}, the lowest"),
        (PolicyKind::Opt, Some(u64::MAX) | None) => "never used again".to_string(),
        (PolicyKind::Opt, Some(step)) => format!("next used at step {step}, the farthest"),
        (PolicyKind::Random, _) => format!("drawn at random from seed {}", r.seed),
        (_, None) => "its choice".to_string(),
    };
    format!("{name}: {reason}")
}
