//! The `gannet` binary: command line → configuration → storage → server.
#![deny(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use gannet_core::{Database, DatabaseConfig};
use gannet_storage::fjall_engine::{FjallConfig, FjallEngine};
use gannet_storage::memory::MemoryEngine;
use gannet_storage::{Durability, SharedEngine};
use tokio::net::TcpListener;

// Small, short-lived allocations dominate request handling; mimalloc serves them faster than
// the system allocator (measured in docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const MIB: u64 = 1024 * 1024;
const DEFAULT_MEMTABLE_MB: u64 = FjallConfig::DEFAULT_MEMTABLE_BYTES / MIB;
const DEFAULT_CACHE_MB: u64 = FjallConfig::DEFAULT_CACHE_BYTES / MIB;

#[derive(Parser)]
#[command(
    name = "gannet",
    version,
    about = "A DynamoDB-compatible database server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server.
    Serve(ServeArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum DurabilityArg {
    /// A write is acknowledged only once it is on disk (concurrent writes share fsyncs).
    Sync,
    /// A write is acknowledged once logged; the log is fsynced every few milliseconds.
    Buffered,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GANNET_LISTEN", default_value = "127.0.0.1:8000")]
    listen: SocketAddr,
    /// Directory of the embedded database.
    #[arg(long, env = "GANNET_DATA_DIR", default_value = "./gannet-data")]
    data_dir: PathBuf,
    /// Keep everything in memory (nothing survives a restart).
    #[arg(long, env = "GANNET_IN_MEMORY")]
    in_memory: bool,
    /// When a write is acknowledged.
    #[arg(long, env = "GANNET_DURABILITY", value_enum, default_value = "sync")]
    durability: DurabilityArg,
    /// Region named in ARNs.
    #[arg(long, env = "GANNET_REGION", default_value = "us-east-1")]
    region: String,
    /// Account id named in ARNs.
    #[arg(long, env = "GANNET_ACCOUNT_ID", default_value = "000000000000")]
    account_id: String,
    /// Keep CREATING/UPDATING/DELETING visible this many milliseconds (0: ACTIVE at once).
    #[arg(long, env = "GANNET_TRANSITION_DELAY", default_value_t = 0)]
    transition_delay: u64,
    /// fjall memtable size in MiB: more absorbs writes with fewer flushes, but is replayed
    /// into memory after a crash.
    #[arg(long, env = "GANNET_MEMTABLE_MB", default_value_t = DEFAULT_MEMTABLE_MB,
          value_parser = clap::value_parser!(u64).range(1..=1024))]
    memtable_mb: u64,
    /// fjall block cache size in MiB (filled on demand).
    #[arg(long, env = "GANNET_CACHE_MB", default_value_t = DEFAULT_CACHE_MB,
          value_parser = clap::value_parser!(u64).range(1..=65536))]
    cache_mb: u64,
    /// Log filter (error, warn, info, debug, trace, or a tracing directive).
    #[arg(long, env = "GANNET_LOG_LEVEL", default_value = "info")]
    log_level: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Command::Serve(args) = cli.command;
    let filter = tracing_subscriber::EnvFilter::try_new(&args.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let engine: SharedEngine = if args.in_memory {
        Arc::new(MemoryEngine::new())
    } else {
        let durability = match args.durability {
            DurabilityArg::Sync => Durability::Sync,
            DurabilityArg::Buffered => Durability::Buffered,
        };
        std::fs::create_dir_all(&args.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", args.data_dir.display()))?;
        Arc::new(
            FjallEngine::open_with(
                &args.data_dir,
                FjallConfig {
                    durability,
                    cache_bytes: args.cache_mb * MIB,
                    memtable_bytes: args.memtable_mb * MIB,
                },
            )
            .map_err(|e| format!("cannot open {}: {e}", args.data_dir.display()))?,
        )
    };
    let listener = TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    let config = DatabaseConfig {
        region: args.region,
        account_id: args.account_id,
        transition_delay: Duration::from_millis(args.transition_delay),
        endpoint_address: address.to_string(),
    };
    let database =
        Database::open(engine, config).map_err(|e| format!("cannot open the database: {e}"))?;
    tracing::info!(
        storage = if args.in_memory { "memory" } else { "fjall" },
        data_dir = %args.data_dir.display(),
        "Gannet listening on http://{address}"
    );
    gannet_server::run(listener, Arc::clone(&database), shutdown_signal())
        .await
        .map_err(|e| format!("server failed: {e}"))?;
    database
        .flush()
        .map_err(|e| format!("final flush failed: {e}"))?;
    tracing::info!("Gannet stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
    tracing::info!("shutting down");
}
