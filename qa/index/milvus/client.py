"""The connection to Milvus: one client per URI and process, every call with a timeout,
and Milvus's errors translated into the project's index errors (Chinese messages that
say what to do).

A URI ending in ``.db`` is Milvus Lite (embedded, a local folder; pymilvus starts it in
this process); ``http://host:19530`` a Milvus standalone or distributed server (or a
Milvus Lite server started with ``milvus-lite server``).
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from qa.index.store import IndexError_, IndexMissing
from qa.query.retrieval import QueryError

SETUP_HINT = ("请检查 Milvus 是否在运行、[index] milvus_uri（QA_INDEX__MILVUS_URI）是否正确；"
              "或改用本地索引：QA_INDEX__BACKEND=local")


class MilvusUnavailable(IndexError_, QueryError):
    """Milvus cannot be reached or did not answer in time. Also a QueryError, so that every
    front end (CLI command, web handler) shows its message instead of failing."""


class MilvusCollectionGone(IndexMissing, QueryError):
    """The collection this process serves from is gone (dropped, or replaced by builds
    since it loaded)."""


def _is_lite(uri: str) -> bool:
    return uri.endswith(".db")


def _reason(exc: BaseException) -> str:
    msg = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(msg).strip().splitlines()[0][:300]


def _timed_out(exc: BaseException) -> bool:
    text = f"{exc!r} {getattr(exc, 'message', '')} {exc.__cause__!r}".lower()
    return "deadline" in text or "timeout" in text or "timed out" in text


class Milvus:
    """A pymilvus client with timeouts and error translation; ``call(name, ...)`` runs
    ``MilvusClient.<name>`` and raises :class:`MilvusUnavailable` on connection errors and
    timeouts. Other server errors (a bad expression, a missing collection) pass as
    ``pymilvus.MilvusException`` for the caller to interpret."""

    def __init__(self, uri: str, token: str | None = None, timeout: float = 10.0):
        self.uri = uri
        self.timeout = timeout
        self.loaded: set[str] = set()
        if _is_lite(uri):
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            from pymilvus import MilvusClient  # type: ignore[import-untyped]

            # errors are translated and raised, not logged (set after the import: pymilvus configures its loggers)
            logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
            logging.getLogger("pymilvus.decorators").setLevel(logging.CRITICAL)

            self.client = MilvusClient(uri=uri, token=token or "", timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - every failure to connect reads the same to the user
            raise self.unavailable(exc) from None

    def ensure_loaded(self, collection: str) -> None:
        """Load a collection into memory once per process (Milvus serves only loaded ones;
        a Milvus Lite folder opened afresh has them released)."""
        if collection not in self.loaded:
            self.call("load_collection", collection)
            self.loaded.add(collection)

    def unavailable(self, exc: BaseException) -> MilvusUnavailable:
        if _timed_out(exc) and "fail connecting" not in _reason(exc).lower():
            return MilvusUnavailable(f"Milvus（{self.uri}）在 {self.timeout:g} 秒内没有响应（超时）。"
                                     f"已有的索引未作改动。{SETUP_HINT}")
        return MilvusUnavailable(f"无法连接 Milvus（{self.uri}）：{_reason(exc)}。已有的索引未作改动。{SETUP_HINT}")

    def search(self, collection: str, **kwargs: Any) -> Any:
        """A search; a server error becomes a message for the user (the collection gone,
        or what Milvus said), never a traceback."""
        from pymilvus import MilvusException

        try:
            return self.call("search", collection, **kwargs)
        except MilvusException as exc:
            reason = _reason(exc)
            if any(w in reason.lower() for w in ("not found", "not exist", "released", "can't find")):
                raise MilvusCollectionGone(
                    f"Milvus 中的索引集合 {collection} 已不存在或未载入（可能已被新的构建替换）。"
                    "请重启本服务（qa serve）以载入当前索引；若 Milvus 中没有索引，请运行 `qa index`") from None
            raise MilvusUnavailable(f"Milvus（{self.uri}）检索出错：{reason}。已有的索引未作改动。{SETUP_HINT}") from None

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from pymilvus import MilvusException

        kwargs.setdefault("timeout", self.timeout)
        try:
            return getattr(self.client, name)(*args, **kwargs)
        except MilvusException as exc:
            if _connection_error(exc):
                raise self.unavailable(exc) from None
            raise
        except Exception as exc:  # noqa: BLE001 - grpc errors below pymilvus
            if _connection_error(exc):
                raise self.unavailable(exc) from None
            raise


def _connection_error(exc: BaseException) -> bool:
    import grpc  # type: ignore[import-untyped]

    for e in (exc, exc.__cause__, exc.__context__):
        if isinstance(e, grpc.RpcError) and hasattr(e, "code"):
            if e.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                return True
    code = getattr(exc, "code", None)
    text = _reason(exc).lower()
    return (_timed_out(exc) or "fail connecting" in text or "unavailable" in text or "connection" in text
            or code in (2,) and "server" in text)


_CLIENTS: dict[tuple[str, str | None], Milvus] = {}
_LOCK = threading.Lock()


def connect(uri: str, token: str | None = None, timeout: float = 10.0) -> Milvus:
    """The process's client for ``uri`` (made once; a Milvus Lite folder is opened once)."""
    key = (uri, token)
    with _LOCK:
        client = _CLIENTS.get(key)
        if client is None or client.timeout != timeout:
            client = _CLIENTS[key] = Milvus(uri, token, timeout)
        return client


def forget(uri: str) -> None:
    """Drop the cached clients of ``uri`` (after a failure, the next call connects anew)."""
    with _LOCK:
        for key in [k for k in _CLIENTS if k[0] == uri]:
            _CLIENTS.pop(key, None)
