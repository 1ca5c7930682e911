//! Independent references for the policies that had none (NRU, LFU, AGING, RANDOM): each is the
//! textbook rule written the plain way (a list of resident pages, scanned for the minimum of a
//! documented key), and a property test drives the engine and the reference with the same random
//! accesses, writes, idle ticks and processes, comparing every access's outcome and victim.
//! FIFO, LRU, OPT and CLOCK are checked against theirs in `properties.rs` and `textbook.rs`.
//!
//! The tie-breaking documented in each policy's module, restated:
//! - NRU: the lowest class 2R + D; within it the page referenced longest ago.
//! - LFU: the fewest uses since loading (a load counts one); ties: least recently used.
//! - AGING: 8-bit counters shifted right at each timer interrupt with R entering at the top; the
//!   victim has R clear if any page does, then the lowest counter; ties: the page that reached that
//!   (R, counter) first, where an interrupt keeps the order of (R, counter, previous order).
//! - RANDOM: PCG32 (`oorandom::Rand32`) seeded with `seed` picks an index into the resident pages
//!   listed in load order, a removed page's place taken by the last one.

use pagesim::engine::{Config, Machine, PolicyKind};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Access { pid: u32, page: u64, write: bool },
    Tick(u64),
}

#[derive(Clone, Debug)]
struct Page {
    pid: u32,
    vpn: u64,
    dirty: bool,
    /// The frame's referenced bit (NRU): set by each use, cleared by each interrupt.
    referenced: bool,
    last_use: u64,
    /// LFU.
    uses: u64,
    /// AGING: the counter, the bit since the last interrupt, the place among equal keys.
    counter: u8,
    aging_r: bool,
    place: u64,
}

struct Reference {
    policy: PolicyKind,
    frames: usize,
    timer: u64,
    resident: Vec<Page>,
    time: u64,
    next_interrupt: u64,
    uses_clock: u64,
    places: u64,
    rng: oorandom::Rand32,
}

impl Reference {
    fn new(config: &Config) -> Reference {
        Reference {
            policy: config.policy,
            frames: config.frames as usize,
            timer: config.timer,
            resident: Vec::new(),
            time: 0,
            next_interrupt: config.timer,
            uses_clock: 0,
            places: 0,
            rng: oorandom::Rand32::new(config.seed),
        }
    }

    fn next_place(&mut self) -> u64 {
        self.places += 1;
        self.places
    }

    /// The page the policy gives up, as an index into `resident`.
    fn victim(&mut self) -> usize {
        let r = &self.resident;
        let min_by =
            |key: &dyn Fn(&Page) -> (u64, u64, u64)| (0..r.len()).min_by_key(|&i| key(&r[i])).expect("memory is full");
        match self.policy {
            PolicyKind::Nru => min_by(&|p| (p.referenced as u64, p.dirty as u64, p.last_use)),
            PolicyKind::Lfu => min_by(&|p| (p.uses, p.last_use, 0)),
            PolicyKind::Aging => min_by(&|p| (p.aging_r as u64, p.counter as u64, p.place)),
            PolicyKind::Random => self.rng.rand_range(0..r.len() as u32) as usize,
            other => unreachable!("no reference here for {other}"),
        }
    }

    fn interrupt(&mut self) {
        // AGING: the new order among equal keys keeps the order of the old keys.
        let mut order: Vec<usize> = (0..self.resident.len()).collect();
        order.sort_by_key(|&i| {
            let p = &self.resident[i];
            (p.aging_r, p.counter, p.place)
        });
        for i in order {
            let place = self.next_place();
            let p = &mut self.resident[i];
            p.counter = (p.counter >> 1) | if p.aging_r { 0x80 } else { 0 };
            p.aging_r = false;
            p.place = place;
        }
        for p in &mut self.resident {
            p.referenced = false;
        }
    }

    fn pass_time(&mut self, units: u64) {
        self.time += units;
        if self.time >= self.next_interrupt {
            let due = (self.time - self.next_interrupt) / self.timer + 1;
            self.next_interrupt += due * self.timer;
            for _ in 0..due.min(9) {
                self.interrupt();
            }
        }
    }

    /// An access: `None` for a hit, else `Some(victim)` (itself `None` if memory had room).
    fn access(&mut self, pid: u32, vpn: u64, write: bool) -> Option<Option<(u32, u64)>> {
        self.uses_clock += 1;
        let now = self.uses_clock;
        let outcome = if let Some(p) = self.resident.iter_mut().find(|p| p.pid == pid && p.vpn == vpn) {
            p.dirty |= write;
            p.referenced = true;
            p.last_use = now;
            p.uses += 1;
            if !p.aging_r {
                p.aging_r = true;
                p.place = self.places + 1;
                self.places += 1;
            }
            None
        } else {
            let victim = (self.resident.len() == self.frames).then(|| {
                let i = self.victim();
                let gone = if self.policy == PolicyKind::Random {
                    self.resident.swap_remove(i)
                } else {
                    self.resident.remove(i)
                };
                (gone.pid, gone.vpn)
            });
            let place = self.next_place();
            self.resident.push(Page {
                pid,
                vpn,
                dirty: write,
                referenced: true,
                last_use: now,
                uses: 1,
                counter: 0,
                aging_r: true,
                place,
            });
            Some(victim)
        };
        self.pass_time(1);
        outcome
    }
}

