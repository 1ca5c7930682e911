//! Compact, flat views of the machine for drawing: one run of `u32` words per page cell, frame
//! and swap slot. The renderer reads them straight out of WebAssembly memory, so it never copies
//! the machine into JavaScript objects. Codes and layouts are defined here once and exported to
//! JavaScript by the wasm boundary (`pageStates()`, `viewLayout()`), never hard-coded twice.

use super::machine::Machine;
use super::page_table::{PteState, NONE};
use super::process::Process;
use super::Pid;

/// What a page (or a cell of several pages) of a virtual address space is.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PageState {
    /// In no region: an access is a segmentation fault.
    Unmapped = 0,
    /// Page 0: the null guard.
    Guard = 1,
    /// Allocated, never touched: no frame yet (demand paging).
    Reserved = 2,
    /// A code page not in memory (it is read from the executable on a fault).
    Code = 3,
    /// In a swap slot.
    Swapped = 4,
    /// In a frame.
    Resident = 5,
}

impl PageState {
    pub const ALL: [PageState; 6] = [
        PageState::Unmapped,
        PageState::Guard,
        PageState::Reserved,
        PageState::Code,
        PageState::Swapped,
        PageState::Resident,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PageState::Unmapped => "Unmapped",
            PageState::Guard => "Guard",
            PageState::Reserved => "Reserved",
            PageState::Code => "Code",
            PageState::Swapped => "Swapped",
            PageState::Resident => "Resident",
        }
    }
}

/// Flag bits, in bits 8… of a cell's first word and in a frame's flags word.
pub mod flags {
    pub const DIRTY: u32 = 1;
    pub const REFERENCED: u32 = 2;
    /// The page is program code (read-only, file-backed).
    pub const CODE: u32 = 4;
    /// The cell covers pages in more than one state (zoomed out); the state shown is the most
    /// important one (resident > swapped > code > reserved > guard > unmapped).
    pub const MIXED: u32 = 8;
    pub const WRITABLE: u32 = 16;
    /// A resident page whose clean copy is still in swap.
    pub const SWAP_COPY: u32 = 32;
    /// The clock hand points at this frame.
    pub const HAND: u32 = 64;
    /// A swap slot holding the clean copy of a resident page (not a swapped-out page).
    pub const COPY_OF_RESIDENT: u32 = 128;
    /// Copy-on-write (since a fork): a write copies the page first.
    pub const COW: u32 = 256;
    /// The page's frame or slot is mapped by more than one page, or the page belongs to shared
    /// memory or a mapped file.
    pub const SHARED: u32 = 512;
    /// A frame or slot a shared-memory object holds while no process maps that page: its owner
    /// word names the object (`stats().objects[].owner`), its page number the object's page.
    pub const HELD: u32 = 1024;
    /// A frame holding a page table (`tables=ram`): its owner is the process, its page number the
    /// first page the table covers, its value word the table's level (0 = the top).
    pub const TABLE: u32 = 2048;
    /// A page (or frame) of a huge page (README, *Huge pages*).
    pub const HUGE: u32 = 4096;

    pub const ALL: [(&str, u32); 13] = [
        ("DIRTY", DIRTY),
        ("REFERENCED", REFERENCED),
        ("CODE", CODE),
        ("MIXED", MIXED),
        ("WRITABLE", WRITABLE),
        ("SWAP_COPY", SWAP_COPY),
        ("HAND", HAND),
        ("COPY_OF_RESIDENT", COPY_OF_RESIDENT),
        ("COW", COW),
        ("SHARED", SHARED),
        ("HELD", HELD),
        ("TABLE", TABLE),
        ("HUGE", HUGE),
    ];
}

