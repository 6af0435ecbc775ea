"""Command line: ``qa index | add | remove | search | ask | chat | precedents | eval | notices | serve``.

Errors the user can fix (empty question, unknown bureau, missing index, bad file) are
printed as one clear message on stderr with a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from qa.answer.precedents import PER_BUREAU

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="巡察整改通报问答助手：检索、问答、整改措施查找与评测。")

CorpusOpt = Annotated[Path | None, typer.Option("--corpus", help="通报目录（默认 data/notices）")]
IndexOpt = Annotated[Path | None, typer.Option("--index", help="索引目录（默认 index/）")]
BureauOpt = Annotated[list[str] | None, typer.Option("--bureau", "-b", help="只看这些单位（可写简称，如 港口分局；可重复）")]
KindOpt = Annotated[list[str] | None, typer.Option("--kind", help="只看这类章节：overall/problem/long_term/next_steps/preamble/closing")]
JsonOpt = Annotated[bool, typer.Option("--json", help="输出 JSON")]


class UserError(Exception):
    """Printed as a message, exit code 2."""


def _fail(msg: str, code: int = 2) -> NoReturn:
    print(f"错误：{msg}", file=sys.stderr)
    raise typer.Exit(code)


def _settings(corpus: Path | None, index: Path | None):
    from qa.config import load_settings

    overrides = {}
    if corpus is not None:
        overrides["corpus_dir"] = corpus
    if index is not None:
        overrides["index_dir"] = index
    try:
        return load_settings(**overrides)
    except Exception as exc:  # invalid qa.toml or QA_* variables
        _fail(f"配置无效：{exc}")


def _service(corpus: Path | None, index: Path | None, quiet: bool = False):
    from qa.index.embedders import EmbedderError
    from qa.index.store import BuildBusy, IndexError_
    from qa.ingest.source import NoticeError
    from qa.service import Service

    settings = _settings(corpus, index)
    try:
        return Service.open(settings, progress=not quiet and sys.stderr.isatty(),
                           log=(lambda s: None) if quiet else (lambda s: print(s, file=sys.stderr)))
    except (IndexError_, NoticeError, EmbedderError) as exc:
        _fail(str(exc), 1)
    except BuildBusy as exc:
        _fail(str(exc), 3)


def _read_text(path: Path) -> str:
    """A UTF-8 text file given on the command line; a clear message when it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        _fail(f"文件不存在：{path}")
    except IsADirectoryError:
        _fail(f"{path} 是目录，不是文件")
    except UnicodeDecodeError:
        _fail(f"{path} 不是 UTF-8 文本")


def _read_batch(path: Path) -> list[tuple[int, dict | None, str | None]]:
    """(line number, object or None, error or None) per non-blank line of a JSONL file."""
    raw = _read_text(path)
    out: list[tuple[int, dict | None, str | None]] = []
    for i, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append((i, None, f"第 {i} 行不是有效的 JSON：{exc.msg}"))
            continue
        if not isinstance(obj, dict) or "question" not in obj:
            out.append((i, None, f"第 {i} 行缺少 question 字段"))
            continue
        out.append((i, obj, None))
    return out


def _run_batch(path: Path, fn) -> None:
    """One JSON line per input line; a line that fails gets {"id", "error"}; exit 1 if any failed."""
    from qa.query.retrieval import QueryError

    failed = 0
    for lineno, obj, err in _read_batch(path):
        qid = (obj or {}).get("id", f"line-{lineno}")
        if err is None:
            assert obj is not None  # a line without an error has its object
            try:
                result = fn(str(obj["question"]) if obj["question"] is not None else "")
                print(json.dumps({"id": qid, **result}, ensure_ascii=False), flush=True)
                continue
            except QueryError as exc:
                err = str(exc)
        failed += 1
        print(json.dumps({"id": qid, "error": err}, ensure_ascii=False), flush=True)
    if failed:
        print(f"{failed} 个问题未能处理（见输出中的 error 字段）", file=sys.stderr)
        raise typer.Exit(1)


