//! A loopback HTTP/1.1 proxy in front of the AWS emulators that injects
//! faults per region and per service, and counts what passes through.
//!
//! ```ignore
//! let proxy = FaultProxy::start(&moto(), &ministack()).await; // or emulators::fault_proxy()
//! let rds = emulators::rds("eu-west-1", &proxy.url());
//! proxy.set(Rule { region: Some("eu-west-1"), service: Some("rds"), fault: Fault::Throttle });
//! // ... calls fail as a throttled RDS would; other regions and services pass ...
//! proxy.clear();
//! assert_eq!(proxy.requests("eu-west-1", "rds", "DescribeDBInstances"), 2);
//! ```
//!
//! Region and service come from the SigV4 credential scope of each request
//! (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`); `monitoring`
//! (CloudWatch) goes to MiniStack, everything else to moto. The operation is
//! `X-Amz-Target` (awsJson), the path's `/operation/X` (rpc-v2-cbor),
//! `Action=` (awsQuery) or a small table of REST paths (restJson1).
//!
//! Each test starts its own proxy on its own port (`127.0.0.1:0`), so rules
//! and counters never leak between tests running in parallel: nothing is
//! shared but the emulators behind it. Dropping the proxy stops it and every
//! connection it holds. It is self-contained (no `super::`), so a bench can
//! include it with `#[path]`.
#![allow(dead_code)] // Each test binary uses its own part.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// What the proxy does with a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Read the request, then close the connection without answering: the
    /// SDK reports a dispatch failure.
    Refuse,
    /// Hold the request unanswered until the client gives up (closes the
    /// connection) or the rule is changed; then the new rule applies.
    Hang,
    /// Answer this status with the protocol's error body (`ServiceUnavailable`
    /// for 503, else `InternalFailure`).
    ServerError(u16),
    /// Answer as the service does when it throttles (`Throttling` for awsQuery
    /// and CloudWatch's query-compatible CBOR, `ThrottlingException` else).
    Throttle,
    /// Wait this long, then forward; a client that gives up meanwhile ends
    /// the request, as with `Hang`.
    Latency(Duration),
}

/// A fault for a region and a service; `None` matches any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub region: Option<&'static str>,
    pub service: Option<&'static str>,
    pub fault: Fault,
}

impl Rule {
    fn matches(&self, scope: &Scope) -> bool {
        self.region.is_none_or(|r| r == scope.region)
            && self.service.is_none_or(|s| s == scope.service)
    }

    /// Both set beats region only, beats service only, beats neither.
    fn specificity(&self) -> u8 {
        u8::from(self.region.is_some()) * 2 + u8::from(self.service.is_some())
    }
}

/// Where a signed request goes; `unsigned` for both without a SigV4 scope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Scope {
    region: String,
    service: String,
}

#[derive(Debug, Default)]
struct Counts {
    requests: BTreeMap<(String, String, String), usize>,
    /// (current, maximum) in flight per (region, service).
    in_flight: BTreeMap<(String, String), (usize, usize)>,
    connections: usize,
}

struct State {
    rules: Mutex<Vec<Rule>>,
    /// Bumped on every rule change, so held (hung) requests re-check.
    generation: watch::Sender<u64>,
    counts: Mutex<Counts>,
    moto: String,
    ministack: String,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    fn fault_for(&self, scope: &Scope) -> Option<Fault> {
        lock(&self.rules)
            .iter()
            .filter(|rule| rule.matches(scope))
            .max_by_key(|rule| rule.specificity())
            .map(|rule| rule.fault)
    }

    fn changed(&self) {
        self.generation.send_modify(|g| *g = g.wrapping_add(1));
    }
}

/// The request is in flight from its head being read until its answer is
/// written or its connection is gone.
struct InFlight {
    state: Arc<State>,
    key: (String, String),
}