/// Words per page cell: `[state | flags << 8, frame or slot (NONE if several/none), resident pages]`.
pub const CELL_WORDS: usize = 3;
/// Words per frame: `[owner pid + 1 (0 = free), vpn low, vpn high, flags, policy value, map count]`.
pub const FRAME_WORDS: usize = 6;
/// Words per swap slot: `[owner pid + 1 (0 = free), vpn low, vpn high, flags, map count]`.
pub const SLOT_WORDS: usize = 5;
/// Words per block of frames (the heat map of a machine with more frames than fit):
/// `[frames in use, dirty, referenced, owner pid + 1 of most of them (0 = none), flags]`.
pub const BLOCK_WORDS: usize = 5;
/// Where each field of a view record sits (word offsets), exported to JavaScript by
/// `viewLayout()` so the page's decoder (`www/js/render/views.js`) never writes one down.
pub mod field {
    /// Cells: the state in the low [`FLAG_SHIFT`] bits, the flags above.
    pub const CELL_STATE: usize = 0;
    /// Cells: the frame or slot of a single page, else `NONE`.
    pub const CELL_LOC: usize = 1;
    /// Cells: how many of the cell's pages are resident.
    pub const CELL_RESIDENT: usize = 2;
    pub const FLAG_SHIFT: u32 = 8;
    /// Frames and slots: owner pid + 1 (0 = free); the page number in two words; flags.
    pub const OWNER: usize = 0;
    pub const VPN_LO: usize = 1;
    pub const VPN_HI: usize = 2;
    pub const FLAGS: usize = 3;
    /// Frames: the policy's value for the frame (`NONE` if none); a page table's level.
    pub const VALUE: usize = 4;
    /// Frames and slots: how many pages map it (the owner named is one of them).
    pub const FRAME_MAPS: usize = 5;
    pub const SLOT_MAPS: usize = 4;
    /// Blocks of frames: in use, dirty, referenced, owner pid + 1 of most (0 = none), flags.
    pub const BLOCK_USED: usize = 0;
    pub const BLOCK_DIRTY: usize = 1;
    pub const BLOCK_REFERENCED: usize = 2;
    pub const BLOCK_OWNER: usize = 3;
    pub const BLOCK_FLAGS: usize = 4;

    /// Every offset by the name JavaScript reads it under.
    pub const ALL: [(&str, usize); 17] = [
        ("cellState", CELL_STATE),
        ("cellLoc", CELL_LOC),
        ("cellResident", CELL_RESIDENT),
        ("flagShift", FLAG_SHIFT as usize),
        ("owner", OWNER),
        ("vpnLo", VPN_LO),
        ("vpnHi", VPN_HI),
        ("flags", FLAGS),
        ("value", VALUE),
        ("frameMaps", FRAME_MAPS),
        ("slotMaps", SLOT_MAPS),
        ("blockUsed", BLOCK_USED),
        ("blockDirty", BLOCK_DIRTY),
        ("blockReferenced", BLOCK_REFERENCED),
        ("blockOwner", BLOCK_OWNER),
        ("blockFlags", BLOCK_FLAGS),
        ("vpnHiShift", 32),
    ];
}

/// A frame's or slot's record: `[owner + 1, vpn low, vpn high, flags, (value)]` by [`field`].
fn page_record<const N: usize>(owner: u32, vpn: u64, fl: u32) -> [u32; N] {
    let mut w = [0u32; N];
    let (lo, hi) = split(vpn);
    w[field::OWNER] = owner.wrapping_add(1);
    w[field::VPN_LO] = lo;
    w[field::VPN_HI] = hi;
    w[field::FLAGS] = fl;
    w
}

/// A flat process's ranges in use are exact up to this many touched pages.
pub const PAGE_RANGES_UP_TO: u64 = 65_536;

fn split(vpn: u64) -> (u32, u32) {
    (vpn as u32, (vpn >> 32) as u32)
}

/// The page cells of one view being counted: how many pages of each state each cell holds, and
/// the flags seen in it. Pages start in their region's state (reserved, code) and move to
/// resident or swapped as the page tables, frames and slots say.
struct CellCounts {
    first_vpn: u64,
    /// Pages per cell, and its log2 when a power of two (views ask for those: a shift per page).
    ppc: u64,
    shift: Option<u32>,
    /// One past the last page counted.
    end: u64,
    counts: Vec<[u64; 6]>,
    flags: Vec<u32>,
}

impl CellCounts {
    fn new(first_vpn: u64, ppc: u64, cells: usize, end: u64) -> CellCounts {
        let shift = ppc.is_power_of_two().then(|| ppc.trailing_zeros());
        CellCounts { first_vpn, ppc, shift, end, counts: vec![[0; 6]; cells], flags: vec![0; cells] }
    }

    fn contains(&self, vpn: u64) -> bool {
        vpn >= self.first_vpn && vpn < self.end
    }

