//! AGING: each page has an 8-bit counter. At every timer interrupt each counter shifts right by
//! one and the page's referenced bit enters at the top (then the bit is cleared). The victim is the
//! page with the lowest counter; the referenced bit counts as the newest, most significant bit, so
//! a page used since the last interrupt goes after every page that was not. Ties: the page that
//! reached that counter value first. A newly loaded page starts at 0 with its bit set.
//!
//! Counters are not stored per frame and shifted one by one: pages sit in 256 lists per counter
//! value (and 256 more for "referenced since the last interrupt"), and an interrupt merges list
//! 2k with 2k+1 into k (or into 128+k for referenced pages): 256 list splices whatever the number
//! of frames. A frame's own counter is recomputed from the value it had when it last moved.

use super::{AccessCtx, ReplacementPolicy};
use crate::engine::cow::{SnapVec, Snapshot};
use crate::engine::frame_table::FrameTable;
use crate::engine::list::{Links, List};

const BUCKETS: usize = 256;

/// A frame's counter and R bit as of interrupt number `stamp`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Age {
    counter: u8,
    referenced: bool,
    resident: bool,
    stamp: u64,
}

#[derive(Clone, Debug)]
pub struct Aging {
    links: Links,
    /// Pages not referenced since the last interrupt, by counter value.
    idle: SnapVec<List>,
    /// Pages referenced since the last interrupt, by counter value.
    referenced: SnapVec<List>,
    idle_bits: [u64; 4],
    referenced_bits: [u64; 4],
    /// Per frame (grows to the highest frame used).
    ages: SnapVec<Age>,
    interrupts: u64,
}