impl InFlight {
    fn enter(state: &Arc<State>, scope: &Scope, operation: &str) -> Self {
        let key = (scope.region.clone(), scope.service.clone());
        let mut counts = lock(&state.counts);
        *counts
            .requests
            .entry((key.0.clone(), key.1.clone(), operation.to_string()))
            .or_default() += 1;
        let flight = counts.in_flight.entry(key.clone()).or_default();
        flight.0 += 1;
        flight.1 = flight.1.max(flight.0);
        drop(counts);
        Self {
            state: state.clone(),
            key,
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(flight) = lock(&self.state.counts).in_flight.get_mut(&self.key) {
            flight.0 = flight.0.saturating_sub(1);
        }
    }
}

/// The proxy; stops (with every connection) when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    state: Arc<State>,
    accept: JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        // The accept task owns the connections' JoinSet, which aborts them.
        self.accept.abort();
    }
}

impl FaultProxy {
    /// Listens on a free port of 127.0.0.1, forwarding to the emulators at
    /// these URLs (`http://127.0.0.1:PORT`).
    pub async fn start(moto: &str, ministack: &str) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("the fault proxy binds a loopback port");
        let addr = listener
            .local_addr()
            .expect("the fault proxy's listener has an address");
        let state = Arc::new(State {
            rules: Mutex::new(Vec::new()),
            generation: watch::Sender::new(0),
            counts: Mutex::new(Counts::default()),
            moto: authority(moto),
            ministack: authority(ministack),
        });
        let accept = tokio::spawn(accept_loop(listener, state.clone()));
        Self {
            addr,
            state,
            accept,
        }
    }

    /// The endpoint URL to give SDK clients.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Adds the rule, replacing one for the same region and service. Applies
    /// to requests read from now on, and to requests held by `Hang`.
    pub fn set(&self, rule: Rule) {
        let mut rules = lock(&self.state.rules);
        rules.retain(|r| (r.region, r.service) != (rule.region, rule.service));
        rules.push(rule);
        drop(rules);
        self.state.changed();
    }

    /// Removes every rule: everything is forwarded again, held requests too.
    pub fn clear(&self) {
        lock(&self.state.rules).clear();
        self.state.changed();
    }

    /// Requests (attempts, not SDK calls) seen for one operation.
    pub fn requests(&self, region: &str, service: &str, operation: &str) -> usize {
        let key = (
            region.to_string(),
            service.to_string(),
            operation.to_string(),
        );
        lock(&self.state.counts)
            .requests
            .get(&key)
            .copied()
            .unwrap_or(0)
    }

    /// Every request count: (region, service, operation) → requests.
    pub fn all_requests(&self) -> BTreeMap<(String, String, String), usize> {
        lock(&self.state.counts).requests.clone()
    }

    /// Requests for a region and service now between head and answer.
    pub fn in_flight(&self, region: &str, service: &str) -> usize {
        self.flight(region, service).0
    }

    /// The most requests ever in flight at once for a region and service.
    pub fn max_in_flight(&self, region: &str, service: &str) -> usize {
        self.flight(region, service).1
    }

    fn flight(&self, region: &str, service: &str) -> (usize, usize) {
        lock(&self.state.counts)
            .in_flight
            .get(&(region.to_string(), service.to_string()))
            .copied()
            .unwrap_or((0, 0))
    }

    /// Client connections accepted so far (keep-alive reuses them).
    pub fn connections(&self) -> usize {
        lock(&self.state.counts).connections
    }

    /// Zeroes the request counts and maxima (not the current in-flight).
    pub fn reset_counts(&self) {
        let mut counts = lock(&self.state.counts);
        counts.requests.clear();
        counts.connections = 0;
        for flight in counts.in_flight.values_mut() {
            flight.1 = flight.0;
        }
    }
}

