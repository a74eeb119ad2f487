//! The patched lsm-tree memtable (vendor/README.md: a B-tree read in chunks instead of a
//! skiplist), tested through lsm-tree's own API because its chunk boundaries, bounds and
//! concurrent use are invisible at Gannet's storage trait.

use lsm_tree::{
    AbstractTree, AnyTree, Config, Guard, InternalValue, Memtable, SeqNo, SequenceNumberCounter,
    ValueType,
};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn key(n: u16) -> Vec<u8> {
    format!("k{n:04}").into_bytes()
}

fn open_tree(dir: &tempfile::TempDir) -> AnyTree {
    Config::new(
        dir.path(),
        SequenceNumberCounter::default(),
        SequenceNumberCounter::default(),
    )
    .open()
    .expect("open lsm tree")
}

/// Every version written to each key, in write order: the reference the tree must agree with.
#[derive(Default)]
struct Model(BTreeMap<u16, Vec<(SeqNo, Option<u8>)>>);

impl Model {
    fn write(&mut self, k: u16, seqno: SeqNo, value: Option<u8>) {
        let versions = self.0.entry(k).or_default();
        // A later write with the same seqno replaces the earlier one, value type included.
        versions.retain(|(s, _)| *s != seqno);
        versions.push((seqno, value));
    }

    /// The live entries in `range` as a reader at `read_seqno` (which sees seqnos below it).
    fn read(&self, range: (Bound<u16>, Bound<u16>), read_seqno: SeqNo) -> Vec<(u16, u8)> {
        if bounds_are_empty(range) {
            return Vec::new();
        }
        self.0
            .range(range)
            .filter_map(|(k, versions)| {
                let visible = versions
                    .iter()
                    .filter(|(s, _)| *s < read_seqno)
                    .max_by_key(|(s, _)| *s)?;
                visible.1.map(|v| (*k, v))
            })
            .collect()
    }
}

fn bounds_are_empty((low, high): (Bound<u16>, Bound<u16>)) -> bool {
    match (low, high) {
        (Bound::Unbounded, _) | (_, Bound::Unbounded) => false,
        (Bound::Included(l), Bound::Included(h)) => l > h,
        (Bound::Included(l) | Bound::Excluded(l), Bound::Included(h) | Bound::Excluded(h)) => {
            l >= h
        }
    }
}

fn key_bound(bound: Bound<u16>) -> Bound<Vec<u8>> {
    bound.map(key)
}

fn bound_strategy() -> impl Strategy<Value = Bound<u16>> {
    prop_oneof![
        Just(Bound::Unbounded),
        (0u16..320).prop_map(Bound::Included),
        (0u16..320).prop_map(Bound::Excluded),
    ]
}

