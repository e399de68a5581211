//! Hostile plan and runbook shapes at a chosen size, shared by the
//! generated-input tests and `benches/import.rs` (which includes this file
//! by path): each is the worst case of one thing an importer or loader
//! might do per item (rescan, recurse, re-concatenate).
#![allow(dead_code)]

/// Objectives and one scenario heading, so the shape below it is read as
/// that scenario's body.
const HEAD: &str =
    "# DR Plan\n\nRTO: 4 hours\nRPO: 15 minutes\n\n## Scenario A: Database failure\n\n";

/// `[a](` repeated `n` times in one list item: unclosed link openers.
pub fn link_openers(n: usize) -> String {
    format!("{HEAD}1. Restore {}\n2. Check\n", "[a](".repeat(n))
}

/// `*_` repeated `n` times in one list item: unmatched emphasis openers.
pub fn emphasis_openers(n: usize) -> String {
    format!("{HEAD}1. Restore {}\n2. Check\n", "*_".repeat(n))
}

/// `(` repeated `n` times in a step title: unclosed parentheses, where
/// durations like "(5 minutes)" are looked for.
pub fn paren_openers(n: usize) -> String {
    format!("{HEAD}1. Restore {} 5 minutes\n2. Check\n", "(".repeat(n))
}

/// `n` closed links to different addresses in one paragraph.
pub fn distinct_links(n: usize) -> String {
    let links: String = (0..n).map(|i| format!("[a](http://h/{i}) ")).collect();
    format!("{HEAD}1. Restore {links}\n2. Check\n")
}

/// A list item holding a list `n` deep, written on one line (`- - - x`).
pub fn nested_lists(n: usize) -> String {
    format!("{HEAD}1. Restore\n2. {}x\n", "- ".repeat(n))
}

/// `n` block quotes nested in one line.
pub fn nested_quotes(n: usize) -> String {
    format!("{HEAD}1. Restore\n2. Check\n\n{} deep\n", ">".repeat(n))
}

/// Quotes and lists nested alternately, `n` of each.
pub fn nested_quote_lists(n: usize) -> String {
    format!("{HEAD}1. Restore\n2. {}x\n", "> - ".repeat(n))
}

/// One step whose title is a single line of `bytes` bytes.
pub fn long_line(bytes: usize) -> String {
    let words = "restore the database ".repeat(bytes / 21 + 1);
    format!("{HEAD}1. {words}\n2. Check\n")
}

/// `n` scenario headings, each with one step.
pub fn headings(n: usize) -> String {
    let mut plan = String::from("# DR Plan\n\nRTO: 4 hours\nRPO: 15 minutes\n\n");
    for i in 0..n {
        plan.push_str(&format!(
            "## Scenario {i}: failover\n\n1. Promote replica-{i}\n\n"
        ));
    }
    plan
}

/// One scenario of `n` "Step N" headings.
pub fn step_headings(n: usize) -> String {
    let mut plan = String::from(HEAD);
    for i in 0..n {
        plan.push_str(&format!("### Step {i}: restore db-{i} (5 minutes)\n\n"));
    }
    plan
}

/// A timeline table of `n` rows after a two-step list.
pub fn table_rows(n: usize) -> String {
    let mut plan =
        format!("{HEAD}1. Restore\n2. Check\n\n| Step | Action | Time |\n|---|---|---|\n");
    for i in 0..n {
        plan.push_str(&format!("| {i} | restore db-{i} | 5 minutes |\n"));
    }
    plan
}

/// About `bytes` of shell blocks of aws commands with huge quoted strings,
/// `\` continuations and `$(` runs.
pub fn aws_commands(bytes: usize) -> String {
    let mut plan = format!("{HEAD}```bash\n");
    let mut i = 0;
    while plan.len() < bytes {
        i += 1;
        plan.push_str(&format!(
            "# {i}. Promote\naws rds promote-read-replica --db-instance-identifier \"{}\" \\\n  \
             --region us-west-2 \\\n{}  --tags '{}' $(aws sts get-caller-identity \"\n",
            "x".repeat(2000),
            "  \\\n".repeat(200),
            "$(".repeat(500),
        ));
    }
    plan.push_str("```\n");
    plan
}

/// An ordinary plan of about `bytes`: the baseline the shapes compare to.
pub fn ordinary_plan(bytes: usize) -> String {
    let mut plan =
        String::from("# Disaster Recovery Plan for Benchmark\n\nRTO: 4 hours\nRPO: 15 minutes\n\n");
    let mut n = 0;
    while plan.len() < bytes {
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

/// A runbook of `n` steps in one scenario, each with a verify check.
pub fn runbook_steps(n: usize) -> String {
    let mut toml = String::from(
        "name = \"generated\"\n\n[objectives]\nrto = \"1h\"\nrpo = \"15m\"\n\n\
         [environment.regions]\nprimary = \"eu-west-1\"\n\n\
         [[environment.rds]]\nid = \"db\"\nrole = \"primary\"\n\n\
         [[scenario]]\nid = \"big\"\ntitle = \"Many steps\"\n",
    );
    for i in 0..n {
        toml.push_str(&format!(
            "\n[[scenario.step]]\nid = \"step-{i}\"\ntitle = \"Step {i}\"\nexpected = \"5m\"\n\
             verify.instance_exists = {{ instance = \"db\" }}\n"
        ));
    }
    toml
}
