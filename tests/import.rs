use drconsole::runbook::import::import;

fn plan(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/plans/").to_owned() + name;
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn scratch_print() {
    for name in ["rally-dr-plan.md", "regami-dr-plan.md"] {
        let imported = import(&plan(name), name).unwrap();
        println!("{}\n{}", imported.toml, imported.report);
    }
}
