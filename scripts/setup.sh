#!/usr/bin/env bash
# Set up a development environment for autograd-scalar.
#
#   * creates .venv with a Python >= 3.10 interpreter,
#   * installs the package in editable mode with the [test,notebooks] extras,
#   * registers a Jupyter kernel inside the venv (for nbmake),
#   * installs the Graphviz `dot` program if it is missing
#     (apt-get on Debian/Ubuntu, Homebrew on macOS; otherwise prints how to).
#
# Safe to run again: when nothing relevant changed it finishes in well under a
# second. The fingerprint of pyproject.toml, this script and the interpreter is
# kept in .venv/.setup-stamp; delete that file (or set SETUP_FORCE=1) to redo
# the installation.
#
# Environment variables:
#   PYTHON       interpreter to build the venv from (default: first of python3,
#                python3.13 ... python3.10 that is >= 3.10)
#   VENV         venv directory (default: .venv)
#   SETUP_FORCE  set to 1 to reinstall even when the stamp is up to date
#   SETUP_NEXT   what runs after the set-up (the Makefile sets it to its other targets,
#                e.g. "demo"); when empty or unset, the last line suggests make demo
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="${VENV:-.venv}"
STAMP="$VENV/.setup-stamp"
NO_DOT_MARK="$VENV/.graphviz-unavailable"
VPY="$VENV/bin/python"

say()  { printf '[setup] %s\n' "$*"; }
warn() { printf '[setup] WARNING: %s\n' "$*" >&2; }
die()  { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- helpers ---

# The packages pyproject.toml lists for the package and the extras given ("test notebooks"),
# comma-separated; nothing where Python cannot read TOML (3.10 has no tomllib).
listed_packages() {
    "$VPY" - "$@" 2>/dev/null <<'PY' || true
import re, sys, tomllib
with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)["project"]
wanted = project["dependencies"] + [
    d for extra in sys.argv[1:] for d in project["optional-dependencies"][extra]]
print(", ".join(dict.fromkeys(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0] for d in wanted)))
PY
}

# pip install "$@", saying what it does: on a terminal, one line that names each package as
# pip collects it, then says they are being installed; then how many were installed. pip's whole output goes to
# $VENV/.pip-install.log, whose end is shown if pip fails.
pip_install() {
    local log="$VENV/.pip-install.log" status=0 line name n=0 installed
    if [ -t 1 ]; then
        "$VPY" -m pip install --progress-bar off "$@" 2>&1 | tee "$log" | {
            while IFS= read -r line; do
                case "$line" in
                    Collecting\ *|Processing\ *.whl*)  # from an index / a local wheel
                        name="${line#* }"
                        name="${name%% *}"
                        name="${name##*/}"
                        name="${name%%[<>=!~;[]*}"
                        name="${name%%-[0-9]*}"
                        n=$((n + 1))
                        printf '\r\033[K[setup]   %d: %s' "$n" "$name"
                        ;;
                    Installing\ collected\ packages:*)
                        printf '\r\033[K[setup]   installing (%d collected)' "$n"
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
        die "pip install $* failed (its whole output: $log)"
    fi
    installed="$(sed -n 's/^Successfully installed //p' "$log" | wc -w)"
    if [ "$installed" -eq 1 ]; then
        say "  installed $(sed -n 's/^Successfully installed //p' "$log")"
    elif [ "$installed" -gt 1 ]; then
        say "  installed $installed packages (the list: $log)"
    else
        say "  everything was installed already"
    fi
}

is_py310() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' >/dev/null 2>&1
}

find_python() {
    local cand
    if [ -n "${PYTHON:-}" ]; then
        command -v "$PYTHON" >/dev/null 2>&1 || die "PYTHON=$PYTHON was not found."
        is_py310 "$PYTHON" || die "PYTHON=$PYTHON is $("$PYTHON" -V 2>&1); Python >= 3.10 is required."
        printf '%s\n' "$PYTHON"
        return
    fi
    for cand in python3 python3.13 python3.12 python3.11 python3.10; do
        if command -v "$cand" >/dev/null 2>&1 && is_py310 "$cand"; then
            printf '%s\n' "$cand"
            return
        fi
    done
    if command -v python3 >/dev/null 2>&1; then
        die "found $(python3 -V 2>&1) but Python >= 3.10 is required. Install a newer Python
        (Debian/Ubuntu: sudo apt-get install python3; macOS: brew install python) or point
        PYTHON at one, e.g. PYTHON=python3.12 make test"
    fi
    die "python3 was not found. Install Python >= 3.10 (Debian/Ubuntu: sudo apt-get install
        python3 python3-venv; macOS: brew install python) and run this again."
}

# Runs a command as root: directly when we are root, through sudo otherwise.
# Without a terminal (CI, no stdin) sudo must not ask for a password.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [ -t 0 ] && [ -z "${CI:-}" ]; then
            sudo "$@"
        else
            sudo -n "$@"
        fi
    else
        return 1
    fi
}

