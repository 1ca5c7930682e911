//! The consistency check the property tests run after every step.

use super::Machine;
use crate::engine::page_table::{PteState, NONE};
use crate::engine::policy::ReplacementPolicy;

impl Machine {
    /// Verifies that frames, page tables, swap slots, the policy and the statistics agree. Used by
    /// the property tests after every step; returns what disagrees.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut resident = 0u64;
        let mut swapped = 0u64;
        let mut slot_refs = 0u64;
        for (pid, proc) in self.processes.iter().enumerate() {
            let pid = pid as u32;
            let (mut p_res, mut p_swp) = (0u64, 0u64);
            let vpns = proc.page_table.valid_in_range(0, u64::MAX);
            if !proc.alive() && !vpns.is_empty() {
                return Err(format!("{} has ended but still maps pages {vpns:?}", proc.name));
            }
            for vpn in vpns {
                let pte = proc.page_table.get(vpn).ok_or("valid_in_range returned an absent page")?;
                if !proc.flat && (vpn == 0 || proc.region_of(vpn).is_none()) {
                    return Err(format!("{} maps page {vpn} outside every region", proc.name));
                }
                match pte.state {
                    PteState::Resident => {
                        p_res += 1;
                        let fr = self.frames.get(pte.loc);
                        if (fr.owner, fr.vpn) != (pid, vpn) {
                            return Err(format!(
                                "{} page {vpn} says frame {} but the frame disagrees",
                                proc.name, pte.loc
                            ));
                        }
                        if pte.swap_copy != NONE {
                            slot_refs += 1;
                            let s = self.swap.get(pte.swap_copy);
                            if (s.owner, s.vpn) != (pid, vpn) || fr.dirty {
                                return Err(format!("{} page {vpn}: bad swap copy {}", proc.name, pte.swap_copy));
                            }
                            if s.data != fr.data {
                                return Err(format!("{} page {vpn}: swap copy differs from memory", proc.name));
                            }
                        }
                    }
                    PteState::Swapped => {
                        p_swp += 1;
                        slot_refs += 1;
                        let s = self.swap.get(pte.loc);
                        if (s.owner, s.vpn) != (pid, vpn) {
                            return Err(format!(
                                "{} page {vpn} says slot {} but the slot disagrees",
                                proc.name, pte.loc
                            ));
                        }
                    }
                    PteState::Empty => {
                        if !pte.code {
                            return Err(format!("{} page {vpn}: an empty entry that is not code", proc.name));
                        }
                    }
                }
            }
            if (p_res, p_swp) != (proc.stats.resident, proc.stats.swapped) {
                return Err(format!(
                    "{}: {p_res} resident / {p_swp} swapped pages, statistics say {} / {}",
                    proc.name, proc.stats.resident, proc.stats.swapped
                ));
            }
            resident += p_res;
            swapped += p_swp;
        }
        if resident != self.frames.used() as u64 || resident != self.stats.resident {
            return Err(format!(
                "{resident} resident pages, {} frames in use, statistics say {}",
                self.frames.used(),
                self.stats.resident
            ));
        }
        if swapped != self.stats.swapped || slot_refs != self.swap.used() as u64 {
            return Err(format!(
                "{swapped} swapped pages and {slot_refs} slot references, {} slots in use",
                self.swap.used()
            ));
        }
        let mut owned = 0u64;
        for f in 0..self.frames.high_water() {
            let fr = self.frames.get(f);
            if fr.owner == NONE {
                continue;
            }
            owned += 1;
            let pte = self.processes.get(fr.owner as usize).and_then(|p| p.page_table.get(fr.vpn));
            if !matches!(pte, Some(pte) if pte.state == PteState::Resident && pte.loc == f) {
                return Err(format!("frame {f} is owned by a page that does not map it"));
            }
        }
        if owned != resident {
            return Err(format!("{owned} frames have owners, {resident} pages are resident"));
        }
        let order = self.policy.order(&self.frames, usize::MAX);
        if order.len() as u64 != resident {
            return Err(format!("the policy tracks {} frames, {resident} are in use", order.len()));
        }
        Ok(())
    }
}
