//! Costs of each stage between the bytes of a file and a searchable, readable issue, on the
//! embedded issue (one page) and on a generated archive of 1000 pages (about 9 MB): decoding,
//! parsing with repair, entity extraction, building the search index, searching, and wrapping
//! text the way the reader does. `total/issue/shipped` is what start-up costs on the embedded
//! issue, which the build has already parsed: decoding that copy and indexing it.
//!
//! `from-file/*` reads the archive from a file, as the commands do when it has no cache entry.
//! `scaling/*` runs the whole pipeline on archives of 125 to 1000 pages: its throughput must
//! not fall as they grow.
//!
//! `cargo bench --bench pipeline -- --warm-up-time 1 --measurement-time 3`

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
};

use broker_reader::model::Issue;
use broker_reader::{EMBEDDED_ISSUE, Library, entities, parse, search, source};

/// Columns the reader wraps an article to in the benches, a common reading width.
const WRAP_WIDTH: usize = 72;

/// Queries of the kinds users type: a lower-case word (any case), a phrase, a capitalised name
/// (exact), and a word that never occurs (the whole text is scanned for nothing).
const QUERIES: [(&str, &str); 4] = [
    ("word", "cluster"),
    ("phrase", "arms control"),
    ("exact", "Norway"),
    ("absent", "zyzzyva"),
];

struct Input {
    name: &'static str,
    bytes: Vec<u8>,
}

fn inputs() -> [Input; 2] {
    [
        Input {
            name: "issue",
            bytes: EMBEDDED_ISSUE.as_bytes().to_vec(),
        },
        Input {
            name: "archive",
            bytes: common::archive().into_bytes(),
        },
    ]
}

fn group<'a>(c: &'a mut Criterion, stage: &str, input: &Input) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(format!("{stage}/{}", input.name));
    group.throughput(Throughput::Bytes(input.bytes.len() as u64));
    if input.bytes.len() > 1 << 20 {
        // Each iteration of a 9 MB stage takes milliseconds; fewer samples keep runs short.
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(500));
    }
    group
}

/// Parses an input, or says why the stages after parsing are skipped.
fn parsed(input: &Input) -> Option<Issue> {
    let text = source::decode(&input.bytes);
    match parse::parse(&text) {
        Ok(issue) => Some(issue),
        Err(err) => {
            eprintln!("{}: not parsed ({err}); later stages skipped", input.name);
            None
        }
    }
}

fn pipeline(c: &mut Criterion) {
    for input in inputs() {
        let mut g = group(c, "decode", &input);
        g.bench_function("borrowed", |b| {
            b.iter(|| source::decode(black_box(&input.bytes)))
        });
        g.bench_function("owned", |b| {
            b.iter_batched(
                || input.bytes.clone(),
                source::decode_owned,
                BatchSize::LargeInput,
            )
        });
        g.finish();

        let text = source::decode(&input.bytes);
        let mut g = group(c, "parse", &input);
        g.bench_function("parse+repair", |b| {
            b.iter(|| parse::parse(black_box(&text)))
        });
        g.finish();

        let Some(issue) = parsed(&input) else {
            continue;
        };

        let mut g = group(c, "entities", &input);
        g.bench_function("extract", |b| {
            b.iter(|| entities::extract(black_box(&issue)))
        });
        g.finish();

        let mut g = group(c, "index", &input);
        g.bench_function("build", |b| {
            b.iter(|| search::Index::build(black_box(&issue)))
        });
        g.finish();

        let index = search::Index::build(&issue);
        let mut g = group(c, "search", &input);
        for (name, query) in QUERIES {
            g.bench_function(name, |b| b.iter(|| index.search(&issue, black_box(query))));
        }
        g.finish();

        let mut g = group(c, "wrap", &input);
        g.bench_function("longest-article", |b| {
            let longest = issue
                .articles
                .iter()
                .max_by_key(|a| a.blocks.iter().map(|b| b.text.len()).sum::<usize>());
            b.iter(|| longest.map_or(0, |a| wrap_article(black_box(a))))
        });
        g.bench_function("all-articles", |b| {
            b.iter(|| issue.articles.iter().map(wrap_article).sum::<usize>())
        });
        g.finish();

        let mut g = group(c, "total", &input);
        g.bench_function("decode+parse+entities+index", |b| {
            b.iter_batched(
                || input.bytes.clone(),
                |bytes| {
                    let text = source::decode_owned(bytes);
                    let issue = parse::parse(&text).ok()?;
                    drop(text);
                    let entities = entities::extract(&issue);
                    let index = search::Index::build(&issue);
                    Some((issue, entities, index))
                },
                BatchSize::LargeInput,
            )
        });
        if input.name == "issue" {
            // What the reader and the commands actually do with the embedded issue: decode the
            // copy the build parsed, and index it.
            g.bench_function("shipped", |b| b.iter(Library::embedded));
        }
        g.finish();
    }
}

/// What a command pays on a file without a cache entry, from the file on disk (in the page
/// cache): `first-search` is a file's first `search` (read a few pages at a time, each page's
/// articles searched and dropped), `open` is what other commands and a second search do (the
/// issue built and indexed, without entities).
fn from_file(c: &mut Criterion) {
    let input = &inputs()[1];
    let Ok(mut file) = tempfile::NamedTempFile::new() else {
        eprintln!("no temporary file; the from-file benches are skipped");
        return;
    };
    if std::io::Write::write_all(&mut file, &input.bytes).is_err() {
        eprintln!("archive not written; the from-file benches are skipped");
        return;
    }
    let path = file.path();
    let mut g = group(c, "from-file", input);
    for (name, query) in QUERIES {
        let matcher = search::Matcher::for_query(query, search::CaseMode::smart(query));
        let count = |_, articles: Vec<broker_reader::model::Article>| {
            let mut hits = 0;
            for block in articles.iter().flat_map(|a| &a.blocks) {
                if let Some(matcher) = &matcher {
                    matcher.find_in_block(&block.text, &mut |_, _| hits += 1);
                }
            }
            hits
        };
        g.bench_function(format!("first-search/{name}"), |b| {
            b.iter(|| broker_reader::each_page_of_file(black_box(path), count))
        });
    }
    g.bench_function("open", |b| {
        b.iter(|| Library::open_without_entities(black_box(path)).map(|l| l.issue.articles.len()))
    });
    g.finish();
}

/// Wraps every block of an article as the reader does; returns the number of lines.
fn wrap_article(article: &broker_reader::model::Article) -> usize {
    let options =
        textwrap::Options::new(WRAP_WIDTH).wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    article
        .blocks
        .iter()
        .map(|block| textwrap::wrap(&block.text, &options).len())
        .sum()
}

/// The whole pipeline on archives of growing size. Bytes per second must stay flat as the
/// archive grows: any cost that grows faster than the input (in articles, entities or
/// mentions) shows as a falling throughput.
fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    for pages in [125, 250, 500, 1000] {
        let text = common::archive_from(EMBEDDED_ISSUE, pages);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("decode+parse+entities+index/{pages}-pages"), |b| {
            b.iter(|| {
                Library::from_text("archive", black_box(&text)).map(|l| l.entities.list.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline, from_file, scaling);
criterion_main!(benches);
