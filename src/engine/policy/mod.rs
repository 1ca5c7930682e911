//! Page-replacement policies behind one trait, one file each.
//!
//! The machine tells a policy what happens to frames (a page loaded, a hit, a frame emptied) and
//! asks it for a victim when memory is full. The hardware bits (referenced, dirty) live in the
//! [`FrameTable`]; a policy reads them and, where the textbook says so, clears them.
//!
//! Cost per access: O(1) for fifo, lru, clock (amortised: each bit the hand clears was set by one
//! access), nru, aging and random; O(log frames) for lfu and opt. None scans all frames.

mod aging;
mod clock;
mod fifo;
mod lfu;
mod lru;
mod nru;
mod opt;
mod random;

use super::config::{Config, PolicyKind};
use super::cow::Snapshot;
use super::frame_table::FrameTable;

/// What the policy may know about the access that loaded or hit a page.
#[derive(Clone, Copy, Debug)]
pub struct AccessCtx {
    pub write: bool,
    /// The machine's time at the access (FIFO and LRU keep it, to say why a page was chosen).
    pub time: u64,
    /// Time of this page's next access, for `opt`; `u64::MAX` = never again, or unknown.
    pub next_use: u64,
}

pub trait ReplacementPolicy {
    /// A page was loaded into `frame` (its referenced bit is already set).
    fn loaded(&mut self, frame: u32, ctx: AccessCtx, frames: &FrameTable);
    /// The page in `frame` was accessed while resident.
    fn touched(&mut self, frame: u32, ctx: AccessCtx, frames: &FrameTable);
    /// `frame` was emptied: its page was evicted, freed, or its process ended.
    fn removed(&mut self, frame: u32);
    /// The frame to evict next; `None` only if no frame is in use.
    fn victim(&mut self, frames: &mut FrameTable) -> Option<u32>;
    /// The frame to evict next among those `eligible` says may go (when processes differ in
    /// importance); `None` if no eligible frame is in use. By default the first eligible frame in
    /// the policy's order: O(frames in use), used only then.
    fn victim_where(&mut self, frames: &mut FrameTable, eligible: &dyn Fn(u32) -> bool) -> Option<u32> {
        self.order(frames, usize::MAX).into_iter().find(|&f| eligible(f))
    }
    /// The periodic timer interrupt (every `timer` time units).
    fn timer(&mut self, _frames: &mut FrameTable) {}
    /// The first `limit` resident frames in the policy's order, next victim first where the
    /// policy has one order.
    fn order(&self, frames: &FrameTable, limit: usize) -> Vec<u32>;
    /// A number the policy keeps per frame (aging counter, LFU count, OPT next use, NRU class).
    fn frame_value(&self, _frame: u32, _frames: &FrameTable) -> Option<u64> {
        None
    }
    /// The clock hand, for `clock`.
    fn hand(&self) -> Option<u32> {
        None
    }
    /// Set reference bits the last `victim` call cleared on its way (CLOCK's second chances).
    fn cleared(&self) -> u32 {
        0
    }
    /// Whether `victim` (just chosen) ranks equal with another frame, so a tie-break chose it.
    fn tied(&self, _victim: u32) -> bool {
        false
    }
}

/// Enum dispatch over the policies: cloneable (snapshots) and no virtual call on the hot path.
#[derive(Clone, Debug)]
pub enum Policy {
    Fifo(fifo::Fifo),
    Lru(lru::Lru),
    Clock(clock::Clock),
    Nru(nru::Nru),
    Lfu(lfu::Lfu),
    Aging(aging::Aging),
    Random(random::RandomPolicy),
    Opt(opt::Opt),
}

macro_rules! dispatch {
    ($self:expr, $p:ident => $e:expr) => {
        match $self {
            Policy::Fifo($p) => $e,
            Policy::Lru($p) => $e,
            Policy::Clock($p) => $e,
            Policy::Nru($p) => $e,
            Policy::Lfu($p) => $e,
            Policy::Aging($p) => $e,
            Policy::Random($p) => $e,
            Policy::Opt($p) => $e,
        }
    };
}

impl Policy {
    pub fn new(config: &Config) -> Policy {
        // Per-frame state grows with the frames used, not with the frames configured.
        match config.policy {
            PolicyKind::Fifo => Policy::Fifo(fifo::Fifo::new()),
            PolicyKind::Lru => Policy::Lru(lru::Lru::new()),
            PolicyKind::Clock => Policy::Clock(clock::Clock::new(config.frames)),
            PolicyKind::Nru => Policy::Nru(nru::Nru::new()),
            PolicyKind::Lfu => Policy::Lfu(lfu::Lfu::new()),
            PolicyKind::Aging => Policy::Aging(aging::Aging::new()),
            PolicyKind::Random => Policy::Random(random::RandomPolicy::new(config.seed)),
            PolicyKind::Opt => Policy::Opt(opt::Opt::new()),
        }
    }
}

