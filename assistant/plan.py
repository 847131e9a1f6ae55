"""The typed plan: what a question asks (Intent), which path answers it (Route), and every slot the parser read."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .catalog import Mention


class Intent(str, Enum):
    LOOKUP = "lookup"
    COMPARE = "compare"
    RANK = "rank"
    DIFF = "diff"
    AVERAGE = "average"
    LIST = "list"
    COUNT = "count"
    VERIFY = "verify"
    FACT = "fact"
    CORPUS = "corpus"          # which papers, which models or benchmarks a paper has, what a paper is
    CLAIMS = "claims"          # a synthesis's claims: listed, counted, audited against the primary sources


class Route(str, Enum):
    SQL = "sql"
    TEXT = "text"
    BOTH = "both"
    NONE = "none"


@dataclass
class Plan:
    intent: Intent = Intent.LOOKUP
    route: Route = Route.SQL
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
    variant: str | None = None                    # 'chat' or 'base'
    category: str | None = None                   # benchmark category: 'coding', 'long context', ...
    descending: bool = True
    literal: bool = False                         # 'highest'/'lowest' (values), not 'best'/'worst'
    k: int = 1
    claim_value: float | None = None
    claim_order: str | None = None                # 'is A better than B?': 'gt' (A is ahead), 'lt' (A is behind)
    claim_filter: str | None = None               # 'verified', 'unverified', 'supported', 'contradicted', 'about'
    corpus: str | None = None                     # 'papers', 'models', 'benchmarks', 'kind'
    count_noun: str = "models"                    # what 'how many ...' counts
    attributes: list[str] = field(default_factory=list)
    methodology: bool = False
    about_model: bool = False                     # names a model, asks nothing about scores: a question for the text
    score_asked: bool = False                     # asks for a score as well ('... score, and how was it run?')
    text_asked: bool = False                      # asks for the papers' prose ('the report's text', '2 decimals')
    reference: Mention | None = None              # 'which models beat X on Y?': X, whose score is the bar
    own_best: bool = False                        # 'what is Foo-7B's best benchmark?': its own scores ranked
    ratio: bool = False                           # 'the ratio of A's X to its Y': a / b, not a - b
    below: bool = False                           # 'which models does X beat on Y?': those under X's score
    tie: bool = False                             # 'which model ties with X on Y?': X's score exactly, not above it
    earlier: list[Mention] = field(default_factory=list)  # the conversation's models, for 'how much lower is X?'
    unknown: list[str] = field(default_factory=list)    # model-shaped names the papers do not hold
    unknown_benchmarks: list[str] = field(default_factory=list)   # benchmark names asked for that they do not hold
    unknown_paper: str | None = None              # 'the Foo-9 report': a paper name no indexed paper has
    asked: str = ""                               # the question as the user wrote it (a follow-up not filled in)
    question: str = ""                            # the question, or the earlier one with the new name put in
    search: str = ""                              # what the text path searches for (a second question part)
    words: set[str] = field(default_factory=set)  # the question's words (index.names.tokens), for fact labels

    @property
    def model_ids(self) -> list[str]:
        return list(dict.fromkeys(i for m in self.models for i in m.ids))

    @property
    def bench_ids(self) -> list[str]:
        return list(dict.fromkeys(i for m in self.benchmarks for i in m.ids))
