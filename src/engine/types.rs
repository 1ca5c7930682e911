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
    /// Killed by the OOM killer: a fault needed a frame and no page could go.
    OutOfMemory,
    /// Never started: with `vm=base`, no free run of frames was large enough for its block.
    NoBlock,
}

/// How much a process matters to its user now (README, *Importance*): the policy takes its
/// victims from the least important processes first, and the OOM killer kills among them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Importance {
    Low,
    #[default]
    Normal,
    High,
}

impl Importance {
    pub const ALL: [Importance; 3] = [Importance::Low, Importance::Normal, Importance::High];

    pub fn name(self) -> &'static str {
        match self {
            Importance::Low => "low",
            Importance::Normal => "normal",
            Importance::High => "high",
        }
    }

    /// Case-insensitive lookup by name.
    pub fn parse(s: &str) -> Option<Importance> {
        Importance::ALL.into_iter().find(|i| i.name().eq_ignore_ascii_case(s))
    }
}

/// What the TLB said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlbLookup {
    /// No TLB configured.
    Off,
    Hit,
    Miss,
}

/// `text` in quotes for a message: at most 40 characters (then `…`), with control characters
/// escaped, so a 10 MB token or an escape sequence cannot flood or hijack a terminal.
pub fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in text.chars().enumerate() {
        if i == 40 {
            out.push('…');
            break;
        }
        if c.is_control() || c == '"' || c == '\\' || c == '\u{feff}' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// `4096` → `4K`, `3145728` → `3M`, `100` → `100`.
pub fn format_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{}M", bytes / (1024 * 1024))
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{}K", bytes / 1024)
    } else {
        bytes.to_string()
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

/// `1234567` → `1,234,567`.
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_short_and_escaped() {
        assert_eq!(quoted("abc"), "\"abc\"");
        assert_eq!(quoted("a\u{1b}[31mb\0"), "\"a\\u{1b}[31mb\\u{0}\"");
        assert_eq!(quoted(&"x".repeat(100)), format!("\"{}…\"", "x".repeat(40)));
        assert_eq!(quoted("é→"), "\"é→\"");
        assert_eq!(
            (format_size(4096), format_size(3 << 20), format_size(100)),
            ("4K".into(), "3M".into(), "100".into())
        );
    }
}
