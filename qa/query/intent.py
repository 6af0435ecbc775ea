"""What a question asks for, decided once when it is prepared.

- the **intent**, which decides how the answer is built (qa.answer.compose):
  ``measures`` (how a problem was rectified), ``next_steps`` (next steps, long-term
  items), ``meta`` (who inspected, dates, disclosure period, contact), ``compare``
  (across bureaus), or ``passages`` (anything else: the most relevant sentences);
- the **answer type** of a question asking for a person, a sum, a date, a figure or a
  name (the sentence stating it comes first; without one the notices do not answer).
"""
from __future__ import annotations

import re
from functools import lru_cache

from qa.text import is_chinese

# an organisation other than a bureau: which one is asked by its name (哪家第三方公司, which university)
_ORGANISATION = r"[^，,。？?、\s单分局所部门]{0,6}?(公司|企业|医院|高校|大学|学院|学校|银行|厂家|厂商|供应商|事务所|媒体|报社|电视台)"
_EN_ORGANISATION = (r"(company|companies|firm|firms|university|universities|college|school|hospital|bank|vendor|supplier|"
                    r"contractor|newspaper|broadcaster)\b")

# Question types whose answer is how often, a person, a sum of money, a figure, a date or a name.
QTYPES = (
    ("frequency", re.compile(r"多久.{0,12}一次|多长时间.{0,12}一次|隔多长时间|频次|频率|(几|多少)(天|周|个月|年)一次|"
                             r"\bhow (often|frequently|regularly)\b|\bat what (frequency|intervals?)\b", re.I)),
    ("person", re.compile(r"(书记|局长|政委|主任|领导|负责人|组长|民警|同志|人|员)(的)?(分别|都|各自)?(叫(什么|啥)(名字)?|姓名|是谁|是哪位)|姓甚名谁|"
                          r"(分别|各自)是谁(?!负责|牵头|主抓|来|在)|"
                          r"\bwhat (is|was) (his|her|their) (full )?names?\b|"
                          r"哪(一)?位(同志|局长|政委|领导|民警|负责人|书记|主任|干部)|"
                          r"\bwho (is|was)\b(?! (in charge|responsible))|\bwho (led|leads|headed|heads|chaired) the (\w+ )?inspection (team|group)|name of (the )?.{0,40}(chief|head|secretary|director|leader|书记|局长|政委|组长|负责人)", re.I)),
    ("money", re.compile(r"多少钱|花了多少|花费|金额|多少万|工资|薪酬|预算|经费是多少|投入了?多少|(总投入|投资|费用|开支|支出|花销|资金)(是|有|共|一共|总共)?多少|多少(资金|费用|经费)|"
                         r"欠了?多少(?!个|项|笔|家)|(能|可以|可)报(销)?多少|多少(债|欠款)|(债务|欠款|负债)(总额|总共|一共|共)?(是|有|达)?多少|"
                         r"\b(total )?amount of debt\b|\bhow much debt\b|"
                         r"how much money|\bhow much [a-z-]+ money\b|\bvalue of (the|that|this|its|their) .{0,30}\b(contract|deal|tender|purchase)\b|^(?!\s*how (did|does|do|has|have|is|are|was|were)\b).*\bcost\b|\b(total|how much) .{0,30}expenditure\b|\bbudget\b|\bsalary\b|\bwages?\b|\b(monthly|annual) pay\b|"
                         r"how much .{0,60}\b(spen[dt]|pa(y|id)|owe)\b|\btotal (debt|spending)\b", re.I)),
    ("date", re.compile(r"(什么|啥)时候|何时|哪天|哪一天|哪几天|几号|哪几号|日期|哪年|哪个月|几月|起止时间|时间段|落款日期|"
                        r"^\s*when\b|\bwhen (did|was|were|is|are|do|does|will|has|have|had)\b|\b(by|until|since) when\b|"
                        r"what (exact |specific |precise )?(date|day)|which (exact |specific )?(day|date)|which year|what time", re.I)),  # not "…when pupils arrive"
    ("figure", re.compile(r"多少|几成|(?<![这那哪好])几([个次回名人位份场项处件起宗辆路本期轮笔天所条批家间张盏台套集块座]|部(?!门|分|署))|(?<![这那哪])几次|数量|比例|百分之|比率|率是|"
                          r"\bhow (many|much)\b|what percentage|\bpercentage\b|\bwhat (share|proportion)\b|by how much|"
                          r"\bwhat (?:[\w-]+ ){0,3}rate\b|"
                          # the number asked for, not one cut down or raised
                          r"(?<!cut down the )(?<!cut the )(?<!reduce the )(?<!lower the )(?<!decrease the )"
                          r"(?<!increase the )(?<!raise the )(?<!bring down the )\bnumber of\b", re.I)),
    ("name", re.compile(r"叫什么|名称(?![被已]?(打码|打了码|打星|隐去|遮|隐藏|匿名))|全称|标题|(?<!有)哪个(巡察组|单位(?!的?(做法|措施|举措|经验|办法|招)|.{0,4}过)|部门|机构)|什么名义|"
                        r"哪(一?家|一?所|个)" + _ORGANISATION + r"|"
                        r"(?<!masked )(?<!hidden )(?<!starred )\bname\b|which (inspection )?group|what title|"
                        r"\b(which|what) (?!(bureau|branch|unit|office|notice|police|station)\w*\b)([\w-]+ )?" + _EN_ORGANISATION, re.I)),
)

# ... of which those answered only when a quoted sentence states one (how often is not:
# 定期 or a routine described without a period still answers it)
MUST_STATE = ("person", "money", "date", "figure", "name")

INTENTS = ("measures", "next_steps", "meta", "compare", "passages")
# asks which bureaus (the row set is the question's subject) ...
WHICH_BUREAUS = re.compile(r"各单位|各分局|各个?单位|各地|各家|(?<![第哪])[两三四五六七八九十]家(单位|分局|通报)|所有(单位|分局|通报)|哪些单位|哪些分局|哪几个(?=单位|分局|局|地方)|哪几家(?!" + _ORGANISATION + r")|哪个单位|哪家(?!" + _ORGANISATION + r")|都有哪些单位|几个单位|哪几份|哪些通报|哪份通报|哪几个通报|"
                            r"其他(单位|分局)|别的(单位|分局)|逐家|挨家|挨个单位|(?<!每家)每一?家(?!每户)|谁(写|提)了|谁没(写|提)|(是不是|是否)都有?(涉及|提到|提及|写到?)|(单位|分局|通报|几个局)((里|中|当中)有?|有)谁|几个(局|单位|分局)(里|中|当中)有?(哪|谁)|谁的通报|谁(提到|提及|写到|说到)|"
                            r"\bwhich (of the )?(five |other |police )*(bureaus|branches|units|offices|notices)\b|\beach (bureau|branch)\b|"
                            r"\beach of the (five |\w+ )?(bureaus|branches|notices)\b|\b(every |all (the )?(five )?)(bureau|branch|notice)s?\b|"
                            r"\bacross (the )?bureaus\b|\bother (bureaus|branches)\b", re.I)
