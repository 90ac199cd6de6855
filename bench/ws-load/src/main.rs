//! Subscriber fan-out load for `bench/run`: opens thousands of graphql-transport-ws subscribers
//! (one WebSocket connection each), measures the server's memory per idle subscription, then causes
//! one event per round with an HTTP request and times its delivery to every subscriber.
//!
//! Latency runs from just before the triggering request is sent to the moment each subscriber has
//! read its `next` message, so it includes the mutation itself. Figures are printed as one JSON
//! object on stdout; progress goes to stderr.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Parser)]
struct Args {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    #[arg(long)]
    url: String,
    /// Subscribers to open, one WebSocket connection each.
    #[arg(long, default_value_t = 10_000)]
    subscribers: usize,
    /// Bearer tokens, one per line; subscribers take them in turn. Every holder must be allowed to
    /// see the triggered events, since every subscriber waits for each.
    #[arg(long)]
    tokens: PathBuf,
    /// The subscription: `{"query": …, "variables": …}`.
    #[arg(long)]
    subscription: PathBuf,
    /// The requests that cause one event each, one per round: `[{"token": …, "body": {"query": …,
    /// "variables": …}}, …]`.
    #[arg(long)]
    triggers: PathBuf,
    /// The server's process id, for its memory and CPU time from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Connections being opened at once.
    #[arg(long, default_value_t = 200)]
    connect_concurrency: usize,
    /// Seconds to wait, once every subscriber is subscribed, before reading the server's memory.
    #[arg(long, default_value_t = 3)]
    settle_seconds: u64,
    /// Only connect and authenticate, without subscribing: the memory figure is then what a
    /// connection costs by itself (no event is caused).
    #[arg(long)]
    connect_only: bool,
    /// Seconds a round may take before the subscribers still waiting count as missed.
    #[arg(long, default_value_t = 30)]
    round_timeout_seconds: u64,
}

/// What subscriber `n` reports.
enum Heard {
    Subscribed(usize),
    Delivered(usize, Instant),
    Failed(usize, String),
}

