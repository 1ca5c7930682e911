//! The TLB against a plain model (README, *The model*): fully associative or set-associative
//! (`tlb_ways`: the set is the page number modulo the number of sets, LRU within a set), flushed on
//! a switch unless `asid=on` tags the entries with the process. Random accesses by a few flat
//! processes on small machines (so pages are evicted, which drops their translations); every
//! access's hit or miss must be the model's, and every read the last value written.

use pagesim::engine::events::AccessResult;
use pagesim::engine::types::TlbLookup;
use pagesim::engine::{Config, Machine, PolicyKind};
use proptest::prelude::*;
use std::collections::{HashMap, VecDeque};

/// The model: each set an LRU list of (pid, vpn), least recently used first.
struct ModelTlb {
    sets: Vec<VecDeque<(u32, u64)>>,
    ways: usize,
    asid: bool,
    running: Option<u32>,
}

impl ModelTlb {
    fn new(entries: u32, ways: u32, asid: bool) -> ModelTlb {
        let ways = if ways == 0 { entries } else { ways } as usize;
        ModelTlb { sets: vec![VecDeque::new(); entries as usize / ways], ways, asid, running: None }
    }

    /// A lookup before the access: hit or miss.
    fn lookup(&mut self, pid: u32, vpn: u64) -> bool {
        if self.running != Some(pid) && !self.asid {
            self.sets.iter_mut().for_each(VecDeque::clear);
        }
        self.running = Some(pid);
        let n = self.sets.len() as u64;
        let set = &mut self.sets[(vpn % n) as usize];
        match set.iter().position(|&e| e == (pid, vpn)) {
            Some(i) => {
                let e = set.remove(i).unwrap();
                set.push_back(e);
                true
            }
            None => false,
        }
    }

    fn drop_page(&mut self, pid: u32, vpn: u64) {
        for set in &mut self.sets {
            set.retain(|&e| e != (pid, vpn));
        }
    }

    /// After a miss that brought the page in (or found it): the translation goes in its set.
    fn insert(&mut self, pid: u32, vpn: u64) {
        let n = self.sets.len() as u64;
        let ways = self.ways;
        let set = &mut self.sets[(vpn % n) as usize];
        if set.len() == ways {
            set.pop_front();
        }
        set.push_back((pid, vpn));
    }
}

fn shapes() -> impl Strategy<Value = (u32, u32)> {
    // (entries, ways): fully associative (0) or a divisor.
    prop_oneof![
        Just((1, 0)),
        Just((2, 0)),
        Just((4, 0)),
        Just((4, 1)),
        Just((4, 2)),
        Just((8, 2)),
        Just((8, 4)),
        Just((6, 3))
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn tlb_hits_and_misses_are_the_models(
        (entries, ways) in shapes(),
        asid in any::<bool>(),
        frames in 2u32..7,
        policy in prop_oneof![Just(PolicyKind::Fifo), Just(PolicyKind::Lru), Just(PolicyKind::Clock)],
        ops in proptest::collection::vec((0u32..3, 0u64..12, proptest::option::of(any::<u8>())), 1..200),
    ) {
        let config = Config { frames, swap_slots: 64, tlb_entries: entries, tlb_ways: ways, asid, policy, ..Config::default() };
        let mut m = Machine::new(config).unwrap();
        let pids: Vec<u32> = (0..3).map(|i| m.spawn_flat(&format!("P{i}")).unwrap()).collect();
        let mut model = ModelTlb::new(entries, ways, asid);
        let mut bytes: HashMap<(u32, u64), u8> = HashMap::new();
        for (i, &(p, page, write)) in ops.iter().enumerate() {
            let (pid, vpn) = (pids[p as usize], page);
            let addr = vpn << 12 | 0x10;
            let expect_hit = model.lookup(pid, vpn);
            let e = match write {
                Some(v) => m.write(pid, addr, v).unwrap(),
                None => m.read(pid, addr).unwrap(),
            };
            prop_assert_eq!(e.tlb == TlbLookup::Hit, expect_hit, "op {}: P{} page {} ({:?})", i, p, vpn, e);
            if let AccessResult::PageFault { evicted: Some(v), .. } = e.result {
                model.drop_page(v.pid, v.vpn);
            }
            if !expect_hit && matches!(e.result, AccessResult::Hit { .. } | AccessResult::PageFault { .. }) {
                model.insert(pid, vpn);
            }
            match write {
                Some(v) => { bytes.insert((pid, vpn), v); }
                None => prop_assert_eq!(e.value, bytes.get(&(pid, vpn)).copied().unwrap_or(0), "read back"),
            }
            m.check_invariants().map_err(TestCaseError::fail)?;
        }
    }
}

#[test]
fn tlb_ways_that_do_not_divide_the_tlb_and_bad_asid_values_are_clear_errors() {
    let err = pagesim::scenario::parse("config tlb=6 tlb_ways=4\nspawn A\n").unwrap_err().to_string();
    assert_eq!(err, "1:14: invalid configuration: tlb_ways=4 must divide the TLB's 6 entries into whole sets (0: fully associative)");
    let err = pagesim::scenario::parse("config tlb=0 tlb_ways=2\n").unwrap_err().to_string();
    assert!(err.contains("tlb_ways=2 must divide the TLB's 0 entries"), "{err}");
    let err = pagesim::scenario::parse("config asid=yes\n").unwrap_err().to_string();
    assert!(err.contains("expected asid=on or asid=off, found \"yes\""), "{err}");
    // Both round-trip through the canonical config line.
    let s = pagesim::scenario::parse("config tlb=8 tlb_ways=2 asid=on\n").unwrap();
    assert!(s.to_string().contains("tlb=8") && s.to_string().contains("tlb_ways=2 asid=on"), "{s}");
}
