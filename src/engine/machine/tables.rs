//! Page tables in frames (`tables=ram`; README, *Page tables in frames*): every table of a
//! process occupies a frame, as on real hardware. A table's frame is taken when the first page
//! under it is touched (evicting a page if none is free), is never a policy's victim, and goes
//! back to the pool with the table's last entry. The top-level table is taken at spawn and given
//! back at exit. With `tables=free` (the default) none of this runs.

use super::{Machine, Pid};
use crate::engine::error::SimError;
use crate::engine::events::{AccessResult, Event};
use crate::engine::page_table::NONE;

impl Machine {
    /// Frame for a new table of process `p` at `level`, covering pages from `first_vpn`: a free
    /// one, or one a victim leaves (logged with the table). With `kill`, the OOM killer may end
    /// processes to free one, as for a page.
    fn table_frame(&mut self, p: usize, level: u32, first_vpn: u64, kill: bool) -> Result<u32, AccessResult> {
        let pid = p as Pid;
        let taken = match self.take_frame(pid, first_vpn, false) {
            Ok(taken) => taken,
            Err(full) if kill => self.out_of_memory(pid, first_vpn, false, full)?,
            Err(full) => return Err(full.out_of_memory()),
        };
        let (f, evicted) = taken;
        if !self.processes[p].alive() {
            // The OOM killer ended `p` itself while finding the frame.
            self.release_frame(f);
            return Err(AccessResult::OutOfMemory { victim_pid: pid, victim_vpn: first_vpn, victim_frame: f });
        }
        self.frames.mark_table(f, pid, level, first_vpn);
        self.stats.table_frames += 1;
        self.processes[p].stats.table_frames += 1;
        self.log(Event::TableFrame { pid, level, frame: f, evicted });
        Ok(f)
    }

    /// `tables=ram`: gives process `p` (just created) its top-level table's frame. If none can be
    /// had, `Err` and the caller drops the process.
    pub(super) fn take_root_table(&mut self, p: usize) -> Result<(), SimError> {
        match self.table_frame(p, 0, 0, false) {
            Ok(f) => {
                self.processes[p].page_table.set_root_frame(f);
                Ok(())
            }
            Err(_) => Err(SimError::NoFrameForTables {
                name: self.processes[p].name.clone(),
                tables: 1,
                no_swap: self.config.swap_slots == 0,
            }),
        }
    }

    /// `tables=ram`: makes the tables missing on process `p`'s walk to `vpn` before its first touch,
    /// top first. If a frame cannot be had, the tables just made go again and the access fails.
    pub(super) fn ensure_tables(&mut self, p: usize, vpn: u64) -> Result<(), AccessResult> {
        self.make_tables(p, vpn, true, true)
    }

    /// [`Machine::ensure_tables`] without the OOM killer (a fork fails instead).
    pub(super) fn ensure_tables_no_kill(&mut self, p: usize, vpn: u64) -> Result<(), AccessResult> {
        self.make_tables(p, vpn, true, false)
    }

    /// [`Machine::ensure_tables`] for a huge page from `vpn`: its entry is one level up, so the
    /// last-level table under it takes no frame.
    pub(super) fn ensure_tables_above_leaf(&mut self, p: usize, vpn: u64) -> Result<(), AccessResult> {
        self.make_tables(p, vpn, false, true)
    }

    fn make_tables(&mut self, p: usize, vpn: u64, leaf_in_frame: bool, kill: bool) -> Result<(), AccessResult> {
        let levels = self.config.levels;
        loop {
            let missing = self.processes[p].page_table.missing_tables(vpn) as u32;
            if missing == 0 {
                return Ok(());
            }
            let level = levels - missing;
            if level == levels - 1 && !leaf_in_frame {
                self.add_table_in(p, vpn, NONE);
                continue;
            }
            let first_vpn = self.processes[p].page_table.first_vpn_at(level, vpn);
            match self.table_frame(p, level, first_vpn, kill) {
                Ok(f) => self.add_table_in(p, vpn, f),
                Err(failed) => {
                    self.drop_empty_tables(p, vpn);
                    return Err(failed);
                }
            }
        }
    }

    /// The next missing table on process `p`'s walk to `vpn`, in frame `f` (`NONE`: none).
    fn add_table_in(&mut self, p: usize, vpn: u64, f: u32) {
        let table = &mut self.processes[p].page_table;
        let before = table.heap_bytes();
        table.add_table(vpn, f);
        self.usage.page_tables += (table.heap_bytes() - before) as u64;
    }

    /// `tables=ram`: frees process `p`'s tables left empty on the walk to `vpn` (a failed fault's).
    pub(super) fn drop_empty_tables(&mut self, p: usize, vpn: u64) {
        if self.config.tables_in_ram && self.processes[p].alive() {
            self.processes[p].page_table.free_empty_tables(vpn);
            self.release_table_frames(p);
        }
    }

    /// Gives back the frames of process `p`'s tables freed since the last call; returns how many.
    pub(super) fn release_table_frames(&mut self, p: usize) -> u64 {
        let freed = self.processes[p].page_table.take_freed_frames();
        for &f in &freed {
            self.release_frame(f);
        }
        let n = freed.len() as u64;
        self.stats.table_frames -= n;
        self.processes[p].stats.table_frames -= n;
        n
    }

    /// `tables=ram`, at exit: gives back every table frame process `p` still has (its entries are
    /// gone, so this is the top-level table's); returns how many.
    pub(super) fn release_all_tables(&mut self, p: usize) -> u64 {
        let frames = self.processes[p].page_table.all_table_frames();
        for &f in &frames {
            self.release_frame(f);
        }
        let n = frames.len() as u64;
        self.stats.table_frames -= n;
        self.processes[p].stats.table_frames -= n;
        n
    }
}
