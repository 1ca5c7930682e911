//! Fault curves: page faults for every frame count of a trace, for the comparison plot and
//! `pagesim trace --curve`.
//!
//! LRU and OPT are *stack algorithms* (Mattson et al., 1970): for every access there is a depth in a
//! priority stack such that the access hits exactly when memory has at least that many frames. One
//! pass computes the depths, and the curve follows from their histogram:
//! - LRU: the depth is the number of distinct pages used since the page's previous access, counted
//!   with a Fenwick tree over access times (a 1 at the latest access of each page): O(n log n).
//! - OPT: the depth depends only on the accesses before it, and the critical stack algorithm finds
//!   it with one segment tree over last-use times: O(n log n) (see [`opt_curve`]). A trace with
//!   locality first tries Mattson's priority stack, cheaper when its walks are short, and hands
//!   over within a budget of the same order.
//!
//! FIFO and CLOCK are not stack algorithms: they are simulated at every frame count, counting only
//! faults, on pages renumbered densely (an array lookup per access, no hashing) with repeats
//! collapsed. Up to 64 frame counts share one pass, a page's residency in all of them one word,
//! so an access that hits everywhere costs one load; once faults are rare, a simulation jumps
//! from fault to fault instead of looking at every access (`Occurrences`). Their cost grows with
//! the faults summed over all frame counts: a trace that faults often at most sizes (uniformly
//! random accesses over many pages) takes much longer than one replay.
//!
//! Every count here equals the engine's `faults` for the same trace and frame count (a trace replay
//! never runs out of swap, and the TLB, dirty bits and timer do not change these four policies'
//! choices); `tests/curve.rs` checks it against full replays.

use super::read::Trace;
use rustc_hash::FxHashMap;

/// A trace's pages renumbered `0..distinct` in order of first use.
#[derive(Clone, Debug)]
pub struct DenseTrace {
    pub ids: Vec<u32>,
    pub distinct: usize,
}

impl DenseTrace {
    pub fn new(trace: &Trace) -> DenseTrace {
        let mut map: FxHashMap<u64, u32> = FxHashMap::default();
        let ids = trace
            .iter()
            .map(|(vpn, _)| {
                let next = map.len() as u32;
                *map.entry(vpn).or_insert(next)
            })
            .collect();
        DenseTrace { ids, distinct: map.len() }
    }

    /// From ids already renumbered: each must be at most one more than the largest before it
    /// (what [`DenseTrace::new`] makes), so every table indexed by id stays within the trace's length.
    pub fn from_ids(ids: Vec<u32>) -> Result<DenseTrace, String> {
        let mut distinct = 0usize;
        for (i, &id) in ids.iter().enumerate() {
            if id as usize > distinct {
                return Err(format!("page id {id} at {i} is not in order of first use"));
            }
            distinct = distinct.max(id as usize + 1);
        }
        Ok(DenseTrace { ids, distinct })
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The frame counts a non-stack policy is simulated at for a trace of `distinct` pages: every
/// count up to 16, else fourteen spread evenly on a log scale up to the footprint (past it, every
/// policy faults only on first touches).
pub fn sample_sizes(distinct: usize) -> Vec<usize> {
    let top = (distinct + 1).clamp(2, 1 << 20);
    if top <= 16 {
        return (1..=top).collect();
    }
    let mut out: Vec<usize> = (0..14).map(|i| ((top as f64).powf(i as f64 / 13.0)).round().max(1.0) as usize).collect();
    out.dedup();
    out
}

pub use crate::limits::MAX_CURVE;

/// Frame counts a curve covers by default for a trace of `distinct` pages.
pub fn default_curve_len(distinct: usize) -> usize {
    distinct.clamp(1, MAX_CURVE)
}

/// A curve length that cannot be: zero, or more frame counts than [`MAX_CURVE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurveLenError {
    pub requested: u64,
}

impl std::fmt::Display for CurveLenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a curve covers 1 to {MAX_CURVE} frame counts, not {}", self.requested)
    }
}

impl std::error::Error for CurveLenError {}

/// The frame counts a curve covers: `requested` if given (1…[`MAX_CURVE`]), else the default for
/// a trace of `distinct` pages. Every front end asks here, so none can ask the curves below for
/// an allocation the size of its number.
pub fn curve_len(distinct: usize, requested: Option<u64>) -> Result<usize, CurveLenError> {
    match requested {
        None => Ok(default_curve_len(distinct)),
        Some(n) if (1..=MAX_CURVE as u64).contains(&n) => Ok(n as usize),
        Some(n) => Err(CurveLenError { requested: n }),
    }
}

/// Faults for 1..=max frames from a histogram of stack depths (`hist[d]`: accesses that hit with
/// `d` or more frames; `misses`: accesses that miss whatever the size up to `max`).
fn faults_from_depths(hist: &[u64], misses: u64, max: usize) -> Vec<u64> {
    // faults(k) = misses + accesses whose depth is > k
    let mut out = vec![0; max];
    let mut deeper: u64 = 0;
    for k in (1..=max).rev() {
        out[k - 1] = misses + deeper;
        deeper += hist[k];
    }
    out
}