    fn cell_of(&self, vpn: u64) -> usize {
        match self.shift {
            Some(s) => ((vpn - self.first_vpn) >> s) as usize,
            None => ((vpn - self.first_vpn) / self.ppc) as usize,
        }
    }

    fn cell_start(&self, c: usize) -> u64 {
        self.first_vpn + c as u64 * self.ppc
    }

    /// Pages `lo..hi` are in `state` (a region's base state), with flags `f`.
    fn add_range(&mut self, lo: u64, hi: u64, state: PageState, f: u32) {
        let (lo, hi) = (lo.max(self.first_vpn), hi.min(self.end));
        if lo >= hi {
            return;
        }
        for c in self.cell_of(lo)..=self.cell_of(hi - 1) {
            let overlap = hi.min(self.cell_start(c) + self.ppc) - lo.max(self.cell_start(c));
            self.counts[c][state as usize] += overlap;
            self.flags[c] |= f;
        }
    }

    /// Page `vpn` moves from its base state to `state`, adding flags `f` (resident to resident
    /// adds only the flags).
    fn set(&mut self, vpn: u64, state: PageState, base: PageState, f: u32) {
        let c = self.cell_of(vpn);
        self.counts[c][base as usize] = self.counts[c][base as usize].saturating_sub(1);
        self.counts[c][state as usize] += 1;
        self.flags[c] |= f;
    }

    /// The cells' words: each cell's most important state, its flags (MIXED if it holds pages in
    /// several states) and its resident pages; what is left of a cell is unmapped.
    fn write(&self, out: &mut [u32]) {
        for (c, n) in self.counts.iter().enumerate() {
            let pages = self.end.min(self.cell_start(c) + self.ppc).saturating_sub(self.cell_start(c));
            let mut n = *n;
            n[PageState::Unmapped as usize] = pages - n.iter().sum::<u64>().min(pages);
            let present = PageState::ALL.iter().filter(|&&st| n[st as usize] > 0).count();
            let state =
                PageState::ALL.iter().rev().find(|&&st| n[st as usize] > 0).copied().unwrap_or(PageState::Unmapped);
            let mixed = if present > 1 { flags::MIXED } else { 0 };
            out[c * CELL_WORDS + field::CELL_STATE] = state as u32 | ((self.flags[c] | mixed) << field::FLAG_SHIFT);
            out[c * CELL_WORDS + field::CELL_RESIDENT] = n[PageState::Resident as usize] as u32;
        }
    }
}

impl Machine {
    /// Fills `out` with `cells` page cells of process `pid`, each covering `pages_per_cell` pages
    /// from `first_vpn`. Costs O(regions + mapped pages in the window), not O(pages), so a 48-bit
    /// space can be summarised into a few hundred cells.
    pub fn fill_page_cells(&self, pid: Pid, first_vpn: u64, pages_per_cell: u64, cells: usize, out: &mut Vec<u32>) {
        out.clear();
        out.resize(cells * CELL_WORDS, 0);
        for w in out.chunks_mut(CELL_WORDS) {
            w[field::CELL_LOC] = NONE;
        }
        let Some(proc) = self.process(pid).filter(|p| p.alive()) else {
            return;
        };
        let ppc = pages_per_cell.max(1);
        let end = first_vpn.saturating_add(ppc.saturating_mul(cells as u64)).min(self.config().pages_per_space());
        if first_vpn >= end {
            return;
        }
        let mut counts = CellCounts::new(first_vpn, ppc, cells, end);
        // What the regions say, before anything is touched.
        if proc.flat {
            counts.add_range(first_vpn, end, PageState::Reserved, flags::WRITABLE);
        } else {
            counts.add_range(0, 1, PageState::Guard, 0);
            for r in proc.regions.iter() {
                let state = if r.code { PageState::Code } else { PageState::Reserved };
                let f = if r.code { flags::CODE } else { 0 } | if r.perms.writable() { flags::WRITABLE } else { 0 };
                counts.add_range(r.start_vpn, r.end_vpn(), state, f);
            }
        }
        if ppc == 1 {
            self.count_pages_one_by_one(proc, &mut counts, out);
        } else {
            self.count_pages_summarised(pid, proc, &mut counts);
        }
        counts.write(out);
    }

