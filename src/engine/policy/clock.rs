//! CLOCK (second chance), as in the textbooks: the frames form a circle with a hand. Loading a page
//! and a hit both set its referenced bit. To find a victim the hand clears set bits and advances
//! until it reaches a frame whose bit is clear; that page is evicted and the hand moves one past
//! it (the frame about to be filled). Free frames are filled lowest first by the machine.
//! The timer interrupt does not touch the bits: the hand is clock's only reset.

use super::{AccessCtx, ReplacementPolicy};
use crate::engine::frame_table::FrameTable;

#[derive(Clone, Debug)]
pub struct Clock {
    hand: u32,
    frames: u32,
    /// Bits cleared by the last search for a victim.
    cleared: u32,
}

impl Clock {
    pub fn new(frames: u32) -> Self {
        Clock { hand: 0, frames, cleared: 0 }
    }
}

impl Clock {
    /// The hand's sweep: the first frame it may take whose reference bit is clear, clearing the
    /// set bits it passes. Two turns suffice: after one, every candidate's bit is clear.
    #[inline(always)]
    fn sweep(&mut self, frames: &mut FrameTable, eligible: impl Fn(u32) -> bool) -> Option<u32> {
        self.cleared = 0;
        for _ in 0..=2 * self.frames as u64 {
            let f = self.hand;
            self.hand = (self.hand + 1) % self.frames;
            if !frames.evictable(f) || !eligible(f) {
                continue;
            }
            if frames.referenced(f) {
                frames.clear_referenced(f);
                self.cleared += 1;
                continue;
            }
            return Some(f);
        }
        None
    }
}

impl ReplacementPolicy for Clock {
    fn loaded(&mut self, _: u32, _: AccessCtx, _: &FrameTable) {}
    fn touched(&mut self, _: u32, _: AccessCtx, _: &FrameTable) {}
    fn removed(&mut self, _: u32) {}

    fn victim(&mut self, frames: &mut FrameTable) -> Option<u32> {
        self.sweep(frames, |_| true)
    }

    /// The hand sweeps as usual but passes over frames that may not go, leaving their bits alone.
    fn victim_where(&mut self, frames: &mut FrameTable, eligible: &dyn Fn(u32) -> bool) -> Option<u32> {
        self.sweep(frames, eligible)
    }

    fn order(&self, frames: &FrameTable, limit: usize) -> Vec<u32> {
        // Frames at or above the high water mark are free: only the used range is walked.
        let used = frames.high_water();
        (self.hand..used).chain(0..self.hand.min(used)).filter(|&f| frames.evictable(f)).take(limit).collect()
    }

    fn hand(&self) -> Option<u32> {
        Some(self.hand)
    }

    fn cleared(&self) -> u32 {
        self.cleared
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::PolicyKind;
    use crate::engine::policy::testing::Bench;
    use crate::engine::policy::ReplacementPolicy;

    #[test]
    fn second_chance_clears_bits_and_moves_past_the_victim() {
        let mut b = Bench::new(PolicyKind::Clock, 3);
        for vpn in 0..3 {
            b.load(vpn, false); // frames 0,1,2, all referenced
        }
        // Every bit set: the hand clears 0, 1, 2, comes back to 0 and takes it.
        assert_eq!(b.victim(), 0);
        assert_eq!(b.policy.hand(), Some(1));
        assert!(!b.frames.referenced(1) && !b.frames.referenced(2));
        // Frame 0 refilled (referenced), frame 1 hit again: the hand skips 1 (clearing it), takes 2.
        b.frames.release(0);
        b.load(9, false);
        b.hit(1, false);
        assert_eq!(b.victim(), 2);
        assert_eq!(b.policy.hand(), Some(0));
        assert!(!b.frames.referenced(1), "the hand cleared frame 1's second chance");
    }
}