/// LRU faults for every frame count 1..=max, in one pass.
///
/// The Fenwick tree is over *slots*, not access times: each page's latest access holds one, in
/// time order, and when the slots run out the held ones are renumbered 0..k in the same order. So
/// the tree stays at twice the distinct pages (in cache for a trace with locality) instead of the
/// trace's length, at an amortised O(1) renumbering cost per access.
pub fn lru_curve(t: &DenseTrace, max: usize) -> Vec<u64> {
    const FREE: u32 = u32::MAX;
    let max = max.min(MAX_CURVE);
    if max == 0 {
        return Vec::new();
    }
    let width = (2 * t.distinct).max(64);
    let mut tree = Fenwick::new(width);
    let mut slot_of: Vec<u32> = vec![FREE; t.distinct];
    let mut page_at: Vec<u32> = vec![FREE; width];
    let mut next = 0usize; // the next free slot; every slot below it is older
    let mut held = 0i64; // slots held (= pages seen)
    let mut hist = vec![0u64; max + 1];
    let mut misses = 0u64;
    let mut last = u32::MAX;
    for &id in &t.ids {
        // The page just used is at depth 1 and stays there: nothing to count or move.
        if std::mem::replace(&mut last, id) == id {
            hist[1] += 1;
            continue;
        }
        if next == width {
            let mut k = 0;
            for s in 0..width {
                let page = std::mem::replace(&mut page_at[s], FREE);
                if page != FREE {
                    page_at[k] = page;
                    slot_of[page as usize] = k as u32;
                    k += 1;
                }
            }
            tree.fill_ones(k);
            next = k;
        }
        let prev = slot_of[id as usize];
        if prev == FREE {
            misses += 1;
            held += 1;
        } else {
            // Distinct pages used since: the held slots after `prev`.
            let depth = (held - tree.prefix(prev as usize + 1)) as usize + 1;
            if depth <= max {
                hist[depth] += 1;
            } else {
                misses += 1;
            }
            tree.add(prev as usize, -1);
            page_at[prev as usize] = FREE;
        }
        tree.add(next, 1);
        page_at[next] = id;
        slot_of[id as usize] = next as u32;
        next += 1;
    }
    faults_from_depths(&hist, misses, max)
}

/// LRU's curve as the trace is read, for traces of any length: pages are renumbered as they come
/// (a hash map), and the slots and tree of [`lru_curve`] grow with the distinct pages, so memory
/// is bounded by the distinct pages, not the accesses. Feed every access with [`LruStream::access`],
/// then [`LruStream::finish`].
pub struct LruStream {
    ids: FxHashMap<u64, u32>,
    slot_of: Vec<u32>,
    page_at: Vec<u32>,
    tree: Fenwick,
    next: usize,
    held: i64,
    /// `hist[d]`: accesses at depth `d`, up to [`MAX_CURVE`]; the last entry counts deeper ones.
    hist: Vec<u64>,
    cold: u64,
    last: u32,
    accesses: u64,
}

impl Default for LruStream {
    fn default() -> Self {
        const WIDTH: usize = 64;
        LruStream {
            ids: FxHashMap::default(),
            slot_of: Vec::new(),
            page_at: vec![u32::MAX; WIDTH],
            tree: Fenwick::new(WIDTH),
            next: 0,
            held: 0,
            hist: vec![0; MAX_CURVE + 2],
            cold: 0,
            last: u32::MAX,
            accesses: 0,
        }
    }
}

impl LruStream {
    const FREE: u32 = u32::MAX;

    pub fn access(&mut self, vpn: u64) {
        self.accesses += 1;
        let fresh = self.slot_of.len() as u32;
        let id = *self.ids.entry(vpn).or_insert(fresh);
        if id == fresh {
            self.slot_of.push(Self::FREE);
        }
        if std::mem::replace(&mut self.last, id) == id {
            self.hist[1] += 1;
            return;
        }
        if self.next == self.page_at.len() {
            self.renumber();
        }
        let prev = self.slot_of[id as usize];
        if prev == Self::FREE {
            self.cold += 1;
            self.held += 1;
        } else {
            let depth = (self.held - self.tree.prefix(prev as usize + 1)) as usize + 1;
            self.hist[depth.min(MAX_CURVE + 1)] += 1;
            self.tree.add(prev as usize, -1);
            self.page_at[prev as usize] = Self::FREE;
        }
        self.tree.add(self.next, 1);
        self.page_at[self.next] = id;
        self.slot_of[id as usize] = self.next as u32;
        self.next += 1;
    }

    /// The held slots renumbered `0..k` in order, in a tree twice the pages held (at least).
    fn renumber(&mut self) {
        let width = self.page_at.len().max(2 * self.held as usize + 2);
        let mut page_at = vec![Self::FREE; width];
        let mut k = 0;
        for &page in self.page_at.iter().filter(|&&p| p != Self::FREE) {
            page_at[k] = page;
            self.slot_of[page as usize] = k as u32;
            k += 1;
        }
        self.page_at = page_at;
        if self.tree.tree.len() != width + 1 {
            self.tree = Fenwick::new(width);
        }
        self.tree.fill_ones(k);
        self.next = k;
    }

    /// Distinct pages and accesses so far.
    pub fn counts(&self) -> (usize, u64) {
        (self.slot_of.len(), self.accesses)
    }

    /// Faults for 1..=`max` frames (`max` at most [`MAX_CURVE`]).
    pub fn finish(&self, max: usize) -> Vec<u64> {
        let max = max.min(MAX_CURVE);
        let deeper: u64 = self.hist[max + 1..].iter().sum();
        faults_from_depths(&self.hist[..=max], self.cold + deeper, max)
    }
}

/// Each access's next access to the same page (`u32::MAX`: never).
fn next_uses(t: &DenseTrace) -> Vec<u32> {
    let mut next = vec![u32::MAX; t.ids.len()];
    let mut seen = vec![u32::MAX; t.distinct];
    for i in (0..t.ids.len()).rev() {
        let id = t.ids[i] as usize;
        next[i] = seen[id];
        seen[id] = i as u32;
    }
    next
}

