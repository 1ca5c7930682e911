//! NRU (not recently used): pages fall in four classes by their referenced (R) and dirty (D) bits,
//! 0 = (R0, D0), 1 = (R0, D1), 2 = (R1, D0), 3 = (R1, D1); the victim comes from the lowest
//! non-empty class. The timer interrupt clears every R bit.
//!
//! Textbooks take any page of that class; we take its least recently referenced page, which makes
//! runs reproducible and the choice O(1): clean and dirty pages sit in two lists ordered by last
//! reference, so the pages with R clear (referenced before the last interrupt) are at the front.

use super::{AccessCtx, ReplacementPolicy};
use crate::engine::cow::{SnapVec, Snapshot};
use crate::engine::frame_table::FrameTable;
use crate::engine::list::{Links, List};

#[derive(Clone, Debug)]
pub struct Nru {
    links: Links,
    clean: List,
    dirty: List,
    /// Which list each frame is in (grows to the highest frame used).
    is_dirty: SnapVec<bool>,
}

impl Nru {
    pub fn new() -> Self {
        Nru { links: Links::new(), clean: List::default(), dirty: List::default(), is_dirty: SnapVec::default() }
    }

    fn class(frames: &FrameTable, f: u32) -> u64 {
        (frames.referenced(f) as u64) * 2 + frames.get(f).dirty as u64
    }
}

impl ReplacementPolicy for Nru {
    #[inline(always)]
    fn loaded(&mut self, frame: u32, _: AccessCtx, frames: &FrameTable) {
        let dirty = frames.get(frame).dirty;
        if frame as usize >= self.is_dirty.len() {
            self.is_dirty.resize(frame as usize + 1, false);
        }
        self.links.ensure(frame);
        self.is_dirty[frame as usize] = dirty;
        let list = if dirty { &mut self.dirty } else { &mut self.clean };
        list.push_back(&mut self.links, frame);
    }

    #[inline(always)]
    fn touched(&mut self, frame: u32, _: AccessCtx, frames: &FrameTable) {
        let f = frame as usize;
        let now_dirty = frames.get(frame).dirty;
        if self.is_dirty[f] {
            self.dirty.move_to_back(&mut self.links, frame);
        } else if now_dirty {
            self.clean.unlink(&mut self.links, frame);
            self.dirty.push_back(&mut self.links, frame);
            self.is_dirty[f] = true;
        } else {
            self.clean.move_to_back(&mut self.links, frame);
        }
    }

    fn removed(&mut self, frame: u32) {
        let list = if self.is_dirty[frame as usize] { &mut self.dirty } else { &mut self.clean };
        list.unlink(&mut self.links, frame);
        self.is_dirty[frame as usize] = false;
    }

    fn victim(&mut self, frames: &mut FrameTable) -> Option<u32> {
        let unreferenced = |f: Option<u32>| f.filter(|&f| !frames.referenced(f));
        unreferenced(self.clean.front())
            .or_else(|| unreferenced(self.dirty.front()))
            .or_else(|| self.clean.front())
            .or_else(|| self.dirty.front())
    }

    fn timer(&mut self, frames: &mut FrameTable) {
        frames.clear_all_referenced();
    }

    fn order(&self, frames: &FrameTable, limit: usize) -> Vec<u32> {
        let mut all: Vec<u32> = self.clean.to_vec(&self.links);
        all.extend(self.dirty.to_vec(&self.links));
        // By class, and inside a class in list order (clean by recency, then dirty by recency).
        (0..4)
            .flat_map(|class| all.iter().copied().filter(move |&f| Nru::class(frames, f) == class))
            .take(limit)
            .collect()
    }

    fn frame_value(&self, frame: u32, frames: &FrameTable) -> Option<u64> {
        (!frames.is_free(frame)).then(|| Nru::class(frames, frame))
    }
}

impl Snapshot for Nru {
    fn freeze(&mut self) -> (Self, usize) {
        let (links, a) = self.links.freeze();
        let (is_dirty, b) = self.is_dirty.freeze();
        (Nru { links, is_dirty, clean: self.clean, dirty: self.dirty }, a + b)
    }
    fn thaw(&self) -> Self {
        Nru { links: self.links.thaw(), is_dirty: self.is_dirty.thaw(), clean: self.clean, dirty: self.dirty }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::PolicyKind;
    use crate::engine::policy::testing::Bench;
    use crate::engine::policy::ReplacementPolicy;

    #[test]
    fn takes_the_lowest_class() {
        let mut b = Bench::new(PolicyKind::Nru, 4);
        let c = b.load(1, false);
        let d = b.load(2, true);
        let e = b.load(3, false);
        let g = b.load(4, true);
        b.timer(); // every R bit cleared: classes 0, 1, 0, 1
        assert_eq!(b.policy.frame_value(c, &b.frames), Some(0));
        assert_eq!(b.policy.frame_value(d, &b.frames), Some(1));
        assert_eq!(b.victim(), c, "class 0, least recently referenced");
        b.hit(c, false); // c: class 2
        b.hit(e, false); // e: class 2
        assert_eq!(b.victim(), d, "class 1 (dirty, not referenced) beats class 2");
        b.hit(d, false);
        b.hit(g, false); // all referenced: class 2 (c, e) before class 3 (d, g)
        assert_eq!(b.victim(), c);
        b.hit(c, true); // c now dirty: class 3; e is the only class 2
        assert_eq!(b.victim(), e);
        assert_eq!(b.policy.order(&b.frames, usize::MAX), vec![e, d, g, c]);
    }
}
