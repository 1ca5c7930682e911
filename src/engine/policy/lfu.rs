//! LFU: evict the page accessed the fewest times since it was loaded. Ties go to the least
//! recently used of them. Counts start at 1 on each load (a page's count does not survive eviction).

use super::{AccessCtx, ReplacementPolicy};
use crate::engine::cow::Snapshot;
use crate::engine::frame_table::FrameTable;
use crate::engine::heap::IndexedMinHeap;

#[derive(Clone, Debug)]
pub struct Lfu {
    /// Key: (access count, time of last access).
    heap: IndexedMinHeap<(u64, u64)>,
    clock: u64,
}

impl Lfu {
    pub fn new() -> Self {
        Lfu { heap: IndexedMinHeap::new(), clock: 0 }
    }
}

impl ReplacementPolicy for Lfu {
    #[inline(always)]
    fn loaded(&mut self, frame: u32, _: AccessCtx, _: &FrameTable) {
        self.clock += 1;
        self.heap.set(frame, (1, self.clock));
    }
    #[inline(always)]
    fn touched(&mut self, frame: u32, _: AccessCtx, _: &FrameTable) {
        self.clock += 1;
        let count = self.heap.key(frame).map_or(0, |k| k.0);
        self.heap.set(frame, (count + 1, self.clock));
    }
    fn removed(&mut self, frame: u32) {
        self.heap.remove(frame);
    }
    fn victim(&mut self, _: &mut FrameTable) -> Option<u32> {
        self.heap.peek()
    }
    fn order(&self, _: &FrameTable, limit: usize) -> Vec<u32> {
        self.heap.sorted(limit)
    }
    fn frame_value(&self, frame: u32, _: &FrameTable) -> Option<u64> {
        self.heap.key(frame).map(|k| k.0)
    }
}

impl Snapshot for Lfu {
    fn freeze(&mut self) -> (Self, usize) {
        let (heap, bytes) = self.heap.freeze();
        (Lfu { heap, clock: self.clock }, bytes)
    }
    fn thaw(&self) -> Self {
        Lfu { heap: self.heap.thaw(), clock: self.clock }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::PolicyKind;
    use crate::engine::policy::testing::Bench;

    #[test]
    fn fewest_uses_then_least_recent_among_ties() {
        let mut b = Bench::new(PolicyKind::Lfu, 3);
        let a = b.load(1, false);
        let c = b.load(2, false);
        let d = b.load(3, false);
        b.hit(a, false);
        b.hit(a, false); // a: 3
        b.hit(d, false); // d: 2
        b.hit(c, false); // c: 2, used after d
        assert_eq!(b.victim(), d, "c and d tie at 2 uses; d was used less recently");
        b.hit(d, false); // d: 3
        assert_eq!(b.victim(), c);
    }
}
