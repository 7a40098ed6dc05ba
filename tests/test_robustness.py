"""Never silently wrong, never destructive: bad numbers, files, shared contexts, deep copies,
text views and the command line. Each test is one item of the robustness audit; the fuzzers
at the end throw random input at the expression parser and at `load`."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import math
import os
import pickle
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd
from autograd import (
    AnomalyError,
    Value,
    detect_anomaly,
    draw,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    save_svg,
    tree,
)
from autograd.cli import main
from autograd.data import make_circles, make_moons, make_spiral, min_max_scale, standardize
from autograd.files import TMP_MARK, FileTargetError, write_atomic
from autograd.nn import MLP, binary_cross_entropy, hinge_loss, load, save
from autograd.optim import SGD, Adam, LambdaLR, StepLR
from autograd.train import DivergedError, fit

NAN, INF = math.nan, math.inf
ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# 1. Never silently wrong


NAN_PASSES = [
    ("relu", lambda v: v.relu()),
    ("leaky_relu", lambda v: v.leaky_relu(0.1)),
    ("abs", lambda v: abs(v)),
    ("hinge", lambda v: hinge_loss(v, 1.0)),
    ("sigmoid", lambda v: v.sigmoid()),
    ("tanh", lambda v: v.tanh()),
    ("exp", lambda v: v.exp()),
    ("log", lambda v: v.log()),
    ("sqrt", lambda v: v.sqrt()),
    ("**", lambda v: v**2),
    ("/", lambda v: 1 / v),
    ("sin", lambda v: v.sin()),
]


@pytest.mark.parametrize("name, op", NAN_PASSES, ids=[n for n, _ in NAN_PASSES])
def test_nan_passes_through_every_op(name: str, op: Callable[[Value], Value]) -> None:
    """As in PyTorch: relu, leaky_relu, abs and hinge pass NaN on (max(0, nan) is 0 in Python)."""
    out = op(Value(NAN, "x"))
    assert math.isnan(out.data), name
    with detect_anomaly(), pytest.raises(AnomalyError, match="produced nan"):
        op(Value(NAN, "x"))


def test_detect_anomaly_catches_a_nan_seed() -> None:
    leaf = Value(1.0, "leaf")
    with detect_anomaly():
        with pytest.raises(AnomalyError, match="seed gradient is nan"):
            leaf.backward(NAN)
        with pytest.raises(AnomalyError, match="seed gradient is inf"):
            (leaf * 2.0).backward(INF)
    leaf.backward(NAN)  # outside detect_anomaly: IEEE
    assert math.isnan(leaf.grad)


OVERFLOWS = [
    lambda: Value(1e308) * 10,
    lambda: Value(1e308) + Value(1e308),
    lambda: 1 / Value(1e-320),
    lambda: Value(800.0).exp(),
    lambda: Value(10.0) ** 400,
    lambda: Value(800.0).sinh() if hasattr(Value, "sinh") else autograd.math.sinh(Value(800.0)),
    lambda: autograd.math.cosh(Value(-800.0)),
    lambda: autograd.math.expm1(Value(800.0)),
]


@pytest.mark.parametrize("build", OVERFLOWS)
def test_one_overflow_policy_for_every_op(build: Callable[[], Value]) -> None:
    """IEEE's infinity, as PyTorch gives; detect_anomaly() names the op."""
    assert math.isinf(build().data)
    with detect_anomaly(), pytest.raises(AnomalyError, match="produced -?inf"):
        build()


def test_fit_refuses_non_finite_data_naming_the_sample() -> None:
    model = MLP(2, [4, 1], seed=0)
    X = [[0.0, 1.0], [1.0, NAN], [2.0, 0.0]]
    with pytest.raises(ValueError, match=r"X\[1\]\[1\] is nan.*\(sample 1\)"):
        fit(model, X, [1, -1, 1], progress=False)
    with pytest.raises(ValueError, match=r"y\[2\] is inf"):
        fit(model, [[0.0, 1.0]] * 3, [1.0, 1.0, INF], loss="mse", progress=False)


