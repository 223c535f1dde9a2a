//! One run, step by step: the context from the CI, the summary, the messages, then a dry run's
//! print or the send by the transport the settings chose (`delivery`), each reported as it
//! happens.

#![allow(clippy::result_large_err, reason = "a few calls per run: the size of their outcome does not matter")]

use crate::ci::api::{self, Endpoint, Want};
use crate::ci::{self, Ci, Inputs};
use crate::context::jobs;
use crate::context::status::Status;
use crate::context::{Change, Context};
use crate::delivery::http::Http;
use crate::delivery::{self, Run, Transport};
use crate::env::Env;
use crate::error::Error;
use crate::report::Reporter;
use crate::settings::mention::Who;
use crate::settings::when;
use crate::settings::{Mode, ROBOT_URL, Secret, Settings};
use crate::summary::catalog::{Lang, say};
use crate::summary::message::{self, At, Message};
use crate::summary::render;
use crate::time;

pub fn run(settings: &Settings, env: &Env, reporter: &mut Reporter) -> Result<(), Error> {
    if settings.dry_run() {
        reporter.commands_on_stderr();
    }
    reporter.add_secrets(&settings.secrets());
    for w in &settings.warnings {
        reporter.warning(w);
    }

    let ci = ci::detect(env);
    let mut cx = context(ci, env, settings, reporter);

    if let Mode::Missing { name, error } = &settings.mode {
        // The CI gives no secrets to these runs: not the workflow author's mistake, nor a failure.
        if let Some(why) = ci.without_secrets(&cx, env) {
            let args = [("why", why.as_str()), ("ci", ci.name()), ("name", name.as_str())];
            crate::report::err(&say(settings.lang, "run.no_secrets", &args));
            reporter.skipped(&say(settings.lang, "run.no_secrets.output", &args));
            return Ok(());
        }
        return Err(ci.missing(*name, settings.lang, error));
    }

    // What only the CI's API knows (a token given, and the facts still missing), all lookups
    // within one budget.
    let budget = api::Budget::new(settings.timeout);
    let ApiFacts { mut http, failed: api_failed, outcome: api_outcome, mut spent, origin: api_origin } =
        api_facts(ci, env, settings, reporter, &mut cx, budget)?;
    // The `status` setting, else what the jobs add up to, else the API's word for the run (a
    // Jenkins build's result), else the CI's own variable (README, "The whole pipeline in one
    // message"). The jobs come first: on Drone and Woodpecker they are the API's parts, whose
    // outcome is the run's, and the variable is a snapshot taken before this step.
    ci.count_this_job(&mut cx);
    decide_status(ci, settings, reporter, &mut cx, api_failed, api_outcome);

    cx.previous_status = settings.previous_status.or(cx.previous_status);
    // Only a success or a failure can be a change; the API is asked only then, when no finished
    // outcome is known yet (Woodpecker's variable may read `running`), and not again after it
    // failed: one warning per run says what to grant.
    let finished = matches!(cx.previous_status, Some(p) if !matches!(p, Status::Started | Status::Unknown));
    let previous_wanted = !finished && matches!(cx.status, Status::Success | Status::Failure);
    if previous_wanted
        && !api_failed
        && let Some(previous) = previous_from_api(ci, &cx, settings, env, reporter, &mut http, budget)?
    {
        cx.previous_status = Some(previous);
    }
    if let Some(rest) = ci.api().filter(|_| !spent.is_empty()) {
        if previous_wanted && Endpoint::new(rest, env, settings).is_some() {
            spent.push(say(settings.lang, "api.what.previous", &[("run", &rest.run_word(settings.lang))]));
        }
        reporter.warning(&api::hints::out_of_time(rest, &spent, &api_origin, settings.timeout, settings.lang));
    }
    cx.change = Change::between(cx.previous_status, cx.status);
    if previous_needed(ci, &cx, settings, env) && !api_failed {
        reporter.warning(&unknown(settings.lang, true, ci.unknown_previous(settings.lang)));
    }

    if !when::matches(&settings.notify_on, cx.status, cx.change) {
        let previous = cx
            .previous_status
            .map_or_else(|| say(settings.lang, "run.previous_unknown", &[]), |p| status_said(settings.lang, p));
        let args = [
            ("status", status_said(settings.lang, cx.status)),
            ("previous", previous),
            ("notify_on", when::describe(&settings.notify_on)),
        ];
        let args = args.each_ref().map(|(n, v)| (*n, v.as_str()));
        let line = say(settings.lang, "run.not_matched", &args);
        crate::report::err(&line);
        reporter.skipped(&line);
        return Ok(());
    }
    let at = mentions(settings, &cx, reporter);

    let mut warnings = Vec::new();
    let summary = render::summary(&cx, settings.title.as_ref(), settings.template.as_ref(), &mut warnings);
    for w in &warnings {
        reporter.warning(w);
    }
    let summary = summary?;
    let mut notes = Vec::new();
    let data = message::build(&summary, settings, &cx, at, &mut notes);
    for note in &notes {
        reporter.warning(note);
    }

    let (route, webhook) = match &settings.mode {
        Mode::DryRun { webhook, transport } => {
            dry_run(settings, reporter, webhook.as_ref(), delivery::named(transport, settings.lang)?, &data);
            reporter.step_summary(&summary.title, &summary.text);
            reporter.outputs(false, None, Some(&say(settings.lang, "run.dry_run.output", &[])));
            return Ok(());
        }
        Mode::Send { route, webhook } => (route, webhook),
        Mode::Missing { name, error } => return Err(ci.missing(*name, settings.lang, error)),
    };

    let transport = delivery::named(route.transport, settings.lang)?;
    let http = match http {
        Some(http) => http,
        None => new_http(settings)?,
    };
    transport.deliver(Run { settings, reporter, http: &http, route, webhook, messages: &data, summary: &summary })
}

