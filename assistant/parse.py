"""Question (+ conversation) -> Plan: every reading of the question happens here, once.

Names are found by scanning the question against the catalog (the database's vocabulary); a follow-up borrows the
models, benchmarks and scope it does not state from the conversation (user questions and the assistant's answers);
then the intent and the route are read from cue words. Nothing downstream reads the raw question again.
"""
from __future__ import annotations

import re

from index.names import key, tokens

from .catalog import Catalog, Mention
from .cues import (CLAIM_WORDS, CORPUS_WORDS, FACT_WORDS, METHOD, PROCEDURE, RANK_CUE, REFERS_BACK, SCORE_SEEKING,
                   TEXT_ASKED, WEAK_METHOD, described, read_intent, scope, sizes_and_thresholds, superlative_column,
                   titles_in, unknown_quantity, unknown_short, unknown_sizes, unknown_variants)
from .plan import Intent, Plan, Route


def messages(history) -> list[tuple[str, str]]:
    """(role, content) of the conversation: {role, content} dicts, or bare strings read as user questions."""
    out = []
    for m in history or []:
        if isinstance(m, str):
            out.append(("user", m))
        elif isinstance(m, dict) and m.get("role") in ("user", "assistant") and isinstance(m.get("content"), str):
            out.append((m["role"], m["content"]))
    return out


def parse(q: str, cat: Catalog, history=None) -> Plan:
    plan = read_names(q, cat)
    plan.unknown = [u for u in cat.unknown_models(q, plan.models + plan.benchmarks) if not unknown_quantity(u)] \
        + unknown_sizes(q, cat, plan.models) + unknown_short(q, cat, plan.models + plan.benchmarks) \
        + unknown_variants(q, cat, plan.models + plan.benchmarks)
    plan.unknown_paper = None if plan.papers else cat.unknown_paper(q)
    if not plan.benchmarks:
        plan.unknown_benchmarks = cat.unknown_benchmarks(q, plan.models)
    turns = messages(history)
    if turns and not plan.models:
        plan.models = resized(q, cat, turns)      # 'and the 72B?' after a question about Bar2-7B
    carried = carry(plan, q, cat, turns) if turns and follows_up(q, plan) else ""
    named = described(q, cat, plan.models + plan.earlier) if carried else []
    if named:                                   # 'what did the reversed-order ablation get?': that model instead
        plan.models = (plan.models if AGAINST.search(q) or SINGULAR.search(q) or PAIR.search(q) or
                       re.search(r"\b(?:lead|leads|trail|trails|gap|difference)\b", q, re.I) else []) + named
    scope(q, plan, cat)
    plan.variant = None if named else plan.variant    # 'the SFT model' named one model, not the chat variants
    plan.category = cat.category(q)
    for m in list(plan.benchmarks):                # 'better at math': the math benchmarks, not one named MATH
        if m.end and m.text.islower() and (AT_FIELD.search(q[:m.start]) or FIELD_NOUN.match(q[m.end:])) and \
                plan.category and \
                cat.category_word(q)[1] == m.text.lower():
            plan.benchmarks.remove(m)
    restrict_variant(plan, cat)
    expand_category(q, plan, cat)
    read_intent(q, plan)
    if carried and plan.intent == Intent.LOOKUP and not OWN_CUE.search(q):
        read_intent(plan.question, plan)         # 'and Foo-4.5-Air?' asks what the earlier question asked
        if SAME.search(q) and carried == "answer":                  # 'same question for X': ask it again
            plan.models = []
        elif plan.intent == Intent.RANK and carried == "answer":    # 'its KnowBench-Pro?' after 'which is best?'
            plan.intent = Intent.LOOKUP if len(plan.models) == 1 else Intent.COMPARE
    if carried and plan.intent in (Intent.DIFF, Intent.COMPARE) and len(plan.models) == 1 and plan.earlier:
        plan.models = [m for m in plan.earlier if not set(m.ids) & set(plan.models[0].ids)] + plan.models
    special(q, plan, cat)
    if not plan.models and plan.benchmarks and plan.intent == Intent.LOOKUP and ITEMS.search(q):
        plan.methodology = True                   # 'what share of X's queries ...': about the benchmark, not scores
    plan.route = route(plan)
    # a question with a score part searches the text for its other part; a text question searches for all of it
    plan.search = method_part(plan.question, plan) if plan.route != Route.TEXT else plan.question
    if FUTURE.search(q) or (OPINION.search(q) and not plan.benchmarks):
        plan.route, plan.search, plan.models = Route.TEXT, "", []   # no paper holds an opinion: nothing to search
    plan.words, plan.asked = set(tokens(plan.question)), q
    return plan


