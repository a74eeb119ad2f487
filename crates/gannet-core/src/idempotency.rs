//! ClientRequestToken bookkeeping for TransactWriteItems: a token names one request for ten
//! minutes after it completes. A replay of the same request succeeds without applying it again;
//! a different request under the same token is refused.
//!
//! The decisions are made in memory; an applied token is also written in the same storage
//! commit as the transaction's items (`keys::token_key`) and loaded back at startup, so a
//! client that retries across a crash or restart is still answered with a replay.

use std::collections::HashMap;
use std::sync::Mutex;

use gannet_model::Error;

use crate::keys::{parse_token_key, token_key};

const WINDOW_MILLIS: u64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenState {
    InProgress,
    Done { at_millis: u64 },
}

#[derive(Debug, Clone, Copy)]
struct TokenRecord {
    fingerprint: u64,
    state: TokenState,
}

/// The stored value of an applied token: its request fingerprint.
pub fn encode_applied(fingerprint: u64) -> Vec<u8> {
    fingerprint.to_le_bytes().to_vec()
}

fn decode_applied(value: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(*value.first_chunk::<8>()?))
}

/// What to do with a request carrying a token.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenDecision {
    /// First use (or the window passed): apply it, then `finish` or `abandon` the token.
    Apply,
    /// Already applied: answer success without applying.
    Replay,
}

#[derive(Default)]
struct TokenTable {
    tokens: HashMap<String, TokenRecord>,
    /// Storage keys of applications whose window passed, to delete with a later commit.
    expired: Vec<Vec<u8>>,
}

#[derive(Default)]
pub struct IdempotencyTokens {
    table: Mutex<TokenTable>,
}

impl IdempotencyTokens {
    /// Takes back a stored application of a token at startup.
    pub fn restore(&self, key: &[u8], value: &[u8], now_millis: u64) {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        let parsed = parse_token_key(key).zip(decode_applied(value));
        match parsed {
            Some(((token, at_millis), fingerprint))
                if now_millis.saturating_sub(at_millis) < WINDOW_MILLIS =>
            {
                // Keys sort by application time, so a later application replaces an earlier one.
                let replaced = table.tokens.insert(
                    token.to_owned(),
                    TokenRecord {
                        fingerprint,
                        state: TokenState::Done { at_millis },
                    },
                );
                if let Some(TokenRecord {
                    state: TokenState::Done { at_millis },
                    ..
                }) = replaced
                {
                    table.expired.push(token_key(token, at_millis));
                }
            }
            _ => table.expired.push(key.to_vec()),
        }
    }

    /// Gives back keys from `take_expired` whose deletion did not commit.
    pub fn requeue_expired(&self, keys: Vec<Vec<u8>>) {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        table.expired.extend(keys);
    }

    /// Storage keys of token applications that may now be deleted.
    pub fn take_expired(&self) -> Vec<Vec<u8>> {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut table.expired)
    }

    pub fn begin(
        &self,
        token: &str,
        fingerprint: u64,
        now_millis: u64,
    ) -> Result<TokenDecision, Error> {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        let TokenTable { tokens, expired } = &mut *table;
        tokens.retain(|name, r| match r.state {
            TokenState::InProgress => true,
            TokenState::Done { at_millis } => {
                let live = now_millis.saturating_sub(at_millis) < WINDOW_MILLIS;
                if !live {
                    expired.push(token_key(name, at_millis));
                }
                live
            }
        });
        match tokens.get(token) {
            Some(record) if record.fingerprint != fingerprint => {
                Err(Error::IdempotentParameterMismatch(
                    "Request has already been made with this ClientRequestToken but with different parameters"
                        .to_owned(),
                ))
            }
            Some(TokenRecord { state: TokenState::InProgress, .. }) => Err(Error::TransactionInProgress(
                "Transaction from previous request is still in progress".to_owned(),
            )),
            Some(_) => Ok(TokenDecision::Replay),
            None => {
                tokens.insert(
                    token.to_owned(),
                    TokenRecord {
                        fingerprint,
                        state: TokenState::InProgress,
                    },
                );
                Ok(TokenDecision::Apply)
            }
        }
    }

    /// The request under `token` was applied.
    pub fn finish(&self, token: &str, now_millis: u64) {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(record) = table.tokens.get_mut(token) {
            record.state = TokenState::Done {
                at_millis: now_millis,
            };
        }
    }

    /// The request under `token` failed: the token is free again.
    pub fn abandon(&self, token: &str) {
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        table.tokens.remove(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_replay_mismatch_and_expire() {
        let tokens = IdempotencyTokens::default();
        assert_eq!(tokens.begin("t", 1, 0).unwrap(), TokenDecision::Apply);
        assert!(matches!(
            tokens.begin("t", 1, 1),
            Err(Error::TransactionInProgress(_))
        ));
        tokens.finish("t", 10);
        assert_eq!(tokens.begin("t", 1, 20).unwrap(), TokenDecision::Replay);
        assert!(matches!(
            tokens.begin("t", 2, 20),
            Err(Error::IdempotentParameterMismatch(_))
        ));
        assert_eq!(
            tokens.begin("t", 2, 10 + WINDOW_MILLIS).unwrap(),
            TokenDecision::Apply
        );
        let expired = tokens.take_expired();
        assert_eq!(expired, vec![token_key("t", 10)]);
        // A transaction that was to delete them failed: they are handed out again.
        tokens.requeue_expired(expired);
        assert_eq!(tokens.take_expired(), vec![token_key("t", 10)]);
        assert!(tokens.take_expired().is_empty());
        tokens.abandon("t");
        assert_eq!(
            tokens.begin("t", 3, 10 + WINDOW_MILLIS).unwrap(),
            TokenDecision::Apply
        );
    }

    #[test]
    fn restored_tokens_replay_until_their_window_ends() {
        let tokens = IdempotencyTokens::default();
        let now = WINDOW_MILLIS + 1;
        tokens.restore(&token_key("live", 5_000), &encode_applied(7), now);
        tokens.restore(&token_key("twice", 2_000), &encode_applied(1), now);
        tokens.restore(&token_key("twice", 3_000), &encode_applied(2), now);
        tokens.restore(&token_key("old", 0), &encode_applied(7), now);
        tokens.restore(&token_key("garbled", 4_000), b"short", now);
        assert_eq!(tokens.begin("live", 7, now).unwrap(), TokenDecision::Replay);
        assert!(matches!(
            tokens.begin("live", 8, now),
            Err(Error::IdempotentParameterMismatch(_))
        ));
        assert_eq!(
            tokens.begin("twice", 2, now).unwrap(),
            TokenDecision::Replay
        );
        assert_eq!(
            tokens.take_expired(),
            vec![
                token_key("twice", 2_000),
                token_key("old", 0),
                token_key("garbled", 4_000)
            ]
        );
        assert_eq!(tokens.begin("old", 9, now).unwrap(), TokenDecision::Apply);
        // The live token expires in memory later and is reported for deletion then.
        assert_eq!(
            tokens.begin("other", 1, 5_000 + WINDOW_MILLIS).unwrap(),
            TokenDecision::Apply
        );
        assert!(tokens.take_expired().contains(&token_key("live", 5_000)));
    }
}