is_debian_like() {
    command -v apt-get >/dev/null 2>&1 || return 1
    [ -f /etc/debian_version ] && return 0
    grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release 2>/dev/null
}

APT_UPDATED=0
apt_install() {
    if [ "$APT_UPDATED" -eq 0 ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "$@"
}

graphviz_help() {
    warn "the Graphviz 'dot' program is not installed and could not be installed automatically."
    warn "autograd still works; only rendering graphs to SVG/PNG needs it."
    warn "Install it yourself, then rerun:"
    warn "  Debian/Ubuntu: sudo apt-get update && sudo apt-get install graphviz"
    warn "  Fedora/RHEL:   sudo dnf install graphviz"
    warn "  Arch:          sudo pacman -S graphviz"
    warn "  macOS:         brew install graphviz"
    warn "  conda:         conda install -c conda-forge graphviz"
    warn "  other:         https://graphviz.org/download/"
}

ensure_dot() {
    if command -v dot >/dev/null 2>&1; then
        rm -f "$NO_DOT_MARK"
        return 0
    fi
    if [ -f "$NO_DOT_MARK" ]; then
        warn "Graphviz 'dot' is still missing (not retrying; delete $NO_DOT_MARK to retry)."
        return 0
    fi
    say "Graphviz 'dot' not found; installing the graphviz package (with apt-get or brew)"
    local ok=1
    case "$(uname -s)" in
        Linux)
            if is_debian_like; then
                apt_install graphviz && ok=0
            fi
            ;;
        Darwin)
            if command -v brew >/dev/null 2>&1; then
                brew install graphviz && ok=0
            fi
            ;;
    esac
    hash -r
    if [ "$ok" -eq 0 ] && command -v dot >/dev/null 2>&1; then
        say "installed $(dot -V 2>&1)"
        rm -f "$NO_DOT_MARK"
    else
        graphviz_help
        mkdir -p "$VENV" && : > "$NO_DOT_MARK"
    fi
}

create_venv() {
    local py="$1" ver
    ver="$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    say "creating $VENV with $py (Python $ver)"
    if "$py" -m venv "$VENV"; then
        return 0
    fi
    # Debian/Ubuntu ship venv/ensurepip in a separate package.
    rm -rf "$VENV"
    if is_debian_like; then
        say "python -m venv failed; installing the python${ver}-venv package"
        if apt_install "python${ver}-venv" || apt_install python3-venv; then
            "$py" -m venv "$VENV" && return 0
            rm -rf "$VENV"
        fi
    fi
    die "could not create a virtual environment with $py.
        On Debian/Ubuntu: sudo apt-get install python3-venv"
}

fingerprint() {
    # Anything that should trigger a reinstall when it changes.
    {
        cat pyproject.toml scripts/setup.sh
        "$VPY" -c 'import sys; print(sys.version)'
    } | cksum
}

# ------------------------------------------------------------------- main ---

[ -f pyproject.toml ] || die "pyproject.toml not found in $ROOT"

# Fast path: venv works and the stamp matches.
if [ "${SETUP_FORCE:-0}" != 1 ] && [ -x "$VPY" ] && is_py310 "$VPY" && [ -f "$STAMP" ] \
    && [ "$(cat "$STAMP")" = "$(fingerprint)" ]; then
    ensure_dot
    exit 0
fi

# A venv that is broken or too old is rebuilt from scratch.
if [ -e "$VENV" ] && ! { [ -x "$VPY" ] && is_py310 "$VPY"; }; then
    say "$VENV is unusable or older than Python 3.10; recreating it"
    rm -rf "$VENV"
fi
if [ ! -x "$VPY" ]; then
    BASE_PY="$(find_python)"
    create_venv "$BASE_PY"
fi
say "using $("$VPY" -V 2>&1) in $VENV"

rm -f "$NO_DOT_MARK"   # a full run always retries installing Graphviz
ensure_dot

export PIP_DISABLE_PIP_VERSION_CHECK=1
say "upgrading pip"
pip_install --upgrade pip

PACKAGES="$(listed_packages test notebooks)"
say "installing autograd-scalar (editable) with the [test,notebooks] extras${PACKAGES:+: $PACKAGES}"
say "  and the packages they need (half a minute or so the first time)"
pip_install -e '.[test,notebooks]'

# nbmake runs notebooks on the kernel named in their metadata ("python3");
# registering it inside the venv makes that kernel this venv's interpreter.
say "registering the Jupyter kernel inside $VENV"
"$VPY" -m ipykernel install --sys-prefix --name python3 \
    --display-name "Python 3 (autograd-scalar)" >/dev/null

fingerprint > "$STAMP"
if [ -n "${SETUP_NEXT:-}" ]; then
    say "done"
else
    say "done. Try: make demo   or   make test"
fi
