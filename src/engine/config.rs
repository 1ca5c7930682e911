//! Machine parameters (README, *The model*) and their validation.

pub use super::types::format_size;
use super::types::quoted;
use serde::Serialize;
use std::fmt;

/// Page-replacement policy. Each one lives in its own file under `engine/policy/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    Fifo,
    Lru,
    Clock,
    Nru,
    Lfu,
    Aging,
    Random,
    Opt,
}

impl PolicyKind {
    /// Every policy, in the order the UI and the benchmark list them.
    pub const ALL: [PolicyKind; 8] = [
        PolicyKind::Fifo,
        PolicyKind::Lru,
        PolicyKind::Clock,
        PolicyKind::Nru,
        PolicyKind::Lfu,
        PolicyKind::Aging,
        PolicyKind::Random,
        PolicyKind::Opt,
    ];

    /// The lower-case name used in scenarios, the CLI and JSON.
    pub fn name(self) -> &'static str {
        match self {
            PolicyKind::Fifo => "fifo",
            PolicyKind::Lru => "lru",
            PolicyKind::Clock => "clock",
            PolicyKind::Nru => "nru",
            PolicyKind::Lfu => "lfu",
            PolicyKind::Aging => "aging",
            PolicyKind::Random => "random",
            PolicyKind::Opt => "opt",
        }
    }

    /// Case-insensitive lookup by name.
    pub fn parse(s: &str) -> Option<PolicyKind> {
        PolicyKind::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(s))
    }

    /// The order the policy keeps its frames in, as the page words it above the order it shows
    /// (`Machine::policy_order`).
    pub fn order_words(self) -> &'static str {
        match self {
            PolicyKind::Fifo => "FIFO queue, oldest first (the next victim)",
            PolicyKind::Lru => "LRU order, least recently used first (the next victim)",
            PolicyKind::Clock => "CLOCK: frames from the hand on; the first with a clear referenced bit goes",
            PolicyKind::Nru => "NRU classes (R,D): class 0 first, least recently used within a class",
            PolicyKind::Lfu => "LFU: fewest uses first, least recently used among ties",
            PolicyKind::Aging => "AGING counters, lowest first (referenced since the last tick counts highest)",
            PolicyKind::Random => "RANDOM: any resident page may be picked",
            PolicyKind::Opt => "OPT: the page used furthest in the future (or never again) first",
        }
    }

    /// What the per-frame number of the policy (`Machine::policy_value`) means, if it has one.
    pub fn value_label(self) -> Option<&'static str> {
        match self {
            PolicyKind::Fifo => Some("loaded at time"),
            PolicyKind::Lru => Some("last used at time"),
            PolicyKind::Aging => Some("aging counter"),
            PolicyKind::Lfu => Some("uses"),
            PolicyKind::Nru => Some("NRU class"),
            PolicyKind::Opt => Some("next use at step"),
            _ => None,
        }
    }

    /// How a per-frame value is written: aging counters as 8 bits.
    pub fn value_radix(self) -> u32 {
        if self == PolicyKind::Aging {
            2
        } else {
            10
        }
    }

    /// Whether the per-frame value is short enough to draw inside a frame (OPT's step numbers
    /// are left to the tooltip).
    pub fn value_in_cell(self) -> bool {
        matches!(self, PolicyKind::Aging | PolicyKind::Lfu | PolicyKind::Nru)
    }

    /// Whether the policy keeps its frames in an order worth showing (RANDOM has none: any page
    /// may go).
    pub fn has_order(self) -> bool {
        self != PolicyKind::Random
    }

    /// Whether the policy has a clock hand (`Machine::clock_hand`).
    pub fn has_hand(self) -> bool {
        self == PolicyKind::Clock
    }

    /// A stack algorithm (Mattson): its faults for every frame count come from one pass.
    pub fn is_stack(self) -> bool {
        matches!(self, PolicyKind::Lru | PolicyKind::Opt)
    }

    /// The policies the comparison plots draw, in the order they are drawn.
    pub const COMPARED: [PolicyKind; 4] = [PolicyKind::Fifo, PolicyKind::Lru, PolicyKind::Clock, PolicyKind::Opt];
}

