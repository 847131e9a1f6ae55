"""The web app: a Gradio chat over the score database, its API (/chat, /ask) and the embeddable widget.

This is the edge. Questions are cleaned here, errors from the lower layers become chat text here (and are
logged, never shown as tracebacks), and like/dislike feedback is written here, outside the score database.

    python ui.py [--host 127.0.0.1] [--port 7860] [--db PATH]
"""
from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported

import argparse
import json
import logging
import threading
import time
from pathlib import Path

import gradio as gr
import pandas as pd
import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from assistant import Assistant
from assistant.answer import Answer
from assistant.core import NUDGE, clean_question
from assistant.guard import QueryRejected
from assistant.llm import LLMError
from assistant.settings import Settings
from index.build import ensure_database
from index.errors import IngestError

log = logging.getLogger("paperqa.ui")

# Gradio's web-component bundle ships inside the installed package; the app serves it itself (no CDN).
FRONTEND_DIR = Path(gr.__file__).parent / "templates" / "frontend"
WIDGET_SCRIPT = "/widget/gradio.js"

EXAMPLES = [
    "What is GLM-4-9B's MATH score?",
    "Compare Qwen2-7B-Instruct and Llama-3-8B-Instruct on MBPP",
    "Which model has the highest HumanEval score in the Qwen2 report?",
    "GLM-4-9B 的 MATH 分数是多少？",
]
SORRY = "Sorry, something went wrong while answering that. It has been logged; please try again or rephrase."
MAX_HISTORY_MESSAGES = 20


# ---------------------------------------------------------------------------------------------- the edge


def clean_history(history: object) -> list[dict]:
    """Keep the last plain {role, content} text messages; sources/SQL boxes (titled messages) are display only."""
    messages = []
    for message in history if isinstance(history, list) else []:
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            continue
        if (message.get("metadata") or {}).get("title"):
            continue
        text = clean_question(_text_of(message.get("content")))
        if text:
            messages.append({"role": message["role"], "content": text})
    return messages[-MAX_HISTORY_MESSAGES:]


def _text_of(content: object) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return content.get("text") or ""
    if isinstance(content, list):
        return " ".join(_text_of(part) for part in content)
    return ""


def answer_safely(assistant: Assistant, settings: Settings, question: object, history: object) -> Answer:
    """The one place a question meets the assistant; every outcome is an Answer the UI and API can render.

    Control characters are dropped and whitespace collapsed; questions in any language pass through.
    """
    question = clean_question(question if isinstance(question, str) else "")
    if not question:
        return Answer(text=NUDGE, route="none")
    if len(question) > settings.max_question_chars:
        return Answer(text=f"That question is {len(question):,} characters long; the limit is "
                           f"{settings.max_question_chars:,}. Please shorten it to the model, benchmark and "
                           f"paper you are asking about.", route="none")
    try:
        return assistant.ask(question, clean_history(history))
    except QueryRejected as err:
        log.warning("query rejected: %s | sql=%r", err.reason, err.sql)
        return Answer(text=f"I could not run the database query for that question ({err.reason}). "
                           "Try naming the model and benchmark more directly.", route="none", sql=err.sql)
    except LLMError as err:
        log.warning("LLM failed: %s", err)
        return Answer(text="The language model did not answer in time or returned an error, so I could not "
                           f"answer that one ({err}). Questions about a single model and benchmark work "
                           "without it.", route="none")
    except IngestError as err:
        log.error("index problem: %s", err)
        return Answer(text=f"The score database has a problem: {err}", route="none")
    except Exception:  # noqa: BLE001 - the edge: log the traceback, show a plain message
        log.exception("unexpected error answering %r", question[:200])
        return Answer(text=SORRY, route="none")


# ---------------------------------------------------------------------------------------------- rendering


def notes_markdown(answer: Answer) -> str:
    """Conflicts and ambiguities the answer text does not already state."""
    said = answer.text.replace("*", "")
    lines = [f"> **Sources disagree:** {c}" for c in answer.conflicts if c not in said]
    lines += [f"> **Ambiguous:** {a}" for a in answer.ambiguities if a not in said]
    return "\n>\n".join(lines)