FIELD_NOUN = re.compile(r"\s+(?:benchmarks|tasks|tests|evals|evaluations|datasets|suites)\b", re.I)  # 'math tasks'
AT_FIELD = re.compile(r"\b(?:better|worse|best|worst|good|stronger|weaker)\s+(?:at|in)\s+$", re.I)
OPINION = re.compile(r"\b(?:in your (?:opinion|view)|do you (?:think|believe|prefer|like|recommend)|your (?:favou?rite|"
                     r"opinion|view|take)|would you (?:choose|pick|use|recommend)|should i (?:use|choose|pick|buy))\b",
                     re.I)


FUTURE = re.compile(r"\b(?:next (?:year|month|version|generation)|in the future|in 20[3-9]\d|will \w+ (?:score|get|"
                    r"perform|do|reach|achieve|beat))\b|^\s*(?:how|what) will\b", re.I)


def read_names(q: str, cat: Catalog) -> Plan:
    plan = Plan(question=q)
    plan.papers = cat.find_papers(q)
    named = [m.span(1) for m in PAPER_NAME.finditer(q)] if plan.papers else []
    if not plan.papers:                          # 'in the Foo-2 Evaluation Suite': a paper named by its title
        titled = titles_in(q, cat)
        plan.papers, named = [pid for pid, _ in titled], [span for _, span in titled]
    inside = lambda m: any(s <= m.start and m.end <= e for s, e in named)  # noqa: E731  'the Foo-4.5 report'
    found = cat.find_models(q)
    plan.models = [m for m in found if not inside(m)]
    plan.benchmarks = [m for m in cat.find_benchmarks(q, found, named_model=bool(plan.models)) if not inside(m)]
    plan.setting_words = setting_words(q, cat) - {w for m in found for w in [*m.text.lower().split(), *tokens(m.text)]} \
        - {w for m in plan.benchmarks for i in m.ids for w in [*i.lower().split(), *tokens(i)]}   # 'RULER 128k': 128k stays
    if not plan.benchmarks and not plan.models:
        plan.benchmarks = superlative_column(q, cat, found)
    if not plan.benchmarks:
        plan.benchmarks = cat.benchmarks_by_words(f"{q} {inflected(q)}", plan.papers) \
            or cat.benchmarks_by_setting(q, plan.papers)
    for a, b in zip(plan.benchmarks, plan.benchmarks[1:]):       # 'FooBench Math': a column of FooBench
        if b in plan.benchmarks and 0 <= b.start - a.end <= 1 and b.text.lower() in cat.setting_vocab:
            plan.benchmarks.remove(b)
            plan.setting_words.add(b.text.lower())
    return plan


def inflected(q: str) -> str:
    """The question's longer words in their other number ('score' -> 'scores', 'prompts' -> 'prompt'): a table named
    'Judge Scores on Poetry' is found by 'poetry judge score'."""
    words = re.findall(r"[a-z]{4,}", q.lower())
    return " ".join(w[:-1] if w.endswith("s") else w + "s" for w in words)


PAPER_NAME = re.compile(r"((?:the\s+)?[\w.\-]+(?:\s+[\w.\-]+)?\s+(?:technical\s+|tech\s+)?(?:report|paper|blog|"
                        r"synthesis|excerpt|article|preprint|document|write-?up|post)(?:'s|’s)?)\b", re.I)


