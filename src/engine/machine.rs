//! The machine: processes, physical frames, swap, TLB and the replacement policy, and the
//! operations on them (spawn, allocate, free, read, write, tick, exit).
//!
//! Every operation either returns a [`SimError`] and changes nothing, or does its work and appends
//! typed [`Event`]s to the log. An access is O(levels) for the walk plus the policy's O(1) or
//! O(log frames), and allocates nothing unless it writes the first byte of a page.

use super::config::{Config, SegvMode};
use super::error::SimError;
use super::events::{
    AccessEvent, AccessKind, AccessResult, Event, Eviction, EvictionFate, FaultKind, SegvReason, TlbLookup,
};
use super::frame_table::FrameTable;
use super::page_table::{PageTable, Pte, PteState, NONE};
use super::policy::{AccessCtx, Policy, ReplacementPolicy};
use super::process::{valid_name, ExitCause, Perms, Process, Region};
use super::stats::{Outcome, Stats};
use super::swap::SwapDisk;
use super::tlb::Tlb;
use std::collections::BTreeMap;

/// Process id: an index, never reused within one machine.
pub type Pid = u32;

/// Most processes one machine will create (keeps a runaway script from exhausting memory).
pub const MAX_PROCESSES: usize = 4096;

/// After this many timer interrupts without accesses every policy's state is at its fixed point
/// (aging counters are 8 bits), so `tick(huge)` stops early.
const MAX_USEFUL_INTERRUPTS: u64 = 9;

#[derive(Clone, Debug)]
pub struct Machine {
    config: Config,
    processes: Vec<Process>,
    frames: FrameTable,
    swap: SwapDisk,
    tlb: Tlb,
    policy: Policy,
    stats: Stats,
    time: u64,
    /// When the next timer interrupt falls due (a multiple of `config.timer`).
    next_interrupt: u64,
    running: Option<Pid>,
    recording: bool,
    events: Vec<Event>,
    page_shift: u32,
}

/// The victim that could not be evicted because swap is full.
struct SwapFull {
    pid: Pid,
    vpn: u64,
    frame: u32,
}

impl Machine {
    pub fn new(config: Config) -> Result<Machine, SimError> {
        config.validate().map_err(SimError::Config)?;
        let config_timer = config.timer;
        Ok(Machine {
            frames: FrameTable::new(config.frames),
            swap: SwapDisk::new(config.swap_slots),
            tlb: Tlb::new(config.tlb_entries),
            policy: Policy::new(&config),
            page_shift: config.page_shift(),
            config,
            processes: Vec::new(),
            stats: Stats::default(),
            time: 0,
            next_interrupt: config_timer,
            running: None,
            recording: true,
            events: Vec::new(),
        })
    }

