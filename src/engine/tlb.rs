//! The translation lookaside buffer: a small cache of translations with LRU replacement, fully
//! associative or set-associative (`tlb_ways`: the set from the page number's low bits, LRU within
//! the set). Entries are tagged with the process; the machine flushes them when the running
//! process changes unless `asid=on` (as x86 with PCID) lets them stay.
//!
//! Each page-table entry remembers the TLB slot that may hold it and each slot keeps a tag, so a
//! lookup is O(1) whatever the TLB size. A flush bumps a generation number instead of touching every
//! entry.

use super::cow::{SnapVec, Snapshot};
use super::list::{Links, List};
use super::page_table::NONE;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tag {
    pid: u32,
    vpn: u64,
    /// Valid only while equal to `Tlb::generation`.
    generation: u64,
}

/// The TLB: tags per slot and LRU order per set.
#[derive(Clone, Debug)]
pub struct Tlb {
    tags: SnapVec<Tag>,
    links: Links,
    /// Each set's slots, least recently used (or invalid) first; set `s` holds slots
    /// `s × ways … (s + 1) × ways − 1`. One set when fully associative.
    sets: Vec<List>,
    ways: u32,
    generation: u64,
}

/// A huge page's TLB tag: its huge-page number with this bit set (page numbers stay below 2^60),
/// so one entry covers all its pages and never matches a small page's tag.
pub const HUGE_TAG: u64 = 1 << 63;

impl Tlb {
    /// A TLB of `entries` in sets of `ways` (0: one set, fully associative). `ways` divides
    /// `entries` (the configuration checks it).
    pub fn new(entries: u32, ways: u32) -> Self {
        let ways = if ways == 0 || ways > entries { entries.max(1) } else { ways };
        let mut links = Links::new();
        if entries > 0 {
            links.ensure(entries - 1);
        }
        let mut sets = vec![List::default(); (entries / ways).max(1) as usize];
        for s in 0..entries {
            sets[(s / ways) as usize].push_back(&mut links, s);
        }
        let tags = SnapVec::filled(entries as usize, Tag { pid: NONE, vpn: 0, generation: 0 });
        Tlb { tags, links, sets, ways, generation: 1 }
    }

    /// The set a page's translation goes in: the page number's low bits.
    pub fn set_of(&self, vpn: u64) -> u32 {
        ((vpn & !HUGE_TAG) % self.sets.len() as u64) as u32
    }

    /// Sets, and entries in each.
    pub fn shape(&self) -> (u32, u32) {
        (self.sets.len() as u32, self.ways)
    }

    pub fn enabled(&self) -> bool {
        !self.tags.is_empty()
    }

    pub fn capacity(&self) -> u32 {
        self.tags.len() as u32
    }

    /// Does `slot` hold the translation for `(pid, vpn)`? (No change to the LRU order.)
    pub fn holds(&self, slot: u32, pid: u32, vpn: u64) -> bool {
        slot != NONE
            && (slot as usize) < self.tags.len()
            && self.tags[slot as usize] == Tag { pid, vpn, generation: self.generation }
    }

    /// Is the translation for `(pid, vpn)` in `slot`? A hit makes it most recently used.
    #[inline]
    pub fn lookup(&mut self, slot: u32, pid: u32, vpn: u64) -> bool {
        let hit = self.holds(slot, pid, vpn);
        if hit {
            self.sets[(slot / self.ways) as usize].move_to_back(&mut self.links, slot);
        }
        hit
    }

    /// Caches a translation in the least recently used slot of its set and returns the slot.
    pub fn insert(&mut self, pid: u32, vpn: u64) -> u32 {
        if self.tags.is_empty() {
            return NONE;
        }
        let index = self.set_of(vpn) as usize;
        let set = &mut self.sets[index];
        let Some(slot) = set.front() else {
            return NONE;
        };
        self.tags[slot as usize] = Tag { pid, vpn, generation: self.generation };
        set.rotate(&mut self.links); // the slot was the front
        slot
    }

    /// Drops the translation for `(pid, vpn)` if `slot` holds it (the page left memory).
    pub fn invalidate(&mut self, slot: u32, pid: u32, vpn: u64) {
        if self.holds(slot, pid, vpn) {
            self.tags[slot as usize].generation = 0;
            let set = &mut self.sets[(slot / self.ways) as usize];
            set.unlink(&mut self.links, slot);
            set.push_front(&mut self.links, slot);
        }
    }

    /// Forgets every translation (context switch).
    pub fn flush(&mut self) {
        self.generation += 1;
    }

    /// Valid entries as `(pid, vpn)`, set by set, each set's most recently used last.
    pub fn entries(&self) -> Vec<(u32, u64)> {
        self.sets
            .iter()
            .flat_map(|set| set.to_vec(&self.links))
            .map(|s| self.tags[s as usize])
            .filter(|t| t.generation == self.generation)
            .map(|t| (t.pid, t.vpn))
            .collect()
    }
}

impl Snapshot for Tlb {
    fn freeze(&mut self) -> (Self, usize) {
        let (tags, a) = self.tags.freeze();
        let (links, b) = self.links.freeze();
        (Tlb { tags, links, sets: self.sets.clone(), ..*self }, a + b)
    }
    fn thaw(&self) -> Self {
        Tlb { tags: self.tags.thaw(), links: self.links.thaw(), sets: self.sets.clone(), ..*self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_replacement_flush_and_invalidate() {
        let mut tlb = Tlb::new(2, 0);
        let a = tlb.insert(0, 1);
        let b = tlb.insert(0, 2);
        assert!(tlb.lookup(a, 0, 1)); // 1 is now most recent
        let c = tlb.insert(0, 3); // evicts 2
        assert_eq!(c, b);
        assert!(!tlb.lookup(b, 0, 2));
        assert!(!tlb.lookup(a, 1, 1), "another process's page 1 is a different page");
        assert_eq!(tlb.entries(), vec![(0, 1), (0, 3)]);
        tlb.invalidate(a, 0, 1);
        assert_eq!(tlb.entries(), vec![(0, 3)]);
        tlb.flush();
        assert!(tlb.entries().is_empty());
        assert!(!tlb.lookup(c, 0, 3));
    }

    #[test]
    fn a_set_associative_tlb_evicts_within_the_set() {
        // 4 entries, 2 ways: 2 sets; even pages go to set 0, odd to set 1.
        let mut tlb = Tlb::new(4, 2);
        assert_eq!(tlb.shape(), (2, 2));
        let p0 = tlb.insert(0, 0);
        let p2 = tlb.insert(0, 2);
        let p1 = tlb.insert(0, 1);
        assert!(p0 < 2 && p2 < 2 && p1 >= 2, "sets hold their own slots");
        // A third even page evicts the least recently used even one, though set 1 has room.
        let p4 = tlb.insert(0, 4);
        assert_eq!(p4, p0, "a conflict miss: page 0 goes");
        assert!(!tlb.lookup(p0, 0, 0));
        assert!(tlb.lookup(p2, 0, 2) && tlb.lookup(p1, 0, 1));
        assert_eq!(tlb.entries(), vec![(0, 4), (0, 2), (0, 1)]);
        tlb.invalidate(p2, 0, 2);
        assert_eq!(tlb.insert(0, 6), p2, "the freed slot of its set is used first");
    }

    #[test]
    fn a_zero_entry_tlb_never_hits() {
        let mut tlb = Tlb::new(0, 0);
        assert_eq!(tlb.insert(0, 1), NONE);
        assert!(!tlb.lookup(NONE, 0, 1));
    }
}