/// OPT faults for every frame count 1..=max, in one pass: O(n log d) for n accesses over d
/// distinct pages, whatever the trace.
///
/// An access's OPT depth (the fewest frames with which it hits) depends only on the accesses
/// before it, and the *critical stack* algorithm (Bilardi, Ekanadham and Pattnaik, "Optimal
/// on-line computation of stack distances for MIN and OPT", 2017) finds it from two things kept on
/// the time line of last uses:
/// - every page's last use (*live* slots; a page's LRU depth is the live slots after its own), and
/// - one *marker* per frame count c ≥ 2, sitting at some past time: c's marker is at depth m when
///   m pages were used since it was placed.
///
/// Write β(i) = (markers after the page at LRU depth i) − i, never negative. An access at LRU depth
/// D ≥ 1 finds z, the deepest i < D with β(i) = 0; its OPT depth is the smallest c whose marker is
/// deeper than z; then that marker moves to now. (A marker at depth m means: with c frames, OPT
/// could keep every page of the last m − 1 used, so anything used since is a hit at c.) In time
/// terms β(i) is a sum over the slots after the page's own (+1 per marker, −1 per live slot), so
/// one segment tree over the slots answers both questions in O(log d): the earliest live slot after
/// the page's previous use whose sum to the end is 0, and the smallest marker up to it.
///
/// The slots are renumbered in order whenever they run out, so the tree stays a few times the
/// distinct pages instead of the trace's length (the same scheme as [`lru_curve`]).
pub fn opt_curve(t: &DenseTrace, max: usize) -> Vec<u64> {
    // With locality Mattson's priority stack is cheaper (its walks are short): it goes first,
    // within about the critical stack's own cost, and hands over when a trace walks deep.
    let log = usize::BITS - t.distinct.max(2).leading_zeros();
    let budget = 8 * t.ids.len() as u64 * log as u64;
    priority_stack_curve(t, max, budget).unwrap_or_else(|| critical_stack_curve(t, max))
}

/// OPT's curve by the critical stack alone (see [`opt_curve`]).
pub fn critical_stack_curve(t: &DenseTrace, max: usize) -> Vec<u64> {
    let max = max.min(MAX_CURVE);
    let mut line = CriticalStack::new(t.distinct);
    let mut hist = vec![0u64; max + 1];
    let mut misses = 0u64;
    for &page in &t.ids {
        match line.access(page) {
            Some(depth) if (depth as usize) < max => hist[depth as usize + 1] += 1,
            _ => misses += 1,
        }
    }
    faults_from_depths(&hist, misses, max)
}

/// OPT faults for every frame count 1..=max by Mattson's priority stack, or `None` once it has
/// taken `budget` steps. An access to page y at depth d puts y on top; walking down from the top,
/// the page used latest so far is carried on and the other stays, and the carried page ends at
/// y's old depth. The walk costs the access's depth (cut off at `max`): short with locality, up to
/// `max` per access without it.
fn priority_stack_curve(t: &DenseTrace, max: usize, budget: u64) -> Option<Vec<u64>> {
    const ABSENT: u32 = u32::MAX;
    let max = max.min(MAX_CURVE);
    let next = next_uses(t);
    let mut stack: Vec<u32> = Vec::with_capacity(max);
    let mut depth_of = vec![ABSENT; t.distinct];
    let mut priority = vec![u32::MAX; t.distinct]; // when the page is used next
    let mut hist = vec![0u64; max + 1];
    let mut misses = 0u64;
    let mut work = 0u64;
    for (i, &y) in t.ids.iter().enumerate() {
        let y = y as usize;
        let at = depth_of[y]; // 0-based position, or ABSENT
        if at == ABSENT {
            misses += 1;
        } else {
            hist[at as usize + 1] += 1;
        }
        priority[y] = next[i];
        if at == 0 {
            continue;
        }
        let end = if at == ABSENT { stack.len() } else { at as usize };
        work += end as u64;
        if work > budget {
            return None;
        }
        if stack.is_empty() {
            stack.push(y as u32);
            depth_of[y] = 0;
            continue;
        }
        let mut carry = std::mem::replace(&mut stack[0], y as u32);
        depth_of[y] = 0;
        for (d, slot) in stack.iter_mut().enumerate().take(end).skip(1) {
            if priority[*slot as usize] > priority[carry as usize] {
                std::mem::swap(slot, &mut carry);
                depth_of[*slot as usize] = d as u32;
            }
        }
        if at != ABSENT {
            stack[end] = carry;
            depth_of[carry as usize] = end as u32;
        } else if stack.len() < max {
            depth_of[carry as usize] = stack.len() as u32;
            stack.push(carry);
        } else {
            depth_of[carry as usize] = ABSENT; // falls below the largest size asked
        }
    }
    Some(faults_from_depths(&hist, misses, max))
}

/// The time line of [`opt_curve`]: a segment tree over slots, each slot holding at most one live
/// page (its last use) and at most one marker.
struct CriticalStack {
    leaves: usize,
    tree: Vec<Span>,
    /// The page used last (its depth is 0 for every frame count).
    latest: u32,
    /// Per slot: the page whose last use it is, and the marker (frame count − 1) placed there.
    page_at: Vec<u32>,
    marker_at: Vec<u32>,
    /// Per page: the slot of its last use; per marker: its slot.
    slot_of_page: Vec<u32>,
    slot_of_marker: Vec<u32>,
    /// The next free slot.
    now: usize,
}

/// A run of slots: `sum` of the weights (+1 a marker, −1 a live page), the smallest weight sum
/// from just after a live slot to the run's end (`min_after_live`), the smallest marker.
#[derive(Clone, Copy)]
struct Span {
    sum: i32,
    min_after_live: i32,
    min_marker: u32,
}

