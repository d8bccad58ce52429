"""A fake backend for tests: records every prompt, replies from a queue or
with text derived from its input (the first line of the thread section),
and counts tokens as whitespace words. Registered like a real backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from listsum.summarise.base import Options, Prompt, Summariser


class EchoSummariser(Summariser):
    model_id = "echo"
    model_hash = "echo-1"
    has_chat_template = True

    def __init__(self, n_ctx: int | None = None, **_: object) -> None:
        self.n_ctx = n_ctx or 4096
        self.history: list[Prompt] = []
        self.replies: list[str] = []

    def enqueue(self, *replies: str) -> None:
        self.replies.extend(replies)

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def generate(self, prompt: Prompt, options: Options) -> Iterator[str]:
        self.history.append(prompt)
        if self.replies:
            text = self.replies.pop(0)
        elif options.schema is not None:  # the smallest output the schema allows
            text = json.dumps(instance(options.schema))
        else:
            subject = next((ln for ln in prompt.user.splitlines() if ln.startswith("Subject:")), "Subject: ?")
            text = f"The thread is about {subject.removeprefix('Subject:').strip()}."
        yield from (w + " " for w in text.split(" "))


def instance(schema: dict[str, Any]) -> Any:
    """A minimal value of a JSON schema: first enum value, minimum number,
    empty string, the fewest array items, every required property."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: instance(props[k]) for k in schema.get("required", list(props))}
    if kind == "array":
        return [instance(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return ""
