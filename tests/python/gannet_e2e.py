"""Helpers for the end-to-end suite: a real `gannet serve` process, boto3 clients, raw HTTP.

The binary comes from $GANNET_BIN (default target/debug/gannet, relative to the repo root). Each
server listens on 127.0.0.1:0; we read its stderr until the `listening on http://ADDR` line and
keep draining stderr in a thread so the pipe never fills.
"""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
STARTUP_TIMEOUT = 30.0

LISTENING_RE = re.compile(r"listening on http://(\S+)")
# Logs may be coloured; strip ANSI escapes before matching.
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")

# A SigV4-shaped Authorization header: the server accepts any well-formed one by default.
FAKE_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=abc"
)


def gannet_bin() -> Path:
    path = Path(os.environ.get("GANNET_BIN", "target/debug/gannet"))
    if not path.is_absolute():
        path = ROOT / path
    return path


class GannetServer:
    """One `gannet serve` child process."""

    def __init__(self, data_dir: Path | None = None, in_memory: bool = False, extra_args=()):
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.in_memory = in_memory
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen | None = None
        self.addr: str | None = None
        self.log: collections.deque[str] = collections.deque(maxlen=4000)
        self._drain: threading.Thread | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{self.addr}"

    def start(self) -> "GannetServer":
        binary = gannet_bin()
        if not binary.exists():
            pytest.fail(f"gannet binary not found at {binary} (build it with `cargo build`)")
        args = [str(binary), "serve", "--listen", "127.0.0.1:0"]
        if self.in_memory:
            args.append("--in-memory")
        else:
            assert self.data_dir is not None
            args += ["--data-dir", str(self.data_dir)]
        # Region and account id named in ARNs: pinned unless a test picks its own.
        if "--region" not in self.extra_args:
            args += ["--region", REGION]
        if "--account-id" not in self.extra_args:
            args += ["--account-id", ACCOUNT_ID]
        args += self.extra_args
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=str(ROOT),
        )
        found = threading.Event()

        def drain():
            assert self.proc is not None and self.proc.stderr is not None
            for raw in self.proc.stderr:
                line = ANSI_RE.sub("", raw.decode("utf-8", "replace")).rstrip("\n")
                self.log.append(line)
                if self.addr is None:
                    m = LISTENING_RE.search(line)
                    if m:
                        self.addr = m.group(1)
                        found.set()
            found.set()  # EOF: the process is gone

        self._drain = threading.Thread(target=drain, name="gannet-stderr", daemon=True)
        self._drain.start()
        if not found.wait(STARTUP_TIMEOUT) or self.addr is None:
            self.kill()
            pytest.fail(
                "gannet did not report `listening on http://` within "
                f"{STARTUP_TIMEOUT}s; args={args}; stderr tail:\n" + self.log_tail()
            )
        return self

    def log_tail(self, n: int = 40) -> str:
        return "\n".join(list(self.log)[-n:])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def send_signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        """Send `sig` and wait for exit; returns the exit code (negative: killed by a signal)."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        if self._drain is not None:
            self._drain.join(5)
        return rc

    def kill(self) -> None:
        """SIGKILL, no chance to flush anything."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if self._drain is not None:
            self._drain.join(5)

    # --- clients ---------------------------------------------------------------------------

    def client(self, validate: bool = True, retries: int = 1):
        return make_client(self.endpoint, validate=validate, retries=retries)

    def resource(self):
        return boto3.resource(
            "dynamodb",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="AKID",
            aws_secret_access_key="SECRET",
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
        )


def make_client(endpoint: str, validate: bool = True, retries: int = 1):
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="AKID",
        aws_secret_access_key="SECRET",
        config=Config(
            retries={"max_attempts": retries, "mode": "standard"},
            parameter_validation=validate,
            connect_timeout=10,
            read_timeout=60,
        ),
    )


# --- raw HTTP ---------------------------------------------------------------------------------


class RawResponse:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)

    def header(self, name: str):
        return self.headers.get(name)

    def __repr__(self):
        return f"RawResponse({self.status}, {self.body[:500]!r})"


def raw_request(
    endpoint: str,
    target: str | None,
    body: bytes | str | dict,
    auth: bool = True,
    extra_headers: dict | None = None,
    timeout: float = 30.0,
) -> RawResponse:
    """POST / with DynamoDB's JSON protocol headers and a fake SigV4 Authorization."""
    if isinstance(body, dict):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Date": "20260101T000000Z",
    }
    if target is not None:
        headers["X-Amz-Target"] = target
    if auth:
        headers["Authorization"] = FAKE_AUTH
    if extra_headers:
        headers.update(extra_headers)
    req = urllib.request.Request(endpoint + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return RawResponse(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as e:
        return RawResponse(e.code, e.headers, e.read())


# --- assertions -------------------------------------------------------------------------------


def client_error(excinfo) -> tuple[str, str]:
    """(code, message) of a botocore ClientError captured by pytest.raises."""
    err = excinfo.value
    assert isinstance(err, ClientError), f"expected ClientError, got {err!r}"
    e = err.response.get("Error", {})
    return e.get("Code", ""), e.get("Message", "")


def assert_error(excinfo, code: str, message: str | None = None, contains: str | None = None,
                 startswith: str | None = None):
    got_code, got_msg = client_error(excinfo)
    assert got_code == code, f"error code: expected {code}, got {got_code} ({got_msg!r})"
    if message is not None:
        assert got_msg == message, f"message mismatch:\n  expected {message!r}\n  got      {got_msg!r}"
    if contains is not None:
        assert contains in got_msg, f"message {got_msg!r} does not contain {contains!r}"
    if startswith is not None:
        assert got_msg.startswith(startswith), f"message {got_msg!r} does not start with {startswith!r}"
    status = excinfo.value.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    assert status is not None and 400 <= status < 500, f"HTTP status {status} for {got_code}"


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def wait_until(predicate, timeout=5.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
