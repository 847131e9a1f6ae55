"""The score database's tables. One place defines them; the README documents them."""

DDL = """
CREATE TABLE papers (
    paper_id VARCHAR PRIMARY KEY,      -- file stem, e.g. 'foo2-tech-report'
    title VARCHAR,                     -- first heading / front-matter title
    file VARCHAR,                      -- file name inside the papers folder
    kind VARCHAR,                      -- 'report', 'blog' or 'synthesis'
    precedence INTEGER,                -- lower wins when sources disagree (report 1, blog 2, synthesis 3)
    precedence_note VARCHAR,           -- the paper's own words on precedence, if any
    sha256 VARCHAR
);
CREATE TABLE tables (
    paper_id VARCHAR, table_id VARCHAR, table_no VARCHAR, caption VARCHAR, page VARCHAR,
    section VARCHAR, format VARCHAR, orientation VARCHAR, note VARCHAR, line INTEGER,
    n_values INTEGER,
    PRIMARY KEY (paper_id, table_id)
);
CREATE TABLE models (
    model_id VARCHAR PRIMARY KEY,      -- canonical name, e.g. 'Foo-4-9B-Chat'
    family VARCHAR, size_b DOUBLE, active_b DOUBLE,
    variant VARCHAR,                   -- 'base', 'chat', 'long-context', 'tools', or NULL
    version VARCHAR                    -- dates as MMDD ('2024-04-09' -> '0409'); others as printed ('2507', 'v0.1')
);
CREATE TABLE model_aliases (alias VARCHAR, norm VARCHAR, model_id VARCHAR, paper_id VARCHAR);
CREATE TABLE benchmarks (
    benchmark_id VARCHAR PRIMARY KEY,  -- 'LiveCodeBench v1', 'MATH 500'
    family VARCHAR,                    -- 'LiveCodeBench' (versions share a family; MATH and MATH 500 do not)
    category VARCHAR                   -- knowledge, reasoning, math, coding, alignment, instruction following, agentic, long context, safety, multilingual, chinese, ...
);
CREATE TABLE benchmark_aliases (alias VARCHAR, norm VARCHAR, benchmark_id VARCHAR);
CREATE TABLE vocab (                   -- every name key the assistant reads (index/vocab.py lists the kinds)
    key VARCHAR,                       -- index.names.key(name): the one normaliser
    name VARCHAR,                      -- as printed in a paper, or as seeded
    kind VARCHAR,                      -- model, model_nover, model_stem, family, benchmark, benchmark_family,
                                       -- setting, category, variant, paper, paper_kind, word
    target VARCHAR,                    -- the model_id, benchmark_id, category, variant, paper_id or kind named
    paper_id VARCHAR                   -- for settings: the paper whose scores carry it
);
CREATE TABLE scores (
    score_id INTEGER, paper_id VARCHAR, table_id VARCHAR, table_no VARCHAR, caption VARCHAR,
    page VARCHAR, section VARCHAR,
    model_id VARCHAR, benchmark_id VARCHAR,
    grp VARCHAR,                       -- group row/column label: 'English', 'Coding', 'Python Interpreter'
    setting VARCHAR,                   -- qualifiers joined by ' | ': '128k | with YARN+DCA', 'English | S-P'
    metric VARCHAR,                    -- 'EM', 'Pass@1' when the header names one
    value DOUBLE, unit VARCHAR,        -- 13% -> 13, '%'
    raw_cell VARCHAR, row_header VARCHAR, col_header VARCHAR,
    model_raw VARCHAR, benchmark_raw VARCHAR, is_bold BOOLEAN,
    spread DOUBLE,                     -- '71.2 ± 0.4' -> 0.4 (value 71.2); NULL when none is printed
    source_kind VARCHAR,               -- 'table', or 'text' for a score stated only in a sentence (raw_cell holds it)
    combo VARCHAR,                     -- setting, grp and metric as one key (index/order.py)
    pref INTEGER                       -- 1 = the row a question prefers among its (model, benchmark)'s rows
);                                     -- rows are stored sorted by benchmark_id, best value first
CREATE TABLE facts (
    fact_id INTEGER, paper_id VARCHAR, table_id VARCHAR, table_no VARCHAR, caption VARCHAR,
    page VARCHAR, section VARCHAR,
    model_id VARCHAR,                  -- NULL when the subject is not a model (e.g. a benchmark)
    subject VARCHAR,                   -- the raw subject header
    attribute VARCHAR,                 -- 'total_params', 'active_params', 'context_length', 'hidden_dim', ...
    value DOUBLE, unit VARCHAR, value_text VARCHAR,
    raw_cell VARCHAR, row_header VARCHAR, col_header VARCHAR
);
CREATE TABLE passages (
    passage_id INTEGER, paper_id VARCHAR, section VARCHAR, page VARCHAR,
    text VARCHAR,                      -- repaired for search ('70.1%', glued words split)
    original VARCHAR,                  -- as printed, for quoting
    line INTEGER
);
CREATE TABLE build_info (
    index_version VARCHAR,             -- bumped when parsing changes, so old databases are rebuilt
    papers_hash VARCHAR,               -- sha256 over the papers' names and contents
    built_at TIMESTAMP
);
CREATE TABLE claims (
    claim_id INTEGER, paper_id VARCHAR, table_id VARCHAR, claim VARCHAR,
    mark VARCHAR, verified BOOLEAN, confidence DOUBLE
);
"""

TABLE_NAMES = ("papers", "tables", "models", "model_aliases", "benchmarks", "benchmark_aliases", "vocab",
               "scores", "facts", "passages", "claims", "build_info")
