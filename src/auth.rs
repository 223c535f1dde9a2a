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

pub const HELP: &str = "\
dingtalk-notify kdocs-auth: the first KDocs tokens, without writing code (README, \"KDocs token\").

1. Print the authorization URL, and open it in a browser logged in to KDocs:
     dingtalk-notify kdocs-auth --app-id ID --redirect-uri URI --scope SCOPES
   URI is a redirect URI registered for the app on the KDocs developer console; SCOPES are the
   app's permissions, separated by commas. After you agree, the browser goes to
   URI?code=CODE&state=…: copy CODE (it works once, for 5 minutes).
2. Exchange the code for the tokens (the app key from the environment keeps it out of the
   shell history):
     DINGTALK_KDOCS_APP_KEY=… dingtalk-notify kdocs-auth --app-id ID --code CODE
   This prints the access and refresh tokens, on purpose, and the secret names to store them
   under in each CI.

OPTIONS:
  --app-id ID          the app's id [also --kdocs-app-id, INPUT_/PLUGIN_/DINGTALK_KDOCS_APP_ID]
  --app-key KEY        the app's key [also --kdocs-app-key, INPUT_/PLUGIN_/DINGTALK_KDOCS_APP_KEY]
  --redirect-uri URI   a redirect URI registered for the app (step 1)
  --scope SCOPES       the permissions to ask for, separated by commas (step 1)
  --state TEXT         returned unchanged on the redirect (step 1, optional)
  --code CODE          the code from the redirect (step 2)
  --kdocs-api-url URL  [https://developer.kdocs.cn]; --timeout, --retries, --ca-file as for a run
";

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
    let secrets: Vec<&str> = [v.kdocs_app_key.as_ref().map(Secret::expose), code].into_iter().flatten().collect();
    reporter.add_secrets(&secrets);
    let required = |name: Name, flag: &str| {
        Error::usage(format!("kdocs-auth needs `{flag}`: give it, or set one of {}", name.looked_for()))
    };
    let app_id = v.kdocs_app_id.clone().ok_or_else(|| required(Name::kdocs_app_id, "--app-id"))?;

    let Some(code) = code else {
        let no = |flag: &str| {
            Error::usage(format!(
                "kdocs-auth needs `{flag}` to print the authorization URL, or `--code` to exchange a code (see kdocs-auth --help)"
            ))
        };
        let redirect_uri = flags.own("redirect-uri").ok_or_else(|| no("--redirect-uri"))?;
        let scope = flags.own("scope").ok_or_else(|| no("--scope"))?;
        let mut url = reqwest::Url::parse(&format!("{}/h5/auth", v.kdocs_api_url))
            .map_err(|e| Error::usage(format!("`kdocs_api_url` does not make a valid URL ({e})")))?;
        url.query_pairs_mut()
            .append_pair("app_id", &app_id)
            .append_pair("scope", scope)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", flags.own("state").unwrap_or("dingtalk-notify"));
        report::out(&format!(
            "Open this URL in a browser logged in to KDocs, and agree:\n\n  {url}\n\n\
             The browser then goes to {redirect_uri}?code=CODE&state=…; copy CODE (it works once, for 5 minutes) and run:\n\n  \
             DINGTALK_KDOCS_APP_KEY=<the app key> dingtalk-notify kdocs-auth --app-id {app_id} --code CODE\n\n\
             (The URL is KDocs' documented authorization page, developer.kdocs.cn/common/authorization/web.html.)\n"
        ));
        return Ok(());
    };

    let app_key = v.kdocs_app_key.as_ref().ok_or_else(|| required(Name::kdocs_app_key, "--app-key"))?;
    let http = Http::new(v.ca_file.as_ref().map(|f| (f.path.as_path(), f.from.as_str())), v.timeout, v.retries)?;
    let origin = kdocs::origin(&v.kdocs_api_url);
    let tokens = kdocs::exchange_code(&http, &v.kdocs_api_url, &app_id, app_key.expose(), code, &|retry| {
        reporter.notice(&hints::retry_notice(&Call::Exchange, retry, &origin, v.timeout));
    })
    .map_err(|failed| hints::error(&Call::Exchange, &failed, &origin, v.timeout))?;

    // On GitHub, masked first: a token printed in a CI log is a leaked token.
    if reporter.on_github() {
        let tokens: Vec<&str> = [Some(&tokens.access_token), tokens.refresh_token.as_ref()]
            .into_iter()
            .flatten()
            .map(Secret::expose)
            .collect();
        reporter.add_secrets(&tokens);
    }
    print_tokens(&tokens);
    Ok(())
}

/// The tokens, their lifetimes, and where to store them: printed on purpose.
fn print_tokens(tokens: &Tokens) {
    let life = |secs: Option<u64>| secs.map_or_else(|| "lifetime not given".to_owned(), hints::lifetime);
    report::err(
        "kdocs-auth prints the tokens below ON PURPOSE, for you to store as CI secrets; clear this terminal afterwards.",
    );
    report::out(&format!(
        "access_token:  {}  (valid for {}; not needed in CI: each run renews it)\n",
        tokens.access_token.expose(),
        life(tokens.expires_in)
    ));
    match &tokens.refresh_token {
        Some(refresh) => report::out(&format!(
            "refresh_token: {}  (valid for {}; authorize again before it expires)\n",
            refresh.expose(),
            life(tokens.refresh_expires_in)
        )),
        None => report::out(
            "refresh_token: (none in KDocs' answer: the access token cannot be renewed; store it as `kdocs_token`)\n",
        ),
    }
    report::out(
        "\nStore three secrets, and pass them as the settings kdocs_app_id, kdocs_app_key, kdocs_refresh_token:\n\
         \x20 GitHub Actions:    secrets KDOCS_APP_ID, KDOCS_APP_KEY, KDOCS_REFRESH_TOKEN; \
         `with: kdocs_refresh_token: ${{ secrets.KDOCS_REFRESH_TOKEN }}` (and the two others)\n\
         \x20 GitLab CI:         masked variables DINGTALK_KDOCS_APP_ID, DINGTALK_KDOCS_APP_KEY, DINGTALK_KDOCS_REFRESH_TOKEN\n\
         \x20 Drone, Woodpecker: secrets kdocs_app_id, kdocs_app_key, kdocs_refresh_token, each `from_secret:` in `settings:`\n\
         \x20 Jenkins, a shell:  credentials as DINGTALK_KDOCS_APP_ID, DINGTALK_KDOCS_APP_KEY, DINGTALK_KDOCS_REFRESH_TOKEN\n",
    );
}
