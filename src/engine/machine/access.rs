//! The access path (TLB, page-table walk, hit or page fault, the bytes themselves) and eviction.

use super::huge::huge_tag;
use super::{data_bytes, Machine, Pid};
use crate::engine::budget;
use crate::engine::config::VmMode;
use crate::engine::config::{PolicyKind, SegvMode};
use crate::engine::error::SimError;
use crate::engine::events::{
    AccessEvent, AccessKind, AccessResult, Event, Eviction, EvictionFate, FaultKind, SegvReason, TlbLookup,
    VictimReason,
};
use crate::engine::page_data::{read_shared, write_shared, SharedData};
use crate::engine::page_table::{Backing, Pte, PteState, TlbSlot, NONE};
use crate::engine::policy::{AccessCtx, ReplacementPolicy};
use crate::engine::process::{ExitCause, Perms};
use crate::engine::sharing::{object_owner, owner_object, ObjectPage, MAP_ENTRY_COST};
use crate::engine::stats::Outcome;

/// The victim that could not be evicted because swap is full.
pub(super) struct SwapFull {
    pub(super) pid: Pid,
    pub(super) vpn: u64,
    pub(super) frame: u32,
}

impl SwapFull {
    /// The access's result: out of memory, naming the victim that could not go.
    pub(super) fn out_of_memory(&self) -> AccessResult {
        AccessResult::OutOfMemory { victim_pid: self.pid, victim_vpn: self.vpn, victim_frame: self.frame }
    }
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
        if !self.config.in_space(addr) {
            return Err(SimError::AddressOutOfRange { addr, va_bits: self.config.va_bits });
        }
        if self.config.vm != VmMode::Paging {
            if self.usage_now() + self.access_growth > self.config.budget {
                return Err(self.over_budget());
            }
            return Ok(self.physical_access(p, addr, kind, value));
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
    /// fits the address space. Refused (with nothing changed) only if the access could take the
    /// state past the budget.
    #[inline]
    fn access_valid(
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

    /// [`Machine::access_valid`] for a trace replay, a million times a second: it keeps no
    /// event, so none is returned or copied out (an access event is 120 bytes; copying it out
    /// and back cost a replay 32 instructions per access).
    pub(crate) fn replay_access(
        &mut self,
        p: usize,
        addr: u64,
        kind: AccessKind,
        next_use: u64,
    ) -> Result<(), SimError> {
        if self.usage_now() + self.access_growth > self.config.budget {
            return Err(self.over_budget());
        }
        self.access_unchecked(p, addr, kind, None, next_use);
        Ok(())
    }

    // Inlined into `replay_access` (and `access_valid`): the replay drops the event, so most of
    // it is never built (+6% in WebAssembly, measured).
    #[inline(always)]
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
        // A switch flushes the TLB, unless its entries are tagged with the process (asid=on).
        let switched = self.running.is_some_and(|r| r != pid) && !self.config.asid;
        if self.running != Some(pid) {
            if !self.config.asid {
                self.tlb.flush();
            }
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
        let ctx = AccessCtx { write, time: self.time(), next_use };
        let (frame, code) = match self.resident_hit(p, vpn, write, &mut event) {
            Err(fault) => {
                event.result = fault;
                return self.fatal_fault(p, event);
            }
            Ok(Some((f, code))) => {
                if !self.frames.get(f).pinned {
                    self.policy.touched(f, ctx, &self.frames); // a huge page's frames are not the policy's
                }
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
        event.value = self.move_byte(frame, vpn, offset, value, code, write);
        event.physical = Some(((frame as u64) << self.page_shift) | offset as u64);
        self.count_access(p, &event);
        event
    }

    /// The fast path, one page-table walk: if the page is resident and the access allowed, the
    /// hardware's part of a hit (TLB, referenced and dirty bits) and its frame and whether it is
    /// code; `Ok(None)` for a page fault (not resident, or a write to a copy-on-write page);
    /// `Err` for a protection fault.
    #[inline(always)]
    fn resident_hit(
        &mut self,
        p: usize,
        vpn: u64,
        write: bool,
        event: &mut AccessEvent,
    ) -> Result<Option<(u32, bool)>, AccessResult> {
        let pid = p as Pid;
        let tlb_on = self.tlb.enabled();
        // The permission bit this access needs (R = 1, W = 2): a mask, not a branch on `write`.
        let needed = 1u8 << (write as u8);
        let allowed = |perms: Perms| perms.bits() & needed != 0;
        let mut stale_copy = NONE;
        let mut new_huge_slot = TlbSlot::NONE;
        let hit = match self.processes[p].page_table.get_mut(vpn) {
            Some(pte) if pte.state == PteState::Resident => {
                if tlb_on {
                    // A huge page's pages share one TLB entry, tagged with the huge page.
                    let tag = if pte.huge { huge_tag(vpn, self.huge_shift) } else { vpn };
                    let tlb_hit = self.tlb.lookup(pte.tlb_slot.get(), pid, tag);
                    event.tlb = if tlb_hit { TlbLookup::Hit } else { TlbLookup::Miss };
                    if !tlb_hit {
                        pte.tlb_slot = self.tlb.insert(pid, tag).into();
                        if pte.huge {
                            new_huge_slot = pte.tlb_slot; // the huge page's other pages use it too
                        }
                    }
                }
                // Whether the access is a write is as random as the program's accesses: the path
                // below uses it in masks and selects, and branches only on rarely true conditions,
                // so the processor's branch predictor is not asked to guess it.
                if !allowed(pte.perms) | (write & pte.cow) {
                    if !allowed(pte.perms) {
                        Err(AccessResult::ProtectionFault { perms: pte.perms, code: pte.code() })
                    } else {
                        Ok(None) // a copy-on-write fault: the slow path
                    }
                } else {
                    // The hardware sets the referenced bit, and the dirty bit on a write.
                    let f = pte.loc;
                    self.frames.set_referenced(f);
                    self.frames.get_mut(f).dirty |= write;
                    // A write makes the page's copy in swap (if any) stale.
                    if pte.swap_copy != NONE && write {
                        stale_copy = pte.swap_copy;
                        pte.swap_copy = NONE;
                    }
                    Ok(Some((f, pte.code())))
                }
            }
            _ => Ok(None),
        };
        if new_huge_slot != TlbSlot::NONE {
            self.share_huge_tlb_slot(p, vpn, new_huge_slot);
        }
        if stale_copy != NONE {
            self.release_slot(stale_copy);
            if let Ok(Some((f, _))) = hit {
                self.forget_swap_copy(f); // other pages mapping the frame had the same copy
            }
        }
        hit
    }

    /// The bytes themselves: writes `value` into `frame` at `offset`, or reads the byte there
    /// (a write without a value, as a trace's, reports 0). Returns the access's value.
    #[inline(always)]
    pub(super) fn move_byte(
        &mut self,
        frame: u32,
        vpn: u64,
        offset: usize,
        value: Option<u8>,
        code: bool,
        write: bool,
    ) -> u8 {
        match value {
            Some(v) => {
                let (grew, copied) = write_shared(&mut self.frames.get_mut(frame).data, offset, v);
                self.usage.add_data(grew);
                // A checkpoint (or a swap copy) kept the old bytes: they are history now.
                self.shared_copies += copied as u64;
                v
            }
            None => {
                // A write without a value (a trace's) reports 0. The byte is read either way and
                // then dropped: a select, not a branch on `write` (see the fast path).
                let data = &self.frames.get(frame).data;
                let byte = match data {
                    None if code => code_byte(vpn, offset),
                    _ => read_shared(data, offset),
                };
                std::hint::select_unpredictable(write, 0, byte)
            }
        }
    }

    /// The slow path of an access whose page is not resident (or is copy-on-write and written):
    /// checks the region, finds a frame (evicting if memory is full) and loads the page. Returns
    /// the frame and whether the page is code, or how the access failed (segmentation or
    /// protection fault, out of memory).
    #[inline(always)]
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
        if let Some(pte) = existing.filter(|e| e.state == PteState::Resident) {
            // Reached only for a write to a copy-on-write page (checked by the caller).
            return self.cow_fault(p, vpn, pte, ctx.next_use, event);
        }
        // The TLB had no translation (whatever the walk then finds: a fault of any kind).
        if self.tlb.enabled() {
            event.tlb = TlbLookup::Miss;
        }
        let (perms, backing) = self.page_rights(p, vpn, existing, write)?;
        let code = backing == Backing::Code;
        if self.huge_seen && existing.is_none() && self.processes[p].region_of(vpn).is_some_and(|r| r.huge) {
            return self.huge_fault(p, vpn, perms, write, event);
        }
        if self.config.tables_in_ram && existing.is_none() {
            self.ensure_tables(p, vpn)?;
        }
        let mut swapped = existing.filter(|pte| pte.state == PteState::Swapped);
        if let Some(pte) = swapped.filter(|pte| write && pte.cow && self.slot_map_count(pte.loc) > 1) {
            return self.cow_from_swap(p, vpn, pte, ctx.next_use, event);
        }
        // A page of an executable, a file or shared memory: the object knows where it is.
        let object = if backing == Backing::Private { None } else { self.object_page(p, vpn) };
        let mut object_slot = NONE;
        if let Some((id, idx)) = object.filter(|_| swapped.is_none()) {
            match self.objects.get(id).page(idx) {
                Some(ObjectPage::Frame(f)) => {
                    let kind = Pte { perms, backing, ..Pte::default() };
                    return Ok(self.map_in_memory(p, vpn, f, kind, ctx.next_use, event));
                }
                // Shared memory in swap, not mapped by this process yet: it maps the slot once a
                // frame is found, and reads it in as any swapped page.
                Some(ObjectPage::Slot(s)) => object_slot = s,
                None => {}
            }
        }
        // Find a frame, evicting if memory is full.
        let (f, evicted) = self.free_frame(pid, vpn, code).inspect_err(|_| self.drop_empty_tables(p, vpn))?;
        if object_slot != NONE {
            let pte = Pte { valid: true, state: PteState::Swapped, perms, backing, loc: object_slot, ..Pte::default() };
            self.add_mapping(p, vpn, pte);
            swapped = Some(pte);
        }
        let fault = self.load_page(f, swapped, object, backing);
        if let Some((id, idx)) = object {
            self.objects.get_mut(id).located.insert_mut(idx, ObjectPage::Frame(f));
            self.usage.records += MAP_ENTRY_COST * (swapped.is_none() as u64);
        }
        // A written page's copy in swap is stale at once; a page read keeps it, so a clean
        // eviction later costs no write.
        let swap_copy = swapped.filter(|_| !write).map_or(NONE, |pte| pte.loc);
        // The last user of a copy-on-write page may write it (a shared one went to cow_from_swap).
        let cow = swapped.is_some_and(|pte| pte.cow && !write);
        if let Some(pte) = swapped {
            // Every page that mapped the slot maps the frame now (the page moves as one).
            self.swap_in_others(p, vpn, pte.loc, f, swap_copy);
            if write {
                self.release_slot(pte.loc);
            }
        }
        if write {
            self.frames.get_mut(f).dirty = true;
        }
        let tlb_slot: TlbSlot = if self.tlb.enabled() { self.tlb.insert(pid, vpn) } else { NONE }.into();
        let pte = Pte {
            state: PteState::Resident,
            perms,
            backing,
            cow,
            loc: f,
            swap_copy,
            tlb_slot,
            valid: true,
            huge: false,
        };
        let table = &mut self.processes[p].page_table;
        let before = table.heap_bytes();
        table.insert(vpn, pte);
        let grown = table.heap_bytes() - before;
        self.usage.page_tables += grown as u64;
        self.policy.loaded(f, ctx, &self.frames);
        // A write to a copy-on-write page in swap whose last user is the writer: a copy-on-write
        // fault that copies nothing (the page simply becomes writable as it comes back).
        self.count_fault(p, fault, swapped.is_some_and(|pte| pte.cow && write));
        event.result = AccessResult::PageFault { kind: fault, frame: f, evicted };
        Ok((f, code))
    }

    /// The rights of page `vpn` of process `p` (its entry's, its region's, or a flat process's),
    /// and what it holds; a segmentation fault if it is in no region, a protection fault if the
    /// access is not allowed.
    #[inline(always)]
    fn page_rights(
        &self,
        p: usize,
        vpn: u64,
        existing: Option<Pte>,
        write: bool,
    ) -> Result<(Perms, Backing), AccessResult> {
        let proc = &self.processes[p];
        let (perms, backing) = match existing {
            Some(pte) => (pte.perms, pte.backing),
            None if proc.flat => (Perms::RW, Backing::Private),
            None if vpn == 0 => return Err(AccessResult::SegmentationFault { reason: SegvReason::NullPage }),
            None => match proc.region_of(vpn) {
                Some(r) => (r.perms, self.backing_of(r)),
                None => return Err(AccessResult::SegmentationFault { reason: SegvReason::Unmapped }),
            },
        };
        if (write && !perms.writable()) || (!write && !perms.readable()) {
            return Err(AccessResult::ProtectionFault { perms, code: backing == Backing::Code });
        }
        Ok((perms, backing))
    }

    /// Loads a page into frame `f`: from swap or a file (major), or zero-filled / from the
    /// executable. Returns what kind of fault that was.
    #[inline(always)]
    fn load_page(&mut self, f: u32, swapped: Option<Pte>, object: Option<(u32, u64)>, backing: Backing) -> FaultKind {
        match (swapped, object) {
            (Some(pte), _) => {
                let data = self.swap.read(pte.loc);
                self.usage.add_data(data_bytes(&data));
                self.frames.get_mut(f).data = data;
                FaultKind::FromSwap { slot: pte.loc }
            }
            (None, Some((id, idx))) if backing == Backing::File => {
                let data = self.objects.get(id).contents(idx);
                self.usage.add_data(data_bytes(&data));
                self.frames.get_mut(f).data = data;
                FaultKind::FromFile
            }
            (None, Some(_)) if backing == Backing::Shm => FaultKind::ZeroFillShared,
            _ if backing == Backing::Code => FaultKind::CodeFromFile,
            _ => FaultKind::ZeroFill,
        }
    }

    /// Counts a page fault that loaded a page, for the machine and process `p`.
    #[inline(always)]
    fn count_fault(&mut self, p: usize, fault: FaultKind, cow_fault: bool) {
        let major = fault.is_major();
        let swap_in = matches!(fault, FaultKind::FromSwap { .. });
        for stats in [&mut self.stats, &mut self.processes[p].stats] {
            stats.cow_faults += cow_fault as u64;
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
    }

    /// A free frame for page `vpn` of `pid`, evicting a page if none is free.
    #[inline(always)]
    fn free_frame(&mut self, pid: Pid, vpn: u64, code: bool) -> Result<(u32, Option<Eviction>), AccessResult> {
        self.take_frame(pid, vpn, code).or_else(|full| self.out_of_memory(pid, vpn, code, full))
    }

    /// A free frame, or one a victim leaves (its write counted against `pid`, who waits for it);
    /// `Err` when the victim cannot go.
    #[inline(always)]
    pub(super) fn take_frame(&mut self, pid: Pid, vpn: u64, code: bool) -> Result<(u32, Option<Eviction>), SwapFull> {
        if let Some(f) = self.frames.take_free(pid, vpn, code) {
            return Ok((f, None));
        }
        let eviction = self.evict()?;
        self.frames.reassign(eviction.frame, pid, vpn, code);
        self.count_direct_write(pid, &eviction);
        Ok((eviction.frame, Some(eviction)))
    }

    /// A victim written out while process `pid`'s fault waited (direct reclaim): a disk write it
    /// waited for (the background reclaimer's writes are nobody's).
    pub(super) fn count_direct_write(&mut self, pid: Pid, eviction: &Eviction) {
        if eviction.fate.writes() {
            self.stats.disk_writes += 1;
            self.processes[pid as usize].stats.disk_writes += 1;
        }
    }

    /// Swap-in of a slot other pages map too: they all map frame `f` now (the faulting page,
    /// `(p, vpn)`, is mapped by the caller). `swap_copy` is the slot kept as a clean copy, or NONE.
    #[inline(always)]
    fn swap_in_others(&mut self, p: usize, vpn: u64, slot: u32, f: u32, swap_copy: u32) {
        if self.slot_maps.count(slot) > 0 {
            self.swap_in_shared(p, vpn, slot, f, swap_copy); // the usual case has one mapping
        }
    }

    #[cold]
    fn swap_in_shared(&mut self, p: usize, vpn: u64, slot: u32, f: u32, swap_copy: u32) {
        let me = (p as Pid, vpn);
        // The faulting page becomes the slot's named mapping (it names the frame too); the
        // others move to the frame.
        let named = (self.swap.get(slot).owner, self.swap.get(slot).vpn);
        if named != me {
            self.slot_maps.remove(slot, me);
            self.slot_maps.add(slot, named);
            self.swap.set_owner(slot, me.0, me.1);
        }
        let others = self.move_others_to_frame(slot, f);
        for &(q, qvpn) in &others {
            if let Some(e) = self.processes[q as usize].page_table.get_mut(qvpn) {
                *e = Pte { state: PteState::Resident, loc: f, swap_copy, ..*e };
            }
            let stats = &mut self.processes[q as usize].stats;
            stats.resident += 1;
            stats.swapped -= 1;
        }
        self.sharing_seen = true;
    }

    /// A page of an object already in frame `f` (for another process, or held by the object
    /// alone): map it too (a minor fault, no I/O).
    #[cold]
    fn map_in_memory(
        &mut self,
        p: usize,
        vpn: u64,
        f: u32,
        kind: Pte,
        next_use: u64,
        event: &mut AccessEvent,
    ) -> (u32, bool) {
        let write = event.kind == AccessKind::Write;
        let ctx = AccessCtx { write, time: self.time(), next_use };
        let pid = p as Pid;
        let with = self.frames.get(f).owner; // a process, or the object holding it
        let tlb_slot: TlbSlot = if self.tlb.enabled() { self.tlb.insert(pid, vpn) } else { NONE }.into();
        // The page's clean copy in swap (if any) is every mapper's.
        let swap_copy = self.frame_swap_copy(f);
        let pte = Pte { state: PteState::Resident, loc: f, swap_copy, tlb_slot, valid: true, ..kind };
        self.add_mapping(p, vpn, pte);
        self.frames.set_referenced(f);
        if ctx.write {
            self.frames.get_mut(f).dirty = true;
            if swap_copy != NONE {
                // Written: the copy in swap is stale for every mapper.
                self.release_slot(swap_copy);
                self.forget_swap_copy(f);
            }
        }
        self.policy.touched(f, ctx, &self.frames);
        self.stats.minor_faults += 1;
        self.processes[p].stats.minor_faults += 1;
        event.result = AccessResult::PageFault { kind: FaultKind::InMemory { with }, frame: f, evicted: None };
        (f, kind.code())
    }

    /// A write to a resident copy-on-write page: the writer gets its own copy in a new frame
    /// (which may evict), or, if no other page maps the frame any more, simply write access.
    #[cold]
    fn cow_fault(
        &mut self,
        p: usize,
        vpn: u64,
        pte: Pte,
        next_use: u64,
        event: &mut AccessEvent,
    ) -> Result<(u32, bool), AccessResult> {
        let ctx = AccessCtx { write: true, time: self.time(), next_use };
        let pid = p as Pid;
        let from = pte.loc;
        let kind = if self.frame_map_count(from) <= 1 {
            if let Some(e) = self.processes[p].page_table.get_mut(vpn) {
                e.cow = false;
                e.swap_copy = NONE;
            }
            if pte.swap_copy != NONE {
                self.release_slot(pte.swap_copy); // stale once written
            }
            self.policy.touched(from, ctx, &self.frames);
            self.frames.set_referenced(from);
            self.frames.get_mut(from).dirty = true;
            FaultKind::CowReuse
        } else {
            let with = self.frame_mappers(from).into_iter().find(|m| m.0 != pid).map_or(NONE, |m| m.0);
            let data = self.frames.get(from).data.clone();
            let (g, evicted) = self.free_frame(pid, vpn, false)?;
            // The eviction may have taken the shared page itself to swap: drop whichever the
            // writer maps now.
            let now = *self.processes[p].page_table.get(vpn).expect("the writer maps the page");
            self.drop_mapping(p, vpn, now);
            self.install_copy(p, vpn, now, g, data, ctx);
            event.result = AccessResult::PageFault { kind: FaultKind::CowCopy { from, with }, frame: g, evicted };
            self.count_cow(p, false);
            return Ok((g, false));
        };
        self.count_cow(p, false);
        event.result = AccessResult::PageFault { kind, frame: from, evicted: None };
        Ok((from, false))
    }

    /// A write to a copy-on-write page in swap that other pages map: the writer reads its own
    /// copy from the slot into a new frame; the others keep the slot.
    #[cold]
    fn cow_from_swap(
        &mut self,
        p: usize,
        vpn: u64,
        pte: Pte,
        next_use: u64,
        event: &mut AccessEvent,
    ) -> Result<(u32, bool), AccessResult> {
        let ctx = AccessCtx { write: true, time: self.time(), next_use };
        let pid = p as Pid;
        let slot = pte.loc;
        let with = self.slot_mappers(slot).into_iter().find(|m| m.0 != pid).map_or(NONE, |m| m.0);
        let (g, evicted) = self.free_frame(pid, vpn, false)?;
        let data = self.swap.read(slot);
        self.drop_mapping(p, vpn, pte);
        self.install_copy(p, vpn, pte, g, data, ctx);
        for stats in [&mut self.stats, &mut self.processes[p].stats] {
            stats.swap_ins += 1;
        }
        self.count_cow(p, true);
        event.result = AccessResult::PageFault { kind: FaultKind::CowFromSwap { slot, with }, frame: g, evicted };
        Ok((g, false))
    }

    /// One page of an evicted frame: its entry now says `state` (swapped to slot `loc`, or empty).
    #[inline]
    fn unmap_evicted(&mut self, pid: Pid, vpn: u64, state: PteState, loc: u32) {
        let p = pid as usize;
        if let Some(e) = self.processes[p].page_table.get_mut(vpn) {
            self.tlb.invalidate(e.tlb_slot.get(), pid, vpn);
            *e = Pte { state, loc, swap_copy: NONE, tlb_slot: TlbSlot::NONE, ..*e };
        }
        let stats = &mut self.processes[p].stats;
        stats.resident -= 1;
        stats.swapped += (state == PteState::Swapped) as u64;
    }

    /// Unmaps the other pages that mapped evicted frame `f` (their entries now say `state`, `loc`);
    /// returns how many there were and the first one's process.
    #[cold]
    fn unmap_others(&mut self, f: u32, state: PteState, loc: u32) -> (u32, u32) {
        let others =
            if state == PteState::Swapped { self.move_others_to_slot(f, loc) } else { self.frame_maps.take(f) };
        if state != PteState::Swapped {
            self.usage.records -= MAP_ENTRY_COST * others.len() as u64;
        }
        for &(q, qvpn) in &others {
            self.unmap_evicted(q, qvpn, state, loc);
        }
        (others.len() as u32, others.first().map_or(NONE, |m| m.0))
    }

    /// The writer's own copy of a copy-on-write page (`old`: its entry before), in frame `g`:
    /// private, writable and dirty.
    fn install_copy(&mut self, p: usize, vpn: u64, old: Pte, g: u32, data: SharedData, ctx: AccessCtx) {
        self.usage.add_data(data_bytes(&data));
        let frame = self.frames.get_mut(g);
        frame.data = data;
        frame.dirty = true;
        let tlb_slot: TlbSlot = if self.tlb.enabled() { self.tlb.insert(p as Pid, vpn) } else { NONE }.into();
        let mine = Pte { state: PteState::Resident, loc: g, cow: false, swap_copy: NONE, tlb_slot, ..old };
        self.processes[p].page_table.insert(vpn, mine);
        self.policy.loaded(g, ctx, &self.frames);
        self.stats.resident += 1;
        self.processes[p].stats.resident += 1;
    }

    fn count_cow(&mut self, p: usize, major: bool) {
        for stats in [&mut self.stats, &mut self.processes[p].stats] {
            stats.cow_faults += 1;
            if major {
                stats.major_faults += 1;
            } else {
                stats.minor_faults += 1;
            }
        }
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

    /// [`Machine::count_access`] for the failed accesses, out of line.
    #[inline(never)]
    fn finish_access(&mut self, p: usize, event: &AccessEvent) {
        self.count_access(p, event);
    }

    /// Counts a finished access, logs it if recording, and lets time pass.
    #[inline(always)]
    pub(super) fn count_access(&mut self, p: usize, event: &AccessEvent) {
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
    /// has no valid copy there, or back to its file). Every page that maps the frame is unmapped
    /// (they all move to the same slot). The frame is left empty and out of the free pool.
    pub(super) fn evict(&mut self) -> Result<Eviction, SwapFull> {
        let hand_from = self.policy.hand();
        let Some((f, among)) = self.choose_victim() else {
            // Every frame in use holds a page table or a huge page: no page can go.
            return Err(SwapFull { pid: NONE, vpn: 0, frame: NONE });
        };
        let why = VictimReason {
            policy: self.config.policy,
            value: match self.config.policy {
                PolicyKind::Random => Some(self.config.seed),
                _ => self.policy.frame_value(f, &self.frames),
            },
            hand_from,
            cleared: self.policy.cleared(),
            tied: self.policy.tied(f),
            among,
            for_huge: false,
        };
        self.evict_frame(f, why)
    }

    /// Takes the page in frame `f` out of memory, as [`Machine::evict`] does with the policy's
    /// victim; `why` says why this one.
    pub(super) fn evict_frame(&mut self, f: u32, why: VictimReason) -> Result<Eviction, SwapFull> {
        let frame = self.frames.get(f);
        let (vpid, vvpn, dirty, code) = (frame.owner, frame.vpn, frame.dirty, frame.code);
        if let Some(id) = owner_object(vpid) {
            return self.evict_held(f, id, vvpn, why);
        }
        let vp = vpid as usize;
        // One walk to the owner's entry, updated in place below (a second walk per eviction
        // measured 5–10% of a fault-heavy replay).
        let owner_entry = self.processes[vp].page_table.get_mut(vvpn).expect("a resident frame has a page-table entry");
        let entry = *owner_entry;
        let fate = if entry.file() {
            EvictionFate::ToFile { dirty }
        } else if code && !dirty {
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
        let (state, loc) = match fate {
            EvictionFate::DroppedCode | EvictionFate::ToFile { .. } => (PteState::Empty, NONE),
            EvictionFate::DroppedCleanCopy { slot } | EvictionFate::SwappedOut { slot, .. } => {
                (PteState::Swapped, slot)
            }
        };
        // Unmap the page from every page table that maps the frame: the owner's first.
        self.tlb.invalidate(entry.tlb_slot.get(), vpid, vvpn);
        *owner_entry = Pte { state, loc, swap_copy: NONE, tlb_slot: TlbSlot::NONE, ..entry };
        let owner_stats = &mut self.processes[vp].stats;
        owner_stats.resident -= 1;
        owner_stats.swapped += (state == PteState::Swapped) as u64;
        if entry.backing != Backing::Private {
            if let Some((id, idx)) = self.object_page(vp, vvpn) {
                if entry.shm() {
                    // The object's page is in the slot now, for every mapper of it.
                    self.objects.get_mut(id).located.insert_mut(idx, ObjectPage::Slot(loc));
                } else {
                    self.objects.get_mut(id).located.remove_mut(&idx);
                    self.usage.records -= MAP_ENTRY_COST;
                }
                if entry.file() && dirty {
                    let data = self.frames.get(f).data.clone();
                    self.write_back(vp, id, idx, data);
                }
            }
        }
        self.policy.removed(f);
        let dropped = self.frames.clear(f);
        self.usage.add_data(-data_bytes(&dropped));
        let (n_others, other_pid) =
            if self.frame_maps.is_empty() { (0, NONE) } else { self.unmap_others(f, state, loc) };
        let swapped = state == PteState::Swapped;
        let written = matches!(fate, EvictionFate::SwappedOut { .. });
        self.stats.resident -= 1;
        self.stats.swapped += swapped as u64;
        for stats in [&mut self.stats, &mut self.processes[vp].stats] {
            stats.swap_outs += written as u64;
            stats.dropped += !(written || entry.file() && dirty) as u64;
        }
        Ok(Eviction { pid: vpid, vpn: vvpn, frame: f, fate, why, others: n_others, other_pid })
    }

    /// Evicts frame `f`, which shared-memory object `id` holds (its page `idx`) with no process
    /// mapping it: the page goes to swap (it has no copy there), where the object keeps it.
    #[cold]
    fn evict_held(&mut self, f: u32, id: u32, idx: u64, why: VictimReason) -> Result<Eviction, SwapFull> {
        let owner = object_owner(id);
        let dirty = self.frames.get(f).dirty;
        if self.swap.free_count() == 0 {
            return Err(SwapFull { pid: owner, vpn: idx, frame: f });
        }
        let data = self.frames.get_mut(f).data.take();
        let slot = self.swap.store(owner, idx, data).expect("a free slot was checked");
        self.objects.get_mut(id).located.insert_mut(idx, ObjectPage::Slot(slot));
        self.policy.removed(f);
        self.frames.clear(f);
        self.stats.resident -= 1;
        self.stats.swapped += 1;
        self.stats.swap_outs += 1;
        let fate = EvictionFate::SwappedOut { slot, dirty };
        Ok(Eviction { pid: owner, vpn: idx, frame: f, fate, why, others: 0, other_pid: NONE })
    }
}

/// The bytes of the simulated executable: a fixed pattern per page, so reading code gives the same
/// answer before and after the page is dropped and re-read from the file.
pub fn code_byte(vpn: u64, offset: usize) -> u8 {
    let x = vpn.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (offset as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (x >> 56) as u8
}
