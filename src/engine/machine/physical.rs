//! Before virtual memory (README, *Before virtual memory*): the same machine with `vm=off` (every
//! address is a physical address, no protection, no swap) or `vm=base` (one base-and-bounds block
//! of physical memory per process). Accesses never fault: they hit the frame the address names,
//! or fail as a segmentation fault (past the bound, past the end of memory).
//!
//! Blocks are placed at chosen frames (first fit), which costs O(frames) per spawn or growth:
//! these machines are small, and nothing here runs on the paging path.

use super::{Machine, Pid};
use crate::engine::budget;
use crate::engine::config::{SegvMode, VmMode};
use crate::engine::error::{AllocError, SimError};
use crate::engine::events::{AccessEvent, AccessKind, AccessResult, Event, SegvReason};
use crate::engine::page_table::NONE;
use crate::engine::process::{Block, ExitCause, Perms, Region};
use crate::engine::types::TlbLookup;
use serde::Serialize;

/// A program's use of physical memory, for the picture: process `pid`'s `label` covers `frames`
/// frames from `first`. With `vm=off` two of them may overlap; with `vm=base` each process has
/// one, and the free runs between them are the holes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhysicalUse {
    pub pid: Pid,
    pub label: String,
    pub first: u64,
    pub frames: u64,
}

impl Machine {
    /// An access on a machine without paging.
    pub(super) fn physical_access(&mut self, p: usize, addr: u64, kind: AccessKind, value: Option<u8>) -> AccessEvent {
        let pid = p as Pid;
        let shift = self.page_shift;
        let write = kind == AccessKind::Write;
        self.running = Some(pid);
        let mut event = AccessEvent {
            pid,
            kind,
            addr,
            vpn: addr >> shift,
            value: value.unwrap_or(0),
            tlb: TlbLookup::Off,
            tlb_flushed: false,
            physical: None,
            result: AccessResult::Hit { frame: 0 },
        };
        let phys = match self.config.vm {
            VmMode::Base => {
                let block = self.processes[p].block;
                if addr >> shift >= block.pages {
                    event.result = AccessResult::SegmentationFault { reason: SegvReason::OutOfBounds };
                    return self.segfault(p, event);
                }
                ((block.base as u64) << shift) + addr
            }
            _ => addr,
        };
        if phys >> shift >= self.config.frames as u64 {
            event.result = AccessResult::SegmentationFault { reason: SegvReason::NoSuchMemory };
            return self.segfault(p, event);
        }
        let frame = (phys >> shift) as u32;
        if self.frames.is_free(frame) {
            // vm=off: memory a program touches first is drawn as its own.
            self.frames.take_at(frame, pid, frame as u64);
            self.stats.resident += 1;
            self.processes[p].stats.resident += 1;
        }
        self.frames.set_referenced(frame);
        if write {
            self.frames.get_mut(frame).dirty = true;
        }
        let offset = (addr & (self.config.page_size - 1)) as usize;
        event.value = self.move_byte(frame, frame as u64, offset, value, false, write);
        event.physical = Some(phys);
        event.result = AccessResult::Hit { frame };
        self.count_access(p, &event);
        event
    }

    fn segfault(&mut self, p: usize, event: AccessEvent) -> AccessEvent {
        self.count_access(p, &event);
        if self.config.segv == SegvMode::Kill {
            self.end_process(p, ExitCause::SegmentationFault);
        }
        event
    }

    /// `vm=base`: a new process's block of `pages` frames, placed first fit. If no free run holds
    /// it, the process never starts and an event says why (external fragmentation when enough
    /// frames are free in all).
    pub(super) fn place_block(&mut self, pid: Pid, pages: u64) {
        if pages == 0 {
            return;
        }
        match self.first_fit(pages) {
            Some(base) => self.take_block(pid as usize, base, pages),
            None => {
                let (free, largest) = self.free_runs();
                self.log(Event::NoBlock { pid, needed: pages, free, largest });
                self.end_process(pid as usize, ExitCause::NoBlock);
            }
        }
    }

    /// `vm=base`: grows process `p`'s block by `pages` (or places it, if it has none yet).
    /// Returns the first page of the new part. Refused if the frames after the block are in use.
    pub(super) fn grow_block(&mut self, p: usize, pages: u64) -> Result<u64, SimError> {
        let block = self.processes[p].block;
        if block.pages == 0 {
            return match self.first_fit(pages) {
                Some(base) => {
                    self.take_block(p, base, pages);
                    Ok(0)
                }
                None => {
                    let (free, largest) = self.free_runs();
                    Err(SimError::BadAllocation(AllocError::NoBlock { pages, free, largest }))
                }
            };
        }
        let end = block.base as u64 + block.pages;
        let room = (end..end + pages).all(|f| f < self.config.frames as u64 && self.frames.is_free(f as u32));
        if !room {
            return Err(SimError::BadAllocation(AllocError::CannotGrow {
                name: self.processes[p].name.clone(),
                pages,
                end,
            }));
        }
        for (i, f) in (end..end + pages).enumerate() {
            self.frames.take_at(f as u32, p as Pid, block.pages + i as u64);
        }
        self.stats.resident += pages;
        self.processes[p].stats.resident += pages;
        self.processes[p].block.pages += pages;
        Ok(block.pages)
    }

