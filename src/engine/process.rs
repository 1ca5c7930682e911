//! Processes: a name, a page table and a list of regions (like `mmap` areas).

use super::cow::Snapshot;
use super::error::AllocError;
use super::page_table::PageTable;
use super::stats::Stats;
pub use super::types::{ExitCause, Importance, Perms};
use rpds::RedBlackTreeMap;
use serde::Serialize;

/// A mapped range of whole pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    pub start_vpn: u64,
    pub pages: u64,
    pub perms: Perms,
    pub label: String,
    /// File-backed, read-only program text: evicted clean pages are dropped, not swapped.
    pub code: bool,
    /// The shared object mapped here (an executable for code, a shared-memory object, a file),
    /// or `None` for private memory. Its page `i` is the region's page `start_vpn + i`.
    #[serde(skip)]
    pub object: Option<u32>,
    /// Mapped with huge pages (README, *Huge pages*): it starts and ends on huge-page boundaries.
    pub huge: bool,
}

impl Region {
    pub fn end_vpn(&self) -> u64 {
        self.start_vpn + self.pages
    }

    pub fn contains(&self, vpn: u64) -> bool {
        vpn >= self.start_vpn && vpn < self.end_vpn()
    }
}

/// One process: its name, page table, regions and statistics.
#[derive(Clone, Debug)]
pub struct Process {
    pub name: String,
    /// `None` while running.
    pub ended: Option<ExitCause>,
    /// Whole address space valid and writable, no null guard (reference strings and traces).
    pub flat: bool,
    pub page_table: PageTable,
    pub regions: Regions,
    pub stats: Stats,
    /// Counter for the labels of regions allocated without one (`r1`, `r2`, …).
    pub next_label: u32,
    pub importance: Importance,
    /// `vm=base`: its one block of physical memory (README, *Before virtual memory*).
    pub block: Block,
}

/// A base-and-bounds block: `pages` frames from frame `base` (`pages` 0: none yet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Block {
    pub base: u32,
    pub pages: u64,
}

impl Process {
    pub fn alive(&self) -> bool {
        self.ended.is_none()
    }

    /// The region holding `vpn`, if any. O(log regions).
    pub fn region_of(&self, vpn: u64) -> Option<&Region> {
        self.regions.region_of(vpn)
    }

    pub fn region_by_label(&self, label: &str) -> Option<&Region> {
        self.regions.by_label(label)
    }

    /// Where a region of `pages` pages goes: at page `at` if given (checked), else at the lowest gap
    /// above page 0. `space` is the number of pages in the address space. The message says why a
    /// request cannot be placed.
    /// [`Process::place`] for a huge-page region: without `at`, the lowest gap that starts on a
    /// multiple of `align` pages. O(regions): each try skips past the region in the way.
    pub fn place_aligned(&self, pages: u64, at: Option<u64>, space: u64, align: u64) -> Result<u64, AllocError> {
        if at.is_some() || align == 1 {
            return self.place(pages, at, space);
        }
        let mut candidate = align; // page 0 is the null guard, so the first boundary is `align`
        while candidate.saturating_add(pages) <= space {
            match self.regions.overlapping(candidate, pages) {
                None => return Ok(candidate),
                Some(r) => candidate = r.end_vpn().div_ceil(align).saturating_mul(align),
            }
        }
        Err(AllocError::NoGap { pages, name: self.name.clone() })
    }

    pub fn place(&self, pages: u64, at: Option<u64>, space: u64) -> Result<u64, AllocError> {
        match at {
            Some(0) => Err(AllocError::NullPage),
            Some(vpn) if vpn.saturating_add(pages) > space => Err(AllocError::PastEnd { pages, vpn }),
            Some(vpn) => match self.regions.overlapping(vpn, pages) {
                Some(r) => Err(AllocError::Overlap {
                    first: vpn,
                    last: vpn + pages - 1,
                    label: r.label.clone(),
                    start: r.start_vpn,
                    end: r.end_vpn() - 1,
                }),
                None => Ok(vpn),
            },
            None => self
                .regions
                .lowest_gap(pages, space)
                .ok_or_else(|| AllocError::NoGap { pages, name: self.name.clone() }),
        }
    }
}

