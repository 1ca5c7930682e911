//! A sparse multi-level page table, one per process.
//!
//! The virtual page number is split into one index per level, top level first (see
//! [`Config::level_bits`]). A table is created only when a page under it is first touched, so a
//! 48-bit space with a few pages costs a few tables. Levels of up to 2^12 entries are plain arrays,
//! like hardware tables; wider levels (a 1-level table over a 36-bit page number, say) are hash
//! maps, so no configuration can ask for gigabytes of empty entries.

use super::config::Config;
use super::process::Perms;
use rustc_hash::FxHashMap;

/// "No frame / slot / TLB entry".
pub const NONE: u32 = u32::MAX;

/// Widest level kept as a dense array (4096 entries).
const DENSE_MAX_BITS: u32 = 12;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PteState {
    /// Never loaded, or a code page dropped from memory (re-read from the executable on a fault).
    #[default]
    Empty,
    /// In frame `loc`.
    Resident,
    /// In swap slot `loc`.
    Swapped,
}

/// A page-table entry. `valid` means the entry exists: the page has been touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pte {
    pub valid: bool,
    pub state: PteState,
    pub perms: Perms,
    pub code: bool,
    /// Frame (resident) or swap slot (swapped).
    pub loc: u32,
    /// While resident: a swap slot still holding an identical copy, so a clean eviction is free.
    pub swap_copy: u32,
    /// TLB slot that may hold this translation (checked against the slot's tag on use).
    pub tlb_slot: u32,
}

impl Default for Pte {
    fn default() -> Self {
        Pte {
            valid: false,
            state: PteState::Empty,
            perms: Perms::default(),
            code: false,
            loc: NONE,
            swap_copy: NONE,
            tlb_slot: NONE,
        }
    }
}

#[derive(Clone, Debug)]
enum Node {
    /// Child table indices; 0 = absent (the root is never anyone's child).
    Inner(Box<[u32]>),
    SparseInner(FxHashMap<u64, u32>),
    Leaf(Box<[Pte]>),
    SparseLeaf(FxHashMap<u64, Pte>),
}

#[derive(Clone, Debug)]
pub struct PageTable {
    nodes: Vec<Node>,
    bits: [u32; 4],
    shift: [u32; 4],
    mask: [u64; 4],
    levels: usize,
    valid_entries: u64,
}

impl PageTable {
    pub fn new(config: &Config) -> Self {
        let level_bits = config.level_bits();
        let levels = level_bits.len();
        let mut bits = [0u32; 4];
        let mut shift = [0u32; 4];
        let mut mask = [0u64; 4];
        let mut below = 0;
        for lvl in (0..levels).rev() {
            bits[lvl] = level_bits[lvl];
            shift[lvl] = below;
            mask[lvl] = (1u64 << level_bits[lvl]) - 1;
            below += level_bits[lvl];
        }
        let mut table = PageTable { nodes: Vec::new(), bits, shift, mask, levels, valid_entries: 0 };
        let root = table.new_node(0);
        table.nodes.push(root);
        table
    }

    fn new_node(&self, level: usize) -> Node {
        let leaf = level + 1 == self.levels;
        let dense = self.bits[level] <= DENSE_MAX_BITS;
        let n = 1usize << self.bits[level].min(DENSE_MAX_BITS);
        match (leaf, dense) {
            (false, true) => Node::Inner(vec![0; n].into_boxed_slice()),
            (false, false) => Node::SparseInner(FxHashMap::default()),
            (true, true) => Node::Leaf(vec![Pte::default(); n].into_boxed_slice()),
            (true, false) => Node::SparseLeaf(FxHashMap::default()),
        }
    }

    /// The per-level indices of `vpn`, top level first (what the MMU uses to walk).
    pub fn indices(&self, vpn: u64) -> Vec<u64> {
        (0..self.levels).map(|l| (vpn >> self.shift[l]) & self.mask[l]).collect()
    }

    #[inline]
    fn leaf_of(&self, vpn: u64) -> Option<usize> {
        let mut node = 0usize;
        for lvl in 0..self.levels - 1 {
            let idx = (vpn >> self.shift[lvl]) & self.mask[lvl];
            let child = match &self.nodes[node] {
                Node::Inner(c) => c[idx as usize],
                Node::SparseInner(m) => m.get(&idx).copied().unwrap_or(0),
                _ => 0,
            };
            if child == 0 {
                return None;
            }
            node = child as usize;
        }
        Some(node)
    }

    /// The entry for `vpn` if it exists. O(levels), no allocation.
    #[inline]
    pub fn get(&self, vpn: u64) -> Option<&Pte> {
        let leaf = self.leaf_of(vpn)?;
        let idx = vpn & self.mask[self.levels - 1];
        let pte = match &self.nodes[leaf] {
            Node::Leaf(p) => &p[idx as usize],
            Node::SparseLeaf(m) => m.get(&idx)?,
            _ => return None,
        };
        pte.valid.then_some(pte)
    }

    #[inline]
    pub fn get_mut(&mut self, vpn: u64) -> Option<&mut Pte> {
        let leaf = self.leaf_of(vpn)?;
        let idx = vpn & self.mask[self.levels - 1];
        let pte = match &mut self.nodes[leaf] {
            Node::Leaf(p) => &mut p[idx as usize],
            Node::SparseLeaf(m) => m.get_mut(&idx)?,
            _ => return None,
        };
        pte.valid.then_some(pte)
    }

