"""The backend interface: one method to generate, one to count tokens.

A backend (llama.py in-process, server.py for an OpenAI-compatible model
server, tests/echo_backend.py for tests) implements ``generate`` and ``count_tokens`` only. Prompt
building, budgeting, checks, caching and loop control live outside it, so a
new backend never touches the pipeline. Backends arrive through
``register`` like plugins, the built-in ones included (``default_backends``).
"""

from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from listsum.errors import UsageError


@dataclass(frozen=True)
class Prompt:
    """One request in both forms: chat messages for a model with a chat
    template, a plain completion text for a base model without one."""

    system: str
    user: str
    completion: str  # the whole prompt for a base model, ending where it should write


@dataclass
class Options:
    """Generation options; unknown keys are an error (``from_dict``)."""

    max_tokens: int = 160
    temperature: float = 0.2
    repeat_penalty: float = 1.2
    top_p: float = 0.9
    stop: tuple[str, ...] = ("\n\n\n", "<|im_end|>", "<end_of_turn>", "-- \n", "Thread:", "###")
    # A JSON schema the output must follow ("the model chooses"): llama.cpp
    # turns it into a grammar in-process; a server gets it as json_schema /
    # response_format. None: free text.
    schema: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.max_tokens < 1:
            raise UsageError(f"max_tokens: must be >= 1, got {self.max_tokens}")
        if not 0.0 <= self.temperature <= 2.0:
            raise UsageError(f"temperature: must be within 0..2, got {self.temperature}")
        if self.repeat_penalty < 1.0:
            raise UsageError(f"repeat_penalty: must be >= 1.0, got {self.repeat_penalty}")

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Options:
        known = {f.name for f in fields(cls)}
        extra = sorted(set(values) - known)
        if extra:
            raise UsageError(f"{extra[0]}: unknown option (known: {', '.join(sorted(known))})")
        return cls(**values)


@dataclass
class Completion:
    """What came back, with the numbers progress and eval report."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    looped: bool = False  # generation was cut because it started repeating


class Summariser(ABC):
    model_id: str = "unknown"
    model_hash: str = ""  # identifies the weights for the cache key
    has_chat_template: bool = False
    n_ctx: int = 2048
    concurrent: bool = False  # may serve several prompts at once (a server); see jobs.py

    @abstractmethod
    def generate(self, prompt: Prompt, options: Options) -> Iterator[str]:
        """Yield text pieces as they are produced."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` with this model's tokenizer."""

    def prompt_tokens(self, prompt: Prompt) -> int:
        text = prompt.system + "\n" + prompt.user if self.has_chat_template else prompt.completion
        return self.count_tokens(text)

    def complete(self, prompt: Prompt, options: Options) -> Completion:
        """Run ``generate`` and stop early on a repetition loop: a small
        model that starts repeating never recovers, so waiting for
        max_tokens only costs time."""
        start = time.monotonic()
        pieces: list[str] = []
        looped = False
        for piece in self.generate(prompt, options):
            pieces.append(piece)
            if len(pieces) % 8 == 0 and loop_start("".join(pieces)) is not None:
                looped = True
                break
        text = "".join(pieces)
        cut = loop_start(text)
        if cut is not None:  # keep the gist, drop the repetition
            text, looped = text[:cut].rstrip(), True
        return Completion(text=text, prompt_tokens=self.prompt_tokens(prompt),
                          completion_tokens=self.count_tokens(text) if text else 0,
                          seconds=time.monotonic() - start, looped=looped)


def loop_start(text: str, n: int = 8) -> int | None:
    """Character offset where the text starts repeating itself (the second
    occurrence of some n-word sequence), or None."""
    spans = [(m.start(), m.group(0).lower()) for m in re.finditer(r"\S+", text)]
    seen: set[tuple[str, ...]] = set()
    for i in range(len(spans) - n + 1):
        gram = tuple(w for _, w in spans[i:i + n])
        if gram in seen:
            return spans[i][0]
        seen.add(gram)
    return None


Factory = Callable[..., Summariser]
# Engines that run no backend: the registry's names come after these.
MODEL_FREE = ("extractive", "none")


@dataclass
class Registry:
    factories: dict[str, Factory] = field(default_factory=dict)
    loaded: bool = False

    def register(self, name: str, factory: Factory) -> None:
        self.factories[name] = factory

    def unregister(self, name: str) -> None:
        self.factories.pop(name, None)

    def _load(self) -> None:
        if not self.loaded:  # built-ins first, so a test's fake can still override one
            self.loaded = True
            registered, self.factories = self.factories, {}
            default_backends(self.register)
            self.factories.update(registered)

    def engines(self) -> tuple[str, ...]:
        """Every --engine value: the registered backends, then the model-free ones.
        The one list of engine names the CLI checks against."""
        self._load()
        return (*sorted(self.factories), *MODEL_FREE)

    def create(self, name: str, **kwargs: Any) -> Summariser:
        self._load()
        if name not in self.factories:
            raise UsageError(f"unknown engine {name!r} (known: {', '.join(sorted(self.factories))})")
        return self.factories[name](**kwargs)


def default_backends(register: Callable[[str, Factory], None]) -> None:
    """The built-in backends, registered the way a plugin would (the test
    fake registers itself from tests/conftest.py)."""
    from listsum.summarise.llama import LlamaSummariser
    from listsum.summarise.server import ServerSummariser

    register("llama", LlamaSummariser)
    register("server", ServerSummariser)


REGISTRY = Registry()
