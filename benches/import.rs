//! Importing a generated ~1 MB plan (target: under 100 ms), the hostile
//! plan shapes (each under 1 s), and validating a 20,000-step runbook.
//!
//! Before criterion runs, each hostile shape is timed once against an
//! ordinary plan of the same size measured in the same run; the ratios are
//! printed, so a shape that is slow per byte stands out whatever the machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use drconsole::runbook::import::import;
use drconsole::runbook::load;

#[path = "../tests/common/hostile.rs"]
mod hostile;

/// The fastest of three runs: the least disturbed by the rest of the machine.
fn fastest(f: impl Fn()) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn imports(plan: &str) {
    import(black_box(plan), "bench.md").expect("imports");
}

/// Each shape's time over an ordinary plan's of the same byte count.
fn print_ratios() {
    let shapes = [
        ("[a]( x50,000 in one item", hostile::link_openers(50_000)),
        ("*_ x50,000 in one item", hostile::emphasis_openers(50_000)),
        (
            "( x200,000 in a step title",
            hostile::paren_openers(200_000),
        ),
        ("50,000 distinct links", hostile::distinct_links(50_000)),
        ("lists nested 50,000 deep", hostile::nested_lists(50_000)),
        ("quotes nested 50,000 deep", hostile::nested_quotes(50_000)),
        (
            "quotes+lists 50,000 deep",
            hostile::nested_quote_lists(50_000),
        ),
        ("one 10 MB line", hostile::long_line(10 << 20)),
        ("100,000 scenario headings", hostile::headings(100_000)),
        ("100,000 step headings", hostile::step_headings(100_000)),
        ("100,000 table rows", hostile::table_rows(100_000)),
        (
            "1 MB of hostile aws commands",
            hostile::aws_commands(1 << 20),
        ),
    ];
    eprintln!("import: hostile shape / ordinary plan of the same size (fastest of 3)");
    for (name, plan) in &shapes {
        let ordinary = hostile::ordinary_plan(plan.len());
        let base = fastest(|| imports(&ordinary));
        let took = fastest(|| imports(plan));
        eprintln!(
            "  {name:<30} {:>6} KB  {took:>10.1?}  x{:.2}",
            plan.len() / 1024,
            took.as_secs_f64() / base.as_secs_f64().max(1e-9),
        );
    }
    let steps = hostile::runbook_steps(20_000);
    let base = fastest(|| {
        toml::from_str::<drconsole::runbook::model::Runbook>(&steps).expect("parses");
    });
    let took = fastest(|| {
        load::parse(black_box(&steps), "bench.toml").expect("valid");
    });
    eprintln!(
        "validate: 20,000 steps {took:.1?}, x{:.2} the TOML parse alone",
        took.as_secs_f64() / base.as_secs_f64().max(1e-9)
    );
}

fn bench_import(c: &mut Criterion) {
    // `cargo bench` passes --bench; `cargo test --all-targets` runs each
    // benchmark once as a smoke test, where the ratio table would only
    // cost the suite a minute of debug-build imports.
    if std::env::args().any(|a| a == "--bench") {
        print_ratios();
    }
    let plan = hostile::ordinary_plan(1 << 20);
    c.bench_function("import 1 MB plan", |b| b.iter(|| imports(&plan)));
    // The import reads its TOML back as a self-check; this is that part.
    let toml_text = import(&plan, "bench.md").expect("imports").toml;
    c.bench_function("read back the emitted TOML", |b| {
        b.iter(|| {
            toml::from_str::<drconsole::runbook::model::Runbook>(black_box(&toml_text))
                .expect("parses")
        })
    });
    // The slowest shapes per byte.
    for (name, hostile) in [
        ("import [a]( x50,000", hostile::link_openers(50_000)),
        ("import lists 50,000 deep", hostile::nested_lists(50_000)),
        ("import 100,000 headings", hostile::headings(100_000)),
    ] {
        c.bench_function(name, |b| b.iter(|| imports(&hostile)));
    }
    let steps = hostile::runbook_steps(20_000);
    c.bench_function("validate 20,000 steps", |b| {
        b.iter(|| load::parse(black_box(&steps), "bench.toml").expect("valid"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_import
}
criterion_main!(benches);
