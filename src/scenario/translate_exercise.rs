//! Address-translation exercises (`pagesim exercise --kind translate`, README *Command line*), as
//! OSTEP's `paging-linear-translate.py` (one level) and `paging-multilevel-translate.py` (more) set
//! them: a seeded small machine, one process's page tables as a dump of the frames that hold them,
//! the base register, and virtual addresses; the question is each one's physical address or its
//! fault.
//!
//! Nothing here lays out a table by hand: the engine builds the machine (`tables=ram`, so tables
//! live in frames) by running a scenario the page can step through too, the dump is the engine's
//! tables, and every answer is the engine's own walk ([`crate::engine::Machine::translate`]).

use super::{parse, run::Run};
use crate::engine::translate::{EntryTarget, Translation};
use crate::engine::Machine;
use oorandom::Rand32;

pub use crate::limits::{TRANSLATE_MAX_COUNT as MAX_COUNT, TRANSLATE_MAX_LEVELS as MAX_LEVELS};
/// Levels when none are asked for: OSTEP's multi-level exercise has two.
pub const DEFAULT_LEVELS: u32 = 2;
/// An entry prints as one byte, `0x80 | frame` (OSTEP's format): frame numbers fit in 7 bits.
const FRAME_CHOICES: [u32; 4] = [16, 32, 64, 128];
/// Entries per row of the dump.
const ROW: usize = 8;

/// One page table as the dump prints it: the frame holding it and what each entry points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableDump {
    pub frame: u32,
    /// 1 = the top-level table (the base register's).
    pub level: u32,
    /// Per entry: the frame of the next table, or of the page at the last level (`None`: not
    /// valid).
    pub entries: Vec<Option<u32>>,
}

/// One virtual address of an exercise and the engine's walk of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranslateAddress {
    pub va: u64,
    pub vpn: u64,
    pub offset: u64,
    /// The index into each level's table, the top one first.
    pub indices: Vec<u64>,
    /// The frames of the tables the walk read, the top one (the base register's) first.
    pub walk: Vec<u32>,
    /// What each entry the walk read pointed at (`None`: not valid, where the walk stopped).
    pub targets: Vec<Option<u32>>,
    /// The physical address, or `None`: a fault (not present).
    pub pa: Option<u64>,
}

