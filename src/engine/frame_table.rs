//! Physical memory: one entry per frame with its owner, the hardware dirty and referenced bits,
//! and the page's bytes.
//!
//! Frames are handed out lowest first, so only frames up to the highest ever used are stored: a
//! machine of a million frames that uses sixteen keeps sixteen entries.

use super::cow::{SnapVec, Snapshot};
use super::heap::LowestFree;
use super::page_data::SharedData;
use super::page_table::NONE;

/// One physical frame.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Owning process id, or [`NONE`] if free.
    pub owner: u32,
    pub vpn: u64,
    pub dirty: bool,
    pub code: bool,
    /// A page table of this level (0 = the top) lives here (`tables=ram`): `owner` is its
    /// process, `vpn` the first page it covers. Never a policy's victim.
    pub table: Option<u8>,
    /// A page of a huge page: never a policy's victim.
    pub pinned: bool,
    /// `referenced` is `ref_epoch == FrameTable::epoch`: clearing every bit at a timer interrupt is
    /// then one increment instead of a pass over all frames.
    ref_epoch: u64,
    /// The page's bytes; `None` = all zero (or, for code, the executable's bytes). Allocated on the
    /// first write only, so a replayed trace of a million pages stores no data.
    pub data: SharedData,
}

/// Page data compares by identity: a freeze asks "did this frame change?", and a frame whose bytes
/// changed holds a new copy of them.
impl PartialEq for Frame {
    fn eq(&self, o: &Frame) -> bool {
        let same_data = match (&self.data, &o.data) {
            (None, None) => true,
            (Some(a), Some(b)) => std::rc::Rc::ptr_eq(a, b),
            _ => false,
        };
        same_data
            && (self.owner, self.vpn, self.dirty, self.code, self.table, self.pinned, self.ref_epoch)
                == (o.owner, o.vpn, o.dirty, o.code, o.table, o.pinned, o.ref_epoch)
    }
}

const EMPTY: Frame =
    Frame { owner: NONE, vpn: 0, dirty: false, code: false, table: None, pinned: false, ref_epoch: 0, data: None };

/// All frames, with the pool of free ones (lowest first).
#[derive(Clone, Debug)]
pub struct FrameTable {
    /// Frames `0..high water`; every frame above is free and empty.
    frames: SnapVec<Frame>,
    capacity: u32,
    free: LowestFree,
    epoch: u64,
}

impl FrameTable {
    pub fn new(count: u32) -> Self {
        FrameTable { frames: SnapVec::default(), capacity: count, free: LowestFree::new(count), epoch: 1 }
    }

    /// Frames the machine has.
    pub fn len(&self) -> u32 {
        self.capacity
    }

    pub fn is_empty(&self) -> bool {
        self.capacity == 0
    }

    /// Frames ever used: every frame at or above is free.
    pub fn high_water(&self) -> u32 {
        self.frames.len() as u32
    }

    pub fn used(&self) -> u32 {
        self.capacity - self.free.free_count()
    }

    pub fn free_count(&self) -> u32 {
        self.free.free_count()
    }

    #[inline]
    pub fn get(&self, f: u32) -> &Frame {
        self.frames.get(f as usize).unwrap_or(&EMPTY)
    }

    /// A frame in use (below the high water mark).
    #[inline]
    pub fn get_mut(&mut self, f: u32) -> &mut Frame {
        &mut self.frames[f as usize]
    }

    pub fn is_free(&self, f: u32) -> bool {
        self.get(f).owner == NONE
    }

    /// Frame `f` holds a page a policy may evict: not a page table, not a huge page's, not nothing.
    #[inline]
    pub fn evictable(&self, f: u32) -> bool {
        let frame = self.get(f);
        frame.owner != NONE && frame.table.is_none() && !frame.pinned
    }

    /// Frame `f`, just taken, holds a page of a huge page: it stays until the huge page goes.
    pub fn pin(&mut self, f: u32) {
        self.frames[f as usize].pinned = true;
    }

