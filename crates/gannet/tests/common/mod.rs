//! Shared helpers for the end-to-end tests: start the real `gannet` binary on an ephemeral port,
//! build `aws-sdk-dynamodb` clients for it, and send raw HTTP for what the SDK refuses to send.
//!
//! Every test starts its own server (a process start is a few milliseconds), so tests are
//! independent and can run in parallel.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::config::retry::RetryConfig;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::oneshot;

pub const BIN: &str = env!("CARGO_BIN_EXE_gannet");
pub const REGION: &str = "us-east-1";
pub const ACCOUNT_ID: &str = "123456789012";
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A SigV4-shaped Authorization header: by default the server accepts any well-formed one.
pub const FAKE_AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

pub const VALIDATION: &str = "ValidationException";
pub const NOT_FOUND: &str = "ResourceNotFoundException";
pub const IN_USE: &str = "ResourceInUseException";
pub const KEY_MISMATCH: &str = "The provided key element does not match the schema";

/// Where a server keeps its data.
pub enum Storage {
    InMemory,
    /// A fresh temporary directory, removed when the `Server` is dropped.
    TempDir,
    /// A directory the test owns (for restarts on the same data).
    Dir(PathBuf),
}

/// One running `gannet serve` process; killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    pub data_dir: Option<PathBuf>,
    log: Arc<Mutex<Vec<String>>>,
    _tmp: Option<tempfile::TempDir>,
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The address in a `... listening on http://ADDR ...` log line.
pub fn parse_listening(line: &str) -> Option<String> {
    let rest = line.split("listening on http://").nth(1)?;
    let addr: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
    (!addr.is_empty()).then_some(addr)
}

impl Server {
    /// An in-memory server with default flags.
    pub async fn start() -> Server {
        Self::start_with(Storage::InMemory, &[]).await
    }

    /// A server on a fresh temporary data directory (default durability: sync).
    pub async fn start_on_disk() -> Server {
        Self::start_with(Storage::TempDir, &[]).await
    }

    /// A server on `dir` (kept after the server stops, for restarts).
    pub async fn start_on(dir: &Path) -> Server {
        Self::start_with(Storage::Dir(dir.to_path_buf()), &[]).await
    }