    /// One page a cell: walk the page table (a view of 128 pages), reading each frame; a cell of a
    /// single page also names its frame or slot.
    fn count_pages_one_by_one(&self, proc: &Process, counts: &mut CellCounts, out: &mut [u32]) {
        let (first, end) = (counts.first_vpn, counts.end);
        proc.page_table.for_each_valid(first, end, &mut |vpn, pte| {
            let base = if pte.code() { PageState::Code } else { PageState::Reserved };
            let state = match pte.state {
                PteState::Resident => PageState::Resident,
                PteState::Swapped => PageState::Swapped,
                PteState::Empty => return,
            };
            let mut f = if pte.cow { flags::COW } else { 0 };
            if pte.huge {
                f |= flags::HUGE;
            }
            let maps = match pte.state {
                PteState::Resident => self.frame_map_count(pte.loc),
                _ => self.slot_map_count(pte.loc),
            };
            if maps > 1 || pte.file() || pte.shm() {
                f |= flags::SHARED;
            }
            if pte.state == PteState::Resident {
                let frames = self.frames();
                if frames.get(pte.loc).dirty {
                    f |= flags::DIRTY;
                }
                if frames.referenced(pte.loc) {
                    f |= flags::REFERENCED;
                }
                if pte.swap_copy != NONE {
                    f |= flags::SWAP_COPY;
                }
            }
            counts.set(vpn, state, base, f);
            out[counts.cell_of(vpn) * CELL_WORDS + field::CELL_LOC] = pte.loc;
        });
    }

    /// Summarised cells (up to the whole space): every resident page is a frame and every page on
    /// disk a swap slot, so one sequential pass over each table counts them, at a cost bounded by
    /// the memory used rather than by the pages the cells cover.
    fn count_pages_summarised(&self, pid: Pid, proc: &Process, counts: &mut CellCounts) {
        let frames = self.frames();
        let frame_bits = |f: u32| {
            (if frames.get(f).dirty { flags::DIRTY } else { 0 })
                | (if frames.referenced(f) { flags::REFERENCED } else { 0 })
                | if frames.get(f).pinned { flags::HUGE } else { 0 }
        };
        let base_of = |f: u32| if frames.get(f).code { PageState::Code } else { PageState::Reserved };
        for f in 0..frames.high_water() {
            let fr = frames.get(f);
            if fr.owner == pid && fr.table.is_none() && counts.contains(fr.vpn) {
                counts.set(fr.vpn, PageState::Resident, base_of(f), frame_bits(f));
            }
        }
        // Pages of `pid` that map a frame or slot another page owns.
        for (f, others) in self.shared_frame_list() {
            for (q, vpn) in others {
                if q == pid && counts.contains(vpn) {
                    counts.set(vpn, PageState::Resident, base_of(f), flags::SHARED | frame_bits(f));
                }
            }
        }
        for (_, others) in self.shared_slot_list() {
            for (q, vpn) in others {
                if q == pid && counts.contains(vpn) {
                    counts.set(vpn, PageState::Swapped, PageState::Reserved, flags::SHARED);
                }
            }
        }
        let swap = self.swap();
        for s in 0..swap.high_water() {
            let slot = swap.get(s);
            if slot.owner != pid || !counts.contains(slot.vpn) {
                continue;
            }
            // A slot is either the page (swapped out) or a clean copy of a resident page.
            match proc.page_table.get(slot.vpn).map(|pte| pte.state) {
                Some(PteState::Resident) => {
                    counts.set(slot.vpn, PageState::Resident, PageState::Resident, flags::SWAP_COPY)
                }
                _ => counts.set(slot.vpn, PageState::Swapped, PageState::Reserved, 0),
            }
        }
    }

