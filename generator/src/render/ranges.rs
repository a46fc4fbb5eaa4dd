//! Files a rebuild makes mostly of the last build's bytes (the catalogs, the API's dataset list,
//! the search index): where each dataset's texts lay in the last build's file ([`Layout`]), that
//! file ([`Last`]), the writer that copies its unchanged ranges in the kernel ([`Ranges`]), and
//! how such a file is taken from the last build or recorded for the next ([`taken`],
//! [`record`], [`last_layout`]).

use super::fragments::Store;
use super::{Emitter, RangeWrite};

/// Takes the file at `path` from the last build when it was made from `key`, keeping its
/// layout for the next build; whether it was.
pub(super) fn taken(out: &Emitter, store: &Store, path: &str, key: Option<u64>) -> bool {
    let memo = out.memo();
    // The layouts of this file in the other outputs stay for their next builds.
    for other in memo.other_outputs() {
        store.keep_raw(layout_key(other, path));
    }
    let Some(found) = key.and_then(|k| memo.reuse(path, k)) else { return false };
    if out.reused(&found).is_err() {
        return false;
    }
    store.keep_raw(layout_key(&output_of(memo), path));
    true
}

/// Records that the file at `path` was made from `key`, and keeps its layout.
pub(super) fn record(store: &Store, memo: &crate::load::cache::Memo, path: &str, key: Option<u64>, layout: Option<Layout>) {
    let Some(key) = key else { return };
    memo.rendered(path, key, None);
    if let Some(mut layout) = layout {
        layout.key = key;
        store.put_raw(layout_key(&output_of(memo), path), layout.encode());
    }
}

/// The key under which the layout of the catalog at `path` in the output folder `output` is
/// kept: per output, since a layout tells where texts lie in that folder's file, and `serve`'s
/// builds into a folder of their own made the next `sala build` write its catalogs whole.
fn layout_key(output: &str, path: &str) -> u64 {
    let mut h = crate::load::cache::KeyHasher::new();
    h.add("catalog layout").add(output).add(path);
    h.finish()
}

/// The output folder `memo` is of, by the name the cache gives it (and the other outputs of
/// [`crate::load::cache::Memo::other_outputs`]).
fn output_of(memo: &crate::load::cache::Memo) -> String {
    memo.output().map(crate::load::cache::output_id).unwrap_or_default()
}

/// The layout of the last build's file at `path` and the file's bytes, when the file is still
/// the one that layout describes.
pub(super) fn last_layout(store: &Store, memo: &crate::load::cache::Memo, path: &str) -> Option<Last> {
    let layout = Layout::decode(store.raw(layout_key(&output_of(memo), path))?)?;
    let last = Last::of_file(&memo.last_file(path, layout.key)?)?;
    Some(Last { layout, ..last })
}

/// The last build's file of a catalog: its layout, its bytes (mapped) and the open file,
/// which unchanged ranges are copied from.
pub(super) struct Last {
    layout: Layout,
    bytes: crate::load::cache::FileBytes,
    file: std::fs::File,
}

impl Last {
    /// The last build's file at `path` with no layout: for a writer that borrows the ranges it
    /// keeps from [`Last::bytes`] (the search index, see `render::search`).
    pub(super) fn of_file(path: &std::path::Path) -> Option<Last> {
        let file = std::fs::File::open(path).ok()?;
        let bytes = crate::load::cache::FileBytes::of(&file).ok()?;
        Some(Last { layout: Layout::default(), bytes, file })
    }

    /// The file's bytes (mapped).
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// The writer of a catalog that a rebuild makes mostly of the last build's bytes: a text
/// borrowed from the last build's file (its map), and any bytes equal to those that follow the
/// last such text there (separators, shared nodes made again the same), are not written but
/// joined into one range of that file, which the sink copies in the kernel. Writing 90 MB of
/// catalogs at 3,000 datasets through Sala's memory (mapped pages copied into a buffer, then
/// into the file) was most of the catalogs' rebuild time for a change to one dataset.
pub(super) struct Ranges<'a, 'w> {
    out: &'w mut dyn RangeWrite,
    last: Option<&'a Last>,
    /// The range of the last build's file the bytes given since the last copy are.
    pending: Option<(usize, usize)>,
}

impl<'a, 'w> Ranges<'a, 'w> {
    pub(super) fn new(out: &'w mut dyn RangeWrite, last: Option<&'a Last>) -> Self {
        // The file starts as the last one did, until a byte differs.
        Ranges { out, last, pending: Some((0, 0)) }
    }

    /// Copies the pending range.
    fn copy_pending(&mut self) -> std::io::Result<()> {
        if let (Some((start, end)), Some(last)) = (self.pending.take(), self.last) {
            if end > start {
                self.out.copy_range(&last.file, start as u64, (end - start) as u64)?;
            }
        }
        Ok(())
    }

    /// Copies what is pending; the file is complete once the sink's writer is flushed.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        self.copy_pending()
    }
}

impl std::io::Write for Ranges<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let Some(last) = self.last else { return self.out.write(buf) };
        if buf.is_empty() {
            return Ok(0);
        }
        let old: &[u8] = &last.bytes;
        let (base, at) = (old.as_ptr() as usize, buf.as_ptr() as usize);
        // A text borrowed from the last file's map: its place there is its address.
        if at >= base && at + buf.len() <= base + old.len() {
            let start = at - base;
            match self.pending {
                Some((from, end)) if end == start => self.pending = Some((from, end + buf.len())),
                _ => {
                    self.copy_pending()?;
                    self.pending = Some((start, start + buf.len()));
                }
            }
            return Ok(buf.len());
        }
        // Bytes made now that are those following the pending range.
        if let Some((from, end)) = self.pending {
            if old.get(end..end + buf.len()) == Some(buf) {
                self.pending = Some((from, end + buf.len()));
                return Ok(buf.len());
            }
        }
        self.copy_pending()?;
        self.out.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.copy_pending()?;
        self.out.flush()
    }
}