# ... or contrasts what it names (分别 with one bureau named contrasts two things of it)
_COMPARE = re.compile(r"分别|(?:和|与|跟).{1,24}(?:分别|各自|各|有何不同|有什么不同|有哪些不同|相比)|对比|"
                      r"\bcompare\b|\bboth\b|\brespectively\b|\bdiffer", re.I)
# next steps said outright (qa.answer.blocks: this part of a notice, not the long-term one)
NEXT_SAID = r"下一步|下步|下一部(?=打算|工作|计划|安排|怎么|咋|有)|接下来|今后|下一?个?阶段|(?<!了)(以后|之后|后面|往后)(?!的?(效果|成效|结果))(?!.{0,4}(效果|成效))" \
            r".{0,4}(怎么|怎样|如何|还要|打算|咋|准备)|接着(抓|改|推|干|往下)|怎么继续(抓|推|改|干|搞)"  # 整改以后效果怎么样: the results
NEXT_RE = re.compile(NEXT_SAID + r"|长期(打算|规划|计划|安排)|还(打算|准备|计划)(干|做|搞|弄)|长期整改|需长期|长期坚持|长期管用|长期(?!以来).{0,4}改|改不完|长期(抓|盯)|一时半会|还有哪些没(改完|整改)|没整改完|还没(改|整改)完|还没有?完成|哪些没(完成|改完|整改完)|(还|仍)有.{0,6}没有?(完成|改完|整改完)|"
                   r"尚未(完成|整改)|未完成|还在整改|后续|收尾|扫尾|还剩|剩下的?(巡察)?(问题|事|活)|结束(以)?后.{0,8}(怎么|如何|还)|往下(改|推|抓)|"
                   r"(较长|长)时间.{0,4}推进|长远(打算|规划|计划|考虑|目标|安排)|从长远|推进到什么(程度|地步)|有(哪些|什么|啥)打算|(啥|什么|哪些)打算|"
                   r"long(er)?[- ]term|\b(what'?s|what is|anything) (still )?left to (do|fix)\b|\bstill left\b|\bfocus on next\b|\bwill (now )?focus on\b|\bpromis(e|es|ed|ing) to (keep|continue|do|work)\b|\bkeep doing\b|next[- ]steps?|next (stage|phase)|what next|\bfuture (\w+ )?plans?\b|\b(do|doing|planned|plan|plans|happen|happens|comes?) next\b|going forward|plans? (for|to)|still (open|to be|unfinished)|"
                   r"in (the )?future|from now on|keep (up|working|at it|.{0,40}going)|\bstill working on\b|after (the|its|their) .{0,40}(period|phase)\b|"
                   r"(?<!about its )(?<!about their )(?<!about the )\bfollow[- ]up (work|plans?|steps?)\b|"
                   r"\bonce the .{0,40}\b(is|are) over\b|\b(once|after|when) (the|its|their) .{0,40}\b(ends|is finished|finishes|wraps up)\b|\bfrom here( on)?\b|\bover the long run\b|"
                   r"\bstill (need|needs|has|have) to\b|\boutstanding (items?|tasks?|work|issues?|problems?)\b|"
                   r"\b(still|remain|remaining) outstanding\b|\bclosing[- ]out\b|\block in\b|"
                   r"\b(remain|remains|remaining|still|are|is) (unresolved|unfinished|undone|pending)\b|"
                   r"\bnot (yet )?(been )?(fully )?(fixed|resolved|rectified|completed|finished)\b|\blooking ahead\b|"
                   r"\bwill (keep|continue)\b|\blooking forward\b(?! to)|\b(say|says|said) (it|they) will do\b|\bwill do after\b|\bonce (the|its|their) .{0,40}\b(is|are) (over|done|complete|completed|finished)\b|"
                   r"\bafter the .{0,40}\b(have|has) been (addressed|fixed|resolved|rectified)\b",
                   re.I)
# asks which inspection group (not any question that mentions one: 巡察组移交的信访件)
_GROUP = r"(哪个|哪一个|第几|什么)巡察组|巡察组(分别|各自|各)?(是|为)(哪个|哪一个|哪几个|哪些|第几|谁)|由.{0,10}巡察组|(哪个|第几)组|谁.{0,6}巡察|巡察.{0,4}是谁"
# asks when the inspection was (巡察时间是什么时候), not a question set in it (巡察期间移交的信访件…)
_WHEN_INSPECTED = r"巡察的?(时间|期间|日期)(是|为)?(什么|哪|何|啥|多久|从|起止|？|\?|$)|巡察(时间|期间|日期)和|和巡察(时间|期间|日期)"
# ... in other words (巡察是什么时候开始的, 巡察持续了多长时间, 巡察组几月几号进驻): the inspection
# and a time asked, in a question about nothing a later date belongs to (feedback, the notice,
# rectification, the problems found)
_ZH_WHEN = r"(什么|啥)(时间|时候)|何时|哪(天|一天|段时间|个月|一年|年)|几月|几号|几日|多长时间|多久|起止|从.{0,8}到"
_WHEN_INSPECTED_SAID = (r"(?:^|(?<=[？?。；;]))(?![^？?。；;]*(反馈|发布|印发|落款|公示|公开|整改|问题|巡逻|移交|信访))"
                        r"[^？?。；;]*((巡察|巡视)(?!期间)[组是的了在从持续共]{0,4}"
                        r"(" + _ZH_WHEN + r")|(" + _ZH_WHEN + r").{0,6}(巡察|巡视)|"
                        r"(巡察|巡视)[^？?。；;]{0,20}(待了|呆了|驻了?|进驻)[^？?。；;]{0,4}(多久|多长时间|几天|几个月))")
