//! Importing a generated ~1 MB plan (target: under 100 ms).

use criterion::{Criterion, criterion_group, criterion_main};
use drconsole::runbook::import::import;
use std::hint::black_box;

/// A plan of many scenarios in the shapes the importer reads.
fn generated_plan(target_bytes: usize) -> String {
    let mut plan =
        String::from("# Disaster Recovery Plan for Benchmark\n\nRTO: 4 hours\nRPO: 15 minutes\n\n");
    let mut n = 0;
    while plan.len() < target_bytes {
        n += 1;
        plan.push_str(&format!(
            "## Scenario {n}: Database failure number {n}\n\nGoal: restore service; RTO: 2 hours.\n\n\
             1. Declare the incident and page the on-call (5 minutes)\n   - Open a channel.\n\
             2. Restore the database (30-60 minutes)\n   - `aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier app-db-{n} --target-db-instance-identifier app-db-{n}-restore --region us-east-1`\n\
             3. Redeploy\n\n```bash\naws ecs update-service \\\n  --cluster app-cluster \\\n  --service app-svc-{n} \\\n  --force-new-deployment \\\n  --region us-east-1\n```\n\n\
             ### Phase 2: Checks\n\n- [ ] Check the `/health` endpoint\n- [ ] Notify stakeholders\n\n\
             ## Procedure {n}: Replica promotion\n\n```bash\n# 1. Promote the replica\naws rds promote-read-replica --db-instance-identifier app-replica-{n} --region us-west-2\n# 2. Wait\naws rds wait db-instance-available --db-instance-identifier app-replica-{n} --region us-west-2\n```\n\n"
        ));
    }
    plan
}

fn bench_import(c: &mut Criterion) {
    let plan = generated_plan(1 << 20);
    c.bench_function("import 1 MB plan", |b| {
        b.iter(|| import(black_box(&plan), "bench.md").expect("imports"))
    });
    // The import reads its TOML back as a self-check; this is that part.
    let toml_text = import(&plan, "bench.md").expect("imports").toml;
    c.bench_function("read back the emitted TOML", |b| {
        b.iter(|| {
            toml::from_str::<drconsole::runbook::model::Runbook>(black_box(&toml_text))
                .expect("parses")
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_import
}
criterion_main!(benches);