    // ----- inspection -------------------------------------------------------------------------

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Time units elapsed (one per access plus idle ticks).
    pub fn time(&self) -> u64 {
        self.time
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    pub fn processes(&self) -> &[Process] {
        &self.processes
    }

    pub fn process(&self, pid: Pid) -> Option<&Process> {
        self.processes.get(pid as usize)
    }

    pub fn frames(&self) -> &FrameTable {
        &self.frames
    }

    pub fn swap(&self) -> &SwapDisk {
        &self.swap
    }

    /// The process whose translations the TLB holds.
    pub fn running(&self) -> Option<Pid> {
        self.running
    }

    /// Valid TLB entries as `(pid, vpn)`, least recently used first.
    pub fn tlb_entries(&self) -> Vec<(Pid, u64)> {
        self.tlb.entries()
    }

    pub fn tlb_capacity(&self) -> u32 {
        self.tlb.capacity()
    }

    /// Resident frames in the policy's order (next victim first for fifo, lru, lfu, opt, nru, aging).
    pub fn policy_order(&self) -> Vec<u32> {
        self.policy.order(&self.frames)
    }

    /// The policy's number for a frame: aging counter, LFU count, OPT next use, NRU class.
    pub fn policy_value(&self, frame: u32) -> Option<u64> {
        if frame >= self.frames.len() {
            return None;
        }
        self.policy.frame_value(frame, &self.frames)
    }

    pub fn clock_hand(&self) -> Option<u32> {
        self.policy.hand()
    }

    /// The most recent running process with this name.
    pub fn pid_of(&self, name: &str) -> Result<Pid, SimError> {
        match self.processes.iter().rposition(|p| p.name == name) {
            Some(i) if self.processes[i].alive() => Ok(i as Pid),
            Some(i) => Err(SimError::ProcessExited {
                name: name.to_string(),
                cause: self.processes[i].ended.unwrap_or(ExitCause::Exited),
            }),
            None => Err(SimError::UnknownProcess(name.to_string())),
        }
    }

    pub fn name_of(&self, pid: Pid) -> &str {
        self.processes.get(pid as usize).map_or("?", |p| p.name.as_str())
    }

    // ----- events -----------------------------------------------------------------------------

    /// Turns the event log on or off (trace replays of millions of accesses keep only statistics).
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Returns and clears the events logged so far.
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    fn log(&mut self, event: Event) {
        if self.recording {
            self.events.push(event);
        }
    }

    /// Logs a scenario note (words for the reader; no effect on the machine).
    pub fn note(&mut self, text: &str) {
        self.log(Event::Note { text: text.to_string() });
    }

    // ----- processes and regions --------------------------------------------------------------

    fn live(&self, pid: Pid) -> Result<usize, SimError> {
        let p = self.processes.get(pid as usize).ok_or(SimError::UnknownPid(pid))?;
        if let Some(cause) = p.ended {
            return Err(SimError::ProcessExited { name: p.name.clone(), cause });
        }
        Ok(pid as usize)
    }

    /// Starts a process with `code_pages` read-only code pages mapped from page 1.
    pub fn spawn(&mut self, name: &str, code_pages: u64) -> Result<Pid, SimError> {
        if code_pages >= self.config.pages_per_space() {
            return Err(SimError::BadAllocation(format!(
                "{code_pages} code pages do not fit in a space of {} pages (page 0 is the guard)",
                self.config.pages_per_space()
            )));
        }
        self.new_process(name, false, code_pages)
    }

    /// Starts a process whose whole address space is valid and writable, with no guard page: for
    /// textbook reference strings (page 0 included) and traces.
    pub fn spawn_flat(&mut self, name: &str) -> Result<Pid, SimError> {
        self.new_process(name, true, 0)
    }

    fn new_process(&mut self, name: &str, flat: bool, code_pages: u64) -> Result<Pid, SimError> {
        if !valid_name(name) {
            return Err(SimError::BadName(format!(
                "\"{name}\" is not a valid process name (a letter first, then letters, digits, _ - .; at most 32)"
            )));
        }
        if self.processes.iter().any(|p| p.alive() && p.name == name) {
            return Err(SimError::NameTaken(name.to_string()));
        }
        if self.processes.len() >= MAX_PROCESSES {
            return Err(SimError::BadValue(format!("at most {MAX_PROCESSES} processes per run")));
        }
        let pid = self.processes.len() as Pid;
        let mut regions = BTreeMap::new();
        if code_pages > 0 {
            let code = Region { start_vpn: 1, pages: code_pages, perms: Perms::RX, label: "code".into(), code: true };
            regions.insert(1, code);
        }
        self.processes.push(Process {
            name: name.to_string(),
            ended: None,
            flat,
            page_table: PageTable::new(&self.config),
            regions,
            stats: Stats::default(),
            next_label: 1,
        });
        self.log(Event::Spawn { pid, code_pages, flat });
        Ok(pid)
    }

    /// Reserves `bytes` (rounded up to whole pages) with `perms`, at `at` or at the lowest gap
    /// above page 0. No frame is used until a page is touched. Returns the start address.
    pub fn allocate(
        &mut self,
        pid: Pid,
        bytes: u64,
        perms: Perms,
        at: Option<u64>,
        label: Option<&str>,
    ) -> Result<u64, SimError> {
        let p = self.live(pid)?;
        let page = self.config.page_size;
        let space = self.config.pages_per_space();
        let proc = &self.processes[p];
        let bad = |m: String| Err(SimError::BadAllocation(m));
        if proc.flat {
            return bad(format!("{} is flat: its whole address space is already mapped", proc.name));
        }
        if bytes == 0 {
            return bad("the size must be at least 1 byte".into());
        }
        if perms.bits() == 0 {
            return bad("a region needs at least one of r, w, x".into());
        }
        let pages = bytes.div_ceil(page);
        if pages >= space {
            return bad(format!("{bytes} bytes is more than the {space} pages of the address space"));
        }
        let label = match label {
            Some(l) if !valid_name(l) => return bad(format!("\"{l}\" is not a valid region label")),
            Some(l) if proc.region_by_label(l).is_some() => {
                return bad(format!("{} already has a region named {l}", proc.name))
            }
            Some(l) => l.to_string(),
            None => {
                let mut n = proc.next_label;
                while proc.region_by_label(&format!("r{n}")).is_some() {
                    n += 1;
                }
                format!("r{n}")
            }
        };
        let start = match at {
            Some(addr) => {
                if addr % page != 0 {
                    return bad(format!("{addr:#x} is not page-aligned (pages are {page} bytes)"));
                }
                if addr >> self.config.va_bits != 0 {
                    return bad(format!("{addr:#x} is outside the {}-bit address space", self.config.va_bits));
                }
                let vpn = addr >> self.page_shift;
                if vpn == 0 {
                    return bad("page 0 is the null guard page and can never be allocated".into());
                }
                if vpn + pages > space {
                    return bad(format!("{pages} pages from {addr:#x} run past the end of the address space"));
                }
                if let Some(r) = proc.regions.values().find(|r| r.start_vpn < vpn + pages && r.end_vpn() > vpn) {
                    return bad(format!(
                        "pages {}–{} overlap region {} (pages {}–{})",
                        vpn,
                        vpn + pages - 1,
                        r.label,
                        r.start_vpn,
                        r.end_vpn() - 1
                    ));
                }
                vpn
            }
            None => {
                let mut candidate = 1u64;
                for r in proc.regions.values() {
                    if r.start_vpn >= candidate + pages {
                        break;
                    }
                    candidate = candidate.max(r.end_vpn());
                }
                if candidate + pages > space {
                    return bad(format!("no gap of {pages} free pages left in {}'s address space", proc.name));
                }
                candidate
            }
        };
        let proc = &mut self.processes[p];
        if label.starts_with('r') && label[1..].parse::<u32>().is_ok() {
            proc.next_label += 1;
        }
        let region = Region { start_vpn: start, pages, perms, label: label.clone(), code: false };
        proc.regions.insert(start, region);
        self.log(Event::Allocate { pid, label, start_vpn: start, pages, perms });
        Ok(start << self.page_shift)
    }

    /// Unmaps the region containing `addr` and releases its frames and swap slots.
    pub fn free(&mut self, pid: Pid, addr: u64) -> Result<(), SimError> {
        let p = self.live(pid)?;
        let vpn = addr >> self.page_shift;
        let proc = &self.processes[p];
        let start = match proc.region_of(vpn) {
            Some(r) if addr >> self.config.va_bits == 0 => r.start_vpn,
            _ => return Err(SimError::NotAllocated { name: proc.name.clone(), what: format!("at {addr:#x}") }),
        };
        self.free_region(p, start);
        Ok(())
    }

    /// Unmaps the region called `label`.
    pub fn free_label(&mut self, pid: Pid, label: &str) -> Result<(), SimError> {
        let p = self.live(pid)?;
        let proc = &self.processes[p];
        let start = proc
            .region_by_label(label)
            .map(|r| r.start_vpn)
            .ok_or_else(|| SimError::NotAllocated { name: proc.name.clone(), what: format!("named {label}") })?;
        self.free_region(p, start);
        Ok(())
    }

    fn free_region(&mut self, p: usize, start: u64) {
        let region = self.processes[p].regions.remove(&start).expect("region looked up by caller");
        let (frames, slots) = self.release_pages(p, region.start_vpn, region.end_vpn());
        self.log(Event::Free {
            pid: p as Pid,
            label: region.label,
            start_vpn: region.start_vpn,
            pages: region.pages,
            frames_released: frames,
            slots_released: slots,
        });
    }

    /// Drops every page of process `p` in `lo..hi`; returns (frames, swap slots) released.
    fn release_pages(&mut self, p: usize, lo: u64, hi: u64) -> (u64, u64) {
        let (mut frames, mut slots) = (0, 0);
        for vpn in self.processes[p].page_table.valid_in_range(lo, hi) {
            let Some(pte) = self.processes[p].page_table.remove(vpn) else {
                continue;
            };
            match pte.state {
                PteState::Resident => {
                    self.tlb.invalidate(pte.tlb_slot, p as Pid, vpn);
                    self.policy.removed(pte.loc);
                    self.frames.release(pte.loc);
                    self.stats.resident -= 1;
                    self.processes[p].stats.resident -= 1;
                    frames += 1;
                    if pte.swap_copy != NONE {
                        self.swap.release(pte.swap_copy);
                        slots += 1;
                    }
                }
                PteState::Swapped => {
                    self.swap.release(pte.loc);
                    self.stats.swapped -= 1;
                    self.processes[p].stats.swapped -= 1;
                    slots += 1;
                }
                PteState::Empty => {}
            }
        }
        (frames, slots)
    }

    /// Ends a process normally, freeing all its memory.
    pub fn exit(&mut self, pid: Pid) -> Result<(), SimError> {
        let p = self.live(pid)?;
        self.end_process(p, ExitCause::Exited);
        Ok(())
    }

    fn end_process(&mut self, p: usize, cause: ExitCause) {
        let (frames, slots) = self.release_pages(p, 0, u64::MAX);
        let proc = &mut self.processes[p];
        proc.regions.clear();
        proc.ended = Some(cause);
        if self.running == Some(p as Pid) {
            self.running = None;
        }
        self.log(Event::Exit { pid: p as Pid, cause, frames_released: frames, slots_released: slots });
    }

    // ----- time -------------------------------------------------------------------------------

    /// Advances the clock by `units` idle time units: timer interrupts and the reclaimer run.
    pub fn tick(&mut self, units: u64) {
        let interrupts = self.advance(units);
        self.log(Event::Tick { units, now: self.time, interrupts });
        self.reclaim();
    }

    /// Moves time forward, firing the timer interrupts that fall due. Returns how many fell due.
    #[inline]
    fn advance(&mut self, units: u64) -> u64 {
        self.time = self.time.saturating_add(units);
        if self.time < self.next_interrupt {
            return 0;
        }
        self.fire_timer()
    }

    /// Kept out of line: it runs once per `timer` units and would bloat the access path.
    #[cold]
    #[inline(never)]
    fn fire_timer(&mut self) -> u64 {
        let timer = self.config.timer;
        let due = (self.time - self.next_interrupt) / timer + 1;
        self.next_interrupt = self.next_interrupt.saturating_add(due.saturating_mul(timer));
        for _ in 0..due.min(MAX_USEFUL_INTERRUPTS) {
            self.policy.timer(&mut self.frames);
        }
        due
    }

    /// The background reclaimer: below `low` free frames, evict until `high` are free.
    #[inline]
    fn reclaim(&mut self) {
        if let Some((low, _)) = self.config.reclaim {
            if self.frames.free_count() < low {
                self.reclaim_now();
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn reclaim_now(&mut self) {
        let Some((_, high)) = self.config.reclaim else {
            return;
        };
        while self.frames.free_count() < high && self.frames.used() > 0 {
            match self.evict() {
                Ok(eviction) => {
                    self.frames.release(eviction.frame);
                    let free_frames = self.frames.free_count();
                    self.log(Event::Reclaim { eviction, free_frames });
                }
                Err(_) => break, // swap full: the reclaimer gives up; a fault will report it
            }
        }
    }

    // ----- eviction ---------------------------------------------------------------------------

    /// Asks the policy for a victim and takes its page out of memory (writing it to swap if it
    /// has no valid copy there). The frame is left empty and out of the free pool.
    fn evict(&mut self) -> Result<Eviction, SwapFull> {
        let f = self.policy.victim(&mut self.frames).expect("evict() is only called while a frame is in use");
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
                self.swap.release(entry.swap_copy); // stale: the page changed since
            }
            let data = self.frames.get_mut(f).data.take();
            let slot = self.swap.store(vpid, vvpn, data).expect("a free slot was checked");
            EvictionFate::SwappedOut { slot, dirty }
        };
        self.tlb.invalidate(entry.tlb_slot, vpid, vvpn);
        self.policy.removed(f);
        self.frames.clear(f);
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
        Ok(Eviction { pid: vpid, vpn: vvpn, frame: f, fate })
    }

    // ----- accesses ---------------------------------------------------------------------------

    /// Reads the byte at `addr`. Faults are events, not errors: the returned event says what
    /// happened; `Err` means the request itself was invalid (unknown process, address too wide).
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
        Ok(self.access_valid(p, addr, kind, value, next_use))
    }

    /// [`Machine::access`] for a request already checked: `p` is a running process and `addr`
    /// fits the address space. Trace replays call this directly, a million times a second.
    pub(crate) fn access_valid(
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
        let ctx = AccessCtx { write, next_use };

        // Fast path, one page-table walk: the page is resident.
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
                            self.swap.release(pte.swap_copy); // the copy in swap is stale now
                            pte.swap_copy = NONE;
                        }
                    }
                    Ok(Some((f, pte.code)))
                }
            }
            _ => Ok(None),
        };
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
        let page_size = self.config.page_size as usize;
        let data = &mut self.frames.get_mut(frame).data;
        event.value = match value {
            Some(v) => {
                data.get_or_insert_with(|| vec![0; page_size].into_boxed_slice())[offset] = v;
                v
            }
            None if write => 0,
            None => match data {
                Some(bytes) => bytes[offset],
                None if code => code_byte(vpn, offset),
                None => 0,
            },
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
                self.frames.get_mut(f).data = self.swap.read(slot);
                FaultKind::FromSwap { slot }
            }
            None if code => FaultKind::CodeFromFile,
            None => FaultKind::ZeroFill,
        };
        let mut swap_copy = swapped_slot.unwrap_or(NONE);
        if write {
            self.frames.get_mut(f).dirty = true;
            if swap_copy != NONE {
                self.swap.release(swap_copy);
                swap_copy = NONE;
            }
        }
        let tlb_slot = if self.tlb.enabled() { self.tlb.insert(pid, vpn) } else { NONE };
        let pte = Pte { state: PteState::Resident, perms, code, loc: f, swap_copy, tlb_slot, valid: true };
        self.processes[p].page_table.insert(vpn, pte);
        self.policy.loaded(f, ctx, &self.frames);
        let major = fault.is_major();
        for stats in [&mut self.stats, &mut self.processes[p].stats] {
            stats.resident += 1;
            if major {
                stats.swapped -= 1;
                stats.major_faults += 1;
                stats.swap_ins += 1;
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

    // ----- checking ---------------------------------------------------------------------------

    /// Verifies that frames, page tables, swap slots, the policy and the statistics agree. Used by
    /// the property tests after every step; returns what disagrees.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut resident = 0u64;
        let mut swapped = 0u64;
        let mut slot_refs = 0u64;
        for (pid, proc) in self.processes.iter().enumerate() {
            let pid = pid as u32;
            let (mut p_res, mut p_swp) = (0u64, 0u64);
            let vpns = proc.page_table.valid_in_range(0, u64::MAX);
            if !proc.alive() && !vpns.is_empty() {
                return Err(format!("{} has ended but still maps pages {vpns:?}", proc.name));
            }
            for vpn in vpns {
                let pte = proc.page_table.get(vpn).ok_or("valid_in_range returned an absent page")?;
                if !proc.flat && (vpn == 0 || proc.region_of(vpn).is_none()) {
                    return Err(format!("{} maps page {vpn} outside every region", proc.name));
                }
                match pte.state {
                    PteState::Resident => {
                        p_res += 1;
                        let fr = self.frames.get(pte.loc);
                        if (fr.owner, fr.vpn) != (pid, vpn) {
                            return Err(format!(
                                "{} page {vpn} says frame {} but the frame disagrees",
                                proc.name, pte.loc
                            ));
                        }
                        if pte.swap_copy != NONE {
                            slot_refs += 1;
                            let s = self.swap.get(pte.swap_copy);
                            if (s.owner, s.vpn) != (pid, vpn) || fr.dirty {
                                return Err(format!("{} page {vpn}: bad swap copy {}", proc.name, pte.swap_copy));
                            }
                            if s.data != fr.data {
                                return Err(format!("{} page {vpn}: swap copy differs from memory", proc.name));
                            }
                        }
                    }
                    PteState::Swapped => {
                        p_swp += 1;
                        slot_refs += 1;
                        let s = self.swap.get(pte.loc);
                        if (s.owner, s.vpn) != (pid, vpn) {
                            return Err(format!(
                                "{} page {vpn} says slot {} but the slot disagrees",
                                proc.name, pte.loc
                            ));
                        }
                    }
                    PteState::Empty => {
                        if !pte.code {
                            return Err(format!("{} page {vpn}: an empty entry that is not code", proc.name));
                        }
                    }
                }
            }
            if (p_res, p_swp) != (proc.stats.resident, proc.stats.swapped) {
                return Err(format!(
                    "{}: {p_res} resident / {p_swp} swapped pages, statistics say {} / {}",
                    proc.name, proc.stats.resident, proc.stats.swapped
                ));
            }
            resident += p_res;
            swapped += p_swp;
        }
        if resident != self.frames.used() as u64 || resident != self.stats.resident {
            return Err(format!(
                "{resident} resident pages, {} frames in use, statistics say {}",
                self.frames.used(),
                self.stats.resident
            ));
        }
        if swapped != self.stats.swapped || slot_refs != self.swap.used() as u64 {
            return Err(format!(
                "{swapped} swapped pages and {slot_refs} slot references, {} slots in use",
                self.swap.used()
            ));
        }
        let mut owned = 0u64;
        for f in 0..self.frames.len() {
            let fr = self.frames.get(f);
            if fr.owner == NONE {
                continue;
            }
            owned += 1;
            let pte = self.processes.get(fr.owner as usize).and_then(|p| p.page_table.get(fr.vpn));
            if !matches!(pte, Some(pte) if pte.state == PteState::Resident && pte.loc == f) {
                return Err(format!("frame {f} is owned by a page that does not map it"));
            }
        }
        if owned != resident {
            return Err(format!("{owned} frames have owners, {resident} pages are resident"));
        }
        let order = self.policy.order(&self.frames);
        if order.len() as u64 != resident {
            return Err(format!("the policy tracks {} frames, {resident} are in use", order.len()));
        }
        Ok(())
    }
}

/// The bytes of the simulated executable: a fixed pattern per page, so reading code gives the same
/// answer before and after the page is dropped and re-read from the file.
pub fn code_byte(vpn: u64, offset: usize) -> u8 {
    let x = vpn.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (offset as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (x >> 56) as u8
}