/// `http://host:port/...` → `host:port`.
fn authority(url: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap_or(url);
    rest.split('/').next().unwrap_or(rest).to_string()
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else {
                    // Out of descriptors, say: let some connections end.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                lock(&state.counts).connections += 1;
                connections.spawn(serve(stream, state.clone()));
            }
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A message head: the start line and the headers, in order.
#[derive(Debug)]
struct Head {
    start: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// The head without hop-by-hop headers (each hop keeps its own
    /// connection), plus `extra`.
    fn encode(&self, extra: &[(&str, &str)]) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.start);
        for (name, value) in &self.headers {
            if !HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h)) {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        for (name, value) in extra {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str("\r\n");
        out.into_bytes()
    }
}

const HOP_BY_HOP: &[&str] = &["connection", "keep-alive", "proxy-connection"];

/// Reads a head; `None` at a clean end of stream before any byte.
async fn read_head<R: AsyncBufReadExt + Unpin>(r: &mut R) -> io::Result<Option<Head>> {
    let mut lines = Vec::new();
    let mut total = 0usize;
    loop {
        let mut line = Vec::new();
        let n = r.read_until(b'\n', &mut line).await?;
        if n == 0 {
            return if total == 0 {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        total = total.saturating_add(n);
        if total > MAX_HEAD {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "head too large"));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if lines.is_empty() {
                continue; // Tolerated blank line between messages.
            }
            break;
        }
        lines.push(text.to_string());
    }
    let mut lines = lines.into_iter();
    let start = lines.next().unwrap_or_default();
    let headers = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    Ok(Some(Head { start, headers }))
}

fn content_length(head: &Head) -> io::Result<usize> {
    match head.get("content-length") {
        None => Ok(0),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= MAX_BODY)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length")),
    }
}

/// The protocol of a request, which decides its operation and error shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    AwsQuery,
    AwsJson,
    RpcV2Cbor,
    RestJson,
}

struct Request {
    head: Head,
    body: Vec<u8>,
    scope: Scope,
    protocol: Protocol,
    operation: String,
}

impl Request {
    fn method(&self) -> &str {
        self.head.start.split(' ').next().unwrap_or("")
    }

    fn path(&self) -> &str {
        let target = self.head.start.split(' ').nth(1).unwrap_or("/");
        target.split('?').next().unwrap_or(target)
    }
}

fn scope_of(head: &Head) -> Scope {
    let unsigned = || Scope {
        region: "unsigned".into(),
        service: "unsigned".into(),
    };
    let Some(auth) = head.get("authorization") else {
        return unsigned();
    };
    let Some((_, after)) = auth.split_once("Credential=") else {
        return unsigned();
    };
    let credential = after.split([',', ' ']).next().unwrap_or("");
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [_, _, region, service, "aws4_request"] => Scope {
            region: region.to_string(),
            service: service.to_string(),
        },
        _ => unsigned(),
    }
}

fn protocol_of(head: &Head) -> Protocol {
    let content_type = head.get("content-type").unwrap_or("");
    if head
        .get("smithy-protocol")
        .is_some_and(|p| p.eq_ignore_ascii_case("rpc-v2-cbor"))
    {
        Protocol::RpcV2Cbor
    } else if head.get("x-amz-target").is_some() {
        Protocol::AwsJson
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        Protocol::AwsQuery
    } else {
        Protocol::RestJson
    }
}