/// The numeric settings' ranges, `(key, least, most)`: what `Config::validate` accepts (from
/// [`crate::limits`]).
pub const LIMITS: [(&str, u64, u64); 5] = [
    ("frames", 1, MAX_FRAMES as u64),
    ("vbits", MIN_VA_BITS as u64, MAX_VA_BITS as u64),
    ("levels", 1, MAX_LEVELS as u64),
    ("tlb", 0, MAX_TLB_ENTRIES as u64),
    ("swap", 0, MAX_SWAP_SLOTS as u64),
];
pub use crate::limits::{
    DEFAULT_BUDGET, DEFAULT_DISK_NS, DEFAULT_HISTORY, DEFAULT_MINOR_NS, DEFAULT_RAM_NS, MAX_BUDGET, MAX_EVENT_NS,
    MAX_FRAMES, MAX_HISTORY, MAX_LEVELS, MAX_RAM_NS, MAX_SEED, MAX_SWAP_SLOTS, MAX_TIMER, MAX_TLB_ENTRIES, MAX_VA_BITS,
    MIN_BUDGET, MIN_HISTORY, MIN_VA_BITS, PAGE_SIZES,
};

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Disk latencies of the named kinds (`config disk=`), in nanoseconds: one page read or written.
pub const DISKS: [(&str, u64); 3] = [("nvme", 20_000), ("ssd", 100_000), ("hdd", 8_000_000)];

/// The name of a disk latency, if it is one of [`DISKS`].
pub fn disk_name(ns: u64) -> Option<&'static str> {
    DISKS.iter().find(|d| d.1 == ns).map(|d| d.0)
}

/// What a segmentation or protection fault does to the faulting process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SegvMode {
    /// End the process and free its memory, as a real OS delivers SIGSEGV.
    Kill,
    /// Keep the process alive and only report the fault.
    Report,
}

/// Validated machine configuration. Build one with [`Config::default`] and [`Config::set`], then
/// call [`Config::validate`] (the [`crate::engine::Machine`] constructor does so too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Config {
    /// Bytes per page: a power of two, 16 B … 64 KiB.
    pub page_size: u64,
    /// Width of a virtual address in bits, 8 … 64.
    pub va_bits: u32,
    /// Physical frames, 1 … 2^20.
    pub frames: u32,
    /// Swap slots (one page each), 0 … 2^22.
    pub swap_slots: u32,
    /// TLB entries; 0 = no TLB.
    pub tlb_entries: u32,
    /// Ways of a set-associative TLB (the set from the page number's low bits, LRU within a set);
    /// 0 = fully associative.
    pub tlb_ways: u32,
    /// TLB entries tagged with the process (an address-space id): a switch does not flush them.
    pub asid: bool,
    /// Page tables live in frames (`tables=ram`), or cost nothing (`tables=free`, the default).
    pub tables_in_ram: bool,
    /// Page-table levels, 1 … 5.
    pub levels: u32,
    pub policy: PolicyKind,
    /// Seed for the `random` policy.
    pub seed: u64,
    pub segv: SegvMode,
    /// Background reclaimer: when free frames fall below `low`, evict until `high` are free.
    pub reclaim: Option<(u32, u32)>,
    /// Period of the timer interrupt in time units; it clears referenced bits for `nru` and shifts
    /// the `aging` counters.
    pub timer: u64,
    /// Most bytes the machine's state may take (page bytes, page tables, records); see
    /// [`crate::engine::budget`].
    pub budget: u64,
    /// Most bytes a scenario's history (checkpoints and the operation log for step back) may take;
    /// beyond it the oldest steps are forgotten.
    pub history: u64,
    /// One memory access, in nanoseconds (README, *What memory costs*).
    pub ram_ns: u64,
    /// The kernel's work for a minor fault (zero-fill, map, copy on write), in nanoseconds.
    pub minor_ns: u64,
    /// One page read from or written to disk (swap or a file), in nanoseconds (`disk=ssd`).
    pub disk_ns: u64,
    /// What happens when a fault needs a frame and no page can go.
    pub oom: OomMode,
    /// Virtual memory, or the machines before it (README, *Before virtual memory*).
    pub vm: VmMode,
}

