//! Sharing (README, *Memory that processes share*): fork with copy-on-write, shared objects' mappings, and dropping one
//! mapping of a page that others may still map. The access path's side (copy-on-write faults,
//! pages already in memory, evicting a shared frame) is in [`access`](super::access).

use super::huge::huge_tag;
use super::{data_bytes, Machine, Pid};
use crate::engine::budget;
use crate::engine::error::SimError;
use crate::engine::events::Event;
use crate::engine::page_data::SharedData;
use crate::engine::page_table::{Backing, Pte, PteState, TlbSlot, NONE};
use crate::engine::policy::ReplacementPolicy;
use crate::engine::process::{Process, Region};
use crate::engine::sharing::{object_owner, owner_object, Mapping, ObjectKind, ObjectPage, Objects, MAP_ENTRY_COST};

impl Machine {
    // ----- inspection -------------------------------------------------------------------------

    /// The pages that map frame `f`: its owner first (empty if the frame is free, or held by a
    /// shared object that no process maps at the moment).
    pub fn frame_mappers(&self, f: u32) -> Vec<Mapping> {
        let fr = self.frames.get(f);
        if fr.owner == NONE || owner_object(fr.owner).is_some() {
            return Vec::new();
        }
        let mut v = vec![(fr.owner, fr.vpn)];
        v.extend(self.frame_maps.others(f));
        v
    }

    /// How many pages map frame `f` (0 if free or held by an object alone).
    pub fn frame_map_count(&self, f: u32) -> u32 {
        let owner = self.frames.get(f).owner;
        if owner == NONE || owner_object(owner).is_some() {
            0
        } else {
            1 + self.frame_maps.count(f)
        }
    }

    /// The pages that map swap slot `s`: its owner first (for a swap copy of a resident page,
    /// the page's owner).
    pub fn slot_mappers(&self, s: u32) -> Vec<Mapping> {
        let slot = self.swap.get(s);
        if slot.owner == NONE || owner_object(slot.owner).is_some() {
            return Vec::new();
        }
        let mut v = vec![(slot.owner, slot.vpn)];
        v.extend(self.slot_maps.others(s));
        v
    }

    pub fn slot_map_count(&self, s: u32) -> u32 {
        let owner = self.swap.get(s).owner;
        if owner == NONE || owner_object(owner).is_some() {
            0
        } else {
            1 + self.slot_maps.count(s)
        }
    }

    /// The shared object holding frame `f` while no process maps it, with the object's page.
    pub fn frame_holder(&self, f: u32) -> Option<(u32, u64)> {
        let fr = self.frames.get(f);
        owner_object(fr.owner).map(|id| (id, fr.vpn))
    }

    /// The shared object holding swap slot `s` while no process maps it, with the object's page.
    pub fn slot_holder(&self, s: u32) -> Option<(u32, u64)> {
        let slot = self.swap.get(s);
        owner_object(slot.owner).map(|id| (id, slot.vpn))
    }

    /// The swap slot holding a clean copy of frame `f`'s page (every mapper's entry names it),
    /// or [`NONE`].
    pub(super) fn frame_swap_copy(&self, f: u32) -> u32 {
        let fr = self.frames.get(f);
        if fr.owner == NONE || owner_object(fr.owner).is_some() {
            return NONE;
        }
        self.processes[fr.owner as usize].page_table.get(fr.vpn).map_or(NONE, |e| e.swap_copy)
    }

    /// Frames mapped by more than one page.
    pub fn shared_frames(&self) -> u64 {
        self.frame_maps.len() as u64
    }

