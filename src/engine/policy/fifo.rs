//! FIFO: evict the page that has been in memory longest, whatever its use.

use super::{AccessCtx, ReplacementPolicy};
use crate::engine::cow::{SnapVec, Snapshot};
use crate::engine::frame_table::FrameTable;
use crate::engine::list::{Links, List};

#[derive(Clone, Debug)]
pub struct Fifo {
    links: Links,
    queue: List,
    /// Each frame's load time (to say why it is the victim).
    loaded_at: SnapVec<u64>,
}

impl Fifo {
    pub fn new() -> Self {
        Fifo { links: Links::new(), queue: List::default(), loaded_at: SnapVec::default() }
    }
}

impl ReplacementPolicy for Fifo {
    #[inline(always)]
    fn loaded(&mut self, frame: u32, ctx: AccessCtx, _: &FrameTable) {
        self.links.ensure(frame);
        self.queue.push_back(&mut self.links, frame);
        stamp(&mut self.loaded_at, frame, ctx.time);
    }
    fn touched(&mut self, _: u32, _: AccessCtx, _: &FrameTable) {}
    fn removed(&mut self, frame: u32) {
        self.queue.unlink(&mut self.links, frame);
    }
    fn victim(&mut self, _: &mut FrameTable) -> Option<u32> {
        self.queue.front()
    }
    fn order(&self, _: &FrameTable, limit: usize) -> Vec<u32> {
        self.queue.head_vec(&self.links, limit)
    }
    fn frame_value(&self, frame: u32, frames: &FrameTable) -> Option<u64> {
        (!frames.is_free(frame)).then(|| self.loaded_at.get(frame as usize).copied()).flatten()
    }
}

/// Sets a frame's time in a per-frame table that grows with the frames used.
pub(super) fn stamp(times: &mut SnapVec<u64>, frame: u32, time: u64) {
    if frame as usize >= times.len() {
        times.resize(frame as usize + 1, 0);
    }
    times[frame as usize] = time;
}

impl Snapshot for Fifo {
    fn freeze(&mut self) -> (Self, usize) {
        let (links, a) = self.links.freeze();
        let (loaded_at, b) = self.loaded_at.freeze();
        (Fifo { links, queue: self.queue, loaded_at }, a + b)
    }
    fn thaw(&self) -> Self {
        Fifo { links: self.links.thaw(), queue: self.queue, loaded_at: self.loaded_at.thaw() }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::PolicyKind;
    use crate::engine::policy::testing::Bench;

    #[test]
    fn evicts_the_oldest_load_even_if_just_used() {
        let mut b = Bench::new(PolicyKind::Fifo, 3);
        let f0 = b.load(10, false);
        b.load(11, false);
        b.load(12, false);
        b.hit(f0, false);
        assert_eq!(b.victim(), f0);
    }
}