    /// The page ranges of `pid` in use, as `(first, end)` pairs, ascending and disjoint: the guard
    /// page and the regions, or for a flat process the touched pages (the spans of the page
    /// tables holding them beyond [`PAGE_RANGES_UP_TO`] pages). Ranges less than `join`
    /// pages apart are joined, then the closest ones until at most `max` remain, so a view can fit
    /// the ranges in use with the gaps between them collapsed. Costs O(regions), O(touched pages)
    /// or O(page tables).
    pub fn used_ranges(&self, pid: Pid, max: usize, join: u64) -> Vec<(u64, u64)> {
        let Some(proc) = self.process(pid).filter(|p| p.alive()) else {
            return Vec::new();
        };
        let mut ranges: Vec<(u64, u64)> = Vec::new();
        let mut add = |lo: u64, hi: u64| match ranges.last_mut() {
            Some(last) if lo.saturating_sub(last.1) < join.max(1) => last.1 = last.1.max(hi),
            _ => ranges.push((lo, hi)),
        };
        let table = &proc.page_table;
        if proc.flat && table.entry_count() > PAGE_RANGES_UP_TO {
            // Many pages: whole last-level tables are fine enough (a view shows 128 cells).
            let mut firsts: Vec<u64> =
                table.leaf_tables(0, self.config().pages_per_space()).iter().map(|t| t.1).collect();
            firsts.sort_unstable();
            for first in firsts {
                add(first, first + table.leaf_span());
            }
        } else if proc.flat {
            for vpn in table.valid_in_range(0, self.config().pages_per_space()) {
                add(vpn, vpn + 1);
            }
        } else {
            add(0, 1);
            for r in proc.regions.iter() {
                add(r.start_vpn, r.end_vpn());
            }
        }
        if ranges.len() > max.max(1) {
            // Join across the smallest gaps: every gap up to the one that leaves `max` ranges.
            let mut gaps: Vec<u64> = ranges.windows(2).map(|w| w[1].0 - w[0].1).collect();
            gaps.sort_unstable();
            let limit = gaps[ranges.len() - max.max(1) - 1];
            let mut joined: Vec<(u64, u64)> = Vec::with_capacity(max);
            for r in ranges {
                match joined.last_mut() {
                    Some(last) if r.0 - last.1 <= limit => last.1 = r.1,
                    _ => joined.push(r),
                }
            }
            ranges = joined;
        }
        ranges
    }

    /// Fills `out` with frames `first..first+count` ([`FRAME_WORDS`] each; fewer past the end).
    pub fn fill_frames(&self, first: u32, count: u32, out: &mut Vec<u32>) {
        let frames = self.frames();
        let end = first.saturating_add(count).min(frames.len());
        out.clear();
        out.reserve(end.saturating_sub(first) as usize * FRAME_WORDS);
        let hand = self.clock_hand();
        for f in first..end {
            let fr = frames.get(f);
            let mut fl = 0;
            if hand == Some(f) {
                fl |= flags::HAND;
            }
            if fr.owner == NONE {
                out.extend_from_slice(&page_record::<FRAME_WORDS>(NONE, 0, fl));
                continue;
            }
            if let Some(level) = fr.table {
                let mut w = page_record::<FRAME_WORDS>(fr.owner, fr.vpn, fl | flags::TABLE);
                w[field::VALUE] = level as u32;
                out.extend_from_slice(&w);
                continue;
            }
            if fr.dirty {
                fl |= flags::DIRTY;
            }
            if frames.referenced(f) {
                fl |= flags::REFERENCED;
            }
            if fr.code {
                fl |= flags::CODE;
            }
            if fr.pinned {
                fl |= flags::HUGE;
            }
            if self.frame_holder(f).is_some() {
                fl |= flags::HELD;
            }
            let maps = self.frame_map_count(f);
            if maps > 1 {
                fl |= flags::SHARED;
            }
            // (A page-table walk per frame only in runs that have shared something.)
            if self.sharing_seen()
                && self.process(fr.owner).and_then(|p| p.page_table.get(fr.vpn)).is_some_and(|e| e.cow)
            {
                fl |= flags::COW;
            }
            let mut w = page_record::<FRAME_WORDS>(fr.owner, fr.vpn, fl);
            w[field::VALUE] = self.policy_value(f).map_or(NONE, |v| v.min(NONE as u64 - 1) as u32);
            w[field::FRAME_MAPS] = maps;
            out.extend_from_slice(&w);
        }
    }

