//! `drconsole demo` and `drconsole run`: the interactive console, on the
//! simulated environment or on AWS.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::common::{aws_options, find_scenario, load_ref};
use super::farewell::farewell;
use crate::app::{App, Origin};
use crate::cli::{ConsoleArgs, DemoArgs, JoinArgs, RunArgs};
use crate::clock::Clock;
use crate::journal::entry::{Entry, EntryKind};
use crate::journal::share::layout::{self, Fetched};
use crate::journal::share::s3::{Bucket, S3Error};
use crate::journal::share::{Mode, SessionLog, ShareUrl, sync};
use crate::journal::store;
use crate::runbook::builtin;
use crate::runbook::model::Runbook;
use crate::runbook::reference::RunbookRef;
use crate::runtime::{JournalSettings, Launched, Polling, ShareSettings, launch};
use crate::sources::Source;
use crate::sources::aws::AwsSource;
use crate::sources::aws::profiles::profile_names;
use crate::sources::sim::SimSource;
use crate::switch::{SourceTarget, aws_switcher};
use crate::tui;
use crate::ui::theme::Theme;

/// The runbook a console command names and the words that start it again.
struct Opened {
    runbook: Runbook,
    reference: RunbookRef,
    /// The command line without `drconsole` and the session's own flags,
    /// for the resume command printed on the way out.
    relaunch: Vec<String>,
}

pub async fn demo(args: DemoArgs) -> Result<ExitCode> {
    tui::require_terminal()?;
    let reference = args.runbook.as_deref().map_or_else(
        || RunbookRef::Builtin(builtin::NAMES[0].to_string()),
        RunbookRef::resolve,
    );
    let mut relaunch = vec!["demo".to_string()];
    relaunch.extend(args.runbook.as_deref().map(|p| p.display().to_string()));
    let opened = Opened {
        runbook: load_ref(&reference)?,
        reference,
        relaunch,
    };
    console_sim(opened, args.console).await
}

pub async fn run(args: RunArgs) -> Result<ExitCode> {
    tui::require_terminal()?;
    let reference = RunbookRef::resolve(&args.runbook);
    let mut runbook = load_ref(&reference)?;
    // The header, the panes and the AWS clients agree on the region.
    if let Some(region) = &args.aws.region {
        runbook.environment.regions.primary = region.clone();
    }
    let mut relaunch = vec!["run".to_string(), args.runbook.display().to_string()];
    if args.sim {
        relaunch.push("--sim".into());
    }
    for (flag, value) in [
        ("--profile", &args.aws.profile),
        ("--region", &args.aws.region),
    ] {
        if let Some(value) = value {
            relaunch.extend([flag.to_string(), value.clone()]);
        }
    }
    let opened = Opened {
        runbook,
        reference,
        relaunch,
    };
    if args.sim {
        return console_sim(opened, args.console).await;
    }
    if let Some(drill) = &args.console.drill {
        return Err(eyre!(
            "{}: drills play in the simulated environment; add --sim",
            drill.display()
        ));
    }
    let options = aws_options(&args.aws, &opened.runbook);
    let source = AwsSource::connect(&opened.runbook.environment, options.clone())
        .await
        .map_err(|e| eyre!("cannot set up AWS clients: {e}"))?;
    // Unreadable shared files only leave `:profile` without completions.
    let profiles = profile_names(&options.shared_files)
        .await
        .unwrap_or_default();
    let share = share_settings(&args.console, &opened.runbook, options.profile.as_deref()).await?;
    let aws = Aws {
        profile: options
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok()),
        profiles,
        switcher: aws_switcher(opened.runbook.environment.clone(), options),
    };
    console_with(
        opened,
        Arc::new(source),
        Clock::System,
        args.console,
        Some(aws),
        share,
    )
    .await
}

/// What a console on AWS has that a drill has not: a profile, and a way
/// to switch it and the region.
struct Aws {
    profile: Option<String>,
    profiles: Vec<String>,
    switcher: crate::switch::Switcher,
}

