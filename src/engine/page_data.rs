//! The bytes of one page, stored sparsely and shared.
//!
//! Most simulated pages are never written (zero-filled or code), and most written ones hold a few
//! bytes: a 64 KiB page written once should cost a byte, not 64 KiB. A page's data starts as a
//! short sorted list of `(offset, byte)` pairs and becomes 256-byte blocks (only the blocks that
//! hold a non-zero byte) once the list is long. Data moves between frames and swap slots as an
//! `Rc`, so swapping out, swapping in and checkpoints share it; a write to shared data copies it.

use std::rc::Rc;

/// Pairs kept in the sparse form before the page turns into blocks.
const SPARSE_MAX: usize = 24;
/// Bytes per block of the block form.
pub const BLOCK: usize = 256;

/// A page's bytes. Bytes not stored read 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PageData {
    /// `(offset, byte)` pairs sorted by offset, bytes non-zero.
    Sparse(Vec<(u32, u8)>),
    /// Non-empty blocks sorted by block number.
    Blocks(Vec<(u32, Box<[u8; BLOCK]>)>),
}

impl Default for PageData {
    fn default() -> Self {
        PageData::Sparse(Vec::new())
    }
}

impl PageData {
    pub fn read(&self, offset: usize) -> u8 {
        let offset = offset as u32;
        match self {
            PageData::Sparse(pairs) => pairs.binary_search_by_key(&offset, |p| p.0).map_or(0, |i| pairs[i].1),
            PageData::Blocks(blocks) => {
                let (b, o) = (offset / BLOCK as u32, offset as usize % BLOCK);
                blocks.binary_search_by_key(&b, |p| p.0).map_or(0, |i| blocks[i].1[o])
            }
        }
    }

    /// The first non-zero byte, as (offset, value): what a picture of the page can show.
    pub fn first_set(&self) -> Option<(u32, u8)> {
        match self {
            PageData::Sparse(pairs) => pairs.first().copied(),
            PageData::Blocks(blocks) => blocks.iter().find_map(|(b, bytes)| {
                bytes.iter().position(|&v| v != 0).map(|o| (b * BLOCK as u32 + o as u32, bytes[o]))
            }),
        }
    }

    /// Stores `value` at `offset`. Returns the change in heap bytes (for the memory budget).
    pub fn write(&mut self, offset: usize, value: u8) -> isize {
        let before = self.heap_bytes() as isize;
        let off = offset as u32;
        match self {
            PageData::Sparse(pairs) => match pairs.binary_search_by_key(&off, |p| p.0) {
                Ok(i) if value == 0 => {
                    pairs.remove(i);
                }
                Ok(i) => pairs[i].1 = value,
                Err(_) if value == 0 => {}
                Err(i) if pairs.len() < SPARSE_MAX => pairs.insert(i, (off, value)),
                Err(_) => {
                    let mut blocks = PageData::Blocks(Vec::new());
                    for &(o, v) in pairs.iter() {
                        blocks.write(o as usize, v);
                    }
                    blocks.write(offset, value);
                    *self = blocks;
                }
            },
            PageData::Blocks(blocks) => {
                let (b, o) = (off / BLOCK as u32, offset % BLOCK);
                match blocks.binary_search_by_key(&b, |p| p.0) {
                    Ok(i) => blocks[i].1[o] = value,
                    Err(_) if value == 0 => {}
                    Err(i) => {
                        let mut block = Box::new([0u8; BLOCK]);
                        block[o] = value;
                        blocks.insert(i, (b, block));
                    }
                }
            }
        }
        self.heap_bytes() as isize - before
    }

    /// Heap bytes this page's data holds (counted by content, not by spare capacity, so the
    /// count does not depend on how the page came to be).
    pub fn heap_bytes(&self) -> usize {
        match self {
            PageData::Sparse(pairs) => pairs.len() * std::mem::size_of::<(u32, u8)>(),
            PageData::Blocks(blocks) => blocks.len() * (std::mem::size_of::<(u32, Box<[u8; BLOCK]>)>() + BLOCK),
        }
    }

    /// The most heap bytes one write can add: a new block and room for its pointer.
    pub const MAX_WRITE_GROWTH: usize = BLOCK + 64 * std::mem::size_of::<(u32, Box<[u8; BLOCK]>)>();
}

/// Page data as frames and swap slots hold it: `None` = all zero (or, for code, the executable's
/// bytes).
pub type SharedData = Option<Rc<PageData>>;

/// Writes `value` at `offset` of `data`, copying it first if a swap slot or a checkpoint shares it.
/// Returns the change in this page's size (what the live machine holds more or less) and the
/// bytes copied because the data was shared (what the sharer now holds alone).
pub fn write_shared(data: &mut SharedData, offset: usize, value: u8) -> (isize, usize) {
    const OVERHEAD: usize = std::mem::size_of::<PageData>() + 16;
    match data {
        None if value == 0 => (0, 0),
        None => {
            let mut page = PageData::default();
            let grew = page.write(offset, value);
            *data = Some(Rc::new(page));
            (grew + OVERHEAD as isize, 0)
        }
        Some(rc) => {
            let copied = if Rc::strong_count(rc) != 1 { rc.heap_bytes() + OVERHEAD } else { 0 };
            (Rc::make_mut(rc).write(offset, value), copied)
        }
    }
}

pub fn read_shared(data: &SharedData, offset: usize) -> u8 {
    data.as_ref().map_or(0, |d| d.read(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_byte_costs_a_few_bytes_and_many_become_blocks() {
        let mut d: SharedData = None;
        write_shared(&mut d, 65_000, 7);
        assert_eq!(read_shared(&d, 65_000), 7);
        assert_eq!(read_shared(&d, 64_999), 0);
        assert_eq!(d.as_ref().unwrap().heap_bytes(), 8, "one byte written: one (offset, byte) pair");
        for i in 0..100usize {
            write_shared(&mut d, i * 300, (i % 250 + 1) as u8);
        }
        assert!(matches!(d.as_deref(), Some(PageData::Blocks(_))));
        for i in 0..100usize {
            assert_eq!(read_shared(&d, i * 300), (i % 250 + 1) as u8);
        }
        assert_eq!(read_shared(&d, 65_000), 7, "kept through the change of form");
        // Zero writes remove or overwrite.
        write_shared(&mut d, 300, 0);
        assert_eq!(read_shared(&d, 300), 0);
    }

    #[test]
    fn a_shared_page_is_copied_on_write() {
        let mut a: SharedData = None;
        write_shared(&mut a, 1, 1);
        let b = a.clone();
        write_shared(&mut a, 1, 2);
        assert_eq!((read_shared(&a, 1), read_shared(&b, 1)), (2, 1));
    }
}