/// How addresses reach memory: through page tables (`paging`, the default), straight (`off`: every
/// address is physical), or through one base-and-bounds pair per process (`base`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VmMode {
    Paging,
    Off,
    Base,
}

impl VmMode {
    pub fn name(self) -> &'static str {
        match self {
            VmMode::Paging => "paging",
            VmMode::Off => "off",
            VmMode::Base => "base",
        }
    }
}

/// Out of memory: kill a process to free frames (as Linux), or fail the access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OomMode {
    Kill,
    Fail,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            page_size: 4096,
            va_bits: 16,
            frames: 8,
            swap_slots: 32,
            tlb_entries: 4,
            tlb_ways: 0,
            asid: false,
            tables_in_ram: false,
            levels: 2,
            policy: PolicyKind::Lru,
            seed: 1,
            segv: SegvMode::Kill,
            reclaim: None,
            timer: 16,
            budget: DEFAULT_BUDGET,
            history: DEFAULT_HISTORY,
            ram_ns: DEFAULT_RAM_NS,
            minor_ns: DEFAULT_MINOR_NS,
            disk_ns: DEFAULT_DISK_NS,
            oom: OomMode::Kill,
            vm: VmMode::Paging,
        }
    }
}

/// A machine setting: one `config` key (aliases folded: `page`, `page_size` and `pagesize` are one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    Frames,
    Page,
    Vbits,
    Swap,
    Tlb,
    Levels,
    Policy,
    Seed,
    Segv,
    Reclaim,
    Timer,
    Budget,
    History,
    RamNs,
    MinorNs,
    Disk,
    Oom,
    Vm,
    TlbWays,
    Asid,
    Tables,
}

impl Setting {
    /// Every setting, in the canonical order of a `config` line.
    pub const ALL: [Setting; 21] = [
        Setting::Frames,
        Setting::Page,
        Setting::Vbits,
        Setting::Swap,
        Setting::Tlb,
        Setting::Levels,
        Setting::Policy,
        Setting::Seed,
        Setting::Segv,
        Setting::Reclaim,
        Setting::Timer,
        Setting::Budget,
        Setting::History,
        Setting::RamNs,
        Setting::MinorNs,
        Setting::Disk,
        Setting::Oom,
        Setting::Vm,
        Setting::TlbWays,
        Setting::Asid,
        Setting::Tables,
    ];

    /// The key as a `config` line writes it.
    pub fn key(self) -> &'static str {
        match self {
            Setting::Frames => "frames",
            Setting::Page => "page",
            Setting::Vbits => "vbits",
            Setting::Swap => "swap",
            Setting::Tlb => "tlb",
            Setting::Levels => "levels",
            Setting::Policy => "policy",
            Setting::Seed => "seed",
            Setting::Segv => "segv",
            Setting::Reclaim => "reclaim",
            Setting::Timer => "timer",
            Setting::Budget => "budget",
            Setting::History => "history",
            Setting::RamNs => "ram_ns",
            Setting::MinorNs => "minor_ns",
            Setting::Disk => "disk",
            Setting::Oom => "oom",
            Setting::Vm => "vm",
            Setting::TlbWays => "tlb_ways",
            Setting::Asid => "asid",
            Setting::Tables => "tables",
        }
    }

    /// The field of [`Config`] (as serialised, `config()` in JavaScript) that holds it.
    pub fn field(self) -> &'static str {
        match self {
            Setting::Page => "page_size",
            Setting::Vbits => "va_bits",
            Setting::Swap => "swap_slots",
            Setting::Tlb => "tlb_entries",
            Setting::Disk => "disk_ns",
            Setting::Tables => "tables_in_ram",
            other => other.key(),
        }
    }

    /// The setting a key names (any case; the field names are aliases), or `None`.
    pub fn parse(key: &str) -> Option<Setting> {
        let key = key.to_ascii_lowercase();
        Setting::ALL
            .into_iter()
            .find(|s| s.key() == key || s.field() == key || (key == "pagesize" && *s == Setting::Page))
    }
}

