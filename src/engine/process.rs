//! Processes: a name, a page table and a list of regions (like `mmap` areas).

use super::page_table::PageTable;
use super::stats::Stats;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Read/write/execute permissions of a region.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Perms(u8);

impl Perms {
    pub const R: Perms = Perms(1);
    pub const W: Perms = Perms(2);
    pub const X: Perms = Perms(4);
    pub const RW: Perms = Perms(3);
    pub const RX: Perms = Perms(5);

    pub fn bits(self) -> u8 {
        self.0
    }

    pub fn from_bits(bits: u8) -> Perms {
        Perms(bits & 7)
    }

    pub fn readable(self) -> bool {
        self.0 & 1 != 0
    }

    pub fn writable(self) -> bool {
        self.0 & 2 != 0
    }

    /// Parses `r`, `rw`, `rx`, `rwx`, `r-x`, … (any order, `-` ignored, at least one letter).
    pub fn parse(s: &str) -> Option<Perms> {
        let mut bits = 0u8;
        for c in s.chars() {
            let bit = match c.to_ascii_lowercase() {
                'r' => 1,
                'w' => 2,
                'x' => 4,
                '-' => 0,
                _ => return None,
            };
            if bits & bit != 0 {
                return None;
            }
            bits |= bit;
        }
        (bits != 0).then_some(Perms(bits))
    }
}

impl fmt::Display for Perms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = |bit: u8, ch: char| if self.0 & bit != 0 { ch } else { '-' };
        write!(f, "{}{}{}", c(1, 'r'), c(2, 'w'), c(4, 'x'))
    }
}

impl Serialize for Perms {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A mapped range of whole pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Region {
    pub start_vpn: u64,
    pub pages: u64,
    pub perms: Perms,
    pub label: String,
    /// File-backed, read-only program text: evicted clean pages are dropped, not swapped.
    pub code: bool,
}

impl Region {
    pub fn end_vpn(&self) -> u64 {
        self.start_vpn + self.pages
    }

    pub fn contains(&self, vpn: u64) -> bool {
        vpn >= self.start_vpn && vpn < self.end_vpn()
    }
}

/// Why a process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitCause {
    Exited,
    SegmentationFault,
    ProtectionFault,
}

/// One process: its name, page table, regions and statistics.
#[derive(Clone, Debug)]
pub struct Process {
    pub name: String,
    /// `None` while running.
    pub ended: Option<ExitCause>,
    /// Whole address space valid and writable, no null guard (reference strings and traces).
    pub flat: bool,
    pub page_table: PageTable,
    /// Regions by first page; they never overlap.
    pub regions: BTreeMap<u64, Region>,
    pub stats: Stats,
    /// Counter for the labels of regions allocated without one (`r1`, `r2`, …).
    pub next_label: u32,
}

impl Process {
    pub fn alive(&self) -> bool {
        self.ended.is_none()
    }

    /// The region holding `vpn`, if any. O(log regions).
    pub fn region_of(&self, vpn: u64) -> Option<&Region> {
        self.regions.range(..=vpn).next_back().map(|(_, r)| r).filter(|r| r.contains(vpn))
    }

    pub fn region_by_label(&self, label: &str) -> Option<&Region> {
        self.regions.values().find(|r| r.label == label)
    }
}

/// Process and region names: a letter or `_` first, then letters, digits, `_`, `-` or `.`; at most
/// 32 characters. Keeps sentences, links and the canvas legible and free of markup.
pub fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && s.len() <= 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perms_parse_and_print() {
        assert_eq!(Perms::parse("rw"), Some(Perms::RW));
        assert_eq!(Perms::parse("r-x"), Some(Perms::RX));
        assert_eq!(Perms::parse("RWX").unwrap().to_string(), "rwx");
        assert_eq!(Perms::parse(""), None);
        assert_eq!(Perms::parse("rr"), None);
        assert_eq!(Perms::parse("rq"), None);
    }

    #[test]
    fn names_are_identifiers() {
        assert!(valid_name("A"));
        assert!(valid_name("web-server.2"));
        assert!(!valid_name("2A"));
        assert!(!valid_name("<script>"));
        assert!(!valid_name(""));
        assert!(!valid_name(&"a".repeat(33)));
    }
}
