//! Cost of one memtable insert when a group of sorted writes lands in a memtable of N entries:
//! crossbeam's skiplist (fjall's memtable) against std's B-tree, single-threaded, keys shaped
//! like Gannet's storage keys (table tag, index id, 8-byte partition hash, partition key) with
//! a descending sequence number, 100-byte values.
//!
//! usage: cargo run --release -- [ENTRIES] [GROUP]      (defaults 200000 250)

use crossbeam_skiplist::SkipMap;
use rand::{Rng, SeedableRng, rngs::StdRng};
use std::collections::BTreeMap;
use std::time::Instant;

type MemtableKey = (Vec<u8>, u64);

const KEYSPACE: u64 = 100_000;
const GROUPS: usize = 200;

fn storage_key(rng: &mut StdRng, seqno: u64) -> MemtableKey {
    let item = rng.r#gen::<u64>() % KEYSPACE;
    let mut key = vec![0x11, 0];
    key.extend_from_slice(&item.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_be_bytes());
    key.extend_from_slice(format!("k{item:07}").as_bytes());
    (key, u64::MAX - seqno)
}

fn sorted_groups(rng: &mut StdRng, seqno: &mut u64, group: usize) -> Vec<Vec<MemtableKey>> {
    (0..GROUPS)
        .map(|_| {
            let mut keys: Vec<_> = (0..group)
                .map(|_| {
                    *seqno += 1;
                    storage_key(rng, *seqno)
                })
                .collect();
            keys.sort();
            keys
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let entries = args.next().and_then(Result::ok).unwrap_or(200_000);
    let group = args.next().and_then(Result::ok).unwrap_or(250);
    let mut rng = StdRng::seed_from_u64(7);
    let value = vec![7u8; 100];
    let skiplist: SkipMap<MemtableKey, Vec<u8>> = SkipMap::new();
    let mut btree: BTreeMap<MemtableKey, Vec<u8>> = BTreeMap::new();
    let mut seqno = 0;
    while skiplist.len() < entries {
        seqno += 1;
        let key = storage_key(&mut rng, seqno);
        skiplist.insert(key.clone(), value.clone());
        btree.insert(key, value.clone());
    }
    for round in 1..=3 {
        for structure in ["skiplist", "btree"] {
            let groups = sorted_groups(&mut rng, &mut seqno, group);
            let inserts = groups.iter().map(Vec::len).sum::<usize>();
            let started = Instant::now();
            for key in groups.into_iter().flatten() {
                if structure == "skiplist" {
                    skiplist.insert(key, value.clone());
                } else {
                    btree.insert(key, value.clone());
                }
            }
            let per_insert = started.elapsed().as_nanos() as f64 / inserts as f64;
            println!(
                "round {round} {structure:8} {per_insert:6.0} ns/insert (~{entries} entries, groups of {group})"
            );
        }
    }
}
