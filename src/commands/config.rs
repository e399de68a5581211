//! The config file's settings under the flags: each command's flags that
//! were not given take the resolved setting (see `crate::config`).

use crate::cli::{AwsArgs, Command, ConsoleArgs, DrillCommand, JoinArgs, LogCommand};
use crate::config::Settings;

/// Fills what the command line left unset from the settings.
pub fn apply(settings: &Settings, command: &mut Command) {
    match command {
        Command::Demo(args) => console(settings, &mut args.console),
        Command::Run(args) => {
            console(settings, &mut args.console);
            aws(settings, &mut args.aws);
        }
        Command::Join(args) => join(settings, args),
        Command::Status(args) => aws(settings, &mut args.source.aws),
        Command::Ready(args) => aws(settings, &mut args.source.aws),
        Command::Log { command } => match command {
            LogCommand::List { journal_dir } => fill(journal_dir, &settings.journal_dir.value),
            LogCommand::Export(args) => fill(&mut args.journal_dir, &settings.journal_dir.value),
            LogCommand::Verify(args) => fill(&mut args.journal_dir, &settings.journal_dir.value),
        },
        Command::Drill { command } => match command {
            DrillCommand::Report(args) => fill(&mut args.journal_dir, &settings.journal_dir.value),
            DrillCommand::Run(args) => fill(&mut args.journal_dir, &settings.journal_dir.value),
        },
        Command::Validate(_)
        | Command::Import(_)
        | Command::Screenshot(_)
        | Command::Config
        | Command::Schema
        | Command::Completions { .. }
        | Command::Man { .. } => {}
    }
}

fn console(settings: &Settings, args: &mut ConsoleArgs) {
    fill(&mut args.theme, &Some(settings.theme.value.clone()));
    fill(&mut args.journal_dir, &settings.journal_dir.value);
    fill(&mut args.operator, &settings.operator.value);
    args.share_config.clone_from(&settings.share.value);
    args.keys = settings.keys.value.clone();
}

fn join(settings: &Settings, args: &mut JoinArgs) {
    fill(&mut args.theme, &Some(settings.theme.value.clone()));
    fill(&mut args.journal_dir, &settings.journal_dir.value);
    fill(&mut args.operator, &settings.operator.value);
    args.keys = settings.keys.value.clone();
    aws(settings, &mut args.aws);
}

fn aws(settings: &Settings, args: &mut AwsArgs) {
    fill(&mut args.profile, &settings.profile.value);
    fill(&mut args.region, &settings.region.value);
    args.tuning = settings.tuning();
}

fn fill<T: Clone>(flag: &mut Option<T>, setting: &Option<T>) {
    if flag.is_none() {
        flag.clone_from(setting);
    }
}