def test_fit_stops_when_training_diverges_and_names_epoch_and_batch() -> None:
    X, labels = make_moons(40, seed=0)
    y = [2 * t - 1 for t in labels]
    model = MLP(2, [8, 1], seed=0)
    with pytest.raises(DivergedError, match=r"in epoch \d+, batch \d+") as info:
        fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=1e300), epochs=5,
            batch_size=10, progress=False)
    e = info.value
    assert e.epoch >= 1 and e.batch >= 1
    assert all(math.isfinite(h["loss"]) for h in e.history)  # no finite loss for a broken model
    assert len(e.history) == e.epoch - 1


def test_fit_says_a_one_output_model_cannot_use_cross_entropy() -> None:
    with pytest.raises(ValueError, match="needs one output per class, but the model has one"):
        fit(MLP(2, [4, 1], seed=0), [[0.0, 1.0]] * 40, [0] * 40, loss="cross_entropy",
            progress=False)


@pytest.mark.parametrize("call, text", [
    (lambda: make_moons(noise=INF), "noise must be a finite number"),
    (lambda: make_moons(noise=NAN), "noise must be a finite number"),
    (lambda: make_circles(noise=INF), "noise must be a finite number"),
    (lambda: make_spiral(noise=-1.0), "noise must be a finite number"),
    (lambda: standardize([[1.0]], ([NAN], [1.0])), r"mu\[0\] = nan"),
    (lambda: standardize([[1.0]], ([0.0], [INF])), r"sigma\[0\] = inf"),
    (lambda: min_max_scale([[1.0]], ([-INF], [INF])), r"min\[0\] = -inf"),
    (lambda: min_max_scale([[1.0]], ([0.0], [1.0, 2.0])), "has 1 entries but max has 2"),
])
def test_data_refuses_non_finite_settings(call: Callable[[], object], text: str) -> None:
    with pytest.raises(ValueError, match=text):
        call()


@pytest.mark.parametrize("schedule, text", [
    (lambda opt: LambdaLR(opt, lambda epoch: NAN if epoch == 2 else 1.0), "epoch 2 is nan"),
    (lambda opt: LambdaLR(opt, lambda epoch: -1.0 if epoch == 1 else 1.0), "epoch 1 is -"),
    (lambda opt: LambdaLR(opt, lambda epoch: "fast"), "'fast' for epoch 0"),  # type: ignore
    (lambda opt: StepLR(opt, 1, gamma=1e300), "epoch 1 is inf"),
])
def test_schedulers_check_every_rate(schedule: Callable[[Any], Any], text: str) -> None:
    opt = Adam([Value(1.0)], lr=1e10)
    with pytest.raises(ValueError, match=text):
        sched = schedule(opt)
        for _ in range(3):
            sched.step()


def test_binary_cross_entropy_refuses_nan_probabilities() -> None:
    with pytest.raises(ValueError, match=r"p\[0\] = nan"):
        binary_cross_entropy([Value(NAN)], [1.0])


# ---------------------------------------------------------------------------------------------
# 2. Never destructive with files


@pytest.fixture
def model() -> MLP:
    return MLP(2, [3, 1], seed=0)