    /// Fills `out` with `blocks` blocks of `per_block` frames from `first` ([`BLOCK_WORDS`] each):
    /// how many are in use, dirty and referenced, and whose most of them are. Frames never used
    /// (above the high water mark) are not visited.
    pub fn fill_frame_blocks(&self, first: u32, per_block: u32, blocks: u32, out: &mut Vec<u32>) {
        let frames = self.frames();
        let per_block = per_block.max(1);
        out.clear();
        out.resize(blocks as usize * BLOCK_WORDS, 0);
        let hand = self.clock_hand();
        let used_end = frames.high_water();
        for b in 0..blocks {
            let lo = first.saturating_add(b.saturating_mul(per_block));
            let hi = lo.saturating_add(per_block).min(frames.len());
            let w = &mut out[b as usize * BLOCK_WORDS..][..BLOCK_WORDS];
            if hand.is_some_and(|h| h >= lo && h < hi) {
                w[field::BLOCK_FLAGS] |= flags::HAND;
            }
            // The owner of most frames: Boyer–Moore majority vote (exact when one owns over half).
            let (mut owner, mut votes) = (NONE, 0u32);
            for f in lo..hi.min(used_end) {
                let fr = frames.get(f);
                if fr.owner == NONE {
                    continue;
                }
                w[field::BLOCK_USED] += 1;
                w[field::BLOCK_DIRTY] += fr.dirty as u32;
                w[field::BLOCK_REFERENCED] += frames.referenced(f) as u32;
                if votes == 0 {
                    owner = fr.owner;
                }
                votes = if owner == fr.owner { votes + 1 } else { votes - 1 };
            }
            w[field::BLOCK_OWNER] = if w[field::BLOCK_USED] > 0 { owner + 1 } else { 0 };
        }
    }

    /// Fills `out` with `count` swap slots from `first` ([`SLOT_WORDS`] each).
    pub fn fill_swap(&self, first: u32, count: u32, out: &mut Vec<u32>) {
        out.clear();
        let swap = self.swap();
        let end = first.saturating_add(count).min(swap.capacity());
        for s in first..end {
            let slot = swap.get(s);
            if slot.owner == NONE {
                out.extend_from_slice(&page_record::<SLOT_WORDS>(NONE, 0, 0));
                continue;
            }
            let resident = self
                .process(slot.owner)
                .and_then(|p| p.page_table.get(slot.vpn))
                .is_some_and(|pte| pte.state == PteState::Resident);
            let maps = self.slot_map_count(s);
            let fl = if resident { flags::COPY_OF_RESIDENT } else { 0 }
                | if maps > 1 { flags::SHARED } else { 0 }
                | if self.slot_holder(s).is_some() { flags::HELD } else { 0 };
            let mut w = page_record::<SLOT_WORDS>(slot.owner, slot.vpn, fl);
            w[field::SLOT_MAPS] = maps;
            out.extend_from_slice(&w);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Config, Perms};

    fn cell(out: &[u32], i: usize) -> (PageState, u32, u32, u32) {
        let w = &out[i * CELL_WORDS..];
        (PageState::ALL[(w[0] & 0xff) as usize], w[0] >> 8, w[1], w[2])
    }

    /// Summarised cells (counted from the frame and swap tables) agree with the pages one by one
    /// (read from the page table): states, resident counts, flags and "mixed".
    #[test]
    fn summarised_cells_add_up_the_pages_they_cover() {
        let mut m = Machine::new(Config { frames: 6, swap_slots: 64, va_bits: 20, ..Config::default() }).unwrap();
        let a = m.spawn("A", 3).unwrap();
        let b = m.spawn("B", 2).unwrap();
        m.allocate(a, 40 * 4096, Perms::RW, Some(0x8000), None).unwrap(); // half never touched
        m.allocate(b, 9 * 4096, Perms::RW, Some(0x6000), None).unwrap();
        let mut x: u64 = 5;
        for i in 0..300u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let (pid, base, pages) = if i % 3 == 0 { (b, 0x6000, 9) } else { (a, 0x8000, 20) };
            let addr = base + ((x >> 33) % pages) * 4096;
            if (x >> 20).is_multiple_of(3) {
                m.write(pid, addr, (i % 200) as u8 + 1).unwrap();
            } else {
                m.read(pid, addr).unwrap();
            }
            if i % 7 == 0 {
                m.read(pid, 0x1000 + ((x >> 40) % 2) * 4096).unwrap(); // code
            }
            if i % 50 == 0 {
                m.tick(1000).unwrap(); // a timer interrupt clears reference bits
            }
        }
        let mut seen = 0;
        for pid in [a, b] {
            let mut pages = Vec::new();
            m.fill_page_cells(pid, 0, 1, 64, &mut pages);
            for p in 0..64 {
                let (state, f, _, _) = cell(&pages, p);
                seen |= 1 << state as u32 | if f & flags::SWAP_COPY != 0 { 1 << 8 } else { 0 };
                seen |= if f & flags::DIRTY != 0 { 1 << 9 } else { 0 }
                    | if f & flags::REFERENCED != 0 { 1 << 10 } else { 0 };
            }
            for ppc in [2usize, 4, 8, 16, 64] {
                let mut cells = Vec::new();
                m.fill_page_cells(pid, 0, ppc as u64, 64 / ppc, &mut cells);
                for c in 0..64 / ppc {
                    let covered: Vec<_> = (c * ppc..(c + 1) * ppc).map(|p| cell(&pages, p)).collect();
                    let states: std::collections::BTreeSet<u32> = covered.iter().map(|p| p.0 as u32).collect();
                    let top = *states.iter().max().unwrap();
                    let resident: u32 = covered.iter().map(|p| u32::from(p.0 == PageState::Resident)).sum();
                    let mut f = covered.iter().fold(0, |f, p| f | p.1);
                    if states.len() > 1 {
                        f |= flags::MIXED;
                    }
                    let (state, flags_seen, loc, n) = cell(&cells, c);
                    assert_eq!(
                        (state as u32, flags_seen, loc, n),
                        (top, f, NONE, resident),
                        "pid {pid}, {ppc} a cell, cell {c}"
                    );
                }
            }
        }
        use PageState::*;
        for st in [Guard, Code, Reserved, Resident, Swapped, Unmapped] {
            assert!(seen & (1 << st as u32) != 0, "the machine has a {st:?} page");
        }
        assert_eq!(seen >> 8, 0b111, "and clean swap copies, dirty and referenced pages");
    }