/// A `config` setting that cannot be: which setting, and the value given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    UnknownKey(String),
    NotANumber {
        setting: Setting,
        value: String,
    },
    TooLarge {
        setting: Setting,
        value: u64,
    },
    BadPolicy(String),
    BadSegv(String),
    BadReclaim(String),
    BadDisk(String),
    BadOom(String),
    BadVm(String),
    BadAsid(String),
    BadTables(String),
    /// `tables=ram` puts page tables in frames: a machine without paging has none.
    TablesNeedPaging(&'static str),
    /// Ways that do not split the TLB into whole sets.
    TlbWays {
        ways: u32,
        entries: u32,
    },
    /// The background reclaimer swaps pages out: a machine without paging has none.
    ReclaimNeedsPaging(&'static str),
    PageSize(u64),
    OutOfRange {
        setting: Setting,
        value: u64,
        min: u64,
        max: u64,
    },
    /// Fewer page-number bits than levels.
    LevelsExceedBits {
        va_bits: u32,
        page_size: u64,
        vpn_bits: u32,
        levels: u32,
    },
    Reclaim {
        low: u32,
        high: u32,
        frames: u32,
    },
}

impl ConfigError {
    /// The setting a whole-configuration error is about (where a `config` line points).
    pub fn setting(&self) -> Option<Setting> {
        match self {
            ConfigError::NotANumber { setting, .. }
            | ConfigError::TooLarge { setting, .. }
            | ConfigError::OutOfRange { setting, .. } => Some(*setting),
            ConfigError::PageSize(_) => Some(Setting::Page),
            ConfigError::LevelsExceedBits { .. } => Some(Setting::Levels),
            ConfigError::Reclaim { .. } | ConfigError::ReclaimNeedsPaging(_) | ConfigError::BadReclaim(_) => {
                Some(Setting::Reclaim)
            }
            ConfigError::TlbWays { .. } => Some(Setting::TlbWays),
            ConfigError::BadTables(_) | ConfigError::TablesNeedPaging(_) => Some(Setting::Tables),
            _ => None,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::UnknownKey(key) => {
                let keys: Vec<&str> = Setting::ALL.iter().map(|s| s.key()).collect();
                write!(f, "unknown config key {} (expected one of {})", quoted(key), keys.join(", "))
            }
            ConfigError::NotANumber { setting, value } => {
                write!(f, "expected a number for {}, found {}", setting.key(), quoted(value))
            }
            ConfigError::TooLarge { setting, value } => write!(f, "{}={value} is too large", setting.key()),
            ConfigError::BadPolicy(v) => {
                let names: Vec<&str> = PolicyKind::ALL.iter().map(|p| p.name()).collect();
                write!(f, "expected a policy ({}), found {}", names.join(", "), quoted(v))
            }
            ConfigError::BadSegv(v) => write!(f, "expected segv=kill or segv=report, found {}", quoted(v)),
            ConfigError::BadReclaim(v) => {
                write!(f, "expected reclaim=LOW,HIGH (two frame counts), found {}", quoted(v))
            }
            ConfigError::ReclaimNeedsPaging(vm) => {
                write!(f, "reclaim= swaps pages out, and this machine has no paging (vm={vm})")
            }
            ConfigError::BadVm(v) => write!(f, "expected vm=paging, vm=base or vm=off, found {}", quoted(v)),
            ConfigError::BadOom(v) => write!(f, "expected oom=kill or oom=fail, found {}", quoted(v)),
            ConfigError::BadAsid(v) => write!(f, "expected asid=on or asid=off, found {}", quoted(v)),
            ConfigError::BadTables(v) => write!(f, "expected tables=ram or tables=free, found {}", quoted(v)),
            ConfigError::TablesNeedPaging(vm) => {
                write!(f, "tables=ram puts page tables in frames, and this machine has no paging (vm={vm})")
            }
            ConfigError::TlbWays { ways, entries } => write!(
                f,
                "tlb_ways={ways} must divide the TLB's {entries} entries into whole sets (0: fully associative)"
            ),
            ConfigError::BadDisk(v) => {
                let names: Vec<&str> = DISKS.iter().map(|d| d.0).collect();
                write!(f, "expected disk={} or a latency in nanoseconds, found {}", names.join("|"), quoted(v))
            }
            ConfigError::PageSize(v) => write!(f, "page size must be a power of two from 16 to 64K, not {v}"),
            ConfigError::OutOfRange { setting, value, min, max } => match setting {
                Setting::Budget | Setting::History => write!(
                    f,
                    "{} must be from {} to {} bytes, not {value}",
                    setting.key(),
                    format_size(*min),
                    format_size(*max)
                ),
                _ => {
                    let unit = match setting {
                        Setting::Swap => " slots",
                        Setting::Tlb => " entries",
                        Setting::Timer => " time units",
                        Setting::RamNs | Setting::MinorNs | Setting::Disk => " ns",
                        _ => "",
                    };
                    write!(f, "{} must be from {min} to {max}{unit}, not {value}", setting.key())
                }
            },
            ConfigError::LevelsExceedBits { va_bits, page_size, vpn_bits, levels } => write!(
                f,
                "vbits={va_bits} with page={} leaves {vpn_bits} bits for the page number, fewer than levels={levels}",
                format_size(*page_size)
            ),
            ConfigError::Reclaim { low, high, frames } => write!(
                f,
                "reclaim=LOW,HIGH needs LOW <= HIGH, HIGH >= 1 and HIGH <= frames ({frames}), not {low},{high}"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// log2(page_size): the number of offset bits in an address.
    pub fn page_shift(&self) -> u32 {
        self.page_size.trailing_zeros()
    }

    /// Bits of the virtual page number.
    pub fn vpn_bits(&self) -> u32 {
        self.va_bits.saturating_sub(self.page_shift())
    }

    /// Number of virtual pages in one address space (at most 2^60: 64 bits less the smallest
    /// page's 4 offset bits, so a page number, and a region's end page, always fit a u64).
    pub fn pages_per_space(&self) -> u64 {
        1u64 << self.vpn_bits()
    }

    /// Whether `addr` is inside the address space. A 64-bit space holds every u64, and `addr >> 64`
    /// would overflow, so the shift is checked.
    pub fn in_space(&self, addr: u64) -> bool {
        addr.checked_shr(self.va_bits).is_none_or(|high| high == 0)
    }

    /// Bytes in one address space: 2^64 does not fit a u64.
    pub fn space_bytes(&self) -> u128 {
        1u128 << self.va_bits
    }

    /// The last byte of `pages` pages from page `start_vpn`: `((start + pages) << shift) - 1` would
    /// pass 2^64 for a region that ends at the top of a 64-bit space.
    pub fn last_byte(&self, start_vpn: u64, pages: u64) -> u64 {
        ((start_vpn + pages - 1) << self.page_shift()) | (self.page_size - 1)
    }

    /// Bits of the last level's index: a huge page covers `1 << huge_shift()` pages, as many as one
    /// last-level table maps (2 MiB with 4 KiB pages and 512-entry tables).
    pub fn huge_shift(&self) -> u32 {
        self.level_bits().last().copied().unwrap_or(0)
    }

    /// Why this machine cannot map huge pages, if it cannot.
    pub fn huge_problem(&self) -> Option<String> {
        let pages = 1u64 << self.huge_shift();
        if self.vm != VmMode::Paging {
            Some(format!("huge pages need virtual memory: this machine has vm={}", self.vm.name()))
        } else if self.levels < 2 {
            Some("a huge page is mapped one level up: it needs levels=2 or more (this machine has levels=1)".into())
        } else if pages > self.frames as u64 {
            Some(format!(
                "a huge page here is {pages} pages ({}) in a row, and this machine has {} frames",
                format_size(self.page_size << self.huge_shift()),
                self.frames
            ))
        } else {
            None
        }
    }

    /// Index bits per page-table level, top level first. The top level takes the remainder, as
    /// on hardware whose top level is only partly used.
    pub fn level_bits(&self) -> Vec<u32> {
        let n = self.levels.max(1);
        let bits = self.vpn_bits();
        let base = bits / n;
        let extra = bits % n;
        (0..n).map(|i| base + if i == 0 { extra } else { 0 }).collect()
    }

    /// Sets one `key=value` pair as written in a scenario `config` line. Numbers may be decimal or
    /// `0x` hex with K/M suffixes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let setting = Setting::parse(key).ok_or_else(|| ConfigError::UnknownKey(key.to_string()))?;
        let num = |v: &str| parse_size(v).ok_or_else(|| ConfigError::NotANumber { setting, value: v.to_string() });
        let small = |v: u64| u32::try_from(v).map_err(|_| ConfigError::TooLarge { setting, value: v });
        match setting {
            Setting::Frames => self.frames = small(num(value)?)?,
            Setting::Page => self.page_size = num(value)?,
            Setting::Vbits => self.va_bits = small(num(value)?)?,
            Setting::Swap => self.swap_slots = small(num(value)?)?,
            Setting::Tlb => self.tlb_entries = small(num(value)?)?,
            Setting::TlbWays => self.tlb_ways = small(num(value)?)?,
            Setting::Asid => {
                self.asid = match value.to_ascii_lowercase().as_str() {
                    "on" => true,
                    "off" => false,
                    _ => return Err(ConfigError::BadAsid(value.into())),
                }
            }
            Setting::Tables => {
                // (`on` and `off`: `tables_in_ram: true` as `config()` gives it to JavaScript.)
                self.tables_in_ram = match value.to_ascii_lowercase().as_str() {
                    "ram" | "on" => true,
                    "free" | "off" => false,
                    _ => return Err(ConfigError::BadTables(value.into())),
                }
            }
            Setting::Levels => self.levels = small(num(value)?)?,
            Setting::Seed => self.seed = num(value)?,
            Setting::Timer => self.timer = num(value)?,
            Setting::Budget => self.budget = num(value)?,
            Setting::History => self.history = num(value)?,
            Setting::RamNs => self.ram_ns = num(value)?,
            Setting::MinorNs => self.minor_ns = num(value)?,
            Setting::Disk => {
                self.disk_ns = match DISKS.iter().find(|d| d.0.eq_ignore_ascii_case(value)) {
                    Some(d) => d.1,
                    None => parse_size(value).ok_or_else(|| ConfigError::BadDisk(value.into()))?,
                }
            }
            Setting::Policy => {
                self.policy = PolicyKind::parse(value).ok_or_else(|| ConfigError::BadPolicy(value.into()))?
            }
            Setting::Vm => {
                self.vm = match value.to_ascii_lowercase().as_str() {
                    "paging" => VmMode::Paging,
                    "off" => VmMode::Off,
                    "base" => VmMode::Base,
                    _ => return Err(ConfigError::BadVm(value.into())),
                }
            }
            Setting::Oom => {
                self.oom = match value.to_ascii_lowercase().as_str() {
                    "kill" => OomMode::Kill,
                    "fail" => OomMode::Fail,
                    _ => return Err(ConfigError::BadOom(value.into())),
                }
            }
            Setting::Segv => {
                self.segv = match value.to_ascii_lowercase().as_str() {
                    "kill" => SegvMode::Kill,
                    "report" => SegvMode::Report,
                    _ => return Err(ConfigError::BadSegv(value.into())),
                }
            }
            Setting::Reclaim => {
                if value.eq_ignore_ascii_case("off") {
                    self.reclaim = None;
                } else {
                    let (lo, hi) = value.split_once(',').ok_or_else(|| ConfigError::BadReclaim(value.into()))?;
                    self.reclaim = Some((small(num(lo)?)?, small(num(hi)?)?));
                }
            }
        }
        Ok(())
    }

    /// Checks every limit of the machine (README, *The model*; the numbers are in
    /// [`crate::limits`]).
    pub fn validate(&self) -> Result<(), ConfigError> {
        let range = |setting: Setting, value: u64, min: u64, max: u64| {
            if (min..=max).contains(&value) {
                Ok(())
            } else {
                Err(ConfigError::OutOfRange { setting, value, min, max })
            }
        };
        if !PAGE_SIZES.contains(&self.page_size) {
            return Err(ConfigError::PageSize(self.page_size));
        }
        range(Setting::Vbits, self.va_bits as u64, MIN_VA_BITS as u64, MAX_VA_BITS as u64)?;
        range(Setting::Frames, self.frames as u64, 1, MAX_FRAMES as u64)?;
        range(Setting::Swap, self.swap_slots as u64, 0, MAX_SWAP_SLOTS as u64)?;
        range(Setting::Tlb, self.tlb_entries as u64, 0, MAX_TLB_ENTRIES as u64)?;
        range(Setting::Levels, self.levels as u64, 1, MAX_LEVELS as u64)?;
        if self.tlb_ways != 0 && (self.tlb_entries == 0 || !self.tlb_entries.is_multiple_of(self.tlb_ways)) {
            return Err(ConfigError::TlbWays { ways: self.tlb_ways, entries: self.tlb_entries });
        }
        if self.vpn_bits() < self.levels {
            return Err(ConfigError::LevelsExceedBits {
                va_bits: self.va_bits,
                page_size: self.page_size,
                vpn_bits: self.vpn_bits(),
                levels: self.levels,
            });
        }
        range(Setting::Seed, self.seed, 0, MAX_SEED)?;
        range(Setting::Timer, self.timer, 1, MAX_TIMER)?;
        range(Setting::Budget, self.budget, MIN_BUDGET, MAX_BUDGET)?;
        range(Setting::History, self.history, MIN_HISTORY, MAX_HISTORY)?;
        range(Setting::RamNs, self.ram_ns, 1, MAX_RAM_NS)?;
        range(Setting::MinorNs, self.minor_ns, 0, MAX_EVENT_NS)?;
        range(Setting::Disk, self.disk_ns, 1, MAX_EVENT_NS)?;
        if self.vm != VmMode::Paging && self.tables_in_ram {
            return Err(ConfigError::TablesNeedPaging(self.vm.name()));
        }
        if self.vm != VmMode::Paging && self.reclaim.is_some() {
            return Err(ConfigError::ReclaimNeedsPaging(self.vm.name()));
        }
        if let Some((low, high)) = self.reclaim {
            if low > high || high == 0 || high > self.frames {
                return Err(ConfigError::Reclaim { low, high, frames: self.frames });
            }
        }
        Ok(())
    }

    /// The `config` line that reproduces this configuration (keys in canonical order).
    pub fn to_line(&self) -> String {
        let mut s = format!(
            "config frames={} page={} vbits={} swap={} tlb={} levels={} policy={}",
            self.frames,
            format_size(self.page_size),
            self.va_bits,
            self.swap_slots,
            self.tlb_entries,
            self.levels,
            self.policy
        );
        if self.tlb_ways != 0 {
            s.push_str(&format!(" tlb_ways={}", self.tlb_ways));
        }
        if self.asid {
            s.push_str(" asid=on");
        }
        if self.tables_in_ram {
            s.push_str(" tables=ram");
        }
        if self.seed != Config::default().seed {
            s.push_str(&format!(" seed={}", self.seed));
        }
        if self.segv != SegvMode::Kill {
            s.push_str(" segv=report");
        }
        if let Some((lo, hi)) = self.reclaim {
            s.push_str(&format!(" reclaim={lo},{hi}"));
        }
        if self.timer != Config::default().timer {
            s.push_str(&format!(" timer={}", self.timer));
        }
        if self.budget != DEFAULT_BUDGET {
            s.push_str(&format!(" budget={}", format_size(self.budget)));
        }
        if self.history != DEFAULT_HISTORY {
            s.push_str(&format!(" history={}", format_size(self.history)));
        }
        if self.vm != VmMode::Paging {
            s.push_str(&format!(" vm={}", self.vm.name()));
        }
        if self.oom != OomMode::Kill {
            s.push_str(" oom=fail");
        }
        if self.ram_ns != DEFAULT_RAM_NS {
            s.push_str(&format!(" ram_ns={}", self.ram_ns));
        }
        if self.minor_ns != DEFAULT_MINOR_NS {
            s.push_str(&format!(" minor_ns={}", self.minor_ns));
        }
        if self.disk_ns != DEFAULT_DISK_NS {
            match disk_name(self.disk_ns) {
                Some(name) => s.push_str(&format!(" disk={name}")),
                None => s.push_str(&format!(" disk={}", self.disk_ns)),
            }
        }
        s
    }
}

/// Parses `42`, `0x2a`, `16K`, `1M`, `0x10K` (K = 1024, M = 1024²). `None` if malformed or if it
/// overflows u64.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, mult) = match s.as_bytes().last()? {
        b'k' | b'K' => (&s[..s.len() - 1], 1024u64),
        b'm' | b'M' => (&s[..s.len() - 1], 1024 * 1024),
        _ => (s, 1),
    };
    parse_number(digits)?.checked_mul(mult)
}

/// Whether `s` is spelled as a number (decimal or `0x` hex, an optional K or M) whose value is past
/// 2^64 − 1, so a message can say it is too wide rather than not a number.
pub fn too_wide(s: &str) -> bool {
    let digits = s.trim().trim_end_matches(['k', 'K', 'm', 'M']);
    let well_formed = match digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        Some(hex) => !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
    };
    well_formed && parse_size(s).is_none()
}

