//! Roles as plans name them, wherever they sit: a roles or contacts
//! section, a "Role | Responsibilities" or RACI table in an appendix, a list
//! of "Incident Commander — owns the call and comms". Each step goes to the
//! role whose stated responsibilities best match what the step does.

use super::draft::DraftStep;
use super::markdown::{Block, BlockKind};
use super::text::{listed, words};
use crate::runbook::aws_cli::parse_text;

/// The kinds of work a DR step does, and a role is responsible for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Duty {
    Command,
    Database,
    Application,
    Communications,
}

const DUTIES: [Duty; 4] = [
    Duty::Command,
    Duty::Database,
    Duty::Application,
    Duty::Communications,
];

/// A role as the plan names it, with what the plan says it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub line: usize,
    /// Its responsibilities as stated (empty when only named).
    pub duties: String,
    /// How much of each duty is its work: its name counts three times a
    /// word of its responsibilities.
    profile: [u32; 4],
    /// Telling words of its responsibilities, for steps that name them.
    terms: Vec<String>,
}

impl Role {
    fn new(name: &str, duties: &str, line: usize) -> Self {
        let duties = &without_contacts(duties);
        let mut profile = [0u32; 4];
        if let Some(duty) = duty_of(name) {
            profile[duty as usize] = profile[duty as usize].saturating_add(3);
        }
        for (duty, hits) in keyword_hits(duties) {
            let n = u32::try_from(hits.len()).unwrap_or(u32::MAX);
            profile[duty as usize] = profile[duty as usize].saturating_add(n);
        }
        let mut terms: Vec<String> = words(duties)
            .into_iter()
            .filter(|w| w.len() >= 3 && !listed(PLAIN, w) && !is_keyword(w))
            .collect();
        terms.sort();
        terms.dedup();
        Self {
            name: name.to_owned(),
            line,
            duties: duties.trim().to_owned(),
            profile,
            terms,
        }
    }
}

/// Responsibilities without the contact details beside them: "[Name] -
/// [Phone]", emails and numbers say who, not what.
fn without_contacts(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' | '<' => depth = depth.saturating_add(1),
            ']' | '>' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    let kept: Vec<&str> = out
        .split_whitespace()
        .filter(|w| {
            let number =
                w.contains(|c: char| c.is_ascii_digit()) && !w.contains(char::is_alphabetic);
            !w.contains('@') && !number
        })
        .collect();
    let kept = kept.join(" ");
    // "Jane Roe", "Noor Haddad": a person, not a duty (separators kept).
    let kept: String = kept
        .split_inclusive([',', ';'])
        .filter(|part| {
            let words = part.trim_end_matches([',', ';']).trim();
            !is_person(words.trim_start_matches(['-', '–', '—']).trim())
        })
        .collect();
    let kept = kept
        .trim()
        .trim_start_matches(['-', '–', '—', ',', ';'])
        .trim();
    if kept.chars().any(char::is_alphabetic) {
        kept.trim_matches(|c: char| !c.is_alphanumeric() && c != ')')
            .to_owned()
    } else {
        String::new()
    }
}

/// Two to four capitalised words (not acronyms), letters only:
/// how a person's name is written beside a role.
fn is_person(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().any(char::is_lowercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
        })
}

fn duty_of(label: &str) -> Option<Duty> {
    let ws = words(label);
    let has = |list: &str| ws.iter().any(|w| listed(list, w));
    if has("commander ic") || label.to_lowercase().contains("incident lead") {
        Some(Duty::Command)
    } else if has("db database dba data rds aurora") {
        Some(Duty::Database)
    } else if has("communications communication comms liaison stakeholder pr") {
        Some(Duty::Communications)
    } else if has(
        "application app devops ecs platform sre infrastructure infra ops operations \
         engineering",
    ) {
        Some(Duty::Application)
    } else {
        None
    }
}

/// Nouns that make a label a role ("DB Operations", "Database Lead").
const ROLE_NOUNS: &str = "commander lead ops operations owner engineer engineers manager liaison \
    dba comms communications sre oncall responder responders coordinator team officer \
    director administrator admin architect specialist";

/// Role nouns that alone are a field ("Owner: Jane"), not a role.
const FIELD_NOUNS: &str = "owner team lead manager engineer contact";

