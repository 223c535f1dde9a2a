//! `dingtalk-notify kdocs-auth`: the first KDocs tokens without writing code. Given the app id,
//! a redirect URI and the scopes, it prints the authorization URL to open; given the `code` the
//! redirect brought back (and the app key), it exchanges it for the tokens and prints them, with
//! the secret names to store them under. This is the one place that prints a token, on purpose.
//!
//! The authorization page and the exchange are KDocs' "Web 授权" flow
//! (developer.kdocs.cn/common/authorization/web.html): `{kdocs_api_url}/h5/auth?app_id=&scope=
//! &redirect_uri=&state=`, then `GET /api/v1/oauth2/access_token?app_id=&app_key=&code=`.

use crate::delivery::hints;
use crate::delivery::http::Http;
use crate::delivery::kdocs::{self, Call, Tokens};
use crate::error::Error;
use crate::report::{self, Reporter};
use crate::settings::args::{Cli, Parsed};
use crate::settings::{Name, Secret, Sources, Values};
use crate::summary::catalog::{Lang, say};

/// `kdocs-auth --help`, in `lang`.
pub fn help(lang: Lang) -> String {
    say(lang, "auth.help", &[])
}

/// The flags besides the settings: its own, and shorter names for the app's id and key.
pub const CLI: Cli = Cli {
    help: "kdocs-auth --help",
    own: &["redirect-uri", "scope", "state", "code"],
    aliases: &[("app-id", Name::kdocs_app_id), ("app-key", Name::kdocs_app_key)],
};

/// Runs the subcommand with the settings and its own flags from the command line.
pub fn run(sources: &Sources, flags: &Parsed, reporter: &mut Reporter) -> Result<(), Error> {
    let code = flags.own("code").map(str::trim);
    let v = Values::parse(sources)?;
    let lang = v.lang;
    let secrets: Vec<&str> = [v.kdocs_app_key.as_ref().map(Secret::expose), code].into_iter().flatten().collect();
    reporter.add_secrets(&secrets);
    let required = |name: Name, flag: &str| {
        Error::usage(say(lang, "auth.needs", &[("flag", flag), ("places", &name.looked_for())]))
    };
    let app_id = v.kdocs_app_id.clone().ok_or_else(|| required(Name::kdocs_app_id, "--app-id"))?;

    let Some(code) = code else {
        let no = |flag: &str| Error::usage(say(lang, "auth.needs_step", &[("flag", flag)]));
        let redirect_uri = flags.own("redirect-uri").ok_or_else(|| no("--redirect-uri"))?;
        let scope = flags.own("scope").ok_or_else(|| no("--scope"))?;
        let mut url = reqwest::Url::parse(&format!("{}/h5/auth", v.kdocs_api_url))
            .map_err(|e| Error::usage(say(lang, "auth.bad_base", &[("error", &e.to_string())])))?;
        url.query_pairs_mut()
            .append_pair("app_id", &app_id)
            .append_pair("scope", scope)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", flags.own("state").unwrap_or("dingtalk-notify"));
        let args = [("url", url.as_str()), ("redirect", redirect_uri), ("app_id", &app_id)];
        report::out(&say(lang, "auth.open", &args));
        return Ok(());
    };

    let app_key = v.kdocs_app_key.as_ref().ok_or_else(|| required(Name::kdocs_app_key, "--app-key"))?;
    let http = Http::new(v.ca_file.as_ref().map(|f| (f.path.as_path(), f.from.as_str())), v.timeout, v.retries, lang)?;
    let origin = kdocs::origin(&v.kdocs_api_url);
    let tokens = kdocs::exchange_code(&http, &v.kdocs_api_url, &app_id, app_key.expose(), code, &|retry| {
        reporter.notice(&hints::retry_notice(&Call::Exchange, retry, &origin, v.timeout, lang));
    })
    .map_err(|failed| hints::error(&Call::Exchange, &failed, &origin, v.timeout, lang))?;

    // On GitHub, masked first: a token printed in a CI log is a leaked token.
    if reporter.on_github() {
        let tokens: Vec<&str> = [Some(&tokens.access_token), tokens.refresh_token.as_ref()]
            .into_iter()
            .flatten()
            .map(Secret::expose)
            .collect();
        reporter.add_secrets(&tokens);
    }
    print_tokens(&tokens, lang);
    Ok(())
}

/// The tokens, their lifetimes, and where to store them: printed on purpose.
fn print_tokens(tokens: &Tokens, lang: Lang) {
    let life =
        |secs: Option<u64>| secs.map_or_else(|| say(lang, "auth.lifetime_unknown", &[]), |s| hints::lifetime(s, lang));
    report::err(&say(lang, "auth.on_purpose", &[]));
    let access = [("token", tokens.access_token.expose()), ("life", &life(tokens.expires_in))];
    report::out(&say(lang, "auth.access_token", &access));
    match &tokens.refresh_token {
        Some(refresh) => {
            let args = [("token", refresh.expose()), ("life", &life(tokens.refresh_expires_in))];
            report::out(&say(lang, "auth.refresh_token", &args));
        }
        None => report::out(&say(lang, "auth.no_refresh_token", &[])),
    }
    let with = "`with: kdocs_refresh_token: ${{ secrets.KDOCS_REFRESH_TOKEN }}`";
    report::out(&say(lang, "auth.store", &[("with", with)]));
}
