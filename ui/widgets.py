"""The widgets of the web interface (layout only: no handlers, no logic) and its style.

:func:`build` must be called inside a ``gr.Blocks`` context; it returns the components
``ui.app`` wires to the handlers in ``ui.handlers``.
"""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from qa.answer.precedents import PER_BUREAU
from qa.render import html
from ui.handlers import LIKE_OPTIONS, MODE_LABELS, upload_label

TITLE = "巡察整改通报问答助手"

# Questions from the evaluation set (eval/questions.jsonl) that show what the assistant does.
CHAT_EXAMPLES = [
    "港口分局针对饭堂食材自行采购存在廉政风险，采取了哪些措施？",
    "市委巡察组是哪天向横栏分局党委反馈巡察意见的？",
    "横栏分局在公务用枪管理方面做了哪些整改？",
    "舟山市公安局如何完善非警务类警情分流体系？",
    "开发区分局整改期间制定了几个办法规定？涉及哪些方面？",
    "有什么办法提醒市民身份证、驾照这些证件快到期了？",
    "What did the Zhoushan bureau do about the canteen's cash management?",
]
PRECEDENT_EXAMPLES = [
    "单位食堂买菜、管钱这块容易出廉政问题，有什么管法？",
    "涉案财物（扣押的钱物、车辆等）长期积压、处置不及时、管理混乱",
    "民警下班后的行为管不住",
    "辅警队伍管理有短板",
    "党委会议记录不规范，没有如实记下每个班子成员的发言和表决情况",
]
SEARCH_EXAMPLES = ["涉案财物管理不规范", "公务用枪", "警民联系卡", "非警务类警情分流"]

FONT_STACK = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "ui-sans-serif",
              "system-ui", "sans-serif"]


def theme() -> gr.themes.Base:
    return gr.themes.Default(primary_hue="blue", secondary_hue="slate", neutral_hue="slate",
                             font=FONT_STACK, font_mono=["Noto Sans Mono CJK SC", "ui-monospace", "monospace"])


