"""llama-cpp-python in-process. llama_cpp is imported on first use only, so
`listsum --help` and the extractive engine never load it.

The model's own chat template (GGUF metadata) is used through
``create_chat_completion``; a base model without one gets the plain
completion prompt.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from listsum.errors import ModelError
from listsum.summarise.base import Options, Prompt, Summariser
from listsum.summarise.gguf import info, resolve

# Prompts are budgeted well below this; a bigger window only costs memory.
MAX_CTX = 8192


def file_hash(path: Path) -> str:
    """sha256 of size + first and last MiB: cheap, and a different or
    re-quantised file changes it."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with open(path, "rb") as fh:
        h.update(fh.read(1 << 20))
        fh.seek(max(0, size - (1 << 20)))
        h.update(fh.read(1 << 20))
    return h.hexdigest()[:16]


def default_threads() -> int:
    """Threads for llama.cpp: the cores that are idle now, 1 to 4.

    llama.cpp's OpenMP workers spin at every barrier. When they share cores
    with other work, two threads ran 10-50x slower than one here (see
    bench/RESULTS.md, "threads under load"), so busy cores are not counted.
    """
    cpus = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except OSError:  # not on every platform
        busy = 0.0
    return max(1, min(4, int(cpus - busy + 0.5)))


class LlamaSummariser(Summariser):
    def __init__(self, model: str | None = None, n_ctx: int | None = None, n_threads: int | None = None,
                 n_gpu_layers: int = 0, vocab_only: bool = False) -> None:
        self.path = resolve(model)
        meta = info(self.path)
        self.model_id = self.path.stem
        self.model_hash = file_hash(self.path)
        self.has_chat_template = meta.chat_template
        self.n_ctx = min(n_ctx or meta.context_length or 2048, MAX_CTX)
        self.n_threads = n_threads or default_threads()
        self.n_gpu_layers = n_gpu_layers
        self.vocab_only = vocab_only
        self._llm: Any = None
        self._grammars: dict[str, Any] = {}

    @property
    def llm(self) -> Any:
        if self._llm is None:
            self._llm = self._load()
        return self._llm

    def _load(self) -> Any:
        try:
            import llama_cpp
        except ImportError as exc:
            raise ModelError("llama-cpp-python is not installed",
                             hint="run `make setup` (it builds llama-cpp-python with flags that run here)") from exc
        try:
            return llama_cpp.Llama(model_path=str(self.path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                                   n_gpu_layers=self.n_gpu_layers, vocab_only=self.vocab_only, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"cannot load {self.path}: {exc}",
                             hint="the file may be corrupt or of an architecture this llama.cpp does not know") from exc

    def _grammar(self, schema: dict[str, Any]) -> Any:
        """Options.schema as a llama.cpp grammar: sampling can only produce
        JSON of that shape (llama-cpp-python 0.3.36: LlamaGrammar.from_json_schema,
        which both the chat and the completion path take as ``grammar``)."""
        import llama_cpp

        key = json.dumps(schema, sort_keys=True)
        if key not in self._grammars:
            self._grammars[key] = llama_cpp.LlamaGrammar.from_json_schema(key, verbose=False)
        return self._grammars[key]

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def generate(self, prompt: Prompt, options: Options) -> Iterator[str]:
        if self.vocab_only:
            raise ModelError("model loaded for counting only (vocab_only)")
        common = dict(max_tokens=options.max_tokens, temperature=options.temperature, top_p=options.top_p,
                      repeat_penalty=options.repeat_penalty, stop=list(options.stop), stream=True)
        if options.schema is not None:
            common["grammar"] = self._grammar(options.schema)
        self.llm.reset()  # no KV reuse across threads: each prompt stands alone
        if self.has_chat_template:
            messages = [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]
            for chunk in self.llm.create_chat_completion(messages=messages, **common):
                piece = chunk["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece
        else:
            for chunk in self.llm.create_completion(prompt.completion, **common):
                piece = chunk["choices"][0].get("text")
                if piece:
                    yield piece
