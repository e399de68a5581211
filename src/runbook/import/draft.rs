//! The importer's working form of scenarios and steps: like the model, plus
//! the source lines everything came from, for the report and comments.

use super::objectives::Which;
use crate::runbook::duration::HumanDuration;
use crate::runbook::model::Verify;

#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub line: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DraftStep {
    pub title: String,
    pub line: usize,
    pub detail: Vec<String>,
    pub commands: Vec<Command>,
    pub expected: Option<HumanDuration>,
    /// Plan lines that introduced the step but whose text it does not
    /// carry ("Steps:", a "#### Procedure" heading): quoted in comments.
    pub context_lines: Vec<usize>,
}

impl DraftStep {
    pub fn new(title: impl Into<String>, line: usize) -> Self {
        Self {
            title: title.into(),
            line,
            ..Self::default()
        }
    }

    /// All of the step's text, for keyword matching.
    pub fn all_text(&self) -> String {
        let mut text = self.title.clone();
        for line in &self.detail {
            text.push('\n');
            text.push_str(line);
        }
        text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScenarioOrigin {
    /// A heading naming a scenario, procedure or recovery action.
    #[default]
    Heading,
    /// A reference/appendix section of commands.
    Reference,
    /// No scenario headings: the whole plan as one scenario.
    WholePlan,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DraftScenario {
    pub title: String,
    pub line: usize,
    pub end_line: usize,
    pub origin: ScenarioOrigin,
    pub description: Vec<String>,
    pub rto: Option<(HumanDuration, usize)>,
    pub rpo: Option<(HumanDuration, usize)>,
    pub steps: Vec<DraftStep>,
    /// Steps made up because the section had none.
    pub placeholder_steps: bool,
    /// Checks from the plan's prerequisites: what must hold before it runs.
    pub ready: Vec<Verify>,
}

impl DraftScenario {
    /// Where the scenario's RTO or RPO goes, with the line it came from.
    pub fn objective_mut(&mut self, which: Which) -> &mut Option<(HumanDuration, usize)> {
        match which {
            Which::Rto => &mut self.rto,
            Which::Rpo => &mut self.rpo,
        }
    }

    pub fn objective(&self, which: Which) -> Option<(HumanDuration, usize)> {
        match which {
            Which::Rto => self.rto,
            Which::Rpo => self.rpo,
        }
    }

    pub fn new(
        title: impl Into<String>,
        line: usize,
        end_line: usize,
        origin: ScenarioOrigin,
    ) -> Self {
        Self {
            title: title.into(),
            line,
            end_line,
            origin,
            ..Self::default()
        }
    }
}