    /// Frames mapped by more than one page, with their mappings beyond the owner.
    pub fn shared_frame_list(&self) -> impl Iterator<Item = (u32, Vec<Mapping>)> + '_ {
        self.frame_maps.locations().map(|f| (f, self.frame_maps.others(f).collect()))
    }

    /// Swap slots mapped by more than one page, with their mappings beyond the owner.
    pub fn shared_slot_list(&self) -> impl Iterator<Item = (u32, Vec<Mapping>)> + '_ {
        self.slot_maps.locations().map(|s| (s, self.slot_maps.others(s).collect()))
    }

    /// Proportional set size of `pid`, in pages: each resident page it maps counts 1/k when k
    /// pages map its frame. O(shared frames): the unshared pages are its resident count.
    pub fn pss(&self, pid: Pid) -> f64 {
        let Some(p) = self.process(pid) else {
            return 0.0;
        };
        let mut pss = p.stats.resident as f64;
        for f in self.frame_maps.locations() {
            let k = self.frame_map_count(f);
            let mine =
                self.frame_maps.others(f).filter(|m| m.0 == pid).count() + (self.frames.get(f).owner == pid) as usize;
            pss -= mine as f64 * (1.0 - 1.0 / k as f64);
        }
        pss
    }

    pub fn objects(&self) -> &Objects {
        &self.objects
    }

    /// The shared object and its page number for page `vpn` of process `p`, if the page belongs
    /// to one.
    pub(super) fn object_page(&self, p: usize, vpn: u64) -> Option<(u32, u64)> {
        let r = self.processes[p].region_of(vpn)?;
        Some((r.object?, vpn - r.start_vpn))
    }

    /// What the pages of region `r` hold.
    pub(super) fn backing_of(&self, r: &Region) -> Backing {
        if r.code {
            return Backing::Code;
        }
        match r.object.map(|id| self.objects.get(id).kind) {
            Some(ObjectKind::File) => Backing::File,
            Some(ObjectKind::Shm) => Backing::Shm,
            _ => Backing::Private,
        }
    }

    // ----- mappings ---------------------------------------------------------------------------

    /// One more page maps frame `f`. A frame held by an object alone is now named by it.
    fn link_frame(&mut self, f: u32, m: Mapping) {
        if let Some(id) = owner_object(self.frames.get(f).owner) {
            self.objects.count_held(id, -1);
            self.frames.set_owner(f, m.0, m.1);
        } else {
            self.frame_maps.add(f, m);
            self.usage.records += MAP_ENTRY_COST;
        }
    }

    /// One more page maps swap slot `s`.
    fn link_slot(&mut self, s: u32, m: Mapping) {
        if let Some(id) = owner_object(self.swap.get(s).owner) {
            self.objects.count_held(id, -1);
            self.swap.set_owner(s, m.0, m.1);
        } else {
            self.slot_maps.add(s, m);
            self.usage.records += MAP_ENTRY_COST;
        }
    }

    /// Removes mapping `m` of frame `f`. True if other pages still map it (then it stays).
    pub(super) fn unlink_frame(&mut self, f: u32, m: Mapping, swap_copy: u32) -> bool {
        let fr = self.frames.get(f);
        if (fr.owner, fr.vpn) != m {
            let removed = self.frame_maps.remove(f, m);
            self.usage.records -= MAP_ENTRY_COST * removed as u64;
            return removed;
        }
        match self.frame_maps.pop(f) {
            Some(next) => {
                self.usage.records -= MAP_ENTRY_COST;
                self.frames.set_owner(f, next.0, next.1);
                if swap_copy != NONE {
                    self.swap.set_owner(swap_copy, next.0, next.1);
                }
                true
            }
            None => false,
        }
    }

    /// Removes mapping `m` of swap slot `s`. True if other pages still map it.
    pub(super) fn unlink_slot(&mut self, s: u32, m: Mapping) -> bool {
        let slot = self.swap.get(s);
        if (slot.owner, slot.vpn) != m {
            let removed = self.slot_maps.remove(s, m);
            self.usage.records -= MAP_ENTRY_COST * removed as u64;
            return removed;
        }
        match self.slot_maps.pop(s) {
            Some(next) => {
                self.usage.records -= MAP_ENTRY_COST;
                self.swap.set_owner(s, next.0, next.1);
                true
            }
            None => false,
        }
    }

    /// Moves every extra mapping of slot `s` to frame `f` (a page swapped in maps the frame for
    /// all of them).
    pub(super) fn move_others_to_frame(&mut self, s: u32, f: u32) -> Vec<Mapping> {
        let others = self.slot_maps.take(s);
        self.frame_maps.put(f, others.clone());
        others
    }

    /// Moves every extra mapping of frame `f` to slot `s` (an evicted page).
    pub(super) fn move_others_to_slot(&mut self, f: u32, s: u32) -> Vec<Mapping> {
        let others = self.frame_maps.take(f);
        self.slot_maps.put(s, others.clone());
        others
    }

    /// Drops process `p`'s mapping of page `vpn` (entry `pte`; the caller removes the entry).
    /// The frame or slot is released with its last mapping, unless it holds a page of a
    /// shared-memory object, which keeps it (the object owns its pages until it is destroyed);
    /// a dirty page of a file is written back to the file then. Returns the frames and slots
    /// released.
    pub(super) fn drop_mapping(&mut self, p: usize, vpn: u64, pte: Pte) -> (u64, u64) {
        let pid = p as Pid;
        match pte.state {
            PteState::Resident => {
                let tag = if pte.huge { huge_tag(vpn, self.huge_shift) } else { vpn };
                self.tlb.invalidate(pte.tlb_slot.get(), pid, tag);
                self.processes[p].stats.resident -= 1;
                if self.unlink_frame(pte.loc, (pid, vpn), pte.swap_copy) {
                    return (0, 0);
                }
                let f = pte.loc;
                let object = if pte.backing == Backing::Private { None } else { self.object_page(p, vpn) };
                let mut slots = 0;
                if pte.swap_copy != NONE {
                    // A clean copy only saves a write; the object does not keep it.
                    self.release_slot(pte.swap_copy);
                    slots = 1;
                }
                if let Some((id, idx)) = object.filter(|_| pte.shm()) {
                    self.frames.set_owner(f, object_owner(id), idx);
                    self.objects.count_held(id, 1);
                    return (0, slots);
                }
                if let Some((id, idx)) = object {
                    let dirty = self.frames.get(f).dirty;
                    self.objects.get_mut(id).located.remove_mut(&idx);
                    if pte.file() && dirty {
                        let data = self.frames.get(f).data.clone();
                        self.write_back(p, id, idx, data);
                    }
                }
                if !pte.huge {
                    self.policy.removed(f); // a huge page's frames are not the policy's
                }
                self.release_frame(f);
                self.stats.resident -= 1;
                (1, slots)
            }
            PteState::Swapped => {
                self.processes[p].stats.swapped -= 1;
                if self.unlink_slot(pte.loc, (pid, vpn)) {
                    return (0, 0);
                }
                if let Some((id, idx)) = self.object_page(p, vpn).filter(|_| pte.shm()) {
                    self.swap.set_owner(pte.loc, object_owner(id), idx);
                    self.objects.count_held(id, 1);
                    return (0, 0);
                }
                self.release_slot(pte.loc);
                self.stats.swapped -= 1;
                (0, 1)
            }
            PteState::Empty => (0, 0),
        }
    }

    /// Stores a dirty page of a file in the file, counted as a write by process `p`.
    pub(super) fn write_back(&mut self, p: usize, id: u32, idx: u64, data: SharedData) {
        let old = self.objects.get_mut(id).store(idx, data.clone());
        // The file's copy now holds the bytes the frame held.
        self.usage.add_data(data_bytes(&data) - data_bytes(&old));
        self.stats.file_writes += 1;
        self.processes[p].stats.file_writes += 1;
    }

    /// A region of process `p` at `start` now maps object `id`. Nothing is mapped yet: each page
    /// is mapped on the process's first touch of it (a minor fault if the object has it in memory).
    pub(super) fn attach(&mut self, p: usize, id: u32, start: u64) {
        self.objects.get_mut(id).mappings.insert_mut((p as Pid, start));
        self.usage.records += MAP_ENTRY_COST;
    }

    /// Inserts `pte` for page `vpn` of process `p` as one more mapping of its frame or slot.
    pub(super) fn add_mapping(&mut self, p: usize, vpn: u64, pte: Pte) {
        let pid = p as Pid;
        self.sharing_seen |= pte.state != PteState::Empty;
        match pte.state {
            PteState::Resident => {
                self.link_frame(pte.loc, (pid, vpn));
                self.processes[p].stats.resident += 1;
            }
            PteState::Swapped => {
                self.link_slot(pte.loc, (pid, vpn));
                self.processes[p].stats.swapped += 1;
            }
            PteState::Empty => {}
        }
        let table = &mut self.processes[p].page_table;
        let before = table.heap_bytes();
        table.insert(vpn, pte);
        self.usage.page_tables += (table.heap_bytes() - before) as u64;
    }

    /// Region `r` of process `p` no longer maps its object (its pages are dropped already). A
    /// shared-memory object that nobody maps any more is destroyed with the pages it holds.
    /// Returns the frames and slots released.
    pub(super) fn detach(&mut self, p: usize, r: &Region) -> (u64, u64) {
        let Some(id) = r.object else {
            return (0, 0);
        };
        let object = self.objects.get_mut(id);
        object.mappings.remove_mut(&(p as Pid, r.start_vpn));
        self.usage.records -= MAP_ENTRY_COST;
        if object.kind != ObjectKind::Shm || !object.mappings.is_empty() {
            return (0, 0);
        }
        let pages: Vec<ObjectPage> = object.located.values().copied().collect();
        let (mut frames, mut slots) = (0, 0);
        for page in pages {
            match page {
                ObjectPage::Frame(f) => {
                    debug_assert_eq!(self.frame_map_count(f), 0, "a destroyed object's frame is mapped");
                    self.policy.removed(f);
                    self.release_frame(f);
                    self.stats.resident -= 1;
                    frames += 1;
                }
                ObjectPage::Slot(s) => {
                    debug_assert_eq!(self.slot_map_count(s), 0, "a destroyed object's slot is mapped");
                    self.release_slot(s);
                    self.stats.swapped -= 1;
                    slots += 1;
                }
            }
        }
        self.usage.records -= MAP_ENTRY_COST * self.objects.get(id).located.size() as u64;
        self.objects.destroy(id);
        (frames, slots)
    }

    // ----- fork -------------------------------------------------------------------------------

    /// `fork`: a new process `child` with a copy of `parent`'s regions. Every page the parent has
    /// touched is now mapped by both, private pages copy-on-write; untouched pages stay untouched
    /// in both. Costs O(pages the parent has touched).
    pub fn fork(&mut self, parent: Pid, child: &str) -> Result<Pid, SimError> {
        let pp = self.live(parent)?;
        if self.config.vm != crate::engine::config::VmMode::Paging {
            return Err(SimError::BadAllocation(crate::engine::error::AllocError::NeedsPaging {
                what: "fork",
                vm: self.config.vm.name(),
            }));
        }
        let par: &Process = &self.processes[pp];
        if par.regions.iter().any(|r| r.huge) {
            return Err(SimError::BadAllocation(crate::engine::error::AllocError::NoHugePages {
                why: "fork of a process with huge pages is not modelled (its huge pages would be shared copy-on-write)"
                    .into(),
            }));
        }
        // The child's tables, regions, object mappings and one reverse-map entry per shared page.
        let growth = par.page_table.heap_bytes() as u64
            + par.regions.len() as u64 * (budget::REGION_COST + MAP_ENTRY_COST)
            + par.page_table.entry_count() * MAP_ENTRY_COST;
        self.check_budget(growth + budget::PROCESS_COST)?;
        // With page tables in frames the child's tables need frames, and a fork that cannot have
        // them fails as a whole (Linux's ENOMEM): the machine as it was is kept to go back to.
        let tables = par.page_table.all_table_frames().len() as u64;
        let before = self.config.tables_in_ram.then(|| self.clone());
        let flat = par.flat;
        let regions: Vec<Region> = par.regions.iter().cloned().collect();
        let next_label = par.next_label;
        let c = match self.create_process(child, flat, false) {
            Ok(c) => c as usize,
            Err(e) => {
                if let Some(before) = before {
                    *self = before;
                }
                return Err(e);
            }
        };
        self.processes[c].next_label = next_label;
        for r in &regions {
            self.processes[c].regions.insert(r.clone());
            self.usage.records += budget::REGION_COST;
            if let Some(id) = r.object {
                self.attach(c, id, r.start_vpn);
            }
        }
        let mut shared = 0u64;
        for vpn in self.processes[pp].page_table.valid_in_range(0, u64::MAX) {
            // With `tables=ram` the child's tables take frames as a page would: that may evict
            // (so the entry is read after); without a frame the whole fork is undone.
            if self.config.tables_in_ram && self.ensure_tables_no_kill(c, vpn).is_err() {
                let no_swap = self.config.swap_slots == 0;
                *self = before.expect("kept when tables are in frames");
                return Err(SimError::NoFrameForTables { name: child.to_string(), tables, no_swap });
            }
            let Some(&pte) = self.processes[pp].page_table.get(vpn) else {
                continue;
            };
            // Private memory becomes copy-on-write in both; code, files and shared memory are
            // simply shared.
            let cow = pte.backing == Backing::Private;
            if cow && !pte.cow && pte.state != PteState::Empty {
                if let Some(e) = self.processes[pp].page_table.get_mut(vpn) {
                    e.cow = true;
                }
            }
            self.add_mapping(c, vpn, Pte { cow: cow || pte.cow, tlb_slot: TlbSlot::NONE, ..pte });
            shared += (pte.state != PteState::Empty) as u64;
        }
        self.sharing_seen = true;
        self.log(Event::Fork { parent, child: c as Pid, shared });
        Ok(c as Pid)
    }

    /// Clears the swap copy of every page mapping frame `f` (its bytes changed).
    pub(super) fn forget_swap_copy(&mut self, f: u32) {
        if self.frame_maps.count(f) == 0 {
            return; // one mapping: the caller cleared it
        }
        for (pid, vpn) in self.frame_mappers(f) {
            if let Some(e) = self.processes[pid as usize].page_table.get_mut(vpn) {
                e.swap_copy = NONE;
            }
        }
    }
}
