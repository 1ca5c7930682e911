//! A sparse multi-level page table, one per process.
//!
//! The virtual page number is split into one index per level, top level first (see
//! [`Config::level_bits`]). A table is created only when a page under it is first touched, so a
//! 48-bit space with a few pages costs a few tables.
//!
//! Storage: all tables of one level live in one arena, table `t` at `[t << bits, (t + 1) << bits)`,
//! so a walk is one indexed load per level, with no pointer chasing through boxes. Levels of up to
//! 2^12 entries are such plain arrays, like hardware tables; a wider level (a 1-level table over a
//! 36-bit page number, say) is a hash map keyed by (table, index), so no configuration can ask
//! for gigabytes of empty entries. Arenas and maps are copy-on-write ([`SnapVec`], [`CowMap`]), so
//! a checkpoint of the machine shares them.
//!
//! With `tables=ram` (README, *Page tables in frames*) every table also records the frame it
//! occupies and how many entries it holds; a table whose last entry goes is unlinked from the
//! table above, its number kept for reuse and its frame handed back to the machine
//! ([`PageTable::take_freed_frames`]). With `tables=free` tables are never freed.

use super::config::Config;
use super::cow::{CowMap, SnapVec, Snapshot};
use super::types::Perms;
use crate::limits::MAX_LEVELS;
use std::cell::Cell;

/// Entries in the walk cache (see [`PageTable`]).
const WALK_CACHE: usize = 64;

/// "No frame / slot / TLB entry".
pub const NONE: u32 = u32::MAX;

/// Widest level kept as a dense array (4096 entries).
const DENSE_MAX_BITS: u32 = 12;

/// What one entry of a hash-map level costs (key, value, control byte, spare capacity).
const SPARSE_ENTRY_BYTES: u64 = 40;

/// Marks an absent child table in a dense arena (table 0 of every level exists, so 0 is a valid child).
const ABSENT: u32 = u32::MAX;
/// Not a table in the range (see [`PageTable::prefixes`]).
const NO_PREFIX: u64 = u64::MAX;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PteState {
    /// Never loaded, or a code page dropped from memory (re-read from the executable on a fault).
    #[default]
    Empty,
    /// In frame `loc`.
    Resident,
    /// In swap slot `loc`.
    Swapped,
}

/// A TLB slot number in two bytes (a TLB has at most 4,096 entries): it keeps a page-table entry
/// at 16 bytes beside the sharing flags (measured: 20-byte entries cost 5–10% of replay speed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TlbSlot(u16);

impl TlbSlot {
    pub const NONE: TlbSlot = TlbSlot(u16::MAX);

    /// The slot number, or [`NONE`].
    #[inline(always)]
    pub fn get(self) -> u32 {
        if self.0 == u16::MAX {
            NONE
        } else {
            self.0 as u32
        }
    }
}

impl From<u32> for TlbSlot {
    #[inline(always)]
    fn from(slot: u32) -> TlbSlot {
        TlbSlot(if slot == NONE { u16::MAX } else { slot as u16 })
    }
}

/// What a page of a region holds, and so where it comes from on a fault and goes on eviction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backing {
    /// Private anonymous memory: zero-filled on first touch, swapped out when evicted.
    #[default]
    Private,
    /// Program code: read from the executable, dropped when evicted (never written).
    Code,
    /// A page of a mapped file: read from the file, written back to it, never swapped.
    File,
    /// A page of a shared-memory object: anonymous, owned by the object, swapped once for all
    /// its mappers.
    Shm,
}

/// A page-table entry. `valid` means the entry exists: the page has been touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pte {
    pub valid: bool,
    pub state: PteState,
    pub perms: Perms,
    /// What the page holds: private memory, code, a file's or a shared-memory object's page.
    pub backing: Backing,
    /// Copy-on-write (after a fork): the frame or slot may be shared, so a write copies it first.
    pub cow: bool,
    /// Frame (resident) or swap slot (swapped).
    pub loc: u32,
    /// While resident: a swap slot still holding an identical copy, so a clean eviction is free.
    pub swap_copy: u32,
    /// TLB slot that may hold this translation (checked against the slot's tag on use).
    pub tlb_slot: TlbSlot,
    /// One page of a huge page (README, *Huge pages*): mapped, cached in the TLB and freed with
    /// the others of its huge page, never evicted.
    pub huge: bool,
}