# ... in English: the inspectors' findings handed back (the feedback), the notice's date,
# how long it is posted, how to reach the bureau
_EN_FINDINGS = (r"\b(findings|results|conclusions)\b.{0,30}\b(delivered|handed|presented|reported|given|fed|passed|back)\b|"
                r"\b(group|team|inspectors?)\b.{0,20}\breport(ed)? back\b|"
                r"\b(deliver|hand|present|report|give|feed|pass)\w*\b.{0,25}\b(findings|results|conclusions)\b")
_EN_GROUP = (r"\bwhich .{0,40}\b(inspection|inspectors?)\b.{0,10}\b(teams?|groups?)\b|\bteam of inspectors\b|"
             r"\bwho (carried out|conducted|did|led|ran|performed) the inspection|\binspection teams? (carried out|conducted)|"
             r"\bwhich (team|group) (inspected|looked into|examined)")
_NOT_POSTED = r"(?!.{0,60}\b(posted|publicly|displayed|on display|disclos))"  # over what period … stay posted
_EN_PERIOD = (r"(?:\bover what (dates|period)" + _NOT_POSTED + r"|\bwhat dates\b|\bwhat (were|are) the (\w+ )?inspection (dates|period)\b|\bwhen did the inspection\b|\bwhen was .{0,40}\binspect|"
              r"\bwhen .{0,30}\binspection .{0,20}\b(take place|happen|run|start)|\bhow long did .{0,40}\binspection\b|"
              r"\binspection\b.{0,40}\blast(ed)?\b|\binspect\w*\b.{0,60}\band when\b)")
_EN_PUBLISHED = (r"\bwhat date is on\b|\bdate (is )?on (it|the notice|the update)|"
                 r"\bwhen did .{0,50}\b(put out|publish|release|issue)\b|\bdated\b|\bdate is it signed\b|\bsigned off with\b")
_EN_POSTED = (r"\bhow long .{0,40}\b(up|posted|displayed|on display|open|public)\b|\bpublic (viewing|display)\b|\bopen for (public )?comments?\b|"
              r"\b(remain|stay|be) (publicly )?(posted|displayed|public|on display)\b|\bpublicly posted\b|"
              r"\buntil when\b.{0,60}\b(posted|displayed|public|display|up)\b|\b(posted|displayed|on display|public) until\b|"
              # the last day for comments (By when do I need to get comments in?): the disclosure period
              r"\b(by when|until when|deadline|last day|cut-?off)\b.{0,40}\b(comments?|opinions?|suggestions?|views)\b|"
              r"\b(comments?|opinions?|suggestions?|views)\b.{0,40}\b(deadline|by when|until when|last day|cut-?off|close)\b")
# a postal address, not the verb (how did Henglan address the findings …)
_EN_ADDRESS = (r"\b(postal|mailing|street|office|full|contact|return|what|which|the|an?|its|their|your|my|"
               r"whose)\s+(postal\s+)?address(es)?\b|\baddress(es)?\b\s*(\?|,|\.|$|and\b|or\b|for\b|of\b|to (send|mail|write))")
# the mail (by post), not a job (the same post, rotation between posts)
_EN_POST = r"\b(by|via|through) post\b|\bpost (office|box)\b"
# a phone number, not a phone card (涉“两卡”：银行卡、电话卡) or phone fraud
_PHONE = r"(?<![打接拨报警])(?<!110的)(?<!打来的)(?<!打进的)(?<!打进来的)(?<!求助)电话(?!卡|诈骗|骗|.{0,4}(处理|处置|分流|怎么办|应对)|其实|里面|中有)"  # not 打电话, 电话怎么处理: calls
# ... in English, not phone scams
_EN_PHONE = r"\b(?:tele)?phone\b(?![\w\s,/-]{0,25}\b(scams?|fraud|frauds|swindles?|scammers?)\b)(?!\s+calls?\b)"  # nor phone calls made
# where to take comments (有意见该往哪儿提)
_OPINION = r"(有|提)意见.{0,8}(往哪|向哪|找谁|找哪|在哪|怎么提|如何提|怎么反映|如何反映)|(意见|建议).{0,4}(往哪|向哪|提给谁|找谁)"
_META = re.compile(_GROUP + r"|反馈(意见|时间|日期)?|(什么|啥)时候.{0,6}巡察|何时.{0,6}巡察|" + _WHEN_INSPECTED + r"|巡到|公示|公开期限|落款|"
                   + _OPINION + r"|意见建议|意见和建议|联系电话|联系方式|contact (details|information)|how (can|do) i (contact|reach)|who (should|do|can|could) (i|we|one) (contact|reach)|" + _PHONE + r"|邮箱|电子邮件|邮政|邮编|来信(?!来访)|信箱|信封|地址|渠道|发布|全称|标题|"
                   r"inspection group|inspected|feedback|disclos|" + _EN_PHONE + r"|e-?mail|postal|" + _EN_POST + r"|" + _EN_ADDRESS + r"|send (comments|opinions)|"
                   r"send .{0,40}\b(views|suggestions)\b|over the internet|website|"
                   r"envelope|postcode|(?<!-)\bmail\b|\bring\b|\bwhat number\b|official title|complete title|full title|"
                   + _EN_FINDINGS + "|" + _EN_GROUP + "|" + _EN_PERIOD + "|" + _EN_PUBLISHED + "|" + _EN_POSTED + "|"
                   r"published", re.I)
_MEASURES = re.compile(r"(怎么|如何|怎样|哪些|什么)整改|整改(措施|情况|得怎么样)|措施|举措|办法|做法|怎么(?!样)|如何|怎样|解决了吗|"
                       r"采取|做了(哪些|什么)|经验|借鉴|对策|良策|应对|(解决|处理|整治|整改)过(?!程)|"
                       r"咋|(啥|什么)(整改|改进)?的?(高招|妙招|招)|啥(办法|措施|举措|做法)|(做|干|搞|弄)了(一?些|点)?(啥|什么)|(搞|弄|干)了哪些|"
                       r"(打通|疏通)了?哪些(堵点|难点)|补(齐|强)了?哪些|抓了哪些|从哪(些|几个)方面|(哪些|什么|啥)动作|靠(什么|啥)(保证|确保|防止|避免)|"
                       r"改了(些|点)?(什么|哪些|啥)|(分|有)(几|哪几)个层面|(哪些|什么)(改进|改善|纠正|机制|制度|工作)|"
                       r"^(?!.*\bhow (often|frequently|long|soon)\b).*\bhow\b(?! (many|much)\b)|"  # how often … how it goes: when
                       r"what (exactly |specifically |actually |precisely )?(did|has|have|does|do)\b.*\b(do|done|take|taken|did)\b|\bmeasures?\b|\bsteps?\b|"
                       r"\bwhat (is|are|was|were|has|have)\b.{0,60}\b(doing|been doing)\b|\bwhat (they|it|he|she) (do|did|does|done)\b|"
                       r"\bwhat (did|has|have|does|do|was|were)\b.{0,80}\b(change|changed|fix|fixed|improve|improved|"
                       r"carry out|carried out|undertake|undertaken|adopt|adopted|introduce|introduced|put in place)\b|"
                       r"\bwhat('s| has)? changed\b|\b(corrective|remedial) (actions?|work)\b|\bwhat (rectification|remediation)\b|"
                       r"\bwhat (can|could|should) (be|we|they) (do|done)\b|\bapproach(es)?\b|\blearn from\b|\blessons?\b|"
                       r"\b(good|best) practices?\b|\bprecedents?\b|\bcountermeasures?\b|"
                       r"\b(been|being) (done|taken|put in place|adopted|introduced|made)\b|\bwhat (was|were|is|are|will be) (done|taken)\b",
                       re.I)

