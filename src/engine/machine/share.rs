//! Sharing (SPEC §1.1): fork with copy-on-write, shared objects' mappings, and dropping one
//! mapping of a page that others may still map. The access path's side (copy-on-write faults,
//! pages already in memory, evicting a shared frame) is in [`access`](super::access).

use super::{data_bytes, Machine, Pid};
use crate::engine::budget;
use crate::engine::error::SimError;
use crate::engine::events::Event;
use crate::engine::page_data::SharedData;
use crate::engine::page_table::{Pte, PteState, TlbSlot, NONE};
use crate::engine::policy::ReplacementPolicy;
use crate::engine::process::{Process, Region};
use crate::engine::sharing::{Mapping, ObjectKind, Objects, SharedObject};

impl Machine {
    // ----- inspection -------------------------------------------------------------------------

    /// The pages that map frame `f`: its owner first (empty if the frame is free).
    pub fn frame_mappers(&self, f: u32) -> Vec<Mapping> {
        let fr = self.frames.get(f);
        if fr.owner == NONE {
            return Vec::new();
        }
        let mut v = vec![(fr.owner, fr.vpn)];
        v.extend_from_slice(self.frame_maps.others(f));
        v
    }

    /// How many pages map frame `f` (0 if free).
    pub fn frame_map_count(&self, f: u32) -> u32 {
        if self.frames.get(f).owner == NONE {
            0
        } else {
            1 + self.frame_maps.others(f).len() as u32
        }
    }

    /// The pages that map swap slot `s`: its owner first (for a swap copy of a resident page,
    /// the page's owner).
    pub fn slot_mappers(&self, s: u32) -> Vec<Mapping> {
        let slot = self.swap.get(s);
        if slot.owner == NONE {
            return Vec::new();
        }
        let mut v = vec![(slot.owner, slot.vpn)];
        v.extend_from_slice(self.slot_maps.others(s));
        v
    }

    pub fn slot_map_count(&self, s: u32) -> u32 {
        if self.swap.get(s).owner == NONE {
            0
        } else {
            1 + self.slot_maps.others(s).len() as u32
        }
    }

    /// Frames mapped by more than one page.
    pub fn shared_frames(&self) -> u64 {
        self.frame_maps.len() as u64
    }