    #[test]
    fn cells_show_guard_code_reserved_resident_and_swapped() {
        let mut m = Machine::new(Config { frames: 2, ..Config::default() }).unwrap();
        let a = m.spawn("A", 1).unwrap();
        m.allocate(a, 3 * 4096, Perms::RW, Some(0x4000), None).unwrap();
        m.write(a, 0x4000, 1).unwrap();
        m.read(a, 0x1000).unwrap();
        m.read(a, 0x5000).unwrap(); // evicts page 4 (dirty) to swap
        let mut out = Vec::new();
        m.fill_page_cells(a, 0, 1, 16, &mut out);
        assert_eq!(cell(&out, 0).0, PageState::Guard);
        assert_eq!(cell(&out, 1).0, PageState::Resident);
        assert_eq!(cell(&out, 1).1 & flags::CODE, flags::CODE);
        assert_eq!(cell(&out, 2).0, PageState::Unmapped);
        assert_eq!(cell(&out, 4).0, PageState::Swapped);
        assert_eq!(cell(&out, 4).2, 0, "slot 0");
        assert_eq!(cell(&out, 5).0, PageState::Resident);
        assert_eq!(cell(&out, 6).0, PageState::Reserved);
        // Zoomed out: 4 pages a cell. Cell 1 (pages 4-7) mixes swapped, resident, reserved, unmapped.
        m.fill_page_cells(a, 0, 4, 4, &mut out);
        let (state, f, loc, resident) = cell(&out, 1);
        assert_eq!((state, f & flags::MIXED != 0, loc, resident), (PageState::Resident, true, NONE, 1));
        let mut frames = Vec::new();
        m.fill_frames(0, u32::MAX, &mut frames);
        assert_eq!(frames.len(), 2 * FRAME_WORDS);
        assert_eq!(frames[0], a + 1);
        let mut slots = Vec::new();
        m.fill_swap(0, 4, &mut slots);
        assert_eq!(&slots[..3], &[a + 1, 4, 0]);
        assert_eq!(slots[SLOT_WORDS], 0, "slot 1 is free");
    }

    #[test]
    fn a_48_bit_space_summarises_without_scanning_it() {
        let mut m = Machine::new(Config { va_bits: 48, levels: 4, ..Config::default() }).unwrap();
        let t = m.spawn_flat("T").unwrap();
        m.write(t, 0xffff_f000_0000, 1).unwrap();
        let mut out = Vec::new();
        let pages = m.config().pages_per_space();
        m.fill_page_cells(t, 0, pages / 256, 256, &mut out);
        let resident: Vec<usize> = (0..256).filter(|&i| cell(&out, i).0 == PageState::Resident).collect();
        assert_eq!(resident, vec![255]);
        assert_eq!(cell(&out, 0).0, PageState::Reserved);
    }

