//! The pretty-printer: canonical text that parses back to the same scenario (comments are not
//! kept; notes are). Addresses in hex, sizes with K/M, keywords in lower case.

use super::{CommandKind, FreeTarget, Scenario};
use crate::engine::config::format_size;
use crate::engine::process::Importance;
use std::fmt;

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.config.to_line())?;
        for c in &self.commands {
            writeln!(f, "{}", c.kind)?;
        }
        Ok(())
    }
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandKind::Spawn { name, code_pages, flat, exe, importance } => {
                write!(f, "spawn {name}")?;
                if *flat {
                    write!(f, " flat")?;
                } else if *code_pages > 0 {
                    write!(f, " code={code_pages}")?;
                    if let Some(exe) = exe {
                        write!(f, " exe={exe}")?;
                    }
                }
                if *importance != Importance::Normal {
                    write!(f, " importance={}", importance.name())?;
                }
                Ok(())
            }
            CommandKind::Importance { name, level } => write!(f, "importance {name} {}", level.name()),
            CommandKind::Fork { parent, child } => write!(f, "fork {parent} {child}"),
            CommandKind::Alloc { name, label, bytes, perms, at, share, huge } => {
                write!(f, "alloc {name} {label} {} {}", format_size(*bytes), perms.to_string().replace('-', ""))?;
                if *huge {
                    f.write_str(" huge")?;
                }
                if let Some((kind, object)) = share {
                    write!(f, " {}={object}", kind.word())?;
                }
                if let Some(at) = at {
                    write!(f, " at {at:#x}")?;
                }
                Ok(())
            }
            CommandKind::Write { name, addr, value } => write!(f, "write {name} {addr:#x} {value}"),
            CommandKind::Read { name, addr } => write!(f, "read {name} {addr:#x}"),
            CommandKind::Refs { name, pages } => {
                write!(f, "refs {name}")?;
                for p in pages {
                    write!(f, " {p}")?;
                }
                Ok(())
            }
            CommandKind::Tick { units } => write!(f, "tick {units}"),
            CommandKind::Free { name, target: FreeTarget::Label(l) } => write!(f, "free {name} {l}"),
            CommandKind::Free { name, target: FreeTarget::Addr(a) } => write!(f, "free {name} {a:#x}"),
            CommandKind::Exit { name } => write!(f, "exit {name}"),
            CommandKind::Note { text } => write!(f, "note {text}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;

    #[test]
    fn prints_canonical_text_that_parses_back() {
        let text = "CONFIG frames=3 policy=CLOCK reclaim=1,2 segv=report\n\
                    Spawn A code=2 # x\n\
                    alloc A heap 0x4000 r-w at 0x8000\n\
                    write A 32768 7\nrefs A 8 9\nnote hello   there\nfree A heap\nexit A\n";
        let s = parse(text).unwrap();
        let printed = s.to_string();
        assert_eq!(
            printed,
            "config frames=3 page=4K vbits=16 swap=32 tlb=4 levels=2 policy=clock segv=report reclaim=1,2\n\
             spawn A code=2\nalloc A heap 16K rw at 0x8000\nwrite A 0x8000 7\nrefs A 8 9\nnote hello there\n\
             free A heap\nexit A\n"
        );
        assert!(parse(&printed).unwrap().same_as(&s));
    }
}
