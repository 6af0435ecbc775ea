"""The web interface: widgets (ui.widgets) wired to handlers (ui.handlers) over one
:class:`qa.service.Service`.

    qa serve [--host 127.0.0.1] [--port 7860]

The service (model and index) is loaded once per process by the caller; requests go
through Gradio's queue, at most ``CONCURRENCY`` at a time over the engine.
"""
from __future__ import annotations

import os
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from qa.feedback import FeedbackError, FeedbackStore  # noqa: E402
from qa.index.store import BuildBusy, IndexError_  # noqa: E402
from qa.query.retrieval import QueryError  # noqa: E402
from qa.render import html  # noqa: E402
from qa.service import Service  # noqa: E402
from ui import handlers, widgets  # noqa: E402

CONCURRENCY = 4  # events running at once over the engine (the embedder itself is serialised)
QUEUE_MAX = 256  # waiting events beyond this are refused with a "queue full" message
ENGINE = "engine"  # concurrency group of every event that uses the engine
MANAGE = "manage"  # adding and removing notices: one at a time
UPLOAD_CEILING = 200 * 1024 * 1024  # Gradio refuses larger uploads; the notice limit (20 MB) is checked with a message


# C901: the nested event handlers, a few lines each, count toward build_app; they share its
# service, store and widgets, and each is wired next to its definition.
def build_app(service: Service, feedback: FeedbackStore | None = None,  # noqa: C901
              export_dir: Path | None = None) -> gr.Blocks:
    """The Gradio app over ``service``. Feedback goes to ``<data_dir>/feedback.sqlite3``
    unless another store is given; exported files are written to ``export_dir``."""
    store = feedback or FeedbackStore.for_settings(service.settings)
    exports = Path(export_dir or tempfile.mkdtemp(prefix="qa-ui-exports-"))
    engine_ev = dict(concurrency_id=ENGINE, concurrency_limit=CONCURRENCY)

    with gr.Blocks(title=widgets.TITLE, analytics_enabled=False) as demo:
        w = widgets.build(service.bureaus(), service.kind_labels(), handlers.notice_choices(service),
                          handlers.notices_overview(service), len(service.notice_list()),
                          handlers.remove_choices(service))
        turns = gr.State([])

        # ------------------------------------------------------------------ chat
        def on_ask(question, state, bureaus, kinds):
            q = (question or "").strip()
            if not q:
                gr.Warning("请输入问题", title="提示")
                yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                return
            yield (handlers.chat_messages(state, pending=q), "", html.busy("正在检索……"), gr.skip(), gr.skip())
            try:
                new = handlers.ask(service, q, state, bureaus, kinds)
            except QueryError as exc:
                gr.Warning(str(exc), title="提示")
                yield handlers.chat_messages(state), q, handlers.sources(service, state), state, gr.skip()
                return
            yield (handlers.chat_messages(new), "", handlers.sources(service, new), new,
                   gr.update(choices=handlers.feedback_choices(new), value=len(new) - 1))

        chat_out = [w.chatbot, w.question, w.sources, turns, w.fb_target]
        chat_in = [w.question, turns, w.bureaus, w.kinds]
        for ev in (w.question.submit(on_ask, chat_in, chat_out, api_name="chat", **engine_ev),
                   w.ask_btn.click(on_ask, chat_in, chat_out, api_visibility="private", **engine_ev)):
            ev.then(None, None, None, js=widgets.SCROLL_TO_LAST_QUESTION, queue=False, api_visibility="private")

        def on_new():
            return [], "", html.sources_placeholder(), [], gr.update(choices=[], value=None)

        w.new_btn.click(on_new, None, chat_out, api_visibility="private", queue=False)
        w.chatbot.clear(on_new, None, chat_out, api_visibility="private", queue=False)

        def on_select(state, evt: gr.SelectData):
            if not state:
                return gr.skip(), gr.skip()
            i = min(handlers.turn_of_message(evt.index), len(state) - 1)
            return handlers.sources(service, state, i), gr.update(value=i)

        w.chatbot.select(on_select, [turns], [w.sources, w.fb_target], api_visibility="private")

        def on_like(state, comment, evt: gr.LikeData):
            try:
                status = handlers.like_feedback(store, state, evt.index, evt.liked, comment)
                gr.Info(status, title="反馈", duration=4)  # a confirmation where the button was clicked
                return status
            except FeedbackError as exc:
                gr.Warning(str(exc), title="提示")
                return gr.skip()

        w.chatbot.like(on_like, [turns, w.fb_comment], [w.fb_status], api_visibility="private")

        def on_feedback(state, target, rating, comment):
            try:
                status = handlers.submit_feedback(store, state, target, rating, comment)
            except FeedbackError as exc:
                gr.Warning(str(exc), title="提示")
                return gr.skip(), gr.skip()
            return status, ""

        w.fb_submit.click(on_feedback, [turns, w.fb_target, w.fb_rating, w.fb_comment], [w.fb_status, w.fb_comment],
                          api_visibility="private")

        def on_export():
            return gr.update(value=handlers.export_feedback(store, exports), visible=True)

        w.fb_export.click(on_export, None, [w.fb_file], api_name="export_feedback")

        # ------------------------------------------------------------ precedents
        def on_precedents(problem, k_bureaus, per_bureau):
            try:
                page, csv_path, md_path = handlers.precedents(service, problem, k_bureaus, per_bureau, exports)
            except QueryError as exc:
                gr.Warning(str(exc), title="提示")
                return html.message(str(exc), "error"), gr.update(visible=False), gr.update(visible=False)
            return (page, gr.update(value=csv_path, visible=csv_path is not None),
                    gr.update(value=md_path, visible=md_path is not None))

        prec_in = [w.problem, w.k_bureaus, w.per_bureau]
        prec_out = [w.prec_out, w.prec_csv, w.prec_md]
        w.prec_btn.click(on_precedents, prec_in, prec_out, api_name="precedents", **engine_ev)
        w.problem.submit(on_precedents, prec_in, prec_out, api_visibility="private", **engine_ev)

        # -------------------------------------------------------- retrieval test
        def on_search(query, k, mode, bureaus, kinds):
            try:
                return handlers.retrieval_test(service, query, k, mode, bureaus, kinds)
            except QueryError as exc:
                gr.Warning(str(exc), title="提示")
                return html.message(str(exc), "error")

        s_in = [w.s_query, w.s_k, w.s_mode, w.s_bureaus, w.s_kinds]
        w.s_btn.click(on_search, s_in, [w.s_out], api_name="search", **engine_ev)
        w.s_query.submit(on_search, s_in, [w.s_out], api_visibility="private", **engine_ev)

        # --------------------------------------------------------------- notices
        def on_notice(doc):
            try:
                return handlers.notice_view(service, doc)
            except QueryError as exc:
                return html.message(str(exc), "error")

        w.notice_pick.change(on_notice, [w.notice_pick], [w.notice_out], api_name="notice")

        # ---------------------------------------------- adding and removing notices
        manage_ev = dict(concurrency_id=MANAGE, concurrency_limit=1, api_visibility="private")

        def refreshed(bureaus, s_bureaus):
            """Everything that shows the notices, after a change."""
            names = service.bureaus()
            keep = lambda v: [b for b in (v or []) if b in names]  # noqa: E731
            return (html.header_html(widgets.TITLE, len(service.notice_list())), handlers.notices_overview(service),
                    gr.update(choices=handlers.notice_choices(service), value=None),
                    gr.update(choices=handlers.remove_choices(service), value=None),
                    gr.update(choices=names, value=keep(bureaus)), gr.update(choices=names, value=keep(s_bureaus)))

        refresh_out = [w.header, w.notices_table, w.notice_pick, w.rm_pick, w.bureaus, w.s_bureaus]

        add_progress, remove_progress = gr.Progress(track_tqdm=True), gr.Progress()  # one per handler, as Gradio's own

        def on_add(files, bureaus, s_bureaus, progress=add_progress):
            progress(0, desc="正在检查文件并建索引……")
            try:
                out = handlers.add_notices(service, files, progress=True)
            except (QueryError, BuildBusy, IndexError_) as exc:
                gr.Warning(str(exc), title="提示")
                return (html.message(str(exc), "error"), gr.skip(), *[gr.skip()] * len(refresh_out))
            return (out, None, *refreshed(bureaus, s_bureaus))

        w.add_btn.click(on_add, [w.upload, w.bureaus, w.s_bureaus], [w.add_out, w.upload, *refresh_out], **manage_ev)

        def on_ask_remove(doc):
            try:
                question = handlers.confirm_remove(service, doc)
            except QueryError as exc:
                gr.Warning(str(exc), title="提示")
                return gr.update(visible=False), gr.skip()
            return gr.update(visible=True), html.message(question, "error")

        w.rm_btn.click(on_ask_remove, [w.rm_pick], [w.rm_confirm, w.rm_question], api_visibility="private",
                       queue=False)
        w.rm_no.click(lambda: gr.update(visible=False), None, [w.rm_confirm], api_visibility="private", queue=False)

        def on_remove(doc, bureaus, s_bureaus, progress=remove_progress):
            progress(0, desc="正在删除并更新索引……")
            try:
                out = handlers.remove_notice(service, doc)
            except (QueryError, BuildBusy, IndexError_) as exc:
                gr.Warning(str(exc), title="提示")
                return (gr.update(visible=False), html.message(str(exc), "error"), *[gr.skip()] * len(refresh_out))
            return (gr.update(visible=False), out, *refreshed(bureaus, s_bureaus))

        w.rm_yes.click(on_remove, [w.rm_pick, w.bureaus, w.s_bureaus], [w.rm_confirm, w.rm_out, *refresh_out],
                       **manage_ev)

        # ------------------------------------------------------------------- API
        def ask_json(question: str, bureaus: list[str] | None = None, kinds: list[str] | None = None) -> dict:
            """Answer one question; returns Answer.to_dict() (answer, abstained, citations, …)."""
            try:
                return handlers.ask_json(service, question, bureaus, kinds)
            except QueryError as exc:
                raise gr.Error(str(exc), title="错误") from None

        gr.api(ask_json, api_name="ask_json", **engine_ev)
    return demo


