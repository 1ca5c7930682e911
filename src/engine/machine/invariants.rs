//! The consistency check the property tests run after every step.

use super::Machine;
use crate::engine::config::VmMode;
use crate::engine::page_table::{Backing, PteState, NONE};
use crate::engine::policy::ReplacementPolicy;
use crate::engine::sharing::{ObjectKind, ObjectPage};
use rustc_hash::{FxHashMap, FxHashSet};

impl Machine {
    /// Verifies that frames, page tables, swap slots, the reverse maps, shared objects, the policy
    /// and the statistics agree. Used by the property tests after every step; returns what
    /// disagrees.
    pub fn check_invariants(&self) -> Result<(), String> {
        if self.config.vm != VmMode::Paging {
            return self.check_physical();
        }
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
                if pte.cow && pte.backing != Backing::Private {
                    return Err(format!("{at}: copy-on-write on code or a file"));
                }
                match pte.state {
                    PteState::Resident => {
                        p_res += 1;
                        *frame_refs.entry(pte.loc).or_default() += 1;
                        if !self.frame_mappers(pte.loc).contains(&(pid, vpn)) {
                            return Err(format!("{at} says frame {} but the frame does not list it", pte.loc));
                        }
                        if pte.swap_copy != self.frame_swap_copy(pte.loc) {
                            return Err(format!("{at}: its swap copy is not the one the frame's other mappers name"));
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
                        if !pte.code() && !pte.file() {
                            return Err(format!("{at}: an empty entry that is neither code nor a file"));
                        }
                    }
                }
            }
            let s = &proc.stats;
            if s.faults != s.minor_faults + s.major_faults + s.out_of_memory {
                return Err(format!(
                    "{}: {} faults are not {} minor + {} major + {} out of memory",
                    proc.name, s.faults, s.minor_faults, s.major_faults, s.out_of_memory
                ));
            }
            if (p_res, p_swp) != (proc.stats.resident, proc.stats.swapped) {
                return Err(format!(
                    "{}: {p_res} resident / {p_swp} swapped pages, statistics say {} / {}",
                    proc.name, proc.stats.resident, proc.stats.swapped
                ));
            }
        }
        // The machine's disk writes are its processes' (the reclaimer's writes are nobody's), so
        // its time is theirs.
        let writes: u64 = self.processes.iter().map(|p| p.stats.disk_writes).sum();
        if writes != self.stats.disk_writes {
            return Err(format!(
                "{} disk writes waited for, the processes' add up to {writes}",
                self.stats.disk_writes
            ));
        }
        // Map counts equal the mappings; a frame or slot is in use exactly when something maps it
        // or a shared object holds it.
        let held_frames = (0..self.frames.high_water()).filter(|&f| self.frame_holder(f).is_some()).count() as u64;
        let held_slots = (0..self.swap.high_water()).filter(|&s| self.slot_holder(s).is_some()).count() as u64;
        let resident = frame_refs.len() as u64 + held_frames;
        let tables = self.check_table_frames()?;
        if resident + tables != self.frames.used() as u64 || resident != self.stats.resident {
            return Err(format!(
                "{resident} frames mapped or held and {tables} page tables, {} in use, statistics say {}",
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
        let swapped = slot_refs.len() as u64 + held_slots;
        if swapped != self.stats.swapped || swapped + copies.len() as u64 != self.swap.used() as u64 {
            return Err(format!(
                "{swapped} swapped pages and {} swap copies, {} slots in use, statistics say {}",
                copies.len(),
                self.swap.used(),
                self.stats.swapped
            ));
        }
        for f in self.frame_maps.locations() {
            if !frame_refs.contains_key(&f) || self.frame_maps.count(f) == 0 {
                return Err(format!("frame {f}: extra mappings of a frame no page maps"));
            }
        }
        for s in self.slot_maps.locations() {
            if !slot_refs.contains_key(&s) || self.slot_maps.count(s) == 0 {
                return Err(format!("slot {s}: extra mappings of a slot that holds no swapped page"));
            }
        }
        self.check_objects()?;
        let order = self.policy.order(&self.frames, usize::MAX);
        let pinned = (0..self.frames.high_water()).filter(|&f| self.frames.get(f).pinned).count() as u64;
        if order.len() as u64 + pinned != resident {
            return Err(format!(
                "the policy tracks {} frames, {resident} are in use, {pinned} of them huge pages'",
                order.len()
            ));
        }
        self.check_huge_pages()?;
        Ok(())
    }

    /// Each huge page is whole: all its pages resident in pinned frames in a row from a multiple of
    /// its size, in its process's name, inside a huge-page region.
    fn check_huge_pages(&self) -> Result<(), String> {
        let n = 1u64 << self.huge_shift;
        for (pid, proc) in self.processes.iter().enumerate() {
            for r in proc.regions.iter().filter(|r| r.huge) {
                if !r.start_vpn.is_multiple_of(n) || !r.pages.is_multiple_of(n) {
                    return Err(format!("{}: huge region {} is not whole huge pages", proc.name, r.label));
                }
                for base in (r.start_vpn..r.end_vpn()).step_by(n as usize) {
                    let Some(first) = proc.page_table.get(base) else {
                        if (base..base + n).any(|v| proc.page_table.get(v).is_some()) {
                            return Err(format!("{}: huge page at page {base} is partly mapped", proc.name));
                        }
                        continue;
                    };
                    for i in 0..n {
                        let e = proc
                            .page_table
                            .get(base + i)
                            .ok_or(format!("{}: huge page at {base} lacks page {i}", proc.name))?;
                        let fr = self.frames.get(e.loc);
                        let whole = e.huge && e.state == PteState::Resident && e.loc == first.loc + i as u32;
                        if !whole
                            || !fr.pinned
                            || fr.owner != pid as u32
                            || fr.vpn != base + i
                            || !(first.loc as u64).is_multiple_of(n)
                        {
                            return Err(format!(
                                "{}: huge page at page {base}, page {i}: not in its frame row",
                                proc.name
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// `tables=ram`: each process's tables sit in frames marked as its tables, one frame each,
    /// every table below the top holds an entry, and the statistics count them. Returns the
    /// frames holding tables.
    fn check_table_frames(&self) -> Result<u64, String> {
        let marked = (0..self.frames.high_water()).filter(|&f| self.frames.get(f).table.is_some()).count() as u64;
        let mut total = 0;
        for (pid, proc) in self.processes.iter().enumerate() {
            let tables = proc.page_table.tables();
            if !proc.alive() {
                if tables.iter().any(|t| t.frame != NONE) || proc.stats.table_frames != 0 {
                    return Err(format!("{} has ended but keeps its page tables", proc.name));
                }
                continue;
            }
            for t in &tables {
                let fr = self.frames.get(t.frame);
                // A huge page's last-level table is not in a frame: the walk ends one level up.
                let huge =
                    t.level + 1 == self.config.levels && proc.page_table.get(t.first_vpn).is_some_and(|e| e.huge);
                if huge && t.frame == NONE {
                    continue;
                }
                if t.frame == NONE || fr.table != Some(t.level as u8) || fr.owner != pid as u32 || fr.vpn != t.first_vpn
                {
                    return Err(format!(
                        "{}: a level-{} table's frame {} is not marked as its",
                        proc.name, t.level, t.frame
                    ));
                }
                if t.level > 0 && t.entries == 0 {
                    return Err(format!(
                        "{}: an empty level-{} table in frame {} was not freed",
                        proc.name, t.level, t.frame
                    ));
                }
            }
            let n = tables.iter().filter(|t| t.frame != NONE).count() as u64;
            if n != proc.stats.table_frames {
                return Err(format!("{}: {n} tables in frames, statistics say {}", proc.name, proc.stats.table_frames));
            }
            total += n;
        }
        if total != marked || total != self.stats.table_frames {
            return Err(format!(
                "{total} tables in frames, {marked} frames marked, statistics say {}",
                self.stats.table_frames
            ));
        }
        Ok(total)
    }

    /// Every page of an object is where the object says: each frame or slot it names holds that
    /// page (mapped by the pages of that object page, or held by the object alone), and every
    /// page of a process that maps an object page maps the object's frame or slot. Each object's
    /// list of mappings is the regions that map it.
    fn check_objects(&self) -> Result<(), String> {
        let mut mappings: FxHashMap<u32, FxHashSet<(u32, u64)>> = FxHashMap::default();
        for (pid, proc) in self.processes.iter().enumerate() {
            for r in proc.regions.iter() {
                if let Some(id) = r.object {
                    mappings.entry(id).or_default().insert((pid as u32, r.start_vpn));
                }
            }
        }
        for (id, o) in self.objects.iter() {
            let listed: FxHashSet<(u32, u64)> = o.mappings.iter().copied().collect();
            if listed != mappings.remove(&id).unwrap_or_default() {
                return Err(format!(
                    "{} {}: its list of mappings is not the regions that map it",
                    o.kind.name(),
                    o.name
                ));
            }
            if o.gone && !o.located.is_empty() {
                return Err(format!("shared memory {} is destroyed but holds pages", o.name));
            }
            if o.kind == ObjectKind::Shm && !o.gone && o.mappings.is_empty() {
                return Err(format!("shared memory {} lives on with no mapping", o.name));
            }
            for (&idx, &page) in o.located.iter() {
                let (holder, mappers, what) = match page {
                    ObjectPage::Frame(f) => (self.frame_holder(f), self.frame_mappers(f), format!("frame {f}")),
                    ObjectPage::Slot(s) => (self.slot_holder(s), self.slot_mappers(s), format!("slot {s}")),
                };
                if o.kind != ObjectKind::Shm && matches!(page, ObjectPage::Slot(_)) {
                    return Err(format!("{} {} page {idx} is in swap", o.kind.name(), o.name));
                }
                let ok = match holder {
                    Some(h) => h == (id, idx) && mappers.is_empty(),
                    None => {
                        !mappers.is_empty()
                            && mappers.iter().all(|&(q, vpn)| self.object_page(q as usize, vpn) == Some((id, idx)))
                    }
                };
                if !ok {
                    return Err(format!(
                        "{} {} page {idx} says {what}, which holds another page",
                        o.kind.name(),
                        o.name
                    ));
                }
            }
            // Every mapped page of every mapping resolves to the object's one page.
            for &(q, start) in o.mappings.iter() {
                let proc = &self.processes[q as usize];
                let pages = proc.region_of(start).map_or(0, |r| r.pages);
                for vpn in proc.page_table.valid_in_range(start, start + pages) {
                    let Some(e) = proc.page_table.get(vpn) else { continue };
                    let want = match e.state {
                        PteState::Resident => Some(ObjectPage::Frame(e.loc)),
                        PteState::Swapped => Some(ObjectPage::Slot(e.loc)),
                        PteState::Empty => None,
                    };
                    if want.is_some() && o.page(vpn - start) != want {
                        return Err(format!(
                            "{} page {vpn} maps {} {} page {} at {want:?}, the object says {:?}",
                            proc.name,
                            o.kind.name(),
                            o.name,
                            vpn - start,
                            o.page(vpn - start)
                        ));
                    }
                }
            }
        }
        // Frames and slots held by an object are among its pages, and it counts them.
        let mut held: FxHashMap<u32, u64> = FxHashMap::default();
        for f in 0..self.frames.high_water() {
            if let Some((id, idx)) = self.frame_holder(f) {
                if self.objects.get(id).page(idx) != Some(ObjectPage::Frame(f)) {
                    return Err(format!("frame {f} is held by an object that does not list it"));
                }
                *held.entry(id).or_default() += 1;
            }
        }
        for s in 0..self.swap.high_water() {
            if let Some((id, idx)) = self.slot_holder(s) {
                if self.objects.get(id).page(idx) != Some(ObjectPage::Slot(s)) {
                    return Err(format!("slot {s} is held by an object that does not list it"));
                }
                *held.entry(id).or_default() += 1;
            }
        }
        for (id, o) in self.objects.iter() {
            if o.held != held.get(&id).copied().unwrap_or(0) {
                return Err(format!("{} says it holds {} pages alone, it holds {:?}", o.name, o.held, held.get(&id)));
            }
        }
        let holding: Vec<u32> = self.objects.holding().map(|(id, _)| id).collect();
        let mut expected: Vec<u32> = held.keys().copied().collect();
        expected.sort_unstable();
        if holding != expected {
            return Err(format!("objects holding pages: {holding:?}, expected {expected:?}"));
        }
        Ok(())
    }
}

impl Machine {
    /// The invariants of a machine without paging: no page tables, no swap; with `vm=base` every
    /// live process's block is exactly the frames it owns, blocks never overlap, and an ended
    /// process owns nothing.
    fn check_physical(&self) -> Result<(), String> {
        if self.swap.used() > 0 {
            return Err("a machine without paging uses swap".into());
        }
        let mut owned = vec![0u64; self.processes.len()];
        for f in 0..self.frames.high_water() {
            if self.frames.is_free(f) {
                continue;
            }
            let owner = self.frames.get(f).owner as usize;
            let proc = self.processes.get(owner).ok_or(format!("frame {f} is owned by no process"))?;
            owned[owner] += 1;
            if self.config.vm == VmMode::Base {
                let b = proc.block;
                if !(b.base..b.base.saturating_add(b.pages as u32)).contains(&f) {
                    return Err(format!("frame {f} belongs to {} but lies outside its block {b:?}", proc.name));
                }
            }
        }
        for (pid, proc) in self.processes.iter().enumerate() {
            if proc.page_table.entry_count() > 0 {
                return Err(format!("{} has page-table entries without paging", proc.name));
            }
            if self.config.vm == VmMode::Base && owned[pid] != proc.block.pages {
                return Err(format!("{}: block of {} frames, owns {}", proc.name, proc.block.pages, owned[pid]));
            }
            if !proc.alive() && self.config.vm == VmMode::Base && owned[pid] > 0 {
                return Err(format!("{} has ended but owns {} frames", proc.name, owned[pid]));
            }
            if proc.stats.resident != owned[pid] {
                return Err(format!(
                    "{}: statistics say {} resident, owns {}",
                    proc.name, proc.stats.resident, owned[pid]
                ));
            }
        }
        if self.stats.resident != self.frames.used() as u64 {
            return Err(format!("{} frames used, statistics say {}", self.frames.used(), self.stats.resident));
        }
        Ok(())
    }
}
