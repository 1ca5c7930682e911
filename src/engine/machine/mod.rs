//! The machine: processes, physical frames, swap, TLB and the replacement policy, and the
//! operations on them (spawn, allocate, free, read, write, tick, exit).
//!
//! Every operation either returns a [`SimError`] and changes nothing, or does its work and appends
//! typed [`Event`]s to the log. An access is O(levels) for the walk plus the policy's O(1) or
//! O(log frames), and allocates nothing unless it writes the first byte of a page.
//!
//! The code is split by concern: this file holds the state, inspection and the life of processes
//! and regions; [`access`](self::access) the access path and eviction; [`time`](self::time) the
//! clock, timer interrupts and the reclaimer; [`invariants`](self::invariants) the consistency check
//! the property tests run after every step.
//!
//! Cloning a machine is cheap and shares its storage (see [`super::cow`]): that is what the scenario
//! runner's checkpoints are.

mod access;
mod huge;
mod importance;
mod invariants;
mod physical;
mod share;
mod tables;
mod time;

use super::budget::{self, Usage};
use super::config::{Config, VmMode};
use super::cow::Snapshot;
use super::error::{AllocError, NameKind, RegionRef, SimError};
use super::events::Event;
use super::frame_table::FrameTable;
use super::page_table::{PageTable, PteState, NONE};
use super::policy::{Policy, ReplacementPolicy};
use super::process::{valid_name, Block, ExitCause, Importance, Perms, Process, Region, Regions};
use super::sharing::{ObjectKind, Objects, Rmap, MAP_ENTRY_COST};
use super::stats::Stats;
use super::swap::SwapDisk;
use super::tlb::{Tlb, HUGE_TAG};

pub use access::code_byte;

/// One TLB entry: whose translation, of which page (a huge page's first), to which frame, in
/// which set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlbEntry {
    pub pid: Pid,
    pub vpn: u64,
    pub frame: u32,
    pub set: u32,
    pub huge: bool,
}
pub use physical::PhysicalUse;

/// Process id: an index, never reused within one machine.
pub type Pid = u32;

pub use crate::limits::MAX_PROCESSES;

/// Latest time the clock can show (time crosses to the page in events and statistics). A `tick`
/// past it is refused; accesses at the end of time leave the clock there.
pub use crate::limits::MAX_TIME;

#[derive(Clone, Debug)]
pub struct Machine {
    config: Config,
    /// A plain vector: every access touches its process, and a checkpoint's copy of a process is
    /// shallow (its page table's arenas and its regions are shared).
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
    /// What the state costs now, against `config.budget`.
    usage: Usage,
    /// The most one access can add to `usage` (new page tables, a frame, a slot, page bytes).
    access_growth: u64,
    /// Page bytes copied since the last checkpoint because a checkpoint shared them.
    shared_copies: u64,
    /// Frames and swap slots mapped by more than one page: the mappings beyond the first.
    frame_maps: Rmap,
    slot_maps: Rmap,
    /// Executables, shared-memory objects and mapped files.
    objects: Objects,
    /// Something has been shared (a fork, a shared object or file, a second mapping of a frame).
    sharing_seen: bool,
    /// A huge-page region has been allocated: a first touch checks its region for `huge`.
    huge_seen: bool,
    /// Pages a huge page covers, as a shift (`Config::huge_shift`).
    huge_shift: u32,
}

/// A frozen machine: what the scenario runner keeps for going back. Only [`Checkpoint::restore`]
/// reads it.
#[derive(Debug)]
pub struct Checkpoint(Machine);

impl Checkpoint {
    /// A live machine in the checkpoint's state. Its next checkpoint shares what did not change.
    pub fn restore(&self) -> Machine {
        let m = &self.0;
        Machine {
            config: m.config.clone(),
            processes: m.processes.iter().map(Snapshot::thaw).collect(),
            frames: m.frames.thaw(),
            swap: m.swap.thaw(),
            tlb: m.tlb.thaw(),
            policy: m.policy.thaw(),
            stats: m.stats.clone(),
            events: Vec::new(),
            frame_maps: m.frame_maps.clone(),
            slot_maps: m.slot_maps.clone(),
            objects: m.objects.clone(),
            ..*m
        }
    }
}

