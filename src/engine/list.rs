//! Intrusive doubly-linked lists over small integer ids (frames, TLB slots).
//!
//! One [`Links`] arena holds `prev`/`next` for every id; any number of [`List`] heads share it, with
//! each id in at most one list at a time. Push, unlink, move-to-back and splice are O(1) and
//! allocate only when an id beyond the highest seen so far joins, which keeps FIFO, LRU, NRU and
//! aging O(1) per access. The arena is a [`SnapVec`], so checkpoints share it.

use super::cow::{SnapVec, Snapshot};

pub const NIL: u32 = u32::MAX;

/// `prev` and `next` of every id, side by side so one cache line serves both. Grows to the
/// highest id used.
#[derive(Clone, Debug, Default)]
pub struct Links {
    nodes: SnapVec<Node>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Node {
    prev: u32,
    next: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct List {
    head: u32,
    tail: u32,
    len: u32,
}

impl Default for List {
    fn default() -> Self {
        List { head: NIL, tail: NIL, len: 0 }
    }
}

const UNLINKED: Node = Node { prev: NIL, next: NIL };

impl Links {
    pub fn new() -> Self {
        Links::default()
    }

    pub fn next(&self, id: u32) -> u32 {
        self.nodes.get(id as usize).map_or(NIL, |n| n.next)
    }

    /// Makes room for `id` (the arena grows to the highest id used). Call before `id` first joins
    /// a list; every other operation indexes directly.
    #[inline]
    pub fn ensure(&mut self, id: u32) {
        let i = id as usize;
        if i >= self.nodes.len() {
            self.nodes.resize(i + 1, UNLINKED);
        }
    }

    #[inline(always)]
    fn node(&mut self, id: u32) -> &mut Node {
        let i = id as usize;
        &mut self.nodes[i]
    }
}

impl Snapshot for Links {
    fn freeze(&mut self) -> (Self, usize) {
        let (nodes, bytes) = self.nodes.freeze();
        (Links { nodes }, bytes)
    }
    fn thaw(&self) -> Self {
        Links { nodes: self.nodes.thaw() }
    }
}

impl List {
    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The oldest element, or `None`.
    pub fn front(&self) -> Option<u32> {
        (self.head != NIL).then_some(self.head)
    }

    #[inline(always)]
    pub fn push_back(&mut self, links: &mut Links, id: u32) {
        *links.node(id) = Node { prev: self.tail, next: NIL };
        if self.tail == NIL {
            self.head = id;
        } else {
            links.node(self.tail).next = id;
        }
        self.tail = id;
        self.len += 1;
    }

    pub fn push_front(&mut self, links: &mut Links, id: u32) {
        *links.node(id) = Node { prev: NIL, next: self.head };
        if self.head == NIL {
            self.tail = id;
        } else {
            links.node(self.head).prev = id;
        }
        self.head = id;
        self.len += 1;
    }

    /// Removes `id`, which must be in this list.
    #[inline(always)]
    pub fn unlink(&mut self, links: &mut Links, id: u32) {
        let Node { prev, next } = std::mem::replace(links.node(id), Node { prev: NIL, next: NIL });
        if prev == NIL {
            self.head = next;
        } else {
            links.node(prev).next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            links.node(next).prev = prev;
        }
        self.len -= 1;
    }

    /// Moves the oldest element to the back (a TLB refill reuses its least recently used slot):
    /// [`List::move_to_back`] of the head, without the checks a middle element needs.
    #[inline]
    pub fn rotate(&mut self, links: &mut Links) {
        let id = self.head;
        if id == self.tail {
            return; // empty, or a single element
        }
        let next = std::mem::replace(links.node(id), Node { prev: self.tail, next: NIL }).next;
        links.node(next).prev = NIL;
        links.node(self.tail).next = id;
        self.head = next;
        self.tail = id;
    }

    #[inline(always)]
    pub fn move_to_back(&mut self, links: &mut Links, id: u32) {
        if self.tail != id {
            self.unlink(links, id);
            self.push_back(links, id);
        }
    }

    /// Appends all of `other` after this list's tail, leaving `other` empty.
    pub fn append(&mut self, links: &mut Links, other: &mut List) {
        if other.head == NIL {
            return;
        }
        if self.tail == NIL {
            *self = *other;
        } else {
            links.node(self.tail).next = other.head;
            links.node(other.head).prev = self.tail;
            self.tail = other.tail;
            self.len += other.len;
        }
        *other = List::default();
    }

    /// Ids from front to back (for display and tests, not the hot path).
    pub fn to_vec(&self, links: &Links) -> Vec<u32> {
        self.head_vec(links, usize::MAX)
    }

    /// The first `limit` ids from the front.
    pub fn head_vec(&self, links: &Links, limit: usize) -> Vec<u32> {
        let mut out = Vec::with_capacity((self.len as usize).min(limit));
        let mut id = self.head;
        while id != NIL && out.len() < limit {
            out.push(id);
            id = links.next(id);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_unlink_move_append() {
        let mut links = Links::new();
        links.ensure(5);
        let mut a = List::default();
        let mut b = List::default();
        for id in [0, 1, 2] {
            a.push_back(&mut links, id);
        }
        b.push_back(&mut links, 4);
        b.push_back(&mut links, 5);
        a.move_to_back(&mut links, 0);
        assert_eq!(a.to_vec(&links), vec![1, 2, 0]);
        a.unlink(&mut links, 2);
        assert_eq!(a.to_vec(&links), vec![1, 0]);
        a.append(&mut links, &mut b);
        assert_eq!(a.to_vec(&links), vec![1, 0, 4, 5]);
        assert_eq!(a.len(), 4);
        assert!(b.is_empty());
        let mut c = List::default();
        c.append(&mut links, &mut a);
        assert_eq!(c.to_vec(&links), vec![1, 0, 4, 5]);
        assert_eq!(c.front(), Some(1));
    }

    #[test]
    fn rotate_is_move_to_back_of_the_head() {
        let mut links = Links::new();
        links.ensure(3);
        let mut a = List::default();
        a.rotate(&mut links); // empty: nothing happens
        a.push_back(&mut links, 3);
        a.rotate(&mut links);
        assert_eq!(a.to_vec(&links), vec![3]);
        for id in [0, 1, 2] {
            a.push_back(&mut links, id);
        }
        let (mut b, mut links_b) = (a, links.clone());
        for _ in 0..5 {
            a.rotate(&mut links);
            b.move_to_back(&mut links_b, b.front().unwrap());
            assert_eq!(a.to_vec(&links), b.to_vec(&links_b));
            let back: Vec<u32> = {
                let mut v = a.to_vec(&links);
                v.reverse();
                v
            };
            let mut walk = vec![];
            let mut id = a.tail;
            while id != NIL {
                walk.push(id);
                id = links.nodes[id as usize].prev;
            }
            assert_eq!(walk, back, "prev links agree with next links");
        }
        assert_eq!(a.to_vec(&links), vec![0, 1, 2, 3]); // [3, 0, 1, 2] turned five times
        assert_eq!(a.len(), 4);
    }
}