@app.command("index")
def index_cmd(rebuild: Annotated[bool, typer.Option("--rebuild", help="丢弃现有索引，全部重建")] = False,
              wait: Annotated[float, typer.Option(help="另一构建进行中时最多等待的秒数")] = 0,
              corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """建立或更新索引（只处理新增或改动的通报）。

    例：qa index；qa index --rebuild
    """
    from qa.index.build import BuildBusy, build_index
    from qa.index.embedders import EmbedderError, get_embedder
    from qa.index.store import IndexError_
    from qa.ingest.source import NoticeError

    settings = _settings(corpus, index)
    try:
        embedder = get_embedder(settings.embedder)
        report = build_index(settings, embedder, rebuild=rebuild, progress=True, lock_timeout=wait)
    except BuildBusy as exc:
        _fail(str(exc), 3)
    except (NoticeError, EmbedderError, IndexError_) as exc:
        _fail(str(exc), 1)
    print(report.summary())
    if report.timings:
        t = report.timings
        print("用时：" + "，".join(f"{k} {v:.1f}s" for k, v in t.items()))


@app.command()
def add(files: Annotated[list[Path], typer.Argument(help="通报文件（可多个）")],
        corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """添加通报：复制到通报目录并建索引，逐个文件报告结果；同名而内容不同的文件作为新版本替换旧版本。

    不能添加的文件（类型不支持、无法读取、过大、与已收录的通报重复）不复制，其余照常添加；
    有文件未添加时退出码为 1。例：qa add 新通报.txt 另一份.md
    """
    service = _service(corpus, index)
    change = _change(lambda: service.add(files, progress=sys.stderr.isatty()))
    for line in change.lines():
        print(line)
    if not change.ok:
        raise typer.Exit(1)


@app.command()
def remove(name: Annotated[str, typer.Argument(help="通报的文件名，或文件名、单位名称中唯一的一部分")],
           corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """删除通报：从通报目录（连同其 .meta.json）和索引中移除，不重新嵌入其余通报。

    名称对应多份通报时列出候选，不删除。例：qa remove 003_54b7255f65526853.txt；qa remove 港口分局
    """
    service = _service(corpus, index)
    change = _change(lambda: service.remove(name))
    for line in change.lines():
        print(line)


def _change(fn):
    """Run an add or remove; user errors as one message."""
    from qa.index.embedders import EmbedderError
    from qa.index.store import BuildBusy, IndexError_
    from qa.query.retrieval import QueryError

    try:
        return fn()
    except QueryError as exc:
        _fail(str(exc))
    except BuildBusy as exc:
        _fail(str(exc), 3)
    except (IndexError_, EmbedderError) as exc:
        _fail(str(exc), 1)


@app.command()
def search(query: Annotated[str | None, typer.Argument(help="问题或关键词")] = None,
           k: Annotated[int, typer.Option("--k", min=1, max=200, help="返回条数")] = 10,
           mode: Annotated[str, typer.Option("--mode", "--retriever", help="hybrid / dense / bm25")] = "hybrid",
           bureau: BureauOpt = None, kind: KindOpt = None, as_json: JsonOpt = False,
           batch: Annotated[Path | None, typer.Option(help="JSONL 文件，每行 {\"id\", \"question\"}")] = None,
           corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """检索相关段落（混合检索：向量 + BM25）。

    例：qa search "涉案财物管理不规范" --k 5 --bureau 港口分局 --json
    """
    from qa.query.retrieval import QueryError, check_query

    if batch is None:
        try:
            check_query(query or "")
        except QueryError as exc:
            _fail(str(exc))
    service = _service(corpus, index, quiet=as_json or batch is not None)

    def run(q: str) -> dict:
        hits = service.search(q, k=k, mode=mode, bureaus=bureau, kinds=kind)
        return {"hits": [h.to_dict() for h in hits]}

    if batch is not None:
        _run_batch(batch, run)
        return
    try:
        hits = service.search(query, k=k, mode=mode, bureaus=bureau, kinds=kind)
    except QueryError as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return
    from qa.render.terminal import hits_text

    sys.stdout.write(hits_text(hits, lambda doc, off: service.index.notices[doc].line_of(off)))


@app.command()
def ask(question: Annotated[str | None, typer.Argument(help="问题")] = None,
        bureau: BureauOpt = None, kind: KindOpt = None, as_json: JsonOpt = False,
        batch: Annotated[Path | None, typer.Option(help="JSONL 文件，每行 {\"id\", \"question\"}")] = None,
        llm: Annotated[bool, typer.Option("--llm", help="用已配置的 OpenAI 兼容接口在引文上方加一段概述")] = False,
        context: Annotated[Path | None, typer.Option(help="此前的问题（UTF-8 文本，每行一个），追问据此理解")] = None,
        corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """回答问题：引用通报原文（逐字核对），注明单位、章节和位置。

    例：qa ask "港口分局怎样整改饭堂食材采购问题？"；qa ask "..." --json；
    qa ask "那横栏分局呢？" --context previous.txt
    """
    from qa.query.retrieval import QueryError, check_query

    if batch is None:
        try:
            check_query(question or "")
        except QueryError as exc:
            _fail(str(exc))
    service = _service(corpus, index, quiet=as_json or batch is not None)

    def run(q: str) -> dict:
        return service.ask(q, bureaus=bureau, kinds=kind, llm=llm).to_dict()

    if batch is not None:
        _run_batch(batch, run)
        return
    history = _history(service, context) if context is not None else None
    try:
        answer = service.ask(question, bureaus=bureau, kinds=kind, llm=llm, history=history)
    except QueryError as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
    else:
        from qa.render.terminal import answer_text

        print(answer_text(answer))


def _history(service, path: Path) -> list:
    """The conversation in a context file (one previous question a line), each question
    understood against the ones before it, as the chat does."""
    from qa.query.followup import Exchange, understand

    lines = [ln.strip() for ln in _read_text(path).splitlines() if ln.strip()]
    history: list = []
    for line in lines:
        u = understand(line, history, service.answerer.retriever.bureau_spans)
        history.append(Exchange(u.asked, u.scope))
    return history


@app.command()
def chat(bureau: BureauOpt = None, kind: KindOpt = None,
         corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    r"""对话问答：逐行读入问题（键盘或管道），追问按上文理解（“那横栏分局呢？”“第二条具体怎么做的？”）。

    例：qa chat；printf '港口分局怎样整改会议纪要问题？\n那横栏分局呢？\n' | qa chat
    """
    from qa.query.followup import Exchange
    from qa.query.retrieval import QueryError
    from qa.render.terminal import answer_text

    service = _service(corpus, index)
    interactive = sys.stdin.isatty()
    history: list = []
    if interactive:
        print("输入问题后回车；空行或 Ctrl-D 结束。")
    while True:
        try:
            line = input("问：" if interactive else "")
        except EOFError:
            break
        if not line.strip():
            if interactive:
                break
            continue
        try:
            answer = service.ask(line, bureaus=bureau, kinds=kind, history=history)
        except QueryError as exc:
            print(f"错误：{exc}", file=sys.stderr)
            continue
        history.append(Exchange(answer.asked, answer.scope))
        if not interactive:
            print(f"问：{line.strip()}")
        print(answer_text(answer), flush=True)


@app.command()
def precedents(problem: Annotated[str | None, typer.Argument(help="用自己的话描述问题")] = None,
               k_bureaus: Annotated[int, typer.Option("--k-bureaus", min=1, max=50, help="最多列出的单位数")] = 5,
               per_bureau: Annotated[int, typer.Option("--per-bureau", min=1, max=10, help="每个单位最多列出的问题数")] = PER_BUREAU,
               as_json: JsonOpt = False,
               fmt: Annotated[str, typer.Option("--format", help="markdown 或 csv")] = "markdown",
               batch: Annotated[Path | None, typer.Option(help="JSONL 文件，每行 {\"id\", \"question\"}")] = None,
               corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """查找其他单位对类似问题的整改措施（按单位分组，逐项引用并注明出处）。

    例：qa precedents "民警下班后的行为管不住" --k-bureaus 5 --format csv
    """
    from qa.query.retrieval import QueryError, check_query

    if fmt not in ("markdown", "csv"):
        _fail("--format 只能是 markdown 或 csv")
    if batch is None:
        try:
            check_query(problem or "")
        except QueryError as exc:
            _fail(str(exc))
    service = _service(corpus, index, quiet=as_json or batch is not None)

    def run(q: str) -> dict:
        return service.precedents(q, k_bureaus=k_bureaus, per_bureau=per_bureau).to_dict()

    if batch is not None:
        _run_batch(batch, run)
        return
    try:
        result = service.precedents(problem, k_bureaus=k_bureaus, per_bureau=per_bureau)
    except QueryError as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    elif fmt == "csv":
        from qa.render.csv import precedents_csv

        sys.stdout.write(precedents_csv(result, lambda d, o: service.index.notices[d].line_of(o)))
    else:
        from qa.render.terminal import precedents_text

        print(precedents_text(result))


@app.command()
def notices(as_json: JsonOpt = False, corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """列出已索引的通报及其元数据（单位、巡察组、日期、章节数）。"""
    service = _service(corpus, index, quiet=as_json)
    rows = service.notice_list()
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    from qa.render.terminal import notices_text

    sys.stdout.write(notices_text(rows, service.rejected()))


@app.command("eval")
def eval_cmd(questions: Annotated[Path | None, typer.Option(help="问题集（默认 eval/questions.jsonl）")] = None,
             retriever: Annotated[str, typer.Option(help="bm25 / dense / hybrid / all")] = "all",
             k: Annotated[int, typer.Option("--k", min=1, max=100)] = 10,
             as_json: JsonOpt = False,
             report: Annotated[Path | None, typer.Option(help="把 Markdown 报告和 PNG 图写到这个目录")] = None,
             check: Annotated[Path | None, typer.Option(help="只校验问题集文件")] = None,
             compare: Annotated[tuple[Path, Path] | None, typer.Option(help="比较两次 --json 输出：A.json B.json")] = None,
             no_baseline: Annotated[bool, typer.Option("--no-baseline", help="不跑朴素基线")] = False,
             split: Annotated[str, typer.Option(help="问题集的哪一部分：test（留出，不用于调参）/ dev / all")] = "test",
             answers_only: Annotated[bool, typer.Option("--answers", help="只评测回答与整改措施查找（按问题类型）")] = False,
             corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """评测检索与回答：Recall@1/5/10、MRR@10、nDCG@10；回答的完整度、引文精确度、拒答（按类型）。

    默认评测留出的 test 部分（调参只用 dev 部分）。
    例：qa eval --report eval/report/test；qa eval --split dev --answers；qa eval --check eval/questions.jsonl；
    qa eval --compare a.json b.json
    """
    from qa.config import PROJECT_ROOT

    if compare is not None:
        from qa.evaluation.compare import compare_runs, load_run

        try:
            a, b = load_run(compare[0]), load_run(compare[1])
        except ValueError as exc:
            _fail(str(exc))
        print(compare_runs(a, b))
        return
    if retriever not in ("bm25", "dense", "hybrid", "all"):
        _fail("--retriever 只能是 bm25、dense、hybrid 或 all")
    if split not in ("test", "dev", "all"):
        _fail("--split 只能是 test、dev 或 all")
    if check is not None:
        from qa.evaluation.questions import check_questions, incomplete_measures, load_questions, misplaced

        service = _service(corpus, index, quiet=True)
        texts = {d: n.text for d, n in service.index.notices.items()}
        problems = check_questions(check, texts)
        if problems:
            for p in problems:
                print(p, file=sys.stderr)
            _fail(f"{check} 有 {len(problems)} 处问题", 1)
        loaded = load_questions(check, texts)
        flagged = incomplete_measures(loaded, service.index.problems)
        moved = misplaced(check)
        for f in flagged + moved:
            print(f"请核对：{f}", file=sys.stderr)
        print(f"{check}：{len(loaded)} 个问题，格式与引文全部有效"
              + (f"；{len(flagged)} 个措施问题的 gold 可能不完整" if flagged else "")
              + (f"；{len(moved)} 个问题的 split 与分层划分不符" if moved else "")
              + ("（见上）。" if flagged or moved else "。"))
        return
    from qa.evaluation.evaluate import evaluate
    from qa.evaluation.report import to_markdown, write_report

    service = _service(corpus, index, quiet=as_json)
    qpath = questions or PROJECT_ROOT / "eval" / "questions.jsonl"
    modes = ("bm25", "dense", "hybrid") if retriever == "all" else (retriever,)
    try:
        result = evaluate(service, qpath, retrievers=() if answers_only else modes, k=k,
                          baseline=not (no_baseline or answers_only), split=split)
    except ValueError as exc:
        _fail(str(exc), 1)
    if report is not None:
        write_report(result, report)
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(to_markdown(result))
        if report is not None:
            print(f"报告已写入 {report}")


@app.command()
def serve(host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="端口", min=1, max=65535)] = 7860,
          corpus: CorpusOpt = None, index: IndexOpt = None) -> None:
    """启动网页界面（问答、整改措施查找、检索测试、通报浏览与增删）。"""
    from ui.app import launch

    service = _service(corpus, index)
    launch(service, host=host, port=port)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