// An entry stays at 16 bytes: 20-byte entries cost 5–10% of replay speed (measured).
const _: () = assert!(std::mem::size_of::<Pte>() == 16);

impl Pte {
    #[inline(always)]
    pub fn code(&self) -> bool {
        self.backing == Backing::Code
    }

    #[inline(always)]
    pub fn file(&self) -> bool {
        self.backing == Backing::File
    }

    #[inline(always)]
    pub fn shm(&self) -> bool {
        self.backing == Backing::Shm
    }
}

impl Default for Pte {
    fn default() -> Self {
        Pte {
            valid: false,
            state: PteState::Empty,
            perms: Perms::default(),
            backing: Backing::Private,
            cow: false,
            loc: NONE,
            swap_copy: NONE,
            tlb_slot: TlbSlot::NONE,
            huge: false,
        }
    }
}

/// The tables of one inner level: child table numbers of the next level.
#[derive(Clone, Debug)]
enum Inner {
    Dense(SnapVec<u32>),
    Sparse(CowMap<u32>),
}

/// One inner level: where its index sits in the page number, and its tables.
#[derive(Clone, Debug)]
struct Level {
    shift: u32,
    bits: u32,
    mask: u64,
    tables: Inner,
}

impl Level {
    /// Child table number at (`table`, index of `vpn`), or [`ABSENT`].
    #[inline(always)]
    fn child(&self, table: u64, vpn: u64) -> (u64, u32) {
        let at = (table << self.bits) | ((vpn >> self.shift) & self.mask);
        let child = match &self.tables {
            Inner::Dense(v) => v.get(at as usize).copied().unwrap_or(ABSENT),
            Inner::Sparse(m) => m.get(&at).copied().unwrap_or(ABSENT),
        };
        (at, child)
    }
}

/// The tables of the last level: the entries themselves.
#[derive(Clone, Debug)]
enum Leaves {
    Dense(SnapVec<Pte>),
    Sparse(CowMap<Pte>),
}

/// What `tables=ram` keeps per table: the frame it occupies, and its entries in use (valid
/// entries of a last-level table; child tables of an inner one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TableMeta {
    frame: u32,
    live: u32,
}

/// One page table as the picture and the exercises see it (`tables=ram`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableInfo {
    /// 0 = the top-level table.
    pub level: u32,
    /// The table's number within its level (what [`PageTable::entry_targets`] takes).
    pub table: u64,
    /// The first page the table's entries cover.
    pub first_vpn: u64,
    pub frame: u32,
    /// The frame of the table whose entry points here (`NONE` for the top-level table).
    pub parent_frame: u32,
    /// Entries in use.
    pub entries: u32,
}

/// A process's page table (see the module comment for its layout).
#[derive(Clone, Debug)]
pub struct PageTable {
    /// Levels 0 … levels-2.
    inner: Vec<Level>,
    leaves: Leaves,
    /// Tables allocated per level (the root counts as one table of level 0).
    tables: [u32; MAX_LEVELS as usize],
    bits: [u32; MAX_LEVELS as usize],
    shift: [u32; MAX_LEVELS as usize],
    mask: [u64; MAX_LEVELS as usize],
    levels: usize,
    leaf_bits: u32,
    leaf_mask: u64,
    valid_entries: u64,
    /// Bytes of all tables (counted as they are created; see [`PageTable::heap_bytes`]).
    bytes: u64,
    /// Which leaf table holds the entries of `vpn >> leaf_bits`, for recent prefixes: a speed-up
    /// of the simulator itself (like a CPU's paging-structure cache), invisible to the model.
    /// Tables are never freed, so an entry never goes stale.
    walk_cache: [Cell<(u64, u32)>; WALK_CACHE],
    /// `tables=ram`: tables occupy frames and are freed with their last entry.
    in_ram: bool,
    /// Per level, per table (`tables=ram` only).
    meta: Vec<SnapVec<TableMeta>>,
    /// Per level, numbers of freed tables, reused before the arena grows (`tables=ram`).
    spare: Vec<Vec<u32>>,
    /// Frames of tables freed since the machine last asked (`tables=ram`).
    freed: Vec<u32>,
}