def setting_words(q: str, cat: Catalog) -> set[str]:
    """Words of the question that pick a setting: '128k', 'with YARN+DCA', 'strict', 'Chinese', 'Python'."""
    from .catalog import label_words
    from .query import shots
    ql = q.lower()
    toks = label_words(q)                 # 'R-L' and 'Pass@1' whole, as metric labels are
    found = {t for t in toks if re.fullmatch(r"\d+(?:\.\d+)?[km]", t)}
    if shots(q):                  # '0-shot' vs '5-shot': the count picks the setting, 'shot' alone does not
        found |= shots(q)
        toks = toks - {"shot", "shots"}
    if re.search(r"\bwithout\b", ql):
        found.add("without")
    elif re.search(r"\bwith\b", ql):
        found.add("with")
    from index.names import STOP_WORDS
    found |= (toks & cat.setting_vocab) - STOP_WORDS - {"level", "acc", "report", "paper", "mean"}
    for syn, canon in (("instruction-level", "instruction"), ("prompt-level", "prompt"), ("exact match", "em"),
                       ("exact-match", "em")):
        if syn in ql:
            found.add(canon)
    return found


# -- follow-ups -------------------------------------------------------------------------------------
def follows_up(q: str, plan: Plan) -> bool:
    short = len(q.split()) <= 8 or bool(re.match(r"^\s*(?:and|what about|how about)\b", q, re.I))
    return bool(REFERS_BACK.search(q)) or (short and not (plan.models and plan.benchmarks))


SINGULAR = re.compile(r"\b(?:it|its|it's|that model|this model|the winner|the top one)\b", re.I)
LISTING = 12
OWN_CUE = re.compile(r"\b(?:how|why|which|who|compare|rank|average|best|better|worse|list)\b", re.I)


def carry(plan: Plan, q: str, cat: Catalog, turns: list[tuple[str, str]]) -> str:
    """Fill what a follow-up leaves out from the conversation: models from the latest turn naming any (an answer's
    models count: 'them'), benchmarks and papers from the latest user question naming any. Returns where the models
    came from: 'answer', 'question', or '' (nothing carried)."""
    prev, source, scope, pool, late = None, "", [], [], set()
    for i in range(len(turns) - 1, -1, -1):
        role, text = turns[i]
        p = read_names(strip_citations(text) if role == "assistant" else text, cat)
        if role == "user" and (p.models or p.benchmarks):
            p.question = text
            if i and follows_up(text, p):         # 'and Bar-70B?' itself: read in its own conversation
                full = parse(text, cat, [{"role": r, "content": c} for r, c in turns[:i]])
                p.models, p.benchmarks = p.models or full.models, p.benchmarks or full.benchmarks
                p.setting_words, p.papers, p.question = p.setting_words | full.setting_words, p.papers or full.papers, \
                    full.question
                pool = full.earlier
            prev = prev or p
            break
        if role == "user" and not (p.models or p.benchmarks) and p.setting_words and not late:
            late = p.setting_words                # 'what about 5-shot?': the latest setting the user switched to
        if role == "user" and p.papers and not scope:
            scope = p.papers                      # 'how many models are in the blog?' -> 'how many of them ...'
        # an answer naming a few models is what 'them' means; a long listing stands for its question's scope
        if role == "assistant" and 0 < len(p.models) <= LISTING and not plan.earlier:
            chosen = p.models[:1] if SINGULAR.search(q) else p.models     # 'its' is the answer's first model
            plan.earlier = [printed(m) for m in chosen]
            if not plan.models:
                plan.models, source = list(plan.earlier), "answer"
            elif SINGULAR.search(q) and AGAINST.search(q):     # 'how does it compare to Bar-13B?': both
                plan.models, source = plan.earlier[:1] + plan.models, "answer"
    plan.papers = plan.papers or scope
    if prev is None:
        return source or ("scope" if scope else "")
    plan.earlier = plan.earlier or [relocate(m) for m in prev.models]
    if not plan.models:
        plan.models, source = [relocate(m) for m in prev.models], "question"
    if not plan.benchmarks and not FACT_ASKED.search(q):
        plan.benchmarks = [relocate(m) for m in prev.benchmarks]
        plan.setting_words = plan.setting_words or late or prev.setting_words   # 'and the EM?' swaps the setting
    elif SAME_SETTING.search(q):                # 'and on BarQA in the same setting?'
        plan.setting_words |= late or prev.setting_words
    plan.papers = plan.papers or prev.papers
    if not NUMBER_ASKED.search(q):
        sizes_and_thresholds(prev.question.lower(), plan)
    plan.question = rewrite(prev, plan, q)
    if PAIR.search(q) and len(plan.models) == 1:   # 'which one is higher?' after 'A on X?' and 'and B?': both
        both = [m for m in pool if not set(m.ids) & set(plan.models[0].ids)][-1:] + plan.models
        plan.models, plan.earlier = both, both
    elif pool:                                   # 'how much did chat tuning add?': the earlier model is at hand
        seen = {i for m in plan.earlier + plan.models for i in m.ids}
        plan.earlier = [m for m in pool if not set(m.ids) & seen][-1:] + plan.earlier
    return source or "question"


