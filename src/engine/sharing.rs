//! Memory that several pages map (README, *Memory that processes share*): the reverse map of
//! frames and swap slots that more than one page maps, and the shared objects (executables,
//! shared-memory objects, files), which own their pages.
//!
//! A frame or slot records one mapping itself (its `owner` and `vpn`); only the mappings beyond
//! the first live in an [`Rmap`], so a machine where nothing is shared keeps it empty and its
//! access path never looks at it. A page of a shared-memory object that no process maps at the
//! moment (the mappings that covered it went, others of the object live on) is owned by the
//! object itself: its frame or slot names the object ([`object_owner`]) instead of a process.
//!
//! Both tables are persistent maps (`rpds`): a checkpoint of the machine shares them, and a change
//! after it copies one path of O(log n) nodes, never the whole table, so their cost follows what
//! is shared, whatever the length of the run.

use super::page_data::SharedData;
use super::page_table::NONE;
use rpds::{RedBlackTreeMap, RedBlackTreeSet, Vector};
use std::rc::Rc;

/// A mapping: which process maps a frame or slot, at which page.
pub type Mapping = (u32, u64);

/// Frame and slot owners with this bit set are shared objects, not processes: `OBJECT_OWNER | id`,
/// with the object's page number as the record's `vpn`. (Process ids stay far below it.)
pub const OBJECT_OWNER: u32 = 1 << 31;

/// The owner word of a frame or slot that object `id` holds with no process mapping it.
pub fn object_owner(id: u32) -> u32 {
    OBJECT_OWNER | id
}

/// The object holding a frame or slot whose owner word is `owner`, if it is an object.
#[inline]
pub fn owner_object(owner: u32) -> Option<u32> {
    (owner != NONE && owner & OBJECT_OWNER != 0).then_some(owner & !OBJECT_OWNER)
}

/// What one node of a persistent map costs, roughly (the entry, the node, its pointers): the
/// unit of budget and checkpoint accounting for the tables here.
pub const MAP_ENTRY_COST: u64 = 96;

/// Extra mappings of frames (or of swap slots), by frame (or slot) number.
#[derive(Clone, Debug, Default)]
pub struct Rmap {
    /// `(location, pid, vpn)` for every mapping beyond the one the location's record names.
    entries: RedBlackTreeSet<(u32, u32, u64)>,
    /// How many extra mappings each location has.
    counts: RedBlackTreeMap<u32, u32>,
    /// Changes since the last checkpoint: each copied a path of the trees.
    changes: usize,
}

impl Rmap {
    /// The mappings of `loc` beyond the one its record names, lowest process first.
    #[inline]
    pub fn others(&self, loc: u32) -> impl Iterator<Item = Mapping> + '_ {
        // (On an empty tree, as when nothing is shared, the range costs nothing.)
        self.entries.range((loc, 0, 0)..=(loc, u32::MAX, u64::MAX)).map(|&(_, pid, vpn)| (pid, vpn))
    }

    /// How many mappings `loc` has beyond the one its record names.
    #[inline]
    pub fn count(&self, loc: u32) -> u32 {
        if self.counts.is_empty() {
            return 0;
        }
        self.counts.get(&loc).copied().unwrap_or(0)
    }

    pub fn contains(&self, loc: u32, m: Mapping) -> bool {
        self.entries.contains(&(loc, m.0, m.1))
    }

    /// Locations with more than one mapping.
    pub fn locations(&self) -> impl Iterator<Item = u32> + '_ {
        self.counts.keys().copied()
    }

    /// How many locations have more than one mapping.
    pub fn len(&self) -> usize {
        self.counts.size()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Entries (extra mappings) held: what the budget counts.
    pub fn entry_count(&self) -> usize {
        self.entries.size()
    }

    /// What a checkpoint adds by keeping this table: the paths copied since the last one.
    pub fn take_changed_bytes(&mut self) -> usize {
        let depth = usize::BITS - self.entries.size().leading_zeros();
        std::mem::take(&mut self.changes) * (depth as usize + 1) * MAP_ENTRY_COST as usize
    }

    pub fn add(&mut self, loc: u32, m: Mapping) {
        if self.entries.contains(&(loc, m.0, m.1)) {
            return;
        }
        self.entries.insert_mut((loc, m.0, m.1));
        let n = self.count(loc);
        self.counts.insert_mut(loc, n + 1);
        self.changes += 1;
    }

    /// Removes mapping `m` of `loc` from the extras; false if it was not there.
    pub fn remove(&mut self, loc: u32, m: Mapping) -> bool {
        if !self.entries.remove_mut(&(loc, m.0, m.1)) {
            return false;
        }
        match self.count(loc) {
            1 => {
                self.counts.remove_mut(&loc);
            }
            n => self.counts.insert_mut(loc, n - 1),
        }
        self.changes += 1;
        true
    }

    /// Removes one extra mapping of `loc` (to become the one its record names), if any.
    pub fn pop(&mut self, loc: u32) -> Option<Mapping> {
        let m = self.others(loc).next()?;
        self.remove(loc, m);
        Some(m)
    }

    /// Takes every extra mapping of `loc` (they move with the page to another frame or slot).
    pub fn take(&mut self, loc: u32) -> Vec<Mapping> {
        let all: Vec<Mapping> = self.others(loc).collect();
        for &m in &all {
            self.remove(loc, m);
        }
        all
    }

    pub fn put(&mut self, loc: u32, others: Vec<Mapping>) {
        for m in others {
            self.add(loc, m);
        }
    }
}

