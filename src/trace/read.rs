//! Trace readers. Each access is stored packed as `vpn << 1 | is_write` (8 bytes), so a trace of
//! ten million accesses fits in 80 MB.

use crate::engine::error::quoted;
use flate2::read::MultiGzDecoder;
use std::fmt;
use std::io::Read;

/// Addresses of traces are at most this wide (user space on x86-64 and AArch64).
pub const TRACE_ADDRESS_BITS: u32 = 48;
pub use crate::limits::{MAX_TRACE_ACCESSES, MAX_TRACE_TEXT};

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
    /// The trace is longer than a whole read takes (the accesses or the text): nothing wrong with
    /// it, and a replay as it is read takes it (the page falls back to one).
    pub too_long: bool,
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
    Err(TraceError { line, message: message.into(), too_long: false })
}

/// Bytes read at a time: lines are parsed in place in this buffer, with no allocation per line.
const CHUNK: usize = 1 << 20;
/// Longest line a trace may have.
const MAX_LINE: usize = 1 << 16;

/// What a scan of a trace found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceScan {
    pub format: TraceFormat,
    pub accesses: u64,
}

/// Reads a trace as a stream, plain or gzip (detected by its magic bytes; several gzip members are
/// read as one), calling `each(vpn, is_write)` for every access, in order. Memory stays at one
/// buffer however long the trace is. `limit` bounds the accesses (and so the text) read: past it
/// the scan stops with an error that names it. With no limit (`u64::MAX`: a replay as it reads)
/// gzip may expand to any size too: nothing is kept.
pub fn scan_trace<R: Read>(
    mut input: R,
    format: TraceFormat,
    page_size: u64,
    limit: u64,
    mut each: impl FnMut(u64, bool),
) -> Result<TraceScan, TraceError> {
    if !page_size.is_power_of_two() || !(16..=65536).contains(&page_size) {
        return err(0, format!("page size must be a power of two from 16 to 64K, not {page_size}"));
    }
    let mut head = [0u8; 2];
    let got = read_fully(&mut input, &mut head).map_err(|e| read_error(0, e))?;
    let head = &head[..got];
    if head == [0x1f, 0x8b] {
        let gz = MultiGzDecoder::new(head.chain(input));
        let left = if limit == u64::MAX { u64::MAX } else { MAX_TRACE_TEXT };
        let limited = GzLimit { inner: gz, left };
        scan_text(limited, format, page_size, limit, &mut each)
    } else {
        scan_text(head.chain(input), format, page_size, limit, &mut each)
    }
}

/// Why a trace was read whole, for the message that says it is too long to be.
const WHOLE: &str = " (opt looks ahead, and the opt, fifo and clock curves simulate the whole trace at once; \
                     a replay with any other policy, and LRU's curve, read any length as they go)";