impl PageTable {
    pub fn new(config: &Config) -> Self {
        let level_bits = config.level_bits();
        let levels = level_bits.len();
        let mut bits = [0u32; MAX_LEVELS as usize];
        let mut shift = [0u32; MAX_LEVELS as usize];
        let mut mask = [0u64; MAX_LEVELS as usize];
        let mut below = 0;
        for lvl in (0..levels).rev() {
            bits[lvl] = level_bits[lvl];
            shift[lvl] = below;
            mask[lvl] = (1u64 << level_bits[lvl]) - 1;
            below += level_bits[lvl];
        }
        let dense = |l: usize| bits[l] <= DENSE_MAX_BITS;
        let inner = (0..levels - 1)
            .map(|l| Level {
                shift: shift[l],
                bits: bits[l],
                mask: mask[l],
                tables: if dense(l) { Inner::Dense(SnapVec::default()) } else { Inner::Sparse(CowMap::default()) },
            })
            .collect();
        let leaves =
            if dense(levels - 1) { Leaves::Dense(SnapVec::default()) } else { Leaves::Sparse(CowMap::default()) };
        let (leaf_bits, leaf_mask) = (bits[levels - 1], mask[levels - 1]);
        let mut table = PageTable {
            inner,
            leaves,
            tables: [0; MAX_LEVELS as usize],
            bits,
            shift,
            mask,
            levels,
            leaf_bits,
            leaf_mask,
            valid_entries: 0,
            bytes: 0,
            walk_cache: empty_walk_cache(),
            in_ram: config.tables_in_ram,
            meta: if config.tables_in_ram { (0..levels).map(|_| SnapVec::default()).collect() } else { Vec::new() },
            spare: if config.tables_in_ram { vec![Vec::new(); levels] } else { Vec::new() },
            freed: Vec::new(),
        };
        table.new_table(0);
        table
    }

    /// An empty table of `level` (with `tables=ram`, a freed one if any), and its number.
    fn new_table(&mut self, level: usize) -> u32 {
        if self.in_ram {
            let fresh = TableMeta { frame: NONE, live: 0 };
            if let Some(t) = self.spare[level].pop() {
                self.meta[level][t as usize] = fresh;
                return t;
            }
            self.meta[level].push(fresh);
        }
        // (Only dense levels, of at most 2^12 entries, are allocated whole: a wider level's width
        // would not fit a 32-bit usize.)
        let n = || 1usize << self.bits[level];
        let t = self.tables[level];
        self.tables[level] += 1;
        if level + 1 == self.levels {
            if let Leaves::Dense(v) = &mut self.leaves {
                let (len, n) = (v.len(), n());
                v.resize(len + n, Pte::default());
                self.bytes += (n * std::mem::size_of::<Pte>()) as u64;
            }
        } else if let Inner::Dense(v) = &mut self.inner[level].tables {
            let (len, n) = (v.len(), n());
            v.resize(len + n, ABSENT);
            self.bytes += (n * std::mem::size_of::<u32>()) as u64;
        }
        t
    }

    /// The per-level indices of `vpn`, top level first (what the MMU uses to walk).
    pub fn indices(&self, vpn: u64) -> Vec<u64> {
        (0..self.levels).map(|l| (vpn >> self.shift[l]) & self.mask[l]).collect()
    }

    /// Position of `vpn`'s entry in the leaf arena (or its sparse key), if its tables exist.
    #[inline(always)]
    fn leaf_slot(&self, vpn: u64) -> Option<u64> {
        let prefix = vpn >> self.leaf_bits;
        let cached = &self.walk_cache[prefix as usize % WALK_CACHE];
        let (cached_prefix, cached_table) = cached.get();
        let table = if cached_prefix == prefix {
            cached_table as u64
        } else {
            let mut table = 0u64;
            for level in &self.inner {
                let (_, child) = level.child(table, vpn);
                if child == ABSENT {
                    return None;
                }
                table = child as u64;
            }
            cached.set((prefix, table as u32));
            table
        };
        Some((table << self.leaf_bits) | (vpn & self.leaf_mask))
    }

    /// The table each inner level's entry on the walk to `vpn` points at (`None` past the first
    /// empty entry): one per level above the last.
    pub fn walk_tables(&self, vpn: u64) -> Vec<Option<u32>> {
        let mut table = Some(0u64);
        self.inner
            .iter()
            .map(|level| {
                let child = table.map(|t| level.child(t, vpn).1).filter(|&c| c != ABSENT);
                table = child.map(u64::from);
                child
            })
            .collect()
    }

