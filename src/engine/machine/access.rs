//! The access path (TLB, page-table walk, hit or page fault, the bytes themselves) and eviction.

use super::{data_bytes, Machine, Pid};
use crate::engine::budget;
use crate::engine::config::SegvMode;
use crate::engine::error::SimError;
use crate::engine::events::{
    AccessEvent, AccessKind, AccessResult, Event, Eviction, EvictionFate, FaultKind, SegvReason, TlbLookup,
    VictimReason,
};
use crate::engine::page_data::{read_shared, write_shared};
use crate::engine::page_table::{Pte, PteState, NONE};
use crate::engine::policy::{AccessCtx, ReplacementPolicy};
use crate::engine::process::{ExitCause, Perms};
use crate::engine::stats::Outcome;

/// The victim that could not be evicted because swap is full.
pub(super) struct SwapFull {
    pid: Pid,
    vpn: u64,
    frame: u32,
}

impl Machine {
    /// Reads the byte at `addr`. Faults are events, not errors: the returned event says what
    /// happened; `Err` means the request itself was invalid (unknown process, address too wide) or
    /// would exceed the memory budget, and nothing changed.
    pub fn read(&mut self, pid: Pid, addr: u64) -> Result<AccessEvent, SimError> {
        self.access(pid, addr, AccessKind::Read, None, u64::MAX)
    }

    /// Writes one byte at `addr`.
    pub fn write(&mut self, pid: Pid, addr: u64, value: u8) -> Result<AccessEvent, SimError> {
        self.access(pid, addr, AccessKind::Write, Some(value), u64::MAX)
    }

    /// One memory access. `value` is the byte to write (`None`: a write with no data, as in a
    /// trace: it dirties the page without storing bytes). `next_use` is when this page is accessed
    /// next (`u64::MAX`: never or unknown), which only `opt` uses.
    pub fn access(
        &mut self,
        pid: Pid,
        addr: u64,
        kind: AccessKind,
        value: Option<u8>,
        next_use: u64,
    ) -> Result<AccessEvent, SimError> {
        let p = self.live(pid)?;
        if addr >> self.config.va_bits != 0 {
            return Err(SimError::AddressOutOfRange { addr, va_bits: self.config.va_bits });
        }
        self.access_valid(p, addr, kind, value, next_use)
    }

    /// What the state costs now, frame and slot records included.
    #[inline(always)]
    fn usage_now(&self) -> u64 {
        self.usage.total()
            + self.frames.high_water() as u64 * budget::FRAME_COST
            + self.swap.high_water() as u64 * budget::SLOT_COST
    }

    /// [`Machine::access`] for a request already checked: `p` is a running process and `addr`
    /// fits the address space. Trace replays call this directly, a million times a second.
    /// Refused (with nothing changed) only if the access could take the state past the budget.
    #[inline]
    pub(crate) fn access_valid(
        &mut self,
        p: usize,
        addr: u64,
        kind: AccessKind,
        value: Option<u8>,
        next_use: u64,
    ) -> Result<AccessEvent, SimError> {
        if self.usage_now() + self.access_growth > self.config.budget {
            return Err(self.over_budget());
        }
        Ok(self.access_unchecked(p, addr, kind, value, next_use))
    }

