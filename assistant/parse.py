"""Question -> Plan: what is asked (intent), about which models and benchmarks, in which setting and scope.

No templates keyed on wordings: names are found by scanning the question against the catalog, intents by
cue words, and a follow-up borrows whatever slot it does not fill itself from the earlier question.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .catalog import Catalog, Mention

NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(%|points?)?(?![\w.])")
FACT_WORDS = [
    (r"\b(?:activated|active)\s+param", "active_params"),
    (r"\bnon[- ]?emb", "non_embedding_params"),
    (r"\btotal\s+param|\bparameters?\b|\bparams?\b|\bhow (?:big|large)\b|\bmodel size\b", "total_params"),
    (r"\bhidden\s+(?:dim|size)|\bmodel\s+dim(?:ension)?|\bd_?model\b", "hidden_dim"),
    (r"\bvocab(?:ulary)?(?:\s+size)?\b", "vocab_size"),
    (r"\bcontext(?:\s+(?:length|window|size))?\b.*\b(?:support|handle|length|window)|\bcontext length|"
     r"\bcontext window|\bmax(?:imum)? context", "context_length"),
    (r"\bkey[- ]value heads|\bkv heads", "kv_heads"),
    (r"\battention heads|\bheads\b", "attention_heads"),
    (r"\bhead dim", "attention_head_dim"),
    (r"\bmoe layers", "moe_layers"),
    (r"\bdense layers", "dense_layers"),
    (r"\bmtp layers", "mtp_layers"),
    (r"\blayers\b", "layers"),
    (r"\bintermediate", "intermediate_dim"),
    (r"\bexperts?\b", "experts"),
    (r"\barchitecture\b|\bmoe or dense|\bdense or moe", "architecture"),
    (r"\bqk[- ]norm", "qk_norm"),
    (r"\bgqa\b|\bgrouped[- ]query", "gqa"),
    (r"\btie[d]? embedding", "tie_embedding"),
]
WEAK_METHOD = re.compile(r"^why\b|^how\b(?! (?:many|much|big|large|well|good|high|low))|\bhow (?:did|do|does|was|"
                         r"were|is|are)\b|\b(?:describe|explain|summari[sz]e)\b", re.I)
METHOD = re.compile(
    r"\bwhat (?:sampling|learning|temperature|schedule|"
    r"optimi[sz]er|method|approach|strategy|procedure|criteri|framework|technique|data|dataset|tokeni[sz]er|"
    r"vocabulary|batch|precision|metric|prompt|setup|settings?|hyper|decay|warm|loss|reward|algorithm|"
    r"evaluation protocol|objective|license|licence)|\bwhich (?:optimi[sz]er|"
    r"framework|method|tokeni[sz]er|languages?)\b|\bwhat (?:is|are|was|were) the (?:sampling|learning|vocab|"
    r"temperature|training|pre-?training|decontamination|contamination)|\bvocabulary\b|\btemperature\b|"
    r"\bclaims?\b|\blicen[cs]e\b|\blanguages\b",
    re.I)
PROCEDURE = re.compile(r"\bhow\b(?!\s+(?:many|much)\b).*\b(?:computed|calculated|measured|evaluated|run|obtained|averaged|tested|judged|"
                       r"conducted|done|collected|constructed|built|trained|designed|scored|graded|simulated|"
                       r"prompted|sampled|selected|filtered|decontaminated|configured|implemented|annotated|"
                       r"created|generated|chosen|set up)\b|"
                       r"\b(?:and|also)\s+(?:how|why|what|which)\b", re.I)
SCORE_SEEKING = re.compile(r"\b(?:score|scores|scored|scoring|result|results|benchmarks?|perform\w*|accuracy|rank\w*|"
                           r"best|worst|highest|lowest|compare\w*|vs\.?|versus|list|reported|evaluated on|numbers?)\b|"
                           r"\bhow (?:well|good)\b", re.I)

PAPER_NAME = re.compile(r"((?:the\s+)?[\w.\-]+(?:\s+[\w.\-]+)?\s+(?:technical\s+|tech\s+)?(?:report|paper|blog|"
                        r"synthesis))\b", re.I)


@dataclass
class Plan:
    intent: str                                   # lookup compare rank diff average list count verify fact none
    models: list[Mention] = field(default_factory=list)
    benchmarks: list[Mention] = field(default_factory=list)
    setting_words: set[str] = field(default_factory=set)
    papers: list[str] = field(default_factory=list)
    table_no: str | None = None
    size_min: float | None = None
    size_max: float | None = None
    value_min: float | None = None                # 'above 90': scores > 90 ('at least 90': >= 90)
    value_max: float | None = None
    strict: bool = True
    variant: str | None = None
    descending: bool = True
    literal: bool = False                         # 'highest'/'lowest' (values), not 'best'/'worst'
    k: int = 1
    claim_value: float | None = None
    attributes: list[str] = field(default_factory=list)
    methodology: bool = False
    about_model: bool = False                     # names a model, asks nothing about scores: a question for the text
    question: str = ""

    @property
    def model_ids(self) -> list[str]:
        return list(dict.fromkeys(i for m in self.models for i in m.ids))

    @property
    def bench_ids(self) -> list[str]:
        return list(dict.fromkeys(i for m in self.benchmarks for i in m.ids))


def setting_words(q: str, cat: Catalog) -> set[str]:
    """Words of the question that pick a setting: '128k', 'with YARN+DCA', 'strict', 'Chinese', 'Python'."""
    ql = q.lower()
    toks = set(re.findall(r"[a-z0-9+.]+", ql))
    words = {t for t in toks if re.fullmatch(r"\d+(?:\.\d+)?[km]", t)}
    if re.search(r"\bwithout\b", ql):
        words.add("without")
    elif re.search(r"\bwith\b", ql):
        words.add("with")
    words |= (toks & cat.setting_vocab) - STOP
    for syn, canon in (("instruction-level", "instruction"), ("prompt-level", "prompt"), ("loose", "loose"),
                       ("strict", "strict"), ("dca", "dca"), ("yarn", "yarn")):
        if syn in ql:
            words.add(canon)
    return words


STOP = {"the", "of", "on", "in", "and", "a", "an", "is", "what", "score", "scores", "model", "models", "with",
        "without", "for", "at", "to", "by", "how", "does", "do", "which", "value", "level", "acc", "accuracy",
        "report", "paper", "table", "s", "vs", "than", "best", "highest", "it", "its", "results", "result",
        "mean", "performance", "get", "gets", "achieve", "achieves", "what's", "whats", "are", "was", "were",
        "be", "much", "many", "between", "better", "higher", "lower", "worse", "over", "across", "all",
        "benchmark", "benchmarks", "reported", "list", "evaluation", "evaluations"}


def parse(q: str, cat: Catalog, history: list[str] | None = None) -> Plan:
    models = cat.find_models(q)
    benches = cat.find_benchmarks(q, models)
    plan = Plan(intent="lookup", models=models, benchmarks=benches, question=q)
    plan.papers = cat.find_papers(q)
    if plan.papers:
        named = [m.span(1) for m in PAPER_NAME.finditer(q)]
        plan.models = [m for m in models if not any(s <= m.start and m.end <= e for s, e in named)]
        plan.benchmarks = [m for m in benches if not any(s <= m.start and m.end <= e for s, e in named)]
        models, benches = plan.models, plan.benchmarks
    plan.setting_words = setting_words(q, cat) - {w for m in models + benches for w in m.text.lower().split()}
    if not plan.benchmarks:
        plan.benchmarks = cat.benchmarks_by_words(q, plan.papers) or cat.benchmarks_by_setting(q, plan.papers)
    scope(q, plan)
    intent(q, plan)
    if history:
        plan = follow_up(q, plan, cat, history)
    return plan


def scope(q: str, plan: Plan) -> None:
    ql = q.lower()
    m = re.search(r"\btable\s+(\d+[a-z]?)\b", ql)
    plan.table_no = m.group(1) if m else None
    m = re.search(r"(\d+(?:\.\d+)?)\s*b\s*\+|(?:over|above|at least|more than|larger than|>=?|≥)\s*(\d+(?:\.\d+)?)\s*b\b",
                  ql)
    if m:
        plan.size_min = float(m.group(1) or m.group(2))
    m = re.search(r"(?:under|below|at most|less than|smaller than|<=?|≤)\s*(\d+(?:\.\d+)?)\s*b\b", ql)
    if m:
        plan.size_max = float(m.group(1))
    num = r"(\d+(?:\.\d+)?)\s*(?:%|points?)?(?!\s*[bkm]\b)(?![\d.])"
    m = re.search(r"\b(above|over|more than|greater than|higher than|exceed\w*|at least|>=?|≥)\s*" + num, ql)
    if m and not re.match(r"\s*[bkm]\b", ql[m.end():]):
        plan.value_min, plan.strict = float(m.group(2)), m.group(1) not in ("at least", ">=", "≥")
    m = re.search(r"\b(below|under|less than|lower than|at most|<=?|≤)\s*" + num, ql)
    if m:
        plan.value_max = float(m.group(2))
        plan.strict = plan.strict and m.group(1) not in ("at most", "<=", "≤")
    if re.search(r"\b(?:instruction[- ]tuned|instruct|chat|aligned|post-trained)\s+models?\b", ql):
        plan.variant = "chat"
    elif re.search(r"\b(?:base|pre-?trained|foundation)\s+(?:language\s+)?models?\b|\bthe base model\b", ql):
        plan.variant = "base"


CJK_CUES = [("最 高|最 好|最 佳|第 一", " best "), ("最 低|最 差", " lowest "), ("比 较|对 比|相 比", " compare "),
            ("平 均", " average "), ("差 距|相 差|高 多 少", " difference "), ("参 数", " parameters "),
            ("上 下 文", " context length "), ("多 少 个|几 个", " how many "), ("是 真 的|是 否 正 确|对 吗", " is it true ")]


def intent(q: str, plan: Plan) -> None:
    ql = q.lower()
    for cue, word in CJK_CUES:
        ql = re.sub(cue, word, ql)
    attrs = [a for pat, a in FACT_WORDS if re.search(pat, ql)]
    nums = [float(x) for x, _ in NUMBER.findall(strip_names(q, plan))]
    weak = WEAK_METHOD.search(q) and not (plan.models and plan.benchmarks) and not attrs
    plan.about_model = bool(plan.models) and not plan.benchmarks and not attrs and not SCORE_SEEKING.search(q)
    plan.methodology = bool(METHOD.search(q) or PROCEDURE.search(q) or weak or plan.about_model)
    if re.search(r"\bis it (?:true|correct|right)\b|\btrue that\b|\bcorrect that\b|\bconfirm\b|\bverify\b|"
                 r"\b(?:right|correct|true)\s*\?\s*$|^(?:does|did|is|has|was)\b", ql) and nums:
        plan.intent, plan.claim_value = "verify", nums[-1]
    elif attrs and plan.models and not plan.benchmarks:
        plan.intent, plan.attributes = "fact", attrs
    elif re.search(r"\bhow much (?:better|worse|higher|lower|more|less)|\bdifference\b|\bdiffer(?:s|ent)?\b|\bgap\b|\bby how much\b|"
                   r"\bhow many points\b|\boutperform\w* .* by\b|\bmargin\b", ql):
        plan.intent = "diff"
    elif re.search(r"\baverage\b|\bmean\b", ql) and not RANK_CUE.search(ql) and (plan.bench_ids or plan.model_ids):
        plan.intent = "average"
    elif re.search(r"\b(?:how many|number of|count(?: the)?)\s+(?:\w+\s+){0,2}(?:models?|benchmarks?|tables?|papers?|"
                   r"scores?|results?|values?|claims?|datasets?)\b", ql) and not attrs:
        plan.intent = "count"
    elif re.search(r"\bhow many\b", ql) and not attrs:
        plan.methodology = True
    elif RANK_CUE.search(ql):
        plan.intent = "rank"
        plan.descending = not re.search(r"\b(?:lowest|worst|weakest|least)\b", ql)
        plan.literal = bool(re.search(r"\b(?:highest|lowest|most|least)\b", ql))
        m = re.search(r"\btop[- ]?(\d+)|\b(\d+) best\b", ql)
        plan.k = int(m.group(1) or m.group(2)) if m else 1
    elif re.search(r"\bcompare\b|\bcomparison\b|\bvs\.?\b|\bversus\b|\bwhich is better\b", ql) or (
            len(plan.model_ids) > 1 and len({m.text for m in plan.models}) > 1):
        plan.intent = "compare"
    elif re.search(r"\b(?:list|all|every)\b|\bwhat benchmarks\b|\bwhich benchmarks\b|\bwhich models\b", ql):
        plan.intent = "list"
    elif attrs and plan.models:
        plan.intent, plan.attributes = "fact", attrs


def strip_names(q: str, plan: Plan) -> str:
    """The question with model and benchmark mentions blanked, so '72B' or 'MATH 500' are not read as values."""
    chars = list(q)
    for m in plan.models + plan.benchmarks:
        chars[m.start:m.end] = " " * (m.end - m.start)
    text = "".join(chars)
    return re.sub(r"\btable\s+\d+|\b\d+(?:\.\d+)?\s*[bkm]\b\+?|\btop[- ]?\d+", " ", text, flags=re.I)


RANK_CUE = re.compile(r"\b(?:which|what|who)\b.*\b(?:best|highest|top|strongest|leading|leads?|wins?|lowest|worst|"
                      r"weakest|most|least)\b|\brank|\btop[- ]?\d+|\bbest\b|\bhighest\b|\blowest\b|\bworst\b|"
                      r"\bweakest\b|\bstrongest\b")


def follow_up(q: str, plan: Plan, cat: Catalog, history: list[str]) -> Plan:
    """Fill the slots a short follow-up leaves empty from the last question that had them."""
    short = len(q.split()) <= 8 or bool(re.match(r"^\s*(?:and|what about|how about)\b", q, re.I))
    if not short or (plan.models and plan.benchmarks) or plan.methodology and not plan.models:
        return plan
    prev = None
    for h in reversed(history):
        p = parse(h, cat)
        if p.models or p.benchmarks:
            prev = p
            break
    if prev is None:
        return plan
    out = replace(plan)
    if not plan.models:
        out.models = prev.models
        if plan.variant and prev.models:
            out.models = [switch_variant(m, plan.variant, cat) for m in prev.models]
    if not plan.benchmarks and not plan.attributes:
        out.benchmarks = prev.benchmarks
        out.setting_words = plan.setting_words | prev.setting_words
        if plan.about_model and prev.benchmarks:      # 'And Qwen2-7B-Instruct?' asks what the last question asked
            out.about_model, out.methodology = False, prev.methodology
    if plan.intent == "lookup" and prev.intent not in ("verify", "count"):
        out.intent = prev.intent
        out.attributes = prev.attributes
        out.k, out.descending = prev.k, prev.descending
    out.papers = plan.papers or prev.papers
    out.question = rewrite(prev, plan)
    if prev.methodology and plan.intent == "lookup" and not (METHOD.search(q) or PROCEDURE.search(q)):
        out.methodology, out.intent = True, prev.intent      # 'And on Terminal-Bench?' after a how-question
    return out


def rewrite(prev: Plan, cur: Plan) -> str:
    """The earlier question with the follow-up's new name put in: text search needs whole questions."""
    for new, old in ((cur.models, prev.models), (cur.benchmarks, prev.benchmarks)):
        if new and old:
            m = old[0]
            return prev.question[:m.start] + new[0].text + prev.question[m.end:]
    return prev.question if not (cur.models or cur.benchmarks) else cur.question


def switch_variant(m: Mention, variant: str, cat: Catalog) -> Mention:
    """'and the base model?' after GLM-4-9B-Chat -> GLM-4-9B (base)."""
    from .catalog import key, stem
    ids = sorted({mid for i in m.ids for mid in cat.stem_keys.get(key(stem(i)), ())
                  if (cat.models[mid].get("variant") or "") == variant})
    return Mention(m.text, m.start, m.end, ids or m.ids, exact=len(ids) == 1) if ids else m
