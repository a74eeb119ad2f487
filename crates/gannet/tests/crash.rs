//! Durability: `kill -9` in the middle of a concurrent write load must not lose any write that
//! was acknowledged; SIGTERM must shut down cleanly and keep everything.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ScalarAttributeType, TableStatus};
use common::*;

const WRITERS: usize = 16;
const ROUNDS: usize = 4;

/// (key, value) of an acknowledged write.
type Ack = (String, String);

fn value_for(key: &str, nonce: u64) -> String {
    format!("{key}:{nonce:016x}")
}

/// Writes distinct keys until `stop` is set or the server goes away; returns what was acked.
async fn writer(c: Client, round: usize, w: usize, nonce: u64, stop: Arc<AtomicBool>) -> Vec<Ack> {
    let mut acked = Vec::new();
    let mut seq = 0u64;
    let mut consecutive_errors = 0;
    while !stop.load(Ordering::Relaxed) {
        let key = format!("r{round}-w{w}-{seq}");
        let value = value_for(&key, nonce);
        seq += 1;
        let res = c
            .put_item()
            .table_name("crash")
            .item("pk", s(&key))
            .item("v", s(&value))
            .item("n", n(&seq.to_string()))
            .item("b", b(key.as_bytes()))
            .send()
            .await;
        match res {
            Ok(_) => {
                consecutive_errors = 0;
                acked.push((key, value));
            }
            Err(_) => {
                // Expected once the server is killed; before that, a few errors are tolerated
                // (they are simply not acknowledged writes).
                consecutive_errors += 1;
                if consecutive_errors > 50 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    acked
}

/// Every acknowledged write is there, with its value (strongly consistent reads).
async fn verify(c: &Client, acked: &[Ack]) {
    let chunks: Vec<Vec<Ack>> = acked
        .chunks(acked.len().div_ceil(8).max(1))
        .map(|c| c.to_vec())
        .collect();
    let mut tasks = Vec::new();
    for chunk in chunks {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let mut missing = Vec::new();
            for (key, value) in chunk {
                let got = c
                    .get_item()
                    .table_name("crash")
                    .key("pk", s(&key))
                    .consistent_read(true)
                    .send()
                    .await
                    .expect("get_item after restart");
                match got.item().and_then(|i| i.get("v")) {
                    Some(AttributeValue::S(v)) if *v == value => {
                        let it = got.item().unwrap();
                        assert_eq!(it.get("b"), Some(&b(key.as_bytes())), "{key}: b");
                    }
                    other => missing.push(format!("{key}: expected {value:?}, got {other:?}")),
                }
            }
            missing
        }));
    }
    let mut missing = Vec::new();
    for t in tasks {
        missing.extend(t.await.unwrap());
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged writes lost or wrong after kill -9, e.g.:\n{}",
        missing.len(),
        acked.len(),
        missing
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9() {
    kill_9_rounds(&[]).await;
}

/// With a 1 MiB memtable the load keeps flushing table files and rotating the journal, so the
/// kills also land in the middle of those.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9_during_memtable_flushes() {
    kill_9_rounds(&["--memtable-mb", "1"]).await;
}

async fn kill_9_rounds(server_args: &[&str]) {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut all_acked: Vec<Ack> = Vec::new();
    let mut table_id: Option<String> = None;

    for round in 0..ROUNDS {
        let mut server = Server::start_with(Storage::Dir(data.clone()), server_args).await;
        let c = server.client().await;
        if round == 0 {
            create_table(&c, "crash", ScalarAttributeType::S, None).await;
        }
        // The table itself survived every previous crash, unchanged.
        let t = c.describe_table().table_name("crash").send().await.unwrap();
        let t = t.table().unwrap();
        assert_eq!(t.table_status(), Some(&TableStatus::Active));
        match &table_id {
            None => table_id = t.table_id().map(str::to_string),
            Some(id) => assert_eq!(t.table_id(), Some(id.as_str()), "table id changed"),
        }
        // Everything acknowledged in earlier rounds is still there.
        verify(&c, &all_acked).await;

        let stop = Arc::new(AtomicBool::new(false));
        let nonce = random_u64();
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let c = server.client().await;
            writers.push(tokio::spawn(writer(c, round, w, nonce, stop.clone())));
        }
        let delay = Duration::from_millis(300 + random_u64() % 1200);
        tokio::time::sleep(delay).await;
        server.kill9().await;
        stop.store(true, Ordering::Relaxed);

        let mut round_acked = Vec::new();
        for w in writers {
            round_acked.extend(w.await.unwrap());
        }
        assert!(
            !round_acked.is_empty(),
            "round {round}: no write was acknowledged in {delay:?}"
        );
        eprintln!(
            "round {round}: killed after {delay:?}, {} writes acknowledged",
            round_acked.len()
        );
        all_acked.extend(round_acked);
    }

    let server = Server::start_with(Storage::Dir(data.clone()), server_args).await;
    let c = server.client().await;
    verify(&c, &all_acked).await;
    eprintln!(
        "{} acknowledged writes verified after {ROUNDS} crashes in {:?}",
        all_acked.len(),
        started.elapsed()
    );
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "crash test too slow"
    );
}

#[tokio::test]
async fn sigterm_exits_cleanly_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = Server::start_on(&data).await;
    let c = server.client().await;
    create_table(&c, "kept", ScalarAttributeType::S, None).await;
    for i in 0..50 {
        c.put_item()
            .table_name("kept")
            .item("pk", s(&format!("k{i}")))
            .item("n", n(&i.to_string()))
            .send()
            .await
            .unwrap();
    }
    c.delete_item()
        .table_name("kept")
        .key("pk", s("k0"))
        .send()
        .await
        .unwrap();
    let start = Instant::now();
    let status = server.terminate().await;
    assert!(
        status.success(),
        "exit status {status:?}:\n{}",
        server.log_tail(30)
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "shutdown took {:?}",
        start.elapsed()
    );

    let server = Server::start_on(&data).await;
    let c = server.client().await;
    let tables = c.list_tables().send().await.unwrap();
    assert_eq!(tables.table_names(), &["kept".to_string()]);
    let got = c
        .get_item()
        .table_name("kept")
        .key("pk", s("k0"))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    assert!(got.item().is_none(), "deleted item came back");
    for i in 1..50 {
        let got = c
            .get_item()
            .table_name("kept")
            .key("pk", s(&format!("k{i}")))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert_eq!(
            got.item(),
            Some(&item(&[
                ("pk", s(&format!("k{i}"))),
                ("n", n(&i.to_string()))
            ])),
            "k{i}"
        );
    }
}

#[tokio::test]
async fn sigint_exits_cleanly_with_buffered_durability() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server =
        Server::start_with(Storage::Dir(data.clone()), &["--durability", "buffered"]).await;
    let c = server.client().await;
    create_table(&c, "buf", ScalarAttributeType::S, None).await;
    for i in 0..100 {
        c.put_item()
            .table_name("buf")
            .item("pk", s(&format!("k{i}")))
            .send()
            .await
            .unwrap();
    }
    let status = server.stop("INT", Duration::from_secs(30)).await;
    assert!(
        status.success(),
        "exit status {status:?}:\n{}",
        server.log_tail(30)
    );

    let server = Server::start_on(&data).await;
    let c = server.client().await;
    for i in 0..100 {
        let got = c
            .get_item()
            .table_name("buf")
            .key("pk", s(&format!("k{i}")))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert!(got.item().is_some(), "k{i} lost after a clean shutdown");
    }
}
