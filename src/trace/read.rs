//! Trace readers. Each access is stored packed as `vpn << 1 | is_write` (8 bytes), so a trace of
//! ten million accesses fits in 80 MB.

use crate::engine::error::quoted;
use flate2::read::MultiGzDecoder;
use std::fmt;
use std::io::Read;

/// Addresses of traces are at most this wide (user space on x86-64 and AArch64).
pub const TRACE_ADDRESS_BITS: u32 = 48;
/// Most text a trace may hold (after decompression): a trace is read whole, so this bounds the
/// memory a file can take.
pub const MAX_TRACE_TEXT: u64 = 1 << 30;
/// Most accesses a trace may hold (8 bytes each in memory).
pub const MAX_TRACE_ACCESSES: usize = 100_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    Auto,
    /// Whitespace-separated decimal page numbers (a textbook reference string).
    Pages,
    /// `R ADDR` / `W ADDR`, one a line, hex with or without `0x`.
    Rw,
    /// `valgrind --tool=lackey --trace-mem=yes` output.
    Lackey,
}

impl TraceFormat {
    pub fn parse(s: &str) -> Option<TraceFormat> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Some(TraceFormat::Auto),
            "pages" => Some(TraceFormat::Pages),
            "rw" => Some(TraceFormat::Rw),
            "lackey" => Some(TraceFormat::Lackey),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TraceFormat::Auto => "auto",
            TraceFormat::Pages => "pages",
            TraceFormat::Rw => "rw",
            TraceFormat::Lackey => "lackey",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    /// 1-based line, or 0 for a problem with the file as a whole.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.line, self.message)
        }
    }
}

impl std::error::Error for TraceError {}

/// A decoded trace for one page size.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    pub format: Option<TraceFormat>,
    pub page_size: u64,
    packed: Vec<u64>,
}

