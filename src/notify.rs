//! One run, step by step: the context from the CI, the summary, the messages, then a dry run's
//! print or the send, each reported as it happens.

use crate::api::{self, Api, Forge};
use crate::ci::{self, Ci, Inputs};
use crate::context::{Change, Context};
use crate::env::Env;
use crate::error::Error;
use crate::hints;
use crate::http::{Http, Retry};
use crate::jobs;
use crate::mention::Who;
use crate::message::{self, At, Body};
use crate::pipeline;
use crate::previous;
use crate::relay;
use crate::render;
use crate::report::Reporter;
use crate::settings::{Mode, Settings};
use crate::status::Status;
use crate::when;

pub fn run(settings: &Settings, env: &Env, reporter: &mut Reporter) -> Result<(), Error> {
    reporter.add_secrets(&settings.secrets());

    let ci = Ci::detect(env);
    let inputs = Inputs { event_path: settings.event_path.clone(), sample: settings.dry_run() };
    let mut warnings = Vec::new();
    let mut cx = ci::context(ci, env, &inputs, &mut warnings);
    if let Some(jobs) = &settings.jobs {
        cx.jobs.clone_from(jobs);
    }
    if let Some(start) = settings.started_at {
        cx.run.started_at = Some(ci::format_rfc3339(start));
        cx.run.duration = ci::duration(Some(start), None, env.now);
    }
    cx.message.clone_from(&settings.message);

    if let Mode::Missing { name } = settings.mode {
        // GitHub gives no secrets to these runs: not the workflow author's mistake, nor a failure.
        if let Some(why) = ci::without_secrets(ci, &cx, env) {
            eprintln!("not sending: {why} gets no secrets on GitHub, and `{name}` is empty");
            reporter.skipped(&format!("{why} gets no secrets"));
            return Ok(());
        }
        return Err(name.required(ci == Ci::GitHub));
    }

    // What only the CI's API knows (a token given, and the facts still missing).
    let mut http = api_facts(ci, env, settings, reporter, &mut cx)?;
    // The `status` setting, else what the jobs add up to, else the CI's own word (README,
    // "The whole pipeline in one message"). On GitHub the notifying job is one of the run's
    // jobs, though no list has it (it is still running): its own failure counts too.
    let derived = jobs::outcome(&cx.jobs).map(|d| if ci == Ci::GitHub { jobs::worse(d, cx.status) } else { d });
    cx.status = settings.status.or(derived).unwrap_or(cx.status);

    cx.previous_status = settings.previous_status.or(cx.previous_status);
    // Only a success or a failure can be a change; the API is asked only then.
    if cx.previous_status.is_none() && matches!(cx.status, Status::Success | Status::Failure) {
        cx.previous_status = previous_from_api(ci, settings, env, reporter, &mut http)?;
    }
    cx.change = Change::between(cx.previous_status, cx.status);

    if !when::matches(&settings.notify_on, cx.status, cx.change) {
        let previous = cx.previous_status.map_or_else(|| "unknown".to_owned(), |p| p.to_string());
        let line = format!(
            "not sending: the run's status is {} (previous: {previous}), and notify_on is `{}`",
            cx.status,
            when::describe(&settings.notify_on)
        );
        eprintln!("{line}");
        reporter.skipped(&line);
        return Ok(());
    }
    let at = mentions(settings, &cx, reporter);

    let summary = render::summary(&cx, settings.title.as_deref(), settings.template.as_ref(), &mut warnings);
    for w in &warnings {
        reporter.warning(w);
    }
    let summary = summary?;
    let data = message::build(&summary, settings, &cx, at);

    let (token, webhook) = match &settings.mode {
        Mode::DryRun { webhook } => {
            let link = webhook.as_ref().map_or_else(
                || "https://oapi.dingtalk.com/robot/send?access_token=***".to_owned(),
                |w| reporter.redact(w.expose()),
            );
            let body = Body { link: &link, sk: settings.secret.as_ref().map(|_| "***"), data: &data };
            let json = serde_json::to_string_pretty(&body).expect("messages serialize");
            println!("{}", reporter.redact(&json));
            reporter.step_summary(&summary.title, &summary.text);
            reporter.outputs(false, None, Some("dry run: nothing was sent"));
            return Ok(());
        }
        Mode::Send { token, webhook } => (token, webhook),
        Mode::Missing { name } => return Err(name.required(ci == Ci::GitHub)),
    };

    let body =
        Body { link: webhook.expose(), sk: settings.secret.as_ref().map(super::settings::Secret::expose), data: &data };
    let body = serde_json::to_vec(&body).expect("messages serialize");
    // Both made before anything is written to the step summary or the outputs, so that a bad
    // `kdocs_api_url` or `ca_file` is reported as what it is.
    let url = relay::url(&settings.kdocs_api_url, token.expose())?;
    let http = match http {
        Some(http) => http,
        None => new_http(settings)?,
    };
    let origin = relay::origin(&settings.kdocs_api_url);
    reporter.step_summary(&summary.title, &summary.text);
    let outcome = relay::send(&http, &url, &body, &|retry| {
        reporter.notice(&hints::retry_notice(retry, &origin, settings.timeout));
    });
    match outcome {
        Ok(reply) => {
            eprintln!("sent to DingTalk through {origin}");
            reporter.outputs(true, reply.code_text().as_deref(), reply.msg.as_deref());
            Ok(())
        }
        Err(failed) => {
            let error = hints::delivery_error(&failed, &origin, settings.timeout);
            let reply = failed.failure.reply();
            let code = reply.and_then(super::relay::Reply::code_text);
            let msg = reply.and_then(|r| r.msg.clone()).unwrap_or_else(|| error.message.clone());
            reporter.outputs(false, code.as_deref(), Some(&msg));
            Err(error)
        }
    }
}

