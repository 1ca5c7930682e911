//! The tour: the story of virtual memory in fourteen chapters, from machines without it to memory
//! that programs share. Each chapter is a scenario written for its point, a few plain sentences (no
//! word used before it is explained), one question to answer before a step, and what to notice.
//! The texts live here, beside the presets, so `pagesim tour`, the tests and the page read one copy.

use super::{parse, Run};
use serde::Serialize;

/// One chapter of the tour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Chapter {
    /// Stable id, for links (`#tour=ID`) and tests.
    pub id: &'static str,
    pub title: &'static str,
    /// What happens and why it matters, in a few plain sentences.
    pub text: &'static str,
    pub scenario: &'static str,
    /// The page stops before this step (1-based) and asks `question`.
    pub ask_at: usize,
    pub question: &'static str,
    pub answer: &'static str,
    /// What to look at once the chapter has run.
    pub notice: &'static str,
    /// The step a chapter opens at, so the picture already shows something.
    pub opens_at: usize,
    /// The same scenario on other machines, compared in numbers (`label`, extra `config` settings).
    pub variants: &'static [(&'static str, &'static str)],
}

/// The chapters, in order.
pub const CHAPTERS: &[Chapter] = &[
    Chapter {
        id: "before-vm",
        title: "Before virtual memory",
        text: "In the early days a program used the computer's memory directly: the address it wrote to was a \
               place in the memory chips. Two programs written for the same addresses then use the same bytes. \
               Here programs A and B were both written to keep a number at address 0x1000.",
        scenario: "\
config vm=off frames=8 page=4K vbits=16 tlb=0 policy=fifo
spawn A
spawn B
alloc A data 4K rw
alloc B data 4K rw
note A and B were both written to keep their number at 0x1000.
write A 0x1000 42
write B 0x1000 7
read A 0x1000
note A wanted its 42 back and got B's 7. Neither program did anything wrong.
note Memory is 8 frames of 4 KiB = 32 KiB. A program written for more cannot run at all:
read B 0x9000
",
        ask_at: 8,
        question: "A wrote 42 at 0x1000, then B wrote 7 at 0x1000. What does A read back?",
        answer: "7: both addresses are the same physical byte, so B's write replaced A's number.",
        notice: "Both programs' bars cover the same frame, marked as a clash. Past the last frame there is \
                 no memory at all: a program can never use more memory than the machine has.",
        opens_at: 6,
        variants: &[],
    },
    Chapter {
        id: "base-and-bounds",
        title: "Base and bounds",
        text: "The first fix: the operating system gives each program one block of memory and remembers where it \
               starts (the base) and how long it is (the bound). Every address a program uses is checked against \
               its bound and added to its base, so each program can start its addresses at 0 without clashing. \
               But a block must be one piece.",
        scenario: "\
config vm=base frames=8 page=4K vbits=16 tlb=0 policy=fifo segv=report
spawn A code=2
spawn B code=2
spawn C code=2
note Each program's address 0 is at a different place: its base.
write A 0x0 1
write B 0x0 2
read A 0x0
note C goes past its bound (2 pages = 0x2000 bytes): the check catches it.
read C 0x2000
note B finishes and gives its block back.
exit B
note Now 4 frames are free, in two holes. D needs 3 in a row:
spawn D code=3
",
        ask_at: 13,
        question: "Four frames are free and D needs three. Will D start?",
        answer: "No: the free frames are two holes of two frames each, and a block must be one piece. Free memory \
                 broken into holes too small to use is called external fragmentation.",
        notice: "The holes between blocks are labelled with their size. Enough memory is free in all, but not in \
                 one piece: base and bounds cannot split a program.",
        opens_at: 6,
        variants: &[],
    },
    Chapter {
        id: "address-space",
        title: "Each program its own address space",
        text: "Virtual memory cuts memory into pages and gives every program its own addresses, from 0 to the top \
               of a huge range (2^48 bytes here; 2^64 on a 64-bit machine). A table per program, the page table, \
               says where each page really is. The same address in two programs is two different places.",
        scenario: "\
config frames=8 page=4K vbits=48 levels=4 swap=16 tlb=4 policy=lru
spawn A
spawn B
alloc A data 4K rw at 0x1000
alloc B data 4K rw at 0x1000
alloc A far 4K rw at 0x7f0000000000
write A 0x1000 42
write B 0x1000 7
read A 0x1000
note A gets its 42 back: its page 1 and B's page 1 are different frames.
write A 0x7f0000000000 9
note A also uses an address 127 TiB up; it costs one frame, like any page.
",
        ask_at: 8,
        question: "A and B both used address 0x1000. What does A read back now?",
        answer: "42: each program's page 1 is mapped to its own frame.",
        notice: "Lines join each program's page to its frame: the two pages 1 go to different frames. The strip of \
                 A's space jumps over the empty terabytes in one gap.",
        opens_at: 7,
        variants: &[],
    },
    Chapter {
        id: "reserve",
        title: "Asking before using",
        text: "A program first asks the operating system for a range of addresses (malloc and mmap do this). \
               Asking only reserves the addresses: no memory is used yet. Using an address that was never asked for \
               is an error the hardware catches.",
        scenario: "\
config frames=4 page=4K vbits=16 swap=8 tlb=2 policy=lru
spawn A
alloc A heap 16K rw
note A reserved 4 pages. Look: the heap is hollow, no frame is used.
write A 0x1000 1
note One page touched, one frame used. The other three are still only reserved.
read A 0x8000
",
        ask_at: 6,
        question: "A reads 0x8000, an address it never reserved. What happens?",
        answer: "A segmentation fault: no region covers page 8, so the access is refused and A is stopped.",
        notice: "Reserved-but-untouched pages are hollow cells; only touched pages have a line to a frame.",
        opens_at: 3,
        variants: &[],
    },
    Chapter {
        id: "on-demand",
        title: "Memory on demand",
        text: "The first time a program touches a reserved page, the hardware finds no frame for it and stops: a page \
               fault. The operating system picks a free frame, fills it with zeros, and lets the program go on. \
               This costs about a microsecond, ten times a memory access. Later touches of the page are plain hits.",
        scenario: "\
config frames=4 page=4K vbits=16 swap=8 tlb=2 policy=lru
spawn A
alloc A heap 32K rw
write A 0x2000 1
write A 0x3000 2
read A 0x2004
note A byte never written reads as 0: the frame was zero-filled.
read A 0x2000
read A 0x3000
",
        ask_at: 7,
        question: "A reads page 2 again. Fault or hit?",
        answer: "A hit: page 2 got a frame at its first touch and keeps it.",
        notice: "Each first touch is a minor fault (the log says what it cost); the heap uses only the frames it touched.",
        opens_at: 3,
        variants: &[],
    },
    Chapter {
        id: "null",
        title: "The null page",
        text: "Page 0 of every program is never mapped. A common bug is using a pointer that is null (0), or a field \
               a few bytes past it. Because page 0 is never mapped, the mistake is caught at once instead of \
               quietly reading some other data.",
        scenario: "\
config frames=4 page=4K vbits=16 swap=8 tlb=0 policy=fifo
spawn A
spawn B
alloc A heap 8K rw
alloc B heap 8K rw
write A 0x1000 5
write B 0x1000 6
note A follows a null pointer to a field at offset 8:
read A 0x0008
read B 0x1000
",
        ask_at: 8,
        question: "A reads address 0x0008. What happens?",
        answer: "A segmentation fault: page 0 is the null guard page. A is stopped and its memory freed; B carries on.",
        notice: "Page 0 is crossed out in every strip. A's frames are freed; B still reads its 6.",
        opens_at: 6,
        variants: &[],
    },
    Chapter {
        id: "code",
        title: "Read-only code",
        text: "A program's instructions sit in pages marked read-only. Reading and running them is fine; writing \
               them is refused, so a bug (or an attack) cannot rewrite the program while it runs. The first read of a \
               code page loads it from the program's file on disk.",
        scenario: "\
config frames=4 page=4K vbits=16 swap=8 tlb=0 policy=fifo
spawn A code=2
read A 0x1000
read A 0x1010
note A's code is mapped read-only. Now a stray write lands in it:
write A 0x1010 99
",
        ask_at: 5,
        question: "A writes into its own code page. What happens?",
        answer: "A protection fault: the page is read-only. A is stopped before the code changes.",
        notice: "The first read was a major fault (read from the file on disk, 100 µs); the write never reached memory.",
        opens_at: 2,
        variants: &[],
    },
    Chapter {
        id: "swapping",
        title: "Swapping",
        text: "When every frame is in use and a program needs another, the operating system picks a page to move out \
               to disk (swap), and gives its frame to the new page. When the moved page is needed again, it is read \
               back, with exactly the bytes it had. Programs never notice, except that it takes time.",
        scenario: "\
config frames=4 page=4K vbits=16 swap=8 tlb=0 policy=lru
spawn A
alloc A buffer 24K rw
write A 0x1000 10
write A 0x2000 20
write A 0x3000 30
write A 0x4000 40
note Memory is full. Two more pages:
write A 0x5000 50
write A 0x6000 60
note Pages 1 and 2 went to swap. Now read page 1 again:
read A 0x1000
",
        ask_at: 11,
        question: "Page 1 was moved to swap. What value does A read at 0x1000?",
        answer: "10: the page comes back from swap with its bytes intact (a major fault, one disk read).",
        notice: "Swapped pages are drawn hatched with a line to their swap slot; the swap-in arrow shows the page coming back.",
        opens_at: 7,
        variants: &[],
    },
    Chapter {
        id: "unnoticed",
        title: "Swapping nobody notices",
        text: "Most programs keep memory they are not using right now: a document in a background tab, a game paused. \
               A good operating system moves those idle pages to disk while memory is short, and the programs in use \
               keep running at full speed. Here B filled a lot of memory earlier and is now idle; A is working.",
        scenario: "\
config frames=6 page=4K vbits=16 swap=32 tlb=4 policy=lru reclaim=1,2
spawn A
spawn B
alloc B old 24K rw
alloc A work 8K rw
note B fills six pages, then goes idle.
write B 0x1000 1
write B 0x2000 2
write B 0x3000 3
write B 0x4000 4
write B 0x5000 5
write B 0x6000 6
note A works on two pages, again and again.
write A 0x1000 1
write A 0x2000 2
refs A 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2 1 2
",
        ask_at: 13,
        question: "Memory is full of B's idle pages and A needs two frames. Will A slow down?",
        answer: "Hardly: the background reclaimer moves B's oldest pages out while A works, so A's faults find a \
                 free frame (about a microsecond each) and its later accesses are hits.",
        notice: "The statistics' speed column: A runs at nearly full speed although memory was full; B's idle \
                 pages are in swap and nobody waited for the disk writes.",
        opens_at: 11,
        variants: &[],
    },
    Chapter {
        id: "freeze",
        title: "When the machine freezes",
        text: "Swapping stays unnoticed only while the pages in use fit in memory. When one program keeps using more \
               pages than there are frames, almost every access waits for the disk: a disk read takes 100 µs on an SSD, \
               a thousand memory accesses. The program, and the machine with it, seems frozen.",
        scenario: "\
config frames=4 page=4K vbits=16 swap=32 tlb=4 policy=lru
spawn A
alloc A big 24K rw
note A works on six pages in a loop: more than the four frames.
refs A 1 2 3 4 5 6 1 2 3 4 5 6 1 2 3 4 5 6 1 2 3 4 5 6
",
        ask_at: 10,
        question: "A cycles through six pages with four frames (LRU). How many of its accesses will hit?",
        answer: "None: LRU always evicts exactly the page that is needed next, so every access is a major fault.",
        notice: "The speed column says how A feels: about 1/1,000 of full speed on an SSD (a 1-second task takes \
                 17 minutes). The table compares the same loop on a hard disk, a fast NVMe disk, and with background \
                 reclaim (no fault waits for a write).",
        opens_at: 7,
        variants: &[
            ("SSD (as above)", ""),
            ("hard disk", "disk=hdd"),
            ("NVMe disk", "disk=nvme"),
            ("SSD, background reclaim", "reclaim=1,2"),
        ],
    },
    Chapter {
        id: "importance",
        title: "The program in front matters most",
        text: "The operating system knows which program you are using: the one in the foreground. When it must move \
               pages out, it takes them from background programs first, so the program in front stays quick. \
               Here A is a background job and B is the editor you are typing in.",
        scenario: "\
config frames=4 page=4K vbits=16 swap=16 tlb=0 policy=fifo
spawn A importance=low
spawn B
alloc A job 16K rw
alloc B doc 16K rw
write B 0x1000 1
write A 0x1000 2
write A 0x2000 3
write B 0x2000 4
note Memory is full. B, in front, needs another page:
importance B high
write B 0x3000 5
write B 0x4000 6
",
        ask_at: 11,
        question: "FIFO would evict the oldest page, B's page 1. Which page goes instead?",
        answer: "A's oldest page: A is less important, so the policy chooses among A's pages first.",
        notice: "Each eviction's reason says it chose among the low importance process's pages; B keeps every page.",
        opens_at: 9,
        variants: &[],
    },
    Chapter {
        id: "out-of-memory",
        title: "Out of memory",
        text: "Without swap, pages that programs wrote have nowhere to go: they must stay in memory. When a program \
               needs a frame and none can be freed, Linux's OOM killer ends a program to get memory back: the least \
               important one, and among those the one using the most memory.",
        scenario: "\
config frames=4 page=4K vbits=16 swap=0 tlb=0 policy=lru
spawn A importance=low
spawn C importance=low
spawn B
alloc A cache 4K rw
alloc C cache 8K rw
alloc B doc 16K rw
write A 0x1000 1
write C 0x1000 2
write C 0x2000 3
write B 0x1000 4
note Every frame holds a written page, and there is no swap. B needs one more:
write B 0x2000 5
read B 0x1000
",
        ask_at: 12,
        question: "No page can leave memory. What does the system do so that B's write can go on?",
        answer: "The OOM killer ends C: it is one of the two low-importance programs, and the larger of them.",
        notice: "C's frames are freed in the picture; B's write goes on; A, as unimportant but smaller, survives.",
        opens_at: 10,
        variants: &[],
    },
    Chapter {
        id: "isolation",
        title: "Isolation",
        text: "Because every program has its own page table, a program cannot even name another program's memory: \
               its addresses only reach its own pages. Trying a wild address gets it stopped, not a look at \
               someone else's secrets.",
        scenario: "\
config frames=6 page=4K vbits=16 swap=8 tlb=2 policy=lru
spawn A
spawn B
alloc A secret 4K rw
alloc B data 4K rw
write A 0x1000 77
write B 0x1000 5
read B 0x1000
note B tries an address where it has nothing:
read B 0x3000
read A 0x1000
",
        ask_at: 7,
        question: "B reads 0x1000, the same address where A keeps its secret 77. What does B get?",
        answer: "5, its own byte: B's page 1 is B's frame. A's 77 is out of B's reach.",
        notice: "B's wild read is a segmentation fault that stops B; A's secret is untouched.",
        opens_at: 6,
        variants: &[],
    },
    Chapter {
        id: "sharing",
        title: "Sharing on purpose",
        text: "Sometimes programs should share memory: two programs running the same library need only one copy of \
               its code, and programs that talk can share a buffer. The operating system maps the same frame into \
               both page tables, on purpose, and only where asked.",
        scenario: "\
config frames=6 page=4K vbits=16 swap=8 tlb=0 policy=lru
spawn A code=2 exe=libc
spawn B code=2 exe=libc
read A 0x1000
read B 0x1000
note B found libc's page already in memory: one frame, two mappings.
alloc A chat 4K rw shared=chat
alloc B chat 4K rw shared=chat
write A 0x3000 9
read B 0x3000
",
        ask_at: 9,
        question: "A wrote 9 into the shared buffer. What does B read there?",
        answer: "9: both programs map the same frame.",
        notice: "Frames marked ×2 are mapped by two programs; everything else stays private.",
        opens_at: 8,
        variants: &[],
    },
];