    /// How many tables exist on the walk to `vpn`, the root included (1 … levels): what an MMU
    /// finds before it either reaches the entry or meets an empty slot.
    pub fn tables_on_walk(&self, vpn: u64) -> usize {
        let mut table = 0u64;
        for (i, level) in self.inner.iter().enumerate() {
            let (_, child) = level.child(table, vpn);
            if child == ABSENT {
                return i + 1;
            }
            table = child as u64;
        }
        self.levels
    }

    /// The entry for `vpn` if it exists. O(levels), no allocation.
    #[inline(always)]
    pub fn get(&self, vpn: u64) -> Option<&Pte> {
        let at = self.leaf_slot(vpn)?;
        let pte = match &self.leaves {
            Leaves::Dense(v) => v.get(at as usize)?,
            Leaves::Sparse(m) => m.get(&at)?,
        };
        pte.valid.then_some(pte)
    }

    #[inline(always)]
    pub fn get_mut(&mut self, vpn: u64) -> Option<&mut Pte> {
        let at = self.leaf_slot(vpn)?;
        let pte = match &mut self.leaves {
            Leaves::Dense(v) => v.get_mut(at as usize)?,
            Leaves::Sparse(m) => m.get_mut(&at)?,
        };
        pte.valid.then_some(pte)
    }

    /// Creates the entry for `vpn` (and any missing tables on the way) and returns it. Inlined
    /// into the fault path (it has other callers since sharing).
    #[inline(always)]
    pub fn insert(&mut self, vpn: u64, pte: Pte) -> &mut Pte {
        let table = self.ensure_path(vpn);
        let last = self.levels - 1;
        let at = (table << self.bits[last]) | (vpn & self.mask[last]);
        let slot = match &mut self.leaves {
            Leaves::Dense(v) => &mut v[at as usize],
            Leaves::Sparse(m) => {
                if m.get(&at).is_none() {
                    self.bytes += SPARSE_ENTRY_BYTES;
                }
                m.entry_or_insert_with(at, Pte::default)
            }
        };
        let new_entry = !slot.valid;
        *slot = Pte { valid: true, ..pte };
        if new_entry {
            self.valid_entries += 1;
            if self.in_ram {
                self.meta[last][table as usize].live += 1;
            }
        }
        self.entry_at(at).expect("just inserted")
    }

    /// The entry at leaf position `at` (a dense arena index or a sparse key).
    fn entry_at(&mut self, at: u64) -> Option<&mut Pte> {
        match &mut self.leaves {
            Leaves::Dense(v) => v.get_mut(at as usize),
            Leaves::Sparse(m) => m.get_mut(&at),
        }
    }

    /// The last-level table on the walk to `vpn`, creating missing tables on the way (with
    /// `tables=ram` the machine has made them already: [`PageTable::add_table`]).
    #[inline(always)]
    fn ensure_path(&mut self, vpn: u64) -> u64 {
        let mut table = 0u64;
        for lvl in 0..self.levels - 1 {
            let (at, existing) = self.inner[lvl].child(table, vpn);
            let child = if existing != ABSENT { existing } else { self.new_child(lvl, table, at, NONE) };
            table = child as u64;
        }
        table
    }

    /// A new table of level `lvl + 1`, linked at position `at` of table `table` of level `lvl`,
    /// in frame `f` (`tables=ram`; `NONE`: in no frame). Returns its number.
    fn new_child(&mut self, lvl: usize, table: u64, at: u64, f: u32) -> u32 {
        let child = self.new_table(lvl + 1);
        match &mut self.inner[lvl].tables {
            Inner::Dense(v) => v[at as usize] = child,
            Inner::Sparse(m) => {
                m.insert(at, child);
                self.bytes += SPARSE_ENTRY_BYTES;
            }
        }
        if self.in_ram {
            self.meta[lvl][table as usize].live += 1;
            self.meta[lvl + 1][child as usize].frame = f;
        }
        child
    }

    /// Tables the walk to `vpn` lacks: what a first touch of it must create.
    pub fn missing_tables(&self, vpn: u64) -> usize {
        self.levels - self.tables_on_walk(vpn)
    }

