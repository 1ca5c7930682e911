//! Address translation as the MMU does it, without doing it: the record the translation panel
//! shows. The scenario runner takes it just before each access, so it is the walk as it happened
//! (what the TLB held, which tables existed, what the entry said), not the state after the access.

use super::machine::{Machine, Pid};
use super::page_table::PteState;
use super::types::Perms;

/// What the page-table entry said when the walk reached it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryState {
    /// Mapped and in memory: the frame.
    Resident { frame: u32 },
    /// Mapped and on disk: the swap slot.
    Swapped { slot: u32 },
    /// In a region, never loaded (or dropped clean).
    NotLoaded,
}

/// What one entry on the walk points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryTarget {
    /// The next level's table (with `tables=free` a table is not in a frame: its number).
    Table(u32),
    /// The next level's table in its frame (`tables=ram`): the frame number, as hardware keeps it.
    TableFrame(u32),
    /// The page's frame (the last level, present).
    Frame(u32),
    /// The swap slot the OS keeps in a not-present entry.
    Slot(u32),
    /// Nothing (an empty entry).
    Nothing,
}

/// One page-table entry as the hardware reads it: the bits of an x86-64 entry that a course
/// teaches (present, writable, user, accessed, dirty, no-execute) and what it points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryBits {
    pub present: bool,
    pub writable: bool,
    pub user: bool,
    pub accessed: bool,
    pub dirty: bool,
    pub no_execute: bool,
    /// The entry maps a huge page (x86's PS bit): its target is the huge page's first frame, and
    /// the walk ends here, one level above the last.
    pub huge: bool,
    pub target: EntryTarget,
}

impl EntryBits {
    const EMPTY: EntryBits = EntryBits {
        present: false,
        writable: false,
        user: false,
        accessed: false,
        dirty: false,
        no_execute: false,
        huge: false,
        target: EntryTarget::Nothing,
    };

    /// The entry as binary fields, high to low as x86-64 lays them out: `NX | number | D A | U W P`
    /// (the number: the frame, table or slot it points at, in `width` bits).
    pub fn binary(&self, width: u32) -> String {
        let number = match self.target {
            EntryTarget::Table(n) | EntryTarget::TableFrame(n) | EntryTarget::Frame(n) | EntryTarget::Slot(n) => {
                n as u64
            }
            EntryTarget::Nothing => 0,
        };
        let b = |x: bool| if x { '1' } else { '0' };
        format!(
            "{} | {:0width$b} | {}{} | {}{}{}",
            b(self.no_execute),
            number,
            b(self.dirty),
            b(self.accessed),
            b(self.user),
            b(self.writable),
            b(self.present),
            width = width as usize
        )
    }
}

/// One translation of a virtual address in a process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    pub pid: Pid,
    pub addr: u64,
    pub vpn: u64,
    pub offset: u64,
    /// Index bits of each level, first level first, and the index into each.
    pub level_bits: Vec<u32>,
    pub indices: Vec<u64>,
    /// `None` without a TLB; else whether the TLB held the page (for the running process).
    pub tlb_hit: Option<bool>,
    /// Tables found on the walk, the root included: fewer than the levels means it stopped at an
    /// empty slot (nothing is mapped under it).
    pub tables_found: usize,
    /// The entry, when the walk reached one.
    pub entry: Option<(EntryState, Perms)>,
    /// Every entry the walk read, first level first: the inner levels' (up to the first empty
    /// one) and, when it got there, the page's own.
    pub entries: Vec<EntryBits>,
    /// `tables=ram`: the frame of each table on the walk, the top one first (the base register
    /// holds the first); empty with `tables=free`.
    pub table_frames: Vec<u32>,
    /// The page is part of a huge page: the walk ended one level up, and the offset is the low
    /// bits of the huge page (its page number's last index included).
    pub huge_page: bool,
}

impl Translation {
    /// The physical address, when the page is in a frame.
    pub fn physical(&self, page_shift: u32) -> Option<u64> {
        match self.entry {
            Some((EntryState::Resident { frame }, _)) => Some(((frame as u64) << page_shift) | self.offset),
            _ => None,
        }
    }
}

