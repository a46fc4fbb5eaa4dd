//! The zip packages of the downloads (each dataset's zip, each resource's `.xlsx`), written
//! here rather than by the zip crate for every package that needs no Zip64, with the zip
//! crate's headers for [`zip_options`] (a streaming writer's: sizes and CRC in a
//! data descriptor). An entry of up to [`WHOLE_ENTRY`] bytes (all but the largest worksheets and
//! CSV files) is held and deflated whole by libdeflate at [`WHOLE_LEVEL`], with one compressor
//! per thread; a larger one is streamed through zlib-rs at [`DEFLATE_LEVEL`], as
//! the zip crate deflates, with one compressor per thread that is reset between entries (the
//! zip crate makes a new one for every entry, allocating and zeroing about 300 KB of tables).
//! Parts that many packages share are deflated once (see [`Deflated`]).
//!
//! Why libdeflate at level 1: measured on the worksheets and CSV files of 900 generated
//! resources (CPU time of one thread), it deflates the worksheets in 26 % less time than zlib-rs
//! at level 2 for 4 % more bytes, the CSV files in 27 % less for the same bytes, and the small
//! parts (`docProps/core.xml`, `datapackage.json`) in half the time for 3 % fewer bytes.
//! zlib-rs at level 1 is as fast but 34 % larger on the worksheets. Excel, LibreOffice and
//! Python's zipfile deflate at zlib's default level 6, about twice libdeflate 1's time here.
//!
//! A package whose entries or offsets could pass 4 GB is written by the zip crate, which knows
//! Zip64 (see the callers).

use flate2::{Compress, Compression, FlushCompress, Status};
use std::cell::RefCell;
use std::io::Write;

/// The zlib-rs deflate level of the zip entries too large to be held whole (this module
/// deflates the others with libdeflate) and of the packages the zip
/// crate writes (those that need Zip64). zlib-rs at level 2 (its fast strategy) took a third of
/// the CPU time of level 6 (lazy matching) on 10,000 datasets, for files about 12 % larger (the
/// zips of 1,000 generated datasets: 10.6 → 11.9 MB, their workbooks 27.9 → 31.5 MB); level 1
/// (static codes only) was 48 % larger for little more speed.
pub const DEFLATE_LEVEL: i64 = 2;

/// How every zip entry (of the dataset zips and the workbooks) is stored: deflated (by the zip
/// crate at [`DEFLATE_LEVEL`]), dated 1980-01-01 00:00 (zip's earliest date) and readable by
/// all, so the same files always give the same bytes.
pub(super) fn zip_options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(DEFLATE_LEVEL))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
}

/// Sizes and offsets at or above this need Zip64, which only the zip crate writes.
pub(super) const ZIP32_LIMIT: u64 = u32::MAX as u64;

/// The MS-DOS date of 1980-01-01 (zip's earliest; every entry's date, see `zip_options`).
const DOS_DATE: u16 = 0x21;
/// Made by Unix, zip specification 2.0.
const MADE_BY: u16 = (3 << 8) | 20;
const NEEDED: u16 = 20;
/// Sizes and CRC follow the data, in a data descriptor (a streaming writer's entries). An
/// entry copied whole has them in its local header instead, and no flag: a reader that walks
/// the local headers (Java's `ZipInputStream`, Apache POI, Info-ZIP's `unzip`) looks for a
/// descriptor wherever the flag is set.
const DESCRIBED: u16 = 0x08;
const DEFLATED: u16 = 8;
/// A regular file readable by all (0o100644), in the high half.
const EXTERNAL: u32 = 0o100_644 << 16;

/// An entry's data deflated once, to be put into many packages.
pub(super) struct Deflated {
    crc: u32,
    size: u64,
    bytes: Vec<u8>,
}