/// How the chapter's first process fared on one machine of [`Chapter::variants`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    pub label: &'static str,
    pub settings: &'static str,
    pub major_faults: u64,
    pub total_ns: u64,
    pub slowdown: f64,
    pub felt: String,
}

/// Runs the chapter's scenario on each of its variants' machines (its `config` line with the extra
/// settings) and says how its first process fared on each.
pub fn figures(chapter: &Chapter) -> Vec<Figure> {
    chapter
        .variants
        .iter()
        .map(|&(label, settings)| {
            let (config, rest) = chapter.scenario.split_once('\n').expect("a chapter starts with its config line");
            let text = format!("{config} {settings}\n{rest}");
            let mut run = Run::new(parse(&text).expect("variants parse (tests/tour.rs)")).expect("variants run");
            run.run_to_end().expect("variants run to the end (tests/tour.rs)");
            let stats = &run.machine().process(0).expect("a chapter with variants has a process").stats;
            let speed = stats.speed(run.machine().config());
            Figure {
                label,
                settings,
                major_faults: stats.major_faults,
                total_ns: speed.total_ns,
                slowdown: speed.slowdown,
                felt: speed.felt,
            }
        })
        .collect()
}

/// A chapter as `pagesim tour --json` and `tourChapters()` give it: the chapter and its figures.
#[derive(Clone, Debug, Serialize)]
pub struct ChapterReport {
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    pub scenario: &'static str,
    pub ask_at: usize,
    pub question: &'static str,
    pub answer: &'static str,
    pub notice: &'static str,
    pub opens_at: usize,
    pub figures: Vec<Figure>,
}

impl ChapterReport {
    pub fn new(c: &'static Chapter) -> ChapterReport {
        ChapterReport {
            id: c.id,
            title: c.title,
            text: c.text,
            scenario: c.scenario,
            ask_at: c.ask_at,
            question: c.question,
            answer: c.answer,
            notice: c.notice,
            opens_at: c.opens_at,
            figures: figures(c),
        }
    }
}

/// The chapter with this id.
pub fn chapter(id: &str) -> Option<&'static Chapter> {
    CHAPTERS.iter().find(|c| c.id == id)
}