impl TranslateAddress {
    /// For a fault, the level (1 = top) whose entry was not valid.
    pub fn fault_level(&self) -> Option<u32> {
        self.pa.is_none().then_some(self.targets.len() as u32)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranslateExercise {
    pub seed: u64,
    pub page_size: u64,
    pub va_bits: u32,
    pub levels: u32,
    /// Bits of each level's index (all levels alike).
    pub index_bits: u32,
    pub frames: u32,
    /// The base register: the frame of the top-level table.
    pub pdbr: u32,
    /// Every table of the process, in frame order (a dump of physical memory).
    pub tables: Vec<TableDump>,
    pub addresses: Vec<TranslateAddress>,
    /// The scenario that builds the machine (what the page steps through).
    pub scenario: String,
}

/// The seed's exercise: `count` addresses (2 … [`MAX_COUNT`]) on a machine of `levels` levels
/// (1 … [`MAX_LEVELS`]). Machines readable by hand: pages of 32 B to 4 KiB, tables of 8 to 32
/// entries (4 or 8 with three levels), 16 to 128 frames. The addresses mix translations and
/// faults, and with more than one level (and three addresses or more) faults at an upper level
/// and at the last; a draw that does not is drawn again from the same generator.
pub fn translate_exercise(seed: u64, count: usize, levels: u32) -> Result<TranslateExercise, String> {
    if !(1..=MAX_LEVELS).contains(&levels) {
        return Err(format!("the levels must be from 1 to {MAX_LEVELS}, not {levels}"));
    }
    if !(2..=MAX_COUNT).contains(&count) {
        return Err(format!("the count must be from 2 to {MAX_COUNT} addresses, not {count}"));
    }
    let mut rng = Rand32::new(seed);
    let index_bits = if levels == 3 { 2 + rng.rand_range(0..2) } else { 3 + rng.rand_range(0..3) };
    let page_shift = 5 + rng.rand_range(0..8); // 32 B … 4 KiB
    let (pages, tables) = draw_pages(&mut rng, levels, index_bits);
    // Twice what the process needs and more, so the other processes fit beside it.
    let need = (pages.len() + tables) as u32;
    let frames = *FRAME_CHOICES.iter().find(|&&f| f >= 2 * need + 8).ok_or("internal: too many pages")?;
    let shape = Shape { levels, index_bits, page_shift, frames };
    let scenario = scenario_text(seed, &shape, &mut rng, &pages, frames - need);
    let run = build(&scenario)?;
    let m = run.machine();
    let pid = m.pid_of(PROCESS).map_err(|e| format!("internal: {e}"))?;
    let dumps = dump_tables(m, pid)?;
    if dumps.len() != tables
        || pages.iter().any(|&p| m.translate(pid, p << page_shift).and_then(|t| t.physical(page_shift)).is_none())
    {
        return Err("internal: the exercise's machine is not the one drawn".into());
    }
    let pdbr =
        m.process(pid).and_then(|p| p.page_table.tables().first().map(|t| t.frame)).ok_or("internal: no table")?;
    let mut exercise = TranslateExercise {
        seed,
        page_size: 1 << page_shift,
        va_bits: levels * index_bits + page_shift,
        levels,
        index_bits,
        frames,
        pdbr,
        tables: dumps,
        addresses: Vec::new(),
        scenario,
    };
    for _ in 0..64 {
        let vas = draw_addresses(&mut rng, &shape, &pages, count);
        exercise.addresses = vas.iter().map(|&va| walk(m, pid, va, page_shift)).collect::<Result<_, _>>()?;
        if exercise.well_mixed() {
            return Ok(exercise);
        }
    }
    Err("no exercise with both translations and faults came from this seed".into())
}

/// The process whose tables are the question.
const PROCESS: &str = "P";

#[derive(Clone, Copy)]
struct Shape {
    levels: u32,
    index_bits: u32,
    page_shift: u32,
    frames: u32,
}

/// The process's pages, as a tree of tables with a few entries used in each: two or three
/// tables under the top one, a quarter to a half of each last-level table's entries (so every
/// table has empty entries, and faults of every kind can be asked). Returns the pages (sorted)
/// and how many tables they need.
fn draw_pages(rng: &mut Rand32, levels: u32, bits: u32) -> (Vec<u64>, usize) {
    let n = 1u32 << bits;
    let mut prefixes = vec![0u64]; // the tables of one level, by the indices above them
    let mut tables = 1;
    for level in 0..levels - 1 {
        let children = match (levels, level) {
            (2, _) => 2 + rng.rand_range(0..2),
            (_, 0) => 2,
            _ => 1 + rng.rand_range(0..2),
        };
        prefixes =
            prefixes.iter().flat_map(|&p| pick(rng, n, children).into_iter().map(move |i| p << bits | i)).collect();
        tables += prefixes.len();
    }
    let least = (n / 4).max(1);
    let mut pages: Vec<u64> = prefixes
        .iter()
        .flat_map(|&p| {
            let used = least + rng.rand_range(0..n / 2 - least + 1);
            pick(rng, n, used).into_iter().map(move |i| p << bits | i)
        })
        .collect();
    pages.sort_unstable();
    (pages, tables)
}

/// `k` distinct numbers of `0..n`, sorted.
fn pick(rng: &mut Rand32, n: u32, k: u32) -> Vec<u64> {
    let mut all: Vec<u64> = (0..n as u64).collect();
    shuffle(rng, &mut all);
    all.truncate(k as usize);
    all.sort_unstable();
    all
}

fn shuffle<T>(rng: &mut Rand32, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.rand_range(0..i as u32 + 1) as usize);
    }
}

