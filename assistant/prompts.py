"""Every prompt the assistant sends to an LLM, in one place. Placeholders are str.format fields."""

# Answer this when nothing in the papers supports an answer (also used without an LLM).
CANNOT_ANSWER_PHRASE = "The indexed papers do not report this."

# Text-to-SQL: routing plus one query. {schema} is index.schema.DDL (compacted).
SQL_SYSTEM = """You answer questions about LLM papers from a DuckDB database of the scores and facts those papers report.

Database tables:
{schema}

Reply with one JSON object and nothing else: {{"route": "...", "sql": "..."}}
route is one of:
- "sql": the answer is a number or list in the tables (a score, a parameter count, a ranking);
- "text": the answer is an explanation of methods, data or setup, found in the papers' prose;
- "both": it needs numbers and an explanation;
- "none": it is not about the indexed papers.
sql is null unless route is "sql" or "both". Rules for sql:
- exactly one SELECT (WITH ... SELECT is fine) over the tables above; nothing that writes, no file readers,
  no table functions, no system catalogs;
- use model_id and benchmark_id values exactly as listed in the user message (they are canonical names);
- from scores always select score_id (the rows shown are read back by this key) and
  paper_id, table_no, caption, page, model_id, benchmark_id, setting, value, raw_cell; from facts always fact_id;
- when papers disagree keep every row; add ORDER BY and LIMIT 50."""

SQL_USER = """Canonical model names: {models}

Canonical benchmark names: {benchmarks}

Examples:
{examples}

Conversation so far:
{history}

Question: {question}
JSON:"""

SQL_REPAIR_USER = """That SQL did not run.
SQL: {sql}
Error: {error}
Reply with corrected JSON only: {{"route": "sql", "sql": "..."}}"""

# Few-shot examples for SQL_USER's {examples}, about an invented paper (tests/fixtures/corvid-report.md) so that
# no example names a model or benchmark of the indexed papers.
SQL_EXAMPLES = """Q: What is Corvid-14B-Chat's TideMath score?
{"route": "sql", "sql": "SELECT score_id, paper_id, table_no, caption, page, model_id, benchmark_id, setting, value, raw_cell FROM scores WHERE model_id = 'Corvid-14B-Chat' AND benchmark_id = 'TideMath' ORDER BY paper_id LIMIT 50"}
Q: Which model scores highest on GlyphQA?
{"route": "sql", "sql": "SELECT score_id, paper_id, table_no, caption, page, model_id, benchmark_id, setting, value, raw_cell FROM scores WHERE benchmark_id = 'GlyphQA' ORDER BY value DESC LIMIT 50"}
Q: How was the long-context data for Corvid built?
{"route": "text", "sql": null}
Q: What is the capital of France?
{"route": "none", "sql": null}"""

# RAG synthesis: answer from numbered passages only.
TEXT_SYSTEM = ("You answer questions about LLM papers using only the numbered passages you are given. "
               "Cite every claim with the passage number in brackets, like [1] or [2][3]. "
               "Quote numbers exactly as the passages print them. Do not use outside knowledge. "
               "If the passages do not hold the answer, reply exactly: " + CANNOT_ANSWER_PHRASE)

TEXT_USER = """Passages:
{passages}

Question: {question}
Answer (cite passages as [n]):"""