impl Snapshot for Process {
    /// The page table freezes; the rest is small or shared (regions are persistent maps).
    fn freeze(&mut self) -> (Self, usize) {
        let (page_table, bytes) = self.page_table.freeze();
        let small = std::mem::size_of::<Process>() + self.name.len() + self.stats.fault_rate.faults.len() * 4;
        (self.with_table(page_table), bytes + small)
    }
    fn thaw(&self) -> Self {
        self.with_table(self.page_table.thaw())
    }
}

impl Process {
    /// A copy of this process with another page table.
    fn with_table(&self, page_table: PageTable) -> Process {
        Process {
            name: self.name.clone(),
            ended: self.ended,
            flat: self.flat,
            page_table,
            regions: self.regions.clone(),
            stats: self.stats.clone(),
            next_label: self.next_label,
            importance: self.importance,
            block: self.block,
        }
    }
}

/// A process's regions: by first page (they never overlap) and by label (labels are unique). Both
/// maps are persistent, so a checkpoint of the machine shares them.
///
/// The label index is keyed by a hash of the label, so both maps are the same type (one copy of
/// the map's code in the WebAssembly module); two labels with the same hash are told apart by a
/// scan of the regions.
#[derive(Clone, Debug, Default)]
pub struct Regions {
    by_start: RedBlackTreeMap<u64, Region>,
    by_label: RedBlackTreeMap<u64, Region>,
    /// Pages `1..low_water` are all inside regions: the search for a gap starts here, so a run of
    /// allocations costs O(log regions) each, not a walk over every region.
    low_water: u64,
}

impl Regions {
    pub fn len(&self) -> usize {
        self.by_start.size()
    }

    pub fn is_empty(&self) -> bool {
        self.by_start.is_empty()
    }

    /// Regions in address order.
    pub fn iter(&self) -> impl Iterator<Item = &Region> + '_ {
        self.by_start.values()
    }

    pub fn region_of(&self, vpn: u64) -> Option<&Region> {
        self.by_start.range(..=vpn).next_back().map(|(_, r)| r).filter(|r| r.contains(vpn))
    }

    pub fn by_label(&self, label: &str) -> Option<&Region> {
        match self.by_label.get(&label_hash(label)) {
            Some(r) if r.label == label => self.by_start.get(&r.start_vpn),
            Some(_) => self.iter().find(|r| r.label == label), // another label with the same hash
            None => None,
        }
    }

    /// A region that shares a page with `pages` pages from `vpn`.
    pub fn overlapping(&self, vpn: u64, pages: u64) -> Option<&Region> {
        let end = vpn.saturating_add(pages);
        self.by_start.range(..end).next_back().map(|(_, r)| r).filter(|r| r.end_vpn() > vpn)
    }

    /// The lowest page ≥ 1 where `pages` free pages begin, below `space`.
    pub fn lowest_gap(&self, pages: u64, space: u64) -> Option<u64> {
        let mut candidate = self.low_water.max(1);
        for (_, r) in self.by_start.range(candidate..) {
            if r.start_vpn >= candidate.saturating_add(pages) {
                break;
            }
            candidate = candidate.max(r.end_vpn());
        }
        (candidate.saturating_add(pages) <= space).then_some(candidate)
    }

    pub fn insert(&mut self, region: Region) {
        let hash = label_hash(&region.label);
        if self.by_label.get(&hash).is_none() {
            self.by_label.insert_mut(hash, region.clone());
        }
        let (start, end) = (region.start_vpn, region.end_vpn());
        self.by_start.insert_mut(start, region);
        if start <= self.low_water.max(1) {
            // The covered prefix grows: skip over the regions that now continue it.
            let mut low = end.max(self.low_water);
            while let Some((_, r)) = self.by_start.range(low..).next() {
                if r.start_vpn != low {
                    break;
                }
                low = r.end_vpn();
            }
            self.low_water = low;
        }
    }

    /// Removes the region starting at page `start`.
    pub fn remove(&mut self, start: u64) -> Option<Region> {
        let region = self.by_start.get(&start)?.clone();
        self.by_start.remove_mut(&start);
        let hash = label_hash(&region.label);
        if self.by_label.get(&hash).is_some_and(|r| r.start_vpn == start) {
            self.by_label.remove_mut(&hash);
            // A region whose label shares the hash may now take the slot.
            let other = self.iter().find(|r| label_hash(&r.label) == hash).cloned();
            if let Some(other) = other {
                self.by_label.insert_mut(hash, other);
            }
        }
        self.low_water = self.low_water.min(start);
        Some(region)
    }

    pub fn clear(&mut self) {
        *self = Regions::default();
    }
}

