"""Data tables behind `index.names`: benchmarks, model families, fact labels.

Pure data (plus nothing that runs). `index.names` builds its lookup indexes from
these tables at import time; add a row here to teach the system a new name.

BENCHMARKS rows are (canonical, category, family, aliases):
  * family None means "its own family"; versions of one benchmark share a family
    ('LiveCodeBench v1' -> 'LiveCodeBench') but different benchmarks never do
    (MATH vs MATH 500, MMLU vs MMLU-Pro vs M-MMLU, SimpleQA vs Chinese-SimpleQA).
  * aliases are matched after normalisation (case, spaces, hyphens, underscores,
    dots, apostrophes and parentheses ignored), so only genuinely different
    spellings need listing ('TheroemQA', 'Berkeley Function Call Leaderboard').
"""

CATEGORIES = ("knowledge", "reasoning", "math", "coding", "alignment", "instruction following",
              "agentic", "long context", "safety", "multilingual", "chinese", "commonsense",
              "reading comprehension", "human evaluation", "other")

BENCHMARKS: tuple[tuple[str, str, str | None, tuple[str, ...]], ...] = (
    # knowledge
    ("MMLU", "knowledge", None, ("Massive Multitask Language Understanding",)),
    ("MMLU-Pro", "knowledge", None, ()),
    ("MMLU-Redux", "knowledge", None, ()),
    ("GPQA", "knowledge", None, ()),
    ("GPQA Diamond", "knowledge", "GPQA", ("GPQA-D",)),
    ("SuperGPQA", "knowledge", None, ()),
    ("SimpleQA", "knowledge", None, ()),
    ("TriviaQA", "knowledge", None, ()),
    ("NaturalQuestions", "knowledge", None, ("NQ", "NQ-Open")),
    ("AGIEval", "knowledge", None, ()),
    ("MMMU", "knowledge", None, ()),
    ("MMMU-Pro", "knowledge", None, ()),
    # reasoning
    ("Theorem QA", "reasoning", None, ("TheroemQA",)),
    ("HLE", "reasoning", None, ("Humanity's Last Exam",)),
    ("BBH", "reasoning", None, ("BIG-Bench Hard",)),
    ("BIG-Bench", "reasoning", None, ()),
    ("MuSR", "reasoning", None, ()),
    ("ZebraLogic", "reasoning", None, ()),
    ("LogiQA", "reasoning", None, ()),
    ("ARC-AGI", "reasoning", None, ()),
    ("ARC-AGI-2", "reasoning", "ARC-AGI", ()),
    ("LiveBench", "other", None, ()),
    ("FRAMES", "knowledge", None, ()),
    ("AA-Index", "other", None, ("Artificial Analysis Intelligence Index",
                                 "AA Intelligence Index")),
    # commonsense
    ("ARC-C", "commonsense", "ARC", ("ARC Challenge", "ARC-Challenge", "AI2 ARC Challenge")),
    ("ARC-E", "commonsense", "ARC", ("ARC Easy", "ARC-Easy")),
    ("HellaSwag", "commonsense", None, ()),
    ("Winogrande", "commonsense", None, ("WindoGrande",)),
    ("PIQA", "commonsense", None, ()),
    ("SIQA", "commonsense", None, ("Social IQA", "SocialIQA")),
    ("CommonSenseQA", "commonsense", None, ("CSQA",)),
    ("OpenBookQA", "commonsense", None, ("OBQA",)),
    ("StoryCloze", "commonsense", None, ()),
    ("COPA", "commonsense", None, ()),
    ("WSC", "commonsense", None, ("WSC273",)),
    # reading comprehension / language modelling
    ("BoolQ", "reading comprehension", None, ()),
    ("DROP", "reading comprehension", None, ()),
    ("RACE", "reading comprehension", None, ()),
    ("RACE-H", "reading comprehension", "RACE", ("RACE-high",)),
    ("RACE-M", "reading comprehension", "RACE", ("RACE-middle",)),
    ("SQuAD", "reading comprehension", None, ()),
    ("SQuAD 2.0", "reading comprehension", "SQuAD", ("SQuAD v2", "SQuAD2.0")),
    ("QuAC", "reading comprehension", None, ()),
    ("CoQA", "reading comprehension", None, ()),
    ("NarrativeQA", "reading comprehension", None, ()),
    ("HotpotQA", "reading comprehension", None, ()),
    ("LAMBADA", "other", None, ()),
    # math
    ("GSM8K", "math", None, ()),
    ("GSM-Hard", "math", None, ()),
    ("MATH", "math", None, ()),
    ("MATH 500", "math", None, ()),
    ("AIME", "math", None, ()),
    ("AIME 24", "math", "AIME", ("AIME 2024", "AIME24")),
    ("AIME 25", "math", "AIME", ("AIME 2025", "AIME25")),
    ("HMMT", "math", None, ()),
    ("HMMT 25", "math", "HMMT", ("HMMT 2025", "HMMT Feb 25", "HMMT Feb 2025")),
    ("AMC 23", "math", "AMC", ("AMC 2023",)),
    ("OlympiadBench", "math", None, ()),
    ("Omni-MATH", "math", None, ()),
    ("Math23K", "math", None, ()),
    ("SVAMP", "math", None, ()),
    ("ASDiv", "math", None, ()),
    ("MathQA", "math", None, ()),
    ("Minerva Math", "math", None, ()),
    ("CMATH", "math", None, ()),
    ("MathVista", "math", None, ()),
    ("FrontierMath", "math", None, ()),
    ("CNMO 2024", "math", "CNMO", ("CNMO24",)),
    # coding
    ("HumanEval", "coding", None, ()),
    ("HumanEval+", "coding", None, ("HumanEval Plus",)),
    ("HumanEval-X", "coding", None, ()),
    ("HumanEval-Mul", "coding", None, ()),
    ("MBPP", "coding", None, ()),
    ("MBPP+", "coding", None, ("MBPP Plus",)),
    ("EvalPlus", "coding", None, ()),
    ("MultiPL-E", "coding", None, ()),
    ("LiveCodeBench", "coding", None, ("LCB",)),
    ("LiveCodeBench v1", "coding", "LiveCodeBench", ("LCB v1",)),
    ("LiveCodeBench v5", "coding", "LiveCodeBench", ("LCB v5",)),
    ("LiveCodeBench v6", "coding", "LiveCodeBench", ("LCB v6",)),
    ("LiveCodeBench (2407-2501)", "coding", "LiveCodeBench", ("LCB (2407-2501)",)),
    ("LiveCodeBench-Base", "coding", "LiveCodeBench", ("LCB-Base",)),
    ("NaturalCodeBench", "coding", None, ("NCB",)),
    ("Codeforces", "coding", None, ("CF Elo",)),
    ("APPS", "coding", None, ()),
    ("DS-1000", "coding", None, ()),
    ("CRUXEval", "coding", None, ()),
    ("CRUXEval-I", "coding", "CRUXEval", ()),
    ("CRUXEval-O", "coding", "CRUXEval", ()),
    ("BigCodeBench", "coding", None, ()),
    ("CodeContests", "coding", None, ()),
    ("SciCode", "coding", None, ()),
    ("SWE-bench", "coding", None, ()),
    ("SWE-bench Verified", "coding", "SWE-bench", ("SWE Verified",)),
    ("SWE-bench Lite", "coding", "SWE-bench", ()),
    ("SWE-bench Multilingual", "coding", "SWE-bench", ()),
    ("Aider", "coding", None, ()),
    ("Aider-Polyglot", "coding", "Aider", ()),
    ("Terminal-Bench", "coding", None, ()),
    ("CC-Bench", "coding", None, ()),
    ("Spider", "coding", None, ()),
    ("BIRD", "coding", None, ("BIRD-SQL",)),
    # alignment / chat
    ("MT-Bench", "alignment", None, ()),
    ("Arena-Hard", "alignment", None, ("Arena-Hard-Auto",)),
    ("Arena-Hard v2", "alignment", "Arena-Hard", ("Arena-Hard v2.0",)),
    ("AlignBench", "alignment", None, ()),
    ("AlignBench v1.1", "alignment", "AlignBench", ()),
    ("AlpacaEval", "alignment", None, ()),
    ("AlpacaEval 2.0", "alignment", "AlpacaEval", ("AlpacaEval 2", "AlpacaEval2")),
    ("WildBench", "alignment", None, ()),
    ("MixEval", "alignment", None, ()),
    ("MixEval-Hard", "alignment", "MixEval", ()),
    ("Chatbot Arena", "human evaluation", None, ("Chatbot Arena Elo", "LMSYS Chatbot Arena",
                                                  "Arena Elo", "LMArena")),
    # instruction following
    ("IFEval", "instruction following", None, ()),
    ("FollowBench", "instruction following", None, ()),
    ("InFoBench", "instruction following", None, ()),
    ("SysBench", "instruction following", None, ()),
    ("MultiChallenge", "instruction following", None, ()),
    ("CFBench", "instruction following", None, ()),
    ("ComplexBench", "instruction following", None, ()),
    ("IFBench", "instruction following", None, ()),
    ("Multi-IF", "instruction following", None, ()),
    # agentic / tool use
    ("AgentBench", "agentic", None, ()),
    ("BFCL", "agentic", None, ("Berkeley Function Call Leaderboard",
                               "Berkeley Function Calling Leaderboard")),
    ("BFCL V2", "agentic", "BFCL", ("Berkeley Function Call Leaderboard V2",
                                    "Berkeley Function Calling Leaderboard V2")),
    ("BFCL V3", "agentic", "BFCL", ("Berkeley Function Call Leaderboard V3",
                                    "Berkeley Function Calling Leaderboard V3")),
    ("TAU-bench", "agentic", None, ("TAU", "τ-bench")),
    ("TAU-bench Retail", "agentic", "TAU-bench", ("TAU-Retail", "τ-bench Retail")),
    ("TAU-bench Airline", "agentic", "TAU-bench", ("TAU-Airline", "τ-bench Airline")),
    ("tau2-bench", "agentic", "TAU-bench", ("τ²-bench", "τ2-bench", "tau2")),
    ("tau2-bench Retail", "agentic", "TAU-bench", ("τ²-bench Retail", "tau2-Retail")),
    ("tau2-bench Airline", "agentic", "TAU-bench", ("τ²-bench Airline", "tau2-Airline")),
    ("tau2-bench Telecom", "agentic", "TAU-bench", ("τ²-bench Telecom", "tau2-Telecom")),
    ("BrowseComp", "agentic", None, ()),
    ("BrowseComp-ZH", "agentic", None, ()),
    ("GAIA", "agentic", None, ()),
    ("WebArena", "agentic", None, ()),
    ("OSWorld", "agentic", None, ()),
    ("ToolBench", "agentic", None, ()),
    ("API-Bank", "agentic", None, ()),
    ("WebShop", "agentic", None, ()),
    ("ALFWorld", "agentic", None, ()),
    ("Mind2Web", "agentic", None, ()),
    # long context
    ("NeedleBench", "long context", None, ()),
    ("LV-Eval", "long context", None, ()),
    ("LongBench", "long context", None, ()),
    ("LongBench v2", "long context", "LongBench", ()),
    ("LongBench-Chat", "long context", None, ()),
    ("RULER", "long context", None, ()),
    ("InfiniteBench", "long context", None, ("∞Bench",)),
    ("Needle in a Haystack", "long context", None, ("NIAH", "Needle in Haystack")),
    ("L-Eval", "long context", None, ()),
    ("LooGLE", "long context", None, ()),
    ("ZeroSCROLLS", "long context", None, ()),
    ("HELMET", "long context", None, ()),
    ("BABILong", "long context", None, ()),
    # safety
    ("SafetyBench", "safety", None, ()),
    ("TruthfulQA", "safety", None, ()),
    ("ToxiGen", "safety", None, ()),
    ("BBQ", "safety", None, ()),
    ("XSTest", "safety", None, ()),
    ("RealToxicityPrompts", "safety", None, ()),
    ("HarmBench", "safety", None, ()),
    ("AdvBench", "safety", None, ()),
    ("Do-Not-Answer", "safety", None, ()),
    ("StrongREJECT", "safety", None, ()),
    ("SORRY-Bench", "safety", None, ()),
    # multilingual
    ("M-MMLU", "multilingual", None, ("MMMLU", "Okapi MMLU")),
    ("MGSM", "multilingual", None, ()),
    ("Multi-Exam", "multilingual", None, ("Mulit-Exam",)),
    ("Multi-Understanding", "multilingual", None, ()),
    ("Multi-Mathematics", "multilingual", None, ()),
    ("Multi-Translation", "multilingual", None, ()),
    ("Flores", "multilingual", None, ()),
    ("Flores-101", "multilingual", "Flores", ()),
    ("Flores-200", "multilingual", "Flores", ()),
    ("XNLI", "multilingual", None, ()),
    ("XCOPA", "multilingual", None, ()),
    ("XWinograd", "multilingual", None, ()),
    ("XStoryCloze", "multilingual", None, ()),
    ("PAWS-X", "multilingual", None, ()),
    ("BELEBELE", "multilingual", None, ()),
    ("M3Exam", "multilingual", None, ()),
    ("IndoMMLU", "multilingual", None, ()),
    ("ruMMLU", "multilingual", None, ()),
    ("KMMLU", "multilingual", None, ("KoMMLU",)),
    ("JMMLU", "multilingual", None, ()),
    ("Global-MMLU", "multilingual", None, ()),
    ("MMLU-ProX", "multilingual", None, ()),
    ("INCLUDE", "multilingual", None, ()),
    ("XQuAD", "multilingual", None, ()),
    ("MLQA", "multilingual", None, ()),
    ("TyDiQA", "multilingual", None, ()),
    ("WMT", "multilingual", None, ()),
    # chinese
    ("C-Eval", "chinese", None, ()),
    ("C-Eval Hard", "chinese", "C-Eval", ()),
    ("CMMLU", "chinese", None, ()),
    ("GAOKAO-Bench", "chinese", None, ("GAOKAO", "GaoKao")),
    ("C3", "chinese", None, ()),
    ("CLUEWSC", "chinese", None, ("CLUEWSC2020", "CLUE WSC")),
    ("CLUE", "chinese", None, ()),
    ("Chinese-SimpleQA", "chinese", None, ("C-SimpleQA",)),
    ("CMRC 2018", "chinese", None, ("CMRC",)),
    ("DRCD", "chinese", None, ()),
    ("OCNLI", "chinese", None, ()),
    ("AFQMC", "chinese", None, ()),
    ("TNEWS", "chinese", None, ()),
    ("IFLYTEK", "chinese", None, ()),
    ("CHID", "chinese", None, ()),
    ("CSL", "chinese", None, ()),
)