    /// `tables=ram`: creates the first table missing on the walk to `vpn`, in frame `f`.
    pub fn add_table(&mut self, vpn: u64, f: u32) {
        let mut table = 0u64;
        for lvl in 0..self.levels - 1 {
            let (at, child) = self.inner[lvl].child(table, vpn);
            if child != ABSENT {
                table = child as u64;
                continue;
            }
            self.new_child(lvl, table, at, f);
            return;
        }
    }

    /// The first page a table of `level` on the walk to `vpn` covers.
    pub fn first_vpn_at(&self, level: u32, vpn: u64) -> u64 {
        let l = level as usize;
        let covered = self.shift[l] + self.bits[l];
        if covered >= 64 {
            0
        } else {
            vpn & !((1u64 << covered) - 1)
        }
    }

    /// `tables=ram`: the top-level table occupies frame `f`.
    pub fn set_root_frame(&mut self, f: u32) {
        if self.in_ram {
            self.meta[0][0].frame = f;
        }
    }

    /// `tables=ram`: frames of the tables freed since the last call (their last entry went).
    pub fn take_freed_frames(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.freed)
    }

    /// `tables=ram`: every table's frame, the top-level table's included.
    pub fn all_table_frames(&self) -> Vec<u32> {
        self.tables().iter().map(|t| t.frame).filter(|&f| f != NONE).collect()
    }

    /// The frames of the tables on the walk to `vpn`, top first, up to the first one missing
    /// (`tables=ram`; empty otherwise).
    pub fn walk_frames(&self, vpn: u64) -> Vec<u32> {
        if !self.in_ram {
            return Vec::new();
        }
        let mut out = vec![self.meta[0][0].frame];
        for (lvl, t) in self.walk_tables(vpn).into_iter().enumerate() {
            match t {
                Some(t) => out.push(self.meta[lvl + 1][t as usize].frame),
                None => break,
            }
        }
        out
    }

    /// `tables=ram`: every table that exists, top level first.
    pub fn tables(&self) -> Vec<TableInfo> {
        if !self.in_ram {
            return Vec::new();
        }
        let root = TableInfo {
            level: 0,
            table: 0,
            first_vpn: 0,
            frame: self.meta[0][0].frame,
            parent_frame: NONE,
            entries: self.meta[0][0].live,
        };
        let mut out = vec![root];
        let mut level_tables = vec![root];
        for (lvl, inner) in self.inner.iter().enumerate() {
            let mut next = Vec::new();
            for parent in &level_tables {
                self.for_each_child(inner, parent.table, &mut |idx, child| {
                    let meta = self.meta[lvl + 1][child as usize];
                    next.push(TableInfo {
                        level: lvl as u32 + 1,
                        table: child as u64,
                        first_vpn: parent.first_vpn | (idx << inner.shift),
                        frame: meta.frame,
                        parent_frame: parent.frame,
                        entries: meta.live,
                    });
                });
            }
            out.extend_from_slice(&next);
            level_tables = next;
        }
        out
    }

    /// Calls `f(index, child)` for each child of inner table `table`.
    fn for_each_child(&self, inner: &Level, table: u64, f: &mut dyn FnMut(u64, u32)) {
        match &inner.tables {
            Inner::Dense(v) => {
                for idx in 0..1u64 << inner.bits {
                    let child = v[((table << inner.bits) | idx) as usize];
                    if child != ABSENT {
                        f(idx, child);
                    }
                }
            }
            Inner::Sparse(m) => {
                let mut found: Vec<(u64, u32)> = m
                    .iter()
                    .filter(|(&at, _)| at >> inner.bits == table)
                    .map(|(&at, &child)| (at & inner.mask, child))
                    .collect();
                found.sort_unstable();
                for (idx, child) in found {
                    f(idx, child);
                }
            }
        }
    }

    /// What each entry of table `table` of `level` points at, as the hardware reads it: the
    /// frame of the next table, or at the last level the page's frame (`None`: not present).
    /// `tables=ram` and dense levels only (the exercises' small machines); `None` otherwise.
    pub fn entry_targets(&self, level: u32, table: u64) -> Option<Vec<Option<u32>>> {
        let level = level as usize;
        if !self.in_ram || level >= self.levels || self.bits[level] > DENSE_MAX_BITS {
            return None;
        }
        let n = 1u64 << self.bits[level];
        let base = table << self.bits[level];
        if level + 1 == self.levels {
            let Leaves::Dense(v) = &self.leaves else { return None };
            return Some(
                (0..n)
                    .map(|i| {
                        let pte = v[(base + i) as usize];
                        (pte.valid && pte.state == PteState::Resident).then_some(pte.loc)
                    })
                    .collect(),
            );
        }
        let Inner::Dense(v) = &self.inner[level].tables else { return None };
        Some(
            (0..n)
                .map(|i| {
                    let child = v[(base + i) as usize];
                    (child != ABSENT).then(|| self.meta[level + 1][child as usize].frame)
                })
                .collect(),
        )
    }

    /// `tables=ram`: frees the tables on the walk to `vpn` left empty (after its entry went, or
    /// after a fault that made tables for it failed), bottom up, never the top-level table.
    /// Their frames wait in [`PageTable::take_freed_frames`].
    pub fn free_empty_tables(&mut self, vpn: u64) {
        if !self.in_ram {
            return;
        }
        let mut path = vec![0u64];
        path.extend(self.walk_tables(vpn).into_iter().map_while(|t| t.map(u64::from)));
        for lvl in (1..path.len()).rev() {
            let table = path[lvl];
            if self.meta[lvl][table as usize].live > 0 {
                return;
            }
            let parent = path[lvl - 1];
            let (at, _) = self.inner[lvl - 1].child(parent, vpn);
            match &mut self.inner[lvl - 1].tables {
                Inner::Dense(v) => v[at as usize] = ABSENT,
                Inner::Sparse(m) => {
                    m.remove(&at);
                    self.bytes -= SPARSE_ENTRY_BYTES;
                }
            }
            let frame = self.meta[lvl][table as usize].frame;
            if frame != NONE {
                self.freed.push(frame); // (a huge page's last-level table has none)
            }
            self.meta[lvl][table as usize].frame = NONE;
            self.spare[lvl].push(table as u32);
            self.meta[lvl - 1][parent as usize].live -= 1;
            // A table number may now stand for another prefix.
            self.walk_cache = empty_walk_cache();
        }
    }

    /// Removes the entry for `vpn`, returning what it held.
    pub fn remove(&mut self, vpn: u64) -> Option<Pte> {
        let at = self.leaf_slot(vpn)?;
        let old = match &mut self.leaves {
            Leaves::Dense(v) => std::mem::take(v.get_mut(at as usize)?),
            Leaves::Sparse(m) => {
                let old = m.remove(&at)?;
                self.bytes -= SPARSE_ENTRY_BYTES;
                old
            }
        };
        if !old.valid {
            return None;
        }
        self.valid_entries -= 1;
        if self.in_ram {
            let leaf = at >> self.leaf_bits;
            self.meta[self.levels - 1][leaf as usize].live -= 1;
            self.free_empty_tables(vpn);
        }
        Some(old)
    }

    /// Page numbers of all entries in `lo..hi`, ascending.
    pub fn valid_in_range(&self, lo: u64, hi: u64) -> Vec<u64> {
        let mut out = Vec::new();
        self.for_each_valid(lo, hi, &mut |vpn, _| out.push(vpn));
        out.sort_unstable();
        out
    }

    /// Calls `f(vpn, entry)` for every entry in `lo..hi`, in no particular order. Costs what is
    /// mapped, not the size of the range. (`dyn`: one copy of the walk in the module.)
    pub fn for_each_valid(&self, lo: u64, hi: u64, f: &mut dyn FnMut(u64, &Pte)) {
        if lo >= hi {
            return;
        }
        let tables = self.leaf_tables(lo, hi);
        let mut visit = |vpn: u64, pte: &Pte| {
            if pte.valid && vpn >= lo && vpn < hi {
                f(vpn, pte);
            }
        };
        match &self.leaves {
            Leaves::Dense(v) => {
                for &(table, prefix) in &tables {
                    let base = (table << self.leaf_bits) as usize;
                    for idx in 0..1u64 << self.leaf_bits {
                        visit(prefix | idx, &v[base + idx as usize]);
                    }
                }
            }
            Leaves::Sparse(m) => {
                let prefixes = self.prefixes(self.levels - 1, &tables);
                for (&at, pte) in m.iter() {
                    if let Some(&prefix) = prefixes.get((at >> self.leaf_bits) as usize).filter(|&&p| p != NO_PREFIX) {
                        visit(prefix | (at & self.leaf_mask), pte);
                    }
                }
            }
        }
    }

    /// The last-level tables that exist and overlap `lo..hi`, as (table number, first page it
    /// covers), in no particular order. Goes level by level over the tables that exist (each
    /// sparse level's map is read once), so it costs the tables there are, not the range.
    pub fn leaf_tables(&self, lo: u64, hi: u64) -> Vec<(u64, u64)> {
        // (table number, first page it covers) of the tables of the current level in range.
        let mut tables: Vec<(u64, u64)> = vec![(0, 0)];
        let overlaps = |start: u64, span: u64| start < hi && start.saturating_add(span) > lo;
        for (level, inner) in self.inner.iter().enumerate() {
            let span = 1u64 << self.shift[level];
            let mut next = Vec::new();
            match &inner.tables {
                Inner::Dense(v) => {
                    for &(table, prefix) in &tables {
                        for idx in 0..1u64 << inner.bits {
                            let child = v[((table << inner.bits) | idx) as usize];
                            let start = prefix | (idx << inner.shift);
                            if child != ABSENT && overlaps(start, span) {
                                next.push((child as u64, start));
                            }
                        }
                    }
                }
                Inner::Sparse(m) => {
                    let prefixes = self.prefixes(level, &tables);
                    for (&at, &child) in m.iter() {
                        if let Some(&prefix) = prefixes.get((at >> inner.bits) as usize).filter(|&&p| p != NO_PREFIX) {
                            let start = prefix | ((at & inner.mask) << inner.shift);
                            if overlaps(start, span) {
                                next.push((child as u64, start));
                            }
                        }
                    }
                }
            }
            tables = next;
        }
        tables
    }

    /// The first page of each table of `level` listed in `tables`, indexed by table number
    /// ([`NO_PREFIX`] for the others): tables are numbered densely, so a vector beats a map.
    fn prefixes(&self, level: usize, tables: &[(u64, u64)]) -> Vec<u64> {
        let mut out = vec![NO_PREFIX; self.tables[level] as usize];
        for &(table, prefix) in tables {
            out[table as usize] = prefix;
        }
        out
    }

    /// Pages one last-level table covers.
    pub fn leaf_span(&self) -> u64 {
        1 << self.leaf_bits
    }

    /// Number of tables allocated, the root included.
    pub fn table_count(&self) -> usize {
        let spare: usize = self.spare.iter().map(Vec::len).sum();
        self.tables[..self.levels].iter().map(|&t| t as usize).sum::<usize>() - spare
    }

    /// Entries that exist (touched pages still mapped).
    pub fn entry_count(&self) -> u64 {
        self.valid_entries
    }

    /// Bytes of all tables, for the memory budget (counted as tables and sparse entries come and
    /// go, so this is O(1)).
    pub fn heap_bytes(&self) -> usize {
        self.bytes as usize
    }

    /// The most bytes one insert can add: a new table on every level below the root.
    pub fn max_insert_growth(&self) -> usize {
        (1..self.levels)
            .map(|l| {
                let entry = if l + 1 == self.levels { std::mem::size_of::<Pte>() } else { std::mem::size_of::<u32>() };
                if self.bits[l] <= DENSE_MAX_BITS {
                    entry << self.bits[l]
                } else {
                    SPARSE_ENTRY_BYTES as usize
                }
            })
            .sum::<usize>()
            + 64
    }
}