/// Words of a responsibilities line too plain to match a step on.
const PLAIN: &str = "with from that this then when into onto their them they owns owner \
    responsible responsibility responsibilities during after before all any each also \
    other others over under only call calls work works team teams role roles lead \
    leads engineer engineers person people rotating rotation primary secondary \
    backup on-call oncall access holding holds makes make keeps keep ensures ensure \
    drives drive runs run does done check checks checking sure plan plans the and for \
    incident designated internal external engineering disaster recovery outage steps step \
    aws region regions system systems production prod";

/// Roles found in the plan: first from sections about roles (where "DB
/// Operations: the data on-call" is one), then elsewhere (where a label
/// needs a role noun, and a table a role column or RACI letters). A name,
/// email or phone number is never a role.
pub fn find(roles_sections: &[&Block], elsewhere: &[&Block]) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::new();
    for (blocks, lenient) in [(roles_sections, true), (elsewhere, false)] {
        let mut found = Vec::new();
        for block in blocks {
            collect(block, lenient, &mut found);
        }
        for role in found {
            let name = role.name.to_lowercase();
            if !roles.iter().any(|r| r.name.to_lowercase() == name) {
                roles.push(role);
            }
        }
    }
    roles
}

/// Whether a label names a role: short, no contact details, and a word
/// that says so (a duty in a roles section, a role noun elsewhere).
fn is_role_label(label: &str, lenient: bool) -> bool {
    let ws = words(label);
    if label.is_empty()
        || label.len() > 40
        || ws.is_empty()
        || ws.len() > 5
        || label.contains(['@', '[', '<', '$', '`'])
        || label.chars().filter(char::is_ascii_digit).count() >= 3
    {
        return false;
    }
    let noun = ws.iter().any(|w| listed(ROLE_NOUNS, w));
    if ws.len() == 1 && listed(FIELD_NOUNS, &ws[0]) {
        return false;
    }
    noun || (lenient && duty_of(label).is_some())
}

fn clean_label(label: &str) -> &str {
    label.trim().trim_matches(['*', '_']).trim()
}

/// A line "Label: duties", "Label — duties" or "Label - duties".
fn split_line(text: &str) -> Option<(&str, &str)> {
    [":", " — ", " – ", " - "]
        .iter()
        .filter_map(|sep| text.split_once(sep))
        .min_by_key(|(label, _)| label.len())
        .map(|(label, rest)| {
            (
                clean_label(label),
                rest.trim().trim_start_matches('*').trim(),
            )
        })
}

fn collect(block: &Block, lenient: bool, out: &mut Vec<Role>) {
    match &block.kind {
        BlockKind::Paragraph(text) => {
            for (i, line) in text.lines().enumerate() {
                if let Some((label, duties)) = split_line(line)
                    && is_role_label(label, lenient)
                {
                    out.push(Role::new(label, duties, block.line + i));
                }
            }
        }
        BlockKind::List { items, .. } => {
            for item in items {
                // "- Incident Commander" with its duties as a nested list.
                if let [first, rest @ ..] = item.blocks.as_slice()
                    && let BlockKind::Paragraph(text) = &first.kind
                    && !text.contains('\n')
                    && split_line(text).is_none()
                    && is_role_label(clean_label(text), lenient)
                    && !rest.is_empty()
                {
                    let mut lines = Vec::new();
                    for b in rest {
                        item_lines(b, &mut lines);
                    }
                    out.push(Role::new(clean_label(text), &lines.join("; "), first.line));
                    continue;
                }
                for b in &item.blocks {
                    collect(b, lenient, out);
                }
            }
        }
        BlockKind::Table { head, rows } => table_roles(head, rows, block.line, lenient, out),
        _ => {}
    }
}

fn item_lines(block: &Block, out: &mut Vec<String>) {
    match &block.kind {
        BlockKind::Paragraph(text) => out.extend(text.lines().map(str::to_owned)),
        BlockKind::List { items, .. } => {
            for b in items.iter().flat_map(|i| &i.blocks) {
                item_lines(b, out);
            }
        }
        _ => {}
    }
}

fn header_has(head: &str, list: &str) -> bool {
    words(head).iter().any(|w| listed(list, w))
}

