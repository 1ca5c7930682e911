//! The memory budget: what the machine's state may cost, so that no scenario, link, trace or script
//! can exhaust the memory of the tab or the command line.
//!
//! The machine counts what it holds as it grows: page bytes (frames and swap slots; data shared by
//! a frame and its swap copy is counted for each, so the count never falls short), page tables,
//! frame and slot records and processes with their regions. An operation that could take the count
//! past the limit is refused before it changes anything, with a message naming the limit and the
//! `config` key that raises it. The history of a scenario (checkpoints for step back) has its own
//! limit, kept by the scenario runner.

use super::frame_table::Frame;
use super::page_data::PageData;
use super::swap::Slot;
use super::types::format_size;
pub use crate::limits::{DEFAULT_BUDGET, MAX_BUDGET, MIN_BUDGET};

/// What one frame in use costs besides its page bytes: the frame record and the policy's
/// per-frame state (list links, heap slots, counters).
pub const FRAME_COST: u64 = std::mem::size_of::<Frame>() as u64 + 64;
/// One swap slot record.
pub const SLOT_COST: u64 = std::mem::size_of::<Slot>() as u64;
/// One process record (name, statistics, an empty page table, its walk cache).
pub const PROCESS_COST: u64 = 4096;
/// One region (its record in two persistent maps, and its label).
pub const REGION_COST: u64 = 256;
/// One shared object's record (its entry in the list and the index by name), besides its name.
pub const OBJECT_COST: u64 = 256;
/// The most page bytes one write can add: a private copy of a shared page (at most 64 KiB of
/// blocks) plus the blocks a sparse page turns into.
pub const MAX_WRITE_GROWTH: u64 = 64 * 1024 + 8 * 1024 + PageData::MAX_WRITE_GROWTH as u64;

/// The machine's running count of its state, in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Page bytes held by frames and swap slots.
    pub page_data: u64,
    /// Page-table arenas of every process.
    pub page_tables: u64,
    /// Frame and slot records (up to the highest used), processes and regions.
    pub records: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.page_data + self.page_tables + self.records
    }

    /// Adds a signed change to page data.
    pub fn add_data(&mut self, delta: isize) {
        self.page_data = self.page_data.saturating_add_signed(delta as i64);
    }

    /// The message for an operation refused because it could take the state past `limit`.
    pub fn exhausted(&self, limit: u64) -> String {
        format!(
            "the simulator's memory budget is used up: {} of {} (page bytes {}, page tables {}, records {}); \
             free memory or raise the limit with `config budget=…` (up to {})",
            human_bytes(self.total()),
            human_bytes(limit),
            human_bytes(self.page_data),
            human_bytes(self.page_tables),
            human_bytes(self.records),
            format_size(MAX_BUDGET)
        )
    }
}

/// `1536` → `1.5 KiB`, `268435456` → `256 MiB`: sizes in messages.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    // In tenths of the unit, with integers: float formatting would add 20 KB to the module.
    let mut unit = 0;
    let mut scale = 1024u64;
    while bytes / scale >= 1024 && unit + 1 < UNITS.len() {
        scale *= 1024;
        unit += 1;
    }
    let tenths = (bytes / scale) * 10 + ((bytes % scale) * 10 + scale / 2) / scale;
    if tenths.is_multiple_of(10) || tenths >= 1000 {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

/// What the address width means beside the machine's memory, for the picture's heading:
/// "2^48 bytes = 256 TiB each; this machine has 32 KiB of RAM".
pub fn space_words(config: &super::config::Config) -> String {
    let space = 1u64.checked_shl(config.va_bits).map_or_else(|| "16 EiB".to_string(), human_bytes);
    let ram = human_bytes(config.frames as u64 * config.page_size);
    format!("2^{} bytes = {space} each; this machine has {ram} of RAM", config.va_bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(100), "100 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(256 << 20), "256 MiB");
        assert!(Usage { page_data: 1 << 20, ..Usage::default() }.exhausted(1 << 20).contains("budget=…"));
    }
}