/// The label index's key (FNV-1a: deterministic, no per-process random state).
fn label_hash(label: &str) -> u64 {
    label.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

pub use super::types::valid_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perms_parse_and_print() {
        assert_eq!(Perms::parse("rw"), Some(Perms::RW));
        assert_eq!(Perms::parse("r-x"), Some(Perms::RX));
        assert_eq!(Perms::parse("RWX").unwrap().to_string(), "rwx");
        assert_eq!(Perms::parse(""), None);
        assert_eq!(Perms::parse("rr"), None);
        assert_eq!(Perms::parse("rq"), None);
    }

    fn region(start_vpn: u64, pages: u64, label: &str) -> Region {
        Region { start_vpn, pages, perms: Perms::RW, label: label.into(), code: false, object: None, huge: false }
    }

    #[test]
    fn gaps_are_found_lowest_first_and_frees_reopen_them() {
        let mut r = Regions::default();
        assert_eq!(r.lowest_gap(2, 16), Some(1));
        r.insert(region(1, 2, "a"));
        r.insert(region(3, 2, "b"));
        assert_eq!(r.lowest_gap(1, 16), Some(5));
        r.insert(region(8, 1, "c"));
        assert_eq!(r.lowest_gap(3, 16), Some(5));
        assert_eq!(r.lowest_gap(4, 16), Some(9));
        assert_eq!(r.lowest_gap(8, 16), None);
        assert_eq!(r.remove(1).map(|x| x.label), Some("a".to_string()));
        assert_eq!(r.lowest_gap(2, 16), Some(1));
        assert!(r.by_label("a").is_none());
        assert_eq!(r.by_label("c").map(|x| x.start_vpn), Some(8));
        assert_eq!(r.region_of(4).map(|x| x.label.as_str()), Some("b"));
        assert!(r.region_of(5).is_none());
        assert_eq!(r.overlapping(7, 2).map(|x| x.label.as_str()), Some("c"));
        assert!(r.overlapping(5, 3).is_none());
        // Labels with the same hash still find their regions.
        let mut c = Regions::default();
        let (x, y) = ("x".to_string(), "y".to_string());
        c.insert(region(1, 1, &x));
        c.by_label.insert_mut(label_hash(&y), c.by_label.get(&label_hash(&x)).unwrap().clone());
        c.insert(region(2, 1, &y));
        assert_eq!(c.by_label("y").map(|r| r.start_vpn), Some(2), "found by the scan");
        // Filling the hole makes the covered prefix reach past b again.
        r.insert(region(1, 2, "d"));
        assert_eq!(r.lowest_gap(1, 16), Some(5));
        assert_eq!(r.iter().map(|x| x.start_vpn).collect::<Vec<_>>(), vec![1, 3, 8]);
    }

    #[test]
    fn names_are_identifiers() {
        assert!(valid_name("A"));
        assert!(valid_name("web-server.2"));
        assert!(!valid_name("2A"));
        assert!(!valid_name("<script>"));
        assert!(!valid_name(""));
        assert!(!valid_name(&"a".repeat(33)));
    }
}