# (what was done about 渠道不畅, a problem, not the channel to write to)
_ASKS_MEASURES = re.compile(r"措施|举措|(怎么|如何|怎样)(整改|改|办|解决|处理|整治|纠正|弄|管|提高|提升|补)|做了|采取|"
                            r"\bwhat did\b|\bmeasures\b", re.I)


KEYWORDS_MAX_CHARS = 60  # a keyword query is short (qa.query.intent.is_keywords)
EN_ASKING = re.compile(r"\b(how|what|which|when|who|whom|whose|where|why)\b", re.I)
ZH_ASKING = re.compile(r"多少|多久|多长|多大|几|哪|什么|啥|怎|如何|是否|有没有|是不是|谁|何|吗|呢")


def asking_clauses(question: str, last: bool = False) -> str:
    """The clauses that ask: of each sentence, from the last clause holding a question word
    on, or its last clause when none does (之前几轮教育活动的成果也没巩固住，后来是怎么改的？
    asks how, not how many; 多久开一次碰头会，把布置的活儿盘一盘？ asks how often; How many
    full-time, established officers … have? asks how many). ``last``: a Chinese sentence's
    last clause only (what 有没有单位规定，… asks about follows the asking words)."""
    pieces = re.findall(r"[^？?！!。]+[？?！!。]?", question)
    if is_chinese(question) and re.search(r"[？?]", question):  # a sentence ending in 。 states: 几个食堂都是各自买菜。
        pieces = [x for x in pieces if not x.endswith("。")] or pieces
    sentences = [x.rstrip("？?！!。") for x in pieces if x.rstrip("？?！!。").strip()]
    out = []
    for x in sentences:
        clauses = re.split(r"[，,；;]", x.strip())
        asks = ZH_ASKING if is_chinese(x) else EN_ASKING
        at = len(clauses) - 1 if last and is_chinese(x) else \
            max((i for i, c in enumerate(clauses) if asks.search(c)), default=len(clauses) - 1)
        out.append(("，" if is_chinese(x) else ",").join(clauses[at:]))
    return " ".join(out) or question


# several bureaus set side by side (几个分局…对比一下): no count asked
_SEVERAL = re.compile(r"(?<![这那哪有])几(个|家)(单位|分局|局)(?=.*(对比|比较|相比|分别|各自|谁|哪))")  # 几个单位分别做了哪些整改


# the items of a bureau's plans counted (往后还打算咋干？分了几条？): the list answers it, no figure
_PLAN_ITEMS = re.compile(r"(分了?|分成|列了?|一共|共|总共)?(有)?(几|多少)(条|项|点|个方面|个层面)(?=[？?。，,！!\s]|$)")
# ... and a problem's measures counted (整改落实情况分几个层面？; 整改措施有几条？): the measures answer it
_MEASURE_ITEMS = re.compile(r"(整改|措施|举措|落实情况)[^？?。，,]{0,8}(分了?|分成|列了?|一共|共|总共)?(有)?(几|多少)(条|项|点|个方面|个层面)"
                            r"(?=[？?。，,！!\s]|$)|(列|采取|提出|出台|制定)了?(几|多少)(条|项|个)(整改)?(措施|举措)(?=[？?。，,！!\s]|$)|"
                            r"\bhow many (measures|steps) (are|were|did|does|do)\b|\bwhat (two|three|four|five|six) measures\b", re.I)
# ... said with the measures after the count (列了几条措施？): removed as the plan items are
_MEASURES_COUNTED = re.compile(r"(列|采取|提出|出台|制定)了?(几|多少)(条|项|个)(整改)?(措施|举措)|\bhow many (measures|steps)\b", re.I)


# whether a notice gives a figure at all (哪几家提到了追赃挽损？有没有给出金额？): which do, not the figure
_WHETHER_GIVEN = re.compile(r"(有没有|是否|有无)(给出|写明?|写出|公布|提到|提及|披露|说明?|交代)(了)?(具体的?)?(金额|数字|数据|数额|人数|时间|日期)"
                            r"|\b(whether|if) (it|they|the notices?|each) (gives?|states?|report|reports|mentions?) (an? |the |any )?"
                            r"(amount|figure|number|date)s?\b", re.I)


# how many days an inspection lasted (巡察了多少天; how many days did the inspection last): its period
_INSPECTION_DAYS = re.compile(r"\bhow many days\b.{0,40}\binspect|巡察.{0,10}(多少|几)天|(多少|几)天.{0,6}巡察", re.I)


_EN_COUNT_FIRST = re.compile(r"^\s*how many\b", re.I)


def question_type(question: str) -> str | None:
    # How many people did Zhoushan hold accountable…, and how were they dealt with? asks the count first
    asking = question if _EN_COUNT_FIRST.match(question) else asking_clauses(question)
    if NEXT_RE.search(question) or _MEASURE_ITEMS.search(asking):
        asking = _PLAN_ITEMS.sub("", _MEASURES_COUNTED.sub("", asking))
    asking = _WHETHER_GIVEN.sub("", asking)  # 有没有给出金额: whether, not how much
    period = bool(_INSPECTION_DAYS.search(asking))  # how many days it lasted: its period, a field of the notice
    for name, pattern in QTYPES:
        if name == "figure" and period:
            continue
        if pattern.search(_SEVERAL.sub("", asking) if name == "figure" else asking):
            return name
    return None


