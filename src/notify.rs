//! One run, step by step: the context from the CI, the summary, the messages, then a dry run's
//! print or the send (through the KDocs relay, renewing its token when told how, or straight to
//! the robot), each reported as it happens.

#![allow(clippy::result_large_err, reason = "a few calls per run: the size of their outcome does not matter")]

use crate::ci::api::{self, Endpoint, Want};
use crate::ci::{self, Ci, Inputs};
use crate::context::jobs;
use crate::context::status::Status;
use crate::context::{Change, Context};
use crate::delivery::Transport;
use crate::delivery::dingtalk::{self, Robot};
use crate::delivery::hints::{self, Peer};
use crate::delivery::http::Http;
use crate::delivery::kdocs::{self, Relay};
use crate::env::Env;
use crate::error::Error;
use crate::report::Reporter;
use crate::settings::mention::Who;
use crate::settings::when;
use crate::settings::{KdocsAuth, Mode, ROBOT_URL, Renewal, Route, Secret, Settings};
use crate::summary::catalog::{Lang, say};
use crate::summary::message::{self, At, Message};
use crate::summary::render::{self, Summary};
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
    let inputs = Inputs { event_path: settings.event_path.clone(), sample: settings.dry_run() };
    let mut warnings = Vec::new();
    let mut cx = ci.context(env, &inputs, &mut warnings);
    cx.words = ci.words();
    // Said now: a run that stops early (nothing to send, no secrets) must still tell them.
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

    // What only the CI's API knows (a token given, and the facts still missing).
    let ApiFacts { mut http, failed: api_failed, outcome: api_outcome } =
        api_facts(ci, env, settings, reporter, &mut cx)?;
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
    if !finished
        && !api_failed
        && matches!(cx.status, Status::Success | Status::Failure)
        && let Some(previous) = previous_from_api(ci, &cx, settings, env, reporter, &mut http)?
    {
        cx.previous_status = Some(previous);
    }
    cx.change = Change::between(cx.previous_status, cx.status);
    if previous_needed(ci, &cx, settings, env) && !api_failed {
        reporter.warning(&unknown(settings.lang, true, ci.unknown_previous(settings.lang)));
    }

    if !when::matches(&settings.notify_on, cx.status, cx.change) {
        let previous =
            cx.previous_status.map_or_else(|| say(settings.lang, "run.previous_unknown", &[]), |p| p.to_string());
        let args = [
            ("status", cx.status.to_string()),
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
        Mode::DryRun { webhook, direct } => {
            dry_run(settings, reporter, webhook.as_ref(), *direct, &data);
            reporter.step_summary(&summary.title, &summary.text);
            reporter.outputs(false, None, Some(&say(settings.lang, "run.dry_run.output", &[])));
            return Ok(());
        }
        Mode::Send { route, webhook } => (route, webhook),
        Mode::Missing { name, error } => return Err(ci.missing(*name, settings.lang, error)),
    };

    let http = match http {
        Some(http) => http,
        None => new_http(settings)?,
    };
    match route {
        Route::DingTalk => direct(settings, reporter, &http, webhook, &data, &summary),
        Route::Kdocs(auth) => through_relay(settings, reporter, &http, auth, webhook, &data, &summary),
    }
}

/// Prints what would be sent, secrets as `***`: the relay's one body, or each direct request.
fn dry_run(settings: &Settings, reporter: &Reporter, webhook: Option<&Secret>, direct: bool, data: &[Message]) {
    let link = webhook.map_or_else(|| format!("{ROBOT_URL}?access_token=***"), |w| reporter.redact(w.expose()));
    let secret = settings.secret.is_some();
    let json = if direct { Robot::dry_run(&link, secret, data) } else { Relay::dry_run(&link, secret, data) };
    crate::report::out(&format!("{}\n", reporter.redact_json(&json)));
}

/// Each message straight to the robot's webhook.
fn direct(
    settings: &Settings,
    reporter: &mut Reporter,
    http: &Http,
    webhook: &Secret,
    data: &[Message],
    summary: &Summary,
) -> Result<(), Error> {
    if settings.kdocs_token.is_some() || settings.kdocs_refresh_token.is_some() {
        reporter.notice(hints::kdocs_credentials_unused());
    }
    let url = reqwest::Url::parse(webhook.expose());
    let origin = url.as_ref().map_or_else(|_| "the webhook".to_owned(), |u| u.origin().ascii_serialization());
    if url.as_ref().is_ok_and(|u| u.scheme() != "https") {
        reporter.warning(&hints::webhook_not_https(&origin));
    }
    reporter.step_summary(&summary.title, &summary.text);
    let robot = Robot { webhook: webhook.expose(), secret: settings.secret.as_ref().map(Secret::expose) };
    let outcome = robot.send(http, data, &|_, retry| {
        reporter.notice(&hints::retry_notice(Peer::DingTalk, retry, &origin, settings.timeout));
    });
    match outcome {
        Ok(replies) => {
            crate::report::err(&hints::delivered(true, &origin, replies.len()));
            outputs(reporter, true, replies.last().map(dingtalk::Reply::said), None);
            Ok(())
        }
        Err(partial) => {
            let error = hints::direct_error(&partial, data.len(), &origin, settings.timeout);
            // `sent` says whether the summary reached the group.
            let said = partial.failed.failure.reply().map(dingtalk::Reply::said);
            outputs(reporter, partial.sent > 0, said, Some(&error));
            Err(error)
        }
    }
}