impl Machine {
    pub fn new(config: Config) -> Result<Machine, SimError> {
        config.validate().map_err(SimError::Config)?;
        let config_timer = config.timer;
        let config_huge_shift = config.huge_shift();
        let table = PageTable::new(&config);
        let access_growth =
            table.max_insert_growth() as u64 + budget::FRAME_COST + budget::SLOT_COST + budget::MAX_WRITE_GROWTH;
        Ok(Machine {
            frames: FrameTable::new(config.frames),
            swap: SwapDisk::new(config.swap_slots),
            tlb: Tlb::new(config.tlb_entries, config.tlb_ways),
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
            usage: Usage::default(),
            access_growth,
            shared_copies: 0,
            frame_maps: Rmap::default(),
            slot_maps: Rmap::default(),
            objects: Objects::default(),
            sharing_seen: false,
            huge_seen: false,
            huge_shift: config_huge_shift,
        })
    }

    // ----- inspection -------------------------------------------------------------------------

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Has anything been shared in this run (a fork, shared memory, a file, a frame mapped twice)?
    pub fn sharing_seen(&self) -> bool {
        self.sharing_seen
    }

    /// Time units elapsed (one per access plus idle ticks), at most [`MAX_TIME`].
    pub fn time(&self) -> u64 {
        self.time
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Every process ever spawned, by pid.
    pub fn processes(&self) -> impl Iterator<Item = &Process> + '_ {
        self.processes.iter()
    }

    pub fn process_count(&self) -> usize {
        self.processes.len()
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

    /// Would an access by `pid` to `vpn` hit the TLB now? The same O(1) check the access path
    /// makes (the entry's TLB slot), without making the entry most recently used.
    pub fn tlb_would_hit(&self, pid: Pid, vpn: u64) -> bool {
        (self.running == Some(pid) || self.config.asid)
            && self.process(pid).and_then(|p| p.page_table.get(vpn)).is_some_and(|pte| {
                let tag = if pte.huge { huge::huge_tag(vpn, self.huge_shift) } else { vpn };
                pte.state == PteState::Resident && self.tlb.holds(pte.tlb_slot.get(), pid, tag)
            })
    }

    /// Valid TLB entries, least recently used first (set by set): an entry caches a resident
    /// page's translation, so each has its frame; a huge page's entry names its first page and
    /// frame.
    pub fn tlb_entries(&self) -> Vec<TlbEntry> {
        let frame =
            |pid: Pid, vpn: u64| self.process(pid).and_then(|p| p.page_table.get(vpn)).map_or(NONE, |pte| pte.loc);
        self.tlb
            .entries()
            .into_iter()
            .map(|(pid, tag)| {
                let huge = tag & HUGE_TAG != 0;
                let vpn = if huge { (tag & !HUGE_TAG) << self.huge_shift } else { tag };
                TlbEntry { pid, vpn, frame: frame(pid, vpn), set: self.tlb.set_of(tag), huge }
            })
            .collect()
    }

    /// The TLB's sets and entries per set (one set of all of them when fully associative).
    pub fn tlb_shape(&self) -> (u32, u32) {
        self.tlb.shape()
    }

    pub fn tlb_capacity(&self) -> u32 {
        self.tlb.capacity()
    }

    /// The first `limit` resident frames in the policy's order (next victim first for fifo, lru,
    /// lfu, opt, nru, aging).
    pub fn policy_order(&self, limit: usize) -> Vec<u32> {
        self.policy.order(&self.frames, limit)
    }

    /// The policy's number for a frame: aging counter, LFU count, OPT next use, NRU class.
    pub fn policy_value(&self, frame: u32) -> Option<u64> {
        if frame >= self.frames.high_water() || !self.frames.evictable(frame) {
            return None;
        }
        self.policy.frame_value(frame, &self.frames)
    }

    pub fn clock_hand(&self) -> Option<u32> {
        self.policy.hand()
    }

    /// What the machine's state costs now, counted against `config.budget`.
    pub fn usage(&self) -> Usage {
        let mut u = self.usage;
        u.records +=
            self.frames.high_water() as u64 * budget::FRAME_COST + self.swap.high_water() as u64 * budget::SLOT_COST;
        u
    }

    /// Freezes the machine for the scenario runner's history: the checkpoint shares every chunk
    /// of state that did not change since the previous checkpoint (see [`super::cow`]). Returns
    /// it with what it costs: the chunks it copied, its pointers, and page bytes that writes had
    /// to copy since the previous checkpoint because it shared them.
    pub fn checkpoint(&mut self) -> (Checkpoint, usize) {
        let mut bytes = std::mem::take(&mut self.shared_copies) as usize + std::mem::size_of::<Machine>();
        let mut processes = Vec::with_capacity(self.processes.len());
        for p in &mut self.processes {
            let (frozen, n) = p.freeze();
            processes.push(frozen);
            bytes += n;
        }
        let (frames, a) = self.frames.freeze();
        let (swap, b) = self.swap.freeze();
        let (tlb, c) = self.tlb.freeze();
        let (policy, d) = self.policy.freeze();
        bytes += a + b + c + d + self.stats.fault_rate.faults.len() * 4;
        bytes += self.frame_maps.take_changed_bytes() + self.slot_maps.take_changed_bytes();
        bytes += self.objects.take_changed_bytes();
        let frozen = Machine {
            config: self.config.clone(),
            processes,
            frames,
            swap,
            tlb,
            policy,
            stats: self.stats.clone(),
            events: Vec::new(),
            frame_maps: self.frame_maps.clone(),
            slot_maps: self.slot_maps.clone(),
            objects: self.objects.clone(),
            ..*self
        };
        (Checkpoint(frozen), bytes)
    }

    /// The most recent running process with this name.
    pub fn pid_of(&self, name: &str) -> Result<Pid, SimError> {
        let mut found = None;
        for (i, p) in self.processes.iter().enumerate() {
            if p.name == name {
                found = Some(i);
                if p.alive() {
                    return Ok(i as Pid);
                }
            }
        }
        match found {
            Some(i) => Err(SimError::ProcessExited {
                name: name.to_string(),
                cause: self.processes[i].ended.unwrap_or(ExitCause::Exited),
            }),
            None => Err(SimError::UnknownProcess(name.to_string())),
        }
    }

    /// The name of process `pid`, or of the shared object whose owner word it is (a frame or slot
    /// an object holds while no process maps it).
    pub fn name_of(&self, pid: Pid) -> &str {
        if let Some(id) = super::sharing::owner_object(pid) {
            return self.objects.try_get(id).map_or("?", |o| &o.name);
        }
        self.processes.get(pid as usize).map_or("?", |p| p.name.as_str())
    }

    // ----- events -----------------------------------------------------------------------------

    /// Turns the event log on or off (trace replays of millions of accesses keep only statistics).
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
    }