/// What a shared object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    /// A program: its code pages are shared by every process running it.
    Exe,
    /// A shared-memory object (`shared=OBJ`): anonymous pages every mapper sees.
    Shm,
    /// A mapped file (`file=F`): pages read from the file and written back to it.
    File,
}

impl ObjectKind {
    /// The scenario's word for it: `exe=`, `shared=`, `file=`.
    pub fn word(self) -> &'static str {
        match self {
            ObjectKind::Exe => "exe",
            ObjectKind::Shm => "shared",
            ObjectKind::File => "file",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ObjectKind::Exe => "executable",
            ObjectKind::Shm => "shared memory",
            ObjectKind::File => "file",
        }
    }
}

/// Where one page of a shared object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectPage {
    Frame(u32),
    /// In a swap slot (shared memory only: code and file pages are re-read from their file).
    Slot(u32),
}

/// One shared object. Its fields are persistent maps, so a clone (what a change after a
/// checkpoint makes) costs a few pointers whatever its size.
#[derive(Clone, Debug)]
pub struct SharedObject {
    pub name: Rc<str>,
    pub kind: ObjectKind,
    /// Size in pages (executables: grows to the largest code region that runs it).
    pub pages: u64,
    /// Regions mapping it now, as (pid, first page). A shared-memory object whose last mapping
    /// goes is destroyed with its pages; executables and files stay (their bytes are the file's).
    pub mappings: RedBlackTreeSet<Mapping>,
    /// Where each of its pages is. The object owns them: every mapping of page `i`, whatever part
    /// of the object the mapping covers, resolves to this one frame or slot. A page of shared
    /// memory stays as long as the object lives, mapped or not; a page of an executable or a
    /// file stays in memory while some process maps it (the file keeps its bytes).
    pub located: RedBlackTreeMap<u64, ObjectPage>,
    /// Files: the bytes of pages written back (pages never written read as zero).
    contents: RedBlackTreeMap<u64, SharedData>,
    /// Shared memory destroyed (its name is free again).
    pub gone: bool,
    /// Pages it holds that no process maps now (their frames or slots name the object).
    pub held: u64,
}

impl SharedObject {
    /// The bytes of page `idx` of a file as last written back (`None`: zeros).
    pub fn contents(&self, idx: u64) -> SharedData {
        self.contents.get(&idx).cloned().flatten()
    }

    /// Has page `idx` been written back to the file (even as zeros)?
    pub fn has_contents(&self, idx: u64) -> bool {
        self.contents.contains_key(&idx)
    }

    /// Stores page `idx`'s bytes in the file; returns what the file held there before.
    pub fn store(&mut self, idx: u64, data: SharedData) -> SharedData {
        let old = self.contents(idx);
        self.contents.insert_mut(idx, data);
        old
    }

    /// Where page `idx` is, if anywhere.
    pub fn page(&self, idx: u64) -> Option<ObjectPage> {
        self.located.get(&idx).copied()
    }

    /// The frame holding page `idx`, or [`NONE`].
    pub fn frame_of(&self, idx: u64) -> u32 {
        match self.page(idx) {
            Some(ObjectPage::Frame(f)) => f,
            _ => NONE,
        }
    }
}

/// Every shared object ever created, by id (ids are never reused: events name objects by id),
/// with an index of the live ones by kind and name.
#[derive(Clone, Debug, Default)]
pub struct Objects {
    list: Vector<SharedObject>,
    live: RedBlackTreeMap<(ObjectKind, Rc<str>), u32>,
    /// Objects holding pages that no process maps.
    holding: RedBlackTreeSet<u32>,
    /// Changes since the last checkpoint.
    changes: usize,
}

impl Objects {
    /// Object `id`, if there is one.
    pub fn try_get(&self, id: u32) -> Option<&SharedObject> {
        self.list.get(id as usize)
    }

    pub fn get(&self, id: u32) -> &SharedObject {
        self.list.get(id as usize).expect("object ids come from Objects::create")
    }