const NOTHING: u32 = u32::MAX;
/// "No live slot here": larger than any sum, with room to add one.
const NO_LIVE: i32 = i32::MAX / 2;
const EMPTY_SPAN: Span = Span { sum: 0, min_after_live: NO_LIVE, min_marker: NOTHING };

impl Span {
    fn join(left: Span, right: Span) -> Span {
        Span {
            sum: left.sum + right.sum,
            min_after_live: (left.min_after_live + right.sum).min(right.min_after_live),
            min_marker: left.min_marker.min(right.min_marker),
        }
    }
}

impl CriticalStack {
    fn new(distinct: usize) -> CriticalStack {
        // Live slots and markers are at most `distinct` each, so after renumbering at least half
        // the slots are free: an amortised O(1) renumbering per access.
        let leaves = (4 * distinct).max(16).next_power_of_two();
        CriticalStack {
            leaves,
            tree: vec![EMPTY_SPAN; 2 * leaves],
            latest: NOTHING,
            page_at: vec![NOTHING; leaves],
            marker_at: vec![NOTHING; leaves],
            slot_of_page: vec![NOTHING; distinct],
            slot_of_marker: Vec::with_capacity(distinct),
            now: 0,
        }
    }

    /// The access's OPT depth (0: it hits with one frame), or `None` for a page's first use.
    fn access(&mut self, page: u32) -> Option<u32> {
        if page == self.latest {
            return Some(0); // nothing moves
        }
        self.latest = page;
        if self.now == self.leaves {
            self.renumber();
        }
        let previous = self.slot_of_page[page as usize];
        let now = self.now;
        self.now += 1;
        if previous == NOTHING {
            // A new page is one more frame count that matters: its marker starts here (frame
            // count 1 has none; it hits only on the same page twice in a row).
            let marker = self.slot_of_marker.len() as u32;
            self.slot_of_marker.push(now as u32);
            if marker > 0 {
                self.marker_at[now] = marker;
            }
            self.page_at[now] = page;
            self.slot_of_page[page as usize] = now as u32;
            self.refresh([now, now, now]);
            return None;
        }
        let previous = previous as usize;
        // β(0) = 0 always (no marker after the latest use), so a slot is always found.
        let z = self.earliest_balanced_live_slot(previous + 1).expect("the latest use balances");
        let marker = self.smallest_marker_up_to(z);
        let was = self.slot_of_marker[marker as usize] as usize;
        self.marker_at[was] = NOTHING;
        self.page_at[previous] = NOTHING;
        self.page_at[now] = page;
        self.marker_at[now] = marker;
        self.slot_of_page[page as usize] = now as u32;
        self.slot_of_marker[marker as usize] = now as u32;
        self.refresh([was, previous, now]);
        Some(marker)
    }

    fn leaf(&self, slot: usize) -> Span {
        let live = self.page_at[slot] != NOTHING;
        let marker = self.marker_at[slot];
        Span {
            sum: (marker != NOTHING) as i32 - live as i32,
            min_after_live: if live { 0 } else { NO_LIVE },
            min_marker: marker,
        }
    }

    /// Recomputes the tree above three changed slots, each node once (their paths meet near the
    /// root).
    fn refresh(&mut self, slots: [usize; 3]) {
        let mut nodes = slots.map(|slot| slot + self.leaves);
        for (&slot, &node) in slots.iter().zip(&nodes) {
            self.tree[node] = self.leaf(slot);
        }
        while nodes[0] > 1 {
            nodes = nodes.map(|node| node / 2);
            for (i, &node) in nodes.iter().enumerate() {
                if !nodes[..i].contains(&node) {
                    self.tree[node] = Span::join(self.tree[2 * node], self.tree[2 * node + 1]);
                }
            }
        }
    }

    /// The smallest marker in slots `0..=slot`.
    fn smallest_marker_up_to(&self, slot: usize) -> u32 {
        let (mut lo, mut hi, mut least) = (self.leaves, slot + 1 + self.leaves, NOTHING);
        while lo < hi {
            if lo & 1 == 1 {
                least = least.min(self.tree[lo].min_marker);
                lo += 1;
            }
            if hi & 1 == 1 {
                hi -= 1;
                least = least.min(self.tree[hi].min_marker);
            }
            lo /= 2;
            hi /= 2;
        }
        least
    }

    /// The earliest live slot at or after `from` whose weight sum to the end is 0 (the deepest
    /// LRU depth with β = 0 above the accessed page).
    fn earliest_balanced_live_slot(&self, from: usize) -> Option<usize> {
        // The range's canonical nodes, left to right, at most two per tree level.
        let mut nodes = [0usize; 128];
        let (mut count, mut right_start) = (0, 64);
        let (mut lo, mut hi) = (from + self.leaves, 2 * self.leaves);
        while lo < hi {
            if lo & 1 == 1 {
                nodes[count] = lo;
                count += 1;
                lo += 1;
            }
            if hi & 1 == 1 {
                hi -= 1;
                right_start -= 1;
                nodes[right_start] = hi;
            }
            lo /= 2;
            hi /= 2;
        }
        let right = &nodes[right_start..64];
        let canonical = nodes[..count].iter().chain(right.iter());
        // The sum of everything after a node, to the end.
        let mut after: i32 = canonical.clone().map(|&n| self.tree[n].sum).sum();
        for &node in canonical {
            after -= self.tree[node].sum;
            if self.tree[node].min_after_live + after != 0 {
                continue;
            }
            let mut node = node;
            while node < self.leaves {
                let (left, right) = (2 * node, 2 * node + 1);
                if self.tree[left].min_after_live + self.tree[right].sum + after == 0 {
                    after += self.tree[right].sum;
                    node = left;
                } else {
                    node = right;
                }
            }
            return Some(node - self.leaves);
        }
        None
    }

