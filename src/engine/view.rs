//! Compact, flat views of the machine for drawing: one run of `u32` words per page cell, frame
//! and swap slot. The renderer reads them straight out of WebAssembly memory, so it never copies
//! the machine into JavaScript objects. Codes and layouts are defined here once and exported to
//! JavaScript by the wasm boundary (`pageStates()`, `viewLayout()`), never hard-coded twice.

use super::machine::Machine;
use super::page_table::{PteState, NONE};
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

    pub const ALL: [(&str, u32); 8] = [
        ("DIRTY", DIRTY),
        ("REFERENCED", REFERENCED),
        ("CODE", CODE),
        ("MIXED", MIXED),
        ("WRITABLE", WRITABLE),
        ("SWAP_COPY", SWAP_COPY),
        ("HAND", HAND),
        ("COPY_OF_RESIDENT", COPY_OF_RESIDENT),
    ];
}

/// Words per page cell: `[state | flags << 8, frame or slot (NONE if several/none), resident pages]`.
pub const CELL_WORDS: usize = 3;
/// Words per frame: `[owner pid + 1 (0 = free), vpn low, vpn high, flags, policy value]`.
pub const FRAME_WORDS: usize = 5;
/// Words per swap slot: `[owner pid + 1 (0 = free), vpn low, vpn high, flags]`.
pub const SLOT_WORDS: usize = 4;

fn split(vpn: u64) -> (u32, u32) {
    (vpn as u32, (vpn >> 32) as u32)
}

impl Machine {
    /// Fills `out` with `cells` page cells of process `pid`, each covering `pages_per_cell` pages
    /// from `first_vpn`. Costs O(regions + mapped pages in the window), not O(pages), so a 48-bit
    /// space can be summarised into a few hundred cells.
    pub fn fill_page_cells(&self, pid: Pid, first_vpn: u64, pages_per_cell: u64, cells: usize, out: &mut Vec<u32>) {
        out.clear();
        out.resize(cells * CELL_WORDS, 0);
        for w in out.chunks_mut(CELL_WORDS) {
            w[1] = NONE;
        }
        let Some(proc) = self.process(pid).filter(|p| p.alive()) else {
            return;
        };
        let ppc = pages_per_cell.max(1);
        let end = first_vpn.saturating_add(ppc.saturating_mul(cells as u64)).min(self.config().pages_per_space());
        if first_vpn >= end {
            return;
        }
        // Pages of each state in each cell; what is left over is unmapped.
        let mut counts = vec![[0u64; 6]; cells];
        let mut cell_flags = vec![0u32; cells];
        let cell_of = |vpn: u64| ((vpn - first_vpn) / ppc) as usize;
        let cell_start = |c: usize| first_vpn + c as u64 * ppc;
        let mut add_range = |counts: &mut Vec<[u64; 6]>, lo: u64, hi: u64, state: PageState, f: u32| {
            let (lo, hi) = (lo.max(first_vpn), hi.min(end));
            if lo >= hi {
                return;
            }
            for c in cell_of(lo)..=cell_of(hi - 1) {
                let overlap = hi.min(cell_start(c) + ppc) - lo.max(cell_start(c));
                counts[c][state as usize] += overlap;
                cell_flags[c] |= f;
            }
        };
        if proc.flat {
            add_range(&mut counts, first_vpn, end, PageState::Reserved, flags::WRITABLE);
        } else {
            add_range(&mut counts, 0, 1, PageState::Guard, 0);
            for r in proc.regions.iter() {
                let state = if r.code { PageState::Code } else { PageState::Reserved };
                let f = if r.code { flags::CODE } else { 0 } | if r.perms.writable() { flags::WRITABLE } else { 0 };
                add_range(&mut counts, r.start_vpn, r.end_vpn(), state, f);
            }
        }
        for vpn in proc.page_table.valid_in_range(first_vpn, end) {
            let Some(pte) = proc.page_table.get(vpn) else {
                continue;
            };
            let c = cell_of(vpn);
            let (state, mut f) = match pte.state {
                PteState::Resident => (PageState::Resident, 0),
                PteState::Swapped => (PageState::Swapped, 0),
                PteState::Empty => continue,
            };
            if pte.state == PteState::Resident {
                if self.frames().get(pte.loc).dirty {
                    f |= flags::DIRTY;
                }
                if self.frames().referenced(pte.loc) {
                    f |= flags::REFERENCED;
                }
                if pte.swap_copy != NONE {
                    f |= flags::SWAP_COPY;
                }
            }
            let base = if pte.code { PageState::Code } else { PageState::Reserved };
            counts[c][base as usize] = counts[c][base as usize].saturating_sub(1);
            counts[c][state as usize] += 1;
            cell_flags[c] |= f;
            if ppc == 1 {
                out[c * CELL_WORDS + 1] = pte.loc;
            }
        }
        for c in 0..cells {
            let pages = end.min(cell_start(c) + ppc).saturating_sub(cell_start(c));
            let mut n = counts[c];
            n[PageState::Unmapped as usize] = pages - n.iter().sum::<u64>().min(pages);
            let present = PageState::ALL.iter().filter(|&&st| n[st as usize] > 0).count();
            let state =
                PageState::ALL.iter().rev().find(|&&st| n[st as usize] > 0).copied().unwrap_or(PageState::Unmapped);
            let mixed = if present > 1 { flags::MIXED } else { 0 };
            out[c * CELL_WORDS] = state as u32 | ((cell_flags[c] | mixed) << 8);
            out[c * CELL_WORDS + 2] = n[PageState::Resident as usize] as u32;
        }
    }

    /// Fills `out` with every frame ([`FRAME_WORDS`] each).
    pub fn fill_frames(&self, out: &mut Vec<u32>) {
        let frames = self.frames();
        out.clear();
        out.reserve(frames.len() as usize * FRAME_WORDS);
        let hand = self.clock_hand();
        for f in 0..frames.len() {
            let fr = frames.get(f);
            let mut fl = 0;
            if hand == Some(f) {
                fl |= flags::HAND;
            }
            if fr.owner == NONE {
                out.extend_from_slice(&[0, 0, 0, fl, 0]);
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
            let (lo, hi) = split(fr.vpn);
            let value = self.policy_value(f).map_or(NONE, |v| v.min(NONE as u64 - 1) as u32);
            out.extend_from_slice(&[fr.owner + 1, lo, hi, fl, value]);
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
                out.extend_from_slice(&[0, 0, 0, 0]);
                continue;
            }
            let (lo, hi) = split(slot.vpn);
            let resident = self
                .process(slot.owner)
                .and_then(|p| p.page_table.get(slot.vpn))
                .is_some_and(|pte| pte.state == PteState::Resident);
            let fl = if resident { flags::COPY_OF_RESIDENT } else { 0 };
            out.extend_from_slice(&[slot.owner + 1, lo, hi, fl]);
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
        m.fill_frames(&mut frames);
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
}