/// The previous run's outcome from the CI's API, when a token for it is given; a failed call is
/// a warning. `http` is made on first use and kept for the send.
fn previous_from_api(
    ci: Ci,
    settings: &Settings,
    env: &Env,
    reporter: &Reporter,
    http: &mut Option<Http>,
) -> Result<Option<Status>, Error> {
    let (forge, token, base, what) = match (ci, &settings.github_token, &settings.gitlab_token) {
        (Ci::GitHub, Some(token), _) => (Forge::GitHub, token, api::github_base(env), "the previous run"),
        (Ci::GitLab, _, Some(token)) => (Forge::GitLab, token, api::gitlab_base(env), "the previous pipeline"),
        _ => return Ok(None),
    };
    let http = match http {
        Some(http) => http,
        None => http.insert(new_http(settings)?),
    };
    let origin = reqwest::Url::parse(&base).map_or_else(|_| base.clone(), |u| u.origin().ascii_serialization());
    let notice = |retry: &crate::http::Retry| {
        reporter.notice(&hints::api_retry_notice(forge, retry, &origin, settings.timeout));
    };
    let Some(api) = Api::new(http, forge, &base, token.expose(), &notice) else {
        reporter.warning(&format!("{what} is not read: the API's address `{base}` is not an http(s) URL"));
        return Ok(None);
    };
    let found = match forge {
        Forge::GitHub => previous::github(&api, env),
        Forge::GitLab => previous::gitlab(&api, env),
    };
    Ok(found.unwrap_or_else(|failed| {
        reporter.warning(&hints::api_warning(api.forge, what, &failed, &origin, settings.timeout));
        None
    }))
}

/// Whom the messages mention: none unless `at_on` matches; then the lists, everyone, and the
/// person the run is about when `at_author` finds them in `users`.
fn mentions(settings: &Settings, cx: &Context, reporter: &Reporter) -> Option<At> {
    for (name, refused) in
        [("at_mobiles", &settings.at_mobiles.refused), ("at_user_ids", &settings.at_user_ids.refused)]
    {
        for value in refused {
            let what = if name == "at_mobiles" { "a mobile (11 digits from 1)" } else { "a DingTalk userId" };
            reporter.warning(&format!("`{name}`: `{value}` is not {what}; it is not mentioned"));
        }
    }
    for line in &settings.users.refused {
        reporter.warning(&format!("`users`: the line `{line}` is not `identity: mobile-or-userId`; it is left out"));
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
            None if identities.is_empty() => eprintln!("notice: at_author: the CI does not say who the run is about"),
            None => eprintln!(
                "notice: at_author: {} is not in `users`; add a line `{}: mobile-or-userId`",
                identities.join(" / "),
                identities[0]
            ),
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

/// The jobs and start that only the CI's API knows, into the context, when a token is given and
/// they are still missing; a call that fails is a warning. The HTTP client, when one was made,
/// is the send's too.
fn api_facts(
    ci: Ci,
    env: &Env,
    settings: &Settings,
    reporter: &Reporter,
    cx: &mut Context,
) -> Result<Option<Http>, Error> {
    let Some(ask) = pipeline::ask(ci, env, settings, cx.run.started_at.is_some()) else {
        return Ok(None);
    };
    let http = new_http(settings)?;
    let origin = ask.origin();
    let notice = |retry: &Retry| reporter.notice(&hints::api_retry_notice(ask.forge, retry, &origin, settings.timeout));
    let facts = ask.fetch(&http, &notice);
    for (what, failed) in &facts.failed {
        reporter.warning(&hints::api_warning(ask.forge, what, failed, &origin, settings.timeout));
    }
    if let Some(jobs) = facts.jobs {
        cx.jobs = jobs;
    }
    if let Some(start) = facts.started_at {
        cx.run.started_at = Some(ci::format_rfc3339(start));
        cx.run.duration = ci::duration(Some(start), None, env.now);
    }
    Ok(Some(http))
}
