//! The benchmark's baseline: a plain Polars CSV read (types inferred) of one file, timed.
//! `cargo run --example plain_read -- FILE` prints `rows seconds`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    use polars::prelude::*;
    let path = std::env::args().nth(1).ok_or("usage: plain_read FILE")?;
    let started = std::time::Instant::now();
    let frame = CsvReadOptions::default().with_has_header(true).try_into_reader_with_file_path(Some(path.into()))?.finish()?;
    println!("{} {:.3}", frame.height(), started.elapsed().as_secs_f64());
    Ok(())
}

/// The same allocator as `sala`, so that the comparison is of the work done, not of allocators.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
