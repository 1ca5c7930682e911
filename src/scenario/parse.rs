//! The scenario parser. Every error names its line and column and what was expected there.
//!
//! Checks what can be known before running: keywords, numbers, names, sizes, that addresses fit
//! the configured address space, that a process is spawned before it is used and that the
//! configuration is valid. What only a run can tell (an allocation that overlaps, a process killed
//! by a fault) is reported by the runner with the line number.

use super::{Command, CommandKind, FreeTarget, ParseError, Scenario};
use crate::engine::config::{format_size, parse_number, parse_size, too_wide, Config, VmMode, TOO_WIDE};
use crate::engine::error::quoted;
use crate::engine::machine::MAX_TIME;
use crate::engine::process::{valid_name, Importance, Perms};
use crate::engine::sharing::ObjectKind;
use rustc_hash::FxHashMap;

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    text: &'a str,
    /// 1-based column in characters.
    col: u32,
}

/// Splits a line (comment removed) into whitespace-separated tokens with their columns.
fn tokenize(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, u32)> = None;
    let mut col = 0u32;
    for (i, c) in line.char_indices() {
        col += 1;
        if c.is_whitespace() {
            if let Some((s, sc)) = start.take() {
                out.push(Token { text: &line[s..i], col: sc });
            }
        } else if start.is_none() {
            start = Some((i, col));
        }
    }
    if let Some((s, sc)) = start {
        out.push(Token { text: &line[s..], col: sc });
    }
    out
}

pub(super) fn strip_comment(line: &str) -> &str {
    line.split_once('#').map_or(line, |(code, _)| code)
}

struct LineParser<'a> {
    line: u32,
    tokens: Vec<Token<'a>>,
    next: usize,
    /// Column just past the last token, for "expected … at end of line".
    end_col: u32,
}

impl<'a> LineParser<'a> {
    fn err<T>(&self, col: u32, message: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { line: self.line, column: col, message: message.into() })
    }

    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.next).copied()
    }

    /// The next token, or an error saying `what` was expected at the end of the line.
    fn expect(&mut self, what: &str) -> Result<Token<'a>, ParseError> {
        match self.peek() {
            Some(t) => {
                self.next += 1;
                Ok(t)
            }
            None => self.err(self.end_col, format!("expected {what} at the end of the line")),
        }
    }

    fn name(&mut self, what: &str) -> Result<Token<'a>, ParseError> {
        let t = self.expect(what)?;
        if !valid_name(t.text) {
            return self.err(
                t.col,
                format!("expected {what} (a letter first, then letters, digits, _ - .), found {}", quoted(t.text)),
            );
        }
        Ok(t)
    }

    fn number(&mut self, what: &str) -> Result<(u64, Token<'a>), ParseError> {
        let t = self.expect(what)?;
        match parse_number(t.text) {
            Some(n) => Ok((n, t)),
            None if too_wide(t.text) => self.err(t.col, format!("{} {TOO_WIDE}", t.text)),
            None => self.err(t.col, format!("expected {what} (decimal or 0x hex), found {}", quoted(t.text))),
        }
    }

    fn size(&mut self, what: &str) -> Result<(u64, Token<'a>), ParseError> {
        let t = self.expect(what)?;
        match parse_size(t.text) {
            Some(n) => Ok((n, t)),
            None if too_wide(t.text) => self.err(t.col, format!("{} {TOO_WIDE}", t.text)),
            None => {
                self.err(t.col, format!("expected {what} (like 4096, 0x1000, 16K or 1M), found {}", quoted(t.text)))
            }
        }
    }

    fn done(&self, after: &str) -> Result<(), ParseError> {
        match self.peek() {
            Some(t) => self.err(t.col, format!("unexpected {} after {after}", quoted(t.text))),
            None => Ok(()),
        }
    }
}

/// What the parser knows about the processes named so far.
#[derive(Default)]
struct Names {
    /// name → 1 while running (spawned and not exited, as far as the text says), 0 after
    running: FxHashMap<String, u32>,
}