SAME_SETTING = re.compile(r"\b(?:same|that|this|those)\s+(?:setting|settings|shots?|shot count|configuration|mode)\b",
                          re.I)
PAIR = re.compile(r"\b(?:which one|which of (?:them|the two|these|those)|them|both|the two|the pair)\b", re.I)


NUMBER_ASKED = re.compile(r"\d")
FACT_ASKED = re.compile("|".join(p for p, _ in FACT_WORDS), re.I)


def strip_citations(text: str) -> str:
    """An answer without its appendices (a '**Sources**' or '**SQL**' block), citations ('— *Paper* (report),
    Table 6'), parentheses and markup: what is left names the models the answer was about."""
    text = re.split(r"\*\*[A-Z][A-Za-z ]{1,30}\*\*:?\s*(?:[-*•]\s|```|>)|```", text)[0]
    text = re.sub(r"\s+—\s+.*?(?=\s[-•]\s|\n|$)", "", text)       # up to the next bullet: answers may be one line
    text = re.sub(r"\([^()]*\)", " ", text)
    return re.sub(r"[*_`>]", "", text)


AGAINST = re.compile(r"\b(?:compare[ds]?|comparison|vs\.?|versus|than|against|beats?|better|worse)\b", re.I)
SAME = re.compile(r"\bsame (?:question|thing|one)\b|\b(?:ask|do) (?:that|it|the same) (?:again|for)\b", re.I)


def resized(q: str, cat: Catalog, turns: list[tuple[str, str]]) -> list[Mention]:
    """'And the 72B?', 'what about the 1.5B one?': the earlier question's model at the size the follow-up gives."""
    size = re.fullmatch(r"\W*(?:and|what about|how about)?\W*(?:the\s+)?(\d+(?:\.\d+)?[bB])\b.*", q, re.I)
    if not size:
        return []
    for role, text in reversed(turns):
        if role != "user":
            continue
        for m in read_names(text, cat).models:
            name = re.sub(r"\d+(?:\.\d+)?[bB]\b", size.group(1), m.text, count=1)
            if name != m.text:
                return [relocate(x) for x in cat.find_models(name)]
        return []
    return []


def printed(m: Mention) -> Mention:
    """A model named in an answer: answers print canonical ids, so 'Bar2-72B' there is that model, not its variants."""
    exact = [i for i in m.ids if key(i) == key(m.text)]
    return Mention(m.text, 0, 0, exact or m.ids, bool(exact) or m.exact, m.note, "name" if exact else m.kind)


def relocate(m: Mention) -> Mention:
    """A name carried from an earlier turn: no position in this question."""
    return Mention(m.text, 0, 0, m.ids, m.exact, m.note, m.kind)


def rewrite(prev: Plan, cur: Plan, q: str) -> str:
    """The earlier question with the follow-up's new name put in: text search needs whole questions."""
    new_models = [m for m in cur.models if m.end]
    new_benches = [m for m in cur.benchmarks if m.end]
    for new, old in ((new_models, prev.models), (new_benches, prev.benchmarks)):
        if new and old:
            m = old[0]
            return prev.question[:m.start] + new[0].text + prev.question[m.end:]
    if not (new_models or new_benches):
        return prev.question                    # 'and the base models?' asks the earlier question again
    return q + " " + " ".join(m.text for m in cur.models + cur.benchmarks)


