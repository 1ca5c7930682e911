//! Counters, global and per process, and the fault-rate time series.

use super::config::Config;
use super::cost::Speed;
use super::types::TlbLookup;
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub accesses: u64,
    pub reads: u64,
    pub writes: u64,
    pub tlb_hits: u64,
    pub tlb_misses: u64,
    /// Accesses that found their page resident.
    pub hits: u64,
    /// Accesses that found their page not resident (minor + major + those that ran out of memory).
    pub faults: u64,
    pub minor_faults: u64,
    pub major_faults: u64,
    pub swap_ins: u64,
    pub swap_outs: u64,
    /// Evictions that wrote nothing: clean pages with a swap copy, and code pages.
    pub dropped: u64,
    pub segfaults: u64,
    pub protection_faults: u64,
    pub out_of_memory: u64,
    /// Writes to pages shared copy-on-write (each also counts as a fault).
    pub cow_faults: u64,
    /// Dirty pages of mapped files written back to their file.
    pub file_writes: u64,
    /// Pages in memory now.
    pub resident: u64,
    /// Pages in swap now (not counting swap copies of resident pages).
    pub swapped: u64,
    /// Frames holding page tables now (`tables=ram`; absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub table_frames: u64,
    /// Pages zero-filled by huge-page faults besides one per fault (each costs a zero-fill;
    /// absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub huge_fill_pages: u64,
    /// Victims written out (to swap or their file) while a fault waited: a disk write each. With
    /// the counts above it gives the time (README, *What memory costs*; [`Stats::speed`]).
    pub disk_writes: u64,
    pub fault_rate: FaultSeries,
}

/// Faults per bucket of `bucket` accesses. At most [`FaultSeries::MAX_POINTS`] points are kept:
/// when full, neighbours merge and buckets double, so a run of any length costs fixed memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FaultSeries {
    pub bucket: u64,
    pub faults: Vec<u32>,
    /// Accesses and faults in the bucket being filled.
    pub pending_accesses: u64,
    pub pending_faults: u64,
}

impl Stats {
    /// Counts one access. Plain branches, one counter each: they predict well (most accesses
    /// hit), and unlike branch-free sums they do not get vectorised into 16-byte read-modify-writes
    /// that stall on the previous access's 8-byte stores (measured: a third of the access time).
    #[inline(always)]
    pub fn count(&mut self, write: bool, tlb: TlbLookup, outcome: Outcome) {
        self.accesses += 1;
        if write {
            self.writes += 1;
        } else {
            self.reads += 1;
        }
        match tlb {
            TlbLookup::Hit => self.tlb_hits += 1,
            TlbLookup::Miss => self.tlb_misses += 1,
            TlbLookup::Off => {}
        }
        let fault = match outcome {
            Outcome::Hit => {
                self.hits += 1;
                false
            }
            Outcome::Fault => {
                self.faults += 1;
                true
            }
            Outcome::OutOfMemory => {
                self.faults += 1;
                self.out_of_memory += 1;
                true
            }
            Outcome::Segfault => {
                self.segfaults += 1;
                false
            }
            Outcome::ProtectionFault => {
                self.protection_faults += 1;
                false
            }
        };
        self.fault_rate.record(fault);
    }

    /// How fast it ran on a machine priced as `config` says. The time follows from the counts
    /// (what every access, walk, fault and disk transfer costs), so the access path adds nothing
    /// to count it (counting it there cost WebAssembly replays 12%).
    pub fn speed(&self, config: &Config) -> Speed {
        let walks = self.tlb_misses.saturating_mul(config.levels as u64).saturating_mul(config.ram_ns);
        let minor = self.minor_faults.saturating_add(self.huge_fill_pages).saturating_mul(config.minor_ns);
        let disk = (self.major_faults.saturating_add(self.disk_writes)).saturating_mul(config.disk_ns);
        let work = self.accesses.saturating_mul(config.ram_ns);
        Speed::new(work, walks.saturating_add(minor).saturating_add(disk), self.accesses)
    }
}

/// How an access ended, for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Hit,
    Fault,
    OutOfMemory,
    Segfault,
    ProtectionFault,
}

impl FaultSeries {
    pub const MAX_POINTS: usize = 256;

    #[inline(always)]
    pub fn record(&mut self, fault: bool) {
        self.pending_accesses += 1;
        self.pending_faults += fault as u64;
        if self.pending_accesses == self.bucket {
            self.close_bucket();
        }
    }

    #[cold]
    #[inline(never)]
    fn close_bucket(&mut self) {
        if self.faults.len() == Self::MAX_POINTS {
            for i in 0..Self::MAX_POINTS / 2 {
                self.faults[i] = self.faults[2 * i] + self.faults[2 * i + 1];
            }
            self.faults.truncate(Self::MAX_POINTS / 2);
            self.bucket *= 2;
            // The pending bucket was half the new width: carry it on.
            return;
        }
        self.faults.push(self.pending_faults as u32);
        self.pending_accesses = 0;
        self.pending_faults = 0;
    }

    /// Fault rate of each point, 0.0 … 1.0.
    pub fn rates(&self) -> Vec<f64> {
        self.faults.iter().map(|&f| f as f64 / self.bucket as f64).collect()
    }
}

impl Default for FaultSeries {
    fn default() -> Self {
        FaultSeries { bucket: 1, faults: Vec::with_capacity(Self::MAX_POINTS), pending_accesses: 0, pending_faults: 0 }
    }
}

/// Serde: leave a count out while it is zero (`table_frames` on machines with `tables=free`).
fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_series_keeps_fixed_memory_and_every_fault() {
        let mut s = FaultSeries::default();
        let mut faults = 0u64;
        for i in 0..100_000u64 {
            let fault = i % 3 == 0;
            faults += fault as u64;
            s.record(fault);
            assert!(s.faults.len() <= FaultSeries::MAX_POINTS);
        }
        let counted: u64 = s.faults.iter().map(|&f| f as u64).sum::<u64>() + s.pending_faults;
        assert_eq!(counted, faults);
        assert_eq!(s.faults.len() as u64 * s.bucket + s.pending_accesses, 100_000);
        assert!(s.rates().iter().all(|&r| (0.30..0.37).contains(&r)));
    }
}
