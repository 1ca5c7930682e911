//! Every limit pagesim keeps, in one place, each with its reason. The engine, the scenario format,
//! links, traces and exercises read them here; the page gets them from `catalog().limits` and the
//! command line prints them (`pagesim limits`). A front end that wrote one down again would be a
//! second source of truth.

// ----- the machine (`config` keys) ---------------------------------------------------------------

/// Physical frames a machine may have.
pub const MAX_FRAMES: u32 = 1 << 20;
/// Page sizes: the powers of two from 16 bytes to 64 KiB.
pub const PAGE_SIZES: [u64; 13] = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
/// Virtual address widths: up to a whole u64 (a 64-bit space's last byte is `u64::MAX`, and its
/// size, 2^64, is counted in u128 where it is needed).
pub const MIN_VA_BITS: u32 = 8;
pub const MAX_VA_BITS: u32 = 64;
/// Page-table levels.
pub const MAX_LEVELS: u32 = 5;
/// Swap slots.
pub const MAX_SWAP_SLOTS: u32 = 1 << 22;
/// TLB entries (a page-table entry names its TLB slot in two bytes).
pub const MAX_TLB_ENTRIES: u32 = 4096;
/// Longest timer period, in time units.
pub const MAX_TIMER: u64 = 1 << 40;
/// Largest seed and latest time: JavaScript numbers hold integers exactly up to 2^53 − 1.
pub const MAX_SEED: u64 = (1 << 53) - 1;
pub const MAX_TIME: u64 = (1 << 53) - 1;
/// The machine's state (`config budget=`): default, least and most (WebAssembly memory tops out at
/// 4 GiB).
pub const DEFAULT_BUDGET: u64 = 256 << 20;
pub const MIN_BUDGET: u64 = 1 << 20;
pub const MAX_BUDGET: u64 = 3 << 30;
/// A scenario's step-back history (`config history=`): default, least and most.
pub const DEFAULT_HISTORY: u64 = 64 << 20;
pub const MIN_HISTORY: u64 = 1 << 20;
pub const MAX_HISTORY: u64 = 1 << 30;
/// What memory costs (`config ram_ns= minor_ns= disk=`), in nanoseconds: the defaults, and the
/// most one memory access and one fault or disk transfer may cost (a minute: slower than any disk).
/// The statistics count nanoseconds in u64 (584 years); a sum that would pass it stays at the top.
pub const DEFAULT_RAM_NS: u64 = 100;
pub const DEFAULT_MINOR_NS: u64 = 1_000;
pub const DEFAULT_DISK_NS: u64 = 100_000;
pub const MAX_RAM_NS: u64 = 1_000_000;
pub const MAX_EVENT_NS: u64 = 60_000_000_000;
/// Processes one machine creates (a runaway script stops here).
pub const MAX_PROCESSES: usize = 4096;

// ----- texts, links, traces --------------------------------------------------------------------

/// Largest scenario text read (files; links carry less).
pub const MAX_SCENARIO_BYTES: usize = 64 << 20;
/// Largest scenario a link carries once decompressed (a URL stays shareable).
pub const MAX_LINK_TEXT_BYTES: usize = 256 * 1024;
/// Most accesses of a trace read whole (the page's trace dialog, curves).
pub const MAX_TRACE_ACCESSES: usize = 100_000_000;
/// Most bytes of trace text read whole (after gzip).
pub const MAX_TRACE_TEXT: u64 = 1 << 30;
/// Largest trace file the page reads whole (the replay with its curves and step-by-step windows);
/// a larger one is replayed as it is read, with memory bounded by the machine, and no curves.
pub const PAGE_TRACE_WHOLE: usize = 64 << 20;
/// Most frame counts of a fault curve (by default: the trace's distinct pages, up to this).
pub const MAX_CURVE: usize = 65_536;
/// Accesses of a trace opened as a scenario window (the page steps through at most this many).
pub const STEP_WINDOW: usize = 5000;

// ----- exercises and the grid --------------------------------------------------------------------

/// Frames, accesses and pages of a reference-string exercise (a grid a student can work by hand,
/// and more); a string that never repeats the page just used needs two pages.
pub const EXERCISE_MAX_FRAMES: u32 = 64;
pub const EXERCISE_MAX_LENGTH: usize = 1000;
pub const EXERCISE_MIN_PAGES: u64 = 2;
pub const EXERCISE_MAX_PAGES: u64 = 64;
/// Largest exercise seed (the page's number field holds it; the generator is 32-bit).
pub const EXERCISE_MAX_SEED: u64 = u32::MAX as u64;
/// Page-table levels and addresses of a translation exercise (`--kind translate`): a walk worked
/// by hand, a worksheet rather than a trace.
pub const TRANSLATE_MAX_LEVELS: u32 = 3;
pub const TRANSLATE_MAX_COUNT: usize = 100;
/// The grid's columns (accesses) and rows (frames).
pub const GRID_MAX_COLUMNS: usize = 1000;
pub const GRID_MAX_ROWS: u32 = 64;