/// Where each dataset's texts lie in one catalog file: per dataset id, the hash of its part
/// and the offset and length of each of its texts.
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// The key the file was made from.
    key: u64,
    datasets: std::collections::HashMap<String, (u64, Vec<(u64, u64)>)>,
}

impl Layout {
    /// The layout of a file of texts per dataset: per dataset id, the hash of its texts and
    /// each text's offset and length.
    pub(super) fn of_ranges(texts: impl Iterator<Item = (String, u64, Vec<(u64, u64)>)>) -> Layout {
        Layout { key: 0, datasets: texts.map(|(id, hash, ranges)| (id, (hash, ranges))).collect() }
    }

    /// The layout of a file of one text per dataset: per dataset id, the hash of its text and
    /// the text's offset and length.
    pub(super) fn of_texts(texts: impl Iterator<Item = (String, u64, (u64, u64))>) -> Layout {
        Layout::of_ranges(texts.map(|(id, hash, range)| (id, hash, vec![range])))
    }

    fn encode(&self) -> Vec<u8> {
        use crate::load::binary::{put_str, put_u64};
        let mut out = Vec::new();
        put_u64(&mut out, self.key);
        put_u64(&mut out, self.datasets.len() as u64);
        for (id, (hash, ranges)) in &self.datasets {
            put_str(&mut out, id);
            put_u64(&mut out, *hash);
            put_u64(&mut out, ranges.len() as u64);
            for (offset, len) in ranges {
                put_u64(&mut out, *offset);
                put_u64(&mut out, *len);
            }
        }
        out
    }

    fn decode(bytes: &[u8]) -> Option<Layout> {
        let mut r = crate::load::binary::Reader::plain(bytes);
        let key = r.u64()?;
        let mut datasets = std::collections::HashMap::new();
        for _ in 0..r.len()? {
            let (id, hash) = (r.string()?, r.u64()?);
            let mut ranges = Vec::new();
            for _ in 0..r.len()? {
                ranges.push((r.u64()?, r.u64()?));
            }
            datasets.insert(id, (hash, ranges));
        }
        r.at_end().then_some(Layout { key, datasets })
    }
}

impl Last {
    /// The `count` texts of dataset `id` in the last build's file, when their hash was `hash`.
    pub(super) fn texts(&self, id: &str, hash: u64, count: usize) -> Option<Vec<&[u8]>> {
        let (kept, ranges) = self.layout.datasets.get(id)?;
        if *kept != hash || ranges.len() != count {
            return None;
        }
        ranges.iter().map(|&(offset, len)| self.bytes.get(usize::try_from(offset).ok()?..usize::try_from(offset.checked_add(len)?).ok()?)).collect()
    }

    /// The one text of dataset `id` in the last build's file, when its hash was `hash`.
    pub(super) fn text(&self, id: &str, hash: u64) -> Option<&[u8]> {
        let (kept, ranges) = self.layout.datasets.get(id)?;
        let &[(offset, len)] = ranges.as_slice() else { return None };
        if *kept != hash {
            return None;
        }
        self.bytes.get(usize::try_from(offset).ok()?..usize::try_from(offset.checked_add(len)?).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file being written in memory that notes the ranges it is given.
    struct Noted(Vec<u8>, Vec<(u64, u64)>);

    impl std::io::Write for Noted {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl crate::render::RangeWrite for Noted {
        fn copy_range(&mut self, from: &std::fs::File, offset: u64, len: u64) -> std::io::Result<()> {
            use std::os::unix::fs::FileExt;
            let mut bytes = vec![0; len as usize];
            from.read_exact_at(&mut bytes, offset)?;
            self.0.extend_from_slice(&bytes);
            self.1.push((offset, len));
            Ok(())
        }
    }

    #[test]
    fn a_catalog_written_again_copies_the_runs_of_the_last_file_it_keeps() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.ttl");
        std::fs::write(&path, "head|one|two|three|four|").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        let bytes = crate::load::cache::FileBytes::of(&file).unwrap();
        let last = Last { layout: Layout::default(), bytes, file };
        let old: &[u8] = &last.bytes;
        let mut out = Noted(Vec::new(), Vec::new());
        let mut w = Ranges::new(&mut out, Some(&last));
        // The head made again the same, two texts from the old file with a separator made
        // again, a changed text, then the rest from the old file.
        w.write_all(b"head|").unwrap();
        w.write_all(&old[5..8]).unwrap();
        w.write_all(b"|").unwrap();
        w.write_all(&old[9..12]).unwrap();
        w.write_all(b"|TWO|").unwrap();
        w.write_all(&old[13..19]).unwrap();
        w.write_all(b"four|").unwrap();
        w.write_all(b"five|").unwrap();
        w.finish().unwrap();
        assert_eq!(String::from_utf8(out.0).unwrap(), "head|one|two|TWO|three|four|five|");
        assert_eq!(out.1, [(0, 12), (13, 11)], "two copies: up to the change, and from after it to the end");
    }
}
