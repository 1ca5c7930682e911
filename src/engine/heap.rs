//! Priority structures with O(log n) updates and no allocation after construction.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

const ABSENT: u32 = u32::MAX;

/// A binary min-heap over ids `0..n`, each with a key that can be changed in place. Used by `lfu`
/// (least count) and `opt` (furthest next use): both need "change the key of frame f" on a hit.
#[derive(Clone, Debug)]
pub struct IndexedMinHeap<K: Ord + Copy> {
    heap: Vec<u32>,
    pos: Vec<u32>,
    keys: Vec<Option<K>>,
}

impl<K: Ord + Copy> IndexedMinHeap<K> {
    pub fn new(n: usize) -> Self {
        IndexedMinHeap { heap: Vec::with_capacity(n), pos: vec![ABSENT; n], keys: vec![None; n] }
    }

    pub fn contains(&self, id: u32) -> bool {
        self.pos[id as usize] != ABSENT
    }

    pub fn key(&self, id: u32) -> Option<K> {
        self.keys[id as usize]
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    pub fn peek(&self) -> Option<u32> {
        self.heap.first().copied()
    }

    /// Inserts `id` or changes its key.
    pub fn set(&mut self, id: u32, key: K) {
        let i = id as usize;
        let old = self.keys[i].replace(key);
        if self.pos[i] == ABSENT {
            self.pos[i] = self.heap.len() as u32;
            self.heap.push(id);
            self.sift_up(self.heap.len() - 1);
        } else {
            let p = self.pos[i] as usize;
            match old {
                Some(o) if key < o => self.sift_up(p),
                _ => self.sift_down(p),
            }
        }
    }

    pub fn remove(&mut self, id: u32) {
        let p = self.pos[id as usize];
        if p == ABSENT {
            return;
        }
        let p = p as usize;
        let last = self.heap.len() - 1;
        self.swap(p, last);
        self.heap.pop();
        self.pos[id as usize] = ABSENT;
        self.keys[id as usize] = None;
        if p < self.heap.len() {
            self.sift_down(p);
            self.sift_up(p);
        }
    }

    fn less(&self, a: usize, b: usize) -> bool {
        let (x, y) = (self.heap[a], self.heap[b]);
        (self.keys[x as usize], x) < (self.keys[y as usize], y)
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.pos[self.heap[a] as usize] = a as u32;
        self.pos[self.heap[b] as usize] = b as u32;
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.less(i, parent) {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut m = i;
            if l < self.heap.len() && self.less(l, m) {
                m = l;
            }
            if r < self.heap.len() && self.less(r, m) {
                m = r;
            }
            if m == i {
                break;
            }
            self.swap(i, m);
            i = m;
        }
    }
}

/// Hands out the lowest free id of `0..capacity` (frames are filled in order, swap slots are
/// taken lowest first, which keeps runs easy to follow). Ids never used yet are not stored, so a
/// swap disk of 4 million slots costs nothing until it is used.
#[derive(Clone, Debug)]
pub struct LowestFree {
    released: BinaryHeap<Reverse<u32>>,
    next_fresh: u32,
    capacity: u32,
}

impl LowestFree {
    pub fn new(capacity: u32) -> Self {
        LowestFree { released: BinaryHeap::new(), next_fresh: 0, capacity }
    }

    pub fn take(&mut self) -> Option<u32> {
        if let Some(Reverse(id)) = self.released.pop() {
            Some(id)
        } else if self.next_fresh < self.capacity {
            self.next_fresh += 1;
            Some(self.next_fresh - 1)
        } else {
            None
        }
    }

    /// Returns `id` to the pool. It must have been taken and not released since.
    pub fn release(&mut self, id: u32) {
        self.released.push(Reverse(id));
    }

    pub fn free_count(&self) -> u32 {
        self.capacity - self.next_fresh + self.released.len() as u32
    }

    /// Ids ever handed out: everything at or above this is free.
    pub fn high_water(&self) -> u32 {
        self.next_fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexed_heap_orders_and_updates() {
        let mut h = IndexedMinHeap::new(5);
        h.set(0, 5);
        h.set(1, 3);
        h.set(2, 9);
        assert_eq!(h.peek(), Some(1));
        h.set(1, 10);
        assert_eq!(h.peek(), Some(0));
        h.remove(0);
        assert_eq!(h.peek(), Some(2));
        h.set(3, 9); // tie: lower id first
        assert_eq!(h.peek(), Some(2));
        h.remove(2);
        assert_eq!(h.peek(), Some(3));
        assert_eq!(h.len(), 2);
        assert!(!h.contains(2));
    }

    #[test]
    fn lowest_free_reuses_lowest_first() {
        let mut f = LowestFree::new(3);
        assert_eq!((f.take(), f.take()), (Some(0), Some(1)));
        f.release(0);
        assert_eq!(f.free_count(), 2);
        assert_eq!((f.take(), f.take(), f.take()), (Some(0), Some(2), None));
    }
}
