//! Small value types several engine modules share (permissions, why a process ended, what the
//! TLB said), kept apart so those modules depend on them and not on each other: the engine's
//! modules form no import cycle.

use serde::Serialize;
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

/// Why a process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitCause {
    Exited,
    SegmentationFault,
    ProtectionFault,
}

/// What the TLB said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlbLookup {
    /// No TLB configured.
    Off,
    Hit,
    Miss,
}
