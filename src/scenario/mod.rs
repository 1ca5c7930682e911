//! Scenarios: the text format users write and links carry (README, *Scenario format*), its pretty-printer, the
//! runner that steps through one (forward and back), and share links (README, *Links*).

pub mod compare;
mod edit;
pub mod exercise;
pub mod grid;
pub mod link;
mod parse;
pub mod presets;
mod print;
pub mod reference;
pub mod run;
pub mod through;
pub mod tlb_exercise;
pub mod tour;
pub mod translate_exercise;

use crate::engine::process::Importance;
use crate::engine::sharing::ObjectKind;
use crate::engine::{Config, Perms};
use std::fmt;

pub use edit::edit_config;
pub use parse::parse;
pub use run::{Run, RunError, StepRecord};

/// A parsed scenario: a machine configuration and the commands to run on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub config: Config,
    pub commands: Vec<Command>,
}

/// One command and the line it came from (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub line: u32,
    pub kind: CommandKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandKind {
    Spawn {
        name: String,
        code_pages: u64,
        flat: bool,
        /// The executable whose code it runs (`exe=`); `None`: its own name.
        exe: Option<String>,
        /// `importance=` (default `normal`).
        importance: Importance,
    },
    /// `importance NAME LEVEL`: a process comes to the foreground (or leaves it).
    Importance {
        name: String,
        level: Importance,
    },
    /// `fork PARENT CHILD`.
    Fork {
        parent: String,
        child: String,
    },
    Alloc {
        name: String,
        label: String,
        bytes: u64,
        perms: Perms,
        at: Option<u64>,
        /// `shared=OBJ` or `file=F`.
        share: Option<(ObjectKind, String)>,
        /// `huge`: mapped with huge pages (README, *Huge pages*).
        huge: bool,
    },
    Write {
        name: String,
        addr: u64,
        value: u8,
    },
    Read {
        name: String,
        addr: u64,
    },
    /// Read the first byte of each listed page.
    Refs {
        name: String,
        pages: Vec<u64>,
    },
    Tick {
        units: u64,
    },
    Free {
        name: String,
        target: FreeTarget,
    },
    Exit {
        name: String,
    },
    /// Words for the reader, shown in the log at this point.
    Note {
        text: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FreeTarget {
    Label(String),
    Addr(u64),
}

impl Scenario {
    /// True if both scenarios do the same thing (line numbers aside).
    pub fn same_as(&self, other: &Scenario) -> bool {
        self.config == other.config
            && self.commands.len() == other.commands.len()
            && self.commands.iter().zip(&other.commands).all(|(a, b)| a.kind == b.kind)
    }
}

/// A scenario that does not parse: where and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}