/// The scenario that builds the machine. The engine hands out the lowest free frame, so a
/// process alone would get frames 0, 1, 2, … in order. Here two other processes touch pages
/// first, taking turns at random, and one of them exits, leaving free frames scattered; then `P`
/// touches its pages in a shuffled order (its tables appear as the walks need them) while the
/// other one goes on touching a few pages of its own between them.
fn scenario_text(seed: u64, s: &Shape, rng: &mut Rand32, pages: &[u64], spare: u32) -> String {
    let share = (spare / 4).max(1);
    let (kept, gone, kept_later) =
        (1 + rng.rand_range(0..share), 1 + rng.rand_range(0..share), rng.rand_range(0..share));
    let levels = if s.levels == 1 { "1 level".to_string() } else { format!("{} levels", s.levels) };
    let mut lines = vec![
        format!("# Translation exercise (seed {seed}): {levels}; P's page tables are the question"),
        format!(
            "config frames={} page={} vbits={} levels={} tables=ram tlb=0 swap=0 policy=fifo",
            s.frames,
            1u64 << s.page_shift,
            s.levels * s.index_bits + s.page_shift,
            s.levels
        ),
        "spawn other flat".to_string(),
    ];
    // The others' pages, in order from 0 (again from 0 past the end of a small space).
    let space = 1u64 << (s.levels * s.index_bits);
    let mut other = (0..u64::MAX).map(|p| p % space);
    // A few of `other`'s pages first, so that `gone`'s top-level table is not always frame 1.
    let first = rng.rand_range(0..3).min(kept);
    if first > 0 {
        lines.push(touches("other", other.by_ref().take(first as usize)));
    }
    lines.push("spawn gone flat".into());
    let mut gone_pages = (0..u64::MAX).map(|p| p % space);
    let turns = interleave(rng, kept - first, gone);
    lines.extend(turns.iter().map(|&(first, n)| {
        if first {
            touches("other", other.by_ref().take(n))
        } else {
            touches("gone", gone_pages.by_ref().take(n))
        }
    }));
    lines.push("exit gone".into());
    lines.push(format!("spawn {PROCESS} flat"));
    let mut order = pages.to_vec();
    shuffle(rng, &mut order);
    let mut order = order.into_iter();
    for (first, n) in interleave(rng, pages.len() as u32, kept_later) {
        lines.push(if first {
            touches(PROCESS, order.by_ref().take(n))
        } else {
            touches("other", other.by_ref().take(n))
        });
    }
    lines.join("\n") + "\n"
}

/// A `refs` line: `name` touches `pages`.
fn touches(name: &str, pages: impl Iterator<Item = u64>) -> String {
    let pages: Vec<String> = pages.map(|p| p.to_string()).collect();
    format!("refs {name} {}", pages.join(" "))
}

/// `a` turns of a first process and `b` of a second in a random order, as runs: `(first?, how
/// many in a row)`.
fn interleave(rng: &mut Rand32, mut a: u32, mut b: u32) -> Vec<(bool, usize)> {
    let mut runs: Vec<(bool, usize)> = Vec::new();
    while a + b > 0 {
        let first = rng.rand_range(0..a + b) < a;
        if first {
            a -= 1
        } else {
            b -= 1
        }
        match runs.last_mut() {
            Some((was, n)) if *was == first => *n += 1,
            _ => runs.push((first, 1)),
        }
    }
    runs
}

/// Runs the scenario to its end.
fn build(text: &str) -> Result<Run, String> {
    let mut run = Run::new(parse(text).map_err(|e| format!("internal: {e}"))?).map_err(|e| format!("internal: {e}"))?;
    run.run_to_end().map_err(|e| format!("internal: {e}"))?;
    Ok(run)
}

/// The process's tables as the engine keeps them, in frame order.
fn dump_tables(m: &Machine, pid: u32) -> Result<Vec<TableDump>, String> {
    let table = &m.process(pid).ok_or("internal: no process")?.page_table;
    let mut out = table
        .tables()
        .iter()
        .map(|t| {
            let entries = table.entry_targets(t.level, t.table).ok_or("internal: a table the dump cannot read")?;
            Ok(TableDump { frame: t.frame, level: t.level + 1, entries })
        })
        .collect::<Result<Vec<_>, String>>()?;
    out.sort_by_key(|t| t.frame);
    Ok(out)
}

/// `count` addresses: half of them in pages the process has (they translate), a quarter at an
/// empty entry of a last-level table, a quarter (with more than one level) at an empty entry of
/// an upper-level table, any level alike.
fn draw_addresses(rng: &mut Rand32, s: &Shape, pages: &[u64], count: usize) -> Vec<u64> {
    let (bits, levels) = (s.index_bits, s.levels);
    let n = 1u64 << bits;
    // The tables of level `l` (0 = top), each by the `l` indices above it.
    let tables_at = |l: u32| {
        let mut t: Vec<u64> = pages.iter().map(|&p| p >> (bits * (levels - l))).collect();
        t.dedup();
        t
    };
    (0..count)
        .map(|_| {
            let kind = rng.rand_range(0..4);
            let vpn = if kind < 2 {
                pages[rng.rand_range(0..pages.len() as u32) as usize]
            } else {
                // The level whose entry is empty: the last one, or (a quarter) one above it.
                let level = if kind == 2 || levels == 1 { levels - 1 } else { rng.rand_range(0..levels - 1) };
                let tables = tables_at(level);
                let table = tables[rng.rand_range(0..tables.len() as u32) as usize];
                let used = tables_at(level + 1);
                let empty: Vec<u64> =
                    (0..n).map(|i| table << bits | i).filter(|p| used.binary_search(p).is_err()).collect();
                let at = empty[rng.rand_range(0..empty.len() as u32) as usize];
                // Any indices below the empty entry: the walk stops there.
                let below = bits * (levels - 1 - level);
                at << below | rng.rand_range(0..1 << below) as u64
            };
            vpn << s.page_shift | rng.rand_range(0..1 << s.page_shift) as u64
        })
        .collect()
}

