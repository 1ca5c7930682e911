//! Property tests: random operation sequences on small machines, under every policy, checked
//! against a simple model after every step:
//! - every read returns the last value written to that address by that process (nothing is lost
//!   through swap), 0 if never written, the executable's byte for code;
//! - a process never sees another's data (the model is per process);
//! - the access outcome (segmentation fault, protection fault, or a page access) is what the
//!   process's regions say;
//! - frames, page tables, swap slots, policy and statistics agree (`check_invariants`), with page
//!   tables free or in frames (`tables=ram`: a table's frame is never a victim, and goes with its
//!   last entry).

use pagesim::engine::config::OomMode;
use pagesim::engine::events::AccessResult;
use pagesim::engine::machine::code_byte;
use pagesim::engine::{Config, Machine, Perms, PolicyKind, SegvMode, SimError};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

const PAGE: u64 = 64;
const VA_BITS: u32 = 10; // 16 pages of 64 bytes
const PAGES: u64 = 1 << (VA_BITS - 6);

#[derive(Clone, Debug)]
enum Op {
    Spawn { who: usize, code: u64, flat: bool },
    Alloc { who: usize, pages: u64, perms: u8, at: Option<u64>, huge: bool },
    Free { who: usize, region: usize },
    Read { who: usize, addr: u64 },
    Write { who: usize, addr: u64, value: u8 },
    Tick { units: u64 },
    Exit { who: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let who = 0..3usize;
    let addr = 0..(PAGES * PAGE);
    prop_oneof![
        1 => (who.clone(), 0..3u64, any::<bool>()).prop_map(|(who, code, flat)| Op::Spawn { who, code, flat }),
        2 => (who.clone(), 1..5u64, 1..8u8, proptest::option::of(0..PAGES), proptest::bool::weighted(0.2))
            .prop_map(|(who, pages, perms, at, huge)| Op::Alloc { who, pages, perms, at, huge }),
        1 => (who.clone(), 0..4usize).prop_map(|(who, region)| Op::Free { who, region }),
        6 => (who.clone(), addr.clone()).prop_map(|(who, addr)| Op::Read { who, addr }),
        6 => (who.clone(), addr, any::<u8>()).prop_map(|(who, addr, value)| Op::Write { who, addr, value }),
        1 => (0..40u64).prop_map(|units| Op::Tick { units }),
        1 => who.prop_map(|who| Op::Exit { who }),
    ]
}

fn config(policy: PolicyKind) -> impl Strategy<Value = Config> {
    let machine = (1..6u32, 0..10u32, 0..4u32, 1..3u32, 1..12u64, any::<bool>(), 0..(1u64 << 53));
    (machine, proptest::option::of(0..3u32), any::<bool>()).prop_map(
        move |((frames, swap, tlb, levels, timer, report, seed), reclaim, tables_in_ram)| Config {
            page_size: PAGE,
            va_bits: VA_BITS,
            frames,
            swap_slots: swap,
            tlb_entries: tlb,
            levels,
            policy,
            seed,
            segv: if report { SegvMode::Report } else { SegvMode::Kill },
            reclaim: reclaim.map(|lo| (lo.min(frames), (lo + 1).min(frames))),
            timer,
            // The model fails an access that finds no frame (the OOM killer has its own tests).
            oom: OomMode::Fail,
            tables_in_ram,
            ..Config::default()
        },
    )
}

/// What the model knows of one process.
struct ModelProc {
    pid: u32,
    alive: bool,
    flat: bool,
    /// start page → (pages, perms, code)
    regions: BTreeMap<u64, (u64, Perms, bool)>,
    bytes: HashMap<u64, u8>,
}

impl Default for ModelProc {
    fn default() -> Self {
        ModelProc { pid: u32::MAX, alive: false, flat: false, regions: BTreeMap::new(), bytes: HashMap::new() }
    }
}

impl ModelProc {
    /// The process ended: its pid stays (using it is an error), its memory is gone.
    fn end(&mut self) {
        *self = ModelProc { pid: self.pid, ..ModelProc::default() };
    }