    #[test]
    fn used_ranges_are_the_guard_and_the_regions_or_the_touched_pages() {
        let mut m = Machine::new(Config { va_bits: 48, levels: 4, frames: 64, ..Config::default() }).unwrap();
        let a = m.spawn("A", 2).unwrap();
        m.allocate(a, 3 * 4096, Perms::RW, Some(0x10_0000), None).unwrap();
        m.allocate(a, 4096, Perms::RW, Some(0x7fff_ffff_f000), None).unwrap();
        assert_eq!(m.used_ranges(a, 8, 1), vec![(0, 3), (0x100, 0x103), (0x7_ffff_ffff, 0x8_0000_0000)]);
        // Joined when close, and down to `max` ranges across the smallest gaps.
        assert_eq!(m.used_ranges(a, 8, 0x100), vec![(0, 0x103), (0x7_ffff_ffff, 0x8_0000_0000)]);
        assert_eq!(m.used_ranges(a, 1, 1), vec![(0, 0x8_0000_0000)]);

        let t = m.spawn_flat("T").unwrap();
        assert_eq!(m.used_ranges(t, 8, 1), vec![], "nothing touched yet");
        for page in [5u64, 6, 7, 1 << 30, (1 << 30) + 2, 0xf_ffff_fff0] {
            m.read(t, page << 12).unwrap();
        }
        assert_eq!(
            m.used_ranges(t, 8, 1),
            vec![(5, 8), (1 << 30, (1 << 30) + 1), ((1 << 30) + 2, (1 << 30) + 3), (0xf_ffff_fff0, 0xf_ffff_fff1)]
        );
        assert_eq!(m.used_ranges(t, 8, 2), vec![(5, 8), (1 << 30, (1 << 30) + 3), (0xf_ffff_fff0, 0xf_ffff_fff1)]);
        assert_eq!(m.used_ranges(t, 2, 1), vec![(5, (1 << 30) + 3), (0xf_ffff_fff0, 0xf_ffff_fff1)]);
    }

    #[test]
    fn frame_blocks_count_use_dirt_references_and_the_main_owner() {
        let mut m = Machine::new(Config { frames: 1024, va_bits: 32, swap_slots: 0, ..Config::default() }).unwrap();
        let a = m.spawn_flat("A").unwrap();
        let b = m.spawn_flat("B").unwrap();
        for page in 0..100u64 {
            m.read(a, page << 12).unwrap(); // frames 0..100
        }
        for page in 0..30u64 {
            m.write(b, page << 12, 1).unwrap(); // frames 100..130
        }
        let mut out = Vec::new();
        m.fill_frame_blocks(0, 64, 4, &mut out);
        let block = |i: usize| &out[i * BLOCK_WORDS..][..BLOCK_WORDS];
        assert_eq!(block(0)[..4], [64, 0, 64, a + 1]);
        assert_eq!(block(1)[..4], [64, 28, 64, a + 1], "36 of A's frames and 28 of B's");
        assert_eq!(block(2)[..4], [2, 2, 2, b + 1]);
        assert_eq!(block(3)[..4], [0, 0, 0, 0]);
        // Frames past the end count as free; a partial last block is fine.
        m.fill_frame_blocks(1000, 64, 2, &mut out);
        assert_eq!(out, vec![0; 2 * BLOCK_WORDS]);
        let mut frames = Vec::new();
        m.fill_frames(99, 2, &mut frames);
        assert_eq!((frames[0], frames[FRAME_WORDS]), (a + 1, b + 1));
    }

    #[test]
    fn a_sparse_table_lists_its_entries_in_time_linear_in_them() {
        // 20,000 pages, each in its own leaf table of a 48-bit space: one pass per level.
        let mut m = Machine::new(Config { va_bits: 48, levels: 4, frames: 32_768, ..Config::default() }).unwrap();
        let t = m.spawn_flat("T").unwrap();
        let pages: Vec<u64> = (0..20_000u64).map(|i| i * 0x1_0001).collect();
        for &p in &pages {
            m.read(t, p << 12).unwrap();
        }
        let started = std::time::Instant::now();
        let listed = m.process(t).unwrap().page_table.valid_in_range(0, 1 << 36);
        assert!(listed == pages, "{} listed of {}", listed.len(), pages.len());
        assert!(started.elapsed().as_secs_f64() < 2.0, "{:?}", started.elapsed());
    }
}