pub use crate::limits::MAX_SCENARIO_BYTES;

/// Parses scenario text. See `README.md` for the format.
pub fn parse(text: &str) -> Result<Scenario, ParseError> {
    check_size(text)?;
    let mut parser = Parser::default();
    let mut commands: Vec<Command> = Vec::new();
    for (line, raw) in lines(text) {
        if let Some(c) = parser.line(line, raw)? {
            commands.push(c);
        }
    }
    Ok(Scenario { config: parser.config, commands })
}

/// Refuses a text over [`MAX_SCENARIO_BYTES`].
pub fn check_size(text: &str) -> Result<(), ParseError> {
    if text.len() > MAX_SCENARIO_BYTES {
        let message = format!("the scenario is larger than {} MiB, the limit", MAX_SCENARIO_BYTES >> 20);
        return Err(ParseError { line: 1, column: 1, message });
    }
    Ok(())
}

/// The lines of a scenario text with their numbers (1-based), a byte-order mark dropped (Windows
/// editors write one; it is not part of the first line).
pub fn lines(text: &str) -> impl Iterator<Item = (u32, &str)> + '_ {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().enumerate().map(|(i, raw)| (u32::try_from(i + 1).unwrap_or(u32::MAX), raw))
}

/// A scenario read one line at a time: what the lines so far configured and which processes they
/// started. [`parse`] collects the commands; the command line's `run` carries each out as it comes.
#[derive(Default)]
pub struct Parser {
    config: Config,
    config_line: Option<u32>,
    /// Lines with a command so far.
    commands: usize,
    names: Names,
}

impl Parser {
    /// The configuration (from the `config` line, if there was one so far).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Line `line_no` of the text: its command, or `None` for a blank line, a comment or the
    /// `config` line.
    pub fn line(&mut self, line_no: u32, raw: &str) -> Result<Option<Command>, ParseError> {
        let code = strip_comment(raw);
        let tokens = tokenize(code);
        let Some(&keyword) = tokens.first() else {
            return Ok(None);
        };
        let end_col = code.trim_end().chars().count() as u32 + 1;
        let mut p = LineParser { line: line_no, tokens, next: 1, end_col };
        let config = &self.config;
        let names = &mut self.names;
        let kind = match keyword.text.to_ascii_lowercase().as_str() {
            "config" => {
                if let Some(first) = self.config_line {
                    return p.err(keyword.col, format!("config appears twice (first on line {first})"));
                }
                if self.commands > 0 {
                    return p.err(keyword.col, "config must come before every other command");
                }
                self.config = parse_config(&mut p, keyword)?;
                self.config_line = Some(line_no);
                return Ok(None);
            }
            "spawn" => parse_spawn(&mut p, config, names)?,
            "fork" => {
                if config.vm != VmMode::Paging {
                    let vm = config.vm.name();
                    return p.err(keyword.col, format!("fork needs virtual memory: this machine has vm={vm}"));
                }
                parse_fork(&mut p, names)?
            }
            "alloc" | "allocate" => parse_alloc(&mut p, config, names)?,
            "write" => {
                let name = known_process(&mut p, names)?;
                let (addr, tok) = p.number("an address")?;
                check_addr(&p, config, addr, tok)?;
                let (value, vtok) = p.number("a byte value")?;
                if value > 255 {
                    return p.err(vtok.col, format!("expected a byte value 0–255, found {value}"));
                }
                p.done("the value")?;
                CommandKind::Write { name, addr, value: value as u8 }
            }
            "read" => {
                let name = known_process(&mut p, names)?;
                let (addr, tok) = p.number("an address")?;
                check_addr(&p, config, addr, tok)?;
                p.done("the address")?;
                CommandKind::Read { name, addr }
            }
            "refs" => parse_refs(&mut p, config, names)?,
            "tick" => parse_tick(&mut p)?,
            "free" => {
                let name = known_process(&mut p, names)?;
                let t = p.expect("a region label or address")?;
                let target = if let Some(addr) = parse_number(t.text) {
                    check_addr(&p, config, addr, t)?;
                    FreeTarget::Addr(addr)
                } else if too_wide(t.text) {
                    return p.err(t.col, format!("{} {TOO_WIDE}", t.text));
                } else if valid_name(t.text) {
                    FreeTarget::Label(t.text.to_string())
                } else {
                    return p.err(t.col, format!("expected a region label or address, found {}", quoted(t.text)));
                };
                p.done("the region")?;
                CommandKind::Free { name, target }
            }
            "importance" => {
                let name = known_process(&mut p, names)?;
                let t = p.expect("an importance (low, normal or high)")?;
                let level = level(&p, t.text, t.col)?;
                p.done("the importance")?;
                CommandKind::Importance { name, level }
            }
            "exit" => {
                let name = known_process(&mut p, names)?;
                p.done("the process name")?;
                names.running.insert(name.clone(), 0);
                CommandKind::Exit { name }
            }
            "note" => {
                let text = p.tokens[1..].iter().map(|t| t.text).collect::<Vec<_>>().join(" ");
                if text.is_empty() {
                    return p.err(p.end_col, "expected the text of the note");
                }
                CommandKind::Note { text }
            }
            _ => {
                let (commands, found) = (super::reference::command_list(), quoted(keyword.text));
                return p.err(keyword.col, format!("expected a command ({commands}), found {found}"));
            }
        };
        self.commands += 1;
        Ok(Some(Command { line: line_no, kind }))
    }
}