impl Deflated {
    /// `data` deflated as an entry's would be.
    pub(super) fn new(data: &[u8]) -> Deflated {
        let mut bytes = Vec::with_capacity(data.len() / 2 + 64);
        let mut keep = |out: &[u8]| bytes.write_all(out);
        // A compressor of its own: this may run while an entry of a package is being written.
        let deflated = if data.len() <= WHOLE_ENTRY {
            whole(data, &mut keep)
        } else {
            with_compressor(&SHARED, |c| {
                c.0.reset();
                feed(c, data, &mut keep)?;
                finish(c, &mut keep)
            })
        };
        deflated.unwrap_or_default();
        Deflated { crc: crc32fast::hash(data), size: data.len() as u64, bytes }
    }
}

impl Deflated {
    /// Whether this is `data` deflated (by its size and CRC).
    pub(super) fn is_of(&self, data: &[u8]) -> bool {
        self.size == data.len() as u64 && self.crc == crc32fast::hash(data)
    }
}

/// One entry of the central directory.
struct Entry {
    name: String,
    /// [`DESCRIBED`] or none.
    flags: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    offset: u64,
}

/// A zip package written in pieces into `out` (see the module).
pub(super) struct Zip<'w> {
    out: &'w mut dyn Write,
    /// Bytes written so far.
    at: u64,
    entries: Vec<Entry>,
    /// The entry being written: its CRC and uncompressed size so far, and where its data began.
    open: Option<(crc32fast::Hasher, u64, u64)>,
    /// The data of the entry being written while it is held whole (at most [`WHOLE_ENTRY`]
    /// bytes); once it grows past that, it is streamed and this stays empty.
    held: Vec<u8>,
    /// Whether the entry being written is streamed through zlib-rs.
    streaming: bool,
}

impl<'w> Zip<'w> {
    /// An empty package written into `out`.
    pub(super) fn new(out: &'w mut dyn Write) -> Zip<'w> {
        let held = SPARE.with(|spare| spare.take());
        Zip { out, at: 0, entries: Vec::new(), open: None, held, streaming: false }
    }

    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        counted(&mut *self.out, &mut self.at)(bytes)
    }