/// The drills the simulated world may stage: the file `--drill` names
/// (checked against the runbook), none with `--no-drill`, else a built-in
/// runbook's own.
fn drills(opened: &Opened, args: &ConsoleArgs) -> Result<Vec<crate::drill::Drill>> {
    if args.no_drill {
        return Ok(Vec::new());
    }
    if let Some(path) = &args.drill {
        let drill = crate::drill::load(path).map_err(|diagnostics| {
            let lines: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
            eyre!("{}", lines.join("\n"))
        })?;
        let errors: Vec<String> = crate::drill::misfits(&drill, &opened.runbook)
            .into_iter()
            .map(|message| format!("{}: {message}", path.display()))
            .collect();
        if !errors.is_empty() {
            return Err(eyre!("{}", errors.join("\n")));
        }
        return Ok(vec![drill]);
    }
    Ok(match &opened.reference {
        RunbookRef::Builtin(name) => crate::drill::builtin_for(name),
        RunbookRef::File(_) => Vec::new(),
    })
}

async fn console_sim(mut opened: Opened, args: ConsoleArgs) -> Result<ExitCode> {
    let clock = Clock::sim(jiff::Timestamp::now());
    let drills = drills(&opened, &args)?;
    let source = Arc::new(
        SimSource::new(&opened.runbook.environment, args.seed, clock.clone()).with_drills(drills),
    );
    if let Some(drill) = &args.drill {
        opened
            .relaunch
            .extend(["--drill".to_string(), drill.display().to_string()]);
    }
    if args.no_drill {
        opened.relaunch.push("--no-drill".into());
    }
    if args.seed != ConsoleArgs::DEFAULT_SEED {
        opened
            .relaunch
            .extend(["--seed".to_string(), args.seed.to_string()]);
    }
    let share = share_settings(&args, &opened.runbook, None).await?;
    console_with(opened, source, clock, args, None, share).await
}

/// The shared session a console starts (or resumes): `--share`, else the
/// runbook's, else the config file's; none with `--no-share`.
async fn share_settings(
    args: &ConsoleArgs,
    runbook: &Runbook,
    profile: Option<&str>,
) -> Result<Option<ShareSettings>> {
    if args.no_share {
        return Ok(None);
    }
    let Some(text) = args
        .share
        .as_ref()
        .or(runbook.share.as_ref())
        .or(args.share_config.as_ref())
    else {
        return Ok(None);
    };
    let url = ShareUrl::parse(text).map_err(|e| eyre!(e))?;
    Ok(Some(ShareSettings {
        bucket: Bucket::connect(&url.bucket, profile).await,
        url,
        mode: Mode::Write,
        joined: None,
        poll: sync::POLL,
    }))
}

