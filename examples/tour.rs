//! The library in one program: open (or build) the store of the bundled corpus, search
//! it, follow a hit's cross-links, and export the hit with its equivalents as a digest.
//!
//! `cargo run --release --example tour` (the first run builds the store in a temporary
//! folder, a few seconds; `src/lib.rs` opens with the same program).

use policynav::export::{self, Format, Options};
use policynav::search::{SearchIndex, SearchRequest};
use policynav::workspace::{Locations, Workspace};

fn main() -> anyhow::Result<()> {
    // the bundled corpus; the store goes to a folder of our own
    let dir = tempfile::tempdir()?;
    let locations = Locations::bundled_in(dir.path());

    // open the store (built here, since the folder is new) and search it
    let index = SearchIndex::open_or_build_at(&locations, &mut |_| {})?;
    let results = index.search(&SearchRequest {
        query: "上市补贴".into(),
        limit: 3,
        ..SearchRequest::default()
    })?;
    let hit = results
        .hits
        .first()
        .expect("the bundled corpus has listing subsidies");
    println!(
        "{} ({}): {} provisions match",
        hit.id, hit.jurisdiction, results.total
    );

    // its equivalents in the other documents, read from the store
    let links = index.store().links(&hit.id)?;
    for link in &links {
        println!(
            "  {:?} {} ({}) {:.2}",
            link.tier, link.id, link.jurisdiction, link.score
        );
    }

    // a digest of the hit and its equivalents, as a client would get it
    let ws = Workspace::open(locations)?;
    let mut ids = vec![hit.id.clone()];
    ids.extend(links.iter().map(|l| l.id.clone()));
    let options = Options {
        with_links: true,
        ..Options::new(Format::Md, Workspace::today())
    };
    let digest = export::render(&ws.store, ws.taxonomy(), &ids, &options)?;
    let text = String::from_utf8(digest)?;
    println!("{}", text.lines().next().unwrap_or_default());
    Ok(())
}