# Aliases that are ordinary words: recognised as exact table cells by lookup_benchmark
# but never fired on by benchmarks_in() when scanning free text.
TEXT_UNSAFE_ALIASES = frozenset({"Math", "TAU", "tau2", "GAOKAO", "GaoKao", "CLUE", "WMT",
                                 "Aider", "Spider", "BIRD", "INCLUDE", "CSL", "CHID", "COPA",
                                 "Do-Not-Answer"})

# Words allowed in a trailing qualifier after a benchmark name ('IFEval strict-prompt',
# 'MMLU 5-shot', 'SimpleQA Correct'); anything else means "not this benchmark".
QUALIFIER_WORDS = frozenset(
    "strict loose prompt instruction inst level acc accuracy em f1 pass shot shots cot avg "
    "average maj est full correct isr elo score rate wr lc win overall en zh sp lp si li "
    "resolved diamond text only rating percentile".split())

# ---------------------------------------------------------------------------------------
# Model families. Each row: (regex matched at the start of a name, display template).
# Named groups fill the template; absent groups become ''; group 'lt' is lower-cased. NUM is a version number that is
# not a size ('Qwen2' -> 2, but 'Gemma-7B' -> no number). Order matters: specific first.
NUM = r"\d+(?:\.\d+)?(?![\d.]|[bBmMkK](?![A-Za-z])|x\d)"
MODEL_FAMILY_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"gpt[-_ ]?oss", "gpt-oss"),
    (r"chatgpt", "ChatGPT"),
    (r"gpt[-_ ]?(?P<n>\d(?:\.\d)?)(?P<o>o)?(?:[-_ ]?(?P<t>turbo|mini|nano))?", "GPT-{n}{o} {t}"),
    (r"o(?P<n>\d)(?:[-_ ]?(?P<lt>mini|pro|preview))?", "o{n}-{lt}"),
    (r"claude[-_ ]?(?:(?P<n>\d(?:[.-]\d(?!\d))?)[-_ ]?)?(?P<t>opus|sonnet|haiku|instant)?"
     r"(?:[-_ ]?(?P<m>\d(?:[.-]\d(?!\d))?)(?!\d))?", "Claude {n} {t} {m}"),
    (r"gemini[-_ ]?(?P<n>\d(?:\.\d)?)?(?:[-_ ]?(?P<t>pro|flash|ultra|nano))?", "Gemini {n} {t}"),
    (r"gemma[-_ ]?(?P<n>NUM)?", "Gemma-{n}"),
    (r"grok[-_ ]?(?P<n>NUM)?", "Grok {n}"),
    (r"command[-_ ]?(?P<t>r|a)(?:[-_ ]?(?P<plus>\+|plus))?", "Command {t}{plus}"),
    (r"kimi[-_ ]?k(?P<n>NUM)", "Kimi-K{n}"),
    (r"deepseek[-_ ]?(?:(?P<v>[vr])(?P<n>NUM))?", "DeepSeek-{v}{n}"),
    (r"chatglm(?P<n>\d)?", "ChatGLM{n}"),
    (r"glm[-_ ]?(?P<n>NUM)?", "GLM-{n}"),
    (r"codeqwen(?P<n>NUM)?", "CodeQwen{n}"),
    (r"qwq", "QwQ"),
    (r"qwen[-_ ]?(?P<n>NUM)?", "Qwen{n}"),
    (r"code[-_ ]?llama", "CodeLlama"),
    (r"(?:meta[-_ ])?llama[-_ ]?(?P<n>NUM)?", "Llama-{n}"),
    (r"mixtral|mistral(?=[-_ ]?\d+x\d)", "Mixtral"),
    (r"mistral", "Mistral"),
    (r"ministral", "Ministral"),
    (r"codestral", "Codestral"),
    (r"yi[-_ ]?(?P<n>NUM)?", "Yi-{n}"),
    (r"phi[-_ ]?(?P<n>NUM)?", "Phi-{n}"),
    (r"internlm(?P<n>NUM)?", "InternLM{n}"),
    (r"baichuan[-_ ]?(?P<n>NUM)?", "Baichuan{n}"),
    (r"falcon[-_ ]?(?P<n>NUM)?", "Falcon{n}"),
    (r"nemotron[-_ ]?(?P<n>NUM)?", "Nemotron-{n}"),
    (r"olmo[-_ ]?(?P<n>NUM)?", "OLMo-{n}"),
    (r"starcoder[-_ ]?(?P<n>NUM)?", "StarCoder{n}"),
    (r"granite[-_ ]?(?P<n>NUM)?", "Granite-{n}"),
    (r"exaone[-_ ]?(?P<n>NUM)?", "EXAONE-{n}"),
    (r"minicpm[-_ ]?(?P<n>NUM)?", "MiniCPM{n}"),
    (r"smollm(?P<n>NUM)?", "SmolLM{n}"),
    (r"palm[-_ ]?(?P<n>NUM)?", "PaLM {n}"),
    (r"ernie[-_ ]?(?P<n>NUM)?", "ERNIE {n}"),
    (r"seed[-_ ]?(?P<n>x|oss|\d(?:\.\d)?)", "Seed-{n}"),
    (r"step[-_ ]?(?P<n>\d(?:\.\d)?)", "Step-{n}"),
    (r"hermes[-_ ]?(?P<n>NUM)", "Hermes-{n}"),
    (r"reka[-_ ]?(?P<t>core|flash|edge)?", "Reka {t}"),
    (r"jamba", "Jamba"), (r"dbrx", "DBRX"), (r"minimax", "MiniMax"), (r"hunyuan", "Hunyuan"),
    (r"doubao", "Doubao"), (r"bloomz?", "BLOOM"), (r"vicuna", "Vicuna"), (r"zephyr", "Zephyr"),
    (r"skywork", "Skywork"), (r"xverse", "XVERSE"), (r"stablelm", "StableLM"),
    (r"pythia", "Pythia"), (r"gopher", "Gopher"), (r"chinchilla", "Chinchilla"),
    (r"wizardlm", "WizardLM"), (r"tulu", "Tulu"), (r"codegeex(?P<n>NUM)?", "CodeGeeX{n}"),
)