    /// Moves the occupied slots to `0..k` in the same order and rebuilds the tree.
    fn renumber(&mut self) {
        let mut k = 0;
        for slot in 0..self.now {
            let (page, marker) = (self.page_at[slot], self.marker_at[slot]);
            if page == NOTHING && marker == NOTHING {
                continue;
            }
            self.page_at[slot] = NOTHING;
            self.marker_at[slot] = NOTHING;
            self.page_at[k] = page;
            self.marker_at[k] = marker;
            if page != NOTHING {
                self.slot_of_page[page as usize] = k as u32;
            }
            if marker != NOTHING {
                self.slot_of_marker[marker as usize] = k as u32;
            }
            k += 1;
        }
        self.now = k;
        for slot in 0..self.leaves {
            self.tree[slot + self.leaves] = self.leaf(slot);
        }
        for node in (1..self.leaves).rev() {
            self.tree[node] = Span::join(self.tree[2 * node], self.tree[2 * node + 1]);
        }
    }
}

/// OPT faults at each of `sizes` frame counts, simulated one size at a time: O(n log k) each,
/// whatever the trace (the fallback for [`opt_curve`]).
pub fn opt_faults(t: &DenseTrace, sizes: &[usize]) -> Vec<u64> {
    let next = next_uses(t);
    let one = |k: usize| {
        let mut resident = vec![false; t.distinct];
        let mut next_of = vec![u32::MAX; t.distinct];
        // (next use, page), most distant first; entries go stale when a page is used again or
        // leaves, and are skipped when they come up.
        let mut heap: std::collections::BinaryHeap<(u32, u32)> = std::collections::BinaryHeap::new();
        let (mut used, mut faults) = (0usize, 0u64);
        for (i, &id) in t.ids.iter().enumerate() {
            let page = id as usize;
            if !resident[page] {
                faults += 1;
                if used < k {
                    used += 1;
                } else {
                    while let Some((when, victim)) = heap.pop() {
                        if resident[victim as usize] && next_of[victim as usize] == when {
                            resident[victim as usize] = false;
                            break;
                        }
                    }
                }
                resident[page] = true;
            }
            next_of[page] = next[i];
            heap.push((next[i], id));
            if heap.len() > 4 * k + 64 {
                // Drop stale entries now and then, so the heap stays O(k).
                heap.retain(|&(when, p)| resident[p as usize] && next_of[p as usize] == when);
            }
        }
        faults
    };
    sizes.iter().map(|&k| if k == 0 { t.ids.len() as u64 } else { one(k) }).collect()
}

/// FIFO faults at each of `sizes` (frame counts). Sizes in increasing order are cheapest: the
/// many-fault sizes run 64 at a time in one pass, and once a size's faults are few, the next
/// sizes jump from fault to fault (see [`Occurrences`]).
pub fn fifo_faults(t: &DenseTrace, sizes: &[usize]) -> Vec<u64> {
    batched(t, sizes, fifo_group, fifo_skip)
}

/// CLOCK (second chance) faults at each of `sizes`, as [`fifo_faults`].
pub fn clock_faults(t: &DenseTrace, sizes: &[usize]) -> Vec<u64> {
    batched(t, sizes, clock_group, clock_skip)
}

/// A jump from fault to fault costs about this many accesses of a 64-size pass (a search in the
/// victim's uses, which waits on memory, against a bit test in a small table).
const SKIP_COST: u64 = 2048;

/// Runs the sizes in passes of up to [`GROUP`] (every access, once for all of them) or, when the
/// previous size faulted rarely enough, one by one with `skip` (only the faults: cost per fault,
/// not per access). Both see the trace with repeats collapsed: an access to the page just
/// accessed is a hit that changes nothing for FIFO and CLOCK at any frame count (its reference
/// bit is already set).
fn batched(
    t: &DenseTrace,
    sizes: &[usize],
    group: impl Fn(&DenseTrace, &[usize]) -> Vec<u64>,
    skip: impl Fn(&Occurrences, usize) -> u64,
) -> Vec<u64> {
    let accesses = t.ids.len() as u64;
    let mut ids = t.ids.clone();
    ids.dedup();
    let t = &DenseTrace { ids, distinct: t.distinct };
    let steps = t.ids.len() as u64;
    let mut occurrences: Option<Occurrences> = None;
    let mut out = Vec::with_capacity(sizes.len());
    while out.len() < sizes.len() {
        let rest = &sizes[out.len()..];
        let previous = out.last().copied().unwrap_or(u64::MAX);
        if rest[0] == 0 {
            out.push(accesses);
        } else if previous.saturating_mul(SKIP_COST) < steps {
            out.push(skip(occurrences.get_or_insert_with(|| Occurrences::new(t)), rest[0]));
        } else {
            let n = rest.iter().take(GROUP).take_while(|&&k| k > 0).count();
            out.extend(group(t, &rest[..n]));
        }
    }
    out
}

/// Frame counts simulated together in one pass: a page's residency in all of them is one word.
const GROUP: usize = 64;

/// Each size's frames in one buffer: size `s` has `frames[base[s]..base[s] + k]`.
struct Rings {
    frames: Vec<u32>,
    base: Vec<usize>,
    sizes: Vec<usize>,
    /// Where the next victim is sought (FIFO's oldest page, CLOCK's hand).
    hand: Vec<usize>,
    used: Vec<usize>,
}

impl Rings {
    fn new(sizes: &[usize]) -> Rings {
        let base = sizes.iter().scan(0, |at, &k| Some(std::mem::replace(at, *at + k))).collect();
        let n = sizes.len();
        Rings { frames: vec![0; sizes.iter().sum()], base, sizes: sizes.to_vec(), hand: vec![0; n], used: vec![0; n] }
    }

