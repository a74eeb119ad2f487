//! Gannet's HTTP front end: DynamoDB's JSON protocol (`POST /` with `X-Amz-Target`) over hyper.
#![deny(unsafe_code)]

mod auth;
mod deep_json;
mod dispatch;
mod operation;
mod response;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use gannet_core::Database;
use gannet_model::Error;
use gannet_model::limits::MAX_REQUEST_BODY;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

pub use operation::Operation;

use crate::response::{Body, new_request_id};

/// How long shutdown waits for requests already running.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Serves DynamoDB requests on `listener` until `shutdown` completes, then stops accepting,
/// lets in-flight requests finish (up to a grace period) and returns.
pub async fn run(
    listener: TcpListener,
    database: Arc<Database>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of file descriptors and similar: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let database = Arc::clone(&database);
                let service = service_fn(move |request| {
                    let database = Arc::clone(&database);
                    async move { Ok::<_, std::convert::Infallible>(handle(&database, request).await) }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service);
                // Watched so that shutdown closes idle keep-alive connections at once and
                // lets busy ones finish their request.
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("requests still running after the shutdown grace period were dropped");
        }
    }
    Ok(())
}

async fn handle(database: &Arc<Database>, request: Request<Incoming>) -> Response<Body> {
    let request_id = new_request_id();
    if request.method() == Method::GET {
        return health(database);
    }
    if request.method() != Method::POST {
        return response::error(
            &Error::UnknownOperation(format!("{} is not supported; use POST", request.method())),
            &request_id,
        );
    }
    if let Err(e) = auth::check_credentials(request.headers(), request.uri().query()) {
        return response::error(&e, &request_id);
    }
    let operation = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(Operation::from_target);
    let Some(operation) = operation else {
        return response::error(
            &Error::UnknownOperation(
                "Unknown operation: the X-Amz-Target header names no DynamoDB operation".to_owned(),
            ),
            &request_id,
        );
    };
    let declared_length = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared_length.is_some_and(|len| len > MAX_REQUEST_BODY as u64) {
        return too_large(&request_id);
    }
    let body = match Limited::new(request.into_body(), MAX_REQUEST_BODY)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => return too_large(&request_id),
        Err(e) => {
            tracing::debug!(error = %e, "reading a request body failed");
            return response::error(
                &Error::Serialization("The request body could not be read".to_owned()),
                &request_id,
            );
        }
    };
    tracing::trace!(operation = operation.name(), request_id, "request");
    dispatch::dispatch(database, operation, &body, &request_id).await
}

fn too_large(request_id: &str) -> Response<Body> {
    let mut response = response::error(
        &Error::RequestEntityTooLarge(format!("Request size exceeded {MAX_REQUEST_BODY} bytes")),
        request_id,
    );
    // The unread rest of the body makes the connection unusable.
    response.headers_mut().insert(
        hyper::header::CONNECTION,
        hyper::header::HeaderValue::from_static("close"),
    );
    response
}

fn health(_database: &Arc<Database>) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"healthy: gannet")));
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain"),
    );
    response
}