/// Where each subscriber stands. A subscription is not acknowledged by the protocol, so one the
/// server refuses reports `Subscribed` and then `Failed`.
#[derive(Clone, Copy, PartialEq)]
enum Standing {
    Opening,
    Subscribed,
    Failed,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(error) = run(args).await {
        eprintln!("ws-load: {error}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let tokens: Vec<String> =
        read(&args.tokens)?.lines().map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect();
    if tokens.is_empty() {
        return Err(format!("{} holds no token", args.tokens.display()));
    }
    let subscription: Value = serde_json::from_str(&read(&args.subscription)?).map_err(|e| e.to_string())?;
    let triggers: Vec<Value> = serde_json::from_str(&read(&args.triggers)?).map_err(|e| e.to_string())?;
    let ws_url = format!("{}/graphql", args.url.replacen("http", "ws", 1));
    let memory_before = args.server_pid.map(resident_kib).transpose()?;

    let (heard, mut hearing) = mpsc::unbounded_channel();
    let opening = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    let started = Instant::now();
    for n in 0..args.subscribers {
        let token = tokens[n % tokens.len()].clone();
        let (url, heard, opening) = (ws_url.clone(), heard.clone(), opening.clone());
        let subscription = (!args.connect_only).then(|| subscription.clone());
        tokio::spawn(async move {
            if let Err(error) = subscriber(n, &url, &token, subscription.as_ref(), &heard, &opening).await {
                let _ = heard.send(Heard::Failed(n, error));
            }
        });
    }
    drop(heard);
    let mut standing = vec![Standing::Opening; args.subscribers];
    let mut failures = Vec::new();
    let mut opening_left = args.subscribers;
    while opening_left > 0 {
        match hearing.recv().await {
            Some(Heard::Subscribed(n)) => {
                standing[n] = Standing::Subscribed;
                opening_left -= 1;
            }
            Some(Heard::Failed(n, error)) => {
                if standing[n] == Standing::Opening {
                    opening_left -= 1;
                }
                standing[n] = Standing::Failed;
                failures.push(error);
            }
            Some(Heard::Delivered(..)) => return Err("an event arrived before any was caused".into()),
            None => break,
        }
    }
    let subscribed = standing.iter().filter(|s| **s == Standing::Subscribed).count();
    let connect_seconds = started.elapsed().as_secs_f64();
    eprintln!("ws-load: {subscribed} subscribed in {connect_seconds:.1} s, {} failed", failures.len());
    if let Some(first) = failures.first() {
        eprintln!("ws-load: first failure: {first}");
    }
    tokio::time::sleep(Duration::from_secs(args.settle_seconds)).await;
    let memory_idle = args.server_pid.map(resident_kib).transpose()?;

    let http = reqwest::Client::new();
    let mut rounds = Vec::new();
    let triggers = if args.connect_only { &[][..] } else { &triggers[..] };
    for (round, trigger) in triggers.iter().enumerate() {
        let cpu_before = args.server_pid.map(cpu_seconds).transpose()?;
        let sent = Instant::now();
        cause(&http, &args.url, trigger).await?;
        // Each live subscriber counts once; anything heard before this round's request (a late
        // delivery of the last one) or twice is counted apart, never as this round's.
        let mut received = vec![false; args.subscribers];
        let (mut latencies, mut stray) = (Vec::with_capacity(subscribed), 0usize);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(args.round_timeout_seconds);
        // Kept as a count: scanning every subscriber per message would cost the client (which
        // shares the server's cores) a hundred million steps per round at ten thousand.
        let mut waiting = standing.iter().filter(|s| **s == Standing::Subscribed).count();
        while waiting > 0 {
            match tokio::time::timeout_at(deadline, hearing.recv()).await {
                Ok(Some(Heard::Delivered(n, at))) if at >= sent && !received[n] => {
                    received[n] = true;
                    waiting -= 1;
                    latencies.push(at.duration_since(sent).as_secs_f64() * 1000.0);
                }
                Ok(Some(Heard::Delivered(..))) => stray += 1,
                Ok(Some(Heard::Failed(n, error))) => {
                    if standing[n] == Standing::Subscribed && !received[n] {
                        waiting -= 1;
                    }
                    standing[n] = Standing::Failed;
                    failures.push(error);
                }
                Ok(Some(Heard::Subscribed(_))) => {}
                Ok(None) | Err(_) => break,
            }
        }
        let cpu_after = args.server_pid.map(cpu_seconds).transpose()?;
        latencies.sort_by(f64::total_cmp);
        let figures = json!({
            "delivered": latencies.len(),
            "missed": subscribed - latencies.len(),
            "stray": stray,
            "p50_ms": percentile(&latencies, 0.50),
            "p99_ms": percentile(&latencies, 0.99),
            "max_ms": latencies.last(),
            "server_cpu_ms": cpu_before.zip(cpu_after).map(|(a, b)| (b - a) * 1000.0),
        });
        eprintln!("ws-load: round {}: {figures}", round + 1);
        rounds.push(figures);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let per_subscription =
        memory_before.zip(memory_idle).map(|(before, idle)| (idle as f64 - before as f64) / subscribed.max(1) as f64);
    println!(
        "{}",
        json!({
            "subscribers": args.subscribers,
            "subscribed": subscribed,
            "failed": failures.len(),
            "first_failure": failures.first(),
            "connect_seconds": connect_seconds,
            "server_rss_kib_before": memory_before,
            "server_rss_kib_idle": memory_idle,
            "server_kib_per_subscription": per_subscription,
            "rounds": rounds,
        })
    );
    Ok(())
}

/// One subscriber: connects, authenticates, subscribes (unless `subscription` is `None`), then
/// reports each event it receives.
async fn subscriber(
    n: usize,
    url: &str,
    token: &str,
    subscription: Option<&Value>,
    heard: &mpsc::UnboundedSender<Heard>,
    opening: &Semaphore,
) -> Result<(), String> {
    let permit = opening.acquire().await.map_err(|e| e.to_string())?;
    let mut request = url.into_client_request().map_err(|e| e.to_string())?;
    request.headers_mut().insert("sec-websocket-protocol", "graphql-transport-ws".parse().expect("a header value"));
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| format!("connect: {e}"))?;
    let init = json!({ "type": "connection_init", "payload": { "authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await.map_err(|e| e.to_string())?;
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) if text.contains("\"connection_ack\"") => break,
            Some(Ok(Message::Text(text))) if text.contains("\"ping\"") => {}
            Some(Ok(Message::Close(frame))) => return Err(format!("closed before the ack: {frame:?}")),
            Some(Ok(Message::Text(text))) => return Err(format!("instead of the ack: {text}")),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.to_string()),
            None => return Err("closed before the ack".into()),
        }
    }
    if let Some(subscription) = subscription {
        let subscribe = json!({ "id": "1", "type": "subscribe", "payload": subscription });
        socket.send(Message::text(subscribe.to_string())).await.map_err(|e| e.to_string())?;
    }
    drop(permit);
    let _ = heard.send(Heard::Subscribed(n));
    while let Some(message) = socket.next().await {
        match message.map_err(|e| e.to_string())? {
            Message::Text(text) => {
                let at = Instant::now();
                // Told apart by a scan rather than parsed: the client shares the server's cores,
                // and its own work would show as the server's latency.
                let is = |kind: &str| text.contains(&format!("\"type\":\"{kind}\""));
                if is("next") && !text.contains("\"errors\"") {
                    let _ = heard.send(Heard::Delivered(n, at));
                } else if is("ping") {
                    let pong = json!({ "type": "pong" }).to_string();
                    socket.send(Message::text(pong)).await.map_err(|e| e.to_string())?;
                } else if !is("pong") {
                    return Err(format!("unexpected message: {text}"));
                }
            }
            Message::Close(frame) => return Err(format!("closed: {frame:?}")),
            _ => {}
        }
    }
    Err("the connection ended".into())
}

/// Sends one triggering request and checks that it succeeded.
async fn cause(http: &reqwest::Client, url: &str, trigger: &Value) -> Result<(), String> {
    let token = trigger["token"].as_str().ok_or("a trigger needs a token")?;
    let response = http
        .post(format!("{url}/graphql"))
        .bearer_auth(token)
        .json(&trigger["body"])
        .send()
        .await
        .map_err(|e| format!("trigger: {e}"))?;
    let body: Value = response.json().await.map_err(|e| format!("trigger: {e}"))?;
    match body.get("errors") {
        Some(errors) => Err(format!("trigger refused: {errors}")),
        None => Ok(()),
    }
}

fn read(path: &PathBuf) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let index = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    Some(sorted[index])
}

/// The process's resident memory, KiB.
fn resident_kib(pid: u32) -> Result<u64, String> {
    let status = read(&PathBuf::from(format!("/proc/{pid}/status")))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS for process {pid}"))
}

/// The process's CPU time (user and system), seconds; /proc counts in ticks of 1/100 s on Linux.
fn cpu_seconds(pid: u32) -> Result<f64, String> {
    let stat = read(&PathBuf::from(format!("/proc/{pid}/stat")))?;
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or("an unreadable /proc stat")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).ok_or("an unreadable /proc stat");
    // utime and stime are fields 14 and 15 of the line; the state, field 3, comes first here.
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.50), Some(50.0));
        assert_eq!(percentile(&values, 0.99), Some(99.0));
        assert_eq!(percentile(&[7.0], 0.99), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