    fn advance(&mut self, s: usize) {
        self.hand[s] = if self.hand[s] + 1 == self.sizes[s] { 0 } else { self.hand[s] + 1 };
    }
}

/// The bit of each size of a group, all set.
fn all_sizes(n: usize) -> u64 {
    debug_assert!((1..=GROUP).contains(&n));
    u64::MAX >> (GROUP - n)
}

/// FIFO at up to 64 sizes in one pass: `resident[page]` has bit `s` set when the page is in
/// memory with `sizes[s]` frames, so an access that hits everywhere costs one load.
fn fifo_group(t: &DenseTrace, sizes: &[usize]) -> Vec<u64> {
    let all = all_sizes(sizes.len());
    let mut resident = vec![0u64; t.distinct];
    let mut rings = Rings::new(sizes);
    let mut faults = vec![0u64; sizes.len()];
    for &id in &t.ids {
        let mut missing = !resident[id as usize] & all;
        while missing != 0 {
            let s = missing.trailing_zeros() as usize;
            missing &= missing - 1;
            faults[s] += 1;
            if rings.used[s] < sizes[s] {
                rings.frames[rings.base[s] + rings.used[s]] = id;
                rings.used[s] += 1;
            } else {
                let victim = std::mem::replace(&mut rings.frames[rings.base[s] + rings.hand[s]], id);
                resident[victim as usize] &= !(1 << s);
                rings.advance(s);
            }
        }
        resident[id as usize] = all;
    }
    faults
}

/// CLOCK at up to 64 sizes in one pass, as [`fifo_group`]; `referenced[page]` holds the page's
/// reference bit in each size where it is resident (a hit sets them all with one OR).
fn clock_group(t: &DenseTrace, sizes: &[usize]) -> Vec<u64> {
    let all = all_sizes(sizes.len());
    let mut resident = vec![0u64; t.distinct];
    let mut referenced = vec![0u64; t.distinct];
    let mut rings = Rings::new(sizes);
    let mut faults = vec![0u64; sizes.len()];
    for &id in &t.ids {
        let mut missing = !resident[id as usize] & all;
        while missing != 0 {
            let s = missing.trailing_zeros() as usize;
            let bit = 1u64 << s;
            missing &= missing - 1;
            faults[s] += 1;
            let slot = if rings.used[s] < sizes[s] {
                rings.used[s] += 1;
                rings.used[s] - 1
            } else {
                loop {
                    let page = rings.frames[rings.base[s] + rings.hand[s]] as usize;
                    if referenced[page] & bit == 0 {
                        resident[page] &= !bit;
                        break;
                    }
                    referenced[page] &= !bit;
                    rings.advance(s);
                }
                let victim = rings.hand[s];
                rings.advance(s);
                victim
            };
            rings.frames[rings.base[s] + slot] = id;
        }
        resident[id as usize] = all;
        referenced[id as usize] = all;
    }
    faults
}

/// The plain one-size simulations the faster ones are checked against.
#[cfg(test)]
fn fifo_scan(t: &DenseTrace, k: usize) -> u64 {
    let mut resident = vec![false; t.distinct];
    let mut queue = vec![0u32; k];
    let (mut head, mut used, mut faults) = (0usize, 0usize, 0u64);
    for &id in &t.ids {
        if resident[id as usize] {
            continue;
        }
        faults += 1;
        if used < k {
            queue[used] = id;
            used += 1;
        } else {
            resident[queue[head] as usize] = false;
            queue[head] = id;
            head = if head + 1 == k { 0 } else { head + 1 };
        }
        resident[id as usize] = true;
    }
    faults
}

#[cfg(test)]
fn clock_scan(t: &DenseTrace, k: usize) -> u64 {
    const FREE: u32 = u32::MAX;
    let mut frame_of = vec![FREE; t.distinct];
    let mut page = vec![FREE; k];
    let mut referenced = vec![false; k];
    let (mut hand, mut used, mut faults) = (0usize, 0usize, 0u64);
    for &id in &t.ids {
        let f = frame_of[id as usize];
        if f != FREE {
            referenced[f as usize] = true;
            continue;
        }
        faults += 1;
        let slot = if used < k {
            used += 1;
            used - 1
        } else {
            while referenced[hand] {
                referenced[hand] = false;
                hand = if hand + 1 == k { 0 } else { hand + 1 };
            }
            let victim = hand;
            hand = if hand + 1 == k { 0 } else { hand + 1 };
            frame_of[page[victim] as usize] = FREE;
            victim
        };
        page[slot] = id;
        referenced[slot] = true;
        frame_of[id as usize] = slot as u32;
    }
    faults
}

/// Every page's access times in order (one array, sliced per page). With them a FIFO or CLOCK
/// simulation need not look at hits, which change nothing (FIFO) or set a bit that can be
/// recomputed when the hand reaches it (CLOCK): the next fault is the earliest next use among
/// the pages not in memory, kept in a min-heap with one entry per such page.
struct Occurrences<'t> {
    ids: &'t [u32],
    start: Vec<u32>,
    times: Vec<u32>,
}

