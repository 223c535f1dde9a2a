//! Benchmark harness for `bench/run.sh`; not part of the product.
//!
//! `harness sink <cert.pem> <key.pem> <ports-file>` answers every request with one JSON body (`code` 0, `errcode` 0, a token) on
//! loopback, over HTTP and over TLS (rustls), and writes `<http-port> <tls-port>` to the file.
//! It is compiled Rust with one thread per connection and no logging, so that its share of a
//! timed run is small and the same for both clients.
//!
//! `harness time <runs> <warmup> :: <name> [VAR=value…] <program> [args…] :: …` runs the
//! commands in alternation (each round starts with the next command, so neither always runs
//! first), each from spawn to exit, and reports per command the median, min and max wall time
//! and the peak RSS from `wait4`'s rusage. A run that fails stops the benchmark: a timed failure
//! is not a figure. With `HARNESS_RATIO` set and two commands, it also prints the ratio of
//! their medians; with `HARNESS_RESULTS=<file>`, it appends `name median-ms peak-RSS-KiB` lines.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

/// One answer for every call the binary makes: the relay (`code` 0), a renewal (`code` 0 and
/// `data.access_token`), and DingTalk called directly (`errcode` 0).
const REPLY: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 101\r\nConnection: close\r\n\r\n{\"code\":0,\"errcode\":0,\"errmsg\":\"ok\",\"data\":{\"access_token\":\"renewedACCESStoken1\",\"expires_in\":86400}}";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("sink") if args.len() == 4 => sink(&args[1], &args[2], &args[3]),
        Some("time") if args.len() > 3 => time(&args[1..]),
        _ => {
            eprintln!(
                "usage: harness sink <cert> <key> <ports-file> | harness time <runs> <warmup> :: <name> [VAR=v…] <program> [args…] …"
            );
            std::process::exit(2);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The sink

fn sink(cert: &str, key: &str, ports_file: &str) {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(cert).expect("cert file").collect::<Result<_, _>>().expect("cert PEM");
    let key = PrivateKeyDer::from_pem_file(key).expect("key PEM");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let config = Arc::new(config);

    let http = TcpListener::bind("127.0.0.1:0").expect("bind http");
    let tls = TcpListener::bind("127.0.0.1:0").expect("bind tls");
    let ports = format!("{} {}\n", http.local_addr().unwrap().port(), tls.local_addr().unwrap().port());
    std::fs::write(ports_file, ports).expect("write ports file");

    std::thread::spawn(move || {
        for stream in tls.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let Ok(conn) = rustls::ServerConnection::new(config) else { return };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                if serve(&mut tls).is_ok() {
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                }
            });
        }
    });
    for stream in http.incoming().flatten() {
        std::thread::spawn(move || {
            let _ = stream.set_nodelay(true);
            let mut stream: TcpStream = stream;
            let _ = serve(&mut stream);
        });
    }
}

/// Reads one request (head and `Content-Length` body) and answers [`REPLY`].
fn serve(stream: &mut (impl Read + Write)) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 16384];
    let head_end = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    if head.contains("\r\nexpect: 100-continue") {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        stream.flush()?;
    }
    let mut have = buf.len() - head_end;
    while have < length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        have += n;
    }
    stream.write_all(REPLY)?;
    stream.flush()
}

// ---------------------------------------------------------------------------------------------
// The timer

struct Cmd {
    name: String,
    env: Vec<(String, String)>,
    program: String,
    args: Vec<String>,
    wall_ms: Vec<f64>,
    rss_kib: Vec<i64>,
}

fn parse_cmds(words: &[String]) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    for group in words.split(|w| w == "::").filter(|g| !g.is_empty()) {
        let name = group[0].clone();
        let mut rest = group[1..].iter();
        let mut env = Vec::new();
        let program = loop {
            let w = rest.next().unwrap_or_else(|| panic!("{name}: no program"));
            match w.split_once('=') {
                Some((k, v))
                    if !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
                {
                    env.push((k.to_owned(), v.to_owned()))
                }
                _ => break w.clone(),
            }
        };
        let args = rest.cloned().collect();
        cmds.push(Cmd { name, env, program, args, wall_ms: Vec::new(), rss_kib: Vec::new() });
    }
    cmds
}

/// One run from spawn to exit: wall time in ms and peak RSS in KiB.
fn run_once(cmd: &Cmd) -> (f64, i64) {
    let start = Instant::now();
    let child = Command::new(&cmd.program)
        .args(&cmd.args)
        .envs(cmd.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: cannot start {} ({e})", cmd.name, cmd.program));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, and `wait4` only writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped; the pointers are to live locals.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed().as_secs_f64() * 1000.0;
    std::mem::forget(child);
    if r != pid || !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        eprintln!("{}: the run failed (wait status {status}); once more, with its output:", cmd.name);
        let _ = Command::new(&cmd.program).args(&cmd.args).envs(cmd.env.iter().map(|(k, v)| (k, v))).status();
        std::process::exit(1);
    }
    (elapsed, usage.ru_maxrss)
}

fn median<T: Copy + PartialOrd>(v: &[T]) -> T {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    s[s.len() / 2]
}

fn time(args: &[String]) {
    let runs: usize = args[0].parse().expect("runs");
    let warmup: usize = args[1].parse().expect("warmup");
    let mut cmds = parse_cmds(&args[2..]);
    for cmd in &cmds {
        for _ in 0..warmup {
            run_once(cmd);
        }
    }
    let n = cmds.len();
    for round in 0..runs {
        for k in 0..n {
            let i = (round + k) % n;
            let (ms, rss) = run_once(&cmds[i]);
            cmds[i].wall_ms.push(ms);
            cmds[i].rss_kib.push(rss);
        }
    }
    let width = cmds.iter().map(|c| c.name.len()).max().unwrap_or(4).max(7);
    println!(
        "  {:width$}  {:>9}  {:>9}  {:>9}  {:>12}  {:>5}",
        "command", "median ms", "min ms", "max ms", "peak RSS MiB", "runs"
    );
    for c in &cmds {
        let fmin = c.wall_ms.iter().cloned().fold(f64::INFINITY, f64::min);
        let fmax = c.wall_ms.iter().cloned().fold(0.0, f64::max);
        let rss_max = *c.rss_kib.iter().max().unwrap() as f64 / 1024.0;
        println!(
            "  {:width$}  {:>9.2}  {:>9.2}  {:>9.2}  {:>12.2}  {:>5}",
            c.name,
            median(&c.wall_ms),
            fmin,
            fmax,
            rss_max,
            c.wall_ms.len()
        );
    }
    if n == 2 && std::env::var_os("HARNESS_RATIO").is_some() {
        let (a, b) = (&cmds[0], &cmds[1]);
        println!("  ratio {} / {} (medians): {:.2}", a.name, b.name, median(&a.wall_ms) / median(&b.wall_ms));
    }
    // For the script's own arithmetic: `name median-ms peak-RSS-KiB`, one line a command.
    if let Some(path) = std::env::var_os("HARNESS_RESULTS") {
        let mut out = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("results file");
        for c in &cmds {
            writeln!(out, "{} {:.3} {}", c.name, median(&c.wall_ms), c.rss_kib.iter().max().unwrap())
                .expect("write results");
        }
    }
}