CSS = """
.gradio-container { max-width: 1480px !important; }
#qa-header { margin: 4px 0 2px 0; }
#qa-header h1 { font-size: 22px; margin: 0; font-weight: 650; }
#qa-header .qa-sub { color: var(--body-text-color-subdued); font-size: 13.5px; margin-top: 2px; }
.qa-muted { color: var(--body-text-color-subdued); }
.qa-user { white-space: pre-wrap; }
.qa-answer { font-size: 15px; line-height: 1.7; }
.qa-answer .qa-lead { margin: 0 0 8px 0; font-weight: 600; }
.qa-answer .qa-abstain { color: #9a3412; }
.qa-resolved { font-size: 13px; color: var(--body-text-color-subdued); background: var(--background-fill-secondary);
  border-radius: 6px; padding: 3px 8px; margin-bottom: 8px; display: inline-block; }
.qa-summary { margin-bottom: 8px; }
.qa-group { margin: 6px 0 10px 0; }
.qa-bureau { font-weight: 650; color: #1e3a8a; margin: 6px 0 4px 0; }
.dark .qa-bureau { color: #93c5fd; }
.qa-bureau-minor { font-weight: 500; font-style: italic; }
.qa-quote { margin: 4px 0 6px 0 !important; padding: 6px 10px !important; border-left: 3px solid #3b82f6 !important;
  background: var(--background-fill-secondary); border-radius: 0 6px 6px 0; white-space: pre-wrap; font-style: normal !important; }
.qa-quote-minor { border-left-color: #94a3b8 !important; }
.qa-related { margin-top: 10px; }
.qa-related-h { font-weight: 600; color: var(--body-text-color-subdued); }
.qa-note { font-size: 13px; color: #9a3412; margin-top: 6px; }
.qa-foot { font-size: 12.5px; color: var(--body-text-color-subdued); margin-top: 6px; }
.qa-n { display: inline-block; font-size: 12px; font-weight: 650; color: #1d4ed8; background: #dbeafe;
  border-radius: 4px; padding: 0 4px; margin: 0 1px; line-height: 1.5; vertical-align: baseline; font-style: normal; }
sup.qa-n { font-size: 11px; vertical-align: super; }
.dark .qa-n { background: #1e3a8a; color: #dbeafe; }
.qa-busy { color: var(--body-text-color-subdued); display: flex; align-items: center; gap: 8px; }
.qa-spinner { width: 14px; height: 14px; border: 2px solid #93c5fd; border-top-color: #1d4ed8; border-radius: 50%;
  display: inline-block; animation: qa-spin 0.8s linear infinite; }
@keyframes qa-spin { to { transform: rotate(360deg); } }
.qa-msg { padding: 10px 12px; border-radius: 8px; margin: 6px 0; font-size: 14px; }
.qa-msg-info { background: #eff6ff; color: #1e3a8a; }
.qa-msg-empty { background: var(--background-fill-secondary); color: var(--body-text-color-subdued); }
.qa-msg-error { background: #fef2f2; color: #991b1b; }
#qa-sources { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  background: var(--background-fill-primary); }
.qa-sources { font-size: 14px; line-height: 1.65; }
.qa-src-h { font-weight: 650; font-size: 15px; margin-bottom: 8px; }
.qa-src { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 10px; }
.qa-src-related { border-style: dashed; }
footer { display: none !important; }  /* Gradio's own footer is English ("Use via API", "Built with Gradio") */
.qa-src-flash { outline: 3px solid #f59e0b; outline-offset: 1px; }
#qa-chat .qa-n { cursor: pointer; }
.qa-problem .qa-label { font-weight: 650; margin-right: 6px; color: #1e3a8a; }
.qa-compare td.qa-compare-b { white-space: nowrap; font-weight: 600; vertical-align: top; }
.qa-quote-cell { margin: 2px 0 !important; white-space: pre-wrap; }
.qa-item summary { cursor: pointer; }
.qa-more { color: #64748b; font-size: 12px; margin-left: 4px; }
.qa-src-top { display: flex; align-items: center; gap: 4px; flex-wrap: wrap; }
.qa-src-bureau { font-weight: 650; margin-left: 4px; }
.qa-kind { font-size: 11.5px; color: #475569; background: #f1f5f9; border-radius: 4px; padding: 0 5px; margin-left: 6px; }
.dark .qa-kind { background: #334155; color: #e2e8f0; }
.qa-src-title { font-size: 13px; margin-top: 2px; }
.qa-src-path { font-size: 13px; color: #334155; margin-top: 2px; }
.dark .qa-src-path { color: #cbd5e1; }
.qa-path-sep { color: #94a3b8; }
.qa-src-meta { font-size: 12px; color: var(--body-text-color-subdued); margin: 2px 0 6px 0; }
.qa-src-text { white-space: pre-wrap; font-size: 13.5px; background: var(--background-fill-secondary); border-radius: 6px;
  padding: 6px 8px; }
.qa-src-divider { font-weight: 600; color: var(--body-text-color-subdued); margin: 12px 0 6px 0; }
mark.qa-hl { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.dark mark.qa-hl { background: #854d0e; }
.qa-table { border-collapse: collapse !important; width: 100%; font-size: 13.5px; line-height: 1.6; margin: 4px 0 12px 0 !important;
  border: 1px solid #e2e8f0 !important; }
.dark .qa-table { border-color: #334155 !important; }
.qa-table th { background: var(--background-fill-secondary) !important; text-align: left; font-weight: 600; padding: 6px 8px !important;
  border: none !important; border-bottom: 1px solid #e2e8f0 !important; white-space: nowrap; }
.qa-table td { padding: 6px 8px !important; border: none !important; border-bottom: 1px solid #e2e8f0 !important;
  vertical-align: top; }
.gradio-container .qa-table tr { border: none !important; }
.qa-table tr:hover td { background: var(--background-fill-secondary); }
.qa-col-bureau { white-space: nowrap; }
.qa-col-path { width: 26%; }
.qa-col-text { width: 34%; }
.qa-small { font-size: 12.5px; }
.qa-col-n { width: 2.5em; text-align: right; color: var(--body-text-color-subdued); }
.qa-col-prob { width: 34%; }
.qa-num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.qa-rank { font-size: 11px; color: var(--body-text-color-subdued); margin-left: 4px; }
.qa-prec-h, .qa-hits-h { font-weight: 600; margin: 4px 0 10px 0; }
.qa-prec-bureau { margin-bottom: 8px; }
.qa-prec-b { font-size: 16px !important; margin: 10px 0 4px 0 !important; color: #1e3a8a; }
.dark .qa-prec-b { color: #93c5fd; }
.qa-prob { font-weight: 500; }
.qa-cite { display: block; font-size: 12px; color: var(--body-text-color-subdued); font-weight: 400; }
.qa-measures { margin: 0 !important; padding-left: 1.4em !important; }
.qa-measures li { margin-bottom: 4px; }
.qa-chunk summary { cursor: pointer; }
.qa-chunk-text { white-space: pre-wrap; margin-top: 4px; font-size: 13px; }
.qa-notice-title { font-size: 18px !important; margin: 4px 0 8px 0 !important; }
.qa-meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr max-content 1fr; gap: 2px 12px;
  font-size: 13.5px; margin: 0 0 10px 0; }
.qa-meta dt { color: var(--body-text-color-subdued); margin: 0 !important; }
.qa-meta dd { margin: 0 !important; }
.qa-notice-body { display: grid; grid-template-columns: minmax(240px, 1fr) 2.2fr; gap: 14px; }
.qa-side-h { font-weight: 650; margin-bottom: 6px; }
.qa-notice-tree { font-size: 13px; max-height: 900px; overflow: auto; border-right: 1px solid var(--border-color-primary);
  padding-right: 8px; }
.qa-tree, .qa-tree ul { list-style: none; padding-left: 12px !important; margin: 0 !important; }
.qa-tree li { margin: 2px 0 !important; font-size: 13px !important; line-height: 1.5; }
.qa-tree-link { text-decoration: none; }
.qa-notice-text { font-size: 14px; line-height: 1.75; max-height: 900px; overflow: auto; }
.qa-sec { white-space: pre-wrap; margin: 0 0 6px 0; scroll-margin-top: 8px; }
.qa-sec-h { font-weight: 650; }
.qa-lvl-2 { padding-left: 10px; } .qa-lvl-3 { padding-left: 20px; } .qa-lvl-4 { padding-left: 30px; }
.qa-lvl-5, .qa-lvl-6 { padding-left: 40px; }
#qa-chat .message { font-size: 15px; }
.qa-change-list { list-style: none; padding-left: 0 !important; margin: 6px 0 !important; font-size: 14px; }
.qa-change-list li { margin: 2px 0 !important; }
.qa-change-ok { color: #166534; }
.qa-change-fail { color: #991b1b; }
.dark .qa-change-ok { color: #86efac; }
.dark .qa-change-fail { color: #fca5a5; }
"""