/// Prints what would be sent, secrets as `***`: the request(s) `transport` would make.
fn dry_run(
    settings: &Settings,
    reporter: &Reporter,
    webhook: Option<&Secret>,
    transport: &dyn Transport,
    data: &[Message],
) {
    let link =
        webhook.map_or_else(|| format!("{ROBOT_URL}?access_token=***"), |w| reporter.redact(&no_user(w.expose())));
    let json = transport.dry_run(&link, settings.secret.is_some(), data);
    crate::report::out(&format!("{}\n", reporter.redact_json(&json)));
}

/// The webhook URL without its user and password (`***@` instead): they are credentials too.
fn no_user(webhook: &str) -> String {
    match reqwest::Url::parse(webhook) {
        Ok(mut url) if !url.username().is_empty() || url.password().is_some() => {
            let _ = url.set_password(None);
            let _ = url.set_username("***");
            url.to_string()
        }
        _ => webhook.to_owned(),
    }
}

/// The previous run's outcome from the CI's API, when a token for it is given; a failed call is
/// a warning. `http` is made on first use and kept for the send.
fn previous_from_api(
    ci: &dyn Ci,
    cx: &Context,
    settings: &Settings,
    env: &Env,
    reporter: &Reporter,
    http: &mut Option<Http>,
    budget: api::Budget,
) -> Result<Option<Status>, Error> {
    let Some(endpoint) = ci.api().and_then(|rest| Endpoint::new(rest, env, settings)) else { return Ok(None) };
    let http = match http {
        Some(http) => http,
        None => http.insert(new_http(settings)?),
    };
    let (rest, origin) = (endpoint.rest, endpoint.origin());
    let lang = settings.lang;
    let what = say(lang, "api.what.previous", &[("run", &rest.run_word(lang))]);
    let notice =
        |retry: &api::Retry| reporter.notice(&api::hints::retry_notice(rest, retry, &origin, settings.timeout, lang));
    let Some(api) = endpoint.client(http, budget, &notice) else {
        reporter.warning(&say(lang, "api.previous.not_url", &[("what", &what), ("base", &endpoint.base)]));
        return Ok(None);
    };
    Ok(rest.previous(&api, env, cx).unwrap_or_else(|failed| {
        reporter.warning(&api::hints::warning(rest, &what, &failed, &origin, settings.timeout, lang));
        None
    }))
}

