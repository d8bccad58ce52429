"""A model server you run yourself: the OpenAI-compatible chat-completions
API that llama.cpp's server, llama-cpp-python's server, Ollama and vLLM all
expose, through the ``openai`` client library.

Privacy: mail goes only to the endpoint named. A host that is not loopback
is refused unless the user trusts it by name (--allow-host, config
``trusted_hosts``); no DNS lookup decides it. The client ignores proxy
environment variables (trust_env=False), so no proxy sees the mail either.

Token counts come from the server when it has an endpoint for it
(llama-cpp-python: /extras/tokenize/count; llama.cpp and vLLM: /tokenize),
else from an estimate measured on the corpus week (see CHARS_PER_TOKEN);
``counting`` says which.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from listsum.errors import ModelError, UsageError
from listsum.summarise.base import Options, Prompt, Summariser

# SmolLM2's tokenizer on the kvmarm week's digests: 2.82 characters per token
# on average, 2.27 for the densest thread (bench/RESULTS.md, "model server").
# 2.25 over-counts on purpose, so an estimated prompt stays inside the
# server's context; larger vocabularies (Llama 3, Qwen) need fewer tokens.
CHARS_PER_TOKEN = 2.25
DEFAULT_CTX = 2048  # llama-cpp-python's server default when the server does not say
DEFAULT_TIMEOUT = 600.0  # seconds of silence; a loaded CPU server takes minutes per prompt
SEED = 42  # same prompt, same answer on servers that honour it: --jobs 4 then equals --jobs 1


class ServerError(ModelError):
    """A request to the model server failed. ``fatal``: no other thread can
    succeed either (server down, unknown model, refused key)."""

    def __init__(self, message: str, hint: str | None = None, fatal: bool = False) -> None:
        super().__init__(" ".join(message.split())[:300], hint)
        self.fatal = fatal


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str, allow_hosts: Sequence[str] = ()) -> str:
    """The endpoint's host, or UsageError when mail must not go there."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint {url!r}: not an http(s) URL",
                         hint="for example --endpoint http://127.0.0.1:8080/v1")
    host = parts.hostname
    trusted = {h.lower() for h in allow_hosts}
    if not is_loopback(host) and host.lower() not in trusted:
        raise UsageError(f"--endpoint {url}: {host} is not this machine; mail would leave it",
                         hint=f"if you trust {host} with the mail, pass --allow-host {host} "
                              "(or add it to trusted_hosts in the config)")
    return host if parts.port is None else f"{host}:{parts.port}"


def base_url(url: str) -> str:
    """The OpenAI base URL: a bare host:port gets /v1."""
    url = url.rstrip("/")
    return url if urlsplit(url).path else url + "/v1"