const PERSON_COLUMNS: &str = "name person who contact contacts email phone mobile pager slack \
    handle primary secondary backup deputy";

/// Roles from a table: a role (or team) column with responsibilities
/// beside it, or a RACI matrix whose columns are roles.
fn table_roles(
    head: &[String],
    rows: &[Vec<String>],
    line: usize,
    lenient: bool,
    out: &mut Vec<Role>,
) {
    // Header and delimiter rows come first.
    let row_line = |n: usize| line + 2 + n;
    if let Some(raci) = raci_roles(head, rows, line) {
        out.extend(raci);
        return;
    }
    let role_col = head
        .iter()
        .position(|h| header_has(h, "role roles position function title"))
        .or_else(|| head.iter().position(|h| header_has(h, "team teams")))
        .or_else(|| {
            (lenient && head.first().is_some_and(|h| !header_has(h, PERSON_COLUMNS))).then_some(0)
        });
    let Some(role_col) = role_col else {
        return;
    };
    let duty_cols: Vec<usize> = (0..head.len())
        .filter(|&i| i != role_col)
        .filter(|&i| {
            head.get(i).is_some_and(|h| {
                header_has(
                    h,
                    "responsibilities responsibility duties duty owns tasks scope focus does",
                ) || (!header_has(h, PERSON_COLUMNS))
            })
        })
        .collect();
    for (n, row) in rows.iter().enumerate() {
        let Some(label) = row.get(role_col).map(|c| clean_label(c)) else {
            continue;
        };
        if !is_role_label(label, true) {
            continue;
        }
        let duties: Vec<&str> = duty_cols
            .iter()
            .filter_map(|&i| row.get(i).map(String::as_str))
            .filter(|c| !c.trim().is_empty())
            .collect();
        out.push(Role::new(label, &duties.join("; "), row_line(n)));
    }
}

fn is_raci_cell(cell: &str) -> bool {
    let c = cell.trim().trim_matches('*');
    c.is_empty()
        || c == "-"
        || (c.len() <= 7
            && c.chars().all(|ch| {
                matches!(
                    ch.to_ascii_uppercase(),
                    'R' | 'A' | 'C' | 'I' | '/' | ',' | ' '
                )
            }))
}

/// A RACI matrix (activities down, roles across, R/A/C/I in the cells):
/// each role is responsible for the activities it is R or A on.
fn raci_roles(head: &[String], rows: &[Vec<String>], line: usize) -> Option<Vec<Role>> {
    let cells = rows.iter().flat_map(|r| r.iter().skip(1));
    let (mut letters, mut total) = (0usize, 0usize);
    for cell in cells {
        total = total.saturating_add(1);
        if is_raci_cell(cell) && !cell.trim().is_empty() {
            letters = letters.saturating_add(1);
        }
    }
    if head.len() < 2
        || total == 0
        || rows
            .iter()
            .any(|r| r.iter().skip(1).any(|c| !is_raci_cell(c)))
        || letters == 0
    {
        return None;
    }
    let mut out = Vec::new();
    for (col, name) in head.iter().enumerate().skip(1) {
        let name = clean_label(name);
        if !is_role_label(name, true) {
            continue;
        }
        let duties: Vec<&str> = rows
            .iter()
            .filter(|r| {
                r.get(col)
                    .is_some_and(|c| c.to_ascii_uppercase().contains(['R', 'A']))
            })
            .filter_map(|r| r.first().map(String::as_str))
            .collect();
        out.push(Role::new(name, &duties.join("; "), line));
    }
    Some(out)
}

const KEYWORDS: &[(Duty, &str)] = &[
    (
        Duty::Command,
        "declare declares declaring incident page paging escalate escalation coordinate \
         coordinates coordination freeze assess decide decides decision approve approves \
         approval bridge triage sev1 sev2 severity",
    ),
    (
        Duty::Database,
        "rds database databases db snapshot snapshots pitr replica replication restore restored \
         promote promotion sql query queries schema dump postgres postgresql mysql aurora \
         backup backups data dba corruption corrupt integrity consistency",
    ),
    (
        Duty::Application,
        "ecs service services deploy deploys deployment redeploy task tasks container containers \
         scale application app alb dns route53 traffic image cluster health smoke rollback roll \
         ecr fargate kubernetes eks",
    ),
    (
        Duty::Communications,
        "notify notifies notification notifications communicate communication communications \
         comms stakeholder stakeholders announce customers customer status email slack \
         statuspage updates",
    ),
];