fn operation_of(req: &Request) -> String {
    match req.protocol {
        Protocol::AwsJson => req
            .head
            .get("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or("")
            .to_string(),
        Protocol::RpcV2Cbor => req
            .path()
            .rsplit_once("/operation/")
            .map(|(_, op)| op.to_string())
            .unwrap_or_else(|| req.path().to_string()),
        Protocol::AwsQuery => String::from_utf8_lossy(&req.body)
            .split('&')
            .find_map(|pair| pair.strip_prefix("Action="))
            .unwrap_or("")
            .to_string(),
        Protocol::RestJson => rest_operation(req.method(), req.path()),
    }
}

/// The Backup calls the tests and drconsole make, by method and path shape;
/// anything else is `METHOD /path`.
fn rest_operation(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let name = match (method, segments.as_slice()) {
        ("GET", ["backup-vaults"]) => "ListBackupVaults",
        ("PUT", ["backup-vaults", _]) => "CreateBackupVault",
        ("GET", ["backup-vaults", _]) => "DescribeBackupVault",
        ("DELETE", ["backup-vaults", _]) => "DeleteBackupVault",
        ("GET", ["backup-vaults", _, "recovery-points"]) => "ListRecoveryPointsByBackupVault",
        ("GET", ["backup-vaults", _, "recovery-points", _]) => "DescribeRecoveryPoint",
        ("GET", ["backup-jobs"]) => "ListBackupJobs",
        ("PUT", ["backup-jobs"]) => "StartBackupJob",
        ("GET", ["restore-jobs"]) => "ListRestoreJobs",
        ("GET", ["copy-jobs"]) => "ListCopyJobs",
        ("GET", ["backup", "plans"]) => "ListBackupPlans",
        _ => return format!("{method} {path}"),
    };
    name.to_string()
}

async fn read_request(r: &mut BufReader<OwnedReadHalf>) -> io::Result<Option<Request>> {
    let Some(head) = read_head(r).await? else {
        return Ok(None);
    };
    if head.has_token("transfer-encoding", "chunked") {
        // The SDK sends these services' bodies with a Content-Length.
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "chunked request bodies are not supported",
        ));
    }
    let mut body = vec![0; content_length(&head)?];
    r.read_exact(&mut body).await?;
    let scope = scope_of(&head);
    let protocol = protocol_of(&head);
    let mut req = Request {
        head,
        body,
        scope,
        protocol,
        operation: String::new(),
    };
    req.operation = operation_of(&req);
    Ok(Some(req))
}

/// One upstream connection, kept while the emulator keeps it alive.
struct Upstream {
    authority: String,
    io: BufReader<TcpStream>,
}

/// Serves one client connection: requests in turn, while both sides keep
/// it alive. Any error ends the connection, which is what a client sees of
/// a broken server anyway.
async fn serve(client: TcpStream, state: Arc<State>) {
    let (read, mut write) = client.into_split();
    let mut read = BufReader::new(read);
    let mut upstream: Option<Upstream> = None;
    let mut generation = state.generation.subscribe();
    loop {
        let req = match read_request(&mut read).await {
            Ok(Some(req)) => req,
            Ok(None) => return,
            Err(err) => {
                let _ = write
                    .write_all(&plain(400, "Bad Request", &err.to_string(), true))
                    .await;
                return;
            }
        };
        let _flight = InFlight::enter(&state, &req.scope, &req.operation);
        let mut fault = state.fault_for(&req.scope);
        generation.mark_unchanged();
        while fault == Some(Fault::Hang) {
            let mut probe = [0u8; 1];
            tokio::select! {
                // Data, end or error: a client that waits for an answer
                // only closes, so any of these means it gave up.
                _ = read.read(&mut probe) => return,
                changed = generation.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    fault = state.fault_for(&req.scope);
                }
            }
        }
        let keep_alive = match fault {
            Some(Fault::Refuse) => return,
            Some(Fault::ServerError(status)) => {
                answer(
                    &mut write,
                    &error_answer(req.protocol, Injected::Server(status)),
                )
                .await
            }
            Some(Fault::Throttle) => {
                answer(
                    &mut write,
                    &error_answer(req.protocol, Injected::Throttling),
                )
                .await
            }
            Some(Fault::Latency(delay)) => {
                let mut probe = [0u8; 1];
                tokio::select! {
                    // As with a hang: a client that gave up is no longer in flight.
                    _ = read.read(&mut probe) => return,
                    () = tokio::time::sleep(delay) => {}
                }
                forward(&state, &req, &mut upstream, &mut write).await
            }
            Some(Fault::Hang) | None => forward(&state, &req, &mut upstream, &mut write).await,
        };
        if !keep_alive || req.head.has_token("connection", "close") {
            return;
        }
    }
}

