#!/usr/bin/env bash
# Install what `make test` skips tests without (used by `make test-all`):
#
#   * the `torch` extra into .venv: the PyTorch cross-checks (the CPU build pinned in
#     pyproject.toml),
#   * Playwright into .venv and the Chromium browser from the system's packages (apt-get on
#     Debian/Ubuntu, Homebrew on macOS; otherwise it says how): the browser tests.
#
# Run `make setup` (scripts/setup.sh) first: this script only adds to .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="${VENV:-.venv}"
VPY="$VENV/bin/python"

say()  { printf '[test-all] %s\n' "$*"; }
warn() { printf '[test-all] WARNING: %s\n' "$*" >&2; }

[ -x "$VPY" ] || { warn "$VPY not found: run make setup first"; exit 1; }

export PIP_DISABLE_PIP_VERSION_CHECK=1
say "installing the torch and browser extras (PyTorch, Playwright) into $VENV"
"$VPY" -m pip install --quiet -e '.[torch,browser]'

# Runs a command as root: directly when we are root, through sudo otherwise (never asking for
# a password without a terminal).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [ -t 0 ] && [ -z "${CI:-}" ]; then sudo "$@"; else sudo -n "$@"; fi
    else
        return 1
    fi
}

has_chromium() {
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}

if has_chromium; then
    exit 0
fi
say "Chromium not found; installing it"
case "$(uname -s)" in
    Linux)
        if command -v apt-get >/dev/null 2>&1; then
            as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
            as_root env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends \
                chromium fonts-liberation || true
        fi
        ;;
    Darwin)
        command -v brew >/dev/null 2>&1 && brew install --cask chromium || true
        ;;
esac
hash -r
if has_chromium; then
    say "installed $(chromium --version 2>/dev/null || chromium-browser --version 2>/dev/null)"
else
    warn "could not install Chromium: the browser tests will be skipped."
    warn "Install it yourself (Debian/Ubuntu: sudo apt-get install chromium;"
    warn "macOS: brew install --cask chromium) and run make test-all again."
fi