# Clicking an answer's [n] scrolls the sources panel to that quote's card and highlights it.
HEAD = """<script>
document.addEventListener('click', (ev) => {
  const n = ev.target.closest && ev.target.closest('#qa-chat .qa-n');
  if (!n) return;
  const label = n.textContent.trim();
  const mark = [...document.querySelectorAll('#qa-sources .qa-n')].find((x) => x.textContent.trim() === label);
  const card = mark && mark.closest('.qa-src');
  if (!card) return;
  card.scrollIntoView({behavior: 'smooth', block: 'center'});
  card.classList.add('qa-src-flash');
  setTimeout(() => card.classList.remove('qa-src-flash'), 1800);
});
</script>"""


# After an answer arrives: scroll the chat so that the latest question is at the top (the
# chat would otherwise show the end of a long answer).
SCROLL_TO_LAST_QUESTION = """() => {
  const go = () => {
    const u = [...document.querySelectorAll('#qa-chat .qa-user')].pop();
    if (!u) return;
    let box = u.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY === 'auto')) {
      box = box.parentElement;
    }
    if (box) box.scrollTop += u.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  };
  setTimeout(go, 60);
  setTimeout(go, 400);
}"""


def _kind_choices(kind_labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, key) for key, label in kind_labels.items()]