# one sentence asking a bureau's measures and then a figure of them
_MEASURES_AND_FIGURE = re.compile(r"(^|[.?!]\s+)(what ((two|three|four|five|six|seven) )?(measures|steps|actions)|how many (measures|steps) (are|were|did|does|do))\b"
                                  r".{0,200}?,?\s*\band (how many|how much|what (percentage|rate|share|proportion|compliance rate))\b|"
                                  r"(采取了?|有)(哪些|什么)(整改)?(措施|举措)[^？?]{0,40}[，,；;][^？?]{0,40}(多少|几)", re.I)
# a second sentence asking for the measures themselves, after one asking a figure or date
_MEASURES_THEN = re.compile(r"(那|那么|另外|还有)?(具体|都|又|分别)?(改了|做了|采取了)(些|点|哪些)?(什么|哪些|啥)(措施|举措)?[？?]|"
                            r"(那|那么|另外)?(具体)?(整改)?措施(都)?(有|是)(哪些|什么|啥)[？?]|"
                            r"(那|那么|另外)?具体(是)?(怎么|如何|怎样)(整改|改)的?[？?]", re.I)
_THING_WITH_CONTACT = re.compile(r"^\s*how many\b.{0,60}\bwith\b.{0,30}\bcontact (details|information)\b", re.I)
_OWN_UNITS = re.compile(r"各单位|各个?单位")  # ... in a question naming one bureau: its units


def question_intent(question: str, named: int = 0) -> str:
    """How the answer to ``question`` is built (see the module docstring); ``named``: how
    many indexed bureaus it names (two or more make it a comparison, one makes 分别 and
    the like contrast two things of that bureau)."""
    which = WHICH_BUREAUS.search(question)
    if named == 1 and which and _OWN_UNITS.fullmatch(which.group(0)):
        which = None  # 港口分局以前各单位饭堂…: the named bureau's own units
    if named >= 2 or which or (named == 0 and _COMPARE.search(question)):
        return "compare"
    if NEXT_RE.search(question):
        return "next_steps"
    # a field asked in other words (巡察持续了多长时间) too; but 叫什么名字 asks for the notice's title
    # only where the question names a notice (标题, 全称: _META)
    fields = [f for f in asked_fields(question)[0] if f != "title"]
    meta = _META.search(question)
    if meta and _THING_WITH_CONTACT.search(question):
        meta = None  # how many cards with the police contact details: a thing counted, no contact asked
    if (meta or fields) and not _ASKS_MEASURES.search(question):
        return "meta"
    if _MEASURES.search(question) and question_type(question) is None:
        return "measures"
    first = re.split(r"(?<=[？?])", question.strip(), maxsplit=1)
    if named == 1 and len(first) == 2 and first[1].strip() and _MEASURES.search(first[0]) \
            and question_type(first[0]) is None:
        return "measures"  # 横栏分局…是怎么整改的？积压的案子清理了多少？: its measures, the figure among them
    if named == 1 and _MEASURES_AND_FIGURE.search(question):
        return "measures"  # What measures did Gangkou report …, and what compliance rate did it claim: the rate among them
    if named == 1 and len(first) == 2 and _MEASURES_THEN.fullmatch(first[1].strip()):
        return "measures"  # 整改是从哪个月开始动的？具体改了什么？: the measures, the month among them
    if named == 1 and is_keywords(question) and question_type(question) is None:
        return "measures"  # 港口 办证窗口 业务不熟 群众投诉: a bureau's problem typed as keywords
    return "passages"


def is_keywords(question: str) -> bool:
    """Whether a question is typed as keywords (港口 饭堂 验收; Henglan traffic jam fix): short,
    no question mark, no question word."""
    return len(question) <= KEYWORDS_MAX_CHARS and not re.search(r"[？?。]", question) \
        and not (ZH_ASKING if is_chinese(question) else EN_ASKING).search(question)


# What a metadata question asks for: the fields (qa.ingest.metadata.FIELD_LABELS) and
# whether it also asks for something no field holds (an address, a web channel, a count).
META_FIELDS = (
    ("inspection_group", re.compile(_GROUP + r"|谁(来)?巡的|who inspected|which .{0,20}inspection (group|team)|"
                                    r"inspection (group|team) (that |which )?(inspected|carried out|conducted|visited|examined)|"
                                    r"which (group|team)|" + _EN_GROUP, re.I)),
    ("inspection_period", re.compile(r"(什么时候|啥时候|何时|什么时间|哪段时间).{0,6}(开展|进行)?.{0,4}巡察|"
                                     r"(什么时候|啥时候|何时|哪天|几月)(被|来)?巡(的|了|$|\s)|"  # 啥时候被巡的
                                     + _WHEN_INSPECTED + "|"
                                     + _WHEN_INSPECTED_SAID + "|"
                                     r"(哪天|什么时候|何时|几号|几月).{0,4}巡到|巡察[^？?]{0,12}(哪天|什么时候|啥时候|何时|几号|几月几号)(进驻|入驻|撤离)|"
                                     r"巡察[^？?]*[？?]\s*(什么时候|啥时候|何时|什么时间)[？?]?$|"  # …巡察组搞的？什么时候？
                                     r"巡察是什么时(候|间)|什么时间开展|when (was|were|did) .{0,40}inspect|"
                                     r"\bwhen (did )?the inspection (group|team)s? (come|came|arrive|arrived|visit|visited)\b|"
                                     + _EN_PERIOD,
                                     re.I)),
    ("feedback_date", re.compile(r"反馈.{0,8}(哪天|哪一天|时间|日期|什么时候|啥时候|何时)|(哪天|哪一天|什么时候|啥时候|何时|几号)(?:(?!哪天|什么时候|啥时候|何时).){0,12}反馈|"
                                 r"\bwhen (?:(?!\bwhen\b).){0,40}feedback|feedback (date|was given)|"  # not across another when
                                 # from the last "when" (when did the inspection take place and when were the results…)
                                 r"\b(when|date|day)\b(?:(?!\bwhen\b).){0,60}(" + _EN_FINDINGS + ")", re.I)),
    ("publication_date", re.compile(r"(哪天|哪一天|什么时候|何时|什么时间|几月几[号日]|日期).{0,6}(发布|印发|落款|公布|发出)|通报.{0,6}(哪天|哪一天|什么时候|何时)才?发(?![现生展挥])|"
                                    r"(发布|落款|公布|印发)的?(日期|时间)|落款.{0,3}(哪天|哪一天|什么时候|何时|几号)|通报.{0,2}是?(哪天|哪一天|什么时候|何时)(发|出)的|"
                                    r"when was .{0,40}(published|issued)|date of the notice|" + _EN_PUBLISHED, re.I)),
    ("disclosure_period", re.compile(r"公开期限|(公示|公开).{0,12}挂.{0,6}(多少天|几天|多久|多长时间)|意见.{0,10}(截止|最晚|最迟|(哪天|什么时候|几号)(之前|以前|前))|公示(期|时间)|(公示|公开)(到|至|截止到?)(哪|什么时候|啥时候|何时|几)|(公示|公开).{0,4}(多久|多长时间)|disclosure period|how long .{0,30}(public|disclos)|" + _EN_POSTED,
                                     re.I)),
    ("phone", re.compile(_PHONE + r"|" + _EN_PHONE + r"|(哪个|什么|啥)号码|号码是多少|电话号码|\bcall\b|\bring\b|\bwhat number\b",
                         re.I)),
    ("email", re.compile(r"邮箱|(电子|发)邮件|e-?mail", re.I)),
    ("fax", re.compile(r"传真|\bfax\b", re.I)),
    ("postcode", re.compile(r"邮编|邮政编码|\bpost ?code\b|\bpostal code\b|\bzip code\b", re.I)),
    ("website", re.compile(r"网址|\bURL\b|web address|\bwebsite address\b", re.I)),
    ("title", re.compile(r"全称|标题|叫什么名字|full title|what is the title|official title|complete title|"
                        r"\bwho (actually )?(put out|issued|published|released)\b", re.I)),
)
# sending comments by post (信寄到哪里, 寄意见信), not anything sent (给民警家属寄廉政家书)
_SEND = r"寄(信|.{0,6}(哪|何处|什么地方|地址))|(意见|建议|信)[^，。？]{0,8}寄|寄.{0,4}(意见|建议)"
_META_OTHER = re.compile(r"地址|邮政(?!编码)|信箱|信封|" + _SEND + r"|渠道|平台|网上(?!公示|公开)|多少(个|项|类)?问题|几(个|项|类)问题|文件叫|"
                         r"(?<!e-mail )(?<!email )(?:" + _EN_ADDRESS + r")|" + _EN_POST + r"|(?<!-)\bmail\b|\b(send|write|mail|post)\w* .{0,30}\bletters?\b|\bletters? to\b|envelope|channel|online (channel|platform|portal)|platform|"
                         r"internet|website|"
                         r"how many", re.I)
