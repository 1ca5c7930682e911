//! Huge pages (README, *Huge pages*): a region allocated with `huge` is mapped one level up, in
//! pages of `1 << huge_shift` small pages: as many as one last-level table maps (2 MiB with 4 KiB
//! pages and 512-entry tables). The first touch of a huge page is one minor fault that takes that
//! many frames in a row (aligned, as hardware needs), zero-fills them all, and caches one TLB
//! entry for all of them. Like Linux's hugetlbfs pages, a huge page is never swapped: its frames
//! stay until it is freed, and no policy sees them.
//!
//! Inside, each small page keeps its own entry, so a hit costs what any hit costs; they share the
//! huge page's TLB slot. With `tables=ram` the last-level table under a huge page takes no frame:
//! the hardware's walk ends one level up (see [`crate::engine::translate`]).

use super::{Machine, Pid};
use crate::engine::events::{AccessEvent, AccessResult, Eviction, FaultKind, VictimReason};
use crate::engine::page_table::{Backing, Pte, PteState, TlbSlot, NONE};
use crate::engine::process::Perms;
use crate::engine::sharing::owner_object;
use crate::engine::tlb::HUGE_TAG;

/// The TLB tag of the huge page holding page `vpn` (`shift`: pages a huge page covers, as a shift).
#[inline(always)]
pub fn huge_tag(vpn: u64, shift: u32) -> u64 {
    HUGE_TAG | (vpn >> shift)
}

/// The frames a huge page took: the first, and what was evicted to make the row free.
struct HugeRow {
    first: u32,
    evicted: Option<Eviction>,
    more_evicted: u32,
    more_writes: u32,
}

impl Machine {
    /// The first touch of page `vpn` of a huge-page region of process `p`: the whole huge page
    /// comes in at once. Returns the frame holding `vpn`.
    #[cold]
    pub(super) fn huge_fault(
        &mut self,
        p: usize,
        vpn: u64,
        perms: Perms,
        write: bool,
        event: &mut AccessEvent,
    ) -> Result<(u32, bool), AccessResult> {
        let pid = p as Pid;
        let n = 1u64 << self.huge_shift;
        let base = vpn & !(n - 1);
        if self.config.tables_in_ram {
            self.ensure_tables_above_leaf(p, base)?;
        }
        // No row to be had: as for a page, the OOM killer may end processes until one is.
        let row = loop {
            match self.take_huge_row(pid, base, n) {
                Ok(row) => break row,
                Err(failed) => {
                    if !self.oom_kill_for(pid, true) {
                        self.drop_empty_tables(p, base);
                        return Err(failed);
                    }
                }
            }
        };
        let tag = huge_tag(vpn, self.huge_shift);
        let tlb_slot: TlbSlot = if self.tlb.enabled() { self.tlb.insert(pid, tag) } else { NONE }.into();
        let table = &mut self.processes[p].page_table;
        let before = table.heap_bytes();
        for i in 0..n {
            let loc = row.first + i as u32;
            let pte = Pte {
                state: PteState::Resident,
                perms,
                backing: Backing::Private,
                loc,
                tlb_slot,
                huge: true,
                ..Pte::default()
            };
            table.insert(base + i, pte);
        }
        self.usage.page_tables += (table.heap_bytes() - before) as u64;
        let f = row.first + (vpn - base) as u32;
        if write {
            self.frames.get_mut(f).dirty = true;
        }
        // One fault, `n` pages in memory, `n` zero-fills.
        for stats in [&mut self.stats, &mut self.processes[p].stats] {
            stats.minor_faults += 1;
            stats.resident += n;
            stats.huge_fill_pages += n - 1;
        }
        let kind = FaultKind::ZeroFillHuge {
            shift: self.huge_shift as u8,
            more_evicted: row.more_evicted,
            more_writes: row.more_writes,
        };
        event.result = AccessResult::PageFault { kind, frame: f, evicted: row.evicted };
        Ok((f, false))
    }

