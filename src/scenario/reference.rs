//! The scenario language in brief: every command and every `config` key with what it means, for
//! the editor's reference (`catalog().reference`) and the parser's "expected a command" message.
//! Said once here; the README's *Scenario format* is the long form.

use crate::engine::config::{Config, Setting};
use crate::engine::PolicyKind;

/// A command: its keyword, its shape, and what it does.
#[derive(Clone, Copy, Debug)]
pub struct CommandDoc {
    pub keyword: &'static str,
    pub syntax: &'static str,
    pub meaning: &'static str,
}

/// Every command (in the order the parser's message lists them).
pub const COMMANDS: [CommandDoc; 12] = [
    CommandDoc {
        keyword: "config",
        syntax: "config KEY=VALUE …",
        meaning: "The machine (first line only; each key once): see the keys below.",
    },
    CommandDoc {
        keyword: "spawn",
        syntax: "spawn NAME [code=PAGES] [exe=PROGRAM] [importance=low|normal|high] | spawn NAME flat",
        meaning: "Starts a process with its own address space (page 0 is the null guard). code= read-only code \
                  pages; exe= runs a program whose code every process running it shares; flat: the whole space \
                  valid and writable, no guard page (for reference strings).",
    },
    CommandDoc {
        keyword: "fork",
        syntax: "fork PARENT CHILD",
        meaning: "The child starts with the parent's memory, shared copy-on-write: the first write copies the page.",
    },
    CommandDoc {
        keyword: "alloc",
        syntax: "alloc NAME LABEL SIZE PERMS [at ADDR] [shared=OBJ | file=FILE]",
        meaning: "Reserves a region (PERMS: r, rw, rx, …; SIZE like 16K). No frame until first touch. \
                  shared= maps a shared-memory object, file= a mapped file.",
    },
    CommandDoc {
        keyword: "read",
        syntax: "read NAME ADDR",
        meaning: "Reads one byte: a hit, or a page fault that brings the page in (evicting one if memory is full).",
    },
    CommandDoc {
        keyword: "write",
        syntax: "write NAME ADDR VALUE",
        meaning: "Writes one byte (0–255): the page becomes dirty; writing to code is a protection fault.",
    },
    CommandDoc {
        keyword: "refs",
        syntax: "refs NAME PAGE PAGE …",
        meaning: "Reads the first byte of each listed page in turn (a reference string).",
    },
    CommandDoc {
        keyword: "tick",
        syntax: "tick UNITS",
        meaning: "Lets time pass with no access (the timer clears reference bits; the reclaimer may run).",
    },
    CommandDoc {
        keyword: "free",
        syntax: "free NAME LABEL|ADDR",
        meaning: "Releases a region: its frames and swap slots are free again.",
    },
    CommandDoc { keyword: "exit", syntax: "exit NAME", meaning: "Ends the process; its memory is freed." },
    CommandDoc {
        keyword: "note",
        syntax: "note TEXT",
        meaning: "Shows TEXT in the log at this step (for a lecture's commentary). # starts a comment anywhere.",
    },
    CommandDoc {
        keyword: "importance",
        syntax: "importance NAME low|normal|high",
        meaning: "How much the process matters now (the foreground is high): victims and the OOM killer spare it.",
    },
];

/// The command keywords, for an error message: "config, spawn, …".
pub fn command_list() -> String {
    COMMANDS.iter().map(|c| c.keyword).collect::<Vec<_>>().join(", ")
}