class ServerSummariser(Summariser):
    has_chat_template = True  # the server applies the model's template
    concurrent = True  # threads may be sent at once (--jobs)

    def __init__(self, endpoint: str | None = None, model: str | None = None, allow_hosts: Sequence[str] = (),
                 n_ctx: int | None = None, timeout: float | None = None, **_: object) -> None:
        if not endpoint:
            raise UsageError("--engine server needs --endpoint URL (or endpoint in the config)",
                             hint="for example --endpoint http://127.0.0.1:8080/v1")
        self.host = check_endpoint(endpoint, allow_hosts)
        self.url = base_url(endpoint)
        self.root = self.url.removesuffix("/v1")  # the server's own routes (/tokenize, /props) live here
        self.timeout = timeout or DEFAULT_TIMEOUT
        self.requested = model
        self.model = model or ""
        self._ctx = n_ctx
        self.counting = ""  # how tokens are counted, once known
        self._count_path: str | None = None
        self._ready_lock = threading.Lock()
        self._ready = False
        self._schema_form = "json_object"
        self.client = self._client()
        if model:
            self._name(model)  # known now: cached summaries need no server
        else:
            self.ready()  # the cache key names the model, so ask the server which

    def _client(self) -> Any:
        import openai

        return openai.OpenAI(base_url=self.url, api_key=os.environ.get("LISTSUM_SERVER_KEY") or "none",
                             timeout=self.timeout, max_retries=1,
                             http_client=openai.DefaultHttpxClient(trust_env=False, timeout=self.timeout))

    def _name(self, model: str) -> None:
        self.model = model
        # llama-cpp-python names a model by its path; the report shows the file's stem.
        self.model_id = PurePosixPath(model).stem if model.endswith(".gguf") else model
        self.model_hash = hashlib.sha256(f"{self.host}/{model}".encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        return f"{self.model_id} at {self.host}"

    @property  # type: ignore[override]
    def n_ctx(self) -> int:
        self.ready()
        return self._ctx or DEFAULT_CTX

    # --- first contact: which model, how big a context, how to count -------

    def ready(self) -> None:
        with self._ready_lock:
            if not self._ready:
                self._discover()
                self._ready = True

    def _discover(self) -> None:
        models = self._call(lambda: list(self.client.models.list()), listing=True)
        ids = [m.id for m in models or []]
        if self.requested and ids and self.requested not in ids:
            raise ServerError(f"model {self.requested!r} is not served at {self.host} (it serves: "
                              f"{', '.join(ids[:5])})", hint="pick one with --model NAME", fatal=True)
        if not self.requested:
            if not ids:
                raise ServerError(f"the server at {self.host} lists no model", hint="pass --model NAME",
                                  fatal=True)
            self._name(ids[0])
        chosen = next((m for m in models or [] if m.id == self.model), None)
        extra = getattr(chosen, "model_extra", None) or {}
        self._ctx = self._ctx or extra.get("max_model_len") or self._props_ctx()  # vLLM, then llama.cpp
        self._pick_counter()

    def _raw(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """JSON from a non-OpenAI route of the same server (same client, same
        timeouts); None when the server has no such route."""
        import openai

        try:
            if method == "POST":
                return self.client.post(self.root + path, cast_to=object, body=body)
            return self.client.get(self.root + path, cast_to=object)
        except openai.APIStatusError:
            return None
        except openai.OpenAIError as exc:
            raise self._translate(exc) from exc

    def _props_ctx(self) -> int | None:
        props = self._raw("GET", "/props")
        try:
            return int(props["default_generation_settings"]["n_ctx"]) if props else None
        except (KeyError, TypeError, ValueError):
            return None

    def _pick_counter(self) -> None:
        probe = "Reviewed-by: a tokenizer probe"
        for path in ("/extras/tokenize/count", "/tokenize"):
            if self._server_count(path, probe) is not None:
                self._count_path, self.counting = path, f"server {path}"
                return
        self.counting = f"estimate: 1 token per {CHARS_PER_TOKEN:g} characters (the server cannot tokenize)"

    def _server_count(self, path: str, text: str) -> int | None:
        body = {"input": text} if path.startswith("/extras") else {"content": text, "prompt": text,
                                                                    "model": self.model}
        got = self._raw("POST", path, body)
        if not isinstance(got, dict):
            return None
        if isinstance(got.get("count"), int):
            return got["count"]
        return len(got["tokens"]) if isinstance(got.get("tokens"), list) else None

    # --- the Summariser interface ------------------------------------------

    def count_tokens(self, text: str) -> int:
        self.ready()
        if self._count_path is not None:
            n = self._server_count(self._count_path, text)
            if n is not None:
                return n
        return int(len(text) / CHARS_PER_TOKEN) + 1

    def generate(self, prompt: Prompt, options: Options) -> Iterator[str]:
        self.ready()
        kwargs: dict[str, Any] = dict(
            model=self.model, max_tokens=options.max_tokens, temperature=options.temperature,
            top_p=options.top_p, stop=list(options.stop), seed=SEED, stream=True,
            messages=[{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}],
            extra_body={"repeat_penalty": options.repeat_penalty})
        if options.schema is not None:
            kwargs["response_format"] = self._response_format(options.schema)
        try:
            stream = self._call(lambda: self.client.chat.completions.create(**kwargs), schema=options.schema)
        except _Retry:
            kwargs["response_format"] = self._response_format(options.schema or {})
            stream = self._call(lambda: self.client.chat.completions.create(**kwargs))
        finished = None
        try:
            for chunk in self._chunks(stream):
                piece = chunk.choices[0].delta.content if chunk.choices else None
                finished = (chunk.choices[0].finish_reason if chunk.choices else None) or finished
                if piece:
                    yield piece
        finally:
            stream.close()  # a loop cut short stops the server's generation too
        if finished is None:  # the stream ended without saying why: the server dropped it
            raise ServerError(f"model server at {self.host} ended an answer without finishing it",
                              hint="llama-cpp-python's server drops a request when the next one arrives: "
                                   "start it with --interrupt_requests False, or use --jobs 1")

    def _chunks(self, stream: Any) -> Iterator[Any]:
        it = iter(stream)
        while (chunk := self._call(lambda: next(it, None))) is not None:
            yield chunk

    def _response_format(self, schema: dict[str, Any]) -> dict[str, Any]:
        # llama-cpp-python's server takes only {"type": "json_object", "schema": ...}
        # (llama.cpp's llama-server takes it too); vLLM and OpenAI take the json_schema form.
        if self._schema_form == "json_object":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": True}}

    # --- errors --------------------------------------------------------------

    def _call(self, fn: Any, listing: bool = False, schema: dict[str, Any] | None = None) -> Any:
        import openai

        try:
            return fn()
        except openai.NotFoundError as exc:
            if listing:  # a server without /models: trust --model
                return None
            raise self._translate(exc) from exc
        except openai.BadRequestError as exc:
            if schema is not None and self._schema_form == "json_object" and "response_format" in str(exc):
                self._schema_form = "json_schema"  # this server wants OpenAI's form: ask again once
                raise _Retry() from exc
            raise self._translate(exc) from exc
        except (openai.OpenAIError, OSError) as exc:
            raise self._translate(exc) from exc

    def _translate(self, exc: BaseException) -> ServerError:
        import openai

        where = f"model server at {self.host}"
        if isinstance(exc, openai.APITimeoutError) or "timeout" in type(exc).__name__.lower():
            return ServerError(f"{where} did not answer within {self.timeout:g} s",
                               hint="a loaded server needs longer: set timeout in the config")
        if isinstance(exc, openai.APIConnectionError) or isinstance(exc, OSError):
            return ServerError(f"{where} is not reachable ({_cause(exc)})",
                               hint="start the server, or check --endpoint", fatal=True)
        if isinstance(exc, openai.APIStatusError):
            return self._status_error(exc)
        return ServerError(f"{where}: {exc}")

    def _status_error(self, exc: Any) -> ServerError:
        import openai

        code, text = exc.status_code, _message(exc)
        where = f"model server at {self.host}"
        if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            return ServerError(f"{where} refused the request ({code}): {text}",
                               hint="set LISTSUM_SERVER_KEY to the server's API key", fatal=True)
        if code == 404 and "model" in text.lower():
            return ServerError(f"model {self.model!r} does not exist at {self.host}: {text}",
                               hint="pick one with --model NAME", fatal=True)
        if "context" in text.lower() or "too long" in text.lower() or "exceed" in text.lower():
            return ServerError(f"prompt too long for the model's context at {self.host}: {text}",
                               hint="set n_ctx in the config to the server's context size")
        return ServerError(f"{where} answered {code}: {text}")


class _Retry(Exception):
    """Internal: ask once more in the other schema form."""


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        msg = inner.get("message") if isinstance(inner, dict) else inner
        if msg:
            return str(msg)
        if body.get("detail"):
            return str(body["detail"])
    return str(getattr(exc, "message", exc))


def _cause(exc: BaseException) -> str:
    while exc.__cause__ is not None and exc.__cause__ is not exc:
        exc = exc.__cause__
    return str(exc).strip() or type(exc).__name__


def server_kwargs(settings: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """The backend's arguments: the command line first, then the config
    (keys endpoint, server_model, trusted_hosts, timeout, n_ctx). The config's
    ``model`` names a GGUF file, so a server's model has its own key."""
    trusted = cfg.get("trusted_hosts", [])
    if isinstance(trusted, str):
        trusted = [trusted]
    if not isinstance(trusted, list) or not all(isinstance(h, str) for h in trusted):
        raise UsageError(f"config trusted_hosts: a list of host names, got {trusted!r}")
    timeout = cfg.get("timeout")
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise UsageError(f"config timeout: seconds > 0, got {timeout!r}")
    return dict(endpoint=settings.endpoint or cfg.get("endpoint"),
                model=settings.model or cfg.get("server_model"),
                allow_hosts=tuple(settings.allow_hosts) + tuple(trusted),
                n_ctx=settings.n_ctx or cfg.get("n_ctx"),
                timeout=settings.timeout or cfg.get("timeout"))


def preflight(settings: Any) -> None:
    """Refuse a missing or untrusted endpoint before any mail is read."""
    from listsum.settings import load_config

    kw = server_kwargs(settings, load_config())
    if not kw["endpoint"]:
        raise UsageError("--engine server needs --endpoint URL (or endpoint in the config)",
                         hint="for example --endpoint http://127.0.0.1:8080/v1")
    check_endpoint(kw["endpoint"], kw["allow_hosts"])