impl Snapshot for Inner {
    fn freeze(&mut self) -> (Self, usize) {
        match self {
            Inner::Dense(v) => {
                let (v, bytes) = v.freeze();
                (Inner::Dense(v), bytes)
            }
            Inner::Sparse(m) => (Inner::Sparse(m.clone()), m.shallow_bytes()),
        }
    }
    fn thaw(&self) -> Self {
        match self {
            Inner::Dense(v) => Inner::Dense(v.thaw()),
            Inner::Sparse(m) => Inner::Sparse(m.clone()),
        }
    }
}

impl Snapshot for Leaves {
    fn freeze(&mut self) -> (Self, usize) {
        match self {
            Leaves::Dense(v) => {
                let (v, bytes) = v.freeze();
                (Leaves::Dense(v), bytes)
            }
            Leaves::Sparse(m) => (Leaves::Sparse(m.clone()), m.shallow_bytes()),
        }
    }
    fn thaw(&self) -> Self {
        match self {
            Leaves::Dense(v) => Leaves::Dense(v.thaw()),
            Leaves::Sparse(m) => Leaves::Sparse(m.clone()),
        }
    }
}

impl Snapshot for PageTable {
    fn freeze(&mut self) -> (Self, usize) {
        let mut bytes = std::mem::size_of::<PageTable>();
        let inner = self
            .inner
            .iter_mut()
            .map(|l| {
                let (tables, b) = l.tables.freeze();
                bytes += b;
                Level { tables, ..*l }
            })
            .collect();
        let (leaves, b) = self.leaves.freeze();
        bytes += b;
        let meta = self
            .meta
            .iter_mut()
            .map(|m| {
                let (m, b) = m.freeze();
                bytes += b;
                m
            })
            .collect();
        bytes += self.spare.iter().map(|s| s.len() * 4).sum::<usize>();
        let frozen = PageTable {
            inner,
            leaves,
            walk_cache: empty_walk_cache(),
            meta,
            spare: self.spare.clone(),
            freed: Vec::new(),
            ..*self
        };
        (frozen, bytes)
    }
    fn thaw(&self) -> Self {
        let inner = self.inner.iter().map(|l| Level { tables: l.tables.thaw(), ..*l }).collect();
        PageTable {
            inner,
            leaves: self.leaves.thaw(),
            walk_cache: empty_walk_cache(),
            meta: self.meta.iter().map(SnapVec::thaw).collect(),
            spare: self.spare.clone(),
            freed: Vec::new(),
            ..*self
        }
    }
}

