//! Misuse of the engine: requests that cannot be carried out. These are not simulated faults
//! (a segmentation fault is a normal [`crate::engine::Event`]); they are refused requests, and a
//! refused request changes nothing.

use super::types::ExitCause;
use std::fmt;

/// Why a request was refused. `Display` gives the message users see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// The configuration breaks a limit; the message says which.
    Config(String),
    UnknownPid(u32),
    UnknownProcess(String),
    ProcessExited {
        name: String,
        cause: ExitCause,
    },
    NameTaken(String),
    BadName(String),
    AddressOutOfRange {
        addr: u64,
        va_bits: u32,
    },
    /// Allocation requests that cannot be placed.
    BadAllocation(String),
    NotAllocated {
        name: String,
        what: String,
    },
    BadValue(String),
    /// The operation could take the machine's state past its memory budget; the message says how
    /// much is used and how to raise the limit.
    Budget(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Config(m) => write!(f, "invalid configuration: {m}"),
            SimError::UnknownPid(p) => write!(f, "no process has pid {p}"),
            SimError::UnknownProcess(n) => write!(f, "no process named {} (spawn it first)", quoted(n)),
            SimError::ProcessExited { name, cause } => match cause {
                ExitCause::Exited => write!(f, "{name} is no longer running: it exited"),
                ExitCause::SegmentationFault => {
                    write!(f, "{name} is no longer running: it was killed by a segmentation fault")
                }
                ExitCause::ProtectionFault => {
                    write!(f, "{name} is no longer running: it was killed by a protection fault")
                }
            },
            SimError::NameTaken(n) => write!(f, "a process named {n} is already running"),
            SimError::BadName(m) => write!(f, "{m}"),
            SimError::AddressOutOfRange { addr, va_bits } => {
                write!(f, "address {addr:#x} is outside the {va_bits}-bit virtual address space")
            }
            SimError::BadAllocation(m) => write!(f, "cannot allocate: {m}"),
            SimError::NotAllocated { name, what } => write!(f, "{name} has no region {what}"),
            SimError::BadValue(m) => write!(f, "{m}"),
            SimError::Budget(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for SimError {}

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

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn quotes_are_short_and_escaped() {
        assert_eq!(quoted("abc"), "\"abc\"");
        assert_eq!(quoted("a\u{1b}[31mb\0"), "\"a\\u{1b}[31mb\\u{0}\"");
        assert_eq!(quoted(&"x".repeat(100)), format!("\"{}…\"", "x".repeat(40)));
        assert_eq!(quoted("é→"), "\"é→\"");
    }
}