# Canonical spelling of name words ('moe' -> 'MoE'); unknown words keep their printed case.
WORD_CASE = {w.lower(): w for w in (
    "Turbo mini nano Opus Sonnet Haiku Instant Pro Flash Ultra Air AirX Max Plus MoE Maverick "
    "Scout Large Small Medium Lite Preview Thinking Coder Math Edge Core Long Vision VL MT "
    "OSS Heavy Chat Instruct Base R A V X").split()}

# Bare names (no -Chat/-Instruct/-Base) of these families denote the post-trained model
# (prefix match on the family display). Their canonical never carries a chat suffix.
BARE_CHAT_FAMILIES = ("Qwen3", "QwQ", "DeepSeek-V2.5", "DeepSeek-V3", "DeepSeek-R",
                      "Kimi-K", "GLM-4.", "gpt-oss", "ChatGLM", "ChatGPT", "Vicuna", "Zephyr",
                      "Tulu", "WizardLM", "Hermes", "MiniMax")
# API-only families: no base/chat split, variant None, implied_variant ignored.
API_FAMILIES = ("GPT-", "ChatGPT", "o1", "o3", "o4", "o5", "Claude", "Gemini", "Grok", "Command",
                "Reka", "PaLM", "ERNIE", "Doubao", "Gopher", "Chinchilla")
