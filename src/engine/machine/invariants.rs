//! The consistency check the property tests run after every step.

use super::Machine;
use crate::engine::page_table::{PteState, NONE};
use crate::engine::policy::ReplacementPolicy;
use crate::engine::sharing::ObjectKind;
use rustc_hash::{FxHashMap, FxHashSet};

impl Machine {
    /// Verifies that frames, page tables, swap slots, the reverse maps, shared objects, the policy
    /// and the statistics agree. Used by the property tests after every step; returns what
    /// disagrees.
    pub fn check_invariants(&self) -> Result<(), String> {
        // Page-table entries pointing at each frame and slot; slots holding swap copies.
        let mut frame_refs: FxHashMap<u32, u32> = FxHashMap::default();
        let mut slot_refs: FxHashMap<u32, u32> = FxHashMap::default();
        let mut copies: FxHashSet<u32> = FxHashSet::default();
        for (pid, proc) in self.processes.iter().enumerate() {
            let pid = pid as u32;
            let (mut p_res, mut p_swp) = (0u64, 0u64);
            let vpns = proc.page_table.valid_in_range(0, u64::MAX);
            if !proc.alive() && !vpns.is_empty() {
                return Err(format!("{} has ended but still maps pages {vpns:?}", proc.name));
            }
            for vpn in vpns {
                let pte = proc.page_table.get(vpn).ok_or("valid_in_range returned an absent page")?;
                let at = format!("{} page {vpn}", proc.name);
                if !proc.flat && (vpn == 0 || proc.region_of(vpn).is_none()) {
                    return Err(format!("{at} is outside every region"));
                }
                if pte.cow && (pte.code || pte.file) {
                    return Err(format!("{at}: copy-on-write on code or a file"));
                }
                match pte.state {
                    PteState::Resident => {
                        p_res += 1;
                        *frame_refs.entry(pte.loc).or_default() += 1;
                        if !self.frame_mappers(pte.loc).contains(&(pid, vpn)) {
                            return Err(format!("{at} says frame {} but the frame does not list it", pte.loc));
                        }
                        if pte.swap_copy != NONE {
                            copies.insert(pte.swap_copy);
                            let (s, fr) = (self.swap.get(pte.swap_copy), self.frames.get(pte.loc));
                            if s.owner == NONE || fr.dirty {
                                return Err(format!("{at}: bad swap copy {}", pte.swap_copy));
                            }
                            if s.data != fr.data {
                                return Err(format!("{at}: swap copy differs from memory"));
                            }
                        }
                    }
                    PteState::Swapped => {
                        p_swp += 1;
                        *slot_refs.entry(pte.loc).or_default() += 1;
                        if !self.slot_mappers(pte.loc).contains(&(pid, vpn)) {
                            return Err(format!("{at} says slot {} but the slot does not list it", pte.loc));
                        }
                    }
                    PteState::Empty => {
                        if !pte.code && !pte.file {
                            return Err(format!("{at}: an empty entry that is neither code nor a file"));
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
        }
        // Map counts equal the mappings; a frame or slot is in use exactly when something maps it.
        let resident = frame_refs.len() as u64;
        if resident != self.frames.used() as u64 || resident != self.stats.resident {
            return Err(format!(
                "{resident} frames mapped, {} in use, statistics say {}",
                self.frames.used(),
                self.stats.resident
            ));
        }
        for (&f, &n) in &frame_refs {
            if self.frame_map_count(f) != n {
                return Err(format!("frame {f}: map count {} but {n} pages map it", self.frame_map_count(f)));
            }
        }
        for (&s, &n) in &slot_refs {
            if self.slot_map_count(s) != n {
                return Err(format!("slot {s}: map count {} but {n} pages map it", self.slot_map_count(s)));
            }
            if copies.contains(&s) {
                return Err(format!("slot {s} is both a swapped page and a swap copy"));
            }
        }
        let swapped = slot_refs.len() as u64;
        if swapped != self.stats.swapped || swapped + copies.len() as u64 != self.swap.used() as u64 {
            return Err(format!(
                "{swapped} swapped pages and {} swap copies, {} slots in use, statistics say {}",
                copies.len(),
                self.swap.used(),
                self.stats.swapped
            ));
        }
        for (f, others) in self.frame_maps.shared() {
            if self.frames.get(f).owner == NONE || others.is_empty() {
                return Err(format!("frame {f}: extra mappings of a free frame"));
            }
        }
        for (s, others) in self.slot_maps.shared() {
            if !slot_refs.contains_key(&s) || others.is_empty() {
                return Err(format!("slot {s}: extra mappings of a slot that holds no swapped page"));
            }
        }
        self.check_objects()?;
        let order = self.policy.order(&self.frames, usize::MAX);
        if order.len() as u64 != resident {
            return Err(format!("the policy tracks {} frames, {resident} are in use", order.len()));
        }
        Ok(())
    }

    /// Executables and files know which frame holds each of their pages in memory; every mapper
    /// of a shared-memory page maps the same frame or slot.
    fn check_objects(&self) -> Result<(), String> {
        for (id, o) in self.objects.iter() {
            for (&idx, &f) in &o.resident {
                let ok =
                    self.frame_mappers(f).iter().any(|&(q, vpn)| self.object_page(q as usize, vpn) == Some((id, idx)));
                if !ok {
                    return Err(format!("{} page {idx} says frame {f}, which holds another page", o.name));
                }
            }
            if o.kind != ObjectKind::Shm {
                continue;
            }
            let mut seen: FxHashMap<u64, (PteState, u32)> = FxHashMap::default();
            for &(q, start) in &o.mappings {
                let proc = &self.processes[q as usize];
                let pages = proc.region_of(start).map_or(0, |r| r.pages);
                for idx in 0..pages.min(o.pages) {
                    let here = proc.page_table.get(start + idx).map_or((PteState::Empty, NONE), |e| (e.state, e.loc));
                    match seen.get(&idx) {
                        Some(&first) if first != here => {
                            return Err(format!("shared memory {} page {idx}: mappers disagree", o.name));
                        }
                        _ => {
                            seen.insert(idx, here);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