# ... or where to send comments (the closing paragraph's contact details)
_CONTACT = re.compile(_OPINION + r"|(往|向|到)哪儿?(提|反映|投诉)|地址|邮编|邮政|信箱|信封|" + _SEND + r"|渠道|平台|网上|" + _PHONE + r"|邮箱|联系|"
                      + _EN_ADDRESS + r"|" + _EN_POST + r"|\b(send|write|mail|post)\w* .{0,30}\bletters?\b|\bletters? to\b|envelope|(?<!-)\bmail\b|channel|online (channel|platform|portal)|platform|"
                      + _EN_PHONE + r"|"
                      r"e-?mail|contact|\bring\b|\bwhat number\b|over the internet|on the internet|website|postcode",
                      re.I)  # not "online fraud"


# the title asked for is another document's (整改落实方案的标题), not the notice's
_OTHER_DOCUMENT = re.compile(r"^(?!.*(通报|notice)).*(方案|办法|规定|细则|制度|意见|\bplan\b|\brules?\b|\bregulations?\b)",
                             re.I)


# who led the inspection group (巡察组组长是谁, who led the inspection team): a person, not the group
_GROUP_LEADER = re.compile(r"组长|带队|领队|\b(led|leader|leads|headed|heads|chief|chaired)\b", re.I)


_PERIOD_ASKED = dict(META_FIELDS)["inspection_period"]


def asked_fields(question: str) -> tuple[tuple[str, ...], bool]:
    """The metadata fields a question asks for, and whether it asks for more than they hold."""
    leader = bool(_GROUP_LEADER.search(question))
    found = {name: m.span() for name, pattern in META_FIELDS if (m := pattern.search(question))
             and not (name == "title" and _OTHER_DOCUMENT.search(question))
             and not (name == "inspection_group" and leader)}
    period, feedback = found.get("inspection_period"), found.get("feedback_date")
    if period and feedback and period[0] < feedback[1] and feedback[0] < period[1]:
        # when did the inspection team give its feedback: one clause, the feedback; unless the
        # period is asked elsewhere too (over what dates did they inspect? And when did the group report back?)
        rest = question[:feedback[0]] + " " * (feedback[1] - feedback[0]) + question[feedback[1]:]
        if not _PERIOD_ASKED.search(rest):
            del found["inspection_period"]
    return tuple(found), bool(_META_OTHER.search(question)) or leader


def asks_contact(question: str) -> bool:
    """Whether a metadata question asks where or how to send comments."""
    # not 骗子打电话…，各地是怎么应对的？ (an English clause before a comma says what is asked: If I want to mail…, where)
    asking = asking_clauses(question) if is_chinese(question) else question
    listed = len({m.group(0).lower() for m in _CONTACT.finditer(question)}) >= 3  # 联系电话、邮寄地址和网上信箱
    return bool(_CONTACT.search(asking) or listed) and not re.search(r"多少|几(个|项|类)|how many", asking)


def asks_metadata(question: str) -> bool:
    """Whether a question asks for metadata fields or contact details of the notices; in
    Chinese the asking clauses say so (骗子打电话…，各地是怎么应对的？ asks how, not for a number)."""
    asking = asking_clauses(question) if is_chinese(question) else question
    return bool(asked_fields(asking)[0]) or asks_contact(question)


# which problems a notice reports on, or how many (舟山市局整改了哪些问题, 巡察反馈了哪些问题,
# what problems did the inspection find at Henglan, 通报一共有多少个问题): asked about no topic,
# the problems as the notices list them
_PROBLEM_LIST = re.compile(r"(哪些|什么|哪几个|哪几类|哪几方面的?|啥)(主要|具体|突出)?问题|问题(都|主要)?(有|是)(哪些|什么|啥)|"
                           r"(多少|几)(个|项|类)?问题|问题(清单|列表|目录)|(整改)?措施(都)?(有|是)(哪些|什么)|(列|列举|罗列)(一下|出来?).{0,12}问题[？?。]*$|"
                           r"\b(what|which|how many) (\w+ ){0,3}(problems|issues|shortcomings|failings)\b|"
                           r"\blist (of |all )?(the )?(problems|issues)\b", re.I)


