//! The gallery of built-in scenarios, each with a one-paragraph explanation. They live in Rust so
//! the CLI tests, the link tests and the page all use the same texts.

/// One preset: a stable id (used in links and tests), a title, what it teaches, and its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub text: &'static str,
    /// The page plots this preset's faults under each compared policy for 1–8 frames.
    pub compare: bool,
}

pub const PRESETS: &[Preset] = &[
    Preset {
        id: "demand-paging",
        compare: false,
        title: "Demand paging",
        summary: "Allocating memory only reserves addresses: no frame is used until a page is first touched. \
                  Each first touch is a minor page fault that hands the page a zero-filled frame; \
                  later accesses to the same page are hits. Watch the heap strip stay hollow until it is used.",
        text: "\
config frames=4 page=4K vbits=16 swap=8 tlb=2 policy=lru
spawn A code=1
alloc A heap 32K rw
note A reserved 8 pages of heap. No frame is used yet.
note The first touch of each page is a minor fault: a zero-filled frame.
write A 0x2000 1
write A 0x3000 2
read A 0x2004
note Reading a never-written byte gives 0 (zero-fill).
read A 0x5000
note Code is read from the executable on first use: a major fault (disk I/O).
read A 0x1000
read A 0x2000
read A 0x3000
note Only 4 of A's 9 mapped pages ever used a frame.
",
    },
    Preset {
        id: "null-pointer",
        compare: false,
        title: "Null pointer",
        summary: "Page 0 of every address space is a guard page that is never mapped, so dereferencing a null \
                  pointer (or a small offset from one) is caught as a segmentation fault, not a page fault. \
                  The kernel ends the process and frees its memory; other processes carry on.",
        text: "\
config frames=4 page=4K vbits=16 swap=8 tlb=0 policy=fifo
spawn A code=1
spawn B code=1
alloc A heap 8K rw
alloc B heap 8K rw
write A 0x2000 7
write B 0x2000 9
note A follows a null pointer plus a field offset: address 0x0008, page 0.
read A 0x0008
note A was killed and its frames freed. B is unaffected.
read B 0x2000
",
    },
    Preset {
        id: "read-only-code",
        compare: false,
        title: "Read-only code",
        summary: "Program code is mapped read-only from the executable. Reading it is fine (a major fault loads \
                  it from the file); writing it is a protection fault. Because code is never dirty, an evicted \
                  code page is simply dropped and re-read later: it never goes to swap.",
        text: "\
config frames=2 page=4K vbits=16 swap=8 tlb=0 policy=fifo
spawn A code=3
note Executing code: each code page is read from the executable.
read A 0x1000
read A 0x2000
note Memory is full: the oldest code page is dropped, not swapped (it is clean and in the file).
read A 0x3000
read A 0x1000
note Now a buggy store into the code segment.
write A 0x1010 255
",
    },
    Preset {
        id: "isolation",
        compare: false,
        title: "Isolation",
        summary: "Every process has its own page table, so the same virtual address in two processes is two \
                  different pages in different frames. A and B both use address 0x4000 without seeing each \
                  other's data, and B cannot reach A's memory at all: an address A maps is unmapped in B.",
        text: "\
config frames=4 page=4K vbits=16 swap=8 tlb=4 policy=lru segv=report
spawn A
spawn B
alloc A data 4K rw at 0x4000
alloc B data 4K rw at 0x4000
write A 0x4000 11
write B 0x4000 22
note Same virtual address, different frames, different values:
read A 0x4000
read B 0x4000
alloc A secret 4K rw at 0x8000
write A 0x8000 42
note B tries A's secret address: in B it is unmapped (segv=report keeps B running).
read B 0x8000
read A 0x8000
",
    },
    Preset {
        id: "swapping",
        compare: false,
        title: "Swapping",
        summary: "With four frames and six pages in use, the kernel must evict. A dirty page (or one that was \
                  never written to swap) is written to a swap slot; when it is needed again a major page fault \
                  reads it back, with its data intact. A clean page whose copy is still in swap is dropped for free.",
        text: "\
config frames=4 page=4K vbits=16 swap=8 tlb=0 policy=lru
spawn A
alloc A buffer 24K rw
note A fills six pages; only four fit in memory.
write A 0x1000 10
write A 0x2000 20
write A 0x3000 30
write A 0x4000 40
write A 0x5000 50
write A 0x6000 60
note Reading the first pages back: major faults from swap, values intact.
read A 0x1000
read A 0x2000
note Page 1 was just read back and not changed: its copy in swap is still good.
read A 0x3000
read A 0x4000
read A 0x5000
read A 0x6000
read A 0x1000
",
    },
    Preset {
        id: "belady",
        compare: true,
        title: "Belady's anomaly",
        summary: "With FIFO replacement, more memory can mean more page faults. The reference string \
                  1 2 3 4 1 2 5 1 2 3 4 5 takes 9 faults with 3 frames but 10 with 4. The plot below shows \
                  the faults for 1–8 frames under each policy (or set frames to 3 in Settings and step through): \
                  LRU and OPT never behave this way.",
        text: "\
config frames=4 page=4K vbits=16 swap=16 tlb=0 policy=fifo
spawn T flat
note FIFO with 4 frames. Count the faults, then try frames=3.
refs T 1 2 3 4 1 2 5 1 2 3 4 5
",
    },
    Preset {
        id: "thrashing",
        compare: true,
        title: "Thrashing",
        summary: "Two processes whose working sets together exceed memory take turns evicting each other's \
                  pages: nearly every access is a page fault and little useful work gets done. When one of them \
                  exits, the other's working set fits and the faults stop.",
        text: "\
config frames=6 page=4K vbits=16 swap=16 tlb=0 policy=lru
spawn A flat
spawn B flat
note A and B each loop over 4 pages, taking turns; 8 pages do not fit in 6 frames.
refs A 1 2 3 4
refs B 1 2 3 4
refs A 1 2 3 4
refs B 1 2 3 4
refs A 1 2 3 4
refs B 1 2 3 4
note B exits: A's working set fits.
exit B
refs A 1 2 3 4
refs A 1 2 3 4
",
    },
    Preset {
        id: "lru-fifo-opt",
        compare: true,
        title: "LRU vs FIFO vs OPT",
        summary: "The classic reference string 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1 with 3 frames: \
                  FIFO takes 15 page faults, LRU 12 and OPT (Belady's optimal, which knows the future) 9. \
                  Change the policy in Settings and step through to see which victim each one picks.",
        text: "\
config frames=3 page=4K vbits=16 swap=16 tlb=0 policy=lru
spawn T flat
note LRU evicts the page unused for longest. FIFO: 15 faults, LRU: 12, OPT: 9.
refs T 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1
",
    },
    Preset {
        id: "clock",
        compare: true,
        title: "Second chance (CLOCK)",
        summary: "CLOCK approximates LRU cheaply: frames form a circle with a hand; a referenced page gets a \
                  second chance (its bit is cleared and the hand moves on) and the first page found with a \
                  clear bit is evicted. Here pages 5 and 1 are used again while in memory, so CLOCK spares \
                  them where FIFO throws them out by age: with 4 frames FIFO takes 14 faults, CLOCK 11 (LRU \
                  12). Watch the hand and the dots (referenced) on the frames.",
        text: "\
config frames=4 page=4K vbits=16 swap=16 tlb=0 policy=clock
spawn T flat
note Pages 5 and 1 come back often: watch CLOCK give them a second chance.
refs T 2 7 5 5 4 6 2 5 1 5 1 3 6 1 2 1 5 3
",
    },
    Preset {
        id: "tlb",
        compare: false,
        title: "TLB and context switches",
        summary: "The TLB caches recent translations so most accesses skip the page-table walk. It holds no \
                  process tags here, so switching between processes flushes it and the first accesses after a \
                  switch miss again.",
        text: "\
config frames=8 page=4K vbits=16 swap=8 tlb=4 policy=lru
spawn A code=2
spawn B code=2
read A 0x1000
read A 0x1004
read A 0x2000
read A 0x1008
note Next, B runs: switching to it flushes the TLB.
read B 0x1000
read B 0x1004
note Next, A again: that switch flushes the TLB too, so A's translations are gone.
read A 0x1000
read A 0x2000
",
    },
    Preset {
        id: "tagged-tlb",
        compare: false,
        title: "Tagged TLB",
        summary: "With asid=on each TLB entry carries its process's tag (an address-space id, x86's PCID), so \
                  a switch does not flush the TLB: after the first round every access hits, though the two \
                  processes take turns. Without tags (the TLB and context switches preset) each switch would \
                  empty it and every first access after a switch would miss and walk the page table.",
        text: "\
config frames=8 page=4K vbits=16 swap=8 tlb=4 asid=on policy=lru
spawn A code=2
spawn B code=2
read A 0x1000
read A 0x2000
read B 0x1000
read B 0x2000
note The TLB now holds A's two pages and B's two, each tagged with its process.
read A 0x1000
read B 0x1000
read A 0x2000
read B 0x2000
note Four switches, four hits: nothing was flushed.
",
    },
    Preset {
        id: "tlb-sets",
        compare: false,
        title: "TLB sets: conflict misses",
        summary: "A set-associative TLB puts each translation in one set, chosen by the page number's low bits \
                  (tlb_ways=1: one entry a set, direct-mapped). Pages 1 and 5 both go in set 1 of 4, so they \
                  evict each other while three sets stay empty: conflict misses, which a fully associative TLB \
                  of the same size would not have.",
        text: "\
config frames=8 page=4K vbits=16 swap=8 tlb=4 tlb_ways=1 policy=lru
spawn A
alloc A data 28K rw at 0x1000
write A 0x1000 1
write A 0x5000 5
note Page 5 went in set 5 mod 4 = 1, where page 1 was: page 1's translation is gone.
read A 0x1000
read A 0x5000
read A 0x1000
note Two pages, four entries, and still every access misses: a conflict.
read A 0x2000
read A 0x2000
note Page 2 has set 2 to itself: a hit.
",
    },
    Preset {
        id: "page-tables-cost",
        compare: false,
        title: "Page tables cost memory",
        summary: "With tables=ram every page table takes a frame, as on real hardware. A 48-bit space has four \
                  levels of 512-entry tables, and a page needs a table at every level on its way: three pages \
                  far apart cost ten frames of tables (a sparse space), while eight neighbouring pages share \
                  one table per level (a dense one). When memory fills, a page goes, never a table that still \
                  maps something; a table goes with its last entry.",
        text: "\
config frames=24 page=4K vbits=48 levels=4 swap=16 tlb=0 policy=lru tables=ram
spawn A
note A's top-level table took a frame as A started: before A has touched any memory.
alloc A low 4K rw at 0x1000
alloc A middle 4K rw at 0x400000000000
alloc A top 4K rw at 0x7ffffffff000
write A 0x1000 1
note One page, and three more tables on its walk: 4 KiB of data, 16 KiB of tables.
write A 0x400000000000 2
note A page far away shares only the top table: three new tables again.
write A 0x7ffffffff000 3
note Sparse: 3 pages of data, 10 frames of page tables.
spawn B
alloc B dense 32K rw at 0x1000
write B 0x1000 1
write B 0x2000 2
write B 0x3000 3
write B 0x4000 4
write B 0x5000 5
write B 0x6000 6
write B 0x7000 7
note Dense: B's pages share one table per level. Memory is full now.
write B 0x8000 8
note The fault evicted a page (the least recently used), never a table.
free A middle
note Freeing A's middle page emptied three tables: they went with it (released 4 frames).
",
    },
    Preset {
        id: "huge-pages",
        compare: false,
        title: "Huge pages and TLB reach",
        summary: "A TLB of 8 entries reaches 8 pages: 32 KiB with 4 KiB pages, 16 MiB with 2 MiB huge pages. \
                  A and B read the same 16 addresses, 256 KiB apart, twice. A's 16 small pages never fit its \
                  TLB: every access misses and walks four levels. B's region is mapped with huge pages \
                  (alloc … huge): the 16 addresses fall in 2 huge pages, 2 TLB entries, and after the first \
                  touches every access hits. The price: each huge page's first touch zero-fills 512 frames.",
        text: "\
config frames=1600 page=4K vbits=48 levels=4 swap=0 tlb=8 asid=on policy=lru
spawn A
spawn B
alloc A data 4M rw at 0x40000000
alloc B data 4M rw huge at 0x40000000
note A reads 16 addresses 256 KiB apart: 16 small pages, each its own TLB entry.
read A 0x40000000
read A 0x40040000
read A 0x40080000
read A 0x400c0000
read A 0x40100000
read A 0x40140000
read A 0x40180000
read A 0x401c0000
read A 0x40200000
read A 0x40240000
read A 0x40280000
read A 0x402c0000
read A 0x40300000
read A 0x40340000
read A 0x40380000
read A 0x403c0000
note Round two: 16 pages through 8 TLB entries, least recently used first: every one misses again.
read A 0x40000000
read A 0x40040000
read A 0x40080000
read A 0x400c0000
read A 0x40100000
read A 0x40140000
read A 0x40180000
read A 0x401c0000
read A 0x40200000
read A 0x40240000
read A 0x40280000
read A 0x402c0000
read A 0x40300000
read A 0x40340000
read A 0x40380000
read A 0x403c0000
note B reads the same 16 addresses, in 2 huge pages of 2 MiB: one fault each fills 512 frames.
read B 0x40000000
read B 0x40040000
read B 0x40080000
read B 0x400c0000
read B 0x40100000
read B 0x40140000
read B 0x40180000
read B 0x401c0000
read B 0x40200000
read B 0x40240000
read B 0x40280000
read B 0x402c0000
read B 0x40300000
read B 0x40340000
read B 0x40380000
read B 0x403c0000
note Round two: the 2 huge pages' entries cover all 16 addresses: every access hits.
read B 0x40000000
read B 0x40040000
read B 0x40080000
read B 0x400c0000
read B 0x40100000
read B 0x40140000
read B 0x40180000
read B 0x401c0000
read B 0x40200000
read B 0x40240000
read B 0x40280000
read B 0x402c0000
read B 0x40300000
read B 0x40340000
read B 0x40380000
read B 0x403c0000
",
    },
    Preset {
        id: "shared-libraries",
        compare: false,
        title: "Shared libraries",
        summary: "Two processes running the same program share one copy of its code: each code page is read \
                  from the executable once, and the second process to touch it just maps the same frame (a \
                  minor fault, no disk read). Their data stays private. Lines from both address spaces meet \
                  in one frame; the frame shows how many pages map it.",
        text: "\
config frames=6 page=4K vbits=16 swap=8 tlb=0 policy=fifo
spawn A code=3 exe=libc
spawn B code=3 exe=libc
note A and B both run libc: its 3 code pages are mapped in both.
read A 0x1000
read A 0x2000
note B finds page 1 in memory already: a minor fault, nothing read, one frame for both.
read B 0x1000
read B 0x2000
read B 0x3000
note A finds page 3 in memory too: B loaded it.
read A 0x3000
alloc A heap 4K rw
alloc B heap 4K rw
note Their data is private: the same address, two frames.
write A 0x4000 1
write B 0x4000 2
exit A
note A exited: the code frames stay, B still maps them.
read B 0x1000
",
    },
    Preset {
        id: "fork-cow",
        compare: false,
        title: "Fork and copy-on-write",
        summary: "fork gives the child a copy of the parent's memory without copying anything: every page the \
                  parent touched is now mapped by both, read-only and copy-on-write. The first write to such a \
                  page is a copy-on-write fault that copies just that page; a write by its last user simply \
                  makes it writable again. Here the child writes one page of three.",
        text: "\
config frames=6 page=4K vbits=16 swap=8 tlb=0 policy=fifo
spawn P code=1
alloc P data 12K rw
write P 0x2000 1
write P 0x3000 2
write P 0x4000 3
note fork: C gets P's memory without a copy. All 3 pages are shared, copy-on-write.
fork P C
read C 0x2000
note C writes one page of three: only that page is copied.
write C 0x3000 20
read P 0x3000
read C 0x3000
note After the fork no write by one is visible to the other. C exits.
exit C
note P is the last user: writing needs no copy, the page just becomes writable.
write P 0x2000 9
",
    },
    Preset {
        id: "shared-memory",
        compare: false,
        title: "Shared memory vs isolation",
        summary: "The same virtual address in two processes is normally two different pages: what one writes \
                  the other never sees. A shared-memory object mapped by both is one set of pages: what one \
                  writes the other reads. Evicted, a shared page goes to swap once, and is unmapped from both.",
        text: "\
config frames=3 page=4K vbits=16 swap=8 tlb=0 policy=fifo
spawn A
spawn B
alloc A priv 4K rw at 0x4000
alloc B priv 4K rw at 0x4000
note The same address in A and B: two private pages.
write A 0x4000 1
write B 0x4000 2
read A 0x4000
note Now both map shared memory object chat at 0x8000.
alloc A buf 8K rw shared=chat at 0x8000
alloc B buf 8K rw shared=chat at 0x8000
write A 0x8000 7
note B reads what A wrote.
read B 0x8000
write B 0x9000 8
read A 0x9000
note Memory is full. A's private page comes back from swap…
read A 0x4000
note … then B's: the victim is shared page 8. It goes to swap once, unmapped from both.
read B 0x4000
note A reads it back: one swap-in, and both map the frame again.
read A 0x8000
read B 0x8000
",
    },
    Preset {
        id: "mapped-file",
        compare: false,
        title: "Mapped file",
        summary: "A mapped file's pages are read from the file on first touch (major faults). When memory runs \
                  out, a dirty file page is written back to the file, not to swap; a clean one is simply \
                  dropped. Reading it again brings back what was written, from the file.",
        text: "\
config frames=2 page=4K vbits=16 swap=4 tlb=0 policy=fifo
spawn A
alloc A map 8K rw file=notes.txt
note Each page of the file is read from it on first touch.
read A 0x1000
write A 0x1000 42
read A 0x2000
alloc A heap 4K rw
note Memory is full: the next access makes room by writing the dirty file page back to the file (no swap slot).
write A 0x3000 5
note Next, the clean file page is dropped to make room: its bytes are still in the file.
read A 0x1000
note 42 came back from the file.
",
    },
];