    /// Frames mapped by more than one page, with their mappings beyond the owner.
    pub fn shared_frame_list(&self) -> impl Iterator<Item = (u32, &[Mapping])> + '_ {
        self.frame_maps.shared()
    }

    /// Swap slots mapped by more than one page, with their mappings beyond the owner.
    pub fn shared_slot_list(&self) -> impl Iterator<Item = (u32, &[Mapping])> + '_ {
        self.slot_maps.shared()
    }

    /// Proportional set size of `pid`, in pages: each resident page it maps counts 1/k when k
    /// pages map its frame. O(shared frames): the unshared pages are its resident count.
    pub fn pss(&self, pid: Pid) -> f64 {
        let Some(p) = self.process(pid) else {
            return 0.0;
        };
        let mut pss = p.stats.resident as f64;
        for (f, others) in self.frame_maps.shared() {
            let k = 1 + others.len();
            let mine = others.iter().filter(|m| m.0 == pid).count() + (self.frames.get(f).owner == pid) as usize;
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

    // ----- mappings ---------------------------------------------------------------------------

    /// Removes mapping `m` of frame `f`. True if other pages still map it (then it stays).
    pub(super) fn unlink_frame(&mut self, f: u32, m: Mapping, swap_copy: u32) -> bool {
        let fr = self.frames.get(f);
        if (fr.owner, fr.vpn) != m {
            return self.frame_maps.remove(f, m);
        }
        match self.frame_maps.pop(f) {
            Some(next) => {
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
            return self.slot_maps.remove(s, m);
        }
        match self.slot_maps.pop(s) {
            Some(next) => {
                self.swap.set_owner(s, next.0, next.1);
                true
            }
            None => false,
        }
    }

    /// Drops process `p`'s mapping of page `vpn` (entry `pte`; the caller removes the entry).
    /// The frame or slot is released with its last mapping; a dirty page of a file is written
    /// back to the file then. Returns the frames and slots released.
    pub(super) fn drop_mapping(&mut self, p: usize, vpn: u64, pte: Pte) -> (u64, u64) {
        let pid = p as Pid;
        match pte.state {
            PteState::Resident => {
                self.tlb.invalidate(pte.tlb_slot.get(), pid, vpn);
                self.processes[p].stats.resident -= 1;
                if self.unlink_frame(pte.loc, (pid, vpn), pte.swap_copy) {
                    return (0, 0);
                }
                let f = pte.loc;
                if pte.code || pte.file {
                    if let Some((id, idx)) = self.object_page(p, vpn) {
                        let dirty = self.frames.get(f).dirty;
                        let object = self.objects.get_mut(id);
                        object.resident.remove(&idx);
                        if pte.file && dirty {
                            let data = self.frames.get(f).data.clone();
                            self.write_back(p, id, idx, data);
                        }
                    }
                }
                self.policy.removed(f);
                self.release_frame(f);
                self.stats.resident -= 1;
                let mut slots = 0;
                if pte.swap_copy != NONE {
                    self.release_slot(pte.swap_copy);
                    slots = 1;
                }
                (1, slots)
            }
            PteState::Swapped => {
                self.processes[p].stats.swapped -= 1;
                if self.unlink_slot(pte.loc, (pid, vpn)) {
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

    /// A region of process `p` at `start` now maps object `id`: record it, and for shared memory
    /// map every page of the object already in memory or in swap (every mapper of a
    /// shared-memory page maps its frame or slot, so what one writes the others read).
    pub(super) fn attach(&mut self, p: usize, id: u32, start: u64, pages: u64) {
        let pid = p as Pid;
        let object = self.objects.get(id);
        let source = object.mappings.first().copied();
        let is_shm = object.kind == ObjectKind::Shm;
        self.objects.get_mut(id).mappings.push((pid, start));
        let Some((q, q_start)) = source.filter(|_| is_shm) else {
            return;
        };
        let q = q as usize;
        let perms = self.processes[p].region_of(start).map(|r| r.perms).unwrap_or_default();
        for qvpn in self.processes[q].page_table.valid_in_range(q_start, q_start + pages) {
            let Some(&qpte) = self.processes[q].page_table.get(qvpn) else {
                continue;
            };
            let vpn = start + (qvpn - q_start);
            self.add_mapping(p, vpn, Pte { perms, tlb_slot: TlbSlot::NONE, cow: false, ..qpte });
        }
    }

    /// Inserts `pte` for page `vpn` of process `p` as one more mapping of its frame or slot.
    pub(super) fn add_mapping(&mut self, p: usize, vpn: u64, pte: Pte) {
        let pid = p as Pid;
        self.sharing_seen |= pte.state != PteState::Empty;
        match pte.state {
            PteState::Resident => {
                self.frame_maps.add(pte.loc, (pid, vpn));
                self.processes[p].stats.resident += 1;
            }
            PteState::Swapped => {
                self.slot_maps.add(pte.loc, (pid, vpn));
                self.processes[p].stats.swapped += 1;
            }
            PteState::Empty => {}
        }
        let table = &mut self.processes[p].page_table;
        let before = table.heap_bytes();
        table.insert(vpn, pte);
        self.usage.page_tables += (table.heap_bytes() - before) as u64;
    }

    /// Region `r` of process `p` no longer maps its object: forget the mapping; a shared-memory
    /// object that nobody maps any more is destroyed.
    pub(super) fn detach(&mut self, p: usize, r: &Region) {
        let Some(id) = r.object else {
            return;
        };
        let object: &mut SharedObject = self.objects.get_mut(id);
        object.mappings.retain(|&m| m != (p as Pid, r.start_vpn));
        if object.kind == ObjectKind::Shm && object.mappings.is_empty() {
            object.gone = true;
        }
    }

    // ----- fork -------------------------------------------------------------------------------

    /// `fork`: a new process `child` with a copy of `parent`'s regions. Every page the parent has
    /// touched is now mapped by both, private pages copy-on-write; untouched pages stay untouched
    /// in both. Costs O(pages the parent has touched).
    pub fn fork(&mut self, parent: Pid, child: &str) -> Result<Pid, SimError> {
        let pp = self.live(parent)?;
        let par: &Process = &self.processes[pp];
        let growth = par.page_table.heap_bytes() as u64 + par.regions.len() as u64 * budget::REGION_COST;
        self.check_budget(growth + budget::PROCESS_COST)?;
        let flat = par.flat;
        let regions: Vec<Region> = par.regions.iter().cloned().collect();
        let next_label = par.next_label;
        let c = self.create_process(child, flat, false)? as usize;
        self.processes[c].next_label = next_label;
        for r in &regions {
            self.processes[c].regions.insert(r.clone());
            self.usage.records += budget::REGION_COST;
            if let Some(id) = r.object {
                self.objects.get_mut(id).mappings.push((c as Pid, r.start_vpn));
            }
        }
        let mut shared = 0u64;
        for vpn in self.processes[pp].page_table.valid_in_range(0, u64::MAX) {
            let Some(&pte) = self.processes[pp].page_table.get(vpn) else {
                continue;
            };
            let shm = self.object_page(pp, vpn).is_some_and(|(id, _)| self.objects.get(id).kind == ObjectKind::Shm);
            // Private memory becomes copy-on-write in both; code, files and shared memory are
            // simply shared.
            let cow = !pte.code && !pte.file && !shm;
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
        if self.frame_maps.others(f).is_empty() {
            return; // one mapping: the caller cleared it
        }
        for (pid, vpn) in self.frame_mappers(f) {
            if let Some(e) = self.processes[pid as usize].page_table.get_mut(vpn) {
                e.swap_copy = NONE;
            }
        }
    }
}