# how the rectification went as a whole (港口分局整改得怎么样, 整改效果如何, 整改完了吗, how well
# did Gangkou do, has Henglan finished its rectification): asked about no topic, the part of
# the notice that says so
_OVERALL = re.compile(r"整改(得|的)?(怎么样|咋样|如何|怎样)|整改(的)?(总体|整体|基本)?(情况|效果|成效|进展|进度|成果)(怎么样|如何|怎样|咋样|好不好)?|"
                      r"(总体|整体|基本)(情况|进展|进度)|(整改|改)完(了)?(吗|没)|整改(完成|结束)(了)?(吗|没)|亮点|"
                      r"整改(以后|之后|后)的?(效果|成效|结果)|取得了?(哪些|什么|啥)?(成效|效果|成果)|"
                      r"(干|做)了(些)?(啥|什么|哪些)(工作|事)?|"
                      r"\bsummar(y|ise|ize)\b|\boverview\b|"
                      r"\bhow (well|far)\b|\bhow (is|was|are|were)\b.{0,40}\b(rectification|progress|going|gone)\b|"
                      r"\b(finished|completed) (its|the|their) rectification\b|\boverall (progress|results?|picture|situation)\b|"
                      r"\bprogress (of|on|in) (its|the|their) rectification\b", re.I)


def asks_overall(question: str) -> bool:
    """Whether a question asks how the rectification went as a whole; whether it names a
    topic as well (打击电诈方面取得了什么成效) is the answerer's to decide."""
    return bool(_OVERALL.search(question))


# which bureau reports on the most (fewest) problems or measures (哪个单位整改的问题最多)
_MOST = re.compile(r"(问题|措施|举措)[^，,。？?]{0,6}(最多|最少)|(最多|最少)的?[^，,。？?]{0,6}(问题|措施|举措)|"
                   r"\b(most|fewest|least) (\w+ ){0,2}(problems|issues|measures)\b", re.I)


# a sum across bureaus (五家单位追赃挽损加起来一共多少钱, the combined total of all bureaus): each
# notice states its own figures only; not 一共 alone (各单位一共新建了多少项制度: each one's)
_SUM = re.compile(r"加起来|合计|总计|加总|\bcombined\b|\baltogether\b|\badd(?:ed)? up\b|\bin total\b", re.I)
_SEVERAL_BUREAUS = re.compile(r"[两三四五几这]家|所有(单位|分局)|全部(单位|分局)|\ball (the )?(five |four |three )?"
                              r"(bureaus|branches|notices)\b", re.I)


def asks_sum_across(question: str, named: int) -> bool:
    """Whether a figure question asks for a sum over several bureaus (``named``: how many
    it names)."""
    return bool(_SUM.search(question)) and question_type(question) in ("figure", "money") and (
        named >= 2 or (named == 0 and bool(WHICH_BUREAUS.search(question) or _SEVERAL_BUREAUS.search(question))))


def asks_most(question: str) -> str | None:
    """"problems" or "measures" for a question asking which bureau reports on the most (or
    fewest) of them, else None."""
    if not _MOST.search(question):
        return None
    # 哪个单位整改的问题最多，措施 (a follow-up, 那措施呢？): measures wherever the question names them
    return "measures" if re.search(r"措施|举措|measures", question, re.I) else "problems"


def asks_problem_list(question: str) -> bool:
    """Whether a question asks which problems (哪些问题, what problems); whether it names a
    topic as well (港口分局办案区管理有什么问题) is the answerer's to decide."""
    return bool(_PROBLEM_LIST.search(question))


# what *other* units did (别的单位怎么整改的, 有没有单位处理过, what have other bureaus done): a
# precedent sought, not a table of every unit
_OTHERS = re.compile(r"(其他|其它|别的|兄弟)(单位|分局|局|地方)|别人|别家|人家|有没有(单位|分局|局|哪个单位|哪家)|"
                     r"有(单位|分局|局)[^，,。？?]{0,8}过|哪(个|家)(单位|分局|局)[^，,。？?]{0,8}过|"
                     r"\bother (bureaus?|units?|departments?|police|forces?|sub-bureaus?)\b|"
                     r"\b(any|which) (other )?(bureaus?|units?|departments?) (ha(s|ve)|had|did)\b", re.I)


def asks_others(question: str) -> bool:
    """Whether a question asks what other units than the asker's did (a precedent)."""
    return bool(_OTHERS.search(question))


def asks_measures(question: str) -> bool:
    """Whether a question asks what was done (措施, 怎么做, how did): a comparison then
    gives each bureau's matching problem with its measures."""
    return bool(_MEASURES.search(question))



# 多少项 is answered by 17项 or 34条, not by 100%: the measure words that count alike (个 counts
# anything, but not times: 多少个问题 is not answered by 7次)
_UNITS = {"项": "项条个部份", "条": "条项个", "个": "个项条家处所名人位件起宗份部类张路盏台辆套块间座", "次": "次场轮期批回", "回": "回次场轮", "场": "场次", "轮": "轮次",
          "名": "名人位", "人": "人名位", "位": "位名人", "件": "件起宗", "起": "起件宗", "宗": "宗件起",
          "家": "家个所", "份": "份个单", "篇": "篇期", "期": "期篇次", "张": "张份个单", "路": "路个", "盏": "盏个",
          "台": "台部个", "辆": "辆台部", "套": "套个", "集": "集部期", "部": "部个集", "块": "块个", "间": "间个",
          "座": "座个", "处": "处个", "本": "本册", "分": "分"}
# a count asked for (not 家长, 名称, 名单, 部门, 路段, 处理; nor 好几个, several)
_COUNT = r"(?:多少|(?<!好)几)(?!家长|名称|名单|部门|部分|路段|路口|处理|处置|间隔)"
_ASKED_UNIT = re.compile(_COUNT + "([" + "".join(_UNITS) + "])(?!局|钟|之|别|析|配|类|工|布|开|管|散|地)")  # 多少分: not 分局