/// The engine's walk of `va` in process `pid`.
fn walk(m: &Machine, pid: u32, va: u64, page_shift: u32) -> Result<TranslateAddress, String> {
    let t: Translation = m.translate(pid, va).ok_or("internal: no process")?;
    let targets = t
        .entries
        .iter()
        .map(|e| match e.target {
            EntryTarget::TableFrame(f) | EntryTarget::Frame(f) if e.present => Some(f),
            _ => None,
        })
        .collect();
    Ok(TranslateAddress {
        va,
        vpn: t.vpn,
        offset: t.offset,
        indices: t.indices.clone(),
        walk: t.table_frames.clone(),
        targets,
        pa: t.physical(page_shift),
    })
}

impl TranslateExercise {
    pub fn page_shift(&self) -> u32 {
        self.page_size.trailing_zeros()
    }

    pub fn faults(&self) -> usize {
        self.addresses.iter().filter(|a| a.pa.is_none()).count()
    }

    /// Faults whose walk stopped at the last level (the others stopped above it).
    pub fn last_level_faults(&self) -> usize {
        self.addresses.iter().filter(|a| a.fault_level() == Some(self.levels)).count()
    }

    /// Translations and faults both; with more than one level and three addresses or more, faults
    /// at an upper level and at the last both.
    fn well_mixed(&self) -> bool {
        let (faults, last) = (self.faults(), self.last_level_faults());
        let both = faults > 0 && faults < self.addresses.len();
        both && (self.levels == 1 || self.addresses.len() < 3 || (last > 0 && last < faults))
    }

    /// The address in binary, one field per level's index and the offset: `00011 00101 11100`.
    pub fn fields(&self, va: u64) -> String {
        let shift = self.page_shift();
        let mut out: Vec<String> = (0..self.levels)
            .map(|l| {
                let at = shift + self.index_bits * (self.levels - 1 - l);
                format!("{:0w$b}", (va >> at) & ((1 << self.index_bits) - 1), w = self.index_bits as usize)
            })
            .collect();
        out.push(format!("{:0w$b}", va & (self.page_size - 1), w = shift as usize));
        out.join(" ")
    }

    /// The walk in words, as the answer key gives it: `L1[3] → frame 17, L2[5] → frame 9, offset
    /// 0x1c → pa 0x13c`, or `L1[3] → frame 17, L2[5] not valid → fault: not present`.
    pub fn explain(&self, a: &TranslateAddress) -> String {
        let mut steps: Vec<String> = a
            .targets
            .iter()
            .zip(&a.indices)
            .enumerate()
            .map(|(l, (target, index))| match target {
                Some(f) => format!("L{}[{index}] → frame {f}", l + 1),
                None => format!("L{}[{index}] not valid → fault: not present", l + 1),
            })
            .collect();
        if let Some(pa) = a.pa {
            steps.push(format!("offset {:#x} → pa {pa:#x}", a.offset));
        }
        steps.join(", ")
    }

    /// The question's first part: the machine, the base register and the tables' dump.
    pub fn describe(&self) -> String {
        let shift = self.page_shift();
        let vpn_bits = self.levels * self.index_bits;
        let split = if self.levels == 1 {
            format!("the {vpn_bits}-bit page number is the index into one page table (L1)")
        } else {
            let names: Vec<String> = (1..=self.levels).map(|l| format!("L{l}")).collect();
            format!(
                "the {vpn_bits}-bit page number splits into {} indices of {} bits, the top level's first ({})",
                self.levels,
                self.index_bits,
                names.join(", ")
            )
        };
        let phys_bits = shift + self.frames.trailing_zeros();
        let mut out = vec![
            format!(
                "Machine: {}-bit virtual addresses, pages of {} bytes (offset: {shift} bits); {split}; {} frames \
                 ({} bytes of physical memory, {phys_bits}-bit physical addresses).",
                self.va_bits,
                self.page_size,
                self.frames,
                crate::engine::types::group(self.page_size * self.frames as u64),
            ),
            format!("Base register (pdbr): frame {}, which holds the top-level table.", self.pdbr),
            "Page tables in memory, frame by frame: one byte per entry in hex, the top bit (0x80) valid and the \
             low 7 bits the frame it points at (a table's at upper levels, the page's at the last); 00: not valid. \
             Rows of 8 entries, each row's first index in brackets."
                .to_string(),
        ];
        out.extend(self.dump());
        out.join("\n")
    }