/// `drconsole join`: the session's start names the runbook, the scenario
/// and whether it is a drill; the console opens on them and takes part
/// (or follows), with its own local journal of its own entries.
pub async fn join(args: JoinArgs) -> Result<ExitCode> {
    tui::require_terminal()?;
    let given = ShareUrl::parse(&args.url).map_err(|e| eyre!(e))?;
    let bucket = Bucket::connect(&given.bucket, args.aws.profile.as_deref()).await;
    let (url, entries) = read_session(&bucket, &given).await?;
    let start = entries
        .iter()
        .find(|e| e.kind == EntryKind::SessionStarted)
        .cloned()
        .ok_or_else(|| eyre!("{url} has no session_started entry: it is not a session"))?;
    let scenario = start
        .scenario
        .clone()
        .ok_or_else(|| eyre!("{url}: its start names no scenario"))?;
    let reference = match (&args.runbook, &start.runbook_ref) {
        (Some(path), _) => RunbookRef::resolve(path),
        (None, Some(reference)) => reference.clone(),
        (None, None) => {
            return Err(eyre!(
                "{url}: its start does not say which runbook it runs; pass --runbook"
            ));
        }
    };
    let runbook = load_ref(&reference).map_err(|e| {
        eyre!("{e}\n{url} runs {reference}: pass --runbook with where it is on this machine")
    })?;
    let mut relaunch = vec!["join".to_string(), url.to_string()];
    if args.follow {
        relaunch.push("--follow".into());
    }
    if args.seed != ConsoleArgs::DEFAULT_SEED {
        relaunch.extend(["--seed".to_string(), args.seed.to_string()]);
    }
    for (flag, value) in [
        ("--profile", &args.aws.profile),
        ("--region", &args.aws.region),
    ] {
        if let Some(value) = value {
            relaunch.extend([flag.to_string(), value.clone()]);
        }
    }
    if let Some(path) = &args.runbook {
        relaunch.extend(["--runbook".to_string(), path.display().to_string()]);
    }
    let drill_name = start
        .drill_detail
        .as_ref()
        .and_then(|d| d.name.clone())
        .map(PathBuf::from);
    let console = ConsoleArgs {
        scenario: Some(scenario),
        resume: false,
        theme: args.theme,
        journal_dir: args.journal_dir,
        operator: args.operator,
        seed: args.seed,
        // A drill file the session staged, where it is here too; a
        // built-in runbook's drill comes with it.
        drill: drill_name.filter(|p| p.is_file()),
        no_drill: false,
        presenter: args.presenter,
        share: None,
        no_share: false,
        share_config: None,
        readonly: crate::cli::ReadOnlyArg { readonly: false },
        keys: args.keys,
    };
    let share = ShareSettings {
        bucket,
        url,
        mode: if args.follow {
            Mode::Follow
        } else {
            Mode::Write
        },
        joined: Some(entries),
        poll: sync::POLL,
    };
    let opened = Opened {
        runbook,
        reference,
        relaunch,
    };
    if start.drill {
        let clock = Clock::sim(jiff::Timestamp::now());
        let drills = drills(&opened, &console)?;
        let source = Arc::new(
            SimSource::new(&opened.runbook.environment, console.seed, clock.clone())
                .with_drills(drills),
        );
        return console_with(opened, source, clock, console, None, Some(share)).await;
    }
    let options = aws_options(&args.aws, &opened.runbook);
    let source = AwsSource::connect(&opened.runbook.environment, options)
        .await
        .map_err(|e| eyre!("cannot set up AWS clients: {e}"))?;
    console_with(
        opened,
        Arc::new(source),
        Clock::System,
        console,
        None,
        Some(share),
    )
    .await
}

/// The session a `join` URL names (or the latest under it) and its
/// entries, checked as one chain.
async fn read_session(bucket: &Bucket, given: &ShareUrl) -> Result<(ShareUrl, Vec<Entry>)> {
    let unreachable = |e: S3Error| eyre!("cannot read {given}: {}", e.text());
    let url = layout::locate(bucket, given)
        .await
        .map_err(unreachable)?
        .ok_or_else(|| eyre!("no shared session at or under {given}"))?;
    let log = SessionLog::new(bucket.clone(), url.clone());
    match log.fetch_after(&[]).await.map_err(unreachable)? {
        Fetched::Entries(entries) => Ok((url, entries)),
        Fetched::Broken(broken) => Err(eyre!(
            "{url}: the shared log is broken ({}); `drconsole log verify {url}` says where",
            broken.0
        )),
    }
}

