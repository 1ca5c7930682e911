//! RANDOM: evict a uniformly chosen resident page, from a PRNG seeded by `seed` (PCG32 via
//! `oorandom`), so the same seed gives the same run on every machine.

use super::{AccessCtx, ReplacementPolicy};
use crate::engine::cow::{SnapVec, Snapshot};
use crate::engine::frame_table::FrameTable;
use crate::engine::page_table::NONE;

#[derive(Clone, Debug)]
pub struct RandomPolicy {
    rng: oorandom::Rand32,
    /// Resident frames, dense, so a uniform pick is O(1) even when some frames are free.
    resident: SnapVec<u32>,
    /// Index of each frame in `resident` (grows to the highest frame used).
    position: SnapVec<u32>,
}

impl RandomPolicy {
    pub fn new(seed: u64) -> Self {
        RandomPolicy { rng: oorandom::Rand32::new(seed), resident: SnapVec::default(), position: SnapVec::default() }
    }
}

impl ReplacementPolicy for RandomPolicy {
    #[inline(always)]
    fn loaded(&mut self, frame: u32, _: AccessCtx, _: &FrameTable) {
        if frame as usize >= self.position.len() {
            self.position.resize(frame as usize + 1, NONE);
        }
        self.position[frame as usize] = self.resident.len() as u32;
        self.resident.push(frame);
    }
    fn touched(&mut self, _: u32, _: AccessCtx, _: &FrameTable) {}
    fn removed(&mut self, frame: u32) {
        let p = self.position.get(frame as usize).copied().unwrap_or(NONE);
        if p == NONE {
            return;
        }
        let last = self.resident.pop().expect("a resident frame is listed");
        if last != frame {
            self.resident[p as usize] = last;
            self.position[last as usize] = p;
        }
        self.position[frame as usize] = NONE;
    }
    fn victim(&mut self, _: &mut FrameTable) -> Option<u32> {
        if self.resident.is_empty() {
            return None;
        }
        let i = self.rng.rand_range(0..self.resident.len() as u32);
        Some(self.resident[i as usize])
    }
    /// A draw among the eligible frames (in the order they are kept), from the same generator.
    fn victim_where(&mut self, _: &mut FrameTable, eligible: &dyn Fn(u32) -> bool) -> Option<u32> {
        let candidates: Vec<u32> = self.resident.iter().copied().filter(|&f| eligible(f)).collect();
        if candidates.is_empty() {
            return None;
        }
        let i = self.rng.rand_range(0..candidates.len() as u32);
        Some(candidates[i as usize])
    }
    fn order(&self, _: &FrameTable, limit: usize) -> Vec<u32> {
        // Frame numbers ascending: resident frames are exactly the set ones.
        let mut listed = vec![false; self.position.len()];
        for &f in self.resident.iter() {
            listed[f as usize] = true;
        }
        (0..listed.len() as u32).filter(|&f| listed[f as usize]).take(limit).collect()
    }
}

impl Snapshot for RandomPolicy {
    fn freeze(&mut self) -> (Self, usize) {
        let (resident, a) = self.resident.freeze();
        let (position, b) = self.position.freeze();
        (RandomPolicy { rng: self.rng, resident, position }, a + b)
    }
    fn thaw(&self) -> Self {
        RandomPolicy { rng: self.rng, resident: self.resident.thaw(), position: self.position.thaw() }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::PolicyKind;
    use crate::engine::frame_table::FrameTable;
    use crate::engine::policy::{AccessCtx, Policy, ReplacementPolicy};
    use crate::engine::Config;

    fn victims(seed: u64) -> Vec<u32> {
        let config = Config { policy: PolicyKind::Random, frames: 8, seed, ..Config::default() };
        let mut frames = FrameTable::new(8);
        let mut p = Policy::new(&config);
        for vpn in 0..8 {
            let f = frames.take_free(0, vpn, false).unwrap();
            p.loaded(f, AccessCtx { write: false, time: 0, next_use: u64::MAX }, &frames);
        }
        (0..20).map(|_| p.victim(&mut frames).unwrap()).collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_victims() {
        assert_eq!(victims(7), victims(7));
        assert_ne!(victims(7), victims(8));
        let v = victims(7);
        assert!(v.iter().all(|&f| f < 8));
        let distinct: std::collections::BTreeSet<_> = v.iter().collect();
        assert!(distinct.len() > 3, "20 picks from 8 frames should not keep hitting one: {v:?}");
    }
}