/// Keywords too common to decide a step's role on their own.
const GENERIC: &str = "data service services status task tasks cluster image health incident \
    restore restored backup backups query queries app application scale roll traffic \
    updates customer customers email slack deploy deploys severity smoke page";

fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|(_, list)| listed(list, word))
}

/// The keywords of each duty a text uses, distinct.
fn keyword_hits(text: &str) -> Vec<(Duty, Vec<String>)> {
    let ws = words(text);
    KEYWORDS
        .iter()
        .map(|(duty, list)| {
            let mut hits: Vec<String> = ws.iter().filter(|w| listed(list, w)).cloned().collect();
            hits.sort();
            hits.dedup();
            (*duty, hits)
        })
        .collect()
}

/// A role given to a step, and whether on evidence too thin to trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub role: String,
    /// The single word it was matched on, when that is all there was.
    pub weak: Option<String>,
}

/// What a step does, by duty: how strongly (title words count three times
/// the detail's, an `aws rds`/`aws ecs` command as much as the title) and
/// on what evidence.
struct StepWork {
    score: [u32; 4],
    /// A duty is usable when a command shows it, two distinct keywords say
    /// it, or one keyword that is not generic.
    evidence: [Evidence; 4],
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Evidence {
    #[default]
    None,
    Weak(String),
    Strong,
}

fn step_work(step: &DraftStep) -> StepWork {
    let mut score = [0u32; 4];
    let mut hits: [Vec<String>; 4] = Default::default();
    let mut commanded = [false; 4];
    for (text, weight) in
        std::iter::once((step.title.as_str(), 3)).chain(step.detail.iter().map(|d| (d.as_str(), 1)))
    {
        for w in words(text) {
            for (duty, list) in KEYWORDS {
                if listed(list, &w) {
                    score[*duty as usize] = score[*duty as usize].saturating_add(weight);
                    hits[*duty as usize].push(w.clone());
                }
            }
        }
    }
    for command in &step.commands {
        if let Some(cmd) = parse_text(&command.text).first() {
            let duty = match cmd.service.as_str() {
                "rds" | "backup" | "dynamodb" => Some(Duty::Database),
                "ecs" | "ecr" | "elbv2" | "route53" | "autoscaling" | "eks" => {
                    Some(Duty::Application)
                }
                "sns" => Some(Duty::Communications),
                _ => None,
            };
            if let Some(duty) = duty {
                score[duty as usize] = score[duty as usize].saturating_add(3);
                commanded[duty as usize] = true;
            }
        }
    }
    let evidence = std::array::from_fn(|d| {
        let mut distinct = hits[d].clone();
        distinct.sort();
        distinct.dedup();
        if commanded[d] || distinct.len() >= 2 {
            Evidence::Strong
        } else {
            match distinct.first() {
                Some(w) if !listed(GENERIC, w) => Evidence::Weak(w.clone()),
                _ => Evidence::None,
            }
        }
    });
    StepWork { score, evidence }
}

/// The role whose responsibilities best match what the step does, or none
/// when nothing matches, two roles match equally, or the only evidence is
/// one generic word. A step naming two telling words of a role's stated
/// responsibilities ("VPN", "Direct Connect") matches it too.
pub fn assign(step: &DraftStep, roles: &[Role]) -> Option<Assignment> {
    if roles.is_empty() {
        return None;
    }
    let work = step_work(step);
    let step_words = words(&step.all_text());
    let mut best: Option<(u32, usize, Option<String>)> = None;
    let mut tied = false;
    for (i, role) in roles.iter().enumerate() {
        let mut total = 0u32;
        let mut strong = false;
        let mut weak_word = None;
        for duty in DUTIES {
            let d = duty as usize;
            let part = work.score[d].saturating_mul(role.profile[d]);
            if part == 0 {
                continue;
            }
            match &work.evidence[d] {
                Evidence::None => continue,
                Evidence::Weak(w) => weak_word = weak_word.or(Some(w.clone())),
                Evidence::Strong => strong = true,
            }
            total = total.saturating_add(part);
        }
        let shared: Vec<&String> = role
            .terms
            .iter()
            .filter(|t| step_words.contains(t))
            .collect();
        let shared_n = u32::try_from(shared.len()).unwrap_or(u32::MAX);
        total = total.saturating_add(shared_n.saturating_mul(6));
        match shared.as_slice() {
            [] => {}
            [one] => weak_word = weak_word.or(Some((*one).clone())),
            _ => strong = true,
        }
        if total == 0 {
            continue;
        }
        let weak = if strong { None } else { weak_word };
        match &best {
            Some((b, ..)) if *b > total => {}
            Some((b, ..)) if *b == total => tied = true,
            _ => {
                best = Some((total, i, weak));
                tied = false;
            }
        }
    }
    let (_, i, weak) = best.filter(|_| !tied)?;
    Some(Assignment {
        role: roles.get(i)?.name.clone(),
        weak,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles_of(md: &str, lenient: bool) -> Vec<Role> {
        let blocks = super::super::markdown::parse(md);
        let refs: Vec<&Block> = blocks.iter().collect();
        if lenient {
            find(&refs, &[])
        } else {
            find(&[], &refs)
        }
    }

    fn names(roles: &[Role]) -> Vec<&str> {
        roles.iter().map(|r| r.name.as_str()).collect()
    }

    fn role_of(step: &DraftStep, roles: &[Role]) -> Option<String> {
        assign(step, roles).map(|a| a.role)
    }

    #[test]
    fn finds_and_assigns_roles() {
        let roles = roles_of(
            "- Incident Commander: on-call lead\n- DB Operations: engineer with RDS access\n- Application Operations: ECS\n- Communications: liaison\n- All actions are recorded in the channel.\n",
            true,
        );
        assert_eq!(
            names(&roles),
            [
                "Incident Commander",
                "DB Operations",
                "Application Operations",
                "Communications"
            ]
        );
        let mut step = DraftStep::new("Restore RDS", 1);
        assert_eq!(role_of(&step, &roles).as_deref(), Some("DB Operations"));
        step = DraftStep::new("Incident handling", 1);
        step.detail
            .push("Declare incident, page on-call, freeze deploys.".into());
        assert_eq!(
            role_of(&step, &roles).as_deref(),
            Some("Incident Commander")
        );
        step = DraftStep::new("Notify stakeholders", 1);
        assert_eq!(role_of(&step, &roles).as_deref(), Some("Communications"));
        step = DraftStep::new("Wait", 1);
        assert_eq!(role_of(&step, &roles), None);
    }

    #[test]
    fn roles_outside_a_roles_section_need_a_role_noun() {
        let roles = roles_of(
            "- Database: PostgreSQL 15\n- Owner: Jane Smith\n- Incident Commander — owns the call and comms\n- Platform Team - ECS services and deploys\n- jane@example.com: DB Lead\n",
            false,
        );
        assert_eq!(names(&roles), ["Incident Commander", "Platform Team"]);
        assert_eq!(roles[0].duties, "owns the call and comms");
        assert_eq!(roles[0].line, 3);
    }

    #[test]
    fn tables_of_roles_and_raci_matrices() {
        let roles = roles_of(
            "| Team | Role | Responsibilities | Email |\n|---|---|---|---|\n| Data | Database Lead | Aurora failover, snapshots | db@x.io |\n| Eng | Jane Smith | everything | j@x.io |\n| Web | Platform Engineer | ECS services | p@x.io |\n",
            false,
        );
        assert_eq!(names(&roles), ["Database Lead", "Platform Engineer"]);
        assert_eq!(roles[0].duties, "Data; Aurora failover, snapshots");
        assert_eq!(roles[1].line, 5);

        let raci = roles_of(
            "| Activity | Incident Commander | DBA | Comms Lead |\n|---|---|---|---|\n| Declare the disaster | A/R | I | C |\n| Promote the replica | A | R | I |\n| Post status updates | A | - | R |\n",
            false,
        );
        assert_eq!(names(&raci), ["Incident Commander", "DBA", "Comms Lead"]);
        assert_eq!(
            raci[0].duties,
            "Declare the disaster; Promote the replica; Post status updates"
        );
        assert_eq!(raci[1].duties, "Promote the replica");
    }

    #[test]
    fn a_list_of_roles_with_nested_duties() {
        let roles = roles_of(
            "- **Network Engineer**\n  - VPN tunnels and Direct Connect\n  - firewall rules\n- Jane Smith\n  - Phone: 555 0100\n",
            false,
        );
        assert_eq!(names(&roles), ["Network Engineer"]);
        assert_eq!(
            roles[0].duties,
            "VPN tunnels and Direct Connect; firewall rules"
        );
        let mut step = DraftStep::new("Bring the VPN tunnels up", 1);
        assert_eq!(
            assign(&step, &roles),
            Some(Assignment {
                role: "Network Engineer".into(),
                weak: None
            })
        );
        step = DraftStep::new("Open firewall ports", 1);
        assert_eq!(
            assign(&step, &roles),
            Some(Assignment {
                role: "Network Engineer".into(),
                weak: Some("firewall".into())
            })
        );
    }

    #[test]
    fn responsibilities_decide_between_roles() {
        let roles = roles_of(
            "- Incident Commander: declares the disaster, owns the call and comms\n- Database Lead: Aurora and RDS\n- Platform Lead: ECS and deploys\n",
            true,
        );
        let mut step = DraftStep::new("Update the status page", 1);
        step.detail.push("Notify customers of the outage.".into());
        // Only the commander's responsibilities name communication.
        assert_eq!(
            role_of(&step, &roles).as_deref(),
            Some("Incident Commander")
        );
        step = DraftStep::new("Fail over", 1);
        step.commands.push(super::super::draft::Command {
            text: "aws rds failover-global-cluster --global-cluster-identifier g".into(),
            line: 2,
        });
        assert_eq!(role_of(&step, &roles).as_deref(), Some("Database Lead"));
        step = DraftStep::new("Redeploy", 1);
        step.commands.push(super::super::draft::Command {
            text: "aws ecs update-service --cluster c --service s --force-new-deployment".into(),
            line: 2,
        });
        assert_eq!(role_of(&step, &roles).as_deref(), Some("Platform Lead"));
    }

    #[test]
    fn contact_details_are_not_responsibilities() {
        let roles = roles_of(
            "1. Incident Commander: [Name] - [Phone]\n2. Database Lead: Jane Roe, jane@x.io, +1 555 0100 - owns Aurora\n",
            true,
        );
        assert_eq!(roles[0].duties, "");
        assert_eq!(roles[1].duties, "owns Aurora");
        let roles = roles_of(
            "- Database Lead: Noor Haddad\n- Comms: partner success team\n- App Lead: Mary Ann O'Neil, the ECS services\n",
            true,
        );
        let duties: Vec<&str> = roles.iter().map(|r| r.duties.as_str()).collect();
        assert_eq!(duties, ["", "partner success team", "the ECS services"]);
    }

    #[test]
    fn no_role_on_one_generic_word() {
        let roles = roles_of(
            "- Incident Commander: declares\n- Database Lead: RDS\n- Comms Lead: status page\n",
            true,
        );
        assert_eq!(role_of(&DraftStep::new("Check the data", 1), &roles), None);
        assert_eq!(
            role_of(&DraftStep::new("Record the status", 1), &roles),
            None
        );
        // One telling keyword is a match, flagged weak.
        assert_eq!(
            assign(&DraftStep::new("Take a snapshot", 1), &roles),
            Some(Assignment {
                role: "Database Lead".into(),
                weak: Some("snapshot".into())
            })
        );
    }

    proptest::proptest! {
        #[test]
        fn finding_and_assigning_roles_never_panics(
            text in "(\\| Role \\| Responsibilities \\|\n|\\|---\\|---\\|\n|\\| A/R \\| I \\|\n|- |  - |Incident Commander|DBA| — | - |: |\\[Name\\]|@|ECS|rds|status|\n|é|[a-z ]{1,8}){0,40}",
            title in "[a-zA-Z é—:]{0,30}",
        ) {
            let blocks = super::super::markdown::parse(&text);
            let refs: Vec<&Block> = blocks.iter().collect();
            let roles = find(&refs, &refs);
            let mut step = DraftStep::new(title, 1);
            step.detail.push(text.clone());
            let _ = assign(&step, &roles);
        }
    }
}