    fn region_of(&self, vpn: u64) -> Option<(u64, u64, Perms, bool)> {
        self.regions
            .range(..=vpn)
            .next_back()
            .filter(|(s, (n, _, _))| vpn < *s + *n)
            .map(|(s, (n, p, c))| (*s, *n, *p, *c))
    }
}

fn check(config: Config, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut m = Machine::new(config.clone()).unwrap();
    let names = ["A", "B", "C"];
    let mut model: Vec<ModelProc> = (0..3).map(|_| ModelProc::default()).collect();
    for (step, op) in ops.into_iter().enumerate() {
        match op {
            Op::Spawn { who, code, flat } => {
                let r = if flat { m.spawn_flat(names[who]) } else { m.spawn(names[who], code) };
                if config.tables_in_ram && matches!(r, Err(SimError::NoFrameForTables { .. })) {
                    continue; // no frame for its top-level table: nothing changed
                }
                prop_assert_eq!(r.is_ok(), !model[who].alive, "spawn {} at step {}", names[who], step);
                if let Ok(pid) = r {
                    let mut p = ModelProc { pid, alive: true, flat, ..ModelProc::default() };
                    if code > 0 && !flat {
                        p.regions.insert(1, (code, Perms::RX, true));
                    }
                    model[who] = p;
                }
            }
            Op::Alloc { who, pages, perms, at, huge } => {
                let p = &mut model[who];
                let (bytes, perms_, at_) = (pages * PAGE, Perms::from_bits(perms), at.map(|a| a * PAGE));
                let r = if huge {
                    m.allocate_huge(p.pid, bytes, perms_, at_, None)
                } else {
                    m.allocate(p.pid, bytes, perms_, at_, None)
                };
                if huge {
                    // Huge pages: whole ones, on their boundary, where the machine can map them.
                    if let Ok(addr) = r {
                        let per = 1u64 << config.huge_shift();
                        prop_assert!(
                            p.alive && !p.flat && (addr / PAGE).is_multiple_of(per),
                            "huge region at {:#x}",
                            addr
                        );
                        p.regions.insert(addr / PAGE, (pages.div_ceil(per) * per, perms_, false));
                    }
                    continue;
                }
                if !p.alive || p.flat {
                    prop_assert!(r.is_err());
                } else if let Some(start) = at {
                    let fits = start >= 1
                        && start + pages <= PAGES
                        && p.regions.iter().all(|(s, (n, _, _))| start + pages <= *s || *s + *n <= start);
                    prop_assert_eq!(r.is_ok(), fits, "alloc at page {}: {:?}", start, r);
                }
                if let Ok(addr) = r {
                    p.regions.insert(addr / PAGE, (pages, Perms::from_bits(perms), false));
                }
            }
            Op::Free { who, region } => {
                let p = &mut model[who];
                let Some((&start, _)) = p.regions.iter().nth(region) else {
                    continue;
                };
                if !p.alive {
                    continue;
                }
                let r = m.free(p.pid, start * PAGE);
                prop_assert!(r.is_ok(), "free page {}: {:?}", start, r);
                let (n, _, _) = p.regions.remove(&start).unwrap();
                p.bytes.retain(|a, _| a / PAGE < start || a / PAGE >= start + n);
            }
            Op::Read { who, addr } | Op::Write { who, addr, .. } => {
                let value = if let Op::Write { value, .. } = op { Some(value) } else { None };
                let p = &mut model[who];
                let r = match value {
                    Some(v) => m.write(p.pid, addr, v),
                    None => m.read(p.pid, addr),
                };
                if !p.alive {
                    prop_assert!(r.is_err());
                    continue;
                }
                let e = r.unwrap();
                let vpn = addr / PAGE;
                let region = if p.flat { Some((0, PAGES, Perms::RW, false)) } else { p.region_of(vpn) };
                match region {
                    None => {
                        prop_assert!(matches!(e.result, AccessResult::SegmentationFault { .. }), "{:?}", e);
                        if config.segv == SegvMode::Kill {
                            p.end();
                        }
                    }
                    Some((_, _, perms, code)) => {
                        let allowed = if value.is_some() { perms.writable() } else { perms.readable() };
                        if !allowed {
                            prop_assert!(matches!(e.result, AccessResult::ProtectionFault { .. }), "{:?}", e);
                            if config.segv == SegvMode::Kill {
                                p.end();
                            }
                            continue;
                        }
                        if matches!(e.result, AccessResult::OutOfMemory { .. }) {
                            continue; // the access failed cleanly; the model is unchanged
                        }
                        prop_assert!(e.frame().is_some(), "{:?}", e);
                        match value {
                            Some(v) => {
                                p.bytes.insert(addr, v);
                            }
                            None => {
                                let expected = match p.bytes.get(&addr) {
                                    Some(&v) => v,
                                    None if code => code_byte(vpn, (addr % PAGE) as usize),
                                    None => 0,
                                };
                                prop_assert_eq!(e.value, expected, "read {} {:#x} at step {}", names[who], addr, step);
                            }
                        }
                    }
                }
            }
            Op::Tick { units } => m.tick(units).unwrap(),
            Op::Exit { who } => {
                let r = m.exit(model[who].pid);
                prop_assert_eq!(r.is_ok(), model[who].alive);
                model[who].end();
            }
        }
        if let Err(e) = m.check_invariants() {
            return Err(TestCaseError::fail(format!("after step {step}: {e}")));
        }
        let s = m.stats();
        prop_assert_eq!(s.accesses, s.hits + s.faults + s.segfaults + s.protection_faults);
    }
    Ok(())
}

macro_rules! per_policy {
    ($($name:ident: $policy:ident),*) => {$(
        proptest! {
            #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]
            #[test]
            fn $name(config in config(PolicyKind::$policy), ops in proptest::collection::vec(op(), 1..80)) {
                check(config, ops)?;
            }
        }
    )*};
}

per_policy! {
    model_fifo: Fifo, model_lru: Lru, model_clock: Clock, model_nru: Nru,
    model_lfu: Lfu, model_aging: Aging, model_random: Random, model_opt: Opt
}