fn check(config: Config, processes: u32, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let mut m = Machine::new(config.clone()).unwrap();
    let mut reference = Reference::new(&config);
    for p in 0..processes {
        m.spawn_flat(&format!("P{p}")).unwrap();
    }
    for (i, op) in ops.iter().enumerate() {
        match *op {
            Op::Access { pid, page, write } => {
                let pid = pid % processes;
                let addr = page * config.page_size;
                let event = if write { m.write(pid, addr, 1) } else { m.read(pid, addr) }.unwrap();
                let engine = if event.is_fault() { Some(event.eviction().map(|e| (e.pid, e.vpn))) } else { None };
                let expected = reference.access(pid, page, write);
                prop_assert_eq!(engine, expected, "{} at op {}: {:?}", config.policy, i, op);
            }
            Op::Tick(units) => {
                m.tick(units).unwrap();
                reference.pass_time(units);
            }
        }
    }
    Ok(())
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..3u32, 0..10u64, any::<bool>()).prop_map(|(pid, page, write)| Op::Access { pid, page, write }),
        // A hot page now and then, so counts and recency differ.
        4 => (0..3u32, 0..3u64, any::<bool>()).prop_map(|(pid, page, write)| Op::Access { pid, page, write }),
        1 => (1..40u64).prop_map(Op::Tick),
    ]
}

fn config(policy: PolicyKind) -> impl Strategy<Value = (Config, u32)> {
    (1..7u32, 1..20u64, 1..1000u64, 1..4u32).prop_map(move |(frames, timer, seed, processes)| {
        let config = Config { policy, frames, timer, seed, swap_slots: 256, tlb_entries: 0, ..Config::default() };
        (config, processes)
    })
}

macro_rules! oracle_test {
    ($name:ident, $policy:ident) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]
            #[test]
            fn $name((config, processes) in config(PolicyKind::$policy), ops in proptest::collection::vec(op(), 1..150)) {
                check(config, processes, ops)?;
            }
        }
    };
}

oracle_test!(nru_matches_its_reference, Nru);
oracle_test!(lfu_matches_its_reference, Lfu);
oracle_test!(aging_matches_its_reference, Aging);
oracle_test!(random_matches_its_reference, Random);

/// Hand-worked: AGING's 8-bit counters (Tanenbaum's example, one interrupt per tick).
#[test]
fn aging_counters_by_hand() {
    let config = Config { policy: PolicyKind::Aging, frames: 3, timer: 1000, tlb_entries: 0, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let p = m.spawn_flat("T").unwrap();
    for page in [1, 2, 3] {
        m.read(p, page * 4096).unwrap();
    }
    // Interrupt 1: all three were referenced → 10000000 each. Then page 1 and 3 are used.
    m.tick(1000).unwrap();
    m.read(p, 4096).unwrap();
    m.read(p, 3 * 4096).unwrap();
    // Interrupt 2: 1 → 11000000, 2 → 01000000, 3 → 11000000. Then only page 3.
    m.tick(1000).unwrap();
    m.read(p, 3 * 4096).unwrap();
    // Interrupt 3: 1 → 01100000, 2 → 00100000, 3 → 11100000.
    m.tick(1000).unwrap();
    let counters: Vec<(u64, u64)> = (0..3).map(|f| (m.frames().get(f).vpn, m.policy_value(f).unwrap())).collect();
    assert_eq!(counters, vec![(1, 0b0110_0000), (2, 0b0010_0000), (3, 0b1110_0000)]);
    // The lowest counter goes: page 2.
    let event = m.read(p, 4 * 4096).unwrap();
    assert_eq!(event.eviction().map(|e| e.vpn), Some(2));
}

/// Hand-worked: NRU classes (R, D) after an interrupt clears every R bit.
#[test]
fn nru_classes_by_hand() {
    let config = Config { policy: PolicyKind::Nru, frames: 4, timer: 1000, tlb_entries: 0, ..Config::default() };
    let mut m = Machine::new(config).unwrap();
    let p = m.spawn_flat("T").unwrap();
    m.write(p, 4096, 1).unwrap(); // page 1: dirty
    m.read(p, 2 * 4096).unwrap(); // page 2: clean
    m.write(p, 3 * 4096, 1).unwrap(); // page 3: dirty
    m.read(p, 4 * 4096).unwrap(); // page 4: clean
    m.tick(1000).unwrap(); // every R cleared: classes 1, 0, 1, 0
    m.read(p, 2 * 4096).unwrap(); // page 2 → class 2 (R1, D0)
    let classes: Vec<u64> = (0..4).map(|f| m.policy_value(f).unwrap()).collect();
    assert_eq!(classes, vec![1, 2, 1, 0]);
    // Class 0 first: page 4; then class 1, least recently used first: page 1, then 3.
    let victims: Vec<u64> = [5, 6, 7].iter().map(|&pg| m.read(p, pg * 4096).unwrap().eviction().unwrap().vpn).collect();
    assert_eq!(victims, vec![4, 1, 3]);
}
