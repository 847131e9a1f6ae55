"""Cue words: how a question says what it asks (intent), its scope (table, sizes, thresholds, variant), and whether it
asks for a number or for the papers' prose. Only the parser uses these."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.names import key

from .catalog import Mention
from .plan import Intent, Plan

if TYPE_CHECKING:
    from .catalog import Catalog

NUMBER = re.compile(r"(?<![\w.-])(\d+(?:\.\d+)?)\s*(%|points?)?(?![\w.])")
FACT_WORDS = [
    (r"\b(?:activated|active)\s+param|\bparam\w*\b[^?]*\b(?:are|is)\s+(?:activated|active)\b", "active_params"),
    (r"\bnon[- ]?emb", "non_embedding_params"),
    (r"\btotal\s+param|\bparameters?\b|\bparams?\b|\bhow (?:big|large)\b|\bmodel size\b|\b(?:bigger|larger|"
     r"smaller)\b(?! than \d)", "total_params"),
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
# What was used or done (a name or a setup in the prose), not what was scored.
THING = (r"(?:sampling|learning|temperature|schedule|optimi[sz]er|method|approach|strategy|procedure|criteri|"
         r"framework|technique|data|dataset|corpus|tokeni[sz]er|vocabulary|batch|precision|metric|prompt|setup|"
         r"settings?|hyper|decay|warm|loss|reward|algorithm|evaluation protocol|objective|license|licence|toolkit|"
         r"tool|library|engine|infrastructure|environment|judge|hardware|maximum output|output length)")
METHOD = re.compile(
    r"\b(?:what|which)\s+(?:[\w-]+\s+){0,2}" + THING + r"|\bwhat (?:is|are|was|were) the (?:sampling|learning|"
    r"vocab|temperature|training|pre-?training|decontamination|contamination)|\bvocabulary\b|\btemperature\b|"
    r"\blicen[cs]e\b|\blanguages\b|\b(?:which|what|who)\b(?:\s+[\w-]+){0,3}\s+(?:judged|graded|rated|annotated|"
    r"(?:was|were) (?:left out|excluded|omitted|dropped|removed|used))\b", re.I)
PROCEDURE = re.compile(r"\bhow\b(?!\s+(?:many|much)\b).*\b(?:computed|calculated|measured|evaluated|run|obtained|"
                       r"averaged|tested|judged|conducted|done|collected|constructed|built|trained|designed|scored|"
                       r"graded|simulated|prompted|sampled|selected|filtered|decontaminated|configured|implemented|"
                       r"annotated|created|generated|chosen|set up)\b|\w\W*\s(?:and|also)\s+(?:how|why|what|which)\b"
                       r"(?!\s+(?:models?|ones?|of them)\b)", re.I)    # not '..., and which model has it?'
SCORE_SEEKING = re.compile(r"\b(?:score|scores|scored|scoring|result|results|benchmarks?|perform\w*|accuracy|rank\w*|"
                           r"best|worst|highest|lowest|compare\w*|vs\.?|versus|list|reported|evaluated on|numbers?)\b|"
                           r"\bhow (?:well|good)\b|\bdo(?:es)? (?:better|worse)\b", re.I)
HOW_SCORED = re.compile(r"\bhow (?:does|did|do|would|well)\b.*\b(?:do|does|perform|fare|score|rank|compare)\w*\b",
                        re.I)
SCORE_ASKED = re.compile(r"\b(?:score|scores|result|accuracy|perform|achiev|get|reach)", re.I)
RANK_CUE = re.compile(r"\b(?:which|what|who)\b.*\b(?:best|highest|top(?! of\b)|strongest|leading|leads?|wins?|lowest|"
                      r"worst|weakest|most|least)\b|\brank|\btop[- ]?(?:\d+|two|three|four|five|six|seven|eight|nine|ten)\b|"
                      r"\btop (?:model|scorer|performer|score)s?\b|\bbest\b|\bhighest\b|\blowest\b|\bworst\b|"
                      r"\bweakest\b|\bstrongest\b")
# A superlative over a model fact: 'the most parameters', 'the longest context', 'the smallest model'.
FACT_SUPERLATIVE = re.compile(r"\b(?:most|least|fewest|largest|smallest|biggest|longest|shortest|highest|lowest|"
                              r"max(?:imum)?|min(?:imum)?)\b")
# A follow-up that points back at the conversation's models.
REFERS_BACK = re.compile(r"\b(?:they|them|their|both|these|those|either|each of them|which of them|the two|"
                         r"the same model|that model|this model|it)\b|^\s*(?:and|what about|how about)\b", re.I)
CLAIM_WORDS = re.compile(r"\bclaims?\b", re.I)
CORPUS_WORDS = re.compile(r"\bwhat (?P<kind>kind|type|sort) of\b|\b(?:which|what|list|how many|name|show)\b"
                          r"(?:\s+[\w-]+){0,2}?\s+(?P<what>papers?|documents?|sources|models?|benchmarks?|datasets)\b")
# Asks for the prose: a ratio between models, a figure to more decimals than a table prints, 'the text'.
TEXT_ASKED = re.compile(r"\bpercent(?:age)? of\s+[^?]{0,40}?(?:'s|’s)\s|\bby what percent|\bpercent(?:age)? "
                        r"(?:improvement|increase|gain)|\b(?:report|paper|blog)(?:'s|’s) (?:text|prose)\b|"
                        r"\bin the (?:text|prose)\b|\bdecimal places?\b", re.I)

NUMBER_WORDS = "two|three|four|five|six|seven|eight|nine|ten"
ORDINALS = "second|third|fourth|fifth|2nd|3rd|4th|5th"


def count_of(word: str) -> int:
    """'3', 'three', 'third', '3rd' -> 3 (a 'second best' question is answered with the top two, numbered)."""
    words = NUMBER_WORDS.split("|")
    ords = ["second", "third", "fourth", "fifth"]
    if word.isdigit():
        return int(word)
    if word in words:
        return words.index(word) + 2
    if word in ords:
        return ords.index(word) + 2
    return int(re.match(r"\d+", word).group(0))


CJK_CUES = [("最 高|最 好|最 佳|第 一", " best "), ("最 低|最 差", " lowest "), ("比 较|对 比|相 比", " compare "),
            ("平 均", " average "), ("差 距|相 差|高 多 少", " difference "), ("参 数", " parameters "),
            ("上 下 文", " context length "), ("多 少 个|几 个", " how many "), ("是 真 的|是 否 正 确|对 吗", " is it true ")]
# 'how many tokens were the X models trained on': what is counted is the first plural, not 'models'
OTHER_COUNT = re.compile(r"\bhow many\s+(?!(?:models|benchmarks|tables|papers|scores|values|results|claims|datasets|"
                         r"of|times)\b)[a-z]+s\b|\bhow many\s+(?:[\w.-]+\s+){0,2}?(?:model|benchmark)\s+(?:sizes|families|"
                         r"types|kinds|versions|series|generations)\b")
COUNTED = ("benchmarks", "tables", "papers", "scores", "values", "results", "claims")


# -- scope ------------------------------------------------------------------------------------------
MORE = r"above|over|more than|greater than|higher than|exceed\w*|at least|>=?|≥"
LESS = r"below|under|less than|fewer than|lower than|smaller than|at most|<=?|≤"
NUM = r"(\d+(?:\.\d+)?)\s*(?:%|points?)?(?!\s*[bkm]\b)(?![\d.])"


def scope(q: str, plan: Plan, cat) -> None:
    """Table, size range, value thresholds and variant."""
    ql = q.lower()
    m = re.search(r"\btable\s+(\d+[a-z]?)\b", ql)
    plan.table_no = m.group(1) if m else None
    sizes_and_thresholds(ql, plan)
    plan.variant = plan.variant or variant(re.sub(r"\b[Ii]t\b", " ", q).lower(), cat)   # the pronoun, not 'IT'


def sizes_and_thresholds(ql: str, plan: Plan) -> None:
    """'70B+', 'under 10B', 'above 60', 'between 50 and 70': what a question bounds (a follow-up keeps its
    question's bounds: 'Which chat models score above 60?' then 'And the base models?')."""
    m = re.search(r"(\d+(?:\.\d+)?)\s*b\s*\+|(?:over|above|at least|more than|larger than|>=?|≥)\s*(\d+(?:\.\d+)?)\s*b\b",
                  ql)
    if m:
        plan.size_min = float(m.group(1) or m.group(2))
    m = re.search(r"(?:" + LESS + r")\s*(\d+(?:\.\d+)?)\s*b\b", ql)
    if m:
        plan.size_max = float(m.group(1))
    m = re.search(r"\bbetween\s+(\d+(?:\.\d+)?)\s*b?\s+and\s+(\d+(?:\.\d+)?)\s*b\b", ql)
    if m:
        plan.size_min, plan.size_max = float(m.group(1)), float(m.group(2))
    thresholds(ql, plan)


def thresholds(ql: str, plan: Plan) -> None:
    m = re.search(r"\b(" + MORE + r")\s*" + NUM, ql)
    if m and not re.match(r"\s*[bkm]\b", ql[m.end():]):
        plan.value_min, plan.strict = float(m.group(2)), m.group(1) not in ("at least", ">=", "≥")
    m = re.search(NUM + r"\s+or\s+(?:higher|more|above|better|greater)\b", ql)
    if m:
        plan.value_min, plan.strict = float(m.group(1)), False
    m = re.search(r"\b(" + LESS + r")\s*" + NUM, ql)
    if m:
        plan.value_max = float(m.group(2))
        plan.strict = plan.strict and m.group(1) not in ("at most", "<=", "≤")
    m = re.search(NUM + r"\s+or\s+(?:lower|less|below|worse|fewer)\b", ql)
    if m:
        plan.value_max, plan.strict = float(m.group(1)), False
    m = re.search(r"\b(?:between|from)\s+" + NUM + r"\s+(?:and|to)\s+" + NUM, ql)
    if m:
        plan.value_min, plan.value_max, plan.strict = float(m.group(1)), float(m.group(2)), False


VARIANT_PHRASE = re.compile(r"\b((?:[\w.-]+\s+){0,3}[\w-]+)\s+(?:language\s+)?(?:models?|versions?|variants?|"
                            r"checkpoints?)\b|\bthe ([\w-]+) one\b")
def variant(ql: str, cat) -> str | None:
    """'instruction-tuned models', 'the base model', 'pre-trained checkpoints' -> 'chat' / 'base'."""
    for m in re.finditer(r"\(([\w-]+)\)", ql):                   # 'on FixBench (base)?'
        hit = cat.v("variant", key(m.group(1)))
        if len(hit) == 1:
            return next(iter(hit))
    for m in VARIANT_PHRASE.finditer(ql):
        phrase = (m.group(1) or m.group(2) or "").split()
        for n in (2, 1):
            for i in range(len(phrase) - n, -1, -1):
                hit = cat.v("variant", key(" ".join(phrase[i:i + n])))
                if len(hit) == 1:
                    return next(iter(hit))
    return None


# -- intent -----------------------------------------------------------------------------------------
CHANGE = re.compile(r"\bhow (?:much|many points)\b(?:\s+[^\s?]+){0,8}?\s+(?:help|hurt|add|gain|lose|lost|drop|fall|fell|"
                    r"cost|improve|raise|rise|rose|boost|increase|decrease|change|move)\w*\b")


RATIO = re.compile(r"\bratio\b|\bhow many times (?:as|higher|larger|more|better|bigger|greater)\b|\b(?:times|x) (?:as (?:high|large|good)|higher|larger|more|better)\b")


EFFECT = re.compile(r"^\s*(?:does|do|did|can|will)\s+(?!\S+-\S*\d)[\w\s-]{3,60}?\s(?:help|hurt|harm|matter|benefit|work)"
                    r"(?:s|ed)?\b", re.I)


OWN_BEST = re.compile(r"\b(?:benchmarks?|scores?|results?|tasks?|tests?|evals?|evaluations?|do(?:es)? (?:best|worst)|"
                      r"strongest|weakest)\b")


def setting_only(plan: Plan) -> bool:
    """'Foo-7B at 128K?', 'Foo-7B 5-shot?': a model and a context length or shot count, no benchmark: its scores there."""
    return any(re.fullmatch(r"\d+(?:\.\d+)?[km]|\d+-shot", w) for w in plan.setting_words)


def read_intent(q: str, plan: Plan) -> None:
    ql = q.lower()
    for cue, word in CJK_CUES:
        ql = re.sub(cue, word, ql)
    attrs = [a for pat, a in FACT_WORDS if re.search(pat, ql)]
    if {"active_params", "non_embedding_params"} & set(attrs) and not re.search(r"\btotal\b|\band\b", ql):
        attrs = [a for a in attrs if a != "total_params"]     # 'activated parameters' asks for one count, not both
    nums = [float(x) for x, _ in NUMBER.findall(strip_names(q, plan))]
    weak = WEAK_METHOD.search(q) and not (plan.models and plan.benchmarks) and not attrs and not HOW_SCORED.search(q)
    plan.about_model = bool(plan.models) and not plan.benchmarks and not attrs and not SCORE_SEEKING.search(q) \
        and not HOW_SCORED.search(q) and not plan.unknown_benchmarks \
        and not (setting_only(plan) and len(re.findall(r"[a-z]+", strip_names(q, plan).lower())) <= 6)
    plan.methodology = bool(METHOD.search(q) or PROCEDURE.search(q) or weak or plan.about_model or
                            (EFFECT.search(q) and not plan.benchmarks))   # 'does RL help the Foo models?'
    plan.score_asked = bool(SCORE_ASKED.search(q))
    if re.search(r"\bis it (?:true|correct|right)\b|\btrue that\b|\bcorrect that\b|\bconfirm\b|\bverify\b|"
                 r"\b(?:right|correct|true)\s*\?\s*$|^(?:does|did|is|has|was)\b", ql) and nums:
        plan.intent, plan.claim_value = Intent.VERIFY, nums[-1]
    elif attrs and plan.models and not plan.benchmarks:
        plan.intent, plan.attributes = Intent.FACT, attrs
    elif re.search(r"\bhow much (?:better|worse|higher|lower|more|less)|\bdifference\b|\bdiffer(?:s|ent)?\b|\bgap\b|"
                   r"\bby how much\b|\bhow many points\b|\boutperform\w* .* by\b|\bmargin\b", ql) or CHANGE.search(ql):
        plan.intent = Intent.DIFF
    elif RATIO.search(ql) and (len(plan.model_ids) == 2 or len(plan.bench_ids) == 2):
        plan.intent, plan.ratio = Intent.DIFF, True
    elif re.search(r"\baverage\b|\bmean\b", ql) and not RANK_CUE.search(ql) and (plan.bench_ids or plan.model_ids):
        plan.intent = Intent.AVERAGE
    elif re.search(r"\b(?:how many|number of|count(?: the)?)\s+(?:[\w-]+\s+){0,4}(?:models?|benchmarks?|tables?|"
                   r"papers?|scores?|results?|values?|claims?|datasets?)\b", ql) and not attrs and not OTHER_COUNT.search(ql):
        plan.intent = Intent.COUNT
        m = re.search(r"(?:how many|number of|count(?: the)?)\s+(?:[\w-]+\s+){0,4}?(models|benchmarks|tables|papers|"
                      r"scores|values|results|claims|datasets)\b", ql)
        plan.count_noun = m.group(1) if m and m.group(1) in COUNTED else "models"
    elif re.search(r"\bhow many\b(?: of them)? (?:are there|is that|does that make|did you (?:list|find|name))\b",
                   ql) and plan.models:
        plan.intent, plan.count_noun = Intent.COUNT, "models"   # 'how many are there?' after a list of models
    elif re.search(r"\bhow many\b", ql) and not attrs:
        plan.methodology = True
    elif attrs and not plan.models and not plan.benchmarks and FACT_SUPERLATIVE.search(ql):
        plan.intent, plan.attributes = Intent.RANK, attrs      # 'which model has the most parameters?'
        plan.descending = not re.search(r"\b(?:least|fewest|smallest|shortest|lowest|min(?:imum)?)\b", ql)
    elif RANK_CUE.search(ql):
        plan.intent = Intent.RANK
        plan.descending = not re.search(r"\b(?:lowest|worst|weakest|least)\b", ql)
        plan.literal = bool(re.search(r"\b(?:highest|lowest|most|least)\b", ql))
        m = re.search(r"\btop[- ]?(\d+|" + NUMBER_WORDS + r")\b|\b(\d+|" + NUMBER_WORDS + r") (?:best|highest|"
                      r"lowest|worst|strongest|weakest)\b|\b(" + ORDINALS + r")[- ](?:best|highest|lowest|worst|"
                      r"strongest|weakest)\b", ql)
        plan.k = count_of(next(g for g in m.groups() if g)) if m else 1
    elif re.search(r"\bcompare\b|\bcomparison\b|\bvs\.?\b|\bversus\b|\bwhich is better\b|\bbetter\b", ql) or (
            len(plan.model_ids) > 1 and len({m.text for m in plan.models}) > 1):
        plan.intent = Intent.COMPARE
    elif re.search(r"\b(?:list|all|every)\b|\b(?:what|which)\b(?:\s+[\w-]+){0,3}\s+(?:models|benchmarks)\b", ql):
        plan.intent = Intent.LIST
    elif attrs and plan.models:
        plan.intent, plan.attributes = Intent.FACT, attrs
    if plan.about_model and plan.intent not in (Intent.LOOKUP, Intent.FACT):   # 'how many of them are base models?'
        plan.about_model = False
        plan.methodology = bool(METHOD.search(q) or PROCEDURE.search(q) or weak)
    if plan.intent in (Intent.COMPARE, Intent.DIFF) and len(plan.models) == 2:
        plan.claim_order = claim_order(ql)
    plan.own_best = plan.intent == Intent.RANK and len(plan.model_ids) == 1 and not plan.benchmarks and \
        not plan.methodology and bool(OWN_BEST.search(ql))
    bar = reference(q, plan)
    if bar is not None:                               # 'which models beat X on Y?': those above X's score
        plan.reference, plan.models = bar, [m for m in plan.models if m is not bar]
        plan.intent, plan.k, plan.descending, plan.strict = Intent.RANK, 50, True, True
        plan.tie = bool(TIES.match(q[:bar.start]))
        plan.below = bool(BEATEN_BY.match(q[bar.end:]))
    if plan.intent in (Intent.LOOKUP, Intent.COMPARE) and not plan.models and plan.benchmarks and (
            plan.value_min is not None or plan.value_max is not None):
        plan.intent = Intent.LIST                     # 'which models score at least 60 on X'


YES_NO = re.compile(r"^(?:is|does|did|was|were|has|do|are|can)\b|\bis it (?:true|correct|right)\b|\b(?:true|correct) "
                    r"that\b|\b(?:right|correct|true)\s*\?\s*$")
AHEAD = re.compile(r"\b(?:beat|beats|outperform\w*|outscor\w*|surpass\w*|exceed\w*|better|higher|ahead|stronger|safer|"
                   r"win|wins|won)\b")
BEHIND = re.compile(r"\b(?:worse|lower|behind|trail\w*|weaker|underperform\w*|lose|loses|lost)\b")


def claim_order(ql: str) -> str | None:
    """'Is it true that A beats B ...?', 'Did A score lower than B?': the order the question asserts, if any."""
    if not YES_NO.search(ql.strip()):
        return None
    ahead, behind = AHEAD.search(ql), BEHIND.search(ql)
    if bool(ahead) == bool(behind):
        return None
    return "gt" if ahead else "lt"


ABOVE_MODEL = re.compile(r"^\s*(?:which|what|who|list|name)\b.*\b(?:beat|beats|outperform\w*|outscor\w*|surpass\w*|"
                         r"exceed\w*|better than|higher than|ahead of)\s+(?:the\s+)?$", re.I)


BEATING = re.compile(r"^\s*(?:which|what|who|list|name)\b(?:\s+other)?(?:\s+models?)?\s+(?:does|did|do|can)\s+"
                     r"(?:the\s+)?$", re.I)
BEATEN_BY = re.compile(r"\s*(?:beat|outperform|outscore|surpass|top|lead)\b", re.I)
TIES = re.compile(r"^\s*(?:which|what|who|list|name)\b.*\b(?:ties?|tied|level|on par|even|equal|the same score as)"
                  r"(?:\s+(?:with|to))?\s+(?:the\s+)?$", re.I)


def reference(q: str, plan: Plan):
    """'Which models beat X on Y?', 'list the models better than X': the one named model after the cue."""
    if len(plan.models) != 1 or not plan.benchmarks:
        return None
    m = plan.models[0]
    if m.end and BEATING.match(q[:m.start]) and BEATEN_BY.match(q[m.end:]):
        return m                                      # 'which models does X beat on Y?'
    return m if m.end and (ABOVE_MODEL.match(q[:m.start]) or TIES.match(q[:m.start])) else None


def strip_names(q: str, plan: Plan) -> str:
    """The question with model and benchmark mentions blanked, so '72B' or 'MATH 500' are not read as values."""
    chars = list(q)
    for m in plan.models + plan.benchmarks:
        chars[m.start:m.end] = " " * (m.end - m.start)
    text = "".join(chars)
    return re.sub(r"\btable\s+\d+|\b\d+(?:\.\d+)?\s*[bkm]\b\+?|\btop[- ]?\d+", " ", text, flags=re.I)


# -- names no paper holds ---------------------------------------------------------------------------
QUANTITY = re.compile(r"(?:(?:the|first|last|initial|remaining|final|about|around|nearly|over|approximately)\s+)+"
                      r"\d+(?:\.\d+)?[kmbtKMBT]")              # 'the first 7T' (tokens), not a model name
SIZE = re.compile(r"(?<!\S)\d+(?:\.\d+)?[bB](?!\w)")


SHORT_NAME = re.compile(r"(?<![\w.-])([a-z]\d{1,2}(?:-[a-z]+)?)(?![\w.-])")


def unknown_short(q: str, cat: Catalog, found: list[Mention]) -> list[str]:
    """'o1', 'r2-mini': a short letter-and-digit model name no paper holds (the papers' own, like 'x3', are found)."""
    out = []
    for m in SHORT_NAME.finditer(q):
        if any(f.start <= m.start() < f.end for f in found if f.end) or cat.known_prefix(key(m.group(1))):
            continue
        out.append(m.group(1))
    return out


VARIANT_NAME = re.compile(r"(?<![\w.-])([A-Z][\w.]*)-([A-Z][\w.-]*?)(?:['’]s)?(?![\w-])")


def unknown_variants(q: str, cat: Catalog, found: list[Mention]) -> list[str]:
    """'Zed-Medium' when the papers hold Zed-Small and Zed-Large: a known family with a variant no paper holds."""
    out = []
    for m in VARIANT_NAME.finditer(q):
        whole = f"{m.group(1)}-{m.group(2)}"
        if any(f.start <= m.start() < f.end for f in found if f.end) or cat.known_prefix(key(whole)) \
                or cat.is_other_name(key(whole)) or not cat.known_prefix(key(m.group(1))):
            continue
        out.append(whole)
    return out


def unknown_sizes(q: str, cat: Catalog, found: list[Mention]) -> list[str]:
    """'Baz 3.1 405B' when the papers hold Baz 3.1 only at other sizes: a known family or version with an unknown
    size is an unknown model (not the family's other sizes)."""
    out = []
    for m in SIZE.finditer(q):
        if any(f.start <= m.start() < f.end for f in found if f.end):
            continue
        before = q[:m.start()].split()[-3:]
        for n in (3, 2, 1):
            name = " ".join(before[-n:])
            k = key(name)
            if len(before) >= n and len(k) >= 3 and re.search(r"[a-z]", k) and cat.known_prefix(k):
                if not cat.known_prefix(key(f"{name} {m.group(0)}")):
                    out.append(f"{name} {m.group(0)}")
                break
    return out


def unknown_quantity(name: str) -> bool:
    """'the first 7T' read as a model-shaped name is a token count."""
    return bool(QUANTITY.fullmatch(name))


# -- names said another way --------------------------------------------------------------------------
def titles_in(q: str, cat: Catalog) -> list[tuple[str, tuple[int, int]]]:
    """Papers whose whole title (of three words or more, less a leading 'The') the question quotes, with its span."""
    ql, out = q.lower(), []
    for pid, p in cat.papers.items():
        title = re.sub(r"^the\s+", "", (p.get("title") or "").lower()).strip()
        at = ql.find(title) if len(title.split()) >= 3 else -1
        if at >= 0:
            out.append((pid, (at, at + len(title))))
    return out


SUPERLATIVE = re.compile(r"\b(?:lowest|highest|best|worst|top|largest|smallest)\s+([a-z][\w-]+)\b")


def superlative_column(q: str, cat: Catalog, found: list) -> list:
    """'Which model has the lowest perplexity?': an everyday word right after a superlative is the column it names,
    when a table has a column of that name (and the word is not one seeded as too common, like 'average')."""
    m = SUPERLATIVE.search(q)
    if not m or "ordinary" in cat.vocab.get("word", {}).get(key(m.group(1)), set()):
        return []
    return [b for b in cat.find_benchmarks(q, found, named_model=True) if b.text.lower() == m.group(1)]


DESCRIBED = re.compile(r"\bthe\s+([\w-]+)\s+(?:model|variant|version|checkpoint|ablation|run|one)\b", re.I)


def described(q: str, cat: Catalog, talked: list[Mention]) -> list[Mention]:
    """'the SFT model', 'the reversed-order ablation' in a follow-up: the one model of the conversation's family
    whose name has that word (Foo-SFT, Foo-1B-Reversed); nothing when none or several do."""
    out: list[Mention] = []
    have = {i for m in talked for i in m.ids}
    for m in DESCRIBED.finditer(q):
        if cat.v("variant", key(m.group(1))):    # 'the base model', 'the chat one': a variant, read elsewhere
            continue
        words = {w.lower() for w in m.group(1).split("-") if len(w) > 1 and not cat.v("variant", key(w))}
        for fam in dict.fromkeys(re.match(r"[A-Za-z]+", i).group(0) for i in have if re.match(r"[A-Za-z]+", i)):
            hits = [i for i in sorted(cat.v("family", key(fam))) if i not in have and
                    words & {t.lower() for t in re.split(r"[-\s]", i)}]
            if len(hits) == 1:
                out.append(Mention(hits[0], 0, 0, hits, True, None, "name"))
                break
    return out