    /// Frame `f`, just taken, holds a page table of `owner` at `level`, covering pages from
    /// `first_vpn`.
    pub fn mark_table(&mut self, f: u32, owner: u32, level: u32, first_vpn: u64) {
        let frame = &mut self.frames[f as usize];
        let table = Some(level as u8);
        (frame.owner, frame.vpn, frame.table, frame.code, frame.dirty) = (owner, first_vpn, table, false, false);
    }

    /// The lowest free frame, now owned by `(owner, vpn)`, referenced and clean.
    #[inline(always)]
    pub fn take_free(&mut self, owner: u32, vpn: u64, code: bool) -> Option<u32> {
        let f = self.free.take()?;
        let frame =
            Frame { owner, vpn, dirty: false, code, table: None, pinned: false, ref_epoch: self.epoch, data: None };
        if f as usize == self.frames.len() {
            self.frames.push(frame);
        } else {
            self.frames[f as usize] = frame;
        }
        Some(f)
    }

    /// Takes frame `f` itself for `(owner, vpn)`, if it is free (the machines before virtual
    /// memory place memory at chosen frames).
    pub fn take_at(&mut self, f: u32, owner: u32, vpn: u64) -> bool {
        if !self.free.take_id(f) {
            return false;
        }
        let frame = Frame {
            owner,
            vpn,
            dirty: false,
            code: false,
            table: None,
            pinned: false,
            ref_epoch: self.epoch,
            data: None,
        };
        while self.frames.len() < f as usize {
            self.frames.push(EMPTY);
        }
        if f as usize == self.frames.len() {
            self.frames.push(frame);
        } else {
            self.frames[f as usize] = frame;
        }
        true
    }

    /// Reuses frame `f` (just emptied by an eviction) for `(owner, vpn)`.
    pub fn reassign(&mut self, f: u32, owner: u32, vpn: u64, code: bool) {
        let epoch = self.epoch;
        self.frames[f as usize] =
            Frame { owner, vpn, dirty: false, code, table: None, pinned: false, ref_epoch: epoch, data: None };
    }

    /// Names another of the pages that map frame `f` as its owner (the one named left).
    pub fn set_owner(&mut self, f: u32, owner: u32, vpn: u64) {
        let frame = &mut self.frames[f as usize];
        frame.owner = owner;
        frame.vpn = vpn;
    }

    /// Empties frame `f` and returns its bytes (for a swap-out).
    pub fn clear(&mut self, f: u32) -> SharedData {
        let frame = &mut self.frames[f as usize];
        frame.owner = NONE;
        frame.dirty = false;
        frame.code = false;
        frame.table = None;
        frame.pinned = false;
        frame.ref_epoch = 0;
        frame.data.take()
    }

    /// Empties frame `f` and puts it back in the free pool.
    pub fn release(&mut self, f: u32) {
        self.clear(f);
        self.free.release(f);
    }

    #[inline]
    pub fn referenced(&self, f: u32) -> bool {
        self.get(f).ref_epoch == self.epoch
    }

    #[inline]
    pub fn set_referenced(&mut self, f: u32) {
        let epoch = self.epoch;
        self.frames[f as usize].ref_epoch = epoch;
    }

    pub fn clear_referenced(&mut self, f: u32) {
        self.frames[f as usize].ref_epoch = 0;
    }

    /// Clears every referenced bit in O(1).
    pub fn clear_all_referenced(&mut self) {
        self.epoch += 1;
    }
}

impl Snapshot for FrameTable {
    fn freeze(&mut self) -> (Self, usize) {
        let (frames, a) = self.frames.freeze();
        let (free, b) = self.free.freeze();
        (FrameTable { frames, free, ..*self }, a + b)
    }
    fn thaw(&self) -> Self {
        FrameTable { frames: self.frames.thaw(), free: self.free.thaw(), ..*self }
    }
}