/// The one body through the KDocs relay, with the token given, renewed first, or renewed
/// once after the relay refused the given one.
fn through_relay(
    settings: &Settings,
    reporter: &mut Reporter,
    http: &Http,
    auth: &KdocsAuth,
    webhook: &Secret,
    data: &[Message],
    summary: &Summary,
) -> Result<(), Error> {
    let base = settings.kdocs_api_url.as_str();
    let origin = kdocs::origin(base);
    // Which token was sent, for the hint should the relay refuse it.
    let (first, mut kind) = match auth {
        KdocsAuth::Renew(renewal) => (renew(settings, reporter, http, renewal)?, hints::Token::Renewed),
        KdocsAuth::Token(token) => (token.clone(), hints::Token::Given),
        KdocsAuth::TokenThenRenew { token, .. } => (token.clone(), hints::Token::GivenRenewable),
    };
    reporter.step_summary(&summary.title, &summary.text);
    let send = |reporter: &Reporter, token: &Secret| {
        let relay = Relay {
            base,
            token: token.expose(),
            webhook: webhook.expose(),
            secret: settings.secret.as_ref().map(Secret::expose),
        };
        relay
            .send(http, data, &|_, retry| {
                reporter.notice(&hints::retry_notice(Peer::Relay, retry, &origin, settings.timeout));
            })
            .map_err(|partial| partial.failed)
    };
    let mut outcome = send(reporter, &first);
    if let (Err(failed), KdocsAuth::TokenThenRenew { renewal, .. }) = (&outcome, auth)
        && failed.failure.token_rejected()
    {
        reporter.notice(&hints::renewing_after_refusal(failed, &origin, settings.timeout));
        let token = renew(settings, reporter, http, renewal)?;
        kind = hints::Token::Renewed;
        outcome = send(reporter, &token);
    }
    match outcome {
        Ok(replies) => {
            reporter.info(&hints::delivered(false, &origin, 1));
            outputs(reporter, true, replies.last().map(kdocs::Reply::said), None);
            Ok(())
        }
        Err(failed) => {
            let error = hints::delivery_error(&failed, &origin, settings.timeout, kind);
            outputs(reporter, false, failed.failure.reply().map(kdocs::Reply::said), Some(&error));
            Err(error)
        }
    }
}

/// The outputs `sent`, `code` and `msg`, the same way for every call that answered (or failed
/// with `error`): `said` is the code and message its reply gave, which `hints::answered` cleans.
fn outputs(reporter: &Reporter, sent: bool, said: Option<(Option<String>, Option<String>)>, error: Option<&Error>) {
    let (code, msg) = hints::answered(said.unwrap_or_default(), error);
    reporter.outputs(sent, code.as_deref(), msg.as_deref());
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
) -> Result<Option<Status>, Error> {
    let Some(endpoint) = ci.api().and_then(|rest| Endpoint::new(rest, env, settings)) else { return Ok(None) };
    let http = match http {
        Some(http) => http,
        None => http.insert(new_http(settings)?),
    };
    let (rest, origin) = (endpoint.rest, endpoint.origin());
    let what = format!("the previous {}", rest.run_word());
    let notice =
        |retry: &api::Retry| reporter.notice(&api::hints::retry_notice(rest, retry, &origin, settings.timeout));
    let Some(api) = endpoint.client(http, &notice) else {
        reporter.warning(&format!("{what} is not read: the API's address `{}` is not an http(s) URL", endpoint.base));
        return Ok(None);
    };
    Ok(rest.previous(&api, env, cx).unwrap_or_else(|failed| {
        reporter.warning(&api::hints::warning(rest, &what, &failed, &origin, settings.timeout));
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
    let notice =
        |retry: &api::Retry| reporter.notice(&api::hints::retry_notice(rest, retry, &origin, settings.timeout));
    let facts = endpoint.facts(&http, &ask, &notice);
    for (what, failed) in &facts.failed {
        let warning = if endpoint.is_anonymous() {
            api::hints::anonymous_warning(rest, what, failed, &origin, settings.timeout)
        } else {
            api::hints::warning(rest, what, failed, &origin, settings.timeout)
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
    Ok(ApiFacts { http: Some(http), failed: !facts.failed.is_empty(), outcome: facts.outcome })
}

/// A new access token from the refresh token, registered as a secret before anything else
/// can print it; a refusal is a delivery failure.
fn renew(settings: &Settings, reporter: &mut Reporter, http: &Http, renewal: &Renewal) -> Result<Secret, Error> {
    let base = settings.kdocs_api_url.as_str();
    let origin = kdocs::origin(base);
    let outcome =
        kdocs::renew(http, base, &renewal.app_id, renewal.app_key.expose(), renewal.refresh_token.expose(), &|retry| {
            reporter.notice(&hints::retry_notice(Peer::Renewal, retry, &origin, settings.timeout));
        });
    let tokens = match outcome {
        Ok(tokens) => tokens,
        Err(failed) => {
            let error = hints::error(Peer::Renewal, &failed, &origin, settings.timeout);
            outputs(reporter, false, failed.failure.reply().map(kdocs::Reply::said), Some(&error));
            return Err(error);
        }
    };
    let fresh: Vec<&str> =
        [Some(&tokens.access_token), tokens.refresh_token.as_ref()].into_iter().flatten().map(Secret::expose).collect();
    reporter.add_secrets(&fresh);
    crate::report::err(&hints::renewed(&tokens));
    if tokens.refresh_token.as_ref().is_some_and(|r| r != &renewal.refresh_token) {
        reporter.notice(&hints::new_refresh_token());
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    if let Some(warning) = hints::refresh_expiry(&tokens, now) {
        reporter.warning(&warning);
    }
    Ok(tokens.access_token)
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
