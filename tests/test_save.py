"""save / load: versioned JSON, exact round trips, atomic writes, refusing bad files."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

import autograd
from autograd.nn import MLP, load, save


def _awkward(model: MLP) -> MLP:
    """Give the parameters floats that only survive a text format written with repr."""
    values = [0.1 + 0.2, 1e-300, 5e-324, -2.5e300, 1 / 3, -0.0, 123456789.12345679]
    for i, p in enumerate(model.parameters()):
        p.data = values[i % len(values)] * (1 + i)
    return model


def test_round_trip_is_exact(tmp_path: Path) -> None:
    model = _awkward(MLP(3, [4, 2], activation="tanh", seed=0))
    path = tmp_path / "model.json"
    save(model, path)
    back = load(path)
    assert isinstance(back, MLP) and repr(back) == repr(model)
    assert [p.data for p in back.parameters()] == [p.data for p in model.parameters()]
    assert [repr(p.data) for p in back.parameters()] == [repr(p.data) for p in model.parameters()]
    x = [0.3, -0.7, 1.1]
    assert [o.data for o in back(x)] == [o.data for o in model(x)]  # type: ignore[union-attr]
    assert autograd.save is save and autograd.load is load


def test_file_layout_follows_torch_linear(tmp_path: Path) -> None:
    model = MLP(2, [3, 1], seed=1)
    path = tmp_path / "m.json"
    save(model, str(path))
    doc = json.loads(path.read_text())
    assert doc["format"] == "autograd-scalar.mlp" and doc["version"] == 1
    assert doc["activation"] == "tanh"  # the default
    assert [(len(L["weight"]), len(L["weight"][0]), len(L["bias"])) for L in doc["layers"]] == [
        (3, 2, 3), (1, 3, 1)]  # weight [out][in], bias [out]
    assert doc["layers"][0]["weight"][2][1] == model.layers[0].neurons[2].w[1].data
    assert [f for f in os.listdir(tmp_path)] == ["m.json"]  # no temporary file left


def test_loads_into_torch(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    model = MLP(2, [5, 5, 1], activation="relu", seed=4)
    path = tmp_path / "model.json"
    save(model, path)
    d = json.loads(path.read_text())  # the bridge shown in save's docstring
    mods: list[Any] = []
    for layer in d["layers"]:
        w = torch.tensor(layer["weight"], dtype=torch.float64)
        lin = torch.nn.Linear(w.shape[1], w.shape[0], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(w)
            lin.bias.copy_(torch.tensor(layer["bias"], dtype=torch.float64))
        mods += [lin, torch.nn.ReLU()]
    net = torch.nn.Sequential(*mods[:-1])
    for x in ([0.5, -1.5], [2.0, 0.25]):
        ours = model(x)
        assert not isinstance(ours, list)
        assert net(torch.tensor(x, dtype=torch.float64)).item() == pytest.approx(ours.data,
                                                                                rel=1e-13)


def test_load_into_an_existing_model(tmp_path: Path) -> None:
    src, dst = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    save(src, tmp_path / "a.json")
    assert load(tmp_path / "a.json", model=dst) is dst
    assert dst.state_dict() == src.state_dict()
    before = dst.state_dict()
    for other in (MLP(2, [4, 1], seed=0), MLP(2, [3, 1], activation="relu", seed=0)):
        save(other, tmp_path / "b.json")
        with pytest.raises(ValueError, match=r"the file holds MLP\(2, \[\d, 1\]"):
            load(tmp_path / "b.json", model=dst)
        assert dst.state_dict() == before


def test_save_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "model.json"
    save(MLP(2, [2, 1], seed=0), path)
    good = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        save(MLP(2, [2, 1], seed=9), path)
    assert path.read_bytes() == good  # the old file is intact
    assert os.listdir(tmp_path) == ["model.json"]  # and the temporary file is gone


def test_save_refuses_nan_and_non_models(tmp_path: Path) -> None:
    model = MLP(2, [1], seed=0)
    model.parameters()[1].data = float("nan")
    with pytest.raises(ValueError, match="parameter L1.N1.w2 is nan"):
        save(model, tmp_path / "x.json")
    with pytest.raises(TypeError, match="expected an MLP"):
        save([1.0], tmp_path / "x.json")  # type: ignore[arg-type]
    assert not os.listdir(tmp_path)


def _doc() -> dict[str, Any]:
    return {"format": "autograd-scalar.mlp", "version": 1, "activation": "relu",
            "layers": [{"weight": [[0.5, -0.5], [0.25, 1.0]], "bias": [0.0, 0.1]},
                       {"weight": [[1.0, 2.0]], "bias": [0.3]}]}


def _edit(path: str, value: Any) -> Any:
    def change(d: dict[str, Any]) -> None:
        *keys, last = path.split("/")
        target: Any = d
        for k in keys:
            target = target[int(k) if k.isdigit() else k]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return change


_DELETE = object()

BAD_DOCS = [
    (_edit("format", "something-else"), "not an autograd-scalar.mlp file"),
    (_edit("version", 2), "unsupported version 2"),
    (_edit("version", True), "unsupported version True"),
    (_edit("version", _DELETE), "unsupported version None"),
    (_edit("activation", "swish"), "unknown activation 'swish'"),
    (_edit("layers", []), "non-empty list"),
    (_edit("layers/0/bias", [0.0]), r"L1.bias has 1 entries; expected 2"),
    (_edit("layers/0/weight/1", [0.25]), "weight row 1 does not have 2 entries"),
    (_edit("layers/1/weight", [[1.0, 2.0, 3.0]]), "layer 2 takes 3 inputs but layer 1 has 2"),
    (_edit("layers/1/bias", _DELETE), "exactly \"weight\" and \"bias\""),
    (_edit("layers/0/weight/0/1", "0.5"), r"L1.weight\[0\]\[1\] is str"),
    (_edit("layers/0/weight/0/1", None), r"L1.weight\[0\]\[1\] is NoneType"),
    (_edit("layers/0/weight/0/1", True), r"L1.weight\[0\]\[1\] is bool"),
    (_edit("layers/1/bias/0", [0.3]), r"L2.bias\[0\] is list"),
    (_edit("layers/0/weight", [[], []]), "rows are empty"),
]


@pytest.mark.parametrize(("change", "message"), BAD_DOCS)
def test_bad_documents_are_refused_and_leave_the_model_alone(
        tmp_path: Path, change: Any, message: str) -> None:
    doc = _doc()
    change(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    model = MLP(2, [2, 1], activation="relu", seed=0)  # as the document says
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        load(path, model=model)
    with pytest.raises(ValueError, match=message):
        load(path)
    assert model.state_dict() == before


@pytest.mark.parametrize(("text", "message"), [
    ('{"format": "autograd-scalar.mlp", "version": 1, "activation": "relu", "layers": '
     '[{"weight": [[NaN, 1.0]], "bias": [0.0]}]}', "NaN is not a finite number"),
    ('{"format": "autograd-scalar.mlp", "version": 1, "activation": "relu", "layers": '
     '[{"weight": [[-Infinity, 1.0]], "bias": [0.0]}]}', "-Infinity is not a finite number"),
    ('{"format": "autograd-scalar.mlp", "version": 1, "activation": "relu", "layers": '
     '[{"weight": [[1e999, 1.0]], "bias": [0.0]}]}', r"L1.weight\[0\]\[0\] is inf"),
    ("[1, 2, 3]", "not an autograd-scalar.mlp file"),
    ("", "not valid JSON"),
])
def test_non_numbers_and_non_documents_are_refused(tmp_path: Path, text: str, message: str
                                                   ) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    model = MLP(2, [1], activation="relu", seed=0)  # as the documents say
    before = model.state_dict()
    with pytest.raises(ValueError, match=message):
        load(path, model=model)
    assert model.state_dict() == before


def test_every_truncation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    model = MLP(2, [2, 1], seed=3)
    save(model, path)
    text = path.read_bytes()
    target = MLP(2, [2, 1], seed=0)
    before = target.state_dict()
    for cut in range(len(text)):
        path.write_bytes(text[:cut])
        with pytest.raises(ValueError, match="not valid JSON|not an autograd|not a UTF-8"):
            load(path, model=target)
    assert target.state_dict() == before
    path.write_bytes(text)
    assert load(path, model=target).state_dict() == model.state_dict()


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_bytes(b"\x80\x04\x95pickle?")
    with pytest.raises(ValueError, match="not a UTF-8 text file"):
        load(path)


def test_what_is_not_a_regular_file_is_named_not_read(tmp_path: Path) -> None:
    """/dev/zero once read as 20 MB of zeros and was called "0 bytes, more than max_bytes"; a
    FIFO would block the open. Both are refused from what is at the path, before any read."""
    cases = [(tmp_path, "a folder")]
    if os.path.exists("/dev/zero"):
        cases.append((Path("/dev/zero"), "a character device"))
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)  # nobody writes to it: opening it to read would wait forever
        cases.append((fifo, r"a FIFO \(named pipe\)"))
    for path, kind in cases:
        shown = re.escape(str(path))
        with pytest.raises(ValueError, match=rf"^load: {shown} is {kind}, not a regular file"):
            load(path)
        link = tmp_path / "link.json"
        link.unlink(missing_ok=True)
        link.symlink_to(path)
        with pytest.raises(ValueError, match=rf"^load: {re.escape(str(link))} is {kind}"):
            load(link)


def test_load_checks_its_arguments(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    save(MLP(2, [1], seed=0), path)
    with pytest.raises(TypeError, match="load: the path must be a str or a path, not int"):
        load(3)  # type: ignore[arg-type]  # an int would be taken as an open file descriptor
    for bad in (0, -5, True, 1.5):
        with pytest.raises(ValueError, match="load: max_bytes must be a positive int"):
            load(path, max_bytes=bad)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.json")
