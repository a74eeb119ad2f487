//! ClientRequestToken bookkeeping for TransactWriteItems: a token names one request for ten
//! minutes after it completes. A replay of the same request succeeds without applying it again;
//! a different request under the same token is refused.
//!
//! Tokens live in memory: a restart forgets them, which only matters for a client that retries
//! across a server restart.

use std::collections::HashMap;
use std::sync::Mutex;

use gannet_model::Error;

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

/// What to do with a request carrying a token.
#[derive(Debug, PartialEq, Eq)]
pub enum TokenDecision {
    /// First use (or the window passed): apply it, then `finish` or `abandon` the token.
    Apply,
    /// Already applied: answer success without applying.
    Replay,
}

#[derive(Default)]
pub struct IdempotencyTokens {
    tokens: Mutex<HashMap<String, TokenRecord>>,
}

impl IdempotencyTokens {
    pub fn begin(
        &self,
        token: &str,
        fingerprint: u64,
        now_millis: u64,
    ) -> Result<TokenDecision, Error> {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.retain(|_, r| match r.state {
            TokenState::InProgress => true,
            TokenState::Done { at_millis } => now_millis.saturating_sub(at_millis) < WINDOW_MILLIS,
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
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(record) = tokens.get_mut(token) {
            record.state = TokenState::Done {
                at_millis: now_millis,
            };
        }
    }

    /// The request under `token` failed: the token is free again.
    pub fn abandon(&self, token: &str) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.remove(token);
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
        tokens.abandon("t");
        assert_eq!(
            tokens.begin("t", 3, 10 + WINDOW_MILLIS).unwrap(),
            TokenDecision::Apply
        );
    }
}
