//! Snapshots that cost what changed: the storage behind the scenario runner's checkpoints.
//!
//! Step back and shared links are exact because the runner keeps checkpoints of the machine (see
//! `scenario::run`). The machine's growing arrays (frames, swap slots, page-table arenas, policy
//! lists, the TLB) are [`SnapVec`]s: plain vectors while the machine runs, so the access path pays
//! nothing for history, that can be *frozen* into chunks behind reference counts. A freeze compares
//! each chunk with the same chunk of the previous freeze and shares it when nothing changed, so a
//! checkpoint's memory is the chunks that changed since the last one, plus one pointer per chunk.
//! A checkpoint is restored by *thawing*: copying its chunks back into a plain vector.
//!
//! Wide, sparse page-table levels are a [`CowMap`] (hash shards behind reference counts), which a
//! clone shares directly.

use rustc_hash::FxHashMap;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

/// Elements per chunk.
const CHUNK: usize = 128;

/// A vector that can be frozen into shared chunks (see the module comment).
///
/// It dereferences to `Vec<T>`, so the machine uses it as one. A frozen `SnapVec` (from
/// [`SnapVec::freeze`]) holds only chunks; [`SnapVec::thaw`] turns it back into a live one.
#[derive(Debug)]
pub struct SnapVec<T> {
    items: Vec<T>,
    /// The chunks of the last freeze (shared with that snapshot); in a frozen vector, its contents.
    chunks: Option<Rc<[Rc<[T]>]>>,
    frozen: bool,
}

impl<T: Clone> Clone for SnapVec<T> {
    /// A deep copy of the live contents (snapshots use [`SnapVec::freeze`], not this).
    fn clone(&self) -> Self {
        SnapVec { items: self.items.clone(), chunks: self.chunks.clone(), frozen: self.frozen }
    }
}

impl<T> Default for SnapVec<T> {
    fn default() -> Self {
        SnapVec { items: Vec::new(), chunks: None, frozen: false }
    }
}

impl<T> Deref for SnapVec<T> {
    type Target = Vec<T>;
    #[inline(always)]
    fn deref(&self) -> &Vec<T> {
        debug_assert!(!self.frozen, "a frozen SnapVec is read through thaw()");
        &self.items
    }
}

impl<T> DerefMut for SnapVec<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut Vec<T> {
        debug_assert!(!self.frozen, "a frozen SnapVec is read through thaw()");
        &mut self.items
    }
}

impl<T: PartialEq> PartialEq for SnapVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
    }
}

impl<T: Eq> Eq for SnapVec<T> {}

impl<T> From<Vec<T>> for SnapVec<T> {
    fn from(items: Vec<T>) -> Self {
        SnapVec { items, chunks: None, frozen: false }
    }
}

impl<T: Clone + PartialEq> SnapVec<T> {
    pub fn new() -> Self {
        SnapVec::default()
    }

    /// `n` copies of `value`.
    pub fn filled(n: usize, value: T) -> Self {
        vec![value; n].into()
    }

    /// The contents as chunks shared with the previous freeze wherever they are unchanged.
    /// Returns the frozen vector and the bytes of the chunks it had to copy.
    pub fn freeze(&mut self) -> (SnapVec<T>, usize) {
        debug_assert!(!self.frozen);
        let previous: &[Rc<[T]>] = self.chunks.as_deref().unwrap_or(&[]);
        let mut copied = 0;
        let chunks: Rc<[Rc<[T]>]> = self
            .items
            .chunks(CHUNK)
            .enumerate()
            .map(|(c, live)| match previous.get(c) {
                Some(old) if **old == *live => old.clone(),
                _ => {
                    copied += std::mem::size_of_val(live);
                    Rc::from(live)
                }
            })
            .collect();
        copied += std::mem::size_of_val::<[Rc<[T]>]>(&chunks);
        self.chunks = Some(chunks.clone());
        (SnapVec { items: Vec::new(), chunks: Some(chunks), frozen: true }, copied)
    }

    /// A live vector with the contents of this frozen one. Its next freeze diffs against these
    /// chunks, so restoring and stepping on shares what did not change.
    pub fn thaw(&self) -> SnapVec<T> {
        debug_assert!(self.frozen);
        let chunks: &[Rc<[T]>] = self.chunks.as_deref().unwrap_or(&[]);
        let mut items = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
        for c in chunks {
            items.extend_from_slice(c);
        }
        SnapVec { items, chunks: self.chunks.clone(), frozen: false }
    }

    /// Bytes of the live contents, for the memory budget.
    pub fn heap_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<T>()
    }
}

/// Freezing and thawing a structure made of [`SnapVec`]s and plain values: a frozen copy shares
/// unchanged chunks with the previous one; thawing makes a live structure again.
pub trait Snapshot: Sized {
    /// A frozen copy and the bytes it copied.
    fn freeze(&mut self) -> (Self, usize);
    /// A live copy of a frozen one.
    fn thaw(&self) -> Self;
}

