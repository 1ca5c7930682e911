//! Typed events: everything the machine does is reported, in order, as one of these. Each renders
//! as one plain sentence ([`crate::engine::Machine::describe`]) that a student can read aloud.

use super::config::PolicyKind;
pub use super::types::TlbLookup;
use super::types::{ExitCause, Importance, Perms};

/// Whether an access reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessKind {
    Read,
    Write,
}

/// How a page fault was served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Minor: first touch of an anonymous page, given a zero-filled frame.
    ZeroFill,
    /// Major: a code page read from the executable (disk I/O).
    CodeFromFile,
    /// Major: read back from a swap slot.
    FromSwap { slot: u32 },
    /// Minor: the page of an object (executable, file, shared memory) is already in memory, for
    /// process `with` (or held by the object itself: an object's owner word): this process maps
    /// the same frame.
    InMemory { with: u32 },
    /// Minor: first touch of a shared-memory page: one zero-filled frame, which every process
    /// mapping the object maps on its own first touch.
    ZeroFillShared,
    /// Major: a page of a mapped file read from the file.
    FromFile,
    /// Copy-on-write fault (minor): the page was shared with `with`; the writer gets a copy of
    /// frame `from` (the frame in the access's result).
    CowCopy { from: u32, with: u32 },
    /// Copy-on-write fault (major): the shared page was in swap slot `slot`; the writer gets a
    /// copy read from there, `with` keeps the slot.
    CowFromSwap { slot: u32, with: u32 },
    /// Copy-on-write fault (minor): no other process maps the page any more, so it simply
    /// becomes writable again.
    CowReuse,
    /// Minor: first touch of a huge page: `1 << shift` frames in a row, all zero-filled (each
    /// costs a zero-fill). Making the row free evicted `more_evicted` pages besides the access's
    /// victim, `more_writes` of them written to swap. (A shift, not a count: an access event
    /// stays at 120 bytes.)
    ZeroFillHuge { shift: u8, more_evicted: u32, more_writes: u32 },
}

impl FaultKind {
    /// Frames a fault filled: a huge page's, or one.
    pub fn pages(self) -> u64 {
        match self {
            FaultKind::ZeroFillHuge { shift, .. } => 1 << shift,
            _ => 1,
        }
    }

    /// A major fault reads from disk (a swap slot, or the executable for code), as Linux counts
    /// them (README, *The model*); a minor fault needs no I/O (zero-fill).
    pub fn is_major(self) -> bool {
        matches!(
            self,
            FaultKind::FromSwap { .. } | FaultKind::CodeFromFile | FaultKind::FromFile | FaultKind::CowFromSwap { .. }
        )
    }

    /// A copy-on-write fault: a write to a page shared since a fork.
    pub fn is_cow(self) -> bool {
        matches!(self, FaultKind::CowCopy { .. } | FaultKind::CowFromSwap { .. } | FaultKind::CowReuse)
    }
}

/// What happened to an evicted page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvictionFate {
    /// Written to a swap slot: it was dirty, or had no copy in swap yet (never swapped).
    SwappedOut { slot: u32, dirty: bool },
    /// Dropped: clean, with an identical copy still in swap slot `slot`.
    DroppedCleanCopy { slot: u32 },
    /// Dropped: a clean code page, re-read from the executable when needed.
    DroppedCode,
    /// A page of a mapped file: written back to the file if dirty, else dropped; never swapped.
    ToFile { dirty: bool },
}

impl EvictionFate {
    /// Whether the page was written out (to swap, or back to its file): a disk write.
    pub fn writes(self) -> bool {
        matches!(self, EvictionFate::SwappedOut { .. } | EvictionFate::ToFile { dirty: true })
    }
}

/// A page taken out of memory to make room: whose, which frame, why, and where it went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Eviction {
    pub pid: u32,
    pub vpn: u64,
    pub frame: u32,
    pub fate: EvictionFate,
    pub why: VictimReason,
    /// Other pages that mapped the frame (unmapped too): how many, and the first one's process
    /// ([`NONE`](super::page_table::NONE) if none).
    pub others: u32,
    pub other_pid: u32,
}

/// Why the policy chose the victim: its value under the policy just before it left (FIFO: load
/// time; LRU: last use; NRU: class; LFU: uses; AGING: counter; OPT: the step of its next use,
/// `u64::MAX` never; RANDOM: the seed of the draws) and, for CLOCK, where the hand started and
/// how many set bits it cleared.
///
/// Kept to 32 bytes: every access event carries room for an eviction, and a larger event
/// measurably slows the access path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VictimReason {
    pub policy: PolicyKind,
    pub value: Option<u64>,
    pub hand_from: Option<u32>,
    pub cleared: u32,
    /// Other frames ranked equal: a tie-break chose this one (see each policy's file).
    pub tied: bool,
    /// Processes differ in importance: the policy chose among the frames of the least important
    /// ones (this importance).
    pub among: Option<Importance>,
    /// Not the policy's choice: the page was in the frames a huge page needs in a row.
    pub for_huge: bool,
}

