"""Saving a model to a file and loading it back: versioned JSON, nothing executable in it.

`save` writes atomically (`autograd.files.write_atomic`); `load` checks the whole file before
any parameter changes. `autograd.nn` re-exports both, and the package itself has them as
``autograd.save`` and ``autograd.load``.
"""

from __future__ import annotations

import json
import math
import os
import stat

from .files import kind_of, write_atomic
from .mlp import ACTIVATIONS, MLP, StateDict

__all__ = ["FORMAT", "MAX_BYTES", "VERSION", "load", "save"]

FORMAT = "autograd-scalar.mlp"
"""The ``"format"`` field of every model file."""

VERSION = 1
"""The version of the file layout that `save` writes and `load` reads."""


def save(model: MLP, path: str | os.PathLike[str]) -> None:
    """Write `model` to `path` as JSON, atomically (`autograd.files.write_atomic`: a temporary
    file in the same folder, flushed and fsynced, then renamed over `path`; a crash never leaves
    half a file, an existing file keeps its permissions, a device or FIFO is refused).

    The layout::

        {"format": "autograd-scalar.mlp", "version": 1, "activation": "relu",
         "layers": [{"weight": [[...], ...], "bias": [...]}, ...]}

    Each layer is laid out as `torch.nn.Linear` stores it: ``weight`` ``[out][in]`` (row j
    holds neuron j's weights) and ``bias`` ``[out]``. Floats are written with ``repr``, so
    `load` gets back exactly the same numbers. To continue in PyTorch, ``load(path).to_torch()``
    gives the network as a ``torch.nn.Sequential`` (see `MLP.to_torch`; `MLP.from_torch` comes
    back).
    """
    if not isinstance(model, MLP):
        raise TypeError(f"save: expected an MLP, not {type(model).__name__}")
    for name, p in model.named_parameters():
        if not math.isfinite(p.data):
            raise ValueError(f"save: parameter {name} is {p.data!r}; refusing to save it")
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "activation": model.activation,
        "layers": [
            {"weight": [[w.data for w in n.w] for n in layer.neurons],
             "bias": [n.b.data for n in layer.neurons]}
            for layer in model.layers
        ],
    }
    text = json.dumps(doc, allow_nan=False)
    write_atomic(path, text.encode("utf-8"), what="save")


MAX_BYTES = 20_000_000
"""`load` refuses larger files unless given a larger ``max_bytes`` (a model of a million
parameters is about 20 MB of JSON)."""


def load(path: str | bytes | os.PathLike[str], model: MLP | None = None, *,
         max_bytes: int = MAX_BYTES) -> MLP:
    """Read a model written by `save`: a new `MLP`, or, given ``model=``, its parameters
    replaced in place (the file must then match its sizes and activation).

    A file that is not valid JSON (truncated, say), has another format or version, has the wrong
    shapes, holds anything but finite numbers, is nested absurdly deep, or is larger than
    ``max_bytes`` raises `ValueError` saying what and where; the file is fully checked before
    any parameter changes, so ``model`` stays as it was. A path that is not a regular file (a
    folder, a device such as ``/dev/zero``, a FIFO, a socket) is refused before it is read,
    naming what it is.
    """
    if not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"load: the path must be a str or a path, not {type(path).__name__}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"load: max_bytes must be a positive int, not {max_bytes!r}")
    where = f"load: {os.fsdecode(path)}"
    raw = _read_regular_file(path, where, max_bytes)
    try:
        doc = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant, parse_int=float)
    except UnicodeDecodeError as e:
        raise ValueError(f"{where}: not a UTF-8 text file ({e.reason})") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{where}: not valid JSON, the file may be truncated or damaged "
                         f"({e.msg} at line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise ValueError(f"{where}: nested too deeply to be a model file") from None
    except ValueError as e:  # NaN or Infinity in the file
        raise ValueError(f"{where}: {e}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{where}: not an {FORMAT} file (no \"format\": \"{FORMAT}\")")
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        raise ValueError(f"{where}: unsupported version {version!r}; this version of "
                         f"autograd-scalar reads version {VERSION}")
    activation = doc.get("activation")
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"{where}: unknown activation {activation!r}; "
                         f"expected one of {list(ACTIVATIONS)}")
    layers = doc.get("layers")
    if not isinstance(layers, list) or not layers:
        raise ValueError(f"{where}: \"layers\" must be a non-empty list")
    sizes: list[int] = []
    state: StateDict = {}
    for i, layer in enumerate(layers, 1):
        if not isinstance(layer, dict) or set(layer) != {"weight", "bias"}:
            raise ValueError(f"{where}: layer {i} must have exactly \"weight\" and \"bias\"")
        weight, bias = layer["weight"], layer["bias"]
        if not isinstance(weight, list) or not weight or not isinstance(weight[0], list):
            raise ValueError(f"{where}: layer {i} weight must be a non-empty list of rows")
        nin = len(weight[0])
        if not sizes:
            sizes.append(nin)
        elif nin != sizes[-1]:
            raise ValueError(f"{where}: layer {i} takes {nin} inputs but layer {i - 1} "
                             f"has {sizes[-1]} outputs")
        if nin == 0:
            raise ValueError(f"{where}: layer {i} weight rows are empty")
        for j, row in enumerate(weight):
            if not isinstance(row, list) or len(row) != nin:
                raise ValueError(f"{where}: layer {i} weight row {j} does not have {nin} "
                                 "entries (weight must be [out][in])")
        sizes.append(len(weight))
        state[f"L{i}.weight"] = weight
        state[f"L{i}.bias"] = bias
    if model is None:
        target = MLP(sizes[0], sizes[1:], activation, seed=0)
    else:
        if not isinstance(model, MLP):
            raise TypeError(f"load: model must be an MLP, not {type(model).__name__}")
        if [model.nin, *model.nouts] != sizes or model.activation != activation:
            raise ValueError(f"{where}: the file holds MLP({sizes[0]}, {sizes[1:]}, "
                             f"activation={activation!r}), not {model!r}")
        target = model
    try:
        target.load_state_dict(state)
    except ValueError as e:
        raise ValueError(f"{where}: {str(e).removeprefix('load_state_dict: ')}") from None
    return target


def _refuse_unless_regular(mode: int, where: str) -> None:
    if not stat.S_ISREG(mode):
        kind = kind_of(mode)
        raise ValueError(f"{where} is {kind}, not a regular file; load reads the files "
                         "that save writes")


def _read_regular_file(path: str | bytes | os.PathLike[str], where: str, max_bytes: int
                       ) -> bytes:
    """At most ``max_bytes`` of the regular file at `path`. What is at the path is looked at
    before it is opened (opening a device or FIFO can block or have effects), and again on the
    open file, in case it was swapped in between."""
    _refuse_unless_regular(os.stat(path).st_mode, where)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    with open(os.open(path, flags), "rb") as f:
        info = os.fstat(f.fileno())
        _refuse_unless_regular(info.st_mode, where)
        raw = b"" if info.st_size > max_bytes else f.read(max_bytes + 1)
    if info.st_size > max_bytes or len(raw) > max_bytes:
        size = max(info.st_size, len(raw))
        raise ValueError(f"{where}: the file is {size:,} bytes, more than max_bytes="
                         f"{max_bytes:,}; a model file is far smaller (pass max_bytes= to read "
                         "it anyway)")
    return raw


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a finite number")