/// A gzip stream that stops with an error past [`MAX_TRACE_TEXT`] decompressed bytes (a small file
/// can expand to gigabytes).
struct GzLimit<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for GzLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("the gzip data is damaged: {e}"))
        })?;
        if n as u64 > self.left {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!("the trace decompresses to more than {} MiB, the most read whole{WHOLE}", MAX_TRACE_TEXT >> 20),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn read_fully(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match input.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A failed read at `line`: too much text for a whole read ([`GzLimit`]), or the file's own error.
fn read_error(line: usize, e: std::io::Error) -> TraceError {
    TraceError { line, too_long: e.kind() == std::io::ErrorKind::FileTooLarge, message: e.to_string() }
}

fn scan_text<R: Read>(
    mut input: R,
    format: TraceFormat,
    page_size: u64,
    limit: u64,
    each: &mut impl FnMut(u64, bool),
) -> Result<TraceScan, TraceError> {
    let mut scanner = TextScanner::new(format, page_size, limit);
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = read_fully(&mut input, &mut buf).map_err(|e| read_error(scanner.line_no + 1, e))?;
        scanner.feed(&buf[..n], each)?;
        if n < buf.len() {
            return scanner.finish(each);
        }
    }
}

/// A trace's text read piece by piece, as it arrives: pieces may cut lines anywhere. The reader
/// of files and standard input feeds it chunks; the page feeds it what a `File`'s stream gives.
/// It keeps at most one partial line (a `pages` reference string of any length is read in pieces).
#[derive(Clone, Debug)]
pub struct TextScanner {
    format: TraceFormat,
    shift: u32,
    limit: u64,
    accesses: u64,
    line_no: usize,
    /// The start of a line whose end has not arrived yet.
    carry: Vec<u8>,
    first: bool,
    /// Inside a `#` comment of a `pages` line being read in pieces.
    in_comment: bool,
}

impl TextScanner {
    /// `limit` bounds the accesses, as in [`scan_trace`]. The page size must be valid (16 … 64 KiB,
    /// a power of two).
    pub fn new(format: TraceFormat, page_size: u64, limit: u64) -> TextScanner {
        TextScanner {
            format,
            shift: page_size.trailing_zeros(),
            limit,
            accesses: 0,
            line_no: 0,
            carry: Vec::new(),
            first: true,
            in_comment: false,
        }
    }

    /// The accesses read so far, and the format (once known).
    pub fn scan(&self) -> TraceScan {
        TraceScan { format: self.format, accesses: self.accesses }
    }

    /// Reads the complete lines of `data` (the first one completing a line cut at the end of the
    /// previous piece), calling `each` for every access; keeps the last partial line.
    pub fn feed(&mut self, mut data: &[u8], each: &mut impl FnMut(u64, bool)) -> Result<(), TraceError> {
        if data.is_empty() {
            return Ok(());
        }
        if std::mem::take(&mut self.first) {
            // A byte-order mark (Windows editors write one) is not part of the first line.
            data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
            if self.format == TraceFormat::Auto {
                self.format = detect_format_bytes(data);
            }
        }
        if !self.carry.is_empty() {
            let Some(nl) = memchr(b'\n', data) else {
                self.carry.extend_from_slice(data);
                return self.keep_partial(each);
            };
            let mut line = std::mem::take(&mut self.carry);
            line.extend_from_slice(&data[..nl]);
            self.line(&line, each)?;
            line.clear();
            self.carry = line; // its buffer, for the next partial line
            data = &data[nl + 1..];
        }
        let mut start = 0;
        while let Some(i) = memchr(b'\n', &data[start..]) {
            self.line(&data[start..start + i], each)?;
            start += i + 1;
        }
        self.carry.extend_from_slice(&data[start..]);
        self.keep_partial(each)
    }

    /// The end of the text: the last line, if it had no line break.
    pub fn finish(&mut self, each: &mut impl FnMut(u64, bool)) -> Result<TraceScan, TraceError> {
        if !self.carry.is_empty() {
            let line = std::mem::take(&mut self.carry);
            self.line(&line, each)?;
        }
        Ok(self.scan())
    }

    /// A partial line too long to be one: a reference string is read up to its last whole
    /// number; anything else is not a trace.
    fn keep_partial(&mut self, each: &mut impl FnMut(u64, bool)) -> Result<(), TraceError> {
        if self.carry.len() <= MAX_LINE {
            return Ok(());
        }
        if matches!(self.format, TraceFormat::Pages | TraceFormat::Auto) {
            let cut = self.carry.iter().rposition(|&b| is_space(b)).map_or(0, |i| i + 1);
            let mut sink = Sink { each, accesses: self.accesses, limit: self.limit, shift: self.shift };
            let done = sink.pages(&self.carry[..cut], &mut self.in_comment);
            self.accesses = sink.accesses;
            done.or_else(|message| err(self.line_no + 1, message))?;
            self.carry.drain(..cut);
            if self.carry.len() <= MAX_LINE {
                return Ok(());
            }
        }
        err(self.line_no + 1, format!("longer than {} KiB: not a line of a trace", MAX_LINE >> 10))
    }

    fn line(&mut self, line: &[u8], each: &mut impl FnMut(u64, bool)) -> Result<(), TraceError> {
        self.line_no += 1;
        let mut sink = Sink { each, accesses: self.accesses, limit: self.limit, shift: self.shift };
        let done = match self.format {
            TraceFormat::Rw => parse_rw(line).and_then(|a| a.map_or(Ok(()), |(addr, w)| sink.access(addr, w))),
            TraceFormat::Lackey => parse_lackey(line).and_then(|a| a.map_or(Ok(()), |(addr, w)| sink.access(addr, w))),
            TraceFormat::Pages | TraceFormat::Auto => {
                let r = sink.pages(line, &mut self.in_comment);
                self.in_comment = false;
                r
            }
        };
        self.accesses = sink.accesses;
        // Past the access limit the line itself was fine: the trace is only longer than a whole read.
        let too_long = self.accesses >= self.limit;
        done.map_err(|message| TraceError { line: self.line_no, message, too_long })
    }
}

/// Where a scan's accesses go, counted against the limit.
struct Sink<'a, F> {
    each: &'a mut F,
    accesses: u64,
    limit: u64,
    shift: u32,
}