    fn take_block(&mut self, p: usize, base: u64, pages: u64) {
        for i in 0..pages {
            self.frames.take_at((base + i) as u32, p as Pid, i);
        }
        self.processes[p].block = Block { base: base as u32, pages };
        self.stats.resident += pages;
        self.processes[p].stats.resident += pages;
    }

    /// `vm=base`: gives back a process's block (it ended). Returns the frames freed.
    pub(super) fn release_block(&mut self, p: usize) -> u64 {
        let block = std::mem::take(&mut self.processes[p].block);
        for i in 0..block.pages {
            self.release_frame(block.base + i as u32);
        }
        self.stats.resident -= block.pages;
        self.processes[p].stats.resident -= block.pages;
        block.pages
    }

    /// The lowest frame starting a free run of `pages`, if any.
    fn first_fit(&self, pages: u64) -> Option<u64> {
        let mut run = 0;
        for f in 0..self.config.frames as u64 {
            if self.frames.is_free(f as u32) {
                run += 1;
                if run == pages {
                    return Some(f + 1 - pages);
                }
            } else {
                run = 0;
            }
        }
        None
    }

    /// Free frames in all, and the longest run of them.
    fn free_runs(&self) -> (u64, u64) {
        let (mut free, mut largest, mut run) = (0, 0, 0);
        for f in 0..self.config.frames {
            if self.frames.is_free(f) {
                free += 1;
                run += 1;
                largest = largest.max(run);
            } else {
                run = 0;
            }
        }
        (free, largest)
    }

    /// `vm=base`: an allocation grows the process's one block (its addresses follow on from the
    /// block's end); there is no `at`, and nothing to share.
    pub(super) fn allocate_in_block(
        &mut self,
        p: usize,
        pages: u64,
        perms: Perms,
        label: String,
    ) -> Result<u64, SimError> {
        let start = self.grow_block(p, pages)?;
        self.processes[p].regions.insert(Region {
            start_vpn: start,
            pages,
            perms,
            label: label.clone(),
            code: false,
            object: None,
            huge: false,
        });
        self.usage.records += budget::REGION_COST;
        self.log(Event::Allocate { pid: p as Pid, label, start_vpn: start, pages, perms, object: NONE, huge: false });
        Ok(start << self.page_shift)
    }

    /// A process on a machine without paging: its code (a label only: nothing protects it) at
    /// address 0 of its block (`vm=base`) or from page 1 (`vm=off`), and for `vm=base` its block.
    pub(super) fn start_physical(&mut self, pid: Pid, flat: bool, code_pages: u64) -> Pid {
        let base = self.config.vm == VmMode::Base;
        if code_pages > 0 {
            let start_vpn = if base { 0 } else { 1 };
            let code = Region {
                start_vpn,
                pages: code_pages,
                perms: Perms::RX,
                label: "code".into(),
                code: true,
                object: None,
                huge: false,
            };
            self.processes[pid as usize].regions.insert(code);
            self.usage.records += budget::REGION_COST;
        }
        self.log(Event::Spawn { pid, code_pages, flat, exe: NONE });
        if base {
            self.place_block(pid, code_pages);
        }
        pid
    }

    /// How programs use physical memory, for the picture (empty with paging): with `vm=base`
    /// each live process's block; with `vm=off` each region of each live process, at the
    /// physical frames its addresses name.
    pub fn physical_uses(&self) -> Vec<PhysicalUse> {
        let mut out = Vec::new();
        for (pid, p) in self.processes.iter().enumerate().filter(|(_, p)| p.alive()) {
            match self.config.vm {
                VmMode::Paging => {}
                VmMode::Base if p.block.pages > 0 => out.push(PhysicalUse {
                    pid: pid as Pid,
                    label: p.name.clone(),
                    first: p.block.base as u64,
                    frames: p.block.pages,
                }),
                VmMode::Base => {}
                VmMode::Off => out.extend(p.regions.iter().map(|r| PhysicalUse {
                    pid: pid as Pid,
                    label: r.label.clone(),
                    first: r.start_vpn,
                    frames: r.pages,
                })),
            }
        }
        out
    }
}