/// (key, value or delete, whether this write starts a new seqno or shares the previous one)
fn ops_strategy() -> impl Strategy<Value = Vec<(u16, Option<u8>, bool)>> {
    prop::collection::vec(
        (
            0u16..300,
            prop::option::weighted(0.8, any::<u8>()),
            any::<bool>(),
        ),
        1..700,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Range reads over the memtable, driven from either end in any interleaving, return what
    /// a plain ordered map of the versions says, across chunk boundaries and snapshots.
    #[test]
    fn memtable_ranges_agree_with_a_model(
        ops in ops_strategy(),
        low in bound_strategy(),
        high in bound_strategy(),
        read_at in 0.0f64..1.2,
        directions in prop::collection::vec(any::<bool>(), 0..800),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let tree = open_tree(&dir);
        let mut model = Model::default();
        let mut seqno: SeqNo = 1;
        for (k, value, next_seqno) in &ops {
            if *next_seqno {
                seqno += 1;
            }
            match value {
                Some(v) => {
                    let _ = tree.insert(key(*k), vec![*v], seqno);
                }
                None => {
                    let _ = tree.remove(key(*k), seqno);
                }
            }
            model.write(*k, seqno, *value);
        }
        let read_seqno = ((seqno + 1) as f64 * read_at) as SeqNo;

        let expected = model.read((low, high), read_seqno);
        let mut iter = tree.range((key_bound(low), key_bound(high)), read_seqno, None);
        let mut front = Vec::new();
        let mut back = Vec::new();
        let mut steps = directions.iter().copied().chain(std::iter::repeat(true));
        loop {
            let forward = steps.next().unwrap_or(true);
            let next = if forward { iter.next() } else { iter.next_back() };
            let Some(guard) = next else { break };
            let (k, v) = guard.into_inner().expect("memtable read");
            let entry = (k.to_vec(), v.to_vec());
            if forward { front.push(entry) } else { back.push(entry) }
        }
        back.reverse();
        front.extend(back);
        let expected: Vec<(Vec<u8>, Vec<u8>)> =
            expected.into_iter().map(|(k, v)| (key(k), vec![v])).collect();
        prop_assert_eq!(front, expected);
    }
}

#[test]
fn a_later_write_with_the_same_seqno_replaces_the_value_type_too() {
    let memtable = Memtable::new(0);
    memtable.insert(InternalValue::from_components(
        b"k".to_vec(),
        b"v".to_vec(),
        5,
        ValueType::Value,
    ));
    memtable.insert(InternalValue::new_tombstone(b"k".to_vec(), 5));
    let found = memtable
        .get(b"k", SeqNo::MAX)
        .expect("the key has a version");
    assert_eq!(found.key.value_type, ValueType::Tombstone);
    assert_eq!(memtable.len(), 1);

    let dir = tempfile::tempdir().expect("tempdir");
    let tree = open_tree(&dir);
    let _ = tree.insert(b"k".to_vec(), b"v".to_vec(), 5);
    let _ = tree.remove(b"k".to_vec(), 5);
    assert_eq!(tree.get(b"k", 6).expect("read"), None);
}

/// What the writer and the readers of the concurrency test share.
#[derive(Clone)]
struct Shared {
    memtable: Arc<Memtable>,
    /// How many keys of `order` the writer has inserted.
    published: Arc<AtomicUsize>,
    done: Arc<AtomicBool>,
    order: Arc<Vec<u32>>,
}

/// Readers iterating while a writer inserts see every entry inserted before they started,
/// in order and once each, from either end.
#[test]
fn iterators_during_inserts_see_everything_published_before_them_in_order() {
    const KEYS: u32 = 20_000;
    let shared = Shared {
        memtable: Arc::new(Memtable::new(0)),
        published: Arc::new(AtomicUsize::new(0)),
        done: Arc::new(AtomicBool::new(false)),
        // A fixed permutation of 0..KEYS: multiplying by 7919 permutes 0..20011 (a prime).
        order: Arc::new(
            (0..20_011u64)
                .map(|i| (i * 7_919 % 20_011) as u32)
                .filter(|k| *k < KEYS)
                .collect(),
        ),
    };

    let writer = {
        let writer = shared.clone();
        std::thread::spawn(move || {
            for (i, k) in writer.order.iter().enumerate() {
                writer.memtable.insert(InternalValue::from_components(
                    k.to_be_bytes().to_vec(),
                    b"v".to_vec(),
                    1,
                    ValueType::Value,
                ));
                writer.published.store(i + 1, Ordering::Release);
            }
            writer.done.store(true, Ordering::Release);
        })
    };

    let readers: Vec<_> = (0..2u32)
        .map(|reader| {
            let seen = shared.clone();
            std::thread::spawn(move || {
                let mut passes = 0u32;
                loop {
                    let finished = seen.done.load(Ordering::Acquire);
                    let seen_before = seen.published.load(Ordering::Acquire);
                    let mut iter = seen.memtable.iter();
                    let (mut front, mut back) = (Vec::new(), Vec::new());
                    let mut step = 0u32;
                    loop {
                        step += 1;
                        // Reader 0 goes mostly forward, reader 1 mostly backward.
                        let forward = step.is_multiple_of(5) == (reader == 1);
                        let next = if forward {
                            iter.next()
                        } else {
                            iter.next_back()
                        };
                        let Some(item) = next else { break };
                        let k = u32::from_be_bytes(
                            item.key.user_key.as_ref().try_into().expect("4-byte key"),
                        );
                        if forward { front.push(k) } else { back.push(k) }
                    }
                    back.reverse();
                    front.extend(back);
                    assert!(
                        front.windows(2).all(|w| w[0] < w[1]),
                        "iteration out of order or repeated"
                    );
                    for k in &seen.order[..seen_before] {
                        assert!(front.binary_search(k).is_ok(), "published key {k} missing");
                    }
                    passes += 1;
                    if finished {
                        assert_eq!(front.len(), KEYS as usize);
                        return passes;
                    }
                }
            })
        })
        .collect();

    writer.join().expect("writer");
    for reader in readers {
        assert!(reader.join().expect("reader") > 0);
    }
}