    /// The tables' dump: `frame  17  [ 0] 00 91 00 00 00 00 00 00`, one line per row (a blank
    /// line between tables of more than one row).
    pub fn dump(&self) -> Vec<String> {
        let width = self.frames.saturating_sub(1).to_string().len();
        let iw = (self.tables.first().map_or(1, |t| t.entries.len()) - 1).to_string().len();
        let mut out = Vec::new();
        for (i, t) in self.tables.iter().enumerate() {
            // Tables of several rows each stand apart.
            if i > 0 && t.entries.len() > ROW {
                out.push(String::new());
            }
            for (row, entries) in t.entries.chunks(ROW).enumerate() {
                let head = if row == 0 { format!("frame {:>width$}", t.frame) } else { " ".repeat(6 + width) };
                let bytes: Vec<String> = entries.iter().map(|e| format!("{:02x}", e.map_or(0, |f| 0x80 | f))).collect();
                out.push(format!("{head}  [{:>iw$}] {}", row * ROW, bytes.join(" ")));
            }
        }
        out
    }

    /// The answers counted: `6 translate, 4 fault (2 at an upper level, 2 at the last).`
    pub fn summary(&self) -> String {
        let (faults, last) = (self.faults(), self.last_level_faults());
        let kinds = if self.levels == 1 {
            String::new()
        } else {
            format!(" ({} at an upper level, {last} at the last)", faults - last)
        };
        format!("{} translate, {faults} fault{kinds}.", self.addresses.len() - faults)
    }

    /// The whole text `pagesim exercise --kind translate` prints; `answers` adds the key.
    pub fn text(&self, answers: bool) -> String {
        let mut out = vec![
            format!(
                "Translation exercise (seed {}): {} of page tables.",
                self.seed,
                if self.levels == 1 { "one level".to_string() } else { format!("{} levels", self.levels) }
            ),
            self.describe(),
            String::new(),
            "For each virtual address, its physical address, or a fault if an entry on its walk is not valid:".into(),
        ];
        out.extend(self.addresses.iter().map(|a| format!("  VA {:#x}: physical address or fault?", a.va)));
        if answers {
            out.push(String::new());
            out.push("Answers (the engine's walks):".into());
            for a in &self.addresses {
                out.push(format!("  VA {:#x} = {}: {}", a.va, self.fields(a.va), self.explain(a)));
            }
            out.push(self.summary());
        }
        out.join("\n") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_exercise_and_every_kind_of_answer() {
        for levels in 1..=MAX_LEVELS {
            for seed in 0..60 {
                let e = translate_exercise(seed, 10, levels).unwrap();
                assert_eq!(e, translate_exercise(seed, 10, levels).unwrap());
                assert!(e.well_mixed(), "seed {seed}, levels {levels}");
                assert!((32..=4096).contains(&e.page_size) && (16..=128).contains(&e.frames));
                assert_eq!(e.tables.iter().filter(|t| t.level == 1).map(|t| t.frame).collect::<Vec<_>>(), [e.pdbr]);
            }
        }
        assert!(translate_exercise(1, 1, 2).is_err() && translate_exercise(1, MAX_COUNT + 1, 2).is_err());
        assert!(translate_exercise(1, 10, 0).is_err() && translate_exercise(1, 10, 4).is_err());
    }

    #[test]
    fn the_text_names_the_machine_and_the_walks() {
        let e = translate_exercise(42, 10, 2).unwrap();
        let q = e.text(false);
        assert!(q.contains(&format!("Base register (pdbr): frame {}", e.pdbr)), "{q}");
        assert!(q.contains(&format!("VA {:#x}: physical address or fault?", e.addresses[0].va)), "{q}");
        assert!(!q.contains("Answers"));
        let k = e.text(true);
        let a = e.addresses.iter().find(|a| a.pa.is_some()).unwrap();
        assert!(k.contains(&format!("→ pa {:#x}", a.pa.unwrap())), "{k}");
        assert!(k.contains("not valid → fault: not present"), "{k}");
    }
}
