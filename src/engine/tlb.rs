//! The translation lookaside buffer: a small fully associative cache of translations with LRU
//! replacement, flushed when the running process changes (no address-space tags, as on x86
//! without PCID).
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

/// The TLB: tags per slot and LRU order.
#[derive(Clone, Debug)]
pub struct Tlb {
    tags: SnapVec<Tag>,
    links: Links,
    /// All slots, least recently used (or invalid) first.
    lru: List,
    generation: u64,
}

impl Tlb {
    pub fn new(entries: u32) -> Self {
        let mut links = Links::new();
        if entries > 0 {
            links.ensure(entries - 1);
        }
        let mut lru = List::default();
        for s in 0..entries {
            lru.push_back(&mut links, s);
        }
        let tags = SnapVec::filled(entries as usize, Tag { pid: NONE, vpn: 0, generation: 0 });
        Tlb { tags, links, lru, generation: 1 }
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
            self.lru.move_to_back(&mut self.links, slot);
        }
        hit
    }

    /// Caches a translation in the least recently used slot and returns the slot.
    pub fn insert(&mut self, pid: u32, vpn: u64) -> u32 {
        let Some(slot) = self.lru.front() else {
            return NONE;
        };
        self.tags[slot as usize] = Tag { pid, vpn, generation: self.generation };
        self.lru.rotate(&mut self.links); // the slot was the front
        slot
    }

    /// Drops the translation for `(pid, vpn)` if `slot` holds it (the page left memory).
    pub fn invalidate(&mut self, slot: u32, pid: u32, vpn: u64) {
        if self.holds(slot, pid, vpn) {
            self.tags[slot as usize].generation = 0;
            self.lru.unlink(&mut self.links, slot);
            self.lru.push_front(&mut self.links, slot);
        }
    }

    /// Forgets every translation (context switch).
    pub fn flush(&mut self) {
        self.generation += 1;
    }

    /// Valid entries as `(pid, vpn)`, most recently used last.
    pub fn entries(&self) -> Vec<(u32, u64)> {
        self.lru
            .to_vec(&self.links)
            .into_iter()
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
        (Tlb { tags, links, ..*self }, a + b)
    }
    fn thaw(&self) -> Self {
        Tlb { tags: self.tags.thaw(), links: self.links.thaw(), ..*self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_replacement_flush_and_invalidate() {
        let mut tlb = Tlb::new(2);
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
    fn a_zero_entry_tlb_never_hits() {
        let mut tlb = Tlb::new(0);
        assert_eq!(tlb.insert(0, 1), NONE);
        assert!(!tlb.lookup(NONE, 0, 1));
    }
}