/// `config key=value …`: every setting checked, then the whole configuration.
fn parse_config(p: &mut LineParser<'_>, keyword: Token<'_>) -> Result<Config, ParseError> {
    let mut config = Config::default();
    if p.peek().is_none() {
        return p.err(p.end_col, "expected key=value settings after config");
    }
    let mut seen: Vec<(&'static str, u32)> = Vec::new(); // each setting and where it was set
    while let Some(t) = p.peek() {
        p.next += 1;
        let Some((key, value)) = t.text.split_once('=') else {
            return p.err(t.col, format!("expected key=value, found {}", quoted(t.text)));
        };
        if let Some(setting) = crate::engine::config::Setting::parse(key).map(|s| s.key()) {
            if let Some(&(_, col)) = seen.iter().find(|(s, _)| *s == setting) {
                return p.err(t.col, format!("{setting} is set twice (first at column {col})"));
            }
            seen.push((setting, t.col));
        }
        let value_col = t.col + key.chars().count() as u32 + 1;
        if let Err(e) = config.set(key, value) {
            let col = if matches!(e, crate::engine::config::ConfigError::UnknownKey(_)) { t.col } else { value_col };
            return p.err(col, e.to_string());
        }
    }
    if let Err(m) = config.validate() {
        // At the setting the error is about, when the line sets it.
        let col = m.setting().and_then(|s| seen.iter().find(|(k, _)| *k == s.key())).map_or(keyword.col, |&(_, c)| c);
        return p.err(col, format!("invalid configuration: {m}"));
    }
    Ok(config)
}

/// `spawn NAME [code=N [exe=FILE] | flat] [importance=LEVEL]`.
fn parse_spawn(p: &mut LineParser<'_>, config: &Config, names: &mut Names) -> Result<CommandKind, ParseError> {
    let name = p.name("a process name")?;
    let mut code_pages = 0;
    let mut flat = false;
    let mut exe: Option<Token<'_>> = None;
    let mut importance = Importance::Normal;
    while let Some(t) = p.peek() {
        p.next += 1;
        let lower = t.text.to_ascii_lowercase();
        if lower == "flat" {
            flat = true;
        } else if let Some(v) = lower.strip_prefix("importance=") {
            importance = level(p, v, t.col + 11)?;
        } else if lower.starts_with("exe=") {
            let value = &t.text[4..];
            if !valid_name(value) {
                return p.err(t.col + 4, format!("expected an executable name after exe=, found {}", quoted(value)));
            }
            exe = Some(Token { text: value, col: t.col });
        } else if let Some(v) = lower.strip_prefix("code=") {
            code_pages = match parse_number(v) {
                Some(n) if n < config.pages_per_space() => n,
                Some(n) => {
                    let space = config.pages_per_space();
                    return p.err(t.col + 5, format!("{n} code pages do not fit in an address space of {space} pages"));
                }
                None => return p.err(t.col + 5, format!("expected a page count after code=, found {}", quoted(v))),
            };
        } else {
            return p
                .err(t.col, format!("expected code=N, exe=FILE, flat or importance=LEVEL, found {}", quoted(t.text)));
        }
    }
    if flat && code_pages > 0 {
        return p.err(name.col, "a flat process has no code region: use either flat or code=N");
    }
    if let Some(e) = exe.filter(|_| code_pages == 0) {
        return p.err(e.col, "exe= names the program whose code pages are shared: give code=N too");
    }
    if names.running.get(name.text) == Some(&1) {
        return p.err(name.col, format!("{} is already running", name.text));
    }
    names.running.insert(name.text.to_string(), 1);
    let exe = exe.map(|e| e.text.to_string());
    Ok(CommandKind::Spawn { name: name.text.to_string(), code_pages, flat, exe, importance })
}

/// An importance level (`low`, `normal`, `high`) at column `col`.
fn level(p: &LineParser<'_>, value: &str, col: u32) -> Result<Importance, ParseError> {
    Importance::parse(value).ok_or_else(|| ParseError {
        line: p.line,
        column: col,
        message: format!("expected an importance (low, normal or high), found {}", quoted(value)),
    })
}

/// `fork PARENT CHILD`.
fn parse_fork(p: &mut LineParser<'_>, names: &mut Names) -> Result<CommandKind, ParseError> {
    let parent = known_process(p, names)?;
    let child = p.name("the child's name")?;
    if names.running.get(child.text) == Some(&1) {
        return p.err(child.col, format!("{} is already running", child.text));
    }
    p.done("the child's name")?;
    names.running.insert(child.text.to_string(), 1);
    Ok(CommandKind::Fork { parent, child: child.text.to_string() })
}

/// `alloc NAME LABEL SIZE PERMS [at ADDR] [shared=OBJ | file=F]`.
fn parse_alloc(p: &mut LineParser<'_>, config: &Config, names: &Names) -> Result<CommandKind, ParseError> {
    let name = known_process(p, names)?;
    let label = p.name("a region label like heap")?;
    let (bytes, size_tok) = p.size("a size")?;
    if bytes == 0 {
        return p.err(size_tok.col, "the size must be at least 1 byte");
    }
    let perms_tok = p.expect("permissions like rw")?;
    let Some(perms) = Perms::parse(perms_tok.text) else {
        return p
            .err(perms_tok.col, format!("expected permissions (r, rw, rx, rwx), found {}", quoted(perms_tok.text)));
    };
    let mut at = None;
    let mut share = None;
    let mut huge = false;
    let (mut at_col, mut share_col) = (0, 0);
    while let Some(t) = p.peek() {
        p.next += 1;
        let lower = t.text.to_ascii_lowercase();
        let kind = if lower.starts_with("shared=") {
            Some(ObjectKind::Shm)
        } else if lower.starts_with("file=") {
            Some(ObjectKind::File)
        } else {
            None
        };
        if let Some(kind) = kind {
            let key = kind.word().len() + 1;
            let value = &t.text[key..];
            if share.is_some() {
                return p.err(t.col, "a region maps at most one shared object or file");
            }
            if config.vm != VmMode::Paging {
                let (what, vm) = (kind.word(), config.vm.name());
                return p.err(t.col, format!("{what}= needs virtual memory: this machine has vm={vm}"));
            }
            if !valid_name(value) {
                let what = if kind == ObjectKind::File { "a file name" } else { "a shared object's name" };
                return p.err(t.col + key as u32, format!("expected {what}, found {}", quoted(value)));
            }
            share = Some((kind, value.to_string()));
            share_col = t.col;
        } else if lower == "huge" && !huge {
            if let Some(problem) = config.huge_problem() {
                return p.err(t.col, problem);
            }
            huge = true;
        } else if lower == "at" && at.is_none() {
            if config.vm == VmMode::Base {
                return p.err(t.col, "with vm=base a block grows at its end: an allocation takes no `at` address");
            }
            let (addr, tok) = p.number("an address")?;
            check_addr(p, config, addr, tok)?;
            at = Some(addr);
            at_col = tok.col;
        } else {
            let found = quoted(t.text);
            return p.err(
                t.col,
                format!("expected `at ADDRESS`, huge, shared=OBJ, file=F or the end of the line, found {found}"),
            );
        }
    }
    if huge && share.is_some() {
        return p.err(share_col, "huge pages map private memory only: not with shared= or file=");
    }
    if huge {
        let huge_size = config.page_size << config.huge_shift();
        if let Some(addr) = at.filter(|a| a % huge_size != 0) {
            let size = format_size(huge_size);
            let why = format!("a huge-page region starts at a multiple of its huge page ({size} = {huge_size:#x}), and {addr:#x} is not one");
            return p.err(at_col, why);
        }
    }
    Ok(CommandKind::Alloc { name, label: label.text.to_string(), bytes, perms, at, share, huge })
}

/// `refs NAME PAGE…`.
fn parse_refs(p: &mut LineParser<'_>, config: &Config, names: &Names) -> Result<CommandKind, ParseError> {
    let name = known_process(p, names)?;
    let mut pages = Vec::new();
    while p.peek().is_some() {
        let (page, tok) = p.number("a page number")?;
        if page >= config.pages_per_space() {
            let last = config.pages_per_space() - 1;
            return p.err(tok.col, format!("page {page} is outside the address space (pages 0–{last})"));
        }
        pages.push(page);
    }
    if pages.is_empty() {
        return p.err(p.end_col, "expected at least one page number");
    }
    Ok(CommandKind::Refs { name, pages })
}

/// `tick [N]`.
fn parse_tick(p: &mut LineParser<'_>) -> Result<CommandKind, ParseError> {
    let units = match p.peek() {
        Some(_) => {
            let (units, t) = p.number("a number of time units")?;
            if units > MAX_TIME {
                return p.err(
                    t.col,
                    format!("a tick is at most {MAX_TIME} time units (2^53 − 1, the clock's end), not {units}"),
                );
            }
            units
        }
        None => 1,
    };
    p.done("the time units")?;
    Ok(CommandKind::Tick { units })
}

fn known_process(p: &mut LineParser<'_>, names: &Names) -> Result<String, ParseError> {
    let t = p.name("a process name")?;
    match names.running.get(t.text) {
        Some(1) => Ok(t.text.to_string()),
        Some(_) => p.err(t.col, format!("{} has exited before this line", t.text)),
        None => p.err(t.col, format!("no process named {} (spawn it first)", t.text)),
    }
}

fn check_addr(p: &LineParser<'_>, config: &Config, addr: u64, tok: Token<'_>) -> Result<(), ParseError> {
    if !config.in_space(addr) {
        return p.err(tok.col, format!("address {addr:#x} is outside the {}-bit address space", config.va_bits));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn the_spec_example_parses() {
        let text = "config frames=3 page=4096 vbits=16 swap=16 tlb=0 policy=fifo\n\
                    spawn A code=1\n\
                    alloc A heap 16K rw            # label, size, permissions\n\
                    write A 0x2000 42\n\
                    read  A 0x2000\n\
                    refs  A 2 3 4 2 3 5\n\
                    spawn T flat\n\
                    refs  T 7 0 1 2 0 3 0 4\n\
                    tick 10\n\
                    free A heap\n\
                    exit A\n";
        let s = parse(text).unwrap();
        assert_eq!(s.config.frames, 3);
        assert_eq!(s.commands.len(), 10);
        assert_eq!(
            s.commands[1].kind,
            CommandKind::Alloc {
                name: "A".into(),
                label: "heap".into(),
                bytes: 16384,
                perms: Perms::RW,
                at: None,
                share: None,
                huge: false
            }
        );
        assert_eq!(s.commands[1].line, 3);
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let s = parse("CONFIG FRAMES=2 Policy=LRU\nSpawn A\nREAD A 0x1000\n").unwrap();
        assert_eq!(s.config.frames, 2);
        assert_eq!(s.commands.len(), 2);
    }

    #[test]
    fn errors_name_line_column_and_what_was_expected() {
        assert_eq!(error("spawn A\nread A 0xZZ\n"), "2:8: expected an address (decimal or 0x hex), found \"0xZZ\"");
        assert_eq!(
            error("spawn A\nalloc A heap 16Q rw"),
            "2:14: expected a size (like 4096, 0x1000, 16K or 1M), found \"16Q\""
        );
        assert_eq!(error("spawn A\nread B 0x1000"), "2:6: no process named B (spawn it first)");
        assert_eq!(error("config frames=three"), "1:15: expected a number for frames, found \"three\"");
        assert_eq!(error("config colour=red"), "1:8: unknown config key \"colour\" (expected one of frames, page, vbits, swap, tlb, levels, policy, seed, segv, reclaim, timer, budget, history, ram_ns, minor_ns, disk, oom, vm, tlb_ways, asid, tables)");
        assert_eq!(
            error("  jump A"),
            "1:3: expected a command (config, spawn, fork, alloc, read, write, refs, tick, free, exit, note, importance), found \"jump\""
        );
        assert_eq!(error("spawn A\nwrite A 0x1000"), "2:15: expected a byte value at the end of the line");
        assert_eq!(error("spawn A\nwrite A 0x1000 256"), "2:16: expected a byte value 0–255, found 256");
        assert_eq!(error("spawn A\nread A 0x10000"), "2:8: address 0x10000 is outside the 16-bit address space");
        assert_eq!(error("spawn A\nrefs A 1 16"), "2:10: page 16 is outside the address space (pages 0–15)");
        assert_eq!(error("spawn A\nconfig frames=2"), "2:1: config must come before every other command");
        assert_eq!(error("config frames=0"), "1:8: invalid configuration: frames must be from 1 to 1048576, not 0");
        assert_eq!(
            error("config tlb=6 tlb_ways=4"),
            "1:14: invalid configuration: tlb_ways=4 must divide the TLB's 6 entries into whole sets (0: fully associative)"
        );
        assert_eq!(error("spawn A\nexit A\nread A 0"), "3:6: A has exited before this line");
        assert_eq!(error("spawn A\nread A 0x1000 extra"), "2:15: unexpected \"extra\" after the address");
        assert_eq!(
            error("spawn 9lives"),
            "1:7: expected a process name (a letter first, then letters, digits, _ - .), found \"9lives\""
        );
        assert_eq!(error("spawn A flat code=2"), "1:7: a flat process has no code region: use either flat or code=N");
    }

    #[test]
    fn comments_blank_lines_and_notes() {
        let s = parse("# a comment\n\n   \nnote Look: # not part of it\nspawn A # trailing").unwrap();
        assert_eq!(s.commands[0].kind, CommandKind::Note { text: "Look:".into() });
        assert_eq!(s.commands[0].line, 4);
        assert_eq!(s.commands[1].line, 5);
    }

    #[test]
    fn ticks_past_the_end_of_time_are_refused() {
        assert_eq!(
            error("tick 9007199254740993"),
            "1:6: a tick is at most 9007199254740991 time units (2^53 − 1, the clock's end), not 9007199254740993"
        );
        assert!(parse("tick 9007199254740991").is_ok());
    }

    #[test]
    fn free_by_label_or_address_and_tick_defaults_to_one() {
        let s = parse("spawn A\nalloc A buf 1 r at 0x4000\nfree A 0x4000\ntick").unwrap();
        assert_eq!(s.commands[2].kind, CommandKind::Free { name: "A".into(), target: FreeTarget::Addr(0x4000) });
        assert_eq!(s.commands[3].kind, CommandKind::Tick { units: 1 });
    }
}