def test_devices_fifos_and_folders_are_refused_before_opening(tmp_path: Path, model: MLP) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    y = Value(2.0, "x") * 3.0
    writers: list[Callable[[Path], object]] = [
        lambda p: save(model, p), lambda p: save_svg(y, p),
        lambda p: write_atomic(p, b"data", what="test")]
    for target, kind in ((Path("/dev/null"), "character device"), (fifo, "FIFO"),
                         (tmp_path, "folder")):
        before = os.stat(target)
        for write in writers:  # no hang: a FIFO is never opened
            with pytest.raises(FileTargetError, match=kind):
                write(target)
        after = os.stat(target)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_symlink_stays_a_symlink_and_its_target_is_written(tmp_path: Path, model: MLP) -> None:
    real = tmp_path / "real.json"
    real.write_text("{}")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    save(model, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load(real).state_dict() == model.state_dict()


def test_modes_are_kept_or_follow_the_umask(tmp_path: Path, model: MLP) -> None:
    shared = tmp_path / "shared.json"
    shared.write_text("{}")
    shared.chmod(0o640)
    save(model, shared)
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o640  # not tightened to 0600
    old = os.umask(0o027)
    try:
        save(model, tmp_path / "new.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o640  # 0666 & ~027


def test_failures_leave_no_temporary_files(tmp_path: Path, model: MLP,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model.json"
    save(model, target)
    before = target.read_bytes()

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        save(MLP(2, [3, 1], seed=1), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]
    assert TMP_MARK == ".autograd-tmp-"  # what a leftover after a kill is called


def test_bytes_paths_work_for_save_and_load(tmp_path: Path, model: MLP) -> None:
    path = os.fsencode(tmp_path / "model.json")
    save(model, path)
    assert load(path).state_dict() == model.state_dict()


def test_a_pipe_reached_through_a_name_is_refused_before_opening(model: MLP) -> None:
    """``--html /dev/stdout`` into a pipe: /dev/stdout leads to a pipe that has no name of its
    own (/proc/self/fd/1 reads ``pipe:[1234]``); it is refused like a FIFO, nothing written."""
    read, write = os.pipe()
    try:
        for path in (f"/dev/fd/{write}", f"/proc/self/fd/{write}"):
            for target in (path, os.fsencode(path)):
                with pytest.raises(FileTargetError, match=f"{path} is a pipe, not a file"):
                    write_atomic(target, b"data", what="test")
            with pytest.raises(FileTargetError, match="is a pipe"):
                save(model, path)
        os.close(write)
        assert os.read(read, 10) == b""  # nothing went into the pipe
    finally:
        os.close(read)
        with contextlib.suppress(OSError):
            os.close(write)


def test_the_cli_refuses_a_pipe_as_its_html_file_up_front() -> None:
    done = run_cli("grad", "x*y", "x=1", "y=2", "--html", "/dev/stdout")
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # refused before any work
    assert done.stderr == ("autograd grad: --html: /dev/stdout is a pipe, not a file; refusing "
                           "to write into it: give the name of a file\n")


@pytest.mark.parametrize("name", ["a" * 232, "b" * 233, "c" * 250, "d" * 255, "é" * 127,
                                  "ß" * 120 + ".json"])
def test_names_up_to_the_file_system_s_limit_are_written(tmp_path: Path, name: str) -> None:
    """A name may take all 255 bytes: the temporary file next to it gets a shortened name."""
    assert len(os.fsencode(name)) <= 255
    target = tmp_path / name
    target.write_bytes(b"old")
    write_atomic(target, b"new", what="test")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    with pytest.raises(FileTargetError, match="File name too long"):
        write_atomic(tmp_path / (name + "x" * 256), b"data", what="test")


@pytest.mark.parametrize("args, text", [
    (["--svg", ""], "no file name given"),
    (["--svg", "out.png.txt"], "cannot write a drawing as .txt"),
    (["--svg", "/dev/null"], "character device"),
    (["--html", "/dev/null"], "character device"),
])
def test_cli_refuses_bad_targets_before_any_work(args: list[str], text: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "x*y", "x=1", "y=2", *args]) == 2
    captured = capsys.readouterr()
    assert text in captured.err and captured.out == ""  # nothing computed or printed


def _cli_as_user_nobody(args: list[str]) -> tuple[int, str]:
    """Run the CLI in a forked child that has dropped root for the user nobody (uid 65534):
    root may write into any folder, so a read-only folder can only be tested as another user."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code, err = 99, io.StringIO()
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                code = main(args)
        except BaseException as e:  # reported to the parent, which fails the test
            err.write(f"child failed: {e!r}")
        finally:
            os.write(write, json.dumps([code, err.getvalue()]).encode())
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    code, err = json.loads(data)
    return int(code), str(err)


def test_cli_refuses_a_read_only_folder_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:  # a folder the user nobody can enter but not write into
        base = Path(tempfile.mkdtemp(prefix="autograd-ro-"))  # tmp_path: only root enters
        folder = base / "ro"
        try:
            folder.mkdir(mode=0o555)
            base.chmod(0o755)
            code, err = _cli_as_user_nobody(["grad", "x*2", "x=1", "--svg", str(folder / "g.svg")])
            assert list(folder.iterdir()) == []
        finally:
            shutil.rmtree(base)  # root removes it whatever its modes
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        code = main(["grad", "x*2", "x=1", "--svg", str(folder / "g.svg")])
        err = capsys.readouterr().err
    assert code == 2, err
    assert "not writable" in err and str(folder) in err


def test_svg_suffix_chooses_the_format(tmp_path: Path) -> None:
    y = Value(2.0, "x") * 3.0
    dot = save_svg(y, tmp_path / "g.dot")
    assert dot.read_text().startswith("digraph autograd {")
    pytest.importorskip("graphviz")
    if not any(os.access(os.path.join(d, "dot"), os.X_OK) for d in os.environ["PATH"].split(":")):
        pytest.skip("Graphviz's dot is not installed")
    png = save_svg(y, tmp_path / "g.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    svg = save_svg(y, tmp_path / "g.svg")
    assert b"<svg" in svg.read_bytes()


def test_demo_refuses_a_file_as_its_folder_before_any_work(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taken = tmp_path / "taken"
    taken.write_text("mine")
    assert main(["demo", "--out", str(taken)]) == 2
    captured = capsys.readouterr()
    assert "a file of that name exists" in captured.err and captured.out == ""
    assert taken.read_text() == "mine"


def valid_file(tmp_path: Path, model: MLP) -> Path:
    path = tmp_path / "model.json"
    save(model, path)
    return path


@pytest.mark.parametrize("content, text", [
    ('{"format": "autograd-scalar.mlp", "version": 1, "activation": "relu", "layers": [{"weight": '
     '[[' + "9" * 320 + ', 1]], "bias": [0]}]}', "finite number"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"format": "autograd-scalar.mlp", "version": 1e999}', "unsupported version"),
])
def test_load_turns_every_bad_file_into_a_value_error(tmp_path: Path, content: str,
                                                      text: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=text) as info:
        load(path)
    assert str(path) in str(info.value)


def test_load_has_a_size_limit(tmp_path: Path, model: MLP) -> None:
    path = valid_file(tmp_path, model)
    size = path.stat().st_size
    with pytest.raises(ValueError, match=f"the file is {size:,} bytes, more than max_bytes=100"):
        load(path, max_bytes=100)
    assert load(path, max_bytes=size).state_dict() == model.state_dict()
    big = tmp_path / "big.json"
    with open(big, "wb") as f:
        f.truncate(autograd.nn.MAX_BYTES + 1)  # a sparse file: no time or memory to make it
    started = time.perf_counter()
    with pytest.raises(ValueError, match="more than max_bytes"):
        load(big)
    assert time.perf_counter() - started < 2.0


# ---------------------------------------------------------------------------------------------
# 3. Contexts, copies and text views


@pytest.mark.parametrize("switch, check", [(no_grad(), lambda: not is_grad_enabled()),
                                           (detect_anomaly(), is_anomaly_enabled)])
def test_one_context_object_shared_by_threads(switch: Any, check: Callable[[], bool]) -> None:
    errors: list[BaseException] = []
    inside: list[bool] = []

    def worker() -> None:
        try:
            for _ in range(300):
                with switch:
                    with switch:  # nested, same object
                        inside.append(check())
                    inside.append(check())
                inside.append(not check())
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and all(inside) and len(inside) == 4 * 300 * 3
    assert not check()  # off again in this thread


def test_one_context_object_shared_by_asyncio_tasks() -> None:
    shared = no_grad()

    async def task(k: int) -> list[bool]:
        seen = []
        for _ in range(50):
            with shared:
                await asyncio.sleep(0)
                seen.append((Value(1.0) * 2).is_leaf)
            seen.append(not (Value(1.0) * 2).is_leaf)
        return seen

    async def run() -> list[list[bool]]:
        return await asyncio.gather(*(task(k) for k in range(8)))

    assert all(all(seen) for seen in asyncio.run(run()))
    assert is_grad_enabled()


def test_no_grad_applies_inside_generators_and_async_generators() -> None:
    @no_grad()
    def numbers() -> Iterator[bool]:
        for _ in range(3):
            yield (Value(1.0) * 2).is_leaf

    gen = numbers()
    assert next(gen) is True
    assert (Value(1.0) * 2).is_leaf is False  # not while the generator is suspended
    assert list(gen) == [True, True]

    @no_grad()
    async def anumbers() -> Any:
        for _ in range(3):
            await asyncio.sleep(0)
            yield is_grad_enabled()

    async def collect() -> list[bool]:
        return [x async for x in anumbers()]

    assert asyncio.run(collect()) == [False, False, False]
    assert is_grad_enabled()


def chain(n: int) -> tuple[Value, Value]:
    x = Value(0.5, "x")
    v = x
    for _ in range(n):
        v = v * 1.000001 + 0.25
    v.label = "root"
    v.backward()
    return x, v


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_deep_graphs_copy_and_pickle_without_recursion(how: str) -> None:
    x, root = chain(50_000)  # 100,000 nodes
    limit = sys.getrecursionlimit()
    assert limit < 100_000  # so a copy that recursed through the operands would fail
    other = copy.deepcopy(root) if how == "deepcopy" else pickle.loads(pickle.dumps(root))
    assert sys.getrecursionlimit() == limit  # and the copy did not raise the limit to get by
    assert other is not root and other.data == root.data and other.label == "root"
    a, b = autograd.walk(root), autograd.walk(other)
    assert len(a) == len(b) == 100_001
    for u, v in zip(a[:50], b[:50], strict=True):  # the same graph, field by field
        assert (u.data, u.grad, u.label, u.op, u.local_grads, u.constant) == \
            (v.data, v.grad, v.label, v.op, v.local_grads, v.constant)
    assert b[-1].label == "x" and b[-1].is_leaf and b[-1].grad == x.grad


def test_a_pickled_model_graph_keeps_its_parameters_shared() -> None:
    model = MLP(2, [3, 1], seed=0)
    a, b = model([0.5, 1.0]), model([1.0, -1.0])
    a2, b2 = pickle.loads(pickle.dumps([a, b]))
    shared = set(autograd.walk(a2)) & set(autograd.walk(b2))
    assert len([v for v in shared if v.owner is not None]) == len(model.parameters())


def test_tree_is_linear_and_escapes_control_characters() -> None:
    x = Value(1.0, "\x1b[2J")
    for _ in range(20_000):
        x = x * 1.0
    sizes = [len(tree(x, max_nodes=k)) for k in (2_000, 4_000, 8_000)]
    assert sizes[2] < 2.2 * sizes[1] < 4.6 * sizes[0]
    assert "\x1b" not in tree(x, max_nodes=30_000)


def test_draw_guards_edges_and_gives_dot_a_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    hub = [Value(float(k)) for k in range(300)]
    root = autograd.sum([autograd.sum(hub) * float(k) for k in range(20)])
    with pytest.raises(autograd.GraphTooLargeError, match=r"6,040 edges.*max_edges=5,000"):
        draw(root)
    with pytest.raises(ValueError, match="timeout must be"):
        draw(root, timeout=0)
    small = draw(Value(1.0) * 2.0, timeout=0.001)
    assert small.timeout == 0.001
    if not any(os.access(os.path.join(d, "dot"), os.X_OK) for d in os.environ["PATH"].split(":")):
        pytest.skip("Graphviz's dot is not installed")
    slow = draw(root, max_edges=10_000, max_nodes=10_000, timeout=0.01)
    with pytest.raises(autograd.RenderTimeoutError, match=r"more than 0.01 s"):
        slow.pipe(format="svg")


# ---------------------------------------------------------------------------------------------
# 4. The command line


def run_cli(*args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "autograd", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_closed_pipe_or_stdout_exits_quietly() -> None:
    for command in ("grad 'x*x + y' x=1 y=2 | head -1",
                    "demo --out /tmp/autograd-pipe-test | head -2"):
        done = subprocess.run(f"{sys.executable} -m autograd {command}", shell=True, cwd=ROOT,
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
    closed = subprocess.run(f"{sys.executable} -m autograd grad 'x*2' x=1 >&-", shell=True,
                            cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in closed.stderr


def test_option_values_are_kept_as_given(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["grad", "x*2", "x=1", "--svg", "-out.dot"]) == 0
    assert (tmp_path / "-out.dot").exists() and not (tmp_path / " -out.dot").exists()
    assert main(["grad", "-x*2", "x=1", "--svg=-two.dot"]) == 0
    assert (tmp_path / "-two.dot").exists()


def test_names_are_normalized_as_python_reads_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["grad", "ℌ + x", "ℌ=1", "x=1"]) == 0
    assert "∂f/∂H = 1" in capsys.readouterr().out


def test_non_finite_results_are_reported_the_same_way(
        capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["exp(x)", "x=800"], ["x * 1e308 * 10", "x=1"], ["1 / x", "x=1e-320"],
                 ["exp(800)"], ["sqrt(x)", "x=0"]):
        assert main(["grad", *args]) == 1, args
        err = capsys.readouterr().err
        assert "not a finite number" in err or "too large" in err or "undefined" in err, args


def test_version_constants_and_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        _version()
    assert info.value.code == 0
    assert autograd.__version__ in capsys.readouterr().out
    assert main(["grad", "sin(pi * x) + e", "x=0.5"]) == 0
    assert "∂f/∂x = " in capsys.readouterr().out
    assert main(["grad", "sigmod(x)", "x=1"]) == 2
    assert "did you mean sigmoid?" in capsys.readouterr().err


def _version() -> None:
    from autograd.cli import _parser

    parser, _ = _parser()
    parser.parse_args(["--version"])


# ---------------------------------------------------------------------------------------------
# Fuzzing


TOKENS = ["x", "y", "w", "1", "2.5", "0", "-", "+", "*", "/", "**", "(", ")", ",", "exp(",
          "log(", "sigmoid(", "leaky_relu(", "atan2(", "pi", "e", "1e999", "9" * 400, "__import__",
          "lambda", ":", "[", "]", "'", "\\", "\x00", "ℌ", "é", " ", "\n", "#", ".", "@", "%",
          "==", "if", "else", "**-", "sqrt(", "hypot(", "abs(", "nan", "inf"]


def test_python_s_own_syntax_warnings_do_not_reach_the_user(
        capsys: pytest.CaptureFixture[str]) -> None:
    # "1if" parses with a SyntaxWarning in Python 3.12+; the user sees our refusal only.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["grad", "1if x else 2", "x=1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograd grad: refused conditional expressions") and "Warning" not in err


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.sampled_from(TOKENS), max_size=60), st.lists(st.sampled_from(
    ["x=1", "y=-2", "w=0", "x=nan", "ℌ=1", "x", "=3", "pi=1"]), max_size=3))
def test_the_expression_parser_never_crashes(tokens: list[str], values: list[str]) -> None:
    expression = "".join(tokens)
    tracemalloc.start()
    started = time.perf_counter()
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(["grad", expression, *values])
    finally:
        sys.stdout, sys.stderr = old
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert code in (0, 1, 2)
    assert time.perf_counter() - started < 2.0 and peak < 200_000_000
    assert "Traceback" not in err.getvalue()
    if code:  # our message, or argparse's usage line for a bad command line
        assert "autograd grad: " in err.getvalue()


@pytest.fixture(scope="module")
def model_file_text() -> str:
    model = MLP(3, [4, 2], activation="tanh", seed=3)
    return json.dumps({"format": "autograd-scalar.mlp", "version": 1, "activation": "tanh",
                       "layers": [{"weight": [[w.data for w in n.w] for n in layer.neurons],
                                   "bias": [n.b.data for n in layer.neurons]}
                                  for layer in model.layers]})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_load_refuses_or_loads_every_mutation(tmp_path_factory: pytest.TempPathFactory,
                                              model_file_text: str, data: st.DataObject) -> None:
    text = model_file_text
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["delete", "insert", "replace", "cut"]))
        piece = data.draw(st.sampled_from(['"', "[", "]", "{", "}", ",", "1", "-", "e9", "nan",
                                           "null", "true", "\x00", "é", "1e400", " "]))
        if action == "delete":
            text = text[:at] + text[at + 1:]
        elif action == "insert":
            text = text[:at] + piece + text[at:]
        elif action == "replace":
            text = text[:at] + piece + text[at + len(piece):]
        else:
            text = text[:at]
    path = tmp_path_factory.mktemp("load") / "model.json"
    path.write_text(text, encoding="utf-8")
    target = MLP(3, [4, 2], activation="tanh", seed=9)
    before = target.state_dict()
    try:
        loaded = load(path, model=target)
    except ValueError:
        assert target.state_dict() == before  # refused: the model never partly changed
        return
    assert loaded is target
    reloaded = json.loads(text, parse_int=float)
    assert target.state_dict() == {f"L{i}.{k}": reloaded["layers"][i - 1][k]
                                   for i in (1, 2) for k in ("weight", "bias")}
