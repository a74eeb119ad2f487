//! From an operation and its JSON body to the database call and back.

use std::sync::Arc;

use gannet_core::Database;
use gannet_model::Error;
use gannet_model::plain_batch::PlainBatchWrite;
use gannet_model::value::json_error;
use serde::de::DeserializeOwned;

use crate::deep_json;
use crate::operation::Operation;
use crate::response::{self, Body};

/// Answers one request whose operation and body are known.
pub async fn dispatch(
    database: &Arc<Database>,
    operation: Operation,
    body: &[u8],
    request_id: &str,
) -> hyper::Response<Body> {
    match call(database, operation, body, request_id).await {
        Ok(response) => response,
        Err(e) => response::error(&e, request_id),
    }
}

async fn call(
    database: &Arc<Database>,
    operation: Operation,
    body: &[u8],
    request_id: &str,
) -> Result<hyper::Response<Body>, Error> {
    let json = |value: &dyn erased::Json| Ok(value.respond(request_id));
    match operation {
        Operation::CreateTable => json(&database.create_table(parse(body)?).await?),
        Operation::DescribeTable => json(&database.describe_table(parse(body)?).await?),
        Operation::DeleteTable => json(&database.delete_table(parse(body)?).await?),
        Operation::UpdateTable => json(&database.update_table(parse(body)?).await?),
        Operation::ListTables => json(&database.list_tables(parse(body)?)?),
        Operation::TagResource => {
            database.tag_resource(parse(body)?).await?;
            json(&serde_json::json!({}))
        }
        Operation::UntagResource => {
            database.untag_resource(parse(body)?).await?;
            json(&serde_json::json!({}))
        }
        Operation::ListTagsOfResource => json(&database.list_tags_of_resource(parse(body)?)?),
        Operation::DescribeLimits => json(&database.describe_limits()),
        Operation::DescribeEndpoints => json(&database.describe_endpoints()),
        Operation::PutItem => json(&database.put_item(parse(body)?).await?),
        Operation::GetItem => json(&database.get_item(parse(body)?)?),
        Operation::Query => json(&database.query(parse(body)?)?),
        Operation::Scan => json(&database.scan(parse(body)?)?),
        Operation::UpdateItem => json(&database.update_item(parse(body)?).await?),
        Operation::DeleteItem => json(&database.delete_item(parse(body)?).await?),
        Operation::BatchWriteItem => {
            if let Some(plain) = plain_batch_write(body)
                && let Some(output) = database.batch_write_plain(&plain).await
            {
                return json(&output?);
            }
            json(&database.batch_write_item(parse(body)?).await?)
        }
        Operation::BatchGetItem => json(&database.batch_get_item(parse(body)?)?),
        Operation::TransactWriteItems => json(&database.transact_write_items(parse(body)?).await?),
        Operation::TransactGetItems => json(&database.transact_get_items(parse(body)?)?),
        other => Err(Error::UnknownOperation(format!(
            "Gannet does not implement the {} operation yet",
            other.name()
        ))),
    }
}

/// A BatchWriteItem body of the commonest shape, read without building its items; any other
/// body is parsed in full by `parse`.
fn plain_batch_write(body: &[u8]) -> Option<PlainBatchWrite<'_>> {
    PlainBatchWrite::parse(std::str::from_utf8(body).ok()?)
}

/// Parses a request body; an empty body is an empty request (every member absent), as AWS
/// treats it.
fn parse<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    // Checking the body as UTF-8 once spares serde_json checking every string in it again (a
    // few per cent of a large request's parse). A body that is not UTF-8 goes to the byte
    // parser, which reports the same error as before.
    let parsed = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    };
    match parsed {
        Err(error) if deep_json::is_recursion_limit(&error) => deep_json::parse(body),
        parsed => parsed.map_err(json_error),
    }
}

mod erased {
    use super::Body;

    /// Lets one closure serialize any response type.
    pub trait Json {
        fn respond(&self, request_id: &str) -> hyper::Response<Body>;
    }

    impl<T: serde::Serialize> Json for T {
        fn respond(&self, request_id: &str) -> hyper::Response<Body> {
            crate::response::json(self, request_id)
        }
    }
}