BENCH_LISTING = re.compile(r"\b(?:which|what|list|how many|name)\b(?:\s+[\w-]+){0,2}?\s+benchmarks?\b", re.I)


def expand_category(q: str, plan: Plan, cat: Catalog) -> None:
    """'better at coding', 'the best coding model': no benchmark named, but a category is; it stands for its
    benchmarks (a question listing the benchmarks themselves is a corpus question)."""
    if plan.benchmarks or not plan.category or BENCH_LISTING.search(q):
        return
    word = re.escape(cat.category_word(q)[1] or "").replace(r"\ ", r"[\s-]+")
    as_score = re.search(r"\b(?:at|on|in|for)\s+(?:the\s+)?" + word + r"\b|\b" + word + r"\s+(?:models?|benchmarks?|"
                         r"scores?|results?|tasks?|abilit\w*|performance|skills?|evaluations?)\b", q, re.I)
    if not as_score or not (plan.models or RANK_CUE.search(q.lower())):
        return
    ids = sorted(b for b, r in cat.benchmarks.items() if r.get("category") == plan.category)
    if ids:
        plan.benchmarks = [Mention(plan.category, 0, 0, ids, exact=False, kind="category")]


def restrict_variant(plan: Plan, cat: Catalog) -> None:
    """'the Bar2 base models', 'and the base model?': keep the named models of that variant."""
    if not plan.variant:
        return
    out = []
    for m in plan.models:
        ids = sorted({mid for i in m.ids for mid in cat.v("model_stem", key_of(i, cat)) | {i}
                      if (cat.models.get(mid, {}).get("variant") or "") == plan.variant})
        out.append(Mention(m.text, m.start, m.end, ids, exact=len(ids) == 1, kind=m.kind) if ids else m)
    plan.models = out


def key_of(model_id: str, cat: Catalog) -> str:
    from index.names import key

    from .catalog import stem
    return key(stem(model_id))


# -- what is asked ----------------------------------------------------------------------------------
def special(q: str, plan: Plan, cat: Catalog) -> None:
    """Questions about the corpus and about claims, and questions that ask for the prose."""
    ql = q.lower()
    if CLAIM_WORDS.search(q) and any(cat.papers[p]["kind"] == "synthesis" for p in cat.papers):
        plan.intent = Intent.CLAIMS
        plan.claim_filter = claim_filter(ql)
        plan.methodology = False
        return
    corpus = CORPUS_WORDS.search(ql)
    named = [m for m in plan.benchmarks if m.kind == "name"]
    last = max((m.end for m in plan.models + named if m.end), default=0)
    papers_asked = corpus and CORPUS_NOUN.get(corpus.group("what") or "") == "papers" or (
        WHICH_TABLE.search(ql) and re.fullmatch(r"\W*(?:scores?|results?|numbers?)?\W*", q[last:]))  # '... reports Foo?'
    if (papers_asked and (named or plan.model_ids)
            and not plan.attributes and plan.intent in (Intent.LOOKUP, Intent.LIST)):
        plan.corpus, plan.intent = "papers", Intent.CORPUS      # 'which papers report FooBench?'
        return
    if corpus and not named and not plan.attributes and plan.intent in (Intent.LOOKUP, Intent.LIST, Intent.COUNT,
                                                                           Intent.COMPARE):
        what = CORPUS_NOUN[corpus.group("kind") or corpus.group("what")]
        if what == "papers" and plan.papers and not INDEX_WORDS.search(ql):
            plan.intent, plan.methodology = Intent.LOOKUP, True     # 'how many papers did the X review cite?'
            return
        scoped = bool(plan.papers or plan.category or plan.table_no)
        if (what == "benchmarks" or not plan.benchmarks) and (not plan.model_ids or (what == "benchmarks"
                                                                                    and scoped)):
            plan.corpus, plan.benchmarks = what, []
            plan.intent = Intent.CORPUS if plan.intent != Intent.COUNT or what == "papers" else plan.intent
            plan.methodology = what == "kind"
    plan.text_asked = bool(TEXT_ASKED.search(q))


