//! Importance and running out of memory (README, *Importance and the OOM killer*): the policy
//! takes its victims from the least important processes' frames first, and when a fault needs a
//! frame that no page can give up, the OOM killer ends the least important process with the
//! largest footprint.

use super::access::SwapFull;
use super::{Machine, Pid};
use crate::engine::config::OomMode;
use crate::engine::error::SimError;
use crate::engine::events::{AccessResult, Event, Eviction};
use crate::engine::page_table::NONE;
use crate::engine::policy::ReplacementPolicy;
use crate::engine::process::{ExitCause, Importance};
use crate::engine::sharing::owner_object;

impl Machine {
    /// Changes how much process `pid` matters (it came to the foreground, or left it).
    pub fn set_importance(&mut self, pid: Pid, importance: Importance) -> Result<(), SimError> {
        let p = self.live(pid)?;
        self.processes[p].importance = importance;
        self.log(Event::Importance { pid, importance });
        Ok(())
    }

    /// Sets the importance process `pid` starts at (`spawn … importance=`), as part of its spawn:
    /// no event of its own.
    pub fn start_at(&mut self, pid: Pid, importance: Importance) {
        if let Some(p) = self.processes.get_mut(pid as usize) {
            p.importance = importance;
        }
    }

    /// The importance a frame counts at: its most important mapper's (a page a shared object holds
    /// with no process mapping it counts as low).
    pub fn frame_importance(&self, f: u32) -> Importance {
        let owner = self.frames.get(f).owner;
        if owner_object(owner).is_some() {
            return Importance::Low;
        }
        let first = self.processes[owner as usize].importance;
        if self.frame_maps.count(f) == 0 {
            return first;
        }
        self.frame_maps.others(f).map(|(pid, _)| self.processes[pid as usize].importance).fold(first, Importance::max)
    }

    /// Whether the live processes differ in importance (if not, the policy alone chooses).
    fn importance_varies(&self) -> bool {
        let mut live = self.processes.iter().filter(|p| p.alive()).map(|p| p.importance);
        let Some(first) = live.next() else { return false };
        live.any(|i| i != first)
    }

    /// The frame to evict, and the importance it was chosen among when processes differ. With
    /// equal importance this is the policy's victim, exactly; otherwise the policy's first choice
    /// among the frames of the lowest importance in use (O(frames in use): only then).
    pub(super) fn choose_victim(&mut self) -> Option<(u32, Option<Importance>)> {
        if !self.importance_varies() {
            // `None` only when every frame in use holds a page table (`tables=ram`).
            return self.policy.victim(&mut self.frames).map(|f| (f, None));
        }
        let used = self.frames.high_water();
        let level: Vec<Option<Importance>> =
            (0..used).map(|f| self.frames.evictable(f).then(|| self.frame_importance(f))).collect();
        let lowest = level.iter().flatten().copied().min()?;
        let eligible = |f: u32| level.get(f as usize).copied().flatten() == Some(lowest);
        let f =
            self.policy.victim_where(&mut self.frames, &eligible).expect("a frame of the lowest importance is in use");
        Some((f, Some(lowest)))
    }

    /// A fault needs a frame and the victim cannot go (swap is full, or there is none). With
    /// `oom=kill` the OOM killer ends processes until a frame is free (the access goes on unless
    /// the faulting process was the one ended); with `oom=fail` the access fails.
    #[cold]
    #[inline(never)]
    pub(super) fn out_of_memory(
        &mut self,
        pid: Pid,
        vpn: u64,
        code: bool,
        mut full: SwapFull,
    ) -> Result<(u32, Option<Eviction>), AccessResult> {
        let failed = SwapFull::out_of_memory;
        if self.config.oom == OomMode::Fail {
            return Err(failed(&full));
        }
        loop {
            let Some(victim) = self.oom_victim() else { return Err(failed(&full)) };
            let footprint = self.footprint(victim);
            let importance = self.processes[victim].importance;
            let no_victim = full.frame == NONE;
            self.log(Event::OomKill { pid: victim as Pid, importance, footprint, for_pid: pid, no_victim });
            self.end_process(victim, ExitCause::OutOfMemory);
            if victim == pid as usize {
                return Err(failed(&full));
            }
            // If the process killed had nothing in memory, the next one goes.
            match self.take_frame(pid, vpn, code) {
                Ok(taken) => return Ok(taken),
                Err(again) => full = again,
            }
        }
    }

    /// With `oom=kill`, ends the process the OOM killer picks because process `pid` needs memory
    /// that no page can give up (`no_victim`: none was there to choose). Returns whether one was
    /// ended and it was not `pid` itself (so trying again makes sense).
    pub(super) fn oom_kill_for(&mut self, pid: Pid, no_victim: bool) -> bool {
        if self.config.oom == OomMode::Fail {
            return false;
        }
        let Some(victim) = self.oom_victim() else { return false };
        let footprint = self.footprint(victim);
        let importance = self.processes[victim].importance;
        self.log(Event::OomKill { pid: victim as Pid, importance, footprint, for_pid: pid, no_victim });
        self.end_process(victim, ExitCause::OutOfMemory);
        victim != pid as usize
    }

    /// Resident and swapped pages of process `p`, and the frames its page tables take
    /// (`tables=ram`).
    fn footprint(&self, p: usize) -> u64 {
        let s = &self.processes[p].stats;
        s.resident + s.swapped + s.table_frames
    }

    /// The process the OOM killer ends: the least important live one, and among those the one
    /// with the largest footprint (the earliest started on a tie); `None` if none is alive.
    fn oom_victim(&self) -> Option<usize> {
        (0..self.processes.len())
            .filter(|&p| self.processes[p].alive())
            .min_by_key(|&p| (self.processes[p].importance, std::cmp::Reverse(self.footprint(p)), p))
    }
}