    /// Creates the entry for `vpn` (and any missing tables on the way) and returns it.
    pub fn insert(&mut self, vpn: u64, pte: Pte) -> &mut Pte {
        let mut node = 0usize;
        for lvl in 0..self.levels - 1 {
            let idx = (vpn >> self.shift[lvl]) & self.mask[lvl];
            let existing = match &self.nodes[node] {
                Node::Inner(c) => c[idx as usize],
                Node::SparseInner(m) => m.get(&idx).copied().unwrap_or(0),
                _ => 0,
            };
            node = if existing != 0 {
                existing as usize
            } else {
                let child = self.nodes.len() as u32;
                let new = self.new_node(lvl + 1);
                self.nodes.push(new);
                match &mut self.nodes[node] {
                    Node::Inner(c) => c[idx as usize] = child,
                    Node::SparseInner(m) => {
                        m.insert(idx, child);
                    }
                    _ => {}
                }
                child as usize
            };
        }
        let idx = vpn & self.mask[self.levels - 1];
        let slot = match &mut self.nodes[node] {
            Node::Leaf(p) => &mut p[idx as usize],
            Node::SparseLeaf(m) => m.entry(idx).or_default(),
            _ => unreachable!("the last level is always a leaf"),
        };
        if !slot.valid {
            self.valid_entries += 1;
        }
        *slot = Pte { valid: true, ..pte };
        slot
    }

    /// Removes the entry for `vpn`, returning what it held.
    pub fn remove(&mut self, vpn: u64) -> Option<Pte> {
        let leaf = self.leaf_of(vpn)?;
        let idx = vpn & self.mask[self.levels - 1];
        let old = match &mut self.nodes[leaf] {
            Node::Leaf(p) => std::mem::take(&mut p[idx as usize]),
            Node::SparseLeaf(m) => m.remove(&idx)?,
            _ => return None,
        };
        if old.valid {
            self.valid_entries -= 1;
            Some(old)
        } else {
            None
        }
    }

    /// Page numbers of all entries in `lo..hi`, ascending. Skips absent tables, so it costs what is
    /// mapped, not the size of the range.
    pub fn valid_in_range(&self, lo: u64, hi: u64) -> Vec<u64> {
        let mut out = Vec::new();
        if lo < hi {
            self.collect(0, 0, 0, lo, hi, &mut out);
        }
        out.sort_unstable();
        out
    }

    fn collect(&self, node: usize, level: usize, prefix: u64, lo: u64, hi: u64, out: &mut Vec<u64>) {
        let span = 1u64 << self.shift[level];
        let overlaps = |idx: u64| {
            let start = prefix | (idx << self.shift[level]);
            start < hi && start + span > lo
        };
        match &self.nodes[node] {
            Node::Inner(children) => {
                for (idx, &child) in children.iter().enumerate() {
                    if child != 0 && overlaps(idx as u64) {
                        let p = prefix | ((idx as u64) << self.shift[level]);
                        self.collect(child as usize, level + 1, p, lo, hi, out);
                    }
                }
            }
            Node::SparseInner(children) => {
                for (&idx, &child) in children {
                    if overlaps(idx) {
                        self.collect(child as usize, level + 1, prefix | (idx << self.shift[level]), lo, hi, out);
                    }
                }
            }
            Node::Leaf(ptes) => {
                for (idx, pte) in ptes.iter().enumerate() {
                    let vpn = prefix | idx as u64;
                    if pte.valid && vpn >= lo && vpn < hi {
                        out.push(vpn);
                    }
                }
            }
            Node::SparseLeaf(ptes) => {
                for (&idx, pte) in ptes {
                    let vpn = prefix | idx;
                    if pte.valid && vpn >= lo && vpn < hi {
                        out.push(vpn);
                    }
                }
            }
        }
    }

    /// Number of tables (nodes) allocated, the root included.
    pub fn table_count(&self) -> usize {
        self.nodes.len()
    }

    /// Entries that exist (touched pages still mapped).
    pub fn entry_count(&self) -> u64 {
        self.valid_entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(va_bits: u32, page: u64, levels: u32) -> Config {
        Config { va_bits, page_size: page, levels, ..Config::default() }
    }

    #[test]
    fn a_48_bit_space_with_a_few_pages_stays_small() {
        let mut pt = PageTable::new(&config(48, 4096, 4));
        let vpns = [0u64, 1, 0x7_ffff_ffff, 0x1234_5678, 0x8_0000_0000 - 2];
        for &v in &vpns {
            pt.insert(v, Pte { state: PteState::Resident, loc: v as u32, ..Pte::default() });
        }
        // root + at most 3 tables per distinct top-level path
        assert!(pt.table_count() <= 1 + 3 * vpns.len(), "{} tables", pt.table_count());
        for &v in &vpns {
            assert_eq!(pt.get(v).unwrap().loc, v as u32);
        }
        assert!(pt.get(2).is_none());
        let mut sorted = vpns.to_vec();
        sorted.sort();
        assert_eq!(pt.valid_in_range(0, u64::MAX), sorted);
        assert_eq!(pt.valid_in_range(1, 0x1234_5679), vec![1, 0x1234_5678]);
        assert!(pt.remove(1).is_some());
        assert!(pt.get(1).is_none());
        assert_eq!(pt.entry_count(), 4);
    }

    #[test]
    fn a_wide_single_level_is_sparse() {
        // 1 level over a 36-bit page number: must not allocate 2^36 entries.
        let mut pt = PageTable::new(&config(48, 4096, 1));
        pt.insert(0xf_ffff_ffff, Pte::default());
        assert!(pt.get(0xf_ffff_ffff).is_some());
        assert_eq!(pt.valid_in_range(0, u64::MAX), vec![0xf_ffff_ffff]);
        assert_eq!(pt.indices(0xf_ffff_ffff), vec![0xf_ffff_ffff]);
    }

    #[test]
    fn indices_split_the_page_number() {
        let pt = PageTable::new(&config(16, 4096, 2));
        assert_eq!(pt.indices(0b1110), vec![0b11, 0b10]);
    }
}