WHICH_TABLE = re.compile(r"\b(?:which|what) tables?\b(?! of\b)")
ITEMS = re.compile(r"\b(?:queries|questions|problems|prompts|instances|samples|examples|items|subsets|test cases)\b",
                   re.I)
TEXT_SCORE = re.compile(r"\b(?:rate|ratio|share|percent(?:age)?|win|wins|loss|losses|ties?|improvements?|increases?|"
                        r"gains?|speed-?ups?)\b", re.I)
INDEX_WORDS = re.compile(r"\b(?:index\w*|you|your|loaded|available|here)\b")
CORPUS_NOUN = {"paper": "papers", "papers": "papers", "document": "papers", "documents": "papers",
               "sources": "papers", "model": "models", "models": "models", "benchmark": "benchmarks",
               "benchmarks": "benchmarks", "datasets": "benchmarks", "kind": "kind", "type": "kind", "sort": "kind"}


def claim_filter(ql: str) -> str | None:
    if re.search(r"\b(?:not verified|unverified|false|wrong|incorrect)\b", ql):
        return "unverified"
    if re.search(r"\bverified\b|\bconfirmed\b|\bmarked\b", ql):
        return "verified"
    if re.search(r"\bcontradict|\bdisagree|\bconflict", ql):
        return "contradicted"
    if re.search(r"\bsupport|\bback(?:ed)?\b|\bagree|\bhold up|\btrue\b|\baccurate", ql):
        return "supported"
    if re.search(r"\b(?:which|what) models?\b.*\babout\b|\babout which models?\b", ql):
        return "about"
    return None


BENCH_SETUP = re.compile(r"\b(?:what|which|how many)\s+(?:\w+\s+)?(?:metrics?|shots?|shot settings?|few-shot settings?|"
                         r"settings?|scales?|units?|range)\b", re.I)


def route(plan: Plan) -> Route:
    if plan.unknown and not plan.models and (not plan.methodology or plan.benchmarks):
        # a model no table holds may still be in the prose with a rate or a gain ('Zed-Coder-2's improvement')
        return Route.TEXT if TEXT_SCORE.search(plan.question) else Route.NONE
    if plan.unknown_benchmarks and not plan.benchmarks and not plan.methodology and not plan.attributes \
            and plan.intent not in (Intent.CORPUS, Intent.CLAIMS):
        # no table reports it; the prose may ('41.0% win against X on DuelBench'): the text path answers only
        # when its passages name every name of the question, and abstains otherwise
        return Route.TEXT if plan.models and TEXT_SCORE.search(plan.question) else Route.NONE
    if plan.intent in (Intent.CORPUS, Intent.CLAIMS):
        second = method_part(plan.question, plan) != plan.question
        return Route.BOTH if plan.corpus == "kind" or second else Route.SQL
    if plan.text_asked:
        return Route.TEXT
    if plan.intent == Intent.FACT and plan.models or plan.intent == Intent.RANK and plan.attributes:
        return Route.SQL
    if plan.benchmarks and not plan.models and BENCH_SETUP.search(plan.question):
        return Route.BOTH                  # 'what metric / how many shots is FooQA run with?': its table says, the text too
    if plan.methodology:
        return Route.BOTH if plan.models and plan.benchmarks and plan.score_asked else Route.TEXT
    if plan.models or plan.benchmarks or plan.intent == Intent.COUNT or plan.variant or plan.category:
        return Route.SQL
    return Route.TEXT


def method_part(q: str, plan: Plan) -> str:
    """'What is X's Y score and how was it evaluated?' -> 'how was it evaluated X Y' for the text search."""
    m = re.search(r"\w\W*\s(?:and|also)\s+((?:how|why|what|which)\b.*)$", q, re.I)
    if not m:
        return q
    names = " ".join(x.text for x in plan.models + plan.benchmarks)
    return f"{m.group(1)} {names}".strip()


__all__ = ["Intent", "Route", "Plan", "parse", "messages", "METHOD", "PROCEDURE", "WEAK_METHOD", "SCORE_SEEKING",
           "RANK_CUE"]