impl Machine {
    /// How `addr` in process `pid` translates now; `None` for a process that does not exist.
    pub fn translate(&self, pid: Pid, addr: u64) -> Option<Translation> {
        let proc = self.process(pid)?;
        let config = self.config();
        let vpn = addr >> config.page_shift();
        let table = &proc.page_table;
        // Entries are made on first touch: before it, the region (or a flat space) says what the
        // entry would allow.
        let untouched = || {
            let perms = if proc.flat { Some(Perms::RW) } else { proc.region_of(vpn).map(|r| r.perms) };
            perms.map(|p| (EntryState::NotLoaded, p))
        };
        let entry = match table.get(vpn) {
            Some(pte) if pte.state == PteState::Resident => Some((EntryState::Resident { frame: pte.loc }, pte.perms)),
            Some(pte) if pte.state == PteState::Swapped => Some((EntryState::Swapped { slot: pte.loc }, pte.perms)),
            _ => untouched(),
        };
        let tlb_hit = (config.tlb_entries > 0).then(|| self.tlb_would_hit(pid, vpn));
        let mut entries = Vec::with_capacity(config.levels as usize);
        let mut reached = true; // every inner entry present: the walk reads the page's entry
        let huge = table.get(vpn).filter(|pte| pte.huge).copied();
        let mut table_frames = table.walk_frames(vpn);
        if huge.is_some() {
            table_frames.truncate(config.levels as usize - 1); // no last-level table under it
        }
        for (level, child) in table.walk_tables(vpn).into_iter().enumerate() {
            match child {
                // An inner entry: present, and open to everything the entries below allow.
                Some(t) => entries.push(EntryBits {
                    present: true,
                    writable: true,
                    user: true,
                    accessed: true,
                    dirty: false,
                    no_execute: false,
                    huge: false,
                    target: match table_frames.get(level + 1) {
                        Some(&f) => EntryTarget::TableFrame(f),
                        None => EntryTarget::Table(t),
                    },
                }),
                None => {
                    entries.push(EntryBits::EMPTY);
                    reached = false;
                    break;
                }
            }
        }
        if let (Some(pte), Some(last)) = (huge, entries.last_mut()) {
            // The entry one level up maps the huge page: its first frame, with the PS bit.
            let n = 1u64 << config.huge_shift();
            let first = pte.loc - (vpn % n) as u32;
            let frames = self.frames();
            *last = EntryBits {
                present: true,
                writable: pte.perms.writable(),
                user: true,
                accessed: (0..n as u32).any(|i| frames.referenced(first + i)),
                dirty: (0..n as u32).any(|i| frames.get(first + i).dirty),
                no_execute: pte.perms.bits() & Perms::X.bits() == 0,
                huge: true,
                target: EntryTarget::Frame(first),
            };
            reached = false;
        }
        if reached {
            let frames = self.frames();
            entries.push(match table.get(vpn) {
                Some(pte) => {
                    let resident = pte.state == PteState::Resident;
                    EntryBits {
                        present: resident,
                        writable: pte.perms.writable() && !pte.cow,
                        user: true,
                        accessed: resident && frames.referenced(pte.loc),
                        dirty: resident && frames.get(pte.loc).dirty,
                        no_execute: pte.perms.bits() & Perms::X.bits() == 0,
                        huge: false,
                        target: match pte.state {
                            PteState::Resident => EntryTarget::Frame(pte.loc),
                            PteState::Swapped => EntryTarget::Slot(pte.loc),
                            _ => EntryTarget::Nothing,
                        },
                    }
                }
                None => EntryBits::EMPTY,
            });
        }
        Some(Translation {
            pid,
            addr,
            vpn,
            offset: addr & (config.page_size - 1),
            level_bits: config.level_bits(),
            indices: table.indices(vpn),
            tlb_hit,
            tables_found: table.tables_on_walk(vpn),
            entry,
            entries,
            table_frames,
            huge_page: huge.is_some(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Config;

    #[test]
    fn a_walk_before_and_after_the_first_touch() {
        let mut m = Machine::new(Config { frames: 2, tlb_entries: 4, levels: 2, ..Config::default() }).unwrap();
        let a = m.spawn("A", 0).unwrap();
        m.allocate(a, 2 * 4096, Perms::RW, Some(0x2000), None).unwrap();
        let before = m.translate(a, 0x2abc).unwrap();
        assert_eq!((before.vpn, before.offset), (2, 0xabc));
        assert_eq!(before.entry.map(|e| e.0), Some(EntryState::NotLoaded));
        assert_eq!(before.indices.len(), 2);
        m.write(a, 0x2abc, 7).unwrap();
        let after = m.translate(a, 0x2abc).unwrap();
        assert_eq!(after.tlb_hit, Some(true), "the access left the page in the TLB");
        let Some((EntryState::Resident { frame }, perms)) = after.entry else { panic!("resident") };
        assert_eq!(perms, Perms::RW);
        assert_eq!(after.physical(12), Some(((frame as u64) << 12) | 0xabc));
        // Unmapped: the walk stops where nothing is mapped.
        let far = m.translate(a, 0xf000).unwrap();
        assert_eq!(far.entry, None);
        assert!(m.translate(9, 0).is_none());
    }
}