# ... and in English, by the noun "how many" counts (how many rounds of checks: rounds)
_EN_COUNTED = (
    (re.compile(r"items?|articles?|belongings|objects?|pieces?"), "件项条个部份"),  # 560件 items given back
    (re.compile(r"problems?|issues?|shortcomings?|measures?|rules?|regulations?|systems?|policies|policy|"
                r"documents?|plans?|mechanisms?"), "项条个部份"),
    (re.compile(r"times|meetings?|sessions?|rounds?|inspections?|trainings?|lectures?|campaigns?|checks?|drills?"),
     "次场轮期批"),
    (re.compile(r"people|persons?|officers?|individuals?|staff|members?|cadres?|policemen|auxiliaries|employees"),
     "名人位"),
    (re.compile(r"cases?|incidents?|petitions?|complaints?"), "起件宗"),
    (re.compile(r"units?|stations?|companies|businesses|enterprises|firms|venues?|schools?"), "家个所间"),
    (re.compile(r"years?"), "年"),  # how many years in the same post: 超10年, not 11名
    (re.compile(r"days?"), "天日"),  # how many days the notice runs: 30日, not 560件
)
_EN_HOW_MANY = re.compile(r"\bhow many\s+((?:[\w'-]+\s*){1,4})", re.I)
_EN_NOUN_END = re.compile(r"\b(did|do|does|were|was|are|is|has|have|had|will|in|of|at|for|under|on|to|that|which|"
                          r"got|received|held|since|during|this|so)\b.*", re.I)  # the noun phrase ends here


# a percentage asked for (满意率达到百分之多少, what share): only a percentage answers it
_PERCENT = re.compile(r"百分之(多少|几)|多少%|百分比|比例.{0,4}(多少|几成)|几成|率(是|为|达到|达|有|在)?了?(多少|几成)|\bwhat (percentage|proportion)\b|"
                      r"\bwhat (?:[\w-]+ ){0,3}rate\b|"
                      r"\bpercentage\b|\bwhat share\b", re.I)


# which or how many bureaus (哪几家给出了总数, 有几家单位写明了): not the figure asked for
_BUREAUS_COUNTED = re.compile(r"[哪有]几家(单位|分局)?|几家(单位|分局|局)")


@lru_cache(maxsize=1024)
def counted_units(question: str) -> str:
    """The measure words a figure answer must use (多少项 -> 项条个部份; how many rounds of
    checks -> 次场轮期批), "" when the question names none (是多少, 多少钱). Cached: every
    candidate sentence of a figure question is checked against it."""
    if _PERCENT.search(question):  # 满意率达到百分之多少: a percentage, not any number
        return "%"
    if not is_chinese(question):
        words = counted_phrase(question).split()
        head = words[-1].lower() if words else ""  # how many case review workshops: workshops
        return next((units for pattern, units in _EN_COUNTED if pattern.fullmatch(head)), "")
    # every count asked (停了多少条船、查了多少起案子: 条 or 起)
    asked = _BUREAUS_COUNTED.sub("", asking_clauses(question))
    units = (_UNITS.get(m.group(1), m.group(1)) for m in _ASKED_UNIT.finditer(asked))
    return "".join(dict.fromkeys("".join(units)))


# a length of time asked (几天之内, 几个工作日, 多少年): it counts no thing a notice must name
_TIME_UNIT = r"(?!个?(?:工作)?(?:天|日|周|星期|礼拜|月|年|小时|钟头|分钟))"
_COUNTED_PHRASE = re.compile(_COUNT + _TIME_UNIT + "[" + "".join(_UNITS) + r"类种批]?([^，,。？?、；;！!\s]*)")


def counted_phrase(question: str) -> str:
    """What a figure question counts, as it says it (多少名在编民警 -> 在编民警; how many
    established-post police officers -> established-post police officers); "" when it
    says nothing after the count (制度有多少项)."""
    if not is_chinese(question):
        en = _EN_HOW_MANY.search(question)
        return _EN_NOUN_END.sub("", en.group(1)).strip() if en else ""
    return " ".join(m.group(1).strip() for m in _COUNTED_PHRASE.finditer(asking_clauses(question))).strip()


# An inspection round other than the one a notice reports on: 十四届市委巡察, 上一轮巡察的整改通报
_ROUND_NAMED = re.compile(r"([一二三四五六七八九十]{1,3})届")
_EN_ROUND_NAMED = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b(?= (?:municipal |city |party )*(?:party )?committee)", re.I)
_ROUND_BEFORE = re.compile(r"上一轮|上轮|前一轮|上一届|上届|previous (inspection )?round|last (inspection )?round|"
                           r"earlier (inspection )?round|prior (inspection )?round", re.I)
_ABOUT_NOTICE = re.compile(r"通报|报告|notice|report", re.I)
# ... or a notice published after the indexed ones (a later notice saying the long-term items are done)
_LATER_NOTICE = re.compile(r"(后来|之后|此后|随后|后续|最近)又?(发|出|发布|公布|出台)了?(一份|新的|新)?的?(整改)?(通报|报告)|"
                           r"新一?份?的?整改通报|\b(a |any )?(later|newer|subsequent|follow-up|updated|more recent) "
                           r"(notice|report)s?\b", re.I)
_BEFORE_NAMED = re.compile(r"\b(before|prior to|preceding) (the )?\S{0,4}届|[一二三四五六七八九十]{1,3}届.{0,4}(之前|以前|前面)", re.I)
_THIS_ROUND = re.compile(r"这次|本次|此次|这一轮|本轮|this (time|round)", re.I)
_DIGITS = "一二三四五六七八九"


def _chinese_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _DIGITS[tens - 1]) + "十" if tens else "") + (_DIGITS[ones - 1] if ones else "")


def asked_round(question: str) -> str | None:
    """The inspection round a question asks about when it names one (十四届; the 14th
    committee: 十四届), "previous" for the notice of an earlier round (上一轮…的整改通报,
    but not 上一轮发现的问题这次怎么解决的), "later" for a notice published after the
    indexed ones (后来又发了通报, a later notice), else None."""
    if _ROUND_BEFORE.search(question) and _ABOUT_NOTICE.search(question) and _BEFORE_NAMED.search(question):
        return "previous"  # the previous round, before the 十五届 one
    m = _ROUND_NAMED.search(question)
    if m:
        return m.group(1) + "届"
    m = _EN_ROUND_NAMED.search(question)
    if m and 0 < int(m.group(1)) < 100:
        return _chinese_number(int(m.group(1))) + "届"
    if _ROUND_BEFORE.search(question) and _ABOUT_NOTICE.search(question) and not _THIS_ROUND.search(question):
        return "previous"
    if _LATER_NOTICE.search(question):
        return "later"
    return None
