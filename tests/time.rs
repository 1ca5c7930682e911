//! What memory costs (README, *What memory costs*): exact nanoseconds for known runs, the
//! reclaimer's swap-outs free for the process, disks by name, and sums that never wrap.
//! (That work + stall add up for every process and the machine after every step of random runs is
//! an engine invariant, checked by the property tests.)

use pagesim::engine::{Config, Stats};
use pagesim::scenario::{parse, Run};

fn run(text: &str) -> Run {
    let mut run = Run::new(parse(text).unwrap()).unwrap();
    run.run_to_end().unwrap();
    run
}

/// Two frames, four pages written then the first read back: three zero-fills, one of them
/// evicting a dirty page (a disk write during the fault), then a swap-in that evicts another.
const SWAPPING: &str = "config frames=2 swap=8 tlb=0 CONFIG
spawn A
alloc A heap 16K rw
write A 0x1000 1
write A 0x2000 2
write A 0x3000 3
read A 0x1000
";

#[test]
fn a_swapping_run_costs_what_its_faults_and_disk_transfers_cost() {
    let r = run(&SWAPPING.replace("CONFIG", ""));
    let (s, c) = (r.machine().stats(), r.machine().config());
    let speed = s.speed(c);
    assert_eq!(speed.work_ns, 4 * 100, "four accesses at 100 ns");
    // 1 µs per zero-fill (three), a 100 µs write for each dirty victim (two), a 100 µs read.
    assert_eq!(speed.stall_ns, 3 * 1_000 + 2 * 100_000 + 100_000);
    assert_eq!((s.major_faults, s.disk_writes), (1, 2));
    assert_eq!(speed.total_ns, 303_400);
    assert_eq!(speed.slowdown, 758.5);
    assert_eq!(speed.eat_ns, 75_850.0);
    assert_eq!(speed.felt, "frozen: 1/760");
    let p = &r.machine().process(0).unwrap().stats;
    assert_eq!(p.speed(c), speed);
    // Each fault's sentence says what it cost; they add up to the statistics' stall.
    let said: u64 = (1..=r.len())
        .flat_map(|n| r.record(n).unwrap().events)
        .filter_map(|e| match e {
            pagesim::engine::Event::Access(a) => Some(pagesim::engine::cost::access_cost(c, &a).stall),
            _ => None,
        })
        .sum();
    assert_eq!(said, speed.stall_ns);
}

#[test]
fn the_disk_sets_the_price_of_a_major_fault() {
    let stall = |disk: &str| {
        let r = run(&SWAPPING.replace("CONFIG", disk));
        r.machine().stats().speed(r.machine().config()).stall_ns
    };
    assert_eq!(stall("disk=nvme"), 3 * 1_000 + 3 * 20_000);
    assert_eq!(stall("disk=hdd"), 3 * 1_000 + 3 * 8_000_000);
    assert_eq!(stall("disk=1234 minor_ns=0"), 3 * 1234);
    assert_eq!(stall("ram_ns=50 minor_ns=10"), 3 * 10 + 3 * 100_000);
}

#[test]
fn a_walk_costs_a_memory_access_per_level() {
    let r =
        run("config frames=4 tlb=2 levels=3 vbits=20\nspawn A\nalloc A heap 8K rw\nwrite A 0x1000 1\nread A 0x1000\n");
    let s = r.machine().stats();
    // The write misses the TLB (a walk of three levels) and zero-fills; the read hits the TLB.
    assert_eq!((s.tlb_misses, s.tlb_hits), (1, 1));
    assert_eq!(s.speed(r.machine().config()).stall_ns, 3 * 100 + 1_000);
}

