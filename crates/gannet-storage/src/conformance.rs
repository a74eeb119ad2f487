//! One behavioural suite that every backend must pass. Each test is written once against
//! `SharedEngine` and instantiated per backend by `suite!`; fjall-only properties (reopen,
//! crash recovery) follow at the end.

use std::collections::BTreeMap;
use std::ops::{Bound, ControlFlow};
use std::sync::Arc;
use std::time::Duration;

use crate::fjall_engine::{FjallConfig, FjallEngine};
use crate::memory::MemoryEngine;
use crate::{
    Direction, Durability, Engine, KeyRange, MAX_KEY_LEN, SharedEngine, StorageError, WriteBatch,
    WriteOp,
};

/// An engine plus whatever must outlive it (fields drop in order: engine first).
struct Backend {
    engine: SharedEngine,
    _dir: Option<tempfile::TempDir>,
}

fn memory() -> Backend {
    Backend {
        engine: Arc::new(MemoryEngine::new()),
        _dir: None,
    }
}

fn fjall(durability: Durability) -> Backend {
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = FjallEngine::open(dir.path(), durability).expect("open fjall");
    Backend {
        engine: Arc::new(engine),
        _dir: Some(dir),
    }
}

fn fjall_sync() -> Backend {
    fjall(Durability::Sync)
}

fn fjall_buffered() -> Backend {
    fjall(Durability::Buffered)
}

macro_rules! suite {
    ($($test:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let backend = super::memory();
                    super::$test(backend.engine.clone()).await;
                }
            )*
        }
        mod fjall_sync {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let backend = super::fjall_sync();
                    super::$test(backend.engine.clone()).await;
                }
            )*
        }
        mod fjall_buffered {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let backend = super::fjall_buffered();
                    super::$test(backend.engine.clone()).await;
                }
            )*
        }
    };
}

suite!(
    put_get_delete,
    overwrite,
    empty_keys_are_rejected,
    batch_is_atomic,
    batch_ops_apply_in_order,
    delete_range,
    visit_bounds_match_model,
    visit_stops_on_break,
    prefix_ranges,
    inverted_ranges_are_empty,
    oversized_keys_are_rejected,
    visit_is_a_snapshot,
    concurrent_commits_all_land,
    queued_commits_apply_in_submission_order,
    dropped_commit_future_still_commits,
    flush_succeeds,
);

fn key(i: usize) -> Vec<u8> {
    format!("k{i:06}").into_bytes()
}

async fn put(engine: &dyn Engine, key: &[u8], value: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.put(key.to_vec(), value.to_vec());
    engine.commit(batch).await.expect("commit put");
}

async fn delete(engine: &dyn Engine, key: &[u8]) {
    let mut batch = WriteBatch::new();
    batch.delete(key.to_vec());
    engine.commit(batch).await.expect("commit delete");
}

fn collect(engine: &dyn Engine, range: &KeyRange, direction: Direction) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut seen = Vec::new();
    engine
        .visit(range, direction, &mut |k, v| {
            seen.push((k.to_vec(), v.to_vec()));
            ControlFlow::Continue(())
        })
        .expect("visit");
    seen
}