async fn answer(write: &mut OwnedWriteHalf, bytes: &[u8]) -> bool {
    write.write_all(bytes).await.is_ok()
}

/// Forwards the request and streams the answer back; whether the client
/// connection can carry another request.
async fn forward(
    state: &State,
    req: &Request,
    upstream: &mut Option<Upstream>,
    write: &mut OwnedWriteHalf,
) -> bool {
    let authority = if req.scope.service == "monitoring" {
        &state.ministack
    } else {
        &state.moto
    };
    let head = req.head.encode(&[]);
    // A kept upstream connection may have been closed meanwhile: then the
    // request is sent once more on a fresh one.
    for _ in 0..2 {
        let reused = upstream.as_ref().is_some_and(|u| &u.authority == authority);
        if !reused {
            let Ok(stream) = TcpStream::connect(authority.as_str()).await else {
                // The emulator is down: the client sees what it would see.
                return false;
            };
            *upstream = Some(Upstream {
                authority: authority.clone(),
                io: BufReader::new(stream),
            });
        }
        let Some(up) = upstream.as_mut() else {
            return false;
        };
        let sent = async {
            up.io.get_mut().write_all(&head).await?;
            up.io.get_mut().write_all(&req.body).await?;
            read_head(&mut up.io).await
        }
        .await;
        match sent {
            Ok(Some(response)) => {
                return relay(req, response, upstream, write).await.unwrap_or(false);
            }
            Ok(None) | Err(_) if reused => *upstream = None,
            Ok(None) | Err(_) => return false,
        }
    }
    false
}

