//! The swap disk: numbered slots of one page each, taken lowest first.

use super::heap::LowestFree;
use super::page_table::NONE;

/// One swap slot.
#[derive(Clone, Debug)]
pub struct Slot {
    /// Owning process id, or [`NONE`] if free.
    pub owner: u32,
    pub vpn: u64,
    /// The page's bytes as written out; `None` = all zero.
    pub data: Option<Box<[u8]>>,
}

const EMPTY: Slot = Slot { owner: NONE, vpn: 0, data: None };

/// The swap disk: slots and the pool of free ones.
#[derive(Clone, Debug)]
pub struct SwapDisk {
    /// Only slots ever used are stored; the rest are implicitly empty.
    slots: Vec<Slot>,
    free: LowestFree,
    capacity: u32,
}

impl SwapDisk {
    pub fn new(capacity: u32) -> Self {
        SwapDisk { slots: Vec::new(), free: LowestFree::new(capacity), capacity }
    }

    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    pub fn used(&self) -> u32 {
        self.capacity - self.free.free_count()
    }

    pub fn free_count(&self) -> u32 {
        self.free.free_count()
    }

    pub fn get(&self, s: u32) -> &Slot {
        self.slots.get(s as usize).unwrap_or(&EMPTY)
    }

    /// Writes a page to the lowest free slot, or returns `None` if swap is full.
    pub fn store(&mut self, owner: u32, vpn: u64, data: Option<Box<[u8]>>) -> Option<u32> {
        let s = self.free.take()?;
        if s as usize >= self.slots.len() {
            self.slots.resize(s as usize + 1, EMPTY);
        }
        self.slots[s as usize] = Slot { owner, vpn, data };
        Some(s)
    }

    /// A copy of the bytes in slot `s` (the slot keeps its copy: a clean page read back in can be
    /// dropped again without another write).
    pub fn read(&self, s: u32) -> Option<Box<[u8]>> {
        self.get(s).data.clone()
    }

    pub fn release(&mut self, s: u32) {
        if let Some(slot) = self.slots.get_mut(s as usize) {
            *slot = EMPTY;
        }
        self.free.release(s);
    }

    /// Slots ever used; every slot at or above is free.
    pub fn high_water(&self) -> u32 {
        self.free.high_water()
    }
}
