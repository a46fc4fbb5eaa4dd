//! Writes a generated portal for `bench/portal.sh`: `cargo run --example gen_portal -- DIR N`
//! writes N datasets over N/10 agencies into DIR (see `tests/common/portal.rs`).

#[path = "../tests/common/portal.rs"]
mod portal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(n)) = (args.next(), args.next()) else {
        return Err("usage: gen_portal DIR N".into());
    };
    let n: usize = n.parse()?;
    portal::write_portal(std::path::Path::new(&dir), n, 2567)?;
    let (agencies, ministries) = portal::agency_counts(n);
    println!("{n} datasets, {agencies} agencies ({ministries} ministries) in {dir}");
    Ok(())
}