def sources_markdown(answer: Answer) -> str:
    lines = []
    for source in answer.sources:
        line = f"- **{source.label()}**"
        if source.caption:
            line += f" — {source.caption}"
        if source.quote:
            line += f"\n  > {source.quote}"
        lines.append(line)
    return "\n".join(lines)


def sql_markdown(answer: Answer) -> str:
    count = len(answer.rows)
    return f"```sql\n{answer.sql.strip()}\n```\n\nReturned {count} row{'' if count == 1 else 's'}."


def answer_markdown(answer: Answer) -> str:
    """One markdown document: what /chat returns."""
    parts = [answer.text, notes_markdown(answer)]
    if answer.sources:
        parts.append("**Sources**\n\n" + sources_markdown(answer))
    if answer.sql:
        parts.append("**SQL**\n\n" + sql_markdown(answer))
    return "\n\n".join(p for p in parts if p)


def chat_messages(answer: Answer) -> list[gr.ChatMessage]:
    """The UI's rendering: the answer, then collapsed boxes for the sources and the SQL."""
    main = "\n\n".join(p for p in (answer.text, notes_markdown(answer)) if p)
    messages = [gr.ChatMessage(content=main)]
    if answer.sources:
        messages.append(gr.ChatMessage(content=sources_markdown(answer), metadata={
            "title": f"Sources ({len(answer.sources)})", "status": "done"}))
    if answer.sql:
        messages.append(gr.ChatMessage(content=sql_markdown(answer), metadata={"title": "SQL", "status": "done"}))
    return messages


def chart_update(answer: Answer) -> dict:
    if len(answer.chart) < 2:
        return gr.update(visible=False, value=None)
    frame = pd.DataFrame([{"label": str(p["label"]), "value": float(p["value"])} for p in answer.chart])
    return gr.update(visible=True, value=frame, sort=list(frame["label"]))


# ---------------------------------------------------------------------------------------------- feedback