impl Trace {
    pub fn len(&self) -> usize {
        self.packed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    /// `(virtual page number, is_write)` of access `i`.
    #[inline]
    pub fn get(&self, i: usize) -> (u64, bool) {
        let x = self.packed[i];
        (x >> 1, x & 1 == 1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (u64, bool)> + '_ {
        self.packed.iter().map(|&x| (x >> 1, x & 1 == 1))
    }

    /// Builds a trace from page numbers (for tests and generated workloads).
    pub fn from_pages(page_size: u64, pages: impl IntoIterator<Item = (u64, bool)>) -> Trace {
        Trace {
            format: Some(TraceFormat::Pages),
            page_size,
            packed: pages.into_iter().map(|(vpn, w)| vpn << 1 | w as u64).collect(),
        }
    }
}

fn err<T>(line: usize, message: impl Into<String>) -> Result<T, TraceError> {
    Err(TraceError { line, message: message.into() })
}

/// Decompresses gzip input (detected by its magic bytes); other input is returned as is.
fn maybe_gunzip(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, TraceError> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        MultiGzDecoder::new(bytes)
            .take(MAX_TRACE_TEXT + 1)
            .read_to_end(&mut out)
            .map_err(|e| TraceError { line: 0, message: format!("the gzip data is damaged: {e}") })?;
        if out.len() as u64 > MAX_TRACE_TEXT {
            return err(0, format!("the trace decompresses to more than {} MiB, the limit", MAX_TRACE_TEXT >> 20));
        }
        Ok(out.into())
    } else if bytes.len() as u64 > MAX_TRACE_TEXT {
        err(0, format!("the trace is larger than {} MiB, the limit", MAX_TRACE_TEXT >> 20))
    } else {
        Ok(bytes.into())
    }
}

fn is_lackey_line(line: &str) -> bool {
    let b = line.as_bytes();
    line.starts_with("==")
        || (b.len() > 3 && b[0] == b'I' && b[1] == b' ' && b[2] == b' ')
        || (b.len() > 3 && b[0] == b' ' && matches!(b[1], b'L' | b'S' | b'M') && b[2] == b' ')
}

/// Guesses the format from the first meaningful line.
pub fn detect_format(text: &str) -> TraceFormat {
    for line in text.lines() {
        let code = line.split('#').next().unwrap_or("");
        if code.trim().is_empty() {
            continue;
        }
        if is_lackey_line(line) {
            return TraceFormat::Lackey;
        }
        let first = code.split_whitespace().next().unwrap_or("");
        if first.eq_ignore_ascii_case("r") || first.eq_ignore_ascii_case("w") {
            return TraceFormat::Rw;
        }
        return TraceFormat::Pages;
    }
    TraceFormat::Pages
}

fn parse_hex(s: &str) -> Option<u64> {
    let s = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

/// Reads a trace (plain text or gzip) in `format` for pages of `page_size` bytes.
pub fn read_trace(bytes: &[u8], format: TraceFormat, page_size: u64) -> Result<Trace, TraceError> {
    if !page_size.is_power_of_two() || !(16..=65536).contains(&page_size) {
        return err(0, format!("page size must be a power of two from 16 to 64K, not {page_size}"));
    }
    let bytes = maybe_gunzip(bytes)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| TraceError {
        line: bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1,
        message: "the trace is not text (a binary file?)".into(),
    })?;
    let format = if format == TraceFormat::Auto { detect_format(text) } else { format };
    let shift = page_size.trailing_zeros();
    let max_vpn = 1u64 << (TRACE_ADDRESS_BITS - shift);
    let mut packed = Vec::new();
    let addr_limit = |line: usize, addr: u64| -> Result<u64, TraceError> {
        if addr >> TRACE_ADDRESS_BITS != 0 {
            return err(line, format!("address {addr:#x} is wider than {TRACE_ADDRESS_BITS} bits"));
        }
        Ok(addr >> shift)
    };

    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if packed.len() > MAX_TRACE_ACCESSES {
            return err(n, format!("the trace has more than {MAX_TRACE_ACCESSES} accesses, the limit"));
        }
        match format {
            TraceFormat::Pages | TraceFormat::Auto => {
                let code = line.split('#').next().unwrap_or("");
                for tok in code.split_whitespace() {
                    let Some(vpn) = tok.parse::<u64>().ok().filter(|_| tok.bytes().all(|b| b.is_ascii_digit())) else {
                        return err(n, format!("expected a decimal page number, found {}", quoted(tok)));
                    };
                    if vpn >= max_vpn {
                        return err(n, format!("page {vpn} is beyond a {TRACE_ADDRESS_BITS}-bit address space"));
                    }
                    packed.push(vpn << 1);
                }
            }
            TraceFormat::Rw => {
                let code = line.split('#').next().unwrap_or("");
                let mut toks = code.split_whitespace();
                let Some(op) = toks.next() else { continue };
                let write = match op {
                    "R" | "r" => false,
                    "W" | "w" => true,
                    _ => return err(n, format!("expected R or W, found {}", quoted(op))),
                };
                let Some(addr_tok) = toks.next() else {
                    return err(n, "expected an address after R/W");
                };
                let Some(addr) = parse_hex(addr_tok) else {
                    return err(n, format!("expected a hex address, found {}", quoted(addr_tok)));
                };
                if let Some(extra) = toks.next() {
                    return err(n, format!("unexpected {} after the address", quoted(extra)));
                }
                packed.push(addr_limit(n, addr)? << 1 | write as u64);
            }
            TraceFormat::Lackey => {
                if line.trim().is_empty() || line.starts_with("==") || line.starts_with("--") {
                    continue;
                }
                let write = match line.as_bytes() {
                    [b'I', b' ', ..] => false,
                    [b' ', b'L', b' ', ..] => false,
                    [b' ', b'S', b' ', ..] | [b' ', b'M', b' ', ..] => true,
                    _ => {
                        return err(
                            n,
                            format!("expected a lackey line (I, L, S or M and ADDR,SIZE), found {}", quoted(line)),
                        )
                    }
                };
                let rest = line[2..].trim();
                let Some((addr_tok, size_tok)) = rest.split_once(',') else {
                    return err(n, format!("expected ADDR,SIZE, found {}", quoted(rest)));
                };
                let Some(addr) = parse_hex(addr_tok.trim()) else {
                    return err(n, format!("expected a hex address, found {}", quoted(addr_tok)));
                };
                if size_tok.trim().parse::<u32>().is_err() {
                    return err(n, format!("expected a size after the comma, found {}", quoted(size_tok)));
                }
                packed.push(addr_limit(n, addr)? << 1 | write as u64);
            }
        }
    }
    Ok(Trace { format: Some(format), page_size, packed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn reads_each_format() {
        let t = read_trace(b"7 0 1\n2 0 # comment\n", TraceFormat::Auto, 4096).unwrap();
        assert_eq!(t.format, Some(TraceFormat::Pages));
        assert_eq!(t.iter().map(|(v, _)| v).collect::<Vec<_>>(), vec![7, 0, 1, 2, 0]);

        let t = read_trace(b"R 0x1000\nW 2fff\nw 0X3000\n", TraceFormat::Auto, 4096).unwrap();
        assert_eq!(t.format, Some(TraceFormat::Rw));
        assert_eq!(t.iter().collect::<Vec<_>>(), vec![(1, false), (2, true), (3, true)]);

        let lackey = b"==123== Lackey\nI  04000000,3\n L 1ffefffd58,8\n S 04001000,4\n M 0400100a,2\n";
        let t = read_trace(lackey, TraceFormat::Auto, 4096).unwrap();
        assert_eq!(t.format, Some(TraceFormat::Lackey));
        assert_eq!(
            t.iter().collect::<Vec<_>>(),
            vec![(0x4000, false), (0x1ff_efff, false), (0x4001, true), (0x4001, true)]
        );
    }

    #[test]
    fn gzip_is_read_transparently() {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"1 2 3 1").unwrap();
        let t = read_trace(&gz.finish().unwrap(), TraceFormat::Pages, 4096).unwrap();
        assert_eq!(t.len(), 4);
        let e = read_trace(&[0x1f, 0x8b, 8, 0, 0], TraceFormat::Pages, 4096).unwrap_err();
        assert!(e.message.contains("gzip"), "{e}");
    }

    #[test]
    fn garbage_names_its_line() {
        let e = read_trace(b"1 2\n3 x4\n", TraceFormat::Pages, 4096).unwrap_err();
        assert_eq!(e.to_string(), "2: expected a decimal page number, found \"x4\"");
        let e = read_trace(b"R 0x10\nX 0x20\n", TraceFormat::Rw, 4096).unwrap_err();
        assert_eq!(e.to_string(), "2: expected R or W, found \"X\"");
        let e = read_trace(b"R 0x1000000000000\n", TraceFormat::Rw, 4096).unwrap_err();
        assert_eq!(e.to_string(), "1: address 0x1000000000000 is wider than 48 bits");
        let e = read_trace(b"I  0400,3\nhello\n", TraceFormat::Lackey, 4096).unwrap_err();
        assert_eq!(e.line, 2);
        let e = read_trace(b" L 0400\n", TraceFormat::Lackey, 4096).unwrap_err();
        assert_eq!(e.to_string(), "1: expected ADDR,SIZE, found \"0400\"");
        let e = read_trace(&[b'1', b' ', 0xff, 0xfe], TraceFormat::Pages, 4096).unwrap_err();
        assert!(e.message.contains("not text"));
        assert!(read_trace(b"1", TraceFormat::Pages, 1000).is_err());
    }
}