    pub fn recording(&self) -> bool {
        self.recording
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

    // ----- the budget -------------------------------------------------------------------------

    /// Refuses an operation that could add `growth` bytes past the budget.
    #[inline]
    fn check_budget(&self, growth: u64) -> Result<(), SimError> {
        if self.usage().total().saturating_add(growth) > self.config.budget {
            return Err(self.over_budget());
        }
        Ok(())
    }

    #[cold]
    fn over_budget(&self) -> SimError {
        SimError::Budget { usage: self.usage(), limit: self.config.budget }
    }

    // ----- processes and regions --------------------------------------------------------------

    fn live(&self, pid: Pid) -> Result<usize, SimError> {
        let p = self.processes.get(pid as usize).ok_or(SimError::UnknownPid(pid))?;
        if let Some(cause) = p.ended {
            return Err(SimError::ProcessExited { name: p.name.clone(), cause });
        }
        Ok(pid as usize)
    }

    /// Starts a process with `code_pages` read-only code pages mapped from page 1, running the
    /// executable named after it.
    pub fn spawn(&mut self, name: &str, code_pages: u64) -> Result<Pid, SimError> {
        self.spawn_exe(name, code_pages, None)
    }

    /// Starts a process running executable `exe` (default: its own name) with `code_pages` code
    /// pages from page 1. Processes running the same executable share its code pages' frames.
    pub fn spawn_exe(&mut self, name: &str, code_pages: u64, exe: Option<&str>) -> Result<Pid, SimError> {
        if let Some(e) = exe.filter(|e| !valid_name(e)) {
            return Err(SimError::BadName { what: NameKind::Executable, name: e.to_string() });
        }
        if code_pages >= self.config.pages_per_space() {
            let space = self.config.pages_per_space();
            return Err(SimError::BadAllocation(AllocError::CodeTooLarge { pages: code_pages, space }));
        }
        self.new_process(name, false, code_pages, exe)
    }

    /// Starts a process whose whole address space is valid and writable, with no guard page: for
    /// textbook reference strings (page 0 included) and traces.
    pub fn spawn_flat(&mut self, name: &str) -> Result<Pid, SimError> {
        self.new_process(name, true, 0, None)
    }

    fn new_process(&mut self, name: &str, flat: bool, code_pages: u64, exe: Option<&str>) -> Result<Pid, SimError> {
        let pid = self.create_process(name, flat, code_pages > 0)?;
        if self.config.vm != VmMode::Paging {
            return Ok(self.start_physical(pid, flat, code_pages));
        }
        let mut exe_id = NONE;
        if code_pages > 0 {
            let exe = exe.unwrap_or(name);
            exe_id = match self.objects.find(ObjectKind::Exe, exe) {
                Some(id) => id,
                None => self.objects.create(ObjectKind::Exe, exe, code_pages),
            };
            let object = self.objects.get_mut(exe_id);
            object.pages = object.pages.max(code_pages);
            object.mappings.insert_mut((pid, 1));
            self.usage.records += MAP_ENTRY_COST;
            self.processes[pid as usize].regions.insert(Region {
                start_vpn: 1,
                pages: code_pages,
                perms: Perms::RX,
                label: "code".into(),
                code: true,
                object: Some(exe_id),
                huge: false,
            });
            self.usage.records += budget::REGION_COST;
        }
        self.log(Event::Spawn { pid, code_pages, flat, exe: exe_id });
        Ok(pid)
    }

    /// A new process with no regions, not logged (spawn and fork log it).
    fn create_process(&mut self, name: &str, flat: bool, with_code: bool) -> Result<Pid, SimError> {
        if !valid_name(name) {
            return Err(SimError::BadName { what: NameKind::Process, name: name.to_string() });
        }
        if self.processes.iter().any(|p| p.alive() && p.name == name) {
            return Err(SimError::NameTaken(name.to_string()));
        }
        if self.processes.len() >= MAX_PROCESSES {
            return Err(SimError::TooManyProcesses { max: MAX_PROCESSES });
        }
        self.check_budget(budget::PROCESS_COST + if with_code { budget::REGION_COST } else { 0 })?;
        // With page tables in frames and none free, the top-level table's frame may have to be
        // taken from a victim; if none can go, the search for one (a clock hand, cleared bits)
        // is undone with the rest: a refused spawn changes nothing.
        let before = (self.config.tables_in_ram && self.frames.free_count() == 0).then(|| self.clone());
        let pid = self.processes.len() as Pid;
        let regions = Regions::default();
        let page_table = PageTable::new(&self.config);
        self.usage.page_tables += page_table.heap_bytes() as u64;
        self.processes.push(Process {
            name: name.to_string(),
            ended: None,
            flat,
            page_table,
            regions,
            stats: Stats::default(),
            next_label: 1,
            importance: Importance::Normal,
            block: Block::default(),
        });
        self.usage.records += budget::PROCESS_COST;
        if self.config.tables_in_ram {
            if let Err(e) = self.take_root_table(pid as usize) {
                match before {
                    Some(before) => *self = before,
                    None => {
                        let dropped = self.processes.pop().expect("just pushed");
                        self.usage.records -= budget::PROCESS_COST;
                        self.usage.page_tables -= dropped.page_table.heap_bytes() as u64;
                    }
                }
                return Err(e);
            }
        }
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
        self.allocate_shared(pid, bytes, perms, at, label, None)
    }

    /// [`Machine::allocate`], mapping shared-memory object or file `share` (created on first use
    /// with this size; later mappings must fit in it) instead of private memory.
    pub fn allocate_shared(
        &mut self,
        pid: Pid,
        bytes: u64,
        perms: Perms,
        at: Option<u64>,
        label: Option<&str>,
        share: Option<(ObjectKind, &str)>,
    ) -> Result<u64, SimError> {
        self.allocate_region(pid, bytes, perms, at, label, share, false)
    }

    /// [`Machine::allocate`] with huge pages (README, *Huge pages*): `bytes` rounded up to whole
    /// huge pages, at a huge-page boundary. Each huge page is one fault (zero-filling all of it),
    /// one TLB entry, and frames in a row that stay until it is freed.
    pub fn allocate_huge(
        &mut self,
        pid: Pid,
        bytes: u64,
        perms: Perms,
        at: Option<u64>,
        label: Option<&str>,
    ) -> Result<u64, SimError> {
        if let Some(why) = self.config.huge_problem() {
            return Err(SimError::BadAllocation(AllocError::NoHugePages { why }));
        }
        self.allocate_region(pid, bytes, perms, at, label, None, true)
    }

    #[allow(clippy::too_many_arguments)] // the request's parts, as the scenario line gives them
    fn allocate_region(
        &mut self,
        pid: Pid,
        bytes: u64,
        perms: Perms,
        at: Option<u64>,
        label: Option<&str>,
        share: Option<(ObjectKind, &str)>,
        huge: bool,
    ) -> Result<u64, SimError> {
        let p = self.live(pid)?;
        let page = self.config.page_size;
        let space = self.config.pages_per_space();
        let proc = &self.processes[p];
        let bad = |e: AllocError| Err(SimError::BadAllocation(e));
        if proc.flat {
            return bad(AllocError::Flat { name: proc.name.clone() });
        }
        if bytes == 0 {
            return bad(AllocError::ZeroSize);
        }
        if perms.bits() == 0 {
            return bad(AllocError::NoPermissions);
        }
        // A huge-page region holds whole huge pages.
        let align = if huge { 1u64 << self.config.huge_shift() } else { 1 };
        let pages = bytes.div_ceil(page).div_ceil(align).saturating_mul(align);
        if pages >= space {
            return bad(AllocError::TooLarge { bytes, space });
        }
        let label = match label {
            Some(l) if !valid_name(l) => return bad(AllocError::BadLabel { label: l.to_string() }),
            Some(l) if proc.region_by_label(l).is_some() => {
                return bad(AllocError::LabelTaken { name: proc.name.clone(), label: l.to_string() })
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
        if self.config.vm != VmMode::Paging {
            if let Some((kind, _)) = share {
                return bad(AllocError::NeedsPaging { what: kind.word(), vm: self.config.vm.name() });
            }
            if self.config.vm == VmMode::Base {
                if at.is_some() {
                    return bad(AllocError::AtInBlock);
                }
                return self.allocate_in_block(p, pages, perms, label);
            }
        }
        let at_vpn = match at {
            Some(addr) if addr % (page * align) != 0 => {
                return bad(AllocError::NotAligned { addr, page_size: page * align })
            }
            Some(addr) if !self.config.in_space(addr) => {
                return bad(AllocError::OutsideSpace { addr, va_bits: self.config.va_bits })
            }
            Some(addr) => Some(addr >> self.page_shift),
            None => None,
        };
        let start = proc.place_aligned(pages, at_vpn, space, align).map_err(SimError::BadAllocation)?;
        let existing = match share {
            Some((ObjectKind::Exe, _)) => return bad(AllocError::ExeByAlloc),
            Some((kind, name)) if !valid_name(name) => {
                return bad(AllocError::BadObjectName { kind, name: name.to_string() })
            }
            Some((kind, name)) => match self.objects.find(kind, name) {
                Some(id) if self.objects.get(id).pages < pages => {
                    let have = self.objects.get(id).pages;
                    return bad(AllocError::ObjectTooSmall { kind, name: name.to_string(), have, want: pages });
                }
                found => found,
            },
            None => None,
        };
        // The region, and for an object its mapping and (if new) its record.
        let object_cost = match (share, existing) {
            (None, _) => 0,
            (Some(_), Some(_)) => MAP_ENTRY_COST,
            (Some((_, name)), None) => MAP_ENTRY_COST + budget::OBJECT_COST + name.len() as u64,
        };
        self.check_budget(budget::REGION_COST + object_cost)?;
        let object = share.map(|(kind, name)| {
            existing.unwrap_or_else(|| {
                self.usage.records += budget::OBJECT_COST + name.len() as u64;
                self.objects.create(kind, name, pages)
            })
        });
        let proc = &mut self.processes[p];
        if label.starts_with('r') && label[1..].parse::<u32>().is_ok() {
            proc.next_label = proc.next_label.saturating_add(1);
        }
        proc.regions.insert(Region { start_vpn: start, pages, perms, label: label.clone(), code: false, object, huge });
        self.huge_seen |= huge;
        self.usage.records += budget::REGION_COST;
        if let Some(id) = object {
            self.sharing_seen = true;
            self.attach(p, id, start);
        }
        self.log(Event::Allocate { pid, label, start_vpn: start, pages, perms, object: object.unwrap_or(NONE), huge });
        Ok(start << self.page_shift)
    }

    /// Unmaps the region containing `addr` and releases its frames and swap slots.
    pub fn free(&mut self, pid: Pid, addr: u64) -> Result<(), SimError> {
        let p = self.live(pid)?;
        let vpn = addr >> self.page_shift;
        let proc = &self.processes[p];
        let start = match proc.region_of(vpn) {
            Some(r) if self.config.in_space(addr) => r.start_vpn,
            _ => return Err(SimError::NotAllocated { name: proc.name.clone(), region: RegionRef::Addr(addr) }),
        };
        self.free_region(p, start);
        Ok(())
    }

    /// Unmaps the region called `label`.
    pub fn free_label(&mut self, pid: Pid, label: &str) -> Result<(), SimError> {
        let p = self.live(pid)?;
        let proc = &self.processes[p];
        let start = proc.region_by_label(label).map(|r| r.start_vpn).ok_or_else(|| SimError::NotAllocated {
            name: proc.name.clone(),
            region: RegionRef::Label(label.to_string()),
        })?;
        self.free_region(p, start);
        Ok(())
    }

    fn free_region(&mut self, p: usize, start: u64) {
        // Pages first: releasing a file's page finds the file through the region.
        let (lo, hi) = self.processes[p].regions.region_of(start).map(|r| (r.start_vpn, r.end_vpn())).unwrap_or((0, 0));
        let (mut frames, mut slots) = self.release_pages(p, lo, hi);
        let region = self.processes[p].regions.remove(start).expect("region looked up by caller");
        self.usage.records -= budget::REGION_COST;
        let (f, s) = self.detach(p, &region);
        frames += f;
        slots += s;
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
            let Some(&pte) = self.processes[p].page_table.get(vpn) else {
                continue;
            };
            let (f, s) = self.drop_mapping(p, vpn, pte);
            self.processes[p].page_table.remove(vpn);
            frames += f + self.release_table_frames(p);
            slots += s;
        }
        (frames, slots)
    }

    /// Empties frame `f`, returns it to the free pool and stops counting its bytes.
    fn release_frame(&mut self, f: u32) {
        let bytes = data_bytes(&self.frames.get(f).data);
        self.usage.add_data(-bytes);
        self.frames.release(f);
    }

    /// Frees swap slot `s` and stops counting its bytes.
    fn release_slot(&mut self, s: u32) {
        let bytes = data_bytes(&self.swap.get(s).data);
        self.usage.add_data(-bytes);
        self.swap.release(s);
    }

    /// Ends a process normally, freeing all its memory.
    pub fn exit(&mut self, pid: Pid) -> Result<(), SimError> {
        let p = self.live(pid)?;
        self.end_process(p, ExitCause::Exited);
        Ok(())
    }

    fn end_process(&mut self, p: usize, cause: ExitCause) {
        let (mut frames, mut slots) = self.release_pages(p, 0, u64::MAX);
        frames += self.release_all_tables(p);
        if self.config.vm == VmMode::Base {
            frames += self.release_block(p);
        }
        let regions: Vec<Region> = self.processes[p].regions.iter().cloned().collect();
        for r in &regions {
            let (f, s) = self.detach(p, r);
            frames += f;
            slots += s;
        }
        let fresh = PageTable::new(&self.config);
        let proc = &mut self.processes[p];
        self.usage.records -= budget::REGION_COST * proc.regions.len() as u64;
        self.usage.page_tables -= proc.page_table.heap_bytes() as u64;
        self.usage.page_tables += fresh.heap_bytes() as u64;
        proc.regions.clear();
        // An ended process keeps its name and statistics; its tables go.
        proc.page_table = fresh;
        proc.ended = Some(cause);
        if self.running == Some(p as Pid) {
            self.running = None;
        }
        self.log(Event::Exit { pid: p as Pid, cause, frames_released: frames, slots_released: slots });
    }
}

/// Heap bytes of page data, as the budget counts them.
fn data_bytes(data: &super::page_data::SharedData) -> isize {
    data.as_ref().map_or(0, |d| (d.heap_bytes() + std::mem::size_of::<super::page_data::PageData>() + 16) as isize)
}