impl Snapshot for Policy {
    fn freeze(&mut self) -> (Self, usize) {
        match self {
            Policy::Fifo(p) => p.freeze_into(Policy::Fifo),
            Policy::Lru(p) => p.freeze_into(Policy::Lru),
            Policy::Clock(p) => (Policy::Clock(p.clone()), 0),
            Policy::Nru(p) => p.freeze_into(Policy::Nru),
            Policy::Lfu(p) => p.freeze_into(Policy::Lfu),
            Policy::Aging(p) => p.freeze_into(Policy::Aging),
            Policy::Random(p) => p.freeze_into(Policy::Random),
            Policy::Opt(p) => p.freeze_into(Policy::Opt),
        }
    }
    fn thaw(&self) -> Self {
        match self {
            Policy::Fifo(p) => Policy::Fifo(p.thaw()),
            Policy::Lru(p) => Policy::Lru(p.thaw()),
            Policy::Clock(p) => Policy::Clock(p.clone()),
            Policy::Nru(p) => Policy::Nru(p.thaw()),
            Policy::Lfu(p) => Policy::Lfu(p.thaw()),
            Policy::Aging(p) => Policy::Aging(p.thaw()),
            Policy::Random(p) => Policy::Random(p.thaw()),
            Policy::Opt(p) => Policy::Opt(p.thaw()),
        }
    }
}

/// Freezes a policy and wraps it in its `Policy` variant.
trait FreezeInto: Snapshot {
    fn freeze_into(&mut self, wrap: impl FnOnce(Self) -> Policy) -> (Policy, usize) {
        let (frozen, bytes) = self.freeze();
        (wrap(frozen), bytes)
    }
}

impl<T: Snapshot> FreezeInto for T {}

impl ReplacementPolicy for Policy {
    #[inline(always)]
    fn loaded(&mut self, frame: u32, ctx: AccessCtx, frames: &FrameTable) {
        dispatch!(self, p => p.loaded(frame, ctx, frames))
    }
    // `loaded` and `touched` (here and in each policy) are inlined into the access path: the
    // sharing paths call them too, and with more than one caller LLVM stopped inlining them
    // (−10% on hits, measured).
    #[inline(always)]
    fn touched(&mut self, frame: u32, ctx: AccessCtx, frames: &FrameTable) {
        dispatch!(self, p => p.touched(frame, ctx, frames))
    }
    #[inline]
    fn removed(&mut self, frame: u32) {
        dispatch!(self, p => p.removed(frame))
    }
    #[inline]
    fn victim(&mut self, frames: &mut FrameTable) -> Option<u32> {
        dispatch!(self, p => p.victim(frames))
    }
    fn victim_where(&mut self, frames: &mut FrameTable, eligible: &dyn Fn(u32) -> bool) -> Option<u32> {
        dispatch!(self, p => p.victim_where(frames, eligible))
    }
    fn timer(&mut self, frames: &mut FrameTable) {
        dispatch!(self, p => p.timer(frames))
    }
    fn order(&self, frames: &FrameTable, limit: usize) -> Vec<u32> {
        dispatch!(self, p => p.order(frames, limit))
    }
    fn frame_value(&self, frame: u32, frames: &FrameTable) -> Option<u64> {
        dispatch!(self, p => p.frame_value(frame, frames))
    }
    fn hand(&self) -> Option<u32> {
        dispatch!(self, p => p.hand())
    }
    fn cleared(&self) -> u32 {
        dispatch!(self, p => p.cleared())
    }
    fn tied(&self, victim: u32) -> bool {
        dispatch!(self, p => p.tied(victim))
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A tiny driver for hand-worked victim examples: frames are loaded in order, like the machine.
    use super::*;

    pub struct Bench {
        pub frames: FrameTable,
        pub policy: Policy,
    }

    impl Bench {
        pub fn new(kind: PolicyKind, n: u32) -> Bench {
            let config = Config { policy: kind, frames: n, ..Config::default() };
            Bench { frames: FrameTable::new(n), policy: Policy::new(&config) }
        }

        pub fn load(&mut self, vpn: u64, write: bool) -> u32 {
            let f = self.frames.take_free(0, vpn, false).expect("a free frame");
            self.frames.get_mut(f).dirty = write;
            self.policy.loaded(f, AccessCtx { write, time: 0, next_use: u64::MAX }, &self.frames);
            f
        }

        pub fn hit(&mut self, f: u32, write: bool) {
            self.frames.set_referenced(f);
            if write {
                self.frames.get_mut(f).dirty = true;
            }
            self.policy.touched(f, AccessCtx { write, time: 0, next_use: u64::MAX }, &self.frames);
        }

        pub fn victim(&mut self) -> u32 {
            self.policy.victim(&mut self.frames).expect("a victim")
        }

        pub fn timer(&mut self) {
            self.policy.timer(&mut self.frames);
        }
    }
}