class FeedbackLog:
    """Append-only JSONL of likes/dislikes, kept apart from the score database."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def append(self, record: dict) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")


def turn_record(question: str, answer: Answer) -> dict:
    return {"question": question, "answer": answer.text, "route": answer.route, "sql": answer.sql,
            "sources": list(dict.fromkeys(s.label() for s in answer.sources)), "llm_used": answer.llm_used}


def record_feedback(feedback: FeedbackLog, turns: dict, like: gr.LikeData) -> None:
    """Write a vote only for an answer this server gave in this browser session.

    `turns` is server-side session state (message index -> what was asked and answered), filled only by the chat
    itself, so a raw POST to the hidden like endpoint, with its own session, finds nothing to vote on.
    """
    index = like.index[0] if isinstance(like.index, (list, tuple)) else like.index
    turn = turns.get(index) if isinstance(index, int) else None
    if turn is None or not isinstance(like.liked, bool):
        log.warning("feedback ignored: no answer at index %r in this session", like.index)
        return
    feedback.append({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "liked": like.liked, **turn})


# ---------------------------------------------------------------------------------------------- the app


def build_demo(assistant: Assistant, settings: Settings) -> gr.Blocks:
    feedback = FeedbackLog(settings.feedback_path)

    def respond(message: str, history: list[dict], turns: dict):
        answer = answer_safely(assistant, settings, message, history)
        messages = chat_messages(answer)
        first = len(history) + 1  # the user's message sits at len(history)
        turns = {i: t for i, t in turns.items() if i < len(history)}
        turns.update({first + i: turn_record(clean_question(message), answer) for i in range(len(messages))})
        return messages, chart_update(answer), turns

    def chat_api(message: str, history: list[dict]):
        answer = answer_safely(assistant, settings, message, history)
        history = history + [{"role": "user", "content": clean_question(message)},
                             {"role": "assistant", "content": answer.text}]
        return answer_markdown(answer), history[-MAX_HISTORY_MESSAGES:]

    def ask(question: str, history: list[dict] | None = None) -> dict:
        """Answer one question. `history` is a list of {role, content} messages (may be empty)."""
        return answer_safely(assistant, settings, question, history or []).to_dict()

    with gr.Blocks(title="Paper scores assistant", analytics_enabled=False, fill_height=True) as demo:
        gr.Markdown(f"**Status:** {assistant.llm_status()}", elem_id="llm-status")
        chart = gr.BarPlot(x="label", y="value", x_title=" ", y_title="score", y_lim=[0, None],
                           label="Comparison", visible=False, render=False, elem_id="answer-chart")
        turns = gr.State({})
        chat = gr.ChatInterface(
            respond, additional_inputs=[turns], additional_outputs=[chart, turns],
            chatbot=gr.Chatbot(height=480, buttons=["copy"], placeholder=NUDGE, elem_id="chatbot"),
            examples=[[q, None] for q in EXAMPLES], cache_examples=False, title="Paper scores assistant",
            description="Benchmark scores from the LLM papers in the index, with the table each comes from.",
            analytics_enabled=False, api_name="respond", api_visibility="private", fill_height=True)
        chart.render()

        def on_like(turns_now: dict, like: gr.LikeData) -> None:
            record_feedback(feedback, turns_now, like)

        chat.chatbot.like(on_like, [turns], None, api_visibility="private", queue=False)

        with gr.Row(visible=False):  # the /chat endpoint: message in, markdown out, history kept per session
            message, reply, api_history = gr.Textbox(label="message"), gr.Markdown(label="answer"), gr.State([])
            gr.Button().click(chat_api, [message, api_history], [reply, api_history], api_name="chat")
        gr.api(ask, api_name="ask")
    return demo


def create_app(assistant: Assistant, settings: Settings) -> FastAPI:
    """FastAPI app: our CORS policy, the widget script, and the Gradio app mounted at /."""
    demo = build_demo(assistant, settings)
    demo.queue(default_concurrency_limit=settings.concurrency_limit, max_size=settings.max_queue_size)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    origins = [o.strip() for o in settings.allowed_origins.split(",") if o.strip()]
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                       allow_headers=["*"], allow_credentials="*" not in origins)

    @app.get(WIDGET_SCRIPT, include_in_schema=False)
    def widget_script() -> FileResponse:
        return FileResponse(FRONTEND_DIR / "gradio.js", media_type="text/javascript")

    app.mount("/widget/assets", StaticFiles(directory=FRONTEND_DIR / "assets"), name="widget-assets")
    return gr.mount_gradio_app(
        app, demo, path="/", server_name=settings.host, server_port=settings.port, show_error=False,
        allowed_paths=[], footer_links=["api"], run_history=False, ssr_mode=False, mcp_server=False,
        enable_monitoring=False, pwa=False, max_file_size="1mb")


def parse_settings(argv: list[str] | None = None) -> Settings:
    settings = Settings()
    parser = argparse.ArgumentParser(description="Serve the paper scores assistant.")
    parser.add_argument("--host", default=settings.host, help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=settings.port, help="port (default %(default)s)")
    parser.add_argument("--db", type=Path, default=settings.db_path, help="score database (default %(default)s)")
    args = parser.parse_args(argv)
    return settings.model_copy(update={"host": args.host, "port": args.port, "db_path": args.db})


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = parse_settings(argv)
    try:
        if ensure_database(settings.papers_dir, settings.db_path):
            log.info("built the score database at %s from %s", settings.db_path, settings.papers_dir)
        assistant = Assistant.from_settings(settings)
    except IngestError as err:
        log.error("could not build the score database: %s", err)
        return 2
    app = create_app(assistant, settings)
    log.info("serving on http://%s:%d (widget script at %s)", settings.host, settings.port, WIDGET_SCRIPT)
    # Browsers and API clients hold heartbeat streams open; don't let them stall a shutdown.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", timeout_graceful_shutdown=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