def build(bureaus: list[str], kind_labels: dict[str, str], notice_choices: list[tuple[str, str]],
          notices_html: str, n_notices: int, remove_choices: list[tuple[str, str]] | None = None) -> SimpleNamespace:
    """Create every component (inside a Blocks context) and return them by name."""
    w = SimpleNamespace()
    w.header = gr.HTML(html.header_html(TITLE, n_notices), js_on_load=None)
    with gr.Tabs() as w.tabs:
        with gr.Tab("问答", id="chat"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=520):
                    w.chatbot = gr.Chatbot(
                        label="问答", show_label=False, elem_id="qa-chat", height=600, render_markdown=False, sanitize_html=True,
                        latex_delimiters=[], feedback_options=list(LIKE_OPTIONS), buttons=[],
                        layout="panel", autoscroll=False,
                        placeholder="<b>请输入关于巡察整改通报的问题</b><br>回答只引用通报原文，每条引文带编号 [n]，"
                                    "出处见右侧。可以追问，例如“那横栏分局呢？”“它们的整改措施呢？”")
                    with gr.Row(equal_height=True):
                        w.question = gr.Textbox(show_label=False, placeholder="输入问题，按回车提问（Shift+回车换行）",
                                                lines=1, max_lines=5, scale=6, elem_id="qa-question", autofocus=True)
                        w.ask_btn = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="qa-ask")
                        w.new_btn = gr.Button("新对话", scale=1, min_width=80, elem_id="qa-new")
                    with gr.Row():
                        w.bureaus = gr.Dropdown(choices=bureaus, multiselect=True, label="只看这些单位（可多选）",
                                                elem_id="qa-bureaus")
                        w.kinds = gr.Dropdown(choices=_kind_choices(kind_labels), multiselect=True,
                                              label="只看这类章节", elem_id="qa-kinds")
                    w.examples = gr.Examples(examples=[[q] for q in CHAT_EXAMPLES], inputs=[w.question],
                                             label="示例问题（点击填入，再按“提问”）", examples_per_page=10)
                    with gr.Accordion("对回答的反馈", open=False, elem_id="qa-feedback"):
                        with gr.Row():
                            w.fb_target = gr.Dropdown(choices=[], label="评价哪一条回答", scale=2)
                            w.fb_rating = gr.Radio(["有用", "没用", "证据有误"], label="评价", scale=2)
                        w.fb_comment = gr.Textbox(label="补充说明（可选）", lines=2, max_lines=6,
                                                  placeholder="例如：引文出自错误的单位；缺少某项措施……")
                        with gr.Row():
                            w.fb_submit = gr.Button("提交反馈", variant="primary", scale=1)
                            w.fb_export = gr.Button("导出全部反馈（CSV）", scale=1)
                        w.fb_status = gr.Markdown("")
                        w.fb_file = gr.File(label="反馈导出文件", visible=False, interactive=False)
                with gr.Column(scale=2, min_width=400):
                    w.sources = gr.HTML(html.sources_placeholder(), elem_id="qa-sources", max_height=880,
                                        js_on_load=None, autoscroll=False)
        with gr.Tab("整改措施查找", id="precedents"):
            gr.Markdown("用自己的话描述一个问题，查找其他单位通报中相近的问题及其整改措施（原文引用，注明出处），"
                        "按单位分组。")
            with gr.Row(equal_height=True):
                w.problem = gr.Textbox(label="问题描述", placeholder="例如：单位食堂买菜、管钱这块容易出廉政问题",
                                       lines=2, max_lines=6, scale=5, elem_id="qa-problem")
                with gr.Column(scale=2, min_width=220):
                    w.k_bureaus = gr.Slider(1, 10, value=5, step=1, label="最多列出单位数")
                    w.per_bureau = gr.Slider(1, 8, value=PER_BUREAU, step=1, label="每个单位最多问题数")
            with gr.Row():
                w.prec_btn = gr.Button("查找整改措施", variant="primary", elem_id="qa-prec-btn", scale=2)
                w.prec_csv = gr.DownloadButton("导出 CSV", visible=False, scale=1, elem_id="qa-prec-csv")
                w.prec_md = gr.DownloadButton("导出 Markdown", visible=False, scale=1, elem_id="qa-prec-md")
            gr.Examples(examples=[[q] for q in PRECEDENT_EXAMPLES], inputs=[w.problem], label="示例（点击填入）")
            w.prec_out = gr.HTML(html.message("结果将按单位分组列出：通报所述问题，及其整改措施（每条注明出处）。", "empty"),
                                 elem_id="qa-prec-out", js_on_load=None)
        with gr.Tab("检索测试", id="search"):
            gr.Markdown("供分析人员调试检索：查看排序后的分块及其 BM25、向量与融合分数、章节路径。")
            with gr.Row(equal_height=True):
                w.s_query = gr.Textbox(label="查询", placeholder="问题或关键词", scale=4, elem_id="qa-s-query")
                w.s_k = gr.Slider(1, 50, value=10, step=1, label="返回条数 k", scale=2)
                w.s_mode = gr.Radio([(label, key) for key, label in MODE_LABELS.items()], value="hybrid",
                                    label="检索方式", scale=3)
            with gr.Row():
                w.s_bureaus = gr.Dropdown(choices=bureaus, multiselect=True, label="单位筛选")
                w.s_kinds = gr.Dropdown(choices=_kind_choices(kind_labels), multiselect=True, label="章节类型筛选")
                w.s_btn = gr.Button("检索", variant="primary", elem_id="qa-s-btn")
            gr.Examples(examples=[[q] for q in SEARCH_EXAMPLES], inputs=[w.s_query], label="示例查询")
            w.s_out = gr.HTML(html.message("输入查询后点击“检索”。", "empty"), elem_id="qa-s-out", js_on_load=None)
        with gr.Tab("通报", id="notices"):
            w.notices_table = gr.HTML(notices_html, elem_id="qa-notices", js_on_load=None)
            with gr.Accordion("添加或删除通报", open=False, elem_id="qa-manage"):
                w.upload = gr.File(file_count="multiple", label=upload_label(), elem_id="qa-upload", height=150)
                w.add_btn = gr.Button("添加到通报库并建索引", variant="primary", elem_id="qa-add")
                w.add_out = gr.HTML("", elem_id="qa-add-out", js_on_load=None)
                with gr.Row(equal_height=False):
                    w.rm_pick = gr.Dropdown(choices=remove_choices or [], value=None, label="要删除的通报",
                                            elem_id="qa-rm-pick", scale=4)
                    w.rm_btn = gr.Button("删除……", variant="stop", elem_id="qa-rm", scale=1, min_width=100)
                with gr.Row(visible=False, equal_height=True, elem_id="qa-rm-confirm") as w.rm_confirm:
                    w.rm_question = gr.HTML("", elem_id="qa-rm-question", js_on_load=None)
                    w.rm_yes = gr.Button("确认删除", variant="stop", elem_id="qa-rm-yes", scale=0, min_width=100)
                    w.rm_no = gr.Button("取消", elem_id="qa-rm-no", scale=0, min_width=80)
                w.rm_out = gr.HTML("", elem_id="qa-rm-out", js_on_load=None)
            w.notice_pick = gr.Dropdown(choices=notice_choices, value=None, label="查看通报全文与章节结构",
                                        elem_id="qa-notice-pick")
            w.notice_out = gr.HTML(html.message("选择一份通报查看全文与章节结构。", "empty"), elem_id="qa-notice-out",
                                   js_on_load=None)
    return w
