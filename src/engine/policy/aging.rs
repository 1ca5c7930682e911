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
use crate::engine::frame_table::FrameTable;
use crate::engine::list::{Links, List};

const BUCKETS: usize = 256;

#[derive(Clone, Debug)]
pub struct Aging {
    links: Links,
    /// Pages not referenced since the last interrupt, by counter value.
    idle: [List; BUCKETS],
    /// Pages referenced since the last interrupt, by counter value.
    referenced: [List; BUCKETS],
    idle_bits: [u64; 4],
    referenced_bits: [u64; 4],
    /// Counter value and R bit as of interrupt number `stamp`.
    counter: Vec<u8>,
    was_referenced: Vec<bool>,
    stamp: Vec<u64>,
    resident: Vec<bool>,
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
    pub fn new(frames: u32) -> Self {
        let n = frames as usize;
        Aging {
            links: Links::new(n),
            idle: [List::default(); BUCKETS],
            referenced: [List::default(); BUCKETS],
            idle_bits: [0; 4],
            referenced_bits: [0; 4],
            counter: vec![0; n],
            was_referenced: vec![false; n],
            stamp: vec![0; n],
            resident: vec![false; n],
            interrupts: 0,
        }
    }

    /// The frame's counter now, and whether it was referenced since the last interrupt.
    fn current(&self, f: usize) -> (u8, bool) {
        let elapsed = self.interrupts - self.stamp[f];
        if elapsed == 0 {
            return (self.counter[f], self.was_referenced[f]);
        }
        let c = self.counter[f];
        let first = if self.was_referenced[f] { (c >> 1) | 0x80 } else { c >> 1 };
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
        self.counter[f as usize] = c;
        self.was_referenced[f as usize] = true;
        self.stamp[f as usize] = self.interrupts;
    }
}

impl ReplacementPolicy for Aging {
    fn loaded(&mut self, frame: u32, _: AccessCtx, _: &FrameTable) {
        self.resident[frame as usize] = true;
        self.push_referenced(frame, 0);
    }

    fn touched(&mut self, frame: u32, _: AccessCtx, _: &FrameTable) {
        let (c, r) = self.current(frame as usize);
        if !r {
            self.unlink(frame);
            self.push_referenced(frame, c);
        }
    }

    fn removed(&mut self, frame: u32) {
        if self.resident[frame as usize] {
            self.unlink(frame);
            self.resident[frame as usize] = false;
        }
    }

    fn victim(&mut self, _: &mut FrameTable) -> Option<u32> {
        if let Some(c) = lowest(&self.idle_bits) {
            return self.idle[c].front();
        }
        lowest(&self.referenced_bits).and_then(|c| self.referenced[c].front())
    }

    fn timer(&mut self, frames: &mut FrameTable) {
        let mut idle = [List::default(); BUCKETS];
        let mut bits = [0u64; 4];
        // Ascending order keeps 2k's pages ahead of 2k+1's in the merged list k.
        for c in set_bits(self.idle_bits) {
            idle[c >> 1].append(&mut self.links, &mut self.idle[c]);
            set_bit(&mut bits, c >> 1);
        }
        for c in set_bits(self.referenced_bits) {
            let to = (c >> 1) | 0x80;
            idle[to].append(&mut self.links, &mut self.referenced[c]);
            set_bit(&mut bits, to);
        }
        self.idle = idle;
        self.idle_bits = bits;
        self.referenced_bits = [0; 4];
        self.interrupts += 1;
        frames.clear_all_referenced();
    }

    fn order(&self, _: &FrameTable) -> Vec<u32> {
        let mut out = Vec::new();
        for c in set_bits(self.idle_bits) {
            out.extend(self.idle[c].to_vec(&self.links));
        }
        for c in set_bits(self.referenced_bits) {
            out.extend(self.referenced[c].to_vec(&self.links));
        }
        out
    }

    fn frame_value(&self, frame: u32, _: &FrameTable) -> Option<u64> {
        self.resident[frame as usize].then(|| self.current(frame as usize).0 as u64)
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
        assert_eq!(b.policy.order(&b.frames).len(), 4);
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
