//! Memory that several pages map (SPEC §1.1): the reverse map of frames and swap slots that more
//! than one page maps, and the shared objects (executables, shared-memory objects, files).
//!
//! A frame or slot records one mapping itself (its `owner` and `vpn`); only the mappings beyond
//! the first live here, so a machine where nothing is shared keeps these tables empty and its
//! access path never looks at them. Both tables sit behind reference counts: a checkpoint of the
//! machine shares them and the first change after it copies them (they hold only what is shared).

use super::page_data::SharedData;
use super::page_table::NONE;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// A mapping: which process maps a frame or slot, at which page.
pub type Mapping = (u32, u64);

/// Extra mappings of frames (or of swap slots), by frame (or slot) number.
///
/// Stored as an index (location → list number) into a slab of lists: the index has the type the
/// sparse page tables already use, so the page's WebAssembly module carries one hash map's code
/// for both (the module has a size budget).
#[derive(Clone, Debug, Default)]
pub struct Rmap(Rc<RmapLists>);

#[derive(Clone, Debug, Default)]
struct RmapLists {
    index: FxHashMap<u64, u32>,
    lists: Vec<Vec<Mapping>>,
    /// Lists not in use, for reuse.
    free: Vec<u32>,
}

impl Rmap {
    /// The mappings of `loc` beyond the one its record names.
    #[inline]
    pub fn others(&self, loc: u32) -> &[Mapping] {
        if self.0.index.is_empty() {
            return &[]; // nothing shared: no hashing on the fault path
        }
        self.0.index.get(&(loc as u64)).map_or(&[], |&i| self.0.lists[i as usize].as_slice())
    }

    /// Locations with more than one mapping.
    pub fn shared(&self) -> impl Iterator<Item = (u32, &[Mapping])> + '_ {
        self.0.index.iter().map(|(&loc, &i)| (loc as u32, self.0.lists[i as usize].as_slice()))
    }

    pub fn len(&self) -> usize {
        self.0.index.len()
    }

    /// What a checkpoint adds by keeping this table: nothing if it is the previous checkpoint's
    /// (unchanged since, so still shared), else its size (it was copied when it changed).
    pub fn unshared_bytes(&self) -> usize {
        if Rc::strong_count(&self.0) > 1 {
            return 0;
        }
        // Per location: its index entry, its list and a few mappings (estimated, not walked).
        self.0.index.capacity() * 16 + self.0.lists.capacity() * 64
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.0.index.is_empty()
    }

    pub fn add(&mut self, loc: u32, m: Mapping) {
        let r = Rc::make_mut(&mut self.0);
        match r.index.get(&(loc as u64)) {
            Some(&i) => r.lists[i as usize].push(m),
            None => {
                let i = match r.free.pop() {
                    Some(i) => i,
                    None => {
                        r.lists.push(Vec::new());
                        (r.lists.len() - 1) as u32
                    }
                };
                r.lists[i as usize].push(m);
                r.index.insert(loc as u64, i);
            }
        }
    }

    /// Removes mapping `m` of `loc` from the extras; false if it was not there.
    pub fn remove(&mut self, loc: u32, m: Mapping) -> bool {
        if !self.others(loc).contains(&m) {
            return false;
        }
        let r = Rc::make_mut(&mut self.0);
        let i = r.index[&(loc as u64)];
        let list = &mut r.lists[i as usize];
        let at = list.iter().position(|&x| x == m).expect("checked above");
        list.swap_remove(at);
        if list.is_empty() {
            r.index.remove(&(loc as u64));
            r.free.push(i);
        }
        true
    }

    /// Removes one extra mapping of `loc` (to become the one its record names), if any.
    pub fn pop(&mut self, loc: u32) -> Option<Mapping> {
        let m = *self.others(loc).last()?;
        self.remove(loc, m);
        Some(m)
    }

    /// Takes every extra mapping of `loc` (they move with the page to another frame or slot).
    pub fn take(&mut self, loc: u32) -> Vec<Mapping> {
        if self.others(loc).is_empty() {
            return Vec::new();
        }
        let r = Rc::make_mut(&mut self.0);
        let i = r.index.remove(&(loc as u64)).expect("checked above");
        r.free.push(i);
        std::mem::take(&mut r.lists[i as usize])
    }

    pub fn put(&mut self, loc: u32, others: Vec<Mapping>) {
        for m in others {
            self.add(loc, m);
        }
    }
}

/// What a shared object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// One shared object.
#[derive(Clone, Debug)]
pub struct SharedObject {
    pub name: String,
    pub kind: ObjectKind,
    /// Size in pages (executables: grows to the largest code region that runs it).
    pub pages: u64,
    /// Regions mapping it now, as (pid, first page). A shared-memory object whose last mapping
    /// goes is destroyed; executables and files stay.
    pub mappings: Vec<Mapping>,
    /// Executables and files: which of their pages are in memory, in which frame (the first
    /// process to touch a page reads it; the others map that frame).
    pub resident: FxHashMap<u64, u32>,
    /// Files: the bytes of pages written back (pages never written read as zero), as an index
    /// into `stored` (the same map type as `resident`: one hash map's code in the module).
    contents: FxHashMap<u64, u32>,
    stored: Vec<SharedData>,
    /// Shared memory destroyed (its name is free again).
    pub gone: bool,
}

impl SharedObject {
    /// The bytes of page `idx` of a file as last written back (`None`: zeros).
    pub fn contents(&self, idx: u64) -> SharedData {
        self.contents.get(&idx).and_then(|&i| self.stored[i as usize].clone())
    }

    /// Stores page `idx`'s bytes in the file; returns what the file held there before.
    pub fn store(&mut self, idx: u64, data: SharedData) -> SharedData {
        match self.contents.get(&idx) {
            Some(&i) => std::mem::replace(&mut self.stored[i as usize], data),
            None => {
                self.stored.push(data);
                self.contents.insert(idx, (self.stored.len() - 1) as u32);
                None
            }
        }
    }
}

/// Every shared object ever created, by id (ids are never reused).
#[derive(Clone, Debug, Default)]
pub struct Objects(Rc<Vec<SharedObject>>);

impl Objects {
    pub fn get(&self, id: u32) -> &SharedObject {
        &self.0[id as usize]
    }

    pub fn get_mut(&mut self, id: u32) -> &mut SharedObject {
        &mut Rc::make_mut(&mut self.0)[id as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &SharedObject)> + '_ {
        self.0.iter().enumerate().map(|(i, o)| (i as u32, o))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The live object of this kind and name.
    pub fn find(&self, kind: ObjectKind, name: &str) -> Option<u32> {
        self.0.iter().position(|o| o.kind == kind && !o.gone && o.name == name).map(|i| i as u32)
    }

    pub fn create(&mut self, kind: ObjectKind, name: &str, pages: u64) -> u32 {
        let v = Rc::make_mut(&mut self.0);
        v.push(SharedObject {
            name: name.to_string(),
            kind,
            pages,
            mappings: Vec::new(),
            resident: FxHashMap::default(),
            contents: FxHashMap::default(),
            stored: Vec::new(),
            gone: false,
        });
        (v.len() - 1) as u32
    }

    /// The frame holding page `idx` of an executable or file, or [`NONE`].
    pub fn resident_frame(&self, id: u32, idx: u64) -> u32 {
        self.get(id).resident.get(&idx).copied().unwrap_or(NONE)
    }
}
