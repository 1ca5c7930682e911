//! LRU: evict the page whose last access is oldest. A list in access order, most recent last.

use super::fifo::stamp;
use super::{AccessCtx, ReplacementPolicy};
use crate::engine::cow::{SnapVec, Snapshot};
use crate::engine::frame_table::FrameTable;
use crate::engine::list::{Links, List};

#[derive(Clone, Debug)]
pub struct Lru {
    links: Links,
    recency: List,
    /// Each frame's last use (to say why it is the victim).
    used_at: SnapVec<u64>,
}

impl Lru {
    pub fn new() -> Self {
        Lru { links: Links::new(), recency: List::default(), used_at: SnapVec::default() }
    }
}

impl ReplacementPolicy for Lru {
    #[inline(always)]
    fn loaded(&mut self, frame: u32, ctx: AccessCtx, _: &FrameTable) {
        self.links.ensure(frame);
        self.recency.push_back(&mut self.links, frame);
        stamp(&mut self.used_at, frame, ctx.time);
    }
    #[inline(always)]
    fn touched(&mut self, frame: u32, ctx: AccessCtx, _: &FrameTable) {
        self.recency.move_to_back(&mut self.links, frame);
        self.used_at[frame as usize] = ctx.time; // set when it was loaded
    }
    fn removed(&mut self, frame: u32) {
        self.recency.unlink(&mut self.links, frame);
    }
    fn victim(&mut self, _: &mut FrameTable) -> Option<u32> {
        self.recency.front()
    }
    fn order(&self, _: &FrameTable, limit: usize) -> Vec<u32> {
        self.recency.head_vec(&self.links, limit)
    }
    fn frame_value(&self, frame: u32, frames: &FrameTable) -> Option<u64> {
        (!frames.is_free(frame)).then(|| self.used_at.get(frame as usize).copied()).flatten()
    }
}

impl Snapshot for Lru {
    fn freeze(&mut self) -> (Self, usize) {
        let (links, a) = self.links.freeze();
        let (used_at, b) = self.used_at.freeze();
        (Lru { links, recency: self.recency, used_at }, a + b)
    }
    fn thaw(&self) -> Self {
        Lru { links: self.links.thaw(), recency: self.recency, used_at: self.used_at.thaw() }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::PolicyKind;
    use crate::engine::policy::testing::Bench;

    #[test]
    fn evicts_the_least_recently_used() {
        let mut b = Bench::new(PolicyKind::Lru, 3);
        let f0 = b.load(10, false);
        let f1 = b.load(11, false);
        b.load(12, false);
        b.hit(f0, false);
        assert_eq!(b.victim(), f1);
    }
}