def start(service: Service, host: str = "127.0.0.1", port: int = 7860, block: bool = False,
          quiet: bool = True, **build_kw) -> tuple[gr.Blocks, str]:
    """Build, queue and launch the app; returns (app, local URL). ``port=0`` picks a free
    port. With ``block`` it serves until interrupted (Ctrl+C), then closes."""
    if not port:
        port = free_port(host)
    app = build_app(service, **build_kw)
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_MAX)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=True, quiet=quiet, show_error=True,
               max_file_size=UPLOAD_CEILING,
               css=widgets.CSS, theme=widgets.theme(), head=widgets.HEAD, inbrowser=False, share=False)
    url = app.local_url
    assert url is not None  # set by launch
    if block:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _interrupt)  # stop as cleanly as on Ctrl+C
        print(f"网页界面已启动：{url}（按 Ctrl+C 停止）", flush=True)
        try:
            while app.is_running:
                time.sleep(0.2)
        except KeyboardInterrupt:
            print("正在停止网页界面……", file=sys.stderr, flush=True)
        finally:
            app.close()
    return app, url


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def warm_up(service: Service) -> None:
    """Load what the first query would (tokenizer dictionary, embedder) before serving."""
    try:
        service.search("巡察整改", k=1)
    except Exception as exc:  # noqa: BLE001 - a failed warm-up only makes the first request slower
        print(f"预热失败（不影响使用）：{exc}", file=sys.stderr)


def launch(service: Service, host: str = "127.0.0.1", port: int = 7860) -> None:
    """``qa serve``: serve the interface over an opened service until interrupted."""
    warm_up(service)
    try:
        start(service, host=host, port=port, block=True)
    except OSError as exc:  # port taken, address not available
        print(f"错误：无法在 {host}:{port} 启动网页界面（{exc}）。请换一个端口，例如 --port 7870", file=sys.stderr)
        raise SystemExit(1) from None