    /// The local header of entry `name`: with its CRC and sizes when they are `known` (a copied
    /// entry), else flagged for a data descriptor after the data, which carries them.
    fn local_header(&mut self, name: &str, known: Option<(u32, u64, u64)>) -> std::io::Result<()> {
        if !name.is_ascii() || name.len() > usize::from(u16::MAX) {
            return Err(std::io::Error::other(format!("zip entry name {name:?} needs the zip crate")));
        }
        let mut h = Vec::with_capacity(30 + name.len());
        h.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        h.extend_from_slice(&NEEDED.to_le_bytes());
        h.extend_from_slice(&(if known.is_some() { 0 } else { DESCRIBED }).to_le_bytes());
        h.extend_from_slice(&DEFLATED.to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(&DOS_DATE.to_le_bytes());
        let (crc, compressed, size) = known.unwrap_or_default();
        if compressed >= ZIP32_LIMIT || size >= ZIP32_LIMIT {
            return Err(std::io::Error::other(format!("zip entry {name} passes 4 GB: the package needs Zip64")));
        }
        h.extend_from_slice(&crc.to_le_bytes());
        h.extend_from_slice(&(compressed as u32).to_le_bytes());
        h.extend_from_slice(&(size as u32).to_le_bytes());
        h.extend_from_slice(&(name.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        h.extend_from_slice(name.as_bytes());
        self.put(&h)
    }

    /// Ends an entry with its data descriptor, and lists it for the central directory.
    fn descriptor(&mut self, name: &str, offset: u64, crc: u32, compressed: u64, size: u64) -> std::io::Result<()> {
        let mut d = [0u8; 16];
        d[..4].copy_from_slice(&0x0807_4b50u32.to_le_bytes());
        d[4..8].copy_from_slice(&crc.to_le_bytes());
        d[8..12].copy_from_slice(&(compressed as u32).to_le_bytes());
        d[12..].copy_from_slice(&(size as u32).to_le_bytes());
        self.put(&d)?;
        self.listed(name, DESCRIBED, offset, crc, compressed, size)
    }

    /// Lists an entry for the central directory.
    fn listed(&mut self, name: &str, flags: u16, offset: u64, crc: u32, compressed: u64, size: u64) -> std::io::Result<()> {
        if compressed >= ZIP32_LIMIT || size >= ZIP32_LIMIT || offset >= ZIP32_LIMIT {
            return Err(std::io::Error::other(format!("zip entry {name} passes 4 GB: the package needs Zip64")));
        }
        self.entries.push(Entry { name: name.to_string(), flags, crc, compressed, size, offset });
        Ok(())
    }

    /// Adds entry `name` holding `data`, deflated.
    pub(super) fn entry(&mut self, name: &str, data: &[u8]) -> std::io::Result<()> {
        if data.len() > WHOLE_ENTRY {
            self.start(name)?;
            self.piece(data)?;
            return self.end();
        }
        // Deflated straight from `data`, not copied to be held first.
        self.end_open()?;
        let offset = self.at;
        self.local_header(name, None)?;
        let start = self.at;
        whole(data, &mut counted(&mut *self.out, &mut self.at))?;
        self.descriptor(name, offset, crc32fast::hash(data), self.at - start, data.len() as u64)
    }

    /// Adds entry `name` holding the data `deflated` was made of, written as if deflated here.
    pub(super) fn entry_deflated(&mut self, name: &str, deflated: &Deflated) -> std::io::Result<()> {
        self.end_open()?;
        let offset = self.at;
        self.local_header(name, None)?;
        let start = self.at;
        self.put(&deflated.bytes)?;
        self.descriptor(name, offset, deflated.crc, self.at - start, deflated.size)
    }

    /// Adds entry `name` holding the data `deflated` was made of, as the zip crate's
    /// `raw_copy_file` copies an entry of another package: its CRC and sizes in the local
    /// header, and no data descriptor after the data.
    pub(super) fn copy(&mut self, name: &str, deflated: &Deflated) -> std::io::Result<()> {
        self.end_open()?;
        let offset = self.at;
        let compressed = deflated.bytes.len() as u64;
        self.local_header(name, Some((deflated.crc, compressed, deflated.size)))?;
        self.put(&deflated.bytes)?;
        self.listed(name, 0, offset, deflated.crc, compressed, deflated.size)
    }

    /// Starts entry `name`, whose data is given to [`Zip::piece`] (or written) in pieces and
    /// ended by [`Zip::end`].
    pub(super) fn start(&mut self, name: &str) -> std::io::Result<()> {
        self.end_open()?;
        let offset = self.at;
        self.local_header(name, None)?;
        self.entries.push(Entry { name: name.to_string(), flags: DESCRIBED, crc: 0, compressed: 0, size: 0, offset });
        self.open = Some((crc32fast::Hasher::new(), 0, self.at));
        self.held.clear();
        self.streaming = false;
        Ok(())
    }

    /// A piece of the entry started last: held while the entry is at most [`WHOLE_ENTRY`]
    /// bytes, else streamed (what was held first).
    pub(super) fn piece(&mut self, data: &[u8]) -> std::io::Result<()> {
        let Some((crc, size, _)) = &mut self.open else { return Err(std::io::Error::other("no zip entry started")) };
        crc.update(data);
        *size += data.len() as u64;
        if !self.streaming && self.held.len() + data.len() <= WHOLE_ENTRY {
            self.held.extend_from_slice(data);
            return Ok(());
        }
        let mut put = counted(&mut *self.out, &mut self.at);
        with_compressor(&COMPRESSOR, |c| {
            if !self.streaming {
                self.streaming = true;
                c.0.reset();
                feed(c, &self.held, &mut put)?;
                self.held.clear();
            }
            feed(c, data, &mut put)
        })
    }

    /// [`Zip::piece`] for a piece in a buffer of the caller's, which is left empty: the
    /// entry's first piece becomes its held data without a copy (a worksheet of a few hundred
    /// rows is one piece).
    pub(super) fn piece_from(&mut self, data: &mut Vec<u8>) -> std::io::Result<()> {
        match &mut self.open {
            Some((crc, size, _)) if !self.streaming && self.held.is_empty() && data.len() <= WHOLE_ENTRY => {
                crc.update(data);
                *size += data.len() as u64;
                std::mem::swap(&mut self.held, data);
            }
            _ => self.piece(data)?,
        }
        data.clear();
        Ok(())
    }

    /// Ends the entry started last if it is still open, as the zip crate does when the next
    /// one starts.
    fn end_open(&mut self) -> std::io::Result<()> {
        if self.open.is_some() { self.end() } else { Ok(()) }
    }

    /// Ends the entry started last.
    pub(super) fn end(&mut self) -> std::io::Result<()> {
        let Some((crc, size, start)) = self.open.take() else { return Err(std::io::Error::other("no zip entry started")) };
        let mut put = counted(&mut *self.out, &mut self.at);
        if self.streaming {
            self.streaming = false;
            with_compressor(&COMPRESSOR, |c| finish(c, &mut put))?;
        } else {
            whole(&self.held, &mut put)?;
            self.held.clear();
        }
        drop(put);
        let Some(entry) = self.entries.pop() else { return Err(std::io::Error::other("no zip entry started")) };
        self.descriptor(&entry.name, entry.offset, crc.finalize(), self.at - start, size)
    }

    /// Writes the central directory and its end.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        self.end_open()?;
        let start = self.at;
        let mut central = Vec::with_capacity(self.entries.iter().map(|e| 46 + e.name.len()).sum::<usize>() + 22);
        for e in &self.entries {
            central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            central.extend_from_slice(&MADE_BY.to_le_bytes());
            central.extend_from_slice(&NEEDED.to_le_bytes());
            central.extend_from_slice(&e.flags.to_le_bytes());
            central.extend_from_slice(&DEFLATED.to_le_bytes());
            central.extend_from_slice(&0u16.to_le_bytes());
            central.extend_from_slice(&DOS_DATE.to_le_bytes());
            central.extend_from_slice(&e.crc.to_le_bytes());
            central.extend_from_slice(&(e.compressed as u32).to_le_bytes());
            central.extend_from_slice(&(e.size as u32).to_le_bytes());
            central.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            // Extra field, comment, disk number, internal attributes.
            central.extend_from_slice(&[0; 8]);
            central.extend_from_slice(&EXTERNAL.to_le_bytes());
            central.extend_from_slice(&(e.offset as u32).to_le_bytes());
            central.extend_from_slice(e.name.as_bytes());
        }
        let size = central.len() as u64;
        if self.entries.len() >= usize::from(u16::MAX) || start + size >= ZIP32_LIMIT {
            return Err(std::io::Error::other("the zip package passes 4 GB or 65,535 entries: it needs Zip64"));
        }
        let count = (self.entries.len() as u16).to_le_bytes();
        central.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        central.extend_from_slice(&[0; 4]);
        central.extend_from_slice(&count);
        central.extend_from_slice(&count);
        central.extend_from_slice(&(size as u32).to_le_bytes());
        central.extend_from_slice(&(start as u32).to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        self.put(&central)
    }
}

impl Drop for Zip<'_> {
    /// Gives the held entry's buffer back to the thread for its next package, unless an entry
    /// made it large.
    fn drop(&mut self) {
        if self.held.capacity() <= KEPT_BUFFER {
            let mut held = std::mem::take(&mut self.held);
            held.clear();
            SPARE.with(|spare| spare.replace(held));
        }
    }
}

/// Writing to a package writes to its entry started last.
impl Write for Zip<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.piece(data)?;
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes each piece given to `out`, counting its bytes in `at` (the package's length so far).
fn counted<'a, W: Write + ?Sized>(out: &'a mut W, at: &'a mut u64) -> impl FnMut(&[u8]) -> std::io::Result<()> + 'a {
    move |bytes| {
        out.write_all(bytes)?;
        *at += bytes.len() as u64;
        Ok(())
    }
}

/// Bytes of deflated output handed on at a time.
const OUT_PIECE: usize = 32 * 1024;

/// The largest entry held and deflated whole (see the module); a larger one is streamed.
pub(super) const WHOLE_ENTRY: usize = 8 << 20;

/// libdeflate's level for entries deflated whole (see the module).
pub(super) const WHOLE_LEVEL: i32 = 1;

/// Buffers of at most this capacity are kept by a thread between packages and entries.
const KEPT_BUFFER: usize = 1 << 20;

thread_local! {
    /// This thread's compressor for streamed entries (at [`DEFLATE_LEVEL`], raw
    /// deflate as in zip) and its output buffer.
    static COMPRESSOR: RefCell<Option<(Compress, Vec<u8>)>> = const { RefCell::new(None) };
    /// This thread's compressor for streamed [`Deflated`] parts.
    static SHARED: RefCell<Option<(Compress, Vec<u8>)>> = const { RefCell::new(None) };
    /// This thread's libdeflate compressor for whole entries, and its output buffer.
    static WHOLE: RefCell<Option<(libdeflater::Compressor, Vec<u8>)>> = const { RefCell::new(None) };
    /// A buffer for the next package's held entries.
    static SPARE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Deflates `data` (a whole entry, at most [`WHOLE_ENTRY`] bytes) with libdeflate, handing the
/// output on to `out`.
fn whole(data: &[u8], out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
    WHOLE.with(|cell| {
        let mut slot = cell.try_borrow_mut().map_err(std::io::Error::other)?;
        let (compressor, buf) = slot.get_or_insert_with(|| {
            // Level 1 is in libdeflate's range (0 to 12): the fallback is never taken.
            let level = libdeflater::CompressionLvl::new(WHOLE_LEVEL).unwrap_or_default();
            (libdeflater::Compressor::new(level), Vec::new())
        });
        let bound = compressor.deflate_compress_bound(data.len());
        if buf.len() < bound {
            buf.resize(bound, 0);
        }
        let written = compressor.deflate_compress(data, buf).map_err(|e| std::io::Error::other(format!("deflate: {e:?}")))?;
        let result = out(&buf[..written]);
        if buf.capacity() > KEPT_BUFFER {
            *buf = Vec::new();
        }
        result
    })
}

/// Runs `f` with this thread's compressor and output buffer.
fn with_compressor<T>(
    which: &'static std::thread::LocalKey<RefCell<Option<(Compress, Vec<u8>)>>>,
    f: impl FnOnce(&mut (Compress, Vec<u8>)) -> std::io::Result<T>,
) -> std::io::Result<T> {
    which.with(|cell| {
        let mut slot = cell.try_borrow_mut().map_err(std::io::Error::other)?;
        let c = slot.get_or_insert_with(|| {
            (Compress::new(Compression::new(DEFLATE_LEVEL as u32), false), Vec::with_capacity(OUT_PIECE))
        });
        f(c)
    })
}

/// Deflates `data` (more of the entry, no flush), handing the output on to `out`.
fn feed(c: &mut (Compress, Vec<u8>), mut data: &[u8], out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
    let (compress, buf) = c;
    while !data.is_empty() {
        buf.clear();
        let before = compress.total_in();
        compress.compress_vec(data, buf, FlushCompress::None).map_err(std::io::Error::other)?;
        data = &data[(compress.total_in() - before) as usize..];
        if !buf.is_empty() {
            out(buf)?;
        }
    }
    Ok(())
}

/// Ends the entry's deflate stream, handing the rest of the output on to `out`.
fn finish(c: &mut (Compress, Vec<u8>), out: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
    let (compress, buf) = c;
    loop {
        buf.clear();
        let status = compress.compress_vec(&[], buf, FlushCompress::Finish).map_err(std::io::Error::other)?;
        if !buf.is_empty() {
            out(buf)?;
        }
        if status == Status::StreamEnd {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the zip crate writes for the same entries (`copied` as `raw_copy_file` copies an
    /// entry of a package the zip crate wrote).
    fn by_zip_crate(entries: &[(&str, Vec<u8>, bool)]) -> Vec<u8> {
        let options = zip_options();
        let mut out = Vec::new();
        let mut zip = zip::ZipWriter::new_stream(&mut out);
        for (name, data, copied) in entries {
            if *copied {
                let mut source = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
                source.start_file(*name, options).unwrap();
                source.write_all(data).unwrap();
                let bytes = source.finish().unwrap().into_inner();
                let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                zip.raw_copy_file(archive.by_name(name).unwrap()).unwrap();
            } else {
                zip.start_file(*name, options).unwrap();
                // In pieces of odd sizes, as the writers give them.
                for piece in data.chunks(7_777) {
                    zip.write_all(piece).unwrap();
                }
            }
        }
        zip.finish().unwrap();
        out
    }

    /// `shared`: whole entries deflated on their own; else written in pieces and left open for
    /// the next entry (or the end of the package) to end.
    fn by_this(entries: &[(&str, Vec<u8>, bool)], shared: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut zip = Zip::new(&mut out);
        for (name, data, copied) in entries {
            if *copied {
                zip.copy(name, &Deflated::new(data)).unwrap();
            } else if shared {
                zip.entry_deflated(name, &Deflated::new(data)).unwrap();
            } else {
                zip.start(name).unwrap();
                for piece in data.chunks(65_536) {
                    zip.piece(piece).unwrap();
                }
            }
        }
        zip.finish().unwrap();
        out
    }

    /// `package` read as a streaming reader reads it (Java's `ZipInputStream`, which Apache POI
    /// opens workbooks with; Info-ZIP's `unzip -t` checks the same): local header after local
    /// header, each entry's data inflated to its end, then its data descriptor where the header
    /// is flagged for one, else the sizes in the header; each entry's CRC checked, and the
    /// central directory right after the last entry. The entries' names and data.
    pub(in crate::render) fn read_streaming(package: &[u8]) -> Vec<(String, Vec<u8>)> {
        let u16_at = |p: usize| u16::from_le_bytes([package[p], package[p + 1]]);
        let u32_at = |p: usize| u32::from_le_bytes([package[p], package[p + 1], package[p + 2], package[p + 3]]);
        let (mut at, mut entries) = (0, Vec::new());
        while u32_at(at) == 0x0403_4b50 {
            let (flags, method) = (u16_at(at + 6), u16_at(at + 8));
            let (crc, compressed, size) = (u32_at(at + 14), u32_at(at + 18) as usize, u32_at(at + 22) as usize);
            let (name_len, extra) = (usize::from(u16_at(at + 26)), usize::from(u16_at(at + 28)));
            let name = String::from_utf8(package[at + 30..at + 30 + name_len].to_vec()).unwrap();
            assert_eq!(method, DEFLATED, "{name}");
            let start = at + 30 + name_len + extra;
            let mut inflate = flate2::bufread::DeflateDecoder::new(&package[start..]);
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut inflate, &mut data).unwrap();
            let used = inflate.total_in() as usize;
            at = start + used;
            let (crc, compressed, size) = if flags & DESCRIBED == 0 {
                (crc, compressed, size)
            } else {
                assert_eq!((crc, compressed, size), (0, 0, 0), "{name}: flagged for a descriptor, sizes in the header");
                if u32_at(at) == 0x0807_4b50 {
                    at += 4;
                }
                at += 12;
                (u32_at(at - 12), u32_at(at - 8) as usize, u32_at(at - 4) as usize)
            };
            assert_eq!((compressed, size, crc), (used, data.len(), crc32fast::hash(&data)), "{name}");
            entries.push((name, data));
        }
        let end = if entries.is_empty() { 0x0605_4b50 } else { 0x0201_4b50 };
        assert_eq!(u32_at(at), end, "the central directory follows the last entry");
        entries
    }

    /// Text that deflates like the downloads: repetitive, with Thai and varying numbers.
    fn sample(rows: usize, seed: u64) -> Vec<u8> {
        let mut text = String::new();
        let mut x = seed;
        for i in 0..rows {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            text.push_str(&format!("<row r=\"{i}\"><c r=\"A{i}\"><v>{}</v></c><c r=\"B{i}\" t=\"inlineStr\"><is><t>กรม{}</t></is></c></row>", x >> 40, x % 97));
        }
        text.into_bytes()
    }

    /// An entry as the zip crate reads it back: its data, method, date and mode.
    fn read_back(package: &[u8]) -> Vec<(String, Vec<u8>, zip::CompressionMethod, Option<u32>, zip::DateTime)> {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut e = archive.by_index(i).unwrap();
                let mut data = Vec::new();
                // The zip crate checks each entry's CRC as it reads it to the end.
                std::io::Read::read_to_end(&mut e, &mut data).unwrap();
                (e.name().to_string(), data, e.compression(), e.unix_mode(), e.last_modified().unwrap_or_default())
            })
            .collect()
    }

    /// Every package reads back as its entries, deflated, dated 1980-01-01 and readable by
    /// all, whether each entry was given whole, in pieces, or deflated once to be shared; and
    /// the package is the same bytes whichever way its entries were given.
    #[test]
    fn packages_read_back_as_their_entries_however_they_were_written() {
        let cases: Vec<Vec<(&str, Vec<u8>, bool)>> = vec![
            vec![],
            vec![("empty.csv", Vec::new(), false)],
            vec![("a.xml", sample(3, 1), false), ("_rels/.rels", sample(2, 9), true), ("b/sheet1.xml", sample(20_000, 2), false), ("c.xml", b"x".to_vec(), false)],
            vec![("datapackage.json", b"{\"name\": \"x\"}\n".to_vec(), false), ("big.csv", sample(100_000, 3), false), ("small.csv", sample(1, 4), false)],
        ];
        for entries in &cases {
            let package = by_this(entries, false);
            assert_eq!(by_this(entries, true), package);
            let mut whole = Vec::new();
            let mut zip = Zip::new(&mut whole);
            for (name, data, copied) in entries {
                if *copied { zip.copy(name, &Deflated::new(data)).unwrap() } else { zip.entry(name, data).unwrap() }
            }
            zip.finish().unwrap();
            assert_eq!(whole, package);
            let streamed = read_streaming(&package);
            assert_eq!(streamed, entries.iter().map(|(name, data, _)| (name.to_string(), data.clone())).collect::<Vec<_>>());
            let back = read_back(&package);
            assert_eq!(back.len(), entries.len());
            for ((name, data, method, mode, date), want) in back.iter().zip(entries) {
                assert_eq!((name.as_str(), data), (want.0, &want.1));
                assert_eq!(*method, zip::CompressionMethod::Deflated);
                assert_eq!(*mode, Some(0o100_644));
                assert_eq!(*date, zip::DateTime::default());
            }
        }
    }

    /// An entry larger than is held whole is streamed, and the package is then the zip
    /// crate's bytes (both deflate it with zlib-rs at the same level); the entries beside it,
    /// deflated whole, read back as before.
    #[test]
    fn a_large_entry_is_streamed_as_the_zip_crate_streams_it() {
        let big = sample(WHOLE_ENTRY / 60, 5);
        assert!(big.len() > WHOLE_ENTRY, "{}", big.len());
        let alone = vec![("sheet1.xml", big.clone(), false)];
        assert!(by_this(&alone, false) == by_zip_crate(&alone));
        let mut out = Vec::new();
        let mut zip = Zip::new(&mut out);
        zip.entry("a.csv", b"x,y\n1,2\n").unwrap();
        zip.entry("big.xml", &big).unwrap();
        zip.entry("b.csv", &sample(10, 6)).unwrap();
        zip.finish().unwrap();
        let back = read_back(&out);
        assert_eq!(back.iter().map(|e| (e.0.as_str(), e.1.len())).collect::<Vec<_>>(), [("a.csv", 8), ("big.xml", big.len()), ("b.csv", sample(10, 6).len())]);
        assert!(back[1].1 == big);
    }

    /// Held entries are deflated, not stored: repetitive text shrinks to well under a third.
    #[test]
    fn held_entries_are_deflated() {
        let data = sample(5_000, 7);
        let mut out = Vec::new();
        let mut zip = Zip::new(&mut out);
        zip.entry("sheet.xml", &data).unwrap();
        zip.finish().unwrap();
        assert!(out.len() * 3 < data.len(), "{} of {}", out.len(), data.len());
    }

    #[test]
    fn a_name_outside_ascii_is_refused_not_written_differently() {
        let mut out = Vec::new();
        let mut zip = Zip::new(&mut out);
        assert!(zip.entry("ข้อมูล.csv", b"a").is_err());
    }
}