/// What a `config` key takes and means.
pub fn setting_doc(s: Setting) -> (String, &'static str) {
    if s == Setting::Policy {
        let names: Vec<&str> = PolicyKind::ALL.iter().map(|p| p.name()).collect();
        return (names.join(" "), "Which page is evicted when memory is full.");
    }
    let (values, meaning) = match s {
        Setting::Frames => ("1 … 2^20", "Physical frames (RAM = frames × page size)."),
        Setting::Page => ("16 … 64K, a power of two", "Page (and frame) size in bytes."),
        Setting::Vbits => ("8 … 64", "Bits of a virtual address: each process sees 2^vbits bytes."),
        Setting::Swap => ("0 … 2^22", "Swap slots on disk (0: no swap)."),
        Setting::Tlb => ("entries, 0 = none", "TLB entries: recent translations that skip the page-table walk."),
        Setting::Levels => ("1 … 5", "Levels of the page table (5: as x86-64 with 57-bit addresses)."),
        Setting::Policy => unreachable!("above"),
        Setting::Seed => ("a number", "Seed for the random policy (the same seed, the same run)."),
        Setting::Segv => ("kill | report", "A bad access kills the process, or is reported and skipped."),
        Setting::Reclaim => ("LOW,HIGH", "Background reclaim: below LOW free frames, evict until HIGH are free."),
        Setting::Timer => ("time units", "Time between timer interrupts (reference bits cleared, aging)."),
        Setting::Budget => ("1M … 3G", "Most bytes the machine's state may take; past it a step is refused."),
        Setting::History => ("1M … 1G", "Most bytes of step-back history kept; the oldest steps are forgotten."),
        Setting::RamNs => ("nanoseconds", "What one memory access costs."),
        Setting::MinorNs => ("nanoseconds", "What a minor fault costs (a frame zero-filled, no disk)."),
        Setting::Disk => ("nvme | ssd | hdd | NS", "What a disk read or write costs (a major fault, a swap-out)."),
        Setting::Oom => {
            ("kill | fail", "Out of memory and swap: kill the least important process, or fail the access.")
        }
        Setting::Vm => ("paging | base | off", "Virtual memory, base-and-bounds relocation, or none (before VM)."),
        Setting::TlbWays => ("0, or a divisor of tlb", "Set-associative TLB: entries per set (0: fully associative)."),
        Setting::Asid => ("on | off", "Tag TLB entries with the process, so a switch does not flush them."),
        Setting::Tables => (
            "ram | free",
            "ram: each page table takes a frame, never evicted while it maps a page, freed with its last entry.",
        ),
    };
    (values.to_string(), meaning)
}

/// Each key's default, as a `config` line would write it.
pub fn setting_default(s: Setting) -> String {
    let line = Config::default().to_line();
    let key = format!("{}=", s.key());
    match line.split(' ').find_map(|w| w.strip_prefix(key.as_str())) {
        Some(v) => v.to_string(),
        None => match s {
            // Keys the canonical line leaves out at their defaults.
            Setting::Seed => Config::default().seed.to_string(),
            Setting::Segv => "kill".into(),
            Setting::Reclaim => "off".into(),
            Setting::Timer => Config::default().timer.to_string(),
            Setting::Budget => "256M".into(),
            Setting::History => "64M".into(),
            Setting::RamNs => Config::default().ram_ns.to_string(),
            Setting::MinorNs => Config::default().minor_ns.to_string(),
            Setting::Disk => crate::engine::config::disk_name(Config::default().disk_ns).unwrap_or("ssd").into(),
            Setting::Oom => "kill".into(),
            Setting::Vm => "paging".into(),
            Setting::TlbWays => "0".into(),
            Setting::Asid => "off".into(),
            Setting::Tables => "free".into(),
            _ => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    #[test]
    fn every_command_is_documented_and_parses_from_its_syntax() {
        for c in COMMANDS {
            assert!(c.syntax.starts_with(c.keyword), "{}", c.keyword);
            // An unknown command's message lists exactly these keywords.
        }
        let err = parse("bogus A").unwrap_err().to_string();
        assert!(err.contains(&command_list()), "{err}");
        // Every keyword the parser knows is a command here: none is "expected a command".
        for c in COMMANDS {
            let text = format!("spawn A\n{} ", c.keyword);
            if let Err(e) = parse(&text) {
                assert!(!e.to_string().contains("expected a command"), "{}: {e}", c.keyword);
            }
        }
    }

    #[test]
    fn every_setting_has_a_default_that_parses_back() {
        for s in Setting::ALL {
            let (values, meaning) = setting_doc(s);
            assert!(!values.is_empty() && !meaning.is_empty());
            let default = setting_default(s);
            assert!(!default.is_empty(), "{}", s.key());
            if s == Setting::Reclaim {
                continue; // off by default: no value turns it off
            }
            let mut c = Config::default();
            c.set(s.key(), &default).unwrap_or_else(|e| panic!("{}={default}: {e}", s.key()));
            assert_eq!(c.to_line(), Config::default().to_line(), "{}={default} is the default", s.key());
        }
    }
}