impl<'t> Occurrences<'t> {
    fn new(t: &'t DenseTrace) -> Occurrences<'t> {
        let mut start = vec![0u32; t.distinct + 1];
        for &id in &t.ids {
            start[id as usize + 1] += 1;
        }
        for p in 0..t.distinct {
            start[p + 1] += start[p];
        }
        let mut fill = start.clone();
        let mut times = vec![0u32; t.ids.len()];
        for (time, &id) in t.ids.iter().enumerate() {
            times[fill[id as usize] as usize] = time as u32;
            fill[id as usize] += 1;
        }
        Occurrences { ids: &t.ids, start, times }
    }

    fn pages(&self) -> usize {
        self.start.len() - 1
    }

    /// The first use of page `p` at or after `time`, searched forward from `cursor[p]` (the index
    /// of an earlier answer: a simulation asks about each page at later and later times, so the
    /// search gallops over a few uses instead of bisecting all of them).
    fn next_from(&self, cursor: &mut [u32], p: u32, time: u32) -> Option<u32> {
        let end = self.start[p as usize + 1] as usize;
        let at = cursor[p as usize] as usize;
        // The answer is usually a few uses on: count the uses before `time` in the next cache
        // lines (no branches, no dependent loads), and gallop and bisect only past them.
        let near = (at + NEAR_USES).min(end);
        let mut i = at + self.times[at..near].iter().filter(|&&u| u < time).count();
        if i == near && near < end {
            let (mut lo, mut step) = (near, 1);
            while lo + step < end && self.times[lo + step] < time {
                lo += step;
                step *= 2;
            }
            let hi = (lo + step + 1).min(end);
            i = lo + self.times[lo..hi].partition_point(|&u| u < time);
        }
        cursor[p as usize] = i.min(end.saturating_sub(1)).max(self.start[p as usize] as usize) as u32;
        self.times.get(i).filter(|_| i < end).copied()
    }

    /// Where each page's search starts: at its first use.
    fn cursors(&self) -> Vec<u32> {
        self.start[..self.pages()].to_vec()
    }

    /// Every page's first use, as the pending faults of an empty memory.
    fn first_faults(&self) -> Pending {
        let mut pending = Pending::new(self.ids.len());
        for p in 0..self.pages() {
            pending.push(self.times[self.start[p] as usize]);
        }
        pending
    }
}

/// The pending faults of a simulation: access times (the page is the trace's id at that time),
/// earliest first. Times are distinct and every new one is later than the last one taken, so a
/// bit per access time with a cursor that only moves forward is an exact priority queue: taking
/// the earliest costs one word per 64 accesses over a whole run, and no comparisons (a binary
/// heap and a radix heap both measured slower).
struct Pending {
    words: Vec<u64>,
    at: usize,
}

impl Pending {
    fn new(times: usize) -> Pending {
        Pending { words: vec![0; times.div_ceil(64)], at: 0 }
    }

    fn push(&mut self, time: u32) {
        let (word, bit) = (time as usize / 64, time % 64);
        debug_assert!(word >= self.at, "a pending fault before the present");
        self.words[word] |= 1 << bit;
    }

    fn pop(&mut self) -> Option<u32> {
        while let Some(&w) = self.words.get(self.at) {
            if w != 0 {
                self.words[self.at] = w & (w - 1);
                return Some((self.at * 64) as u32 + w.trailing_zeros());
            }
            self.at += 1;
        }
        None
    }
}

/// How many uses [`Occurrences::next_from`] counts before it gallops (two cache lines).
const NEAR_USES: usize = 32;

fn fifo_skip(occ: &Occurrences, k: usize) -> u64 {
    let mut pending = occ.first_faults();
    let mut cursor = occ.cursors();
    let mut queue = vec![0u32; k];
    let (mut head, mut used, mut faults) = (0usize, 0usize, 0u64);
    while let Some(time) = pending.pop() {
        let id = occ.ids[time as usize];
        faults += 1;
        if used < k {
            queue[used] = id;
            used += 1;
            continue;
        }
        let victim = std::mem::replace(&mut queue[head], id);
        head = if head + 1 == k { 0 } else { head + 1 };
        if let Some(next) = occ.next_from(&mut cursor, victim, time) {
            pending.push(next);
        }
    }
    faults
}

fn clock_skip(occ: &Occurrences, k: usize) -> u64 {
    let mut pending = occ.first_faults();
    let mut cursor = occ.cursors();
    let mut page = vec![0u32; k];
    // A frame's reference bit is set when its page was used at or after `since` (its load, or
    // the hand's last pass).
    let mut since = vec![0u32; k];
    let (mut hand, mut used, mut faults) = (0usize, 0usize, 0u64);
    while let Some(time) = pending.pop() {
        let id = occ.ids[time as usize];
        faults += 1;
        let slot = if used < k {
            used += 1;
            used - 1
        } else {
            while occ.next_from(&mut cursor, page[hand], since[hand]).is_some_and(|u| u < time) {
                since[hand] = time;
                hand = if hand + 1 == k { 0 } else { hand + 1 };
            }
            let victim = hand;
            hand = if hand + 1 == k { 0 } else { hand + 1 };
            if let Some(next) = occ.next_from(&mut cursor, page[victim], time) {
                pending.push(next);
            }
            victim
        };
        page[slot] = id;
        since[slot] = time;
    }
    faults
}

/// A Fenwick (binary indexed) tree of counts over positions `0..n`.
struct Fenwick {
    tree: Vec<i32>,
}

impl Fenwick {
    fn new(n: usize) -> Fenwick {
        Fenwick { tree: vec![0; n + 1] }
    }

    fn add(&mut self, i: usize, delta: i32) {
        let mut i = i + 1;
        while i < self.tree.len() {
            self.tree[i] += delta;
            i += i & i.wrapping_neg();
        }
    }

    /// Sets positions `0..k` to 1 and the rest to 0, in O(n).
    fn fill_ones(&mut self, k: usize) {
        let n = self.tree.len() - 1;
        for i in 1..=n {
            // Node i covers positions (i - lowbit(i), i]: count those below k.
            let low = i - (i & i.wrapping_neg());
            self.tree[i] = (i.min(k).saturating_sub(low)) as i32;
        }
    }