    /// Object `id`, to change (a change after a checkpoint copies one path of the list).
    pub fn get_mut(&mut self, id: u32) -> &mut SharedObject {
        self.changes += 1;
        self.list.get_mut(id as usize).expect("object ids come from Objects::create")
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &SharedObject)> + '_ {
        self.list.iter().enumerate().map(|(i, o)| (i as u32, o))
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The live object of this kind and name. O(log objects).
    pub fn find(&self, kind: ObjectKind, name: &str) -> Option<u32> {
        self.live.get(&(kind, Rc::from(name))).copied()
    }

    /// The mapped files (files stay once opened), by name. O(log objects + files).
    pub fn files(&self) -> impl Iterator<Item = (u32, &SharedObject)> + '_ {
        // `File` is the last kind, so every key from (File, "") on is a file.
        self.live.range((ObjectKind::File, Rc::from(""))..).map(|(_, &id)| (id, self.get(id)))
    }

    pub fn create(&mut self, kind: ObjectKind, name: &str, pages: u64) -> u32 {
        let id = self.list.len() as u32;
        let name: Rc<str> = Rc::from(name);
        self.list.push_back_mut(SharedObject {
            name: name.clone(),
            kind,
            pages,
            mappings: RedBlackTreeSet::new(),
            located: RedBlackTreeMap::new(),
            contents: RedBlackTreeMap::new(),
            gone: false,
            held: 0,
        });
        self.live.insert_mut((kind, name), id);
        self.changes += 1;
        id
    }

    /// Destroys shared-memory object `id`: its name is free for a new object.
    pub fn destroy(&mut self, id: u32) {
        let o = self.get_mut(id);
        o.gone = true;
        o.held = 0;
        o.located = RedBlackTreeMap::new();
        let key = (o.kind, o.name.clone());
        self.live.remove_mut(&key);
        self.holding.remove_mut(&id);
    }

    /// Object `id` now holds one more page that no process maps (`+1`), or one fewer (`-1`).
    pub fn count_held(&mut self, id: u32, delta: i64) {
        let o = self.get_mut(id);
        o.held = o.held.checked_add_signed(delta).expect("an object holds a page it counted");
        if o.held == 0 {
            self.holding.remove_mut(&id);
        } else {
            self.holding.insert_mut(id);
        }
    }

    /// The objects holding pages that no process maps, by id.
    pub fn holding(&self) -> impl Iterator<Item = (u32, &SharedObject)> + '_ {
        self.holding.iter().map(|&id| (id, self.get(id)))
    }

    /// The frame holding page `idx` of object `id`, or [`NONE`].
    pub fn frame_of(&self, id: u32, idx: u64) -> u32 {
        self.get(id).frame_of(idx)
    }

    /// What a checkpoint adds by keeping the objects: the paths copied since the last one.
    pub fn take_changed_bytes(&mut self) -> usize {
        let depth = usize::BITS - self.list.len().leading_zeros();
        std::mem::take(&mut self.changes) * (depth as usize + 1) * MAP_ENTRY_COST as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reverse_map_keeps_extra_mappings_per_location() {
        let mut r = Rmap::default();
        assert!(r.is_empty());
        r.add(3, (1, 10));
        r.add(3, (0, 7));
        r.add(5, (2, 1));
        assert_eq!(r.others(3).collect::<Vec<_>>(), vec![(0, 7), (1, 10)]);
        assert_eq!((r.count(3), r.count(5), r.count(4), r.len()), (2, 1, 0, 2));
        let saved = r.clone();
        assert_eq!(r.pop(3), Some((0, 7)));
        assert!(r.remove(3, (1, 10)));
        assert!(!r.remove(3, (1, 10)));
        assert_eq!((r.len(), saved.len(), saved.count(3)), (1, 2, 2), "a clone keeps its state");
        assert_eq!(r.take(5), vec![(2, 1)]);
        assert!(r.is_empty());
    }

    #[test]
    fn objects_are_found_by_kind_and_name_until_destroyed() {
        let mut o = Objects::default();
        let a = o.create(ObjectKind::Shm, "buf", 2);
        let b = o.create(ObjectKind::File, "buf", 1);
        assert_eq!((o.find(ObjectKind::Shm, "buf"), o.find(ObjectKind::File, "buf")), (Some(a), Some(b)));
        o.get_mut(a).located.insert_mut(1, ObjectPage::Frame(4));
        assert_eq!(o.frame_of(a, 1), 4);
        o.destroy(a);
        assert_eq!(o.find(ObjectKind::Shm, "buf"), None);
        assert!(o.get(a).gone && o.get(a).located.is_empty());
        assert_eq!(owner_object(object_owner(a)), Some(a));
        assert_eq!((owner_object(7), owner_object(NONE)), (None, None));
    }
}