fn set_bit(bits: &mut [u64; 4], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn clear_bit(bits: &mut [u64; 4], i: usize) {
    bits[i / 64] &= !(1 << (i % 64));
}

fn lowest(bits: &[u64; 4]) -> Option<usize> {
    bits.iter().enumerate().find(|(_, w)| **w != 0).map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
}

/// The set bits of a bitmap, ascending (it takes a copy, so the caller may change the original).
fn set_bits(bits: [u64; 4]) -> impl Iterator<Item = usize> {
    (0..4).flat_map(move |w| {
        let mut word = bits[w];
        std::iter::from_fn(move || {
            (word != 0).then(|| {
                let b = word.trailing_zeros() as usize;
                word &= word - 1;
                w * 64 + b
            })
        })
    })
}

impl Aging {
    pub fn new() -> Self {
        Aging {
            links: Links::new(),
            idle: SnapVec::filled(BUCKETS, List::default()),
            referenced: SnapVec::filled(BUCKETS, List::default()),
            idle_bits: [0; 4],
            referenced_bits: [0; 4],
            ages: SnapVec::default(),
            interrupts: 0,
        }
    }

    fn age(&self, f: usize) -> Age {
        self.ages.get(f).copied().unwrap_or_default()
    }

    /// The frame's counter now, and whether it was referenced since the last interrupt.
    fn current(&self, f: usize) -> (u8, bool) {
        let age = self.age(f);
        let elapsed = self.interrupts - age.stamp;
        if elapsed == 0 {
            return (age.counter, age.referenced);
        }
        let c = age.counter;
        let first = if age.referenced { (c >> 1) | 0x80 } else { c >> 1 };
        let rest = elapsed - 1;
        (if rest >= 8 { 0 } else { first >> rest }, false)
    }

    fn unlink(&mut self, f: u32) {
        let (c, r) = self.current(f as usize);
        let (list, bits) = if r {
            (&mut self.referenced[c as usize], &mut self.referenced_bits)
        } else {
            (&mut self.idle[c as usize], &mut self.idle_bits)
        };
        list.unlink(&mut self.links, f);
        if list.is_empty() {
            clear_bit(bits, c as usize);
        }
    }

    fn push_referenced(&mut self, f: u32, c: u8) {
        self.referenced[c as usize].push_back(&mut self.links, f);
        set_bit(&mut self.referenced_bits, c as usize);
        let f = f as usize;
        if f >= self.ages.len() {
            self.ages.resize(f + 1, Age::default());
        }
        let stamp = self.interrupts;
        let age = &mut self.ages[f];
        age.counter = c;
        age.referenced = true;
        age.stamp = stamp;
    }
}

impl Default for Aging {
    fn default() -> Self {
        Self::new()
    }
}

impl ReplacementPolicy for Aging {
    #[inline(always)]
    fn loaded(&mut self, frame: u32, _: AccessCtx, _: &FrameTable) {
        self.links.ensure(frame);
        self.push_referenced(frame, 0);
        self.ages[frame as usize].resident = true;
    }

    #[inline(always)]
    fn touched(&mut self, frame: u32, _: AccessCtx, _: &FrameTable) {
        let (c, r) = self.current(frame as usize);
        if !r {
            self.unlink(frame);
            self.push_referenced(frame, c);
        }
    }

    fn removed(&mut self, frame: u32) {
        if self.age(frame as usize).resident {
            self.unlink(frame);
            self.ages[frame as usize].resident = false;
        }
    }

    fn victim(&mut self, _: &mut FrameTable) -> Option<u32> {
        if let Some(c) = lowest(&self.idle_bits) {
            return self.idle[c].front();
        }
        lowest(&self.referenced_bits).and_then(|c| self.referenced[c].front())
    }

    fn timer(&mut self, frames: &mut FrameTable) {
        // Merged in place, ascending: list c moves to c/2, which was emptied when c/2 itself moved
        // (c/2 < c), and 2k's pages stay ahead of 2k+1's. Referenced lists land at 128 + c/2,
        // emptied by the idle pass.
        let mut bits = [0u64; 4];
        for c in set_bits(self.idle_bits) {
            let mut moving = std::mem::take(&mut self.idle[c]);
            self.idle[c >> 1].append(&mut self.links, &mut moving);
            set_bit(&mut bits, c >> 1);
        }
        for c in set_bits(self.referenced_bits) {
            let to = (c >> 1) | 0x80;
            let mut moving = std::mem::take(&mut self.referenced[c]);
            self.idle[to].append(&mut self.links, &mut moving);
            set_bit(&mut bits, to);
        }
        self.idle_bits = bits;
        self.referenced_bits = [0; 4];
        self.interrupts += 1;
        frames.clear_all_referenced();
    }

    fn order(&self, _: &FrameTable, limit: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let lists = set_bits(self.idle_bits).map(|c| &self.idle[c]);
        for list in lists.chain(set_bits(self.referenced_bits).map(|c| &self.referenced[c])) {
            out.extend(list.head_vec(&self.links, limit - out.len()));
            if out.len() == limit {
                break;
            }
        }
        out
    }

    fn tied(&self, victim: u32) -> bool {
        let (c, r) = self.current(victim as usize);
        let list = if r { &self.referenced[c as usize] } else { &self.idle[c as usize] };
        list.len() > 1
    }

    fn frame_value(&self, frame: u32, _: &FrameTable) -> Option<u64> {
        self.age(frame as usize).resident.then(|| self.current(frame as usize).0 as u64)
    }
}

impl Snapshot for Aging {
    fn freeze(&mut self) -> (Self, usize) {
        let (links, a) = self.links.freeze();
        let (idle, b) = self.idle.freeze();
        let (referenced, c) = self.referenced.freeze();
        let (ages, d) = self.ages.freeze();
        (Aging { links, idle, referenced, ages, ..*self }, a + b + c + d)
    }
    fn thaw(&self) -> Self {
        Aging {
            links: self.links.thaw(),
            idle: self.idle.thaw(),
            referenced: self.referenced.thaw(),
            ages: self.ages.thaw(),
            ..*self
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::config::PolicyKind;
    use crate::engine::policy::testing::Bench;
    use crate::engine::policy::ReplacementPolicy;

    /// Tanenbaum's example: pages referenced in ticks as in his figure; counters after each tick.
    #[test]
    fn counters_shift_in_the_referenced_bit() {
        let mut b = Bench::new(PolicyKind::Aging, 4);
        let f: Vec<u32> = (0..4).map(|v| b.load(v, false)).collect(); // all referenced in tick 0
        b.timer();
        for &x in &f {
            assert_eq!(b.policy.frame_value(x, &b.frames), Some(0b1000_0000));
        }
        b.hit(f[0], false);
        b.hit(f[2], false);
        b.timer();
        let value = |b: &Bench, x: u32| b.policy.frame_value(x, &b.frames).unwrap();
        assert_eq!(value(&b, f[0]), 0b1100_0000);
        assert_eq!(value(&b, f[1]), 0b0100_0000);
        assert_eq!(value(&b, f[2]), 0b1100_0000);
        assert_eq!(value(&b, f[3]), 0b0100_0000);
        b.hit(f[3], false);
        b.timer();
        assert_eq!(value(&b, f[0]), 0b0110_0000);
        assert_eq!(value(&b, f[1]), 0b0010_0000);
        assert_eq!(value(&b, f[3]), 0b1010_0000);
        // Lowest counter: f1 (0010_0000).
        assert_eq!(b.victim(), f[1]);
        // Referenced since the last tick outranks any counter: touch f1, and f0 and f2 tie at
        // 0110_0000; f0 entered that list first.
        b.hit(f[1], false);
        assert_eq!(b.victim(), f[0]);
        // Enough ticks without use bring every counter to 0.
        for _ in 0..20 {
            b.timer();
        }
        assert_eq!(value(&b, f[1]), 0);
        assert_eq!(b.policy.order(&b.frames, usize::MAX).len(), 4);
    }

    #[test]
    fn a_page_referenced_since_the_last_tick_is_kept() {
        let mut b = Bench::new(PolicyKind::Aging, 2);
        let a = b.load(1, false);
        let c = b.load(2, false);
        b.timer(); // both 1000_0000
        b.hit(a, false);
        assert_eq!(b.victim(), c);
    }
}
