#!/usr/bin/env bash
# Install what `make test` skips tests without (used by `make test-all`):
#
#   * the `torch` extra into .venv: the PyTorch cross-checks (the CPU build pinned in
#     pyproject.toml),
#   * Playwright into .venv (the `browser` extra) and the Chromium browser from the system's
#     packages (apt-get on Debian/Ubuntu, Homebrew on macOS; otherwise it says how): the
#     browser tests, which look for the program `chromium`.
#
# Each is installed only when it is missing, and the script says which ones it installs.
# Run `make setup` (scripts/setup.sh) first: this script only adds to .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="${VENV:-.venv}"
VPY="$VENV/bin/python"

say()  { printf '[test-all] %s\n' "$*"; }
warn() { printf '[test-all] WARNING: %s\n' "$*" >&2; }

[ -x "$VPY" ] || { warn "$VPY not found: run make setup first"; exit 1; }

# pip install "$@", saying what it does: on a terminal, one line that names each package as
# pip collects it (torch is large: a minute or more). pip's whole output goes to
# $VENV/.pip-install.log, whose end is shown if pip fails.
pip_install() {
    local log="$VENV/.pip-install.log" status=0 line name
    if [ -t 1 ]; then
        "$VPY" -m pip install --progress-bar off "$@" 2>&1 | tee "$log" | {
            while IFS= read -r line; do
                case "$line" in
                    Collecting\ *|Downloading\ *|\ \ Downloading\ *)
                        name="${line#"${line%%[! ]*}"}"
                        printf '\r\033[K[test-all]   %.70s' "$name"
                        ;;
                esac
            done
            printf '\r\033[K'
        } || status=$?
    else
        "$VPY" -m pip install --progress-bar off "$@" >"$log" 2>&1 || status=$?
    fi
    if [ "$status" -ne 0 ]; then
        tail -n 25 "$log" >&2
        warn "pip install $* failed (its whole output: $log)"
        exit 1
    fi
}

export PIP_DISABLE_PIP_VERSION_CHECK=1
extras=()
"$VPY" -c 'import torch' 2>/dev/null || extras+=(torch)
"$VPY" -c 'import playwright' 2>/dev/null || extras+=(browser)
if [ "${#extras[@]}" -gt 0 ]; then
    wanted="$(IFS=,; echo "${extras[*]}")"
    names="${wanted/torch/PyTorch (the CPU build: a large download)}"
    names="${names/browser/Playwright}"
    say "installing into $VENV: ${names/,/ and } (the [$wanted] extras)"
    pip_install -e ".[$wanted]"
fi

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

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
say "the chromium program is missing; installing Chromium (with apt-get or brew)"
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
if command -v chromium >/dev/null 2>&1; then
    say "installed $(chromium --version 2>/dev/null)"
elif command -v chromium-browser >/dev/null 2>&1; then
    warn "found chromium-browser, but the browser tests run the program chromium: link it,"
    warn "  sudo ln -s \"$(command -v chromium-browser)\" /usr/local/bin/chromium"
else
    warn "could not install Chromium: the browser tests will be skipped."
    warn "Install it yourself (Debian/Ubuntu: sudo apt-get install chromium;"
    warn "macOS: brew install --cask chromium) and run make test-all again."
fi