/// Why an address is invalid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegvReason {
    /// Page 0: the null guard.
    NullPage,
    /// No region covers the address.
    Unmapped,
    /// `vm=base`: the address is past the process's bound.
    OutOfBounds,
    /// `vm=off`: the address is past the end of physical memory.
    NoSuchMemory,
}

/// How an access ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessResult {
    Hit {
        frame: u32,
    },
    PageFault {
        kind: FaultKind,
        frame: u32,
        evicted: Option<Eviction>,
    },
    SegmentationFault {
        reason: SegvReason,
    },
    ProtectionFault {
        perms: Perms,
        code: bool,
    },
    /// No free frame, and the victim needed a swap slot but swap is full. Nothing changed.
    OutOfMemory {
        victim_pid: u32,
        victim_vpn: u64,
        victim_frame: u32,
    },
}

/// One memory access, whatever became of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AccessEvent {
    pub pid: u32,
    pub kind: AccessKind,
    pub addr: u64,
    pub vpn: u64,
    /// The byte read or written (0 when the access failed).
    pub value: u8,
    pub tlb: TlbLookup,
    /// The running process changed, so the TLB was flushed before this access.
    pub tlb_flushed: bool,
    pub physical: Option<u64>,
    pub result: AccessResult,
}

impl AccessEvent {
    /// The page was not resident (a page fault, served or out of memory).
    pub fn is_fault(&self) -> bool {
        matches!(self.result, AccessResult::PageFault { .. } | AccessResult::OutOfMemory { .. })
    }

    /// The frame that served the access, if any.
    pub fn frame(&self) -> Option<u32> {
        match self.result {
            AccessResult::Hit { frame } | AccessResult::PageFault { frame, .. } => Some(frame),
            _ => None,
        }
    }

    /// The page evicted to serve this access, if any.
    pub fn eviction(&self) -> Option<Eviction> {
        match self.result {
            AccessResult::PageFault { evicted, .. } => evicted,
            _ => None,
        }
    }
}

/// Everything the machine reports, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Spawn {
        pid: u32,
        code_pages: u64,
        flat: bool,
        /// The executable's object id (NONE without code).
        exe: u32,
    },
    /// `fork`: `child` starts with a copy of `parent`'s regions; the `shared` pages `parent` had
    /// touched are now mapped by both (copy-on-write where writable).
    Fork {
        parent: u32,
        child: u32,
        shared: u64,
    },
    Allocate {
        pid: u32,
        label: String,
        start_vpn: u64,
        pages: u64,
        perms: Perms,
        /// The shared object mapped (NONE: private memory).
        object: u32,
        /// Mapped with huge pages.
        huge: bool,
    },
    Free {
        pid: u32,
        label: String,
        start_vpn: u64,
        pages: u64,
        frames_released: u64,
        slots_released: u64,
    },
    Access(AccessEvent),
    /// The OOM killer chose `pid` (the least important, then the largest footprint: resident
    /// and swapped pages) because a fault of `for_pid` needed a frame and no page could go.
    OomKill {
        pid: u32,
        importance: Importance,
        footprint: u64,
        for_pid: u32,
        /// No page was there to choose: every frame in use held a page table or a huge page
        /// (otherwise the policy's victim needed a swap slot and none was free).
        no_victim: bool,
    },
    /// `tables=ram`: a page table of `pid` at `level` (0 = the top) now occupies `frame`, which
    /// `evicted` left if no frame was free.
    TableFrame {
        pid: u32,
        level: u32,
        frame: u32,
        evicted: Option<Eviction>,
    },
    /// `vm=base`: process `pid` could not start, no free run of frames holding its block of
    /// `needed` frames (`free` are free in all, the largest run is `largest`).
    NoBlock {
        pid: u32,
        needed: u64,
        free: u64,
        largest: u64,
    },
    /// A process's importance changed (`importance NAME LEVEL`: it came to the foreground, or left it).
    Importance {
        pid: u32,
        importance: Importance,
    },
    Exit {
        pid: u32,
        cause: ExitCause,
        frames_released: u64,
        slots_released: u64,
    },
    Tick {
        units: u64,
        now: u64,
        interrupts: u64,
    },
    /// The background reclaimer evicted a page because free frames fell below its low mark.
    Reclaim {
        eviction: Eviction,
        free_frames: u32,
    },
    /// The reclaimer evicted more pages in one run than are reported one by one.
    ReclaimMore {
        evicted: u64,
        free_frames: u32,
    },
    /// A scenario's `note` line: words for the reader, no effect on the machine.
    Note {
        text: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every access builds an event and copies it to the log: its size is on the access path
    /// (the sharing fields once took it from 120 to 128 bytes and replay speed dropped).
    #[test]
    fn an_access_event_stays_at_120_bytes() {
        assert_eq!(std::mem::size_of::<VictimReason>(), 32);
        assert_eq!(std::mem::size_of::<Eviction>(), 64);
        assert!(std::mem::size_of::<AccessEvent>() <= 120, "{}", std::mem::size_of::<AccessEvent>());
    }
}