fn empty_walk_cache() -> [Cell<(u64, u32)>; WALK_CACHE] {
    std::array::from_fn(|_| Cell::new((u64::MAX, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(va_bits: u32, page: u64, levels: u32) -> Config {
        Config { va_bits, page_size: page, levels, ..Config::default() }
    }

    #[test]
    fn a_48_bit_space_with_a_few_pages_stays_small() {
        let mut pt = PageTable::new(&config(48, 4096, 4));
        let vpns = [0u64, 1, 0x7_ffff_ffff, 0x1234_5678, 0x8_0000_0000 - 2];
        for &v in &vpns {
            pt.insert(v, Pte { state: PteState::Resident, loc: v as u32, ..Pte::default() });
        }
        // root + at most 3 tables per distinct top-level path
        assert!(pt.table_count() <= 1 + 3 * vpns.len(), "{} tables", pt.table_count());
        for &v in &vpns {
            assert_eq!(pt.get(v).unwrap().loc, v as u32);
        }
        assert!(pt.get(2).is_none());
        assert_eq!(pt.tables_on_walk(1), 4);
        assert_eq!(pt.tables_on_walk(0x4_0000_0000), 1, "nothing under that top-level slot");
        let mut sorted = vpns.to_vec();
        sorted.sort();
        assert_eq!(pt.valid_in_range(0, u64::MAX), sorted);
        assert_eq!(pt.valid_in_range(1, 0x1234_5679), vec![1, 0x1234_5678]);
        assert!(pt.remove(1).is_some());
        assert!(pt.get(1).is_none());
        assert_eq!(pt.entry_count(), 4);
    }

    #[test]
    fn a_wide_single_level_is_sparse() {
        // 1 level over a 36-bit page number: must not allocate 2^36 entries.
        let mut pt = PageTable::new(&config(48, 4096, 1));
        pt.insert(0xf_ffff_ffff, Pte::default());
        assert!(pt.get(0xf_ffff_ffff).is_some());
        assert_eq!(pt.valid_in_range(0, u64::MAX), vec![0xf_ffff_ffff]);
        assert_eq!(pt.indices(0xf_ffff_ffff), vec![0xf_ffff_ffff]);
        // 2 levels of 18 bits: both sparse.
        let mut pt = PageTable::new(&config(48, 4096, 2));
        for v in [5u64, 0x3_ffff, 0x4_0000, 0xf_ffff_fff0] {
            pt.insert(v, Pte::default());
        }
        assert_eq!(pt.valid_in_range(0x3_0000, 0x5_0000), vec![0x3_ffff, 0x4_0000]);
        assert_eq!(pt.table_count(), 4);
    }

    #[test]
    fn indices_split_the_page_number() {
        let pt = PageTable::new(&config(16, 4096, 2));
        assert_eq!(pt.indices(0b1110), vec![0b11, 0b10]);
    }
}