/// Streams one answer from upstream to the client, framed as upstream framed
/// it; whether the client connection can carry another request.
async fn relay(
    req: &Request,
    response: Head,
    upstream: &mut Option<Upstream>,
    write: &mut OwnedWriteHalf,
) -> io::Result<bool> {
    let Some(up) = upstream.as_mut() else {
        return Ok(false);
    };
    let status: u16 = response
        .start
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let bodiless = req.method() == "HEAD" || status < 200 || status == 204 || status == 304;
    let chunked = response.has_token("transfer-encoding", "chunked");
    let length = response.get("content-length").map(str::to_string);
    let upstream_closes = response.has_token("connection", "close");
    // Without a length, the body ends when upstream closes; so must the
    // client connection.
    let close_delimited = !bodiless && !chunked && length.is_none();
    let extra: &[(&str, &str)] = if close_delimited {
        &[("Connection", "close")]
    } else {
        &[]
    };
    write.write_all(&response.encode(extra)).await?;
    if bodiless {
    } else if chunked {
        copy_chunked(&mut up.io, write).await?;
    } else if let Some(length) = length {
        let n = length
            .parse::<u64>()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad Content-Length"))?;
        let copied = tokio::io::copy(&mut (&mut up.io).take(n), write).await?;
        if copied != n {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    } else {
        tokio::io::copy(&mut up.io, write).await?;
    }
    if upstream_closes || close_delimited {
        *upstream = None;
    }
    Ok(!close_delimited)
}

/// Copies a chunked body verbatim, through its last chunk and trailers.
async fn copy_chunked<R, W>(r: &mut R, w: &mut W) -> io::Result<()>
where
    R: AsyncBufReadExt + AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        w.write_all(&line).await?;
        let text = String::from_utf8_lossy(&line);
        let size = text.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size, 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
        if size == 0 {
            // Trailers, then the empty line.
            loop {
                let mut line = Vec::new();
                if r.read_until(b'\n', &mut line).await? == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                w.write_all(&line).await?;
                if line == b"\r\n" || line == b"\n" {
                    return Ok(());
                }
            }
        }
        let want = size.saturating_add(2); // The chunk and its CRLF.
        let copied = tokio::io::copy(&mut (&mut *r).take(want), w).await?;
        if copied != want {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

fn plain(status: u16, reason: &str, text: &str, close: bool) -> Vec<u8> {
    let connection = if close { "Connection: close\r\n" } else { "" };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n{connection}\r\n{text}",
        text.len()
    )
    .into_bytes()
}

/// An error answer the proxy makes up.
#[derive(Debug, Clone, Copy)]
enum Injected {
    Throttling,
    Server(u16),
}

/// The answer a service gives for this error, in its protocol's shape.
fn error_answer(protocol: Protocol, injected: Injected) -> Vec<u8> {
    let (throttle, status) = match injected {
        Injected::Throttling => (true, 0),
        Injected::Server(status) => (false, status),
    };
    let (code, query_code, fault_type, message) = if throttle {
        (
            "ThrottlingException",
            "Throttling",
            "Sender",
            "Rate exceeded".to_string(),
        )
    } else if status == 503 {
        (
            "ServiceUnavailable",
            "ServiceUnavailable",
            "Receiver",
            "Injected by the fault proxy: HTTP 503".to_string(),
        )
    } else {
        (
            "InternalFailure",
            "InternalFailure",
            "Receiver",
            format!("Injected by the fault proxy: HTTP {status}"),
        )
    };
    let request_id = "00000000-0000-4000-8000-fa0170000000";
    let (status, content_type, extra, body): (u16, &str, Vec<(&str, String)>, Vec<u8>) =
        match protocol {
            Protocol::AwsQuery => (
                if throttle { 400 } else { status },
                "text/xml",
                vec![],
                format!(
                    "<ErrorResponse><Error><Type>{fault_type}</Type><Code>{query_code}</Code>\
                     <Message>{message}</Message></Error><RequestId>{request_id}</RequestId>\
                     </ErrorResponse>"
                )
                .into_bytes(),
            ),
            Protocol::AwsJson => (
                if throttle { 400 } else { status },
                "application/x-amz-json-1.1",
                vec![],
                format!(r#"{{"__type":"{code}","message":"{message}"}}"#).into_bytes(),
            ),
            Protocol::RestJson => (
                if throttle { 429 } else { status },
                "application/json",
                vec![("x-amzn-errortype", code.to_string())],
                format!(r#"{{"message":"{message}"}}"#).into_bytes(),
            ),
            // CloudWatch is awsQueryCompatible: the query code rides in a
            // header and wins over `__type`.
            Protocol::RpcV2Cbor => (
                if throttle { 400 } else { status },
                "application/cbor",
                vec![
                    ("smithy-protocol", "rpc-v2-cbor".to_string()),
                    ("x-amzn-query-error", format!("{query_code};{fault_type}")),
                ],
                cbor_map(&[("__type", code), ("message", &message)]),
            ),
        };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         x-amzn-RequestId: {request_id}\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&body);
    out
}

/// A definite-length CBOR map of text strings (RFC 8949 major types 3 and 5).
fn cbor_map(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    cbor_head(&mut out, 5, entries.len());
    for (key, value) in entries {
        for text in [key, value] {
            cbor_head(&mut out, 3, text.len());
            out.extend_from_slice(text.as_bytes());
        }
    }
    out
}

fn cbor_head(out: &mut Vec<u8>, major: u8, len: usize) {
    let major = major << 5;
    match (u8::try_from(len), u16::try_from(len)) {
        (Ok(n), _) if n < 24 => out.push(major | n),
        (Ok(n), _) => out.extend_from_slice(&[major | 24, n]),
        (_, Ok(n)) => {
            out.push(major | 25);
            out.extend_from_slice(&n.to_be_bytes());
        }
        _ => {
            out.push(major | 26);
            out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
        }
    }
}
