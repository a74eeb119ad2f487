//! Measures fjall commit throughput with N concurrent committers, to see group commit at work.
//!
//! `cargo run --release -p gannet-storage --example commit_rate -- [tasks] [seconds] [sync|buffered]`
//!
//! Each task commits single-put batches (16-byte key, 100-byte value) back to back. The data
//! directory is a fresh temp dir, or `$GANNET_BENCH_DIR` to measure another file system.

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gannet_storage::fjall_engine::FjallEngine;
use gannet_storage::{Durability, Engine, WriteBatch};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let tasks: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(16);
    let seconds: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3);
    let durability = match args.next().as_deref() {
        None | Some("sync") => Durability::Sync,
        Some("buffered") => Durability::Buffered,
        Some(other) => return Err(format!("unknown durability {other:?}").into()),
    };

    let dir = match std::env::var_os("GANNET_BENCH_DIR") {
        Some(base) => tempfile::tempdir_in(base)?,
        None => tempfile::tempdir()?,
    };
    let engine = Arc::new(FjallEngine::open(dir.path(), durability)?);

    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut handles = Vec::with_capacity(tasks);
    for task in 0..tasks {
        let engine = engine.clone();
        handles.push(tokio::spawn(async move {
            let mut latencies_us = Vec::new();
            let mut i = 0u64;
            while Instant::now() < deadline {
                let mut batch = WriteBatch::new();
                batch.put(format!("{task:04}-{i:011}").into_bytes(), vec![0x5A; 100]);
                let began = Instant::now();
                engine.commit(batch).await?;
                latencies_us.push(began.elapsed().as_micros() as u64);
                i += 1;
            }
            Ok::<_, gannet_storage::StorageError>(latencies_us)
        }));
    }
    let mut latencies = Vec::new();
    for handle in handles {
        latencies.extend(handle.await??);
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let pct = |p: f64| {
        let idx = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies.get(idx).copied().unwrap_or(0)
    };
    println!(
        "{durability:?} tasks={tasks} commits={} elapsed={elapsed:.2}s rate={:.0}/s latency_us p50={} p99={} max={}",
        latencies.len(),
        latencies.len() as f64 / elapsed,
        pct(0.5),
        pct(0.99),
        pct(1.0),
    );
    Ok(())
}