    pub async fn start_with(storage: Storage, extra_args: &[&str]) -> Server {
        let mut args: Vec<String> = vec!["serve".into(), "--listen".into(), "127.0.0.1:0".into()];
        let mut tmp = None;
        let data_dir = match storage {
            Storage::InMemory => {
                args.push("--in-memory".into());
                None
            }
            Storage::TempDir => {
                let t = tempfile::tempdir().expect("tempdir");
                let p = t.path().join("data");
                tmp = Some(t);
                Some(p)
            }
            Storage::Dir(p) => Some(p),
        };
        if let Some(dir) = &data_dir {
            args.push("--data-dir".into());
            args.push(dir.display().to_string());
        }
        // Region and account id named in ARNs: pinned unless a test picks its own.
        if !extra_args.contains(&"--region") {
            args.extend(["--region".into(), REGION.into()]);
        }
        if !extra_args.contains(&"--account-id") {
            args.extend(["--account-id".into(), ACCOUNT_ID.into()]);
        }
        args.extend(extra_args.iter().map(|s| s.to_string()));

        let mut child = Command::new(BIN)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));

        let stderr = child.stderr.take().expect("stderr piped");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = oneshot::channel::<String>();
        let drain_log = log.clone();
        // Keep reading stderr for the whole life of the process, so its pipe never fills.
        tokio::spawn(async move {
            let mut tx = Some(tx);
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let line = strip_ansi(&line);
                if tx.is_some()
                    && let Some(addr) = parse_listening(&line)
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(addr);
                }
                let mut log = drain_log.lock().unwrap();
                if log.len() > 5000 {
                    log.drain(..1000);
                }
                log.push(line);
            }
        });

        let addr = match tokio::time::timeout(STARTUP_TIMEOUT, rx).await {
            Ok(Ok(addr)) => addr,
            other => {
                let _ = child.start_kill();
                let status = child.wait().await.ok();
                // Give the drain task a moment to collect the last lines.
                tokio::time::sleep(Duration::from_millis(100)).await;
                let tail = log.lock().unwrap().join("\n");
                panic!(
                    "gannet did not report `listening on http://` ({}); args {args:?}; exit {status:?}; stderr:\n{tail}",
                    if other.is_err() {
                        "timed out"
                    } else {
                        "stderr closed"
                    }
                );
            }
        };
        Server {
            child,
            endpoint: format!("http://{addr}"),
            addr,
            data_dir,
            log,
            _tmp: tmp,
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id().expect("process still running") as i32
    }

    pub fn log_tail(&self, n: usize) -> String {
        let log = self.log.lock().unwrap();
        log[log.len().saturating_sub(n)..].join("\n")
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// An SDK client for this server (no retries, so every error is what the server said).
    pub async fn client(&self) -> Client {
        client_for(&self.endpoint).await
    }

    /// SIGKILL: the process gets no chance to flush anything.
    pub async fn kill9(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// Sends `signal` (a name such as "TERM" or "INT") and waits up to `timeout` for the
    /// process to exit. Uses the shell's `kill` builtin, so no extra dependency is needed.
    pub async fn stop(&mut self, signal: &str, timeout: Duration) -> ExitStatus {
        let pid = self.pid();
        let status = std::process::Command::new("sh")
            .args(["-c", &format!("kill -{signal} {pid}")])
            .status()
            .expect("run sh -c kill");
        assert!(status.success(), "kill -{signal} {pid} failed");
        match tokio::time::timeout(timeout, self.child.wait()).await {
            Ok(status) => status.expect("wait"),
            Err(_) => {
                let tail = self.log_tail(30);
                let _ = self.child.start_kill();
                panic!("server did not exit within {timeout:?} of SIG{signal}; stderr:\n{tail}");
            }
        }
    }

    /// SIGTERM, and wait (up to 30 s) for the exit; callers assert how long it took.
    pub async fn terminate(&mut self) -> ExitStatus {
        self.stop("TERM", Duration::from_secs(30)).await
    }

    pub async fn raw(&self, target: Option<&str>, body: impl Into<Vec<u8>>) -> RawResponse {
        raw_request(&self.endpoint, target, body.into(), true, &[]).await
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

pub async fn client_for(endpoint: &str) -> Client {
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"))
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_timeout(Duration::from_secs(60))
                .build(),
        )
        .load()
        .await;
    Client::new(&conf)
}

// --- errors ----------------------------------------------------------------------------------

/// What the server answered for a failed SDK call.
#[derive(Debug, Clone)]
pub struct ServiceErr {
    pub code: String,
    pub message: String,
    pub status: u16,
}

/// The service error of a call that must fail (panics on success or on a transport error).
#[track_caller]
pub fn service_err<T: Debug, E: ProvideErrorMetadata + Debug>(
    res: Result<T, SdkError<E, HttpResponse>>,
) -> ServiceErr {
    match res {
        Ok(v) => panic!("expected an error, got success: {v:?}"),
        Err(SdkError::ServiceError(ctx)) => {
            let status = ctx.raw().status().as_u16();
            let err = ctx.err();
            ServiceErr {
                code: err.code().unwrap_or_default().to_string(),
                message: err.message().unwrap_or_default().to_string(),
                status,
            }
        }
        Err(other) => panic!("expected a service error, got {other:?}"),
    }
}

/// Asserts error code and exact message, and that it is a 4xx.
#[track_caller]
pub fn assert_err<T: Debug, E: ProvideErrorMetadata + Debug>(
    res: Result<T, SdkError<E, HttpResponse>>,
    code: &str,
    message: &str,
) {
    let e = service_err(res);
    assert_eq!(e.code, code, "error code (message {:?})", e.message);
    assert_eq!(e.message, message, "error message");
    assert!(
        (400..500).contains(&e.status),
        "status {} for {code}",
        e.status
    );
}

/// Asserts error code, that the message contains `part`, and that it is a 4xx.
#[track_caller]
pub fn assert_err_contains<T: Debug, E: ProvideErrorMetadata + Debug>(
    res: Result<T, SdkError<E, HttpResponse>>,
    code: &str,
    part: &str,
) {
    let e = service_err(res);
    assert_eq!(e.code, code, "error code (message {:?})", e.message);
    assert!(
        e.message.contains(part),
        "message {:?} does not contain {part:?}",
        e.message
    );
    assert!(
        (400..500).contains(&e.status),
        "status {} for {code}",
        e.status
    );
}

// --- raw HTTP --------------------------------------------------------------------------------

#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The `__type` of an error body.
    pub fn error_type(&self) -> String {
        self.json()["__type"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn message(&self) -> String {
        let j = self.json();
        j.get("message")
            .or_else(|| j.get("Message"))
            .and_then(|m| m.as_str())
            .unwrap_or_default()
            .to_string()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ascii header").to_string())
    }
}

/// POST / with DynamoDB's JSON protocol headers (and the fake SigV4 header when `auth`).
pub async fn raw_request(
    endpoint: &str,
    target: Option<&str>,
    body: Vec<u8>,
    auth: bool,
    extra_headers: &[(&str, &str)],
) -> RawResponse {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let mut req = http
        .post(format!("{endpoint}/"))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Date", "20260101T000000Z")
        .body(body);
    if let Some(t) = target {
        req = req.header("X-Amz-Target", t);
    }
    if auth {
        req = req.header("Authorization", FAKE_AUTH);
    }
    for (k, v) in extra_headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("raw request failed");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.expect("read body").to_vec();
    RawResponse {
        status,
        headers,
        body,
    }
}

// --- tables and items ------------------------------------------------------------------------

pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}_{}_{nanos}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub fn attr_def(name: &str, ty: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ty)
        .build()
        .unwrap()
}

pub fn key_elem(name: &str, ty: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(ty)
        .build()
        .unwrap()
}

/// Creates a PAY_PER_REQUEST table: hash key `pk` of type `hash`, optional range key `sk`.
pub async fn create_table(
    client: &Client,
    name: &str,
    hash: ScalarAttributeType,
    range: Option<ScalarAttributeType>,
) {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr_def("pk", hash))
        .key_schema(key_elem("pk", KeyType::Hash));
    if let Some(r) = range {
        req = req
            .attribute_definitions(attr_def("sk", r))
            .key_schema(key_elem("sk", KeyType::Range));
    }
    req.send().await.expect("create_table");
}

pub fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

pub fn n(v: &str) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub fn b(v: &[u8]) -> AttributeValue {
    AttributeValue::B(Blob::new(v.to_vec()))
}

pub fn item(pairs: &[(&str, AttributeValue)]) -> HashMap<String, AttributeValue> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// CRC32 (IEEE, as in zlib and `x-amz-crc32`), bit by bit: small and dependency-free.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// A pseudo-random u64 without extra dependencies (seeded by the std hasher's random keys).
pub fn random_u64() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    h.finish()
}
