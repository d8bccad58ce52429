"""A fake backend for tests: records every prompt, replies from a queue or
with text derived from its input (the first line of the thread section),
and counts tokens as whitespace words. Registered like a real backend."""

from __future__ import annotations

from collections.abc import Iterator

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
        else:
            subject = next((ln for ln in prompt.user.splitlines() if ln.startswith("Subject:")), "Subject: ?")
            text = f"The thread is about {subject.removeprefix('Subject:').strip()}."
        yield from (w + " " for w in text.split(" "))