# Unsized bare names that still denote a base model ('Phi-2', 'DeepSeek-V2', 'Jamba').
BARE_BASE_FAMILIES = frozenset({"Jamba", "Phi-1", "Phi-1.5", "Phi-2", "DeepSeek-V2", "BLOOM",
                                "Pythia"})
# Chat suffix each family prints (prefix match, first wins); default '-Chat'.
CHAT_SUFFIX = (("Qwen2", "Instruct"), ("Qwen3", "Instruct"), ("Llama-2", "Chat"),
               ("Llama", "Instruct"), ("CodeLlama", "Instruct"), ("Mixtral", "Instruct"),
               ("Mistral", "Instruct"), ("Ministral", "Instruct"), ("Gemma", "it"),
               ("Phi", "Instruct"), ("Nemotron", "Instruct"),
               ("OLMo", "Instruct"), ("Granite", "Instruct"), ("EXAONE", "Instruct"),
               ("SmolLM", "Instruct"), ("DBRX", "Instruct"), ("Jamba", "Instruct"),
               ("StarCoder", "Instruct"), ("Kimi", "Instruct"))
# Total-size -> active-size of well-known MoE models whose papers sometimes omit the 'A..B'
# ('Qwen3 235B' is Qwen3-235B-A22B). Used only when the name gives no active size.
KNOWN_ACTIVE = {("Qwen3", 235.0): 22.0, ("Qwen3", 30.0): 3.0, ("Qwen2", 57.0): 14.0}
# Misspellings / renamings, keyed by model_key of the whole name.
MODEL_ALIASES = {
    "mistral8x22b": "Mixtral-8x22B-Instruct",   # Qwen2 blog safety table: the instruct model
    "mistral8x7b": "Mixtral-8x7B-Instruct",
}

