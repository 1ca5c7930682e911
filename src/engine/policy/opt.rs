//! OPT (Belady's optimal): evict the page whose next use lies furthest in the future; a page never
//! used again goes first (ties: lowest frame). It needs the future, so the machine passes each
//! access's next-use time, known when the rest of the sequence is (a scenario or a trace). For
//! accesses made one at a time with no known future every page counts as "never used again".

use super::{AccessCtx, ReplacementPolicy};
use crate::engine::cow::Snapshot;
use crate::engine::frame_table::FrameTable;
use crate::engine::heap::IndexedMinHeap;
use std::cmp::Reverse;

#[derive(Clone, Debug)]
pub struct Opt {
    heap: IndexedMinHeap<Reverse<u64>>,
}

impl Opt {
    pub fn new() -> Self {
        Opt { heap: IndexedMinHeap::new() }
    }
}

impl ReplacementPolicy for Opt {
    #[inline(always)]
    fn loaded(&mut self, frame: u32, ctx: AccessCtx, _: &FrameTable) {
        self.heap.set(frame, Reverse(ctx.next_use));
    }
    #[inline(always)]
    fn touched(&mut self, frame: u32, ctx: AccessCtx, _: &FrameTable) {
        self.heap.set(frame, Reverse(ctx.next_use));
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
        self.heap.key(frame).map(|Reverse(t)| t)
    }
}

impl Snapshot for Opt {
    fn freeze(&mut self) -> (Self, usize) {
        let (heap, bytes) = self.heap.freeze();
        (Opt { heap }, bytes)
    }
    fn thaw(&self) -> Self {
        Opt { heap: self.heap.thaw() }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::PolicyKind;
    use crate::engine::frame_table::FrameTable;
    use crate::engine::policy::{AccessCtx, Policy, ReplacementPolicy};
    use crate::engine::Config;

    #[test]
    fn evicts_the_furthest_next_use() {
        let config = Config { policy: PolicyKind::Opt, frames: 3, ..Config::default() };
        let mut frames = FrameTable::new(3);
        let mut p = Policy::new(&config);
        for (vpn, next) in [(1, 10), (2, 5), (3, 7)] {
            let f = frames.take_free(0, vpn, false).unwrap();
            p.loaded(f, AccessCtx { write: false, time: 0, next_use: next }, &frames);
        }
        assert_eq!(p.victim(&mut frames), Some(0)); // next use at 10
        p.touched(0, AccessCtx { write: false, time: 0, next_use: 6 }, &frames);
        assert_eq!(p.victim(&mut frames), Some(2)); // 7 is now furthest
        p.touched(1, AccessCtx { write: false, time: 0, next_use: u64::MAX }, &frames);
        assert_eq!(p.victim(&mut frames), Some(1)); // never used again
    }
}
