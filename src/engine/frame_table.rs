//! Physical memory: one entry per frame with its owner, the hardware dirty and referenced bits,
//! and the page's bytes.

use super::heap::LowestFree;
use super::page_table::NONE;

/// One physical frame.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Owning process id, or [`NONE`] if free.
    pub owner: u32,
    pub vpn: u64,
    pub dirty: bool,
    pub code: bool,
    /// `referenced` is `ref_epoch == FrameTable::epoch`: clearing every bit at a timer interrupt is
    /// then one increment instead of a pass over all frames.
    ref_epoch: u64,
    /// The page's bytes; `None` = all zero (or, for code, the executable's bytes). Allocated on the
    /// first write only, so a replayed trace of a million pages stores no data.
    pub data: Option<Box<[u8]>>,
}

/// All frames, with the pool of free ones (lowest first).
#[derive(Clone, Debug)]
pub struct FrameTable {
    frames: Vec<Frame>,
    free: LowestFree,
    epoch: u64,
}

impl FrameTable {
    pub fn new(count: u32) -> Self {
        let empty = Frame { owner: NONE, vpn: 0, dirty: false, code: false, ref_epoch: 0, data: None };
        FrameTable { frames: vec![empty; count as usize], free: LowestFree::new(count), epoch: 1 }
    }

    pub fn len(&self) -> u32 {
        self.frames.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    pub fn used(&self) -> u32 {
        self.len() - self.free.free_count()
    }

    pub fn free_count(&self) -> u32 {
        self.free.free_count()
    }

    #[inline]
    pub fn get(&self, f: u32) -> &Frame {
        &self.frames[f as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, f: u32) -> &mut Frame {
        &mut self.frames[f as usize]
    }

    pub fn is_free(&self, f: u32) -> bool {
        self.frames[f as usize].owner == NONE
    }

    /// The lowest free frame, now owned by `(owner, vpn)`, referenced and clean.
    pub fn take_free(&mut self, owner: u32, vpn: u64, code: bool) -> Option<u32> {
        let f = self.free.take()?;
        let epoch = self.epoch;
        let frame = &mut self.frames[f as usize];
        *frame = Frame { owner, vpn, dirty: false, code, ref_epoch: epoch, data: None };
        Some(f)
    }

    /// Reuses frame `f` (just emptied by an eviction) for `(owner, vpn)`.
    pub fn reassign(&mut self, f: u32, owner: u32, vpn: u64, code: bool) {
        let epoch = self.epoch;
        self.frames[f as usize] = Frame { owner, vpn, dirty: false, code, ref_epoch: epoch, data: None };
    }

    /// Empties frame `f` and returns its bytes (for a swap-out).
    pub fn clear(&mut self, f: u32) -> Option<Box<[u8]>> {
        let frame = &mut self.frames[f as usize];
        frame.owner = NONE;
        frame.dirty = false;
        frame.code = false;
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
        self.frames[f as usize].ref_epoch == self.epoch
    }

    #[inline]
    pub fn set_referenced(&mut self, f: u32) {
        self.frames[f as usize].ref_epoch = self.epoch;
    }

    pub fn clear_referenced(&mut self, f: u32) {
        self.frames[f as usize].ref_epoch = 0;
    }

    /// Clears every referenced bit in O(1).
    pub fn clear_all_referenced(&mut self) {
        self.epoch += 1;
    }
}