    fn access_unchecked(
        &mut self,
        p: usize,
        addr: u64,
        kind: AccessKind,
        value: Option<u8>,
        next_use: u64,
    ) -> AccessEvent {
        let pid = p as Pid;
        let vpn = addr >> self.page_shift;
        let offset = (addr & (self.config.page_size - 1)) as usize;
        let write = kind == AccessKind::Write;
        let switched = self.running.is_some_and(|r| r != pid);
        if self.running != Some(pid) {
            self.tlb.flush();
            self.running = Some(pid);
        }
        let tlb_on = self.tlb.enabled();
        let mut event = AccessEvent {
            pid,
            kind,
            addr,
            vpn,
            value: value.unwrap_or(0),
            tlb: TlbLookup::Off,
            tlb_flushed: switched && tlb_on,
            physical: None,
            result: AccessResult::Hit { frame: 0 },
        };
        let allowed = |perms: Perms| {
            if write {
                perms.writable()
            } else {
                perms.readable()
            }
        };
        let ctx = AccessCtx { write, time: self.time(), next_use };

        // Fast path, one page-table walk: the page is resident.
        let mut stale_copy = NONE;
        let hit = match self.processes[p].page_table.get_mut(vpn) {
            Some(pte) if pte.state == PteState::Resident => {
                if tlb_on {
                    let tlb_hit = self.tlb.lookup(pte.tlb_slot, pid, vpn);
                    event.tlb = if tlb_hit { TlbLookup::Hit } else { TlbLookup::Miss };
                    if !tlb_hit {
                        pte.tlb_slot = self.tlb.insert(pid, vpn);
                    }
                }
                if !allowed(pte.perms) {
                    Err(AccessResult::ProtectionFault { perms: pte.perms, code: pte.code })
                } else {
                    // The hardware sets the referenced bit, and the dirty bit on a write.
                    let f = pte.loc;
                    self.frames.set_referenced(f);
                    if write {
                        self.frames.get_mut(f).dirty = true;
                        if pte.swap_copy != NONE {
                            stale_copy = pte.swap_copy; // the copy in swap is stale now
                            pte.swap_copy = NONE;
                        }
                    }
                    Ok(Some((f, pte.code)))
                }
            }
            _ => Ok(None),
        };
        if stale_copy != NONE {
            self.release_slot(stale_copy);
        }
        let (frame, code) = match hit {
            Err(fault) => {
                event.result = fault;
                return self.fatal_fault(p, event);
            }
            Ok(Some((f, code))) => {
                self.policy.touched(f, ctx, &self.frames);
                event.result = AccessResult::Hit { frame: f };
                (f, code)
            }
            Ok(None) => match self.page_fault(p, vpn, write, ctx, &mut event) {
                Ok(loaded) => loaded,
                Err(result) => {
                    event.result = result;
                    if let AccessResult::OutOfMemory { .. } = result {
                        self.finish_access(p, &event);
                        return event;
                    }
                    return self.fatal_fault(p, event);
                }
            },
        };

        // The bytes themselves.
        event.value = match value {
            Some(v) => {
                let (grew, copied) = write_shared(&mut self.frames.get_mut(frame).data, offset, v);
                self.usage.add_data(grew);
                // A checkpoint (or a swap copy) kept the old bytes: they are history now.
                self.shared_copies += copied as u64;
                v
            }
            None if write => 0,
            None => {
                let data = &self.frames.get(frame).data;
                match data {
                    None if code => code_byte(vpn, offset),
                    _ => read_shared(data, offset),
                }
            }
        };
        event.physical = Some(((frame as u64) << self.page_shift) | offset as u64);
        self.finish_access(p, &event);
        event
    }

    /// The slow path of an access whose page is not resident: checks the region, finds a frame
    /// (evicting if memory is full) and loads the page. Returns the frame and whether the page is
    /// code, or how the access failed (segmentation or protection fault, out of memory).
    fn page_fault(
        &mut self,
        p: usize,
        vpn: u64,
        write: bool,
        ctx: AccessCtx,
        event: &mut AccessEvent,
    ) -> Result<(u32, bool), AccessResult> {
        let pid = p as Pid;
        let proc = &self.processes[p];
        let existing = proc.page_table.get(vpn).copied();
        let (perms, code) = match existing {
            Some(pte) => (pte.perms, pte.code),
            None if proc.flat => (Perms::RW, false),
            None if vpn == 0 => return Err(AccessResult::SegmentationFault { reason: SegvReason::NullPage }),
            None => match proc.region_of(vpn) {
                Some(r) => (r.perms, r.code),
                None => return Err(AccessResult::SegmentationFault { reason: SegvReason::Unmapped }),
            },
        };
        if self.tlb.enabled() {
            event.tlb = TlbLookup::Miss;
        }
        if (write && !perms.writable()) || (!write && !perms.readable()) {
            return Err(AccessResult::ProtectionFault { perms, code });
        }
        // Find a frame, evicting if memory is full.
        let (f, evicted) = match self.frames.take_free(pid, vpn, code) {
            Some(f) => (f, None),
            None => match self.evict() {
                Ok(eviction) => {
                    self.frames.reassign(eviction.frame, pid, vpn, code);
                    (eviction.frame, Some(eviction))
                }
                Err(full) => {
                    return Err(AccessResult::OutOfMemory {
                        victim_pid: full.pid,
                        victim_vpn: full.vpn,
                        victim_frame: full.frame,
                    })
                }
            },
        };
        // Load the page: from swap (major), or zero-filled / from the executable (minor).
        let swapped_slot = existing.filter(|pte| pte.state == PteState::Swapped).map(|pte| pte.loc);
        let fault = match swapped_slot {
            Some(slot) => {
                let data = self.swap.read(slot);
                self.usage.add_data(data_bytes(&data));
                self.frames.get_mut(f).data = data;
                FaultKind::FromSwap { slot }
            }
            None if code => FaultKind::CodeFromFile,
            None => FaultKind::ZeroFill,
        };
        let mut swap_copy = swapped_slot.unwrap_or(NONE);
        if write {
            self.frames.get_mut(f).dirty = true;
            if swap_copy != NONE {
                self.release_slot(swap_copy);
                swap_copy = NONE;
            }
        }
        let tlb_slot = if self.tlb.enabled() { self.tlb.insert(pid, vpn) } else { NONE };
        let pte = Pte { state: PteState::Resident, perms, code, loc: f, swap_copy, tlb_slot, valid: true };
        let table = &mut self.processes[p].page_table;
        let before = table.heap_bytes();
        table.insert(vpn, pte);
        let grown = table.heap_bytes() - before;
        self.usage.page_tables += grown as u64;
        self.policy.loaded(f, ctx, &self.frames);
        let major = fault.is_major();
        let swap_in = matches!(fault, FaultKind::FromSwap { .. });
        for stats in [&mut self.stats, &mut self.processes[p].stats] {
            stats.resident += 1;
            if swap_in {
                stats.swapped -= 1;
                stats.swap_ins += 1;
            }
            if major {
                stats.major_faults += 1;
            } else {
                stats.minor_faults += 1;
            }
        }
        event.result = AccessResult::PageFault { kind: fault, frame: f, evicted };
        Ok((f, code))
    }