/// Whom the messages mention: none unless `at_on` matches; then the lists, everyone, and the
/// person the run is about when `at_author` finds them in `users`.
fn mentions(settings: &Settings, cx: &Context, reporter: &Reporter) -> Option<At> {
    let lang = settings.lang;
    for (key, refused) in
        [("mention.bad_mobile", &settings.at_mobiles.refused), ("mention.bad_user_id", &settings.at_user_ids.refused)]
    {
        for value in refused {
            reporter.warning(&say(lang, key, &[("value", value)]));
        }
    }
    for line in &settings.users.refused {
        reporter.warning(&say(lang, "mention.bad_users_line", &[("line", line)]));
    }
    if !when::matches(&settings.at_on, cx.status, cx.change) {
        return None;
    }
    let mut mobiles = settings.at_mobiles.kept.clone();
    let mut user_ids = settings.at_user_ids.kept.clone();
    if settings.at_author {
        let identities: Vec<&str> = cx.person.identities().collect();
        match settings.users.find(identities.iter().copied()) {
            Some(Who::Mobile(m)) if !mobiles.contains(m) => mobiles.push(m.clone()),
            Some(Who::UserId(u)) if !user_ids.contains(u) => user_ids.push(u.clone()),
            Some(_) => {}
            None if identities.is_empty() => {
                crate::report::err(&format!("notice: {}", say(lang, "mention.nobody", &[])));
            }
            None => {
                let args = [("who", identities.join(" / ")), ("first", identities[0].to_owned())];
                let args = args.each_ref().map(|(n, v)| (*n, v.as_str()));
                crate::report::err(&format!("notice: {}", say(lang, "mention.not_in_users", &args)));
            }
        }
    }
    At::new(mobiles, user_ids, settings.at_all)
}

/// The HTTP client and runtime every call of the run shares.
fn new_http(settings: &Settings) -> Result<Http, Error> {
    Http::new(
        settings.ca_file.as_ref().map(|f| (f.path.as_path(), f.from.as_str())),
        settings.timeout,
        settings.retries,
        settings.lang,
    )
}

/// What [`api_facts`] leaves for the rest of the run.
#[derive(Default)]
struct ApiFacts {
    /// The HTTP client, when one was made: the send's too.
    http: Option<Http>,
    /// A call failed (and was warned about).
    failed: bool,
    /// The run's outcome as the API tells it.
    outcome: Option<Status>,
    /// The facts left unknown because the budget was spent, warned about once all are known.
    spent: Vec<String>,
    /// The API's `scheme://host[:port]`, for that warning.
    origin: String,
}

/// The jobs and start that only the CI's API knows, into the context, when a token is given and
/// they are still missing, and the run's outcome; a call that fails is a warning. Without a
/// token, the APIs that answer so are asked for the status when nothing else tells it (not in
/// a dry run, which makes no call that no setting asked for).
fn api_facts(
    ci: &dyn Ci,
    env: &Env,
    settings: &Settings,
    reporter: &Reporter,
    cx: &mut Context,
    budget: api::Budget,
) -> Result<ApiFacts, Error> {
    let status_unknown = settings.status.is_none() && cx.status == Status::Unknown;
    let endpoint = ci.api().and_then(|rest| {
        Endpoint::new(rest, env, settings)
            .or_else(|| (status_unknown && !settings.dry_run()).then(|| Endpoint::anonymous(rest, env)).flatten())
    });
    let Some(endpoint) = endpoint else { return Ok(ApiFacts::default()) };
    let given = settings.jobs.as_deref().and_then(jobs::outcome);
    let want = Want {
        jobs: settings.jobs.is_none(),
        start: cx.run.started_at.is_none(),
        outcome: settings.status.is_none() && given.is_none(),
    };
    let Some(ask) = endpoint.rest.ask(env, cx, want) else { return Ok(ApiFacts::default()) };
    let http = new_http(settings)?;
    let (rest, origin) = (endpoint.rest, endpoint.origin());
    let notice = |retry: &api::Retry| {
        reporter.notice(&api::hints::retry_notice(rest, retry, &origin, settings.timeout, settings.lang));
    };
    let facts = endpoint.facts(&http, &ask, budget, &notice, settings.lang);
    let mut spent = Vec::new();
    for (what, failed) in &facts.failed {
        if matches!(failed.failure, api::Failure::OutOfTime) {
            spent.push(what.clone());
            continue;
        }
        let warning = if endpoint.is_anonymous() {
            api::hints::anonymous_warning(rest, what, failed, &origin, settings.timeout, settings.lang)
        } else {
            api::hints::warning(rest, what, failed, &origin, settings.timeout, settings.lang)
        };
        reporter.warning(&warning);
    }
    if let Some(jobs) = facts.jobs {
        cx.jobs = jobs;
    }
    if let Some(start) = facts.started_at {
        cx.run.started_at = Some(time::format_rfc3339(start));
        cx.run.duration = time::interval(Some(start), None, env.now);
    }
    spent.extend(facts.unasked);
    Ok(ApiFacts { http: Some(http), failed: !facts.failed.is_empty(), outcome: facts.outcome, spent, origin })
}

