//! The swap disk: numbered slots of one page each, taken lowest first.

use super::cow::{SnapVec, Snapshot};
use super::heap::LowestFree;
use super::page_data::SharedData;
use super::page_table::NONE;

/// One swap slot.
#[derive(Clone, Debug)]
pub struct Slot {
    /// Owning process id, or [`NONE`] if free.
    pub owner: u32,
    pub vpn: u64,
    /// The page's bytes as written out; `None` = all zero. Shared with the frame it is read into.
    pub data: SharedData,
}

impl PartialEq for Slot {
    fn eq(&self, o: &Slot) -> bool {
        let same_data = match (&self.data, &o.data) {
            (None, None) => true,
            (Some(a), Some(b)) => std::rc::Rc::ptr_eq(a, b),
            _ => false,
        };
        same_data && (self.owner, self.vpn) == (o.owner, o.vpn)
    }
}

const EMPTY: Slot = Slot { owner: NONE, vpn: 0, data: None };

/// The swap disk: slots and the pool of free ones.
#[derive(Clone, Debug)]
pub struct SwapDisk {
    /// Only slots ever used are stored; the rest are implicitly empty.
    slots: SnapVec<Slot>,
    free: LowestFree,
    capacity: u32,
}

impl SwapDisk {
    pub fn new(capacity: u32) -> Self {
        SwapDisk { slots: SnapVec::default(), free: LowestFree::new(capacity), capacity }
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
    pub fn store(&mut self, owner: u32, vpn: u64, data: SharedData) -> Option<u32> {
        let s = self.free.take()?;
        let slot = Slot { owner, vpn, data };
        if s as usize == self.slots.len() {
            self.slots.push(slot);
        } else {
            self.slots[s as usize] = slot;
        }
        Some(s)
    }

    /// The bytes in slot `s`, shared (the slot keeps its copy: a clean page read back in can be
    /// dropped again without another write; a write to the page copies the data first).
    pub fn read(&self, s: u32) -> SharedData {
        self.get(s).data.clone()
    }

    /// Names another of the pages that map slot `s` as its owner.
    pub fn set_owner(&mut self, s: u32, owner: u32, vpn: u64) {
        if let Some(slot) = self.slots.get_mut(s as usize) {
            slot.owner = owner;
            slot.vpn = vpn;
        }
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

impl Snapshot for SwapDisk {
    fn freeze(&mut self) -> (Self, usize) {
        let (slots, a) = self.slots.freeze();
        let (free, b) = self.free.freeze();
        (SwapDisk { slots, free, capacity: self.capacity }, a + b)
    }
    fn thaw(&self) -> Self {
        SwapDisk { slots: self.slots.thaw(), free: self.free.thaw(), capacity: self.capacity }
    }
}
