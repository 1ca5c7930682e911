//! Time: idle ticks, the timer interrupt that drives aging policies, and the background reclaimer.

use super::{Machine, MAX_TIME};
use crate::engine::error::SimError;
use crate::engine::events::Event;
use crate::engine::policy::ReplacementPolicy;

/// After this many timer interrupts without accesses every policy's state is at its fixed point
/// (aging counters are 8 bits), so `tick(huge)` stops early.
const MAX_USEFUL_INTERRUPTS: u64 = 9;

/// Evictions the reclaimer reports one by one in a single run; the rest are summed up in one event,
/// so a reclaimer freeing a million frames does not log a million sentences.
const RECLAIM_EVENTS: u64 = 32;

impl Machine {
    /// Advances the clock by `units` idle time units: timer interrupts and the reclaimer run.
    /// Refused if the clock would pass [`MAX_TIME`].
    pub fn tick(&mut self, units: u64) -> Result<(), SimError> {
        if units > MAX_TIME - self.time {
            return Err(SimError::ClockEnd { units, now: self.time, max: MAX_TIME });
        }
        let interrupts = self.advance(units);
        self.log(Event::Tick { units, now: self.time, interrupts });
        self.reclaim();
        Ok(())
    }

    /// Moves time forward, firing the timer interrupts that fall due. Returns how many fell due.
    /// The clock stops at [`MAX_TIME`].
    #[inline]
    pub(super) fn advance(&mut self, units: u64) -> u64 {
        self.time = self.time.saturating_add(units).min(MAX_TIME);
        if self.time < self.next_interrupt {
            return 0;
        }
        self.fire_timer()
    }

    /// Kept out of line: it runs once per `timer` units and would bloat the access path.
    #[cold]
    #[inline(never)]
    fn fire_timer(&mut self) -> u64 {
        let timer = self.config.timer;
        let due = (self.time - self.next_interrupt) / timer + 1;
        self.next_interrupt = self.next_interrupt.saturating_add(due.saturating_mul(timer));
        for _ in 0..due.min(MAX_USEFUL_INTERRUPTS) {
            self.policy.timer(&mut self.frames);
        }
        due
    }

    /// The background reclaimer: below `low` free frames, evict until `high` are free.
    #[inline]
    pub(super) fn reclaim(&mut self) {
        if let Some((low, _)) = self.config.reclaim {
            if self.frames.free_count() < low {
                self.reclaim_now();
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn reclaim_now(&mut self) {
        let Some((_, high)) = self.config.reclaim else {
            return;
        };
        let mut evicted = 0u64;
        while self.frames.free_count() < high && self.frames.used() > 0 {
            match self.evict() {
                Ok(eviction) => {
                    self.release_frame(eviction.frame);
                    evicted += 1;
                    if evicted <= RECLAIM_EVENTS {
                        let free_frames = self.frames.free_count();
                        self.log(Event::Reclaim { eviction, free_frames });
                    }
                }
                Err(_) => break, // swap full: the reclaimer gives up; a fault will report it
            }
        }
        if evicted > RECLAIM_EVENTS {
            let free_frames = self.frames.free_count();
            self.log(Event::ReclaimMore { evicted: evicted - RECLAIM_EVENTS, free_frames });
        }
    }
}