async fn console_with(
    opened: Opened,
    source: Arc<dyn Source>,
    clock: Clock,
    args: ConsoleArgs,
    aws: Option<Aws>,
    share: Option<ShareSettings>,
) -> Result<ExitCode> {
    let Opened {
        runbook,
        reference,
        mut relaunch,
    } = opened;
    // Before the journal is opened: a signal from here on pauses it cleanly.
    let signals = tui::Signals::install()?;
    let theme = Theme::load(theme_name(&args)).map_err(|e| eyre!(e))?;
    if let Some(id) = &args.scenario {
        find_scenario(&runbook, id).map_err(|e| eyre!(e))?;
    }
    let dir = store::resolve_dir(args.journal_dir.as_deref()).map_err(|e| eyre!(e))?;
    if let Some(journal_dir) = &args.journal_dir {
        relaunch.extend([
            "--journal-dir".to_string(),
            journal_dir.display().to_string(),
        ]);
    }
    if let Some(operator) = &args.operator {
        relaunch.extend(["--operator".to_string(), operator.clone()]);
    }
    // A shared session started here resumes shared; a joined one is
    // joined again (`relaunch` says so already).
    let joined = share.as_ref().is_some_and(|s| s.joined.is_some());
    if let Some(share) = share.as_ref().filter(|_| !joined) {
        relaunch.extend(["--share".to_string(), share.url.to_string()]);
    }
    let following = share.as_ref().is_some_and(|s| s.mode == Mode::Follow);
    let shared = share.is_some();
    let settings = JournalSettings {
        dir,
        actor: args.operator.unwrap_or_else(store::default_operator),
        resume: args.resume,
        runbook_ref: Some(reference.absolute()),
        share,
    };
    let origin = Origin {
        source: source.label().to_string(),
        simulated: source.is_simulated(),
    };
    let mut app = App::new(runbook, origin, clock.now(), args.scenario.as_deref())
        .with_keymap(args.keys.clone())
        .with_presenter(args.presenter)
        .following(following)
        .shared(shared);
    let switcher = aws.map(|aws| {
        app.set_aws_profile(aws.profile, aws.profiles);
        aws.switcher
    });
    let started_on = app.source_target();
    let Launched {
        mut session,
        updates,
        poller,
    } = launch(app, source, clock.clone(), settings);
    // A scenario given on the command line is begun by `launch`: a refusal
    // to resume it ends here, before the terminal is taken over.
    if let Some(reason) = session.refused() {
        return Err(eyre!(reason.to_string()));
    }
    // The clipboard request goes to the terminal between frames; a failed
    // write only loses the copy.
    session.on_terminal(|bytes| {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = out.write_all(bytes.as_bytes()).and_then(|()| out.flush());
    });
    if let Some(switcher) = switcher {
        session.on_switch(switcher);
    }
    let polling = Polling { poller, updates };
    let result = tui::run(&mut session, &theme, clock, polling, signals).await;
    // What waits is uploaded now if S3 answers soon; it is safe either way.
    let share_note = session.finish_share(SHARE_GRACE).await;
    // Resuming goes back to the profile and region switched to.
    let ended_on = session.app.source_target();
    if ended_on != started_on {
        relaunch_on(&mut relaunch, &ended_on);
    }
    for warning in &session.warnings {
        eprintln!("drconsole: {warning}");
    }
    if let Some(path) = session.journal_path() {
        let app = &session.app;
        // A joined session is joined again, whatever its scenario.
        let scenario = app.current().map(|s| s.id.as_str()).filter(|_| !joined);
        eprint!("{}", farewell(&relaunch, scenario, &path, app.remaining()));
    }
    if joined {
        eprintln!("join again with: drconsole {}", relaunch.join(" "));
    }
    if let Some(note) = share_note {
        eprintln!("{note}");
    }
    result.map(|caught| caught.map_or(ExitCode::SUCCESS, |signal| signal.exit_code()))
}

/// The relaunch words with `--profile` and `--region` naming `target`.
fn relaunch_on(relaunch: &mut Vec<String>, target: &SourceTarget) {
    let mut kept = Vec::with_capacity(relaunch.len());
    let mut words = relaunch.drain(..);
    while let Some(word) = words.next() {
        match word.as_str() {
            "--profile" | "--region" => {
                words.next();
            }
            _ => kept.push(word),
        }
    }
    drop(words);
    if let Some(profile) = &target.profile {
        kept.extend(["--profile".to_string(), profile.clone()]);
    }
    kept.extend(["--region".to_string(), target.region.clone()]);
    *relaunch = kept;
}

/// A projector wants high contrast whatever theme was asked for.
fn theme_name(args: &ConsoleArgs) -> &str {
    if args.presenter {
        PRESENTER_THEME
    } else {
        args.theme.as_deref().unwrap_or("dark")
    }
}

pub const PRESENTER_THEME: &str = "high-contrast";

/// How long the console waits on the way out for S3 to take what waits.
const SHARE_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaunch_names_the_profile_and_region_switched_to() {
        let mut words: Vec<String> = ["run", "plan.toml", "--profile", "old", "--operator", "al"]
            .map(String::from)
            .into();
        let target = SourceTarget {
            profile: Some("new".into()),
            region: "eu-west-1".into(),
        };
        relaunch_on(&mut words, &target);
        assert_eq!(
            words,
            [
                "run",
                "plan.toml",
                "--operator",
                "al",
                "--profile",
                "new",
                "--region",
                "eu-west-1"
            ]
        );
    }
}