/// One limit as the page and `pagesim limits` show it.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct Limit {
    /// The `config` key, flag or field it bounds.
    pub name: &'static str,
    pub min: u64,
    pub max: u64,
    pub why: &'static str,
}

/// Every limit users meet, by the name they meet it under.
pub const ALL: &[Limit] = &[
    Limit { name: "frames", min: 1, max: MAX_FRAMES as u64, why: "physical frames of one machine" },
    Limit { name: "vbits", min: MIN_VA_BITS as u64, max: MAX_VA_BITS as u64, why: "bits of a virtual address" },
    Limit { name: "levels", min: 1, max: MAX_LEVELS as u64, why: "page-table levels" },
    Limit { name: "tlb", min: 0, max: MAX_TLB_ENTRIES as u64, why: "TLB entries (0: no TLB)" },
    Limit { name: "swap", min: 0, max: MAX_SWAP_SLOTS as u64, why: "swap slots (0: no swap)" },
    Limit {
        name: "page",
        min: PAGE_SIZES[0],
        max: PAGE_SIZES[PAGE_SIZES.len() - 1],
        why: "bytes per page, a power of two",
    },
    Limit { name: "ram_ns", min: 1, max: MAX_RAM_NS, why: "nanoseconds of one memory access" },
    Limit { name: "minor_ns", min: 0, max: MAX_EVENT_NS, why: "nanoseconds of the kernel's work in a minor fault" },
    Limit { name: "disk", min: 1, max: MAX_EVENT_NS, why: "nanoseconds of one page read or written on disk" },
    Limit { name: "timer", min: 1, max: MAX_TIMER, why: "time units between timer interrupts" },
    Limit { name: "seed", min: 0, max: MAX_SEED, why: "JavaScript numbers hold integers exactly up to 2^53 - 1" },
    Limit {
        name: "budget",
        min: MIN_BUDGET,
        max: MAX_BUDGET,
        why: "bytes of machine state (WebAssembly memory tops out at 4 GiB)",
    },
    Limit { name: "history", min: MIN_HISTORY, max: MAX_HISTORY, why: "bytes of step-back history" },
    Limit { name: "processes", min: 0, max: MAX_PROCESSES as u64, why: "processes one machine creates" },
    Limit { name: "time", min: 0, max: MAX_TIME, why: "time units on the clock (2^53 - 1, as JavaScript counts)" },
    Limit { name: "scenarioBytes", min: 0, max: MAX_SCENARIO_BYTES as u64, why: "bytes of scenario text read" },
    Limit { name: "linkBytes", min: 0, max: MAX_LINK_TEXT_BYTES as u64, why: "bytes of scenario a share link carries" },
    Limit { name: "traceAccesses", min: 0, max: MAX_TRACE_ACCESSES as u64, why: "accesses of a trace read whole" },
    Limit { name: "traceBytes", min: 0, max: MAX_TRACE_TEXT, why: "bytes of trace text read whole" },
    Limit {
        name: "pageTraceWhole",
        min: 0,
        max: PAGE_TRACE_WHOLE as u64,
        why: "bytes of a trace file the page reads whole; larger ones are replayed as they are read",
    },
    Limit { name: "curve", min: 1, max: MAX_CURVE as u64, why: "frame counts of one fault curve" },
    Limit { name: "stepWindow", min: 1, max: STEP_WINDOW as u64, why: "accesses of a trace opened as a scenario" },
    Limit { name: "exerciseFrames", min: 1, max: EXERCISE_MAX_FRAMES as u64, why: "frames of an exercise" },
    Limit { name: "exerciseLength", min: 1, max: EXERCISE_MAX_LENGTH as u64, why: "accesses of an exercise" },
    Limit {
        name: "exercisePages",
        min: EXERCISE_MIN_PAGES,
        max: EXERCISE_MAX_PAGES,
        why: "pages of an exercise (no page twice in a row needs two)",
    },
    Limit { name: "exerciseSeed", min: 0, max: EXERCISE_MAX_SEED, why: "exercise seeds" },
    Limit {
        name: "translateLevels",
        min: 1,
        max: TRANSLATE_MAX_LEVELS as u64,
        why: "page-table levels of a translation exercise",
    },
    Limit {
        name: "translateCount",
        min: 2,
        max: TRANSLATE_MAX_COUNT as u64,
        why: "addresses of a translation exercise",
    },
    Limit { name: "gridColumns", min: 1, max: GRID_MAX_COLUMNS as u64, why: "accesses the grid shows" },
    Limit { name: "gridRows", min: 1, max: GRID_MAX_ROWS as u64, why: "frames the grid shows" },
];

/// The limit called `name`.
pub fn limit(name: &str) -> Option<&'static Limit> {
    ALL.iter().find(|l| l.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_has_a_reason_and_a_range() {
        for l in ALL {
            assert!(l.min <= l.max && !l.why.is_empty(), "{}", l.name);
        }
        let mut names: Vec<&str> = ALL.iter().map(|l| l.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL.len(), "names are unique");
        assert_eq!(limit("frames").map(|l| l.max), Some(1 << 20));
    }
}
