//! FIFO: evict the page that has been in memory longest, whatever its use.

use super::{AccessCtx, ReplacementPolicy};
use crate::engine::cow::Snapshot;
use crate::engine::frame_table::FrameTable;
use crate::engine::list::{Links, List};

#[derive(Clone, Debug)]
pub struct Fifo {
    links: Links,
    queue: List,
}

impl Fifo {
    pub fn new() -> Self {
        Fifo { links: Links::new(), queue: List::default() }
    }
}

impl ReplacementPolicy for Fifo {
    fn loaded(&mut self, frame: u32, _: AccessCtx, _: &FrameTable) {
        self.links.ensure(frame);
        self.queue.push_back(&mut self.links, frame);
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
}

impl Snapshot for Fifo {
    fn freeze(&mut self) -> (Self, usize) {
        let (links, bytes) = self.links.freeze();
        (Fifo { links, queue: self.queue }, bytes)
    }
    fn thaw(&self) -> Self {
        Fifo { links: self.links.thaw(), queue: self.queue }
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