    /// `n` free frames in a row from a multiple of `n`, now process `pid`'s (pages `base`…),
    /// pinned. The row with the fewest pages in use is chosen and those pages are evicted; a row
    /// with a page table or another huge page's frame cannot be used, nor one whose pages need
    /// more swap slots than are free (so the evictions never stop halfway: a huge fault that
    /// fails changes nothing). O(frames): once per huge page.
    fn take_huge_row(&mut self, pid: Pid, base: u64, n: u64) -> Result<HugeRow, AccessResult> {
        let frames = self.config.frames as u64;
        let mut best: Option<(u64, u64)> = None; // (first frame, pages in use)
        let free_slots = self.swap.free_count() as u64;
        let mut start = 0;
        while start + n <= frames {
            let (mut used, mut slots) = (0, 0);
            let usable = (start..start + n).all(|f| {
                let f = f as u32;
                if self.frames.is_free(f) {
                    return true;
                }
                used += 1;
                slots += self.eviction_needs_slot(f) as u64;
                self.frames.evictable(f)
            }) && slots <= free_slots;
            if usable && best.is_none_or(|(_, u)| used < u) {
                best = Some((start, used));
                if used == 0 {
                    break;
                }
            }
            start += n;
        }
        let Some((first, _)) = best else {
            return Err(AccessResult::OutOfMemory { victim_pid: NONE, victim_vpn: base, victim_frame: NONE });
        };
        let mut row = HugeRow { first: first as u32, evicted: None, more_evicted: 0, more_writes: 0 };
        let mut emptied = Vec::new();
        for f in first as u32..(first + n) as u32 {
            if self.frames.is_free(f) {
                continue;
            }
            let why = VictimReason {
                policy: self.config.policy,
                value: None,
                hand_from: None,
                cleared: 0,
                tied: false,
                among: None,
                for_huge: true,
            };
            match self.evict_frame(f, why) {
                Ok(eviction) => {
                    self.count_direct_write(pid, &eviction);
                    emptied.push(f);
                    if row.evicted.is_none() {
                        row.evicted = Some(eviction);
                    } else {
                        row.more_evicted += 1;
                        row.more_writes += eviction.fate.writes() as u32;
                    }
                }
                Err(full) => {
                    // Swap is full: the frames emptied so far go back to the pool.
                    for e in emptied {
                        self.release_frame(e);
                    }
                    return Err(full.out_of_memory());
                }
            }
        }
        for (i, f) in (first as u32..(first + n) as u32).enumerate() {
            if emptied.contains(&f) {
                self.frames.reassign(f, pid, base + i as u64, false);
            } else {
                self.frames.take_at(f, pid, base + i as u64);
            }
            self.frames.pin(f);
        }
        Ok(row)
    }

    /// Would evicting the page in frame `f` write it to a swap slot? (As [`Machine::evict_frame`]
    /// decides: a file's page goes to its file, clean code and a clean page with a copy in swap are
    /// dropped; the rest take a slot.)
    fn eviction_needs_slot(&self, f: u32) -> bool {
        let frame = self.frames.get(f);
        if owner_object(frame.owner).is_some() {
            return true; // a shared-memory page no process maps goes to swap
        }
        let Some(entry) = self.processes.get(frame.owner as usize).and_then(|p| p.page_table.get(frame.vpn)) else {
            return true;
        };
        !(entry.file() || (frame.code && !frame.dirty) || (!frame.dirty && entry.swap_copy != NONE))
    }

    /// After a TLB miss on page `vpn` of a huge page re-cached it in `slot`: every page of the
    /// huge page points at that slot (they share the one entry).
    #[cold]
    pub(super) fn share_huge_tlb_slot(&mut self, p: usize, vpn: u64, slot: TlbSlot) {
        let n = 1u64 << self.huge_shift;
        let base = vpn & !(n - 1);
        let table = &mut self.processes[p].page_table;
        for v in base..base + n {
            if let Some(pte) = table.get_mut(v) {
                pte.tlb_slot = slot;
            }
        }
    }
}