/// The run's context as the CI tells it, with what the settings add (jobs, start, message,
/// language, time zone); the CI's warnings are said at once, so that a run that stops early
/// still tells them.
fn context(ci: &dyn Ci, env: &Env, settings: &Settings, reporter: &Reporter) -> Context {
    let inputs = Inputs { event_path: settings.event_path.clone(), sample: settings.dry_run(), lang: settings.lang };
    let mut warnings = Vec::new();
    let mut cx = ci.context(env, &inputs, &mut warnings);
    cx.words = ci.words();
    for w in warnings.drain(..) {
        reporter.warning(&w);
    }
    if ci.renders_the_sample(&inputs) {
        reporter.info(&say(settings.lang, "run.sample", &[]));
    }
    if let Some(jobs) = &settings.jobs {
        cx.jobs.clone_from(jobs);
    }
    if let Some(start) = settings.started_at {
        cx.run.started_at = Some(time::format_rfc3339(start));
        cx.run.duration = time::interval(Some(start), None, env.now);
    }
    cx.message.clone_from(&settings.message);
    cx.lang = settings.lang;
    cx.utc_offset = settings.timezone;
    cx
}

/// A status in a line for people: the reader's word, and in Chinese the word `notify_on` takes
/// beside it (`成功（`success`）`), so that the line says what to match.
fn status_said(lang: Lang, status: Status) -> String {
    let key = format!("status.{status}");
    match (lang, crate::summary::catalog::phrase(lang, &key)) {
        (Lang::En, _) | (_, None) => status.to_string(),
        (_, Some(word)) => format!("{word}（`{status}`）"),
    }
}

/// The run's status: the `status` setting, else what the jobs add up to, else the CI's own word
/// (README, "The whole pipeline in one message"). A setting that contradicts the event's own
/// result, and a status nothing told, are warnings.
fn decide_status(
    ci: &dyn Ci,
    settings: &Settings,
    reporter: &Reporter,
    cx: &mut Context,
    api_failed: bool,
    api_outcome: Option<Status>,
) {
    let derived = jobs::outcome(&cx.jobs);
    if let (Some(set), Some(reported)) = (settings.status, ci.event_result(cx))
        && set != reported
    {
        reporter.warning(&contradiction(settings.lang, set, reported, &cx.event));
    }
    cx.status = settings.status.or(derived).or(api_outcome).unwrap_or(cx.status);
    // A failed API call said what to grant already.
    if cx.status == Status::Unknown && !api_failed {
        reporter.warning(&unknown(settings.lang, false, ci.unknown_status(settings.lang)));
    }
}

/// Whether `notify_on` needs the previous outcome that nothing told, and the CI's API was not
/// asked (a failed or empty answer said its own).
fn previous_needed(ci: &dyn Ci, cx: &Context, settings: &Settings, env: &Env) -> bool {
    cx.previous_status.is_none()
        && matches!(cx.status, Status::Success | Status::Failure)
        && settings.notify_on.iter().any(|c| matches!(c, when::Condition::Became(_) | when::Condition::Changed))
        && ci.api().and_then(|rest| Endpoint::new(rest, env, settings)).is_none()
}

/// The warning for a status, or a previous outcome, that nothing told, with the CI's fix.
fn unknown(lang: Lang, previous: bool, fix: &str) -> String {
    say(lang, if previous { "run.previous_unknown.warning" } else { "run.status_unknown" }, &[("fix", fix)])
}

/// The warning for a `status` setting that says otherwise than the event's own result.
fn contradiction(lang: Lang, set: Status, reported: Status, event: &str) -> String {
    let (set, reported) = (set.to_string(), reported.to_string());
    say(lang, "run.contradiction", &[("set", &set), ("reported", &reported), ("event", event)])
}