/// The preset with this id.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

/// The preset a scenario is, and whether with the preset's own settings: the same commands
/// (comments, spacing and case aside), whatever its `config` line says. A link to a preset whose
/// settings were changed keeps the preset's title, explanation and comparison plot.
pub fn preset_of(text: &str) -> Option<(&'static Preset, bool)> {
    let scenario = super::parse(text).ok()?;
    PRESETS.iter().find_map(|p| {
        let preset = super::parse(p.text).expect("presets parse");
        let same_commands = preset.commands.len() == scenario.commands.len()
            && preset.commands.iter().zip(&scenario.commands).all(|(a, b)| a.kind == b.kind);
        same_commands.then_some((p, preset.config == scenario.config))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_preset_is_known_with_other_settings_too() {
        let belady = super::preset("belady").unwrap();
        assert_eq!(super::preset_of(belady.text).map(|(p, same)| (p.id, same)), Some(("belady", true)));
        assert!(belady.text.contains("frames=4"));
        let other = belady.text.replacen("frames=4", "frames=3", 1).replacen("\n", "\n# three frames now\n", 1);
        assert_eq!(super::preset_of(&other).map(|(p, same)| (p.id, same)), Some(("belady", false)));
        assert_eq!(super::preset_of("spawn A\n"), None);
        assert_eq!(super::preset_of("not a scenario"), None);
    }

    use super::*;
    use crate::engine::events::AccessResult;
    use crate::engine::{Event, PolicyKind};
    use crate::scenario::{link, parse, Run};

    fn run(id: &str) -> Run {
        let mut run = Run::new(parse(preset(id).unwrap().text).unwrap()).unwrap();
        run.run_to_end().unwrap_or_else(|e| panic!("{id}: {e}"));
        run
    }

    fn accesses(run: &Run) -> Vec<AccessResult> {
        run.records(0, run.pos())
            .iter()
            .flat_map(|r| &r.events)
            .filter_map(|e| if let Event::Access(a) = e { Some(a.result) } else { None })
            .collect()
    }

    #[test]
    fn every_preset_runs_to_the_end_and_round_trips_as_a_link() {
        for p in PRESETS {
            let r = run(p.id);
            assert!(r.at_end(), "{}", p.id);
            r.machine().check_invariants().unwrap();
            assert_eq!(link::decode(&link::encode(p.text)).unwrap(), p.text);
            assert!(parse(&parse(p.text).unwrap().to_string()).unwrap().same_as(&parse(p.text).unwrap()));
        }
    }

    #[test]
    fn presets_show_what_they_promise() {
        let s = run("demand-paging").machine().stats().clone();
        // Three first touches (minor) and the code page read from the executable (major: disk I/O).
        assert_eq!((s.minor_faults, s.major_faults, s.resident), (3, 1, 4));

        let r = run("null-pointer");
        assert!(accesses(&r).iter().any(|a| matches!(a, AccessResult::SegmentationFault { .. })));
        assert_eq!(r.machine().process(1).unwrap().stats.hits, 1, "B carries on");

        // Tagged TLB: after the first four accesses, every access hits across the switches; the
        // direct-mapped TLB: pages 1 and 5 share set 1 and miss every time.
        use crate::engine::types::TlbLookup;
        let tlb_results = |id: &str| -> Vec<bool> {
            run(id)
                .records(0, usize::MAX)
                .iter()
                .flat_map(|r| &r.events)
                .filter_map(|e| if let Event::Access(a) = e { Some(a.tlb == TlbLookup::Hit) } else { None })
                .collect()
        };
        let tagged = tlb_results("tagged-tlb");
        assert_eq!(tagged[4..], [true; 4], "{tagged:?}");
        let r = run("page-tables-cost");
        let a = &r.machine().process(0).unwrap().stats;
        assert_eq!((a.table_frames, a.resident + a.swapped), (7, 2), "A after freeing its middle page");
        let b = &r.machine().process(1).unwrap().stats;
        assert_eq!(b.table_frames, 4, "dense: one table per level");
        assert!(r.machine().stats().swap_outs >= 1, "memory filled and a page went");
        r.machine().check_invariants().unwrap();
        let r = run("huge-pages");
        let (a, b) = (&r.machine().process(0).unwrap().stats, &r.machine().process(1).unwrap().stats);
        assert_eq!((a.tlb_misses, a.tlb_hits), (32, 0), "A: 16 pages never fit 8 entries");
        assert_eq!((b.tlb_misses, b.tlb_hits), (2, 30), "B: 2 huge pages, 2 entries");
        assert_eq!((a.minor_faults, b.minor_faults, b.resident), (16, 2, 1024));
        r.machine().check_invariants().unwrap();
        let sets = tlb_results("tlb-sets");
        assert_eq!(sets, [false, false, false, false, false, false, true]);

        let r = run("read-only-code");
        assert_eq!(r.machine().stats().protection_faults, 1);
        assert_eq!(r.machine().stats().swap_outs, 0, "code is dropped, never swapped");
        assert!(r.machine().stats().dropped >= 1);

        let r = run("isolation");
        let values: Vec<u8> = r
            .records(0, r.pos())
            .iter()
            .flat_map(|rec| &rec.events)
            .filter_map(|e| match e {
                Event::Access(a) if a.kind == crate::engine::AccessKind::Read && a.physical.is_some() => Some(a.value),
                _ => None,
            })
            .collect();
        assert_eq!(values, vec![11, 22, 42]);
        assert_eq!(r.machine().stats().segfaults, 1);

        let r = run("swapping");
        let s = r.machine().stats();
        assert!(s.swap_outs >= 2 && s.major_faults >= 2 && s.dropped >= 1, "{s:?}");

        assert_eq!(run("belady").machine().stats().faults, 10);
        assert_eq!(run("lru-fifo-opt").machine().stats().faults, 12);

        let r = run("thrashing");
        let a = &r.machine().process(0).unwrap().stats;
        assert!(a.faults >= 12, "thrashing: {a:?}");
        let tail: Vec<_> = accesses(&r).into_iter().rev().take(4).collect();
        assert!(tail.iter().all(|a| matches!(a, AccessResult::Hit { .. })), "after B exits A fits");

        let r = run("tlb");
        assert!(r.machine().stats().tlb_hits >= 2);
        // Sharing (README, *Memory that processes share*).
        let r = run("shared-libraries");
        let s = r.machine().stats();
        assert_eq!(s.major_faults, 3, "each code page is read from the executable once");
        assert_eq!(r.machine().process(1).unwrap().stats.minor_faults, 3, "B maps A's frames, then its heap");

        let r = run("fork-cow");
        assert_eq!(read_values(&r), vec![1, 2, 20], "C's write is invisible to P");
        let s = r.machine().stats();
        assert_eq!((s.cow_faults, r.machine().frames().used()), (2, 3), "one page copied; one made writable");

        let r = run("shared-memory");
        assert_eq!(read_values(&r), vec![1, 7, 8, 1, 2, 7, 7]);
        let shared_eviction = accesses(&r)
            .iter()
            .filter_map(|a| match a {
                AccessResult::PageFault { evicted: Some(e), .. } if e.others == 1 => Some(e.frame),
                _ => None,
            })
            .count();
        assert!(shared_eviction >= 1, "a shared page is evicted, unmapped from both");

        let r = run("mapped-file");
        let s = r.machine().stats();
        assert_eq!((s.file_writes, s.swap_outs), (1, 0), "the dirty page goes to the file, not to swap");
        assert_eq!(read_values(&r).last(), Some(&42));
    }

    fn read_values(r: &Run) -> Vec<u8> {
        r.records(0, r.pos())
            .iter()
            .flat_map(|rec| &rec.events)
            .filter_map(|e| match e {
                Event::Access(a) if a.kind == crate::engine::AccessKind::Read && a.physical.is_some() => Some(a.value),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_comparison_preset_gives_the_textbook_numbers_for_each_policy() {
        for (policy, faults) in [(PolicyKind::Fifo, 15), (PolicyKind::Lru, 12), (PolicyKind::Opt, 9)] {
            let mut s = parse(preset("lru-fifo-opt").unwrap().text).unwrap();
            s.config.policy = policy;
            let mut r = Run::new(s).unwrap();
            r.run_to_end().unwrap();
            assert_eq!(r.machine().stats().faults, faults, "{policy}");
        }
    }
}