# IFEval qualifier labels (normalize_setting): 'S-P' -> 'strict prompt-level'.
IFEVAL_ABBR = {"sp": "strict prompt-level", "lp": "loose prompt-level",
               "si": "strict instruction-level", "li": "loose instruction-level"}
IFEVAL_WORDS = frozenset({"strict", "loose", "prompt", "instruction", "inst", "level", "acc",
                          "accuracy"})

# ---------------------------------------------------------------------------------------
# Row/column labels that are model facts, not scores. Keys are the label lower-cased with
# '#', punctuation and the words 'number of' removed, and these word rewrites applied:
# parameters/param -> params, activated/active/act/activation -> active,
# embedding(s)/emb -> emb, dimension/dimensions/dims/size -> dim.
FACT_REWRITE = {"parameters": "params", "parameter": "params", "param": "params",
                "activated": "active", "act": "active", "activation": "active",
                "embedding": "emb", "embeddings": "emb", "dimension": "dim",
                "dimensions": "dim", "dims": "dim", "size": "dim"}
FACT_LABELS = {
    "total_params": ("params", "total params", "params b",
                     "total params b", "num params", "n params"),
    "active_params": ("active params", "active params b", "params active"),
    "non_embedding_params": ("non emb params", "nonemb params", "non emb", "params non emb"),
    "architecture": ("architecture", "arch", "model architecture", "model type"),
    "gqa": ("gqa", "grouped query attention"),
    "tie_embedding": ("tie emb", "tied emb", "tie word emb", "tied word emb"),
    "context_length": ("context length", "context", "max context", "context window",
                       "max context length", "sequence length", "max seq length", "seq length",
                       "max sequence length", "context dim"),
    "hidden_dim": ("model dim", "hidden dim", "d model", "model dim hidden", "hidden"),
    "dense_intermediate_dim": ("dense intermediate dim", "intermediate dim", "ffn dim",
                               "ffn hidden dim", "dense ffn dim"),
    "moe_intermediate_dim": ("moe intermediate dim", "expert intermediate dim", "moe ffn dim"),
    "attention_head_dim": ("attention head dim", "head dim", "attn head dim"),
    "attention_heads": ("attention heads", "heads", "attn heads", "query heads", "q heads",
                        "num heads"),
    "kv_heads": ("key value heads", "kv heads", "keyvalue heads"),
    "experts_total": ("experts total", "experts", "total experts", "routed experts"),
    "experts_active": ("experts active per token", "active experts", "experts per token",
                       "experts active", "active experts per token"),
    "shared_experts": ("shared experts",),
    "dense_layers": ("dense layers",),
    "moe_layers": ("moe layers",),
    "mtp_layers": ("mtp layers",),
    "qk_norm": ("qk norm", "qknorm"),
    "layers": ("layers", "num layers", "n layers", "total layers"),
    "vocab_size": ("vocab dim", "vocabulary", "vocab", "vocabulary dim"),
    "training_tokens": ("training tokens", "pretraining tokens", "pre training tokens",
                        "training data", "train tokens"),
    "license": ("license", "licence"),
    "languages": ("languages", "supported languages", "language support"),
}
