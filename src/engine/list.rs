//! Intrusive doubly-linked lists over small integer ids (frames, TLB slots).
//!
//! One [`Links`] arena holds `prev`/`next` for every id; any number of [`List`] heads share it, with
//! each id in at most one list at a time. Push, unlink, move-to-back and splice are O(1) and never
//! allocate, which keeps FIFO, LRU, NRU and aging O(1) per access.

pub const NIL: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub struct Links {
    prev: Vec<u32>,
    next: Vec<u32>,
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

impl Links {
    pub fn new(n: usize) -> Self {
        Links { prev: vec![NIL; n], next: vec![NIL; n] }
    }

    pub fn next(&self, id: u32) -> u32 {
        self.next[id as usize]
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

    pub fn push_back(&mut self, links: &mut Links, id: u32) {
        links.prev[id as usize] = self.tail;
        links.next[id as usize] = NIL;
        if self.tail == NIL {
            self.head = id;
        } else {
            links.next[self.tail as usize] = id;
        }
        self.tail = id;
        self.len += 1;
    }

    pub fn push_front(&mut self, links: &mut Links, id: u32) {
        links.next[id as usize] = self.head;
        links.prev[id as usize] = NIL;
        if self.head == NIL {
            self.tail = id;
        } else {
            links.prev[self.head as usize] = id;
        }
        self.head = id;
        self.len += 1;
    }

    /// Removes `id`, which must be in this list.
    pub fn unlink(&mut self, links: &mut Links, id: u32) {
        let (p, n) = (links.prev[id as usize], links.next[id as usize]);
        if p == NIL {
            self.head = n;
        } else {
            links.next[p as usize] = n;
        }
        if n == NIL {
            self.tail = p;
        } else {
            links.prev[n as usize] = p;
        }
        links.prev[id as usize] = NIL;
        links.next[id as usize] = NIL;
        self.len -= 1;
    }

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
            links.next[self.tail as usize] = other.head;
            links.prev[other.head as usize] = self.tail;
            self.tail = other.tail;
            self.len += other.len;
        }
        *other = List::default();
    }

    /// Ids from front to back (for display and tests, not the hot path).
    pub fn to_vec(&self, links: &Links) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.len as usize);
        let mut id = self.head;
        while id != NIL {
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
        let mut links = Links::new(6);
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
}