impl<T: Clone + PartialEq> Snapshot for SnapVec<T> {
    fn freeze(&mut self) -> (Self, usize) {
        SnapVec::freeze(self)
    }
    fn thaw(&self) -> Self {
        SnapVec::thaw(self)
    }
}

/// Shards of a sparse map; a key's shard comes from its bits after mixing.
const SHARDS: usize = 64;

/// A hash map from `u64` keys, split into shards behind `Rc`s: a clone copies 64 pointers and a
/// write copies one shard (1/64 of the entries) if a snapshot shares it. Used for page-table
/// levels too wide for a dense array.
#[derive(Clone, Debug)]
pub struct CowMap<V> {
    shards: Vec<Option<Rc<FxHashMap<u64, V>>>>,
    len: usize,
}

impl<V: Clone> Default for CowMap<V> {
    fn default() -> Self {
        CowMap { shards: vec![None; SHARDS], len: 0 }
    }
}

impl<V: Clone> CowMap<V> {
    #[inline(always)]
    fn shard(key: u64) -> usize {
        // Fibonacci hashing: neighbouring keys spread over the shards.
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    pub fn get(&self, key: &u64) -> Option<&V> {
        self.shards[Self::shard(*key)].as_ref()?.get(key)
    }

    /// The shard of `key`, copied first if a snapshot shares it. Returns the bytes copied.
    fn shard_mut(&mut self, key: u64) -> (&mut FxHashMap<u64, V>, usize) {
        let slot = self.shards[Self::shard(key)].get_or_insert_with(Default::default);
        let mut copied = 0;
        if Rc::get_mut(slot).is_none() {
            copied = slot.len() * (std::mem::size_of::<(u64, V)>() + 1);
            *slot = Rc::new(FxHashMap::clone(slot));
        }
        (Rc::get_mut(slot).expect("just made unique"), copied)
    }

    #[inline]
    pub fn get_mut(&mut self, key: &u64) -> Option<&mut V> {
        self.get(key)?;
        self.shard_mut(*key).0.get_mut(key)
    }

    pub fn insert(&mut self, key: u64, value: V) -> Option<V> {
        let old = self.shard_mut(key).0.insert(key, value);
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// The value at `key`, inserted with `make` if absent.
    pub fn entry_or_insert_with(&mut self, key: u64, make: impl FnOnce() -> V) -> &mut V {
        if self.get(&key).is_none() {
            self.insert(key, make());
        }
        self.shard_mut(key).0.get_mut(&key).expect("just inserted")
    }

    pub fn remove(&mut self, key: &u64) -> Option<V> {
        self.get(key)?;
        let old = self.shard_mut(*key).0.remove(key);
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// Every entry, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&u64, &V)> + '_ {
        self.shards.iter().flatten().flat_map(|s| s.iter())
    }

    /// Bytes a clone copies.
    pub fn shallow_bytes(&self) -> usize {
        SHARDS * std::mem::size_of::<Option<Rc<FxHashMap<u64, V>>>>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_freeze_shares_what_did_not_change() {
        let mut v: SnapVec<u32> = (0..1000).collect::<Vec<_>>().into();
        let (first, copied) = v.freeze();
        assert!(copied >= 4000, "the first freeze copies everything: {copied}");
        v[500] = 7;
        v.push(1000);
        let (second, copied) = v.freeze();
        // Chunk 3 (elements 384..512) changed and the last chunk grew: two chunks, plus pointers.
        assert_eq!(copied, 128 * 4 + (1001 - 896) * 4 + 8 * 16);
        let (third, copied) = v.freeze();
        assert_eq!(copied, 8 * 16, "nothing changed: only the chunk pointers");
        assert_eq!(first.thaw()[500], 500);
        assert_eq!(second.thaw()[500], 7);
        assert_eq!(third.thaw().len(), 1001);
        // A thawed vector diffs against the snapshot it came from.
        let mut back = first.thaw();
        assert_eq!(back.freeze().1, 8 * 16);
    }

    #[test]
    fn maps_share_shards() {
        let mut m: CowMap<u32> = CowMap::default();
        for k in 0..1000u64 {
            m.insert(k * 7919, k as u32);
        }
        let snapshot = m.clone();
        *m.get_mut(&7919).unwrap() = 0;
        assert_eq!(snapshot.get(&7919), Some(&1));
        assert_eq!(m.get(&7919), Some(&0));
        assert_eq!(m.remove(&7919), Some(0));
        assert_eq!((m.len(), snapshot.len()), (999, 1000));
        assert_eq!(*m.entry_or_insert_with(5, || 9), 9);
        assert_eq!(m.iter().count(), 1000);
    }
}