#[test]
fn swap_outs_by_the_background_reclaimer_cost_the_process_nothing() {
    // The same accesses on four frames: with the reclaimer keeping two free, every victim has
    // already left when a fault needs a frame, so no fault waits for a write.
    let text = "config frames=4 swap=16 tlb=0 RECLAIM\nspawn A\nalloc A heap 32K rw\n\
                write A 0x1000 1\nwrite A 0x2000 2\nwrite A 0x3000 3\nwrite A 0x4000 4\nwrite A 0x5000 5\nwrite A 0x6000 6\n";
    let direct = run(&text.replace("RECLAIM", ""));
    let background = run(&text.replace("RECLAIM", "reclaim=2,2"));
    let (d, b) = (direct.machine().stats(), background.machine().stats());
    let config = direct.machine().config();
    assert_eq!(d.disk_writes, 2, "two faults wrote their victim out");
    assert!(b.swap_outs >= 2, "the reclaimer swapped pages out");
    assert_eq!(b.disk_writes, 0, "and no fault waited for it");
    assert_eq!(b.speed(config).stall_ns, 6 * 1_000);
    assert!(b.speed(config).slowdown < d.speed(config).slowdown);
}

#[test]
fn fault_sentences_say_what_the_fault_cost() {
    let r = run(&SWAPPING.replace("CONFIG", ""));
    let last = r.record(r.len()).unwrap();
    let text = r.machine().describe(&last.events[0]);
    assert!(text.contains("major fault, read from swap slot 0"), "{text}");
    assert!(text.ends_with("· waited 200 µs, 2,000× a memory access"), "{text}");
    let first = r.machine().describe(&r.record(4).unwrap().events[0]);
    assert!(first.ends_with("· waited 1 µs, 10× a memory access"), "{first}");
}

#[test]
fn disks_are_named_and_bad_values_point_at_themselves() {
    let mut c = Config::default();
    c.set("disk", "hdd").unwrap();
    assert_eq!(c.disk_ns, 8_000_000);
    assert!(c.to_line().ends_with(" disk=hdd"), "{}", c.to_line());
    c.set("disk", "20000").unwrap();
    assert!(c.to_line().ends_with(" disk=nvme"));
    c.set("disk", "777").unwrap();
    assert!(c.to_line().ends_with(" disk=777"));
    assert!(!Config::default().to_line().contains("disk"), "defaults are not written");
    let err = parse("config frames=4 disk=floppy\n").unwrap_err().to_string();
    assert!(err.starts_with("1:22:") && err.contains("expected disk=nvme|ssd|hdd"), "{err}");
    let err = parse("config ram_ns=0\n").unwrap_err().to_string();
    assert!(err.contains("ram_ns must be from 1 to 1000000 ns"), "{err}");
    let err = parse("config disk=60000000001\n").unwrap_err().to_string();
    assert!(err.contains("disk must be from 1 to 60000000000 ns"), "{err}");
}

#[test]
fn time_sums_stop_at_the_top_instead_of_wrapping() {
    // 2^53 - 1 accesses (the clock's end), every one a major fault writing its victim, on the
    // slowest machine there may be: the figures stop at 2^64 - 1 ns instead of wrapping.
    let s = Stats {
        accesses: (1 << 53) - 1,
        tlb_misses: (1 << 53) - 1,
        major_faults: (1 << 53) - 1,
        disk_writes: (1 << 53) - 1,
        ..Stats::default()
    };
    let mut c = Config { levels: 4, ..Config::default() };
    c.set("ram_ns", "1000000").unwrap();
    c.set("disk", "60000000000").unwrap();
    let speed = s.speed(&c);
    assert_eq!((speed.work_ns, speed.stall_ns, speed.total_ns), (u64::MAX, u64::MAX, u64::MAX));
}

#[test]
fn an_idle_clock_at_its_end_costs_no_time() {
    // 2^53 - 2 idle time units, then an access on a hard disk: time units are not nanoseconds.
    let r =
        run("config frames=2 disk=hdd tlb=0\nspawn A\nalloc A heap 8K rw\ntick 9007199254740990\nwrite A 0x1000 1\n");
    let speed = r.machine().stats().speed(r.machine().config());
    assert_eq!((speed.work_ns, speed.stall_ns), (100, 1_000));
}