    /// Sum of positions `0..i`.
    fn prefix(&self, i: usize) -> i64 {
        let mut i = i;
        let mut s = 0i64;
        while i > 0 {
            s += self.tree[i] as i64;
            i &= i - 1;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dense(pages: &[u64]) -> DenseTrace {
        DenseTrace::new(&Trace::from_pages(4096, pages.iter().map(|&p| (p, false))))
    }

    #[test]
    fn the_streamed_lru_curve_is_the_curve() {
        let mut x: u64 = 1;
        let pages: Vec<u64> = (0..60_000)
            .map(|i| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                if i % 5 == 0 {
                    10_000 + (x >> 40) % 3000
                } else {
                    (x >> 33) % 400
                }
            })
            .collect();
        let d = dense(&pages);
        let mut s = LruStream::default();
        for &p in &pages {
            s.access(p);
        }
        assert_eq!(s.counts(), (d.distinct, pages.len() as u64));
        for max in [1, 50, 700, d.distinct] {
            assert_eq!(s.finish(max), lru_curve(&d, max), "max {max}");
        }
    }

    const TEXTBOOK: [u64; 20] = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1];
    const BELADY: [u64; 12] = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];

    #[test]
    fn textbook_counts_with_three_frames() {
        let t = dense(&TEXTBOOK);
        assert_eq!(lru_curve(&t, 8)[2], 12);
        assert_eq!(opt_curve(&t, 8)[2], 9);
        assert_eq!(opt_faults(&t, &[3]), vec![9]);
        assert_eq!(fifo_faults(&t, &[3]), vec![15]);
        assert_eq!(clock_faults(&t, &[3]), vec![14]);
    }

    #[test]
    fn opts_one_pass_equals_simulating_every_size() {
        // Random traces of every shape (few and many pages, loops, long ones that renumber the
        // time line several times) against the per-size simulation, at every frame count.
        let mut x: u64 = 7;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for trial in 0..600u64 {
            let len = 1 + (next() % if trial % 50 == 0 { 5000 } else { 200 }) as usize;
            let pages = 1 + next() % 40;
            let raw: Vec<u64> =
                (0..len as u64).map(|i| if trial % 3 == 0 { i % pages } else { next() % pages }).collect();
            let t = dense(&raw);
            let max = t.distinct + 1;
            let sizes: Vec<usize> = (1..=max).collect();
            let each = opt_faults(&t, &sizes);
            assert_eq!(opt_curve(&t, max), each, "trial {trial}: {raw:?}");
            assert_eq!(critical_stack_curve(&t, max), each, "critical stack, trial {trial}: {raw:?}");
            assert_eq!(priority_stack_curve(&t, max, u64::MAX), Some(each), "priority stack, trial {trial}");
        }
    }

    #[test]
    fn beladys_anomaly_and_stack_property() {
        let t = dense(&BELADY);
        assert_eq!(fifo_faults(&t, &[3, 4]), vec![9, 10], "FIFO gets worse with more frames");
        let lru = lru_curve(&t, 6);
        let opt = opt_curve(&t, 6);
        assert!(lru.windows(2).all(|w| w[0] >= w[1]), "{lru:?}");
        assert!(opt.windows(2).all(|w| w[0] >= w[1]), "{opt:?}");
        assert_eq!(lru[4], 5, "with five frames only the first use of each page faults");
        assert_eq!(opt[4], 5);
    }

    #[test]
    fn jumping_from_fault_to_fault_and_passes_of_many_sizes_count_what_a_scan_counts() {
        // Traces with loops, hot sets and noise; every frame count, both ways.
        let mut x: u64 = 99;
        for trace in 0..12u64 {
            let pages: Vec<u64> = (0..3000u64)
                .map(|i| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    match trace % 3 {
                        0 => (x >> 33) % (5 + trace * 7),
                        1 => {
                            if (x >> 40).is_multiple_of(4) {
                                1000 + (x >> 33) % 8
                            } else {
                                (i / 3) % (20 + trace * 5)
                            }
                        }
                        _ => ((i / 50) * 3 + (x >> 33) % 10) % 97,
                    }
                })
                .collect();
            let t = dense(&pages);
            let occ = Occurrences::new(&t);
            for k in 1..=t.distinct + 1 {
                assert_eq!(fifo_skip(&occ, k), fifo_scan(&t, k), "fifo, trace {trace}, {k} frames");
                assert_eq!(clock_skip(&occ, k), clock_scan(&t, k), "clock, trace {trace}, {k} frames");
            }
            // Every run of up to 64 sizes in one pass, from every start.
            let all: Vec<usize> = (1..=t.distinct + 1).collect();
            for part in all.chunks(GROUP).chain(all.chunks(7)).chain(all.chunks(1)) {
                let scans: Vec<u64> = part.iter().map(|&k| fifo_scan(&t, k)).collect();
                assert_eq!(fifo_group(&t, part), scans, "fifo, trace {trace}, sizes {part:?}");
                let scans: Vec<u64> = part.iter().map(|&k| clock_scan(&t, k)).collect();
                assert_eq!(clock_group(&t, part), scans, "clock, trace {trace}, sizes {part:?}");
            }
        }
        let t = dense(&TEXTBOOK);
        let occ = Occurrences::new(&t);
        assert_eq!((fifo_skip(&occ, 3), clock_skip(&occ, 3)), (15, 14));
    }

    #[test]
    fn dense_ids_round_trip_and_refuse_gaps() {
        let t = dense(&BELADY);
        let again = DenseTrace::from_ids(t.ids.clone()).unwrap();
        assert_eq!((again.ids, again.distinct), (t.ids, t.distinct));
        assert!(DenseTrace::from_ids(vec![0, 2]).is_err());
        assert!(DenseTrace::from_ids(vec![u32::MAX]).is_err());
    }
}