/// The message for a number past 64 bits.
pub const TOO_WIDE: &str = "is wider than 64 bits (the largest number is 0xffffffffffffffff)";

/// Parses a decimal or `0x` hexadecimal number (no suffix).
pub fn parse_number(s: &str) -> Option<u64> {
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok()
    } else {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_every_spelling() {
        assert_eq!(parse_size("42"), Some(42));
        assert_eq!(parse_size("0x2A"), Some(42));
        assert_eq!(parse_size("16K"), Some(16384));
        assert_eq!(parse_size("1m"), Some(1 << 20));
        assert_eq!(parse_size("0x1K"), Some(1024));
        assert_eq!(parse_size("K"), None);
        assert_eq!(parse_size("0x"), None);
        assert_eq!(parse_size("-1"), None);
        assert_eq!(parse_size("99999999999999999999"), None);
        assert_eq!(parse_size("18014398509481984K"), None);
        assert_eq!(parse_number("0xffffffffffffffff"), Some(u64::MAX));
        assert_eq!(parse_number("18446744073709551615"), Some(u64::MAX));
        assert!(too_wide("0x10000000000000000") && too_wide("18446744073709551616") && too_wide("18014398509481984K"));
        assert!(!too_wide("0xffffffffffffffff") && !too_wide("0x") && !too_wide("12q") && !too_wide("K"));
    }

    #[test]
    fn level_bits_split_the_page_number() {
        assert_eq!(Config::default().level_bits(), vec![2, 2]); // 16-bit space, 4K pages: 4 VPN bits
        let c = Config { va_bits: 48, levels: 4, ..Config::default() };
        assert_eq!(c.level_bits(), vec![9, 9, 9, 9]);
        let c = Config { va_bits: 17, levels: 3, ..Config::default() };
        assert_eq!(c.level_bits(), vec![3, 1, 1]);
    }

    #[test]
    fn validation_names_the_bad_value() {
        let bad = |c: Config| c.validate().unwrap_err().to_string();
        assert!(bad(Config { page_size: 1000, ..Config::default() }).contains("power of two"));
        assert!(bad(Config { frames: 0, ..Config::default() }).contains("frames"));
        assert!(bad(Config { page_size: 65536, ..Config::default() }).contains("levels=2"));
        assert!(bad(Config { reclaim: Some((5, 3)), ..Config::default() }).contains("reclaim"));
        assert_eq!(Config::default().set("colour", "red").unwrap_err(), ConfigError::UnknownKey("colour".into()));
        assert!(Config::default().set("policy", "magic").unwrap_err().to_string().contains("expected a policy"));
        assert_eq!(Setting::parse("PAGE_SIZE"), Some(Setting::Page));
        assert_eq!(Setting::parse("swap_slots").map(Setting::field), Some("swap_slots"));
    }
}