impl<F: FnMut(u64, bool)> Sink<'_, F> {
    fn access(&mut self, addr: u64, write: bool) -> Result<(), String> {
        if addr >> TRACE_ADDRESS_BITS != 0 {
            return Err(format!("address {addr:#x} is wider than {TRACE_ADDRESS_BITS} bits"));
        }
        self.page(addr >> self.shift, write)
    }

    fn page(&mut self, vpn: u64, write: bool) -> Result<(), String> {
        if self.accesses >= self.limit {
            return Err(format!("the trace has more than {} accesses, the most read whole{WHOLE}", group(self.limit)));
        }
        self.accesses += 1;
        (self.each)(vpn, write);
        Ok(())
    }

    /// The page numbers of a piece of a `pages` line; a `#` starts a comment to the end of the line.
    fn pages(&mut self, piece: &[u8], in_comment: &mut bool) -> Result<(), String> {
        if *in_comment {
            return Ok(());
        }
        let piece = match memchr(b'#', piece) {
            Some(i) => {
                *in_comment = true;
                &piece[..i]
            }
            None => piece,
        };
        for tok in words(piece) {
            let Some(page) = parse_decimal(tok) else {
                return Err(format!("expected a decimal page number, found {}", text_of(tok)));
            };
            if page >> (TRACE_ADDRESS_BITS - self.shift) != 0 {
                return Err(format!("page {page} is beyond a {TRACE_ADDRESS_BITS}-bit address space"));
            }
            self.page(page, false)?;
        }
        Ok(())
    }
}

use crate::engine::types::group;
use memchr::memchr;

/// A line as text for a message (invalid UTF-8 shown as U+FFFD).
fn text_of(b: &[u8]) -> String {
    quoted(&String::from_utf8_lossy(&b[..b.len().min(200)]))
}

/// The line up to a `#` comment.
fn code(line: &[u8]) -> &[u8] {
    match memchr(b'#', line) {
        Some(i) => &line[..i],
        None => line,
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c')
}

/// Splits `s` into the words between ASCII whitespace.
fn words(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    s.split(|&b| is_space(b)).filter(|w| !w.is_empty())
}

fn parse_hex(s: &[u8]) -> Option<u64> {
    let s = s.strip_prefix(b"0x").or_else(|| s.strip_prefix(b"0X")).unwrap_or(s);
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    let mut v = 0u64;
    for &b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        v = v << 4 | d as u64;
    }
    Some(v)
}

fn parse_decimal(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v = 0u64;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((b - b'0') as u64)?;
    }
    Some(v)
}

/// `R ADDR` / `W ADDR` (case-insensitive, `0x` optional); `Ok(None)` for a blank or comment line.
/// The common shape is read byte by byte in one pass; anything else goes to the careful reader,
/// which gives the error.
#[inline]
fn parse_rw(line: &[u8]) -> Result<Option<(u64, bool)>, String> {
    let n = line.len();
    let mut i = 0;
    while i < n && is_space(line[i]) {
        i += 1;
    }
    if i == n || line[i] == b'#' {
        return Ok(None);
    }
    let write = match line[i] {
        b'R' | b'r' => false,
        b'W' | b'w' => true,
        _ => return parse_rw_words(line),
    };
    i += 1;
    let gap = i;
    while i < n && is_space(line[i]) {
        i += 1;
    }
    if i == gap {
        return parse_rw_words(line);
    }
    if i + 1 < n && line[i] == b'0' && (line[i + 1] | 0x20) == b'x' {
        i += 2;
    }
    let digits = i;
    let mut addr = 0u64;
    while i < n {
        let d = match line[i] {
            b @ b'0'..=b'9' => b - b'0',
            b @ b'a'..=b'f' => b - b'a' + 10,
            b @ b'A'..=b'F' => b - b'A' + 10,
            _ => break,
        };
        addr = addr << 4 | d as u64;
        i += 1;
    }
    if i == digits || i - digits > 16 {
        return parse_rw_words(line);
    }
    while i < n && is_space(line[i]) {
        i += 1;
    }
    if i < n && line[i] != b'#' {
        return parse_rw_words(line);
    }
    Ok(Some((addr, write)))
}

