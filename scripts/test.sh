#!/usr/bin/env bash
# The project's test command: builds the server, runs every Rust test (unit, property and
# end-to-end) and the Python end-to-end suite (boto3 against the real binary).
#
# Works on a fresh Debian machine that has only Rust, python3 and pip: the Python tools go into
# .venv (created once, then reused). Exits non-zero if anything fails, after running both suites.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
VENV="$ROOT/.venv"
LOG_DIR=$(mktemp -d)
trap 'rm -rf "$LOG_DIR"' EXIT

say() { printf '==> %s\n' "$*"; }

# --- Python virtualenv with boto3 + pytest -------------------------------------------------
venv_ok() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import boto3, pytest' >/dev/null 2>&1
}

install_venv_support() {
    # Debian ships venv/ensurepip separately, in python3-venv.
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "installing python3-venv"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    else
        echo "error: cannot create a virtualenv: install python3-venv" >&2
        exit 1
    fi
}

ensure_venv() {
    if venv_ok; then
        return 0
    fi
    if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        rm -rf "$VENV" # a half-made venv without pip: start over
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
            install_venv_support
        fi
        say "creating $VENV"
        if ! python3 -m venv "$VENV"; then
            rm -rf "$VENV"
            install_venv_support
            python3 -m venv "$VENV"
        fi
    fi
    say "installing boto3 and pytest into .venv"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
        'boto3>=1.34,<2' 'pytest>=7,<10'
}

ensure_venv

# --- Rust: build the binary, then every test in the workspace --------------------------------
say "cargo build"
cargo build

rust_rc=0
say "cargo test --workspace --no-fail-fast"
cargo test --workspace --no-fail-fast 2>&1 | tee "$LOG_DIR/cargo.log" || rust_rc=$?

# --- Python end-to-end suite --------------------------------------------------------------
py_rc=0
say "pytest tests/python"
GANNET_BIN="${GANNET_BIN:-target/debug/gannet}" \
    "$VENV/bin/pytest" -q --tb=short -p no:cacheprovider tests/python 2>&1 | tee "$LOG_DIR/pytest.log" || py_rc=$?

# --- Summary ---------------------------------------------------------------------------------
# cargo prints one "test result:" line per test binary; add them up.
read -r rust_passed rust_failed < <(
    grep -E '^test result: ' "$LOG_DIR/cargo.log" |
        sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' |
        awk '{p+=$1; f+=$2} END {print p+0, f+0}'
)
py_summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|error)' "$LOG_DIR/pytest.log" | tail -n 1 || true)
py_passed=$(grep -oE '[0-9]+ passed' <<<"$py_summary" | grep -oE '[0-9]+' || echo 0)
py_failed=$(grep -oE '[0-9]+ failed' <<<"$py_summary" | grep -oE '[0-9]+' || echo 0)
py_errors=$(grep -oE '[0-9]+ errors?' <<<"$py_summary" | grep -oE '[0-9]+' || echo 0)

echo
echo "rust (cargo test): ${rust_passed} passed, ${rust_failed} failed (exit ${rust_rc})"
echo "python (pytest): ${py_summary:-no summary} (exit ${py_rc})"
total_passed=$((rust_passed + py_passed))
total_failed=$((rust_failed + py_failed + py_errors))
if [ "$rust_rc" -ne 0 ] && [ "$rust_failed" -eq 0 ]; then
    # cargo failed before running tests (e.g. a compile error): count it as a failure.
    total_failed=$((total_failed + 1))
fi
if [ "$py_rc" -ne 0 ] && [ "$py_failed" -eq 0 ] && [ "$py_errors" -eq 0 ]; then
    total_failed=$((total_failed + 1))
fi
echo "total: ${total_passed} passed, ${total_failed} failed"

if [ "$rust_rc" -ne 0 ] || [ "$py_rc" -ne 0 ]; then
    exit 1
fi