    /// A segmentation or protection fault: reported, and the process ends unless `segv=report`.
    fn fatal_fault(&mut self, p: usize, event: AccessEvent) -> AccessEvent {
        self.finish_access(p, &event);
        if self.config.segv == SegvMode::Kill {
            let cause = match event.result {
                AccessResult::ProtectionFault { .. } => ExitCause::ProtectionFault,
                _ => ExitCause::SegmentationFault,
            };
            self.end_process(p, cause);
        }
        event
    }

    /// Counts the access, logs it, and lets a time unit pass.
    #[inline]
    fn finish_access(&mut self, p: usize, event: &AccessEvent) {
        let outcome = match event.result {
            AccessResult::Hit { .. } => Outcome::Hit,
            AccessResult::PageFault { .. } => Outcome::Fault,
            AccessResult::OutOfMemory { .. } => Outcome::OutOfMemory,
            AccessResult::SegmentationFault { .. } => Outcome::Segfault,
            AccessResult::ProtectionFault { .. } => Outcome::ProtectionFault,
        };
        let write = event.kind == AccessKind::Write;
        self.stats.count(write, event.tlb, outcome);
        self.processes[p].stats.count(write, event.tlb, outcome);
        if self.recording {
            self.events.push(Event::Access(*event));
        }
        self.advance(1);
        self.reclaim();
    }

    // ----- eviction ---------------------------------------------------------------------------

    /// Asks the policy for a victim and takes its page out of memory (writing it to swap if it
    /// has no valid copy there). The frame is left empty and out of the free pool.
    pub(super) fn evict(&mut self) -> Result<Eviction, SwapFull> {
        let hand_from = self.policy.hand();
        let f = self.policy.victim(&mut self.frames).expect("evict() is only called while a frame is in use");
        let why = VictimReason {
            policy: self.config.policy,
            value: self.policy.frame_value(f, &self.frames),
            hand_from,
            cleared: self.policy.cleared(),
            seed: self.config.seed,
        };
        let frame = self.frames.get(f);
        let (vpid, vvpn, dirty, code) = (frame.owner, frame.vpn, frame.dirty, frame.code);
        let vp = vpid as usize;
        let entry = self.processes[vp].page_table.get_mut(vvpn).expect("a resident frame has a page-table entry");
        let fate = if code && !dirty {
            EvictionFate::DroppedCode
        } else if !dirty && entry.swap_copy != NONE {
            EvictionFate::DroppedCleanCopy { slot: entry.swap_copy }
        } else {
            if self.swap.free_count() == 0 {
                return Err(SwapFull { pid: vpid, vpn: vvpn, frame: f });
            }
            if entry.swap_copy != NONE {
                // Stale: the page changed since.
                self.usage.add_data(-data_bytes(&self.swap.get(entry.swap_copy).data));
                self.swap.release(entry.swap_copy);
            }
            // The bytes move from the frame to the slot: the count does not change.
            let data = self.frames.get_mut(f).data.take();
            let slot = self.swap.store(vpid, vvpn, data).expect("a free slot was checked");
            EvictionFate::SwappedOut { slot, dirty }
        };
        self.tlb.invalidate(entry.tlb_slot, vpid, vvpn);
        self.policy.removed(f);
        let dropped = self.frames.clear(f);
        self.usage.add_data(-data_bytes(&dropped));
        let new_pte = match fate {
            EvictionFate::DroppedCode => Pte { state: PteState::Empty, loc: NONE, ..*entry },
            EvictionFate::DroppedCleanCopy { slot } | EvictionFate::SwappedOut { slot, .. } => {
                Pte { state: PteState::Swapped, loc: slot, ..*entry }
            }
        };
        *entry = Pte { swap_copy: NONE, tlb_slot: NONE, ..new_pte };
        let swapped = new_pte.state == PteState::Swapped;
        let written = matches!(fate, EvictionFate::SwappedOut { .. });
        for stats in [&mut self.stats, &mut self.processes[vp].stats] {
            stats.resident -= 1;
            stats.swapped += swapped as u64;
            stats.swap_outs += written as u64;
            stats.dropped += !written as u64;
        }
        Ok(Eviction { pid: vpid, vpn: vvpn, frame: f, fate, why })
    }
}

/// The bytes of the simulated executable: a fixed pattern per page, so reading code gives the same
/// answer before and after the page is dropped and re-read from the file.
pub fn code_byte(vpn: u64, offset: usize) -> u8 {
    let x = vpn.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (offset as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (x >> 56) as u8
}