/// [`parse_rw`] word by word, for the lines the fast path does not take: it says what is wrong.
#[cold]
fn parse_rw_words(line: &[u8]) -> Result<Option<(u64, bool)>, String> {
    let mut w = words(code(line));
    let Some(op) = w.next() else { return Ok(None) };
    let write = match op {
        b"R" | b"r" => false,
        b"W" | b"w" => true,
        _ => return Err(format!("expected R or W, found {}", text_of(op))),
    };
    let Some(addr_tok) = w.next() else {
        return Err("expected an address after R/W".into());
    };
    let Some(addr) = parse_hex(addr_tok) else {
        return Err(format!("expected a hex address, found {}", text_of(addr_tok)));
    };
    if let Some(extra) = w.next() {
        return Err(format!("unexpected {} after the address", text_of(extra)));
    }
    Ok(Some((addr, write)))
}

/// `I  ADDR,SIZE`, ` L ADDR,SIZE`, ` S …`, ` M …`; `==` and `--` lines are valgrind's own.
fn parse_lackey(line: &[u8]) -> Result<Option<(u64, bool)>, String> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(|&b| is_space(b)) || line.starts_with(b"==") || line.starts_with(b"--") {
        return Ok(None);
    }
    let write = match line {
        [b'I', b' ', ..] | [b' ', b'L', b' ', ..] => false,
        [b' ', b'S', b' ', ..] | [b' ', b'M', b' ', ..] => true,
        _ => return Err(format!("expected a lackey line (I, L, S or M and ADDR,SIZE), found {}", text_of(line))),
    };
    let rest = trim(&line[2..]);
    let Some(comma) = memchr(b',', rest) else {
        return Err(format!("expected ADDR,SIZE, found {}", text_of(rest)));
    };
    let (addr_tok, size_tok) = (trim(&rest[..comma]), trim(&rest[comma + 1..]));
    let Some(addr) = parse_hex(addr_tok) else {
        return Err(format!("expected a hex address, found {}", text_of(addr_tok)));
    };
    if parse_decimal(size_tok).is_none_or(|n| n > u32::MAX as u64) {
        return Err(format!("expected a size after the comma, found {}", text_of(size_tok)));
    }
    Ok(Some((addr, write)))
}

fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| !is_space(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|&b| !is_space(b)).map_or(start, |i| i + 1);
    &s[start..end]
}

fn is_lackey_line(line: &[u8]) -> bool {
    line.starts_with(b"==")
        || (line.len() > 3 && line[0] == b'I' && line[1] == b' ' && line[2] == b' ')
        || (line.len() > 3 && line[0] == b' ' && matches!(line[1], b'L' | b'S' | b'M') && line[2] == b' ')
}

/// Guesses the format from the first meaningful line.
pub fn detect_format(text: &str) -> TraceFormat {
    detect_format_bytes(text.as_bytes())
}

fn detect_format_bytes(text: &[u8]) -> TraceFormat {
    for line in text.split(|&b| b == b'\n') {
        let c = code(line);
        if c.iter().all(|&b| is_space(b)) {
            continue;
        }
        if is_lackey_line(line) {
            return TraceFormat::Lackey;
        }
        let first = words(c).next().unwrap_or(b"");
        if first.eq_ignore_ascii_case(b"r") || first.eq_ignore_ascii_case(b"w") {
            return TraceFormat::Rw;
        }
        return TraceFormat::Pages;
    }
    TraceFormat::Pages
}

/// Reads a whole trace into memory (plain text or gzip) in `format` for pages of `page_size`
/// bytes: for replays that need the future (`opt`) or several passes (the page's comparison).
pub fn read_trace(bytes: &[u8], format: TraceFormat, page_size: u64) -> Result<Trace, TraceError> {
    let mut packed = Vec::new();
    let scan = scan_trace(bytes, format, page_size, MAX_TRACE_ACCESSES as u64, |vpn, write| {
        packed.push(vpn << 1 | write as u64)
    })?;
    Ok(Trace { format: Some(scan.format), page_size, packed })
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
    fn a_reference_string_may_be_one_long_line() {
        let mut text: String = (0..200_000).map(|i| format!("{} ", i % 1000)).collect();
        text.push_str("# the end 77\n5");
        let t = read_trace(text.as_bytes(), TraceFormat::Auto, 4096).unwrap();
        assert_eq!(t.len(), 200_001);
        assert_eq!(t.get(199_999), (999, false));
        assert_eq!(t.get(200_000), (5, false), "the comment ended with its line");
        let long_rw = format!("R 0 {}\n", " ".repeat(2 << 20));
        assert!(read_trace(long_rw.as_bytes(), TraceFormat::Rw, 4096).unwrap_err().message.contains("64 KiB"));
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
        assert!(e.message.contains("expected a decimal page number"), "{e}");
        assert!(read_trace(b"1", TraceFormat::Pages, 1000).is_err());
    }
}