fn keys(engine: &dyn Engine, range: &KeyRange, direction: Direction) -> Vec<Vec<u8>> {
    collect(engine, range, direction)
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

fn all(engine: &dyn Engine) -> Vec<(Vec<u8>, Vec<u8>)> {
    collect(engine, &KeyRange::all(), Direction::Forward)
}

async fn put_get_delete(engine: SharedEngine) {
    let engine = engine.as_ref();
    assert_eq!(engine.get(b"a").expect("get"), None);
    put(engine, b"a", b"1").await;
    put(engine, b"b", b"2").await;
    assert_eq!(engine.get(b"a").expect("get"), Some(b"1".to_vec()));
    assert_eq!(engine.get(b"b").expect("get"), Some(b"2".to_vec()));
    delete(engine, b"a").await;
    assert_eq!(engine.get(b"a").expect("get"), None);
    assert_eq!(engine.get(b"b").expect("get"), Some(b"2".to_vec()));
    // Deleting what is absent is fine.
    delete(engine, b"never").await;
    assert_eq!(all(engine), vec![(b"b".to_vec(), b"2".to_vec())]);
}

async fn overwrite(engine: SharedEngine) {
    let engine = engine.as_ref();
    put(engine, b"k", b"first").await;
    put(engine, b"k", b"second, and longer").await;
    assert_eq!(
        engine.get(b"k").expect("get"),
        Some(b"second, and longer".to_vec())
    );
    put(engine, b"k", b"").await;
    assert_eq!(engine.get(b"k").expect("get"), Some(Vec::new()));
    assert_eq!(all(engine).len(), 1);
}

async fn empty_keys_are_rejected(engine: SharedEngine) {
    let engine = engine.as_ref();
    put(engine, b"\0", b"zero").await;
    put(engine, b"a", b"").await;
    for batch in [
        WriteBatch {
            ops: vec![
                WriteOp::Put {
                    key: b"innocent".to_vec(),
                    value: b"v".to_vec(),
                },
                WriteOp::Put {
                    key: Vec::new(),
                    value: b"v".to_vec(),
                },
            ],
        },
        WriteBatch {
            ops: vec![WriteOp::Delete { key: Vec::new() }],
        },
    ] {
        let err = engine.commit(batch).await.expect_err("empty key");
        assert!(matches!(err, StorageError::EmptyKey), "{err:?}");
    }
    assert_eq!(engine.get(b"").expect("get"), None);
    assert_eq!(
        engine.get(b"innocent").expect("get"),
        None,
        "batch not atomic"
    );
    // The engine still works, and an empty bound is fine in ranges.
    assert_eq!(engine.get(b"\0").expect("get"), Some(b"zero".to_vec()));
    assert_eq!(
        keys(engine, &KeyRange::prefix(b""), Direction::Forward),
        vec![b"\0".to_vec(), b"a".to_vec()]
    );
    let mut batch = WriteBatch::new();
    batch.delete_range(Vec::new(), b"a".to_vec());
    engine
        .commit(batch)
        .await
        .expect("range from the empty key");
    assert_eq!(all(engine), vec![(b"a".to_vec(), Vec::new())]);
}

/// Readers racing a stream of ten-key batches must never see a batch half applied.
async fn batch_is_atomic(engine: SharedEngine) {
    const KEYS: usize = 10;
    const ROUNDS: usize = 200;
    let writer = {
        let engine = engine.clone();
        tokio::spawn(async move {
            for round in 0..ROUNDS {
                let mut batch = WriteBatch::new();
                for i in 0..KEYS {
                    batch.put(key(i), round.to_string().into_bytes());
                }
                // Every other round also removes a key, so counts vary too.
                if round % 2 == 1 {
                    batch.delete(key(KEYS - 1));
                }
                engine.commit(batch).await.expect("commit");
            }
        })
    };
    let reader = {
        let engine = engine.clone();
        tokio::task::spawn_blocking(move || {
            let mut checks = 0;
            loop {
                let seen = all(engine.as_ref());
                let finished = seen
                    .first()
                    .is_some_and(|(_, v)| v == (ROUNDS - 1).to_string().as_bytes());
                if let Some((_, value)) = seen.first() {
                    assert!(seen.iter().all(|(_, v)| v == value), "torn batch: {seen:?}");
                    let round: usize = String::from_utf8_lossy(value).parse().expect("round");
                    let expected = if round % 2 == 1 { KEYS - 1 } else { KEYS };
                    assert_eq!(seen.len(), expected, "torn batch: {seen:?}");
                }
                checks += 1;
                if finished {
                    return checks;
                }
            }
        })
    };
    writer.await.expect("writer");
    let checks = reader.await.expect("reader");
    assert!(checks > 0);
}

async fn batch_ops_apply_in_order(engine: SharedEngine) {
    let engine = engine.as_ref();
    put(engine, b"stored", b"old").await;

    let mut batch = WriteBatch::new();
    batch.put(b"put-then-delete".to_vec(), b"x".to_vec());
    batch.delete(b"put-then-delete".to_vec());
    batch.delete(b"delete-then-put".to_vec());
    batch.put(b"delete-then-put".to_vec(), b"y".to_vec());
    batch.put(b"twice".to_vec(), b"1".to_vec());
    batch.put(b"twice".to_vec(), b"2".to_vec());
    batch.put(b"r-new".to_vec(), b"gone".to_vec());
    batch.delete_range(b"r".to_vec(), b"s".to_vec());
    batch.put(b"r-after".to_vec(), b"kept".to_vec());
    batch.delete(b"stored".to_vec());
    batch.put(b"stored".to_vec(), b"new".to_vec());
    engine.commit(batch).await.expect("commit");

    assert_eq!(
        all(engine),
        vec![
            (b"delete-then-put".to_vec(), b"y".to_vec()),
            (b"r-after".to_vec(), b"kept".to_vec()),
            (b"stored".to_vec(), b"new".to_vec()),
            (b"twice".to_vec(), b"2".to_vec()),
        ]
    );
}

async fn delete_range(engine: SharedEngine) {
    let engine = engine.as_ref();
    let mut batch = WriteBatch::new();
    for c in b'a'..=b'z' {
        batch.put(vec![c], vec![c]);
        batch.put(vec![c, 0], vec![c]);
    }
    engine.commit(batch).await.expect("commit");

    let mut batch = WriteBatch::new();
    batch.delete_range(b"c".to_vec(), b"f".to_vec());
    // Inverted, empty and vacant ranges are no-ops.
    batch.delete_range(b"x".to_vec(), b"m".to_vec());
    batch.delete_range(b"q".to_vec(), b"q".to_vec());
    batch.delete_range(b"zz".to_vec(), b"zzz".to_vec());
    engine.commit(batch).await.expect("commit");

    let left = keys(engine, &KeyRange::all(), Direction::Forward);
    assert!(left.contains(&b"b\0".to_vec()));
    assert!(!left.contains(&b"c".to_vec()));
    assert!(!left.contains(&b"e\0".to_vec()));
    assert!(left.contains(&b"f".to_vec()), "end is exclusive");
    assert_eq!(left.len(), 52 - 6);

    // A range delete alone in its batch, covering everything.
    let mut batch = WriteBatch::new();
    batch.delete_range(Vec::new(), vec![0xFF; 4]);
    engine.commit(batch).await.expect("commit");
    assert!(all(engine).is_empty());
}

fn bound_contains(start: &Bound<Vec<u8>>, end: &Bound<Vec<u8>>, key: &[u8]) -> bool {
    let above = match start {
        Bound::Included(s) => key >= s.as_slice(),
        Bound::Excluded(s) => key > s.as_slice(),
        Bound::Unbounded => true,
    };
    let below = match end {
        Bound::Included(e) => key <= e.as_slice(),
        Bound::Excluded(e) => key < e.as_slice(),
        Bound::Unbounded => true,
    };
    above && below
}

/// Every combination of Included/Excluded/Unbounded over present and absent keys, both ways.
async fn visit_bounds_match_model(engine: SharedEngine) {
    let stored: Vec<Vec<u8>> = vec![
        vec![0],
        vec![0, 0],
        vec![1],
        vec![1, 0],
        vec![1, 0xFF],
        vec![2],
        b"a".to_vec(),
        b"ab".to_vec(),
        b"b".to_vec(),
        vec![0xFF],
        vec![0xFF, 0xFF],
    ];
    let mut batch = WriteBatch::new();
    for k in &stored {
        batch.put(k.clone(), k.iter().rev().copied().collect());
    }
    engine.commit(batch).await.expect("commit");
    let model: BTreeMap<Vec<u8>, Vec<u8>> = stored
        .iter()
        .map(|k| (k.clone(), k.iter().rev().copied().collect()))
        .collect();

    let probes: Vec<Vec<u8>> = vec![
        vec![],
        vec![1],
        vec![1, 0],
        vec![1, 0x80],
        vec![2],
        b"aa".to_vec(),
        vec![0xFF],
        vec![0xFF, 0xFF, 0xFF],
    ];
    let mut bounds = vec![Bound::Unbounded];
    for p in &probes {
        bounds.push(Bound::Included(p.clone()));
        bounds.push(Bound::Excluded(p.clone()));
    }
    let mut checked = 0;
    for start in &bounds {
        for end in &bounds {
            let range = KeyRange {
                start: start.clone(),
                end: end.clone(),
            };
            let expected: Vec<(Vec<u8>, Vec<u8>)> = model
                .iter()
                .filter(|(k, _)| bound_contains(start, end, k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            assert_eq!(
                collect(engine.as_ref(), &range, Direction::Forward),
                expected,
                "forward {range:?}"
            );
            let reversed: Vec<_> = expected.into_iter().rev().collect();
            assert_eq!(
                collect(engine.as_ref(), &range, Direction::Reverse),
                reversed,
                "reverse {range:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, bounds.len() * bounds.len());
}

async fn visit_stops_on_break(engine: SharedEngine) {
    let mut batch = WriteBatch::new();
    for i in 0..10 {
        batch.put(key(i), vec![]);
    }
    engine.commit(batch).await.expect("commit");
    for (direction, expected) in [
        (Direction::Forward, vec![key(0), key(1), key(2)]),
        (Direction::Reverse, vec![key(9), key(8), key(7)]),
    ] {
        let mut seen = Vec::new();
        engine
            .visit(&KeyRange::all(), direction, &mut |k, _| {
                seen.push(k.to_vec());
                if seen.len() == 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .expect("visit");
        assert_eq!(seen, expected);
    }
}

async fn prefix_ranges(engine: SharedEngine) {
    let stored: Vec<Vec<u8>> = vec![
        vec![0x01],
        vec![0x01, 0xFE],
        vec![0x01, 0xFF],
        vec![0x01, 0xFF, 0x00],
        vec![0x01, 0xFF, 0xFF],
        vec![0x02],
        vec![0xFF],
        vec![0xFF, 0xFF],
        vec![0xFF, 0xFF, 0x01],
    ];
    let mut batch = WriteBatch::new();
    for k in &stored {
        batch.put(k.clone(), b"v".to_vec());
    }
    engine.commit(batch).await.expect("commit");

    let cases: Vec<(Vec<u8>, Vec<Vec<u8>>)> = vec![
        (vec![0x01], stored[..5].to_vec()),
        (vec![0x01, 0xFF], stored[2..5].to_vec()),
        (vec![0x01, 0xFF, 0xFF], stored[4..5].to_vec()),
        (vec![0xFF], stored[6..].to_vec()),
        (vec![0xFF, 0xFF], stored[7..].to_vec()),
        (vec![0xFF, 0xFF, 0xFF], vec![]),
        (vec![0x03], vec![]),
        (vec![], stored.clone()),
    ];
    for (prefix, expected) in cases {
        let range = KeyRange::prefix(&prefix);
        assert_eq!(
            keys(engine.as_ref(), &range, Direction::Forward),
            expected,
            "prefix {prefix:?}"
        );
        let reversed: Vec<_> = expected.into_iter().rev().collect();
        assert_eq!(
            keys(engine.as_ref(), &range, Direction::Reverse),
            reversed,
            "prefix {prefix:?} reversed"
        );
    }
}

async fn inverted_ranges_are_empty(engine: SharedEngine) {
    put(engine.as_ref(), b"m", b"").await;
    for range in [
        KeyRange {
            start: Bound::Included(b"z".to_vec()),
            end: Bound::Included(b"a".to_vec()),
        },
        KeyRange {
            start: Bound::Excluded(b"m".to_vec()),
            end: Bound::Excluded(b"m".to_vec()),
        },
        KeyRange {
            start: Bound::Included(b"m".to_vec()),
            end: Bound::Excluded(b"m".to_vec()),
        },
    ] {
        assert!(range.is_empty());
        for direction in [Direction::Forward, Direction::Reverse] {
            assert!(keys(engine.as_ref(), &range, direction).is_empty());
        }
    }
    let single = KeyRange {
        start: Bound::Included(b"m".to_vec()),
        end: Bound::Included(b"m".to_vec()),
    };
    assert_eq!(
        keys(engine.as_ref(), &single, Direction::Reverse),
        vec![b"m".to_vec()]
    );
}

async fn oversized_keys_are_rejected(engine: SharedEngine) {
    let longest = vec![7u8; MAX_KEY_LEN];
    put(engine.as_ref(), &longest, b"fits").await;
    assert_eq!(engine.get(&longest).expect("get"), Some(b"fits".to_vec()));

    let mut batch = WriteBatch::new();
    batch.put(b"innocent".to_vec(), b"v".to_vec());
    batch.put(vec![7u8; MAX_KEY_LEN + 1], b"v".to_vec());
    let err = engine.commit(batch).await.expect_err("too long");
    assert!(matches!(err, StorageError::KeyTooLarge(n) if n == MAX_KEY_LEN + 1));
    assert_eq!(
        engine.get(b"innocent").expect("get"),
        None,
        "batch not atomic"
    );
    assert_eq!(engine.get(&vec![7u8; MAX_KEY_LEN + 1]).expect("get"), None);
}

/// A visit's view is fixed when it starts. Returns whether the concurrent commit completed
/// while the visit was still running (a backend may instead make it wait for the visit).
async fn snapshot_visit_with_concurrent_commit(engine: SharedEngine) -> bool {
    let mut batch = WriteBatch::new();
    for i in 0..5 {
        batch.put(key(i), b"old".to_vec());
    }
    engine.commit(batch).await.expect("commit");
    let before = all(engine.as_ref());

    let (start_tx, start_rx) = std::sync::mpsc::channel::<()>();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let runtime = tokio::runtime::Handle::current();
    let writer = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            start_rx.recv().expect("start");
            let mut batch = WriteBatch::new();
            batch.put(key(2), b"new".to_vec());
            batch.delete(key(3));
            batch.delete_range(key(4), key(5));
            batch.put(key(9), b"new".to_vec());
            runtime.block_on(engine.commit(batch)).expect("commit");
            let _ = done_tx.send(());
        })
    };
    let visitor = engine.clone();
    let (seen, committed_during_visit) = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        let mut committed = false;
        visitor
            .visit(&KeyRange::all(), Direction::Forward, &mut |k, v| {
                if seen.is_empty() {
                    start_tx.send(()).expect("signal writer");
                    committed = done_rx.recv_timeout(Duration::from_secs(2)).is_ok();
                }
                seen.push((k.to_vec(), v.to_vec()));
                ControlFlow::Continue(())
            })
            .expect("visit");
        (seen, committed)
    })
    .await
    .expect("visitor");
    writer.join().expect("writer");

    assert_eq!(
        seen, before,
        "the visit saw a write committed after it started"
    );
    let after = keys(engine.as_ref(), &KeyRange::all(), Direction::Forward);
    assert_eq!(after, vec![key(0), key(1), key(2), key(9)]);
    assert_eq!(engine.get(&key(2)).expect("get"), Some(b"new".to_vec()));
    committed_during_visit
}

async fn visit_is_a_snapshot(engine: SharedEngine) {
    snapshot_visit_with_concurrent_commit(engine).await;
}

async fn concurrent_commits_all_land(engine: SharedEngine) {
    const TASKS: usize = 64;
    const PER_TASK: usize = 40;
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let engine = engine.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..PER_TASK {
                let mut batch = WriteBatch::new();
                batch.put(key(t * PER_TASK + i), t.to_le_bytes().to_vec());
                // A second key per batch, so groups mix multi-op batches too.
                batch.put(format!("t{t:03}").into_bytes(), i.to_le_bytes().to_vec());
                engine.commit(batch).await.expect("commit");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let seen = keys(engine.as_ref(), &KeyRange::prefix(b"k"), Direction::Forward);
    assert_eq!(seen, (0..TASKS * PER_TASK).map(key).collect::<Vec<_>>());
    for t in 0..TASKS {
        assert_eq!(
            engine.get(format!("t{t:03}").as_bytes()).expect("get"),
            Some((PER_TASK - 1).to_le_bytes().to_vec())
        );
    }
}

/// Commits submitted back to back (so a backend may group them) end in the state of applying
/// them one by one in submission order: overlapping puts, deletes and range deletes included.
async fn queued_commits_apply_in_submission_order(engine: SharedEngine) {
    let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut pending = Vec::new();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: u64| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % bound
    };
    for round in 0..400u64 {
        let mut batch = WriteBatch::new();
        for _ in 0..=next(6) {
            let k = key(next(40) as usize);
            match next(10) {
                0 => {
                    model.remove(&k);
                    batch.delete(k);
                }
                1 if round % 7 == 0 => {
                    let end = key(next(40) as usize);
                    model.retain(|key, _| !(key >= &k && key < &end));
                    batch.delete_range(k, end);
                }
                _ => {
                    let value = round.to_le_bytes().to_vec();
                    model.insert(k.clone(), value.clone());
                    batch.put(k, value);
                }
            }
        }
        pending.push(engine.commit(batch));
    }
    for commit in pending {
        commit.await.expect("commit");
    }
    assert_eq!(all(engine.as_ref()), model.into_iter().collect::<Vec<_>>());
}

async fn dropped_commit_future_still_commits(engine: SharedEngine) {
    let mut batch = WriteBatch::new();
    batch.put(b"fire".to_vec(), b"and forget".to_vec());
    drop(engine.commit(batch));
    // Commits apply in submission order, so once this one is acknowledged the first is in.
    put(engine.as_ref(), b"after", b"").await;
    assert_eq!(
        engine.get(b"fire").expect("get"),
        Some(b"and forget".to_vec())
    );
    // An empty batch is trivially done.
    engine.commit(WriteBatch::new()).await.expect("empty");
}

async fn flush_succeeds(engine: SharedEngine) {
    put(engine.as_ref(), b"a", b"1").await;
    engine.flush().expect("flush");
    assert_eq!(engine.get(b"a").expect("get"), Some(b"1".to_vec()));
}

mod fjall_only {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn visit_does_not_block_commits() {
        let backend = fjall_sync();
        assert!(snapshot_visit_with_concurrent_commit(backend.engine.clone()).await);
    }

    async fn write_history(engine: &dyn Engine) {
        for i in 0..300 {
            let mut batch = WriteBatch::new();
            batch.put(key(i), format!("v{i}").into_bytes());
            if i % 10 == 9 {
                batch.delete(key(i - 5));
            }
            engine.commit(batch).await.expect("commit");
        }
        let mut batch = WriteBatch::new();
        batch.delete_range(key(100), key(150));
        engine.commit(batch).await.expect("commit");
    }

    fn expected_history() -> Vec<(Vec<u8>, Vec<u8>)> {
        (0..300)
            .filter(|i| i % 10 != 4 && !(100..150).contains(i))
            .map(|i| (key(i), format!("v{i}").into_bytes()))
            .collect()
    }

    async fn reopen_keeps_everything(durability: Durability) {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let engine = FjallEngine::open(dir.path(), durability).expect("open");
            write_history(&engine).await;
            // Dropped without flush: acknowledged writes must survive a clean close anyway.
        }
        let engine = FjallEngine::open(dir.path(), durability).expect("reopen");
        assert_eq!(all(&engine), expected_history());
        // And the reopened engine takes writes.
        put(&engine, b"later", b"x").await;
        drop(engine);
        let engine = FjallEngine::open(dir.path(), durability).expect("reopen again");
        assert_eq!(engine.get(b"later").expect("get"), Some(b"x".to_vec()));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reopen_keeps_everything_sync() {
        reopen_keeps_everything(Durability::Sync).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reopen_keeps_everything_buffered() {
        reopen_keeps_everything(Durability::Buffered).await;
    }

    /// The journal is zero-filled a few MiB ahead of its write position (vendored fjall's
    /// patch): about 10 MiB of synced commits cross several fills, and a reopen in the middle
    /// continues a journal whose tail is zeros. Nothing may be lost or read back from a fill.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn journal_spanning_zero_fills_survives_reopens() {
        let dir = tempfile::tempdir().expect("tempdir");
        let value = |i: usize, round: u8| {
            let mut value = vec![round; 1000];
            value[..8].copy_from_slice(&(i as u64).to_be_bytes());
            value
        };
        let write_round = |engine: &FjallEngine, round: u8| {
            let batches: Vec<WriteBatch> = (0..5000)
                .collect::<Vec<_>>()
                .chunks(100)
                .map(|chunk| {
                    let mut batch = WriteBatch::new();
                    for &i in chunk {
                        batch.put(key(i), value(i, round));
                    }
                    batch
                })
                .collect();
            let commits: Vec<_> = batches.into_iter().map(|b| engine.commit(b)).collect();
            async move {
                for commit in commits {
                    commit.await.expect("commit");
                }
            }
        };
        for round in 1..=2u8 {
            let engine = FjallEngine::open(dir.path(), Durability::Sync).expect("open");
            if round == 2 {
                assert_eq!(engine.get(&key(4999)).expect("get"), Some(value(4999, 1)));
            }
            write_round(&engine, round).await;
            // The fill is real blocks, not a hole: the active journal holds a few MiB of
            // written blocks beyond the 5 MB of this round's records.
            assert!(
                journal_blocks_bytes(dir.path()) >= 5_000_000 + 2 * 1024 * 1024,
                "journal blocks: {}",
                journal_blocks_bytes(dir.path())
            );
        }
        let engine = FjallEngine::open(dir.path(), Durability::Sync).expect("reopen");
        let stored = all(&engine);
        assert_eq!(stored.len(), 5000);
        for (i, (k, v)) in stored.into_iter().enumerate() {
            assert_eq!((k, v), (key(i), value(i, 2)), "key {i}");
        }
    }

    /// Bytes of disk blocks allocated to the journal files under `root`.
    fn journal_blocks_bytes(root: &std::path::Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        let mut total = 0;
        let mut folders = vec![root.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("read_dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|ext| ext == "jnl") {
                    total += entry.metadata().expect("metadata").blocks() * 512;
                }
            }
        }
        total
    }

    /// 1 MiB memtables, so a test's few megabytes rotate them into table files.
    fn small_memtables() -> FjallConfig {
        FjallConfig {
            durability: Durability::Buffered,
            memtable_bytes: 1024 * 1024,
            ..FjallConfig::default()
        }
    }

    /// Enough data to rotate memtables into table files, so reads merge disk and memory.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn survives_memtable_flushes_and_reopen() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = small_memtables();
        const N: usize = 4000;
        let value = vec![0xAB; 1000];
        {
            let engine = FjallEngine::open_with(dir.path(), config).expect("open");
            for chunk in (0..N).collect::<Vec<_>>().chunks(100) {
                let mut batch = WriteBatch::new();
                for &i in chunk {
                    batch.put(key(i), value.clone());
                }
                engine.commit(batch).await.expect("commit");
            }
            let mut batch = WriteBatch::new();
            batch.delete_range(key(1000), key(3000));
            engine.commit(batch).await.expect("commit");
            assert_eq!(
                keys(&engine, &KeyRange::all(), Direction::Forward).len(),
                N - 2000
            );
        }
        let engine = FjallEngine::open_with(dir.path(), config).expect("reopen");
        let seen = keys(&engine, &KeyRange::all(), Direction::Reverse);
        let expected: Vec<_> = (0..N)
            .filter(|i| !(1000..3000).contains(i))
            .rev()
            .map(key)
            .collect();
        assert_eq!(seen, expected);
        assert_eq!(engine.get(&key(3999)).expect("get"), Some(value));
        assert_eq!(engine.get(&key(2000)).expect("get"), None);
    }

    /// Files named `v<id>` (version manifests) and table files under the database folder.
    fn version_and_table_files(root: &std::path::Path) -> (usize, usize) {
        let (mut versions, mut tables) = (0, 0);
        let mut folders = vec![root.to_path_buf()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("read_dir").flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if path.is_dir() {
                    folders.push(path);
                } else if folder.ends_with("tables") {
                    tables += 1;
                } else if name
                    .strip_prefix('v')
                    .is_some_and(|id| id.parse::<u64>().is_ok())
                {
                    versions += 1;
                }
            }
        }
        (versions, tables)
    }

    /// The same 500 keys over and over, `round` in each value's first byte: about 30 flushes
    /// of 1 MiB, each adding a version and a table, and compactions merging the tables.
    async fn overwrite_rounds(engine: &FjallEngine, rounds: std::ops::Range<u8>) {
        for round in rounds {
            let mut batch = WriteBatch::new();
            for i in 0..500 {
                let mut value = vec![0xCD; 1000];
                value[0] = round;
                batch.put(key(i), value);
            }
            engine.commit(batch).await.expect("commit");
        }
    }

    fn assert_last_round(engine: &FjallEngine, round: u8) {
        let all = all(engine);
        assert_eq!(all.len(), 500);
        assert!(all.iter().all(|(_, value)| value[0] == round));
    }

    /// Flushes and compactions retire versions and tables; the patched lsm-tree disposes of
    /// them on a background thread (vendor/README.md). Closing must wait for that thread (a
    /// reopened tree may reuse a retired table's id), and it must still remove their files.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn retired_versions_and_tables_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = small_memtables();
        {
            let engine = FjallEngine::open_with(dir.path(), config).expect("open");
            overwrite_rounds(&engine, 0..60).await;
            // Closed at once, with retirements still queued.
        }
        let engine = FjallEngine::open_with(dir.path(), config).expect("reopen");
        assert_last_round(&engine, 59);
        overwrite_rounds(&engine, 60..120).await;
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let settled = loop {
            let (versions, tables) = version_and_table_files(dir.path());
            // Kept, each flush and compaction would leave one more of each (over 30 here).
            if versions <= 12 && tables <= 12 {
                break (versions, tables);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "retired files stay: {versions} version files, {tables} table files"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(settled.1 >= 1, "the data was flushed to tables");
        assert_last_round(&engine, 119);
        drop(engine);
        let engine = FjallEngine::open_with(dir.path(), config).expect("reopen again");
        assert_last_round(&engine, 119);
    }

    #[test]
    fn second_open_of_same_path_fails_cleanly() {
        let dir = tempfile::tempdir().expect("tempdir");
        let _first = FjallEngine::open(dir.path(), Durability::Sync).expect("open");
        let second = FjallEngine::open(dir.path(), Durability::Sync);
        assert!(matches!(second, Err(StorageError::Io(_))));
    }

    const CRASH_CHILD_ENV: &str = "GANNET_STORAGE_CRASH_CHILD_DIR";
    const CRASH_WRITERS: usize = 8;

    /// Runs only as the child of `acknowledged_writes_survive_kill`: commits until killed,
    /// printing each acknowledgement.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn crash_child() {
        let Some(dir) = std::env::var_os(CRASH_CHILD_ENV) else {
            return;
        };
        let engine: SharedEngine = Arc::new(
            FjallEngine::open(std::path::Path::new(&dir), Durability::Sync).expect("open"),
        );
        let mut tasks = Vec::new();
        for w in 0..CRASH_WRITERS {
            let engine = engine.clone();
            tasks.push(tokio::spawn(async move {
                // Bounded in case the parent never kills us.
                for i in 0..200_000 {
                    let mut batch = WriteBatch::new();
                    batch.put(format!("w{w}-{i:08}").into_bytes(), vec![w as u8; 100]);
                    engine.commit(batch).await.expect("commit");
                    println!("acked {w} {i}");
                }
            }));
        }
        for task in tasks {
            task.await.expect("task");
        }
    }

    /// SIGKILLs a process mid-stream of Sync commits and checks every acknowledged write is
    /// recovered. This proves journal recovery after a process crash, not power-loss safety
    /// (the page cache survives a process kill).
    #[test]
    fn acknowledged_writes_survive_kill() {
        use std::io::{BufRead, BufReader};
        use std::process::{Command, Stdio};

        let dir = tempfile::tempdir().expect("tempdir");
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "conformance::fjall_only::crash_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CRASH_CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let stdout = child.stdout.take().expect("stdout");
        let mut acked = [None::<usize>; CRASH_WRITERS];
        let mut total = 0;
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("line");
            let Some(rest) = line.strip_prefix("acked ") else {
                continue;
            };
            let mut parts = rest.split(' ');
            let w: usize = parts.next().expect("w").parse().expect("w");
            let i: usize = parts.next().expect("i").parse().expect("i");
            acked[w] = Some(i);
            total += 1;
            if total == 2000 {
                child.kill().expect("kill");
                break;
            }
        }
        let _ = child.wait();
        assert_eq!(total, 2000, "child stopped early");

        let engine = FjallEngine::open(dir.path(), Durability::Sync).expect("recover");
        for (w, last) in acked.iter().enumerate() {
            let Some(last) = *last else { continue };
            for i in 0..=last {
                assert_eq!(
                    engine.get(format!("w{w}-{i:08}").as_bytes()).expect("get"),
                    Some(vec![w as u8; 100]),
                    "acknowledged write w{w}-{i} lost"
                );
            }
        }
    }
}
