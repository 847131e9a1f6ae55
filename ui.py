"""The web app: a Gradio chat over the score database, its API (/chat, /ask), an MCP tool (ask), a data browser,
source pages and the embeddable widget.

This is the edge: questions are cleaned here, errors from the lower layers become chat text here (webapp/edge.py),
and the HTTP surface is guarded here (webapp/guard.py).

    python ui.py [--host 127.0.0.1] [--port 7860] [--db PATH]
"""
from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported

import argparse
import importlib.util
import logging
import socket
import sys
import warnings
from pathlib import Path

import gradio as gr
import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from assistant import Assistant
from assistant.browse import Browser
from assistant.settings import Settings
from index.build import ensure_database
from webapp.browser import build_browser
from webapp.chat import build_chat, chat_messages  # noqa: F401 - chat_messages is re-exported
from webapp.edge import (DEFAULT_FEEDBACK_MAX_BYTES, INDEX_ERRORS, MAX_HISTORY_MESSAGES,  # noqa: F401 - re-exported:
                         SORRY, FeedbackLog, answer_safely, clean_history, startup_error)  # SORRY, clean_history
from webapp.guard import DEFAULT_MAX_REQUEST_BYTES, RequestGuard, lock_queue, page_handlers
from webapp.pages import add_source_pages
from webapp.render import answer_markdown
from webapp.theme import CSS, ON_LOAD_JS, theme

log = logging.getLogger("paperqa.ui")

# Gradio's web-component bundle ships inside the installed package; the app serves it itself (no CDN).
FRONTEND_DIR = Path(gr.__file__).parent / "templates" / "frontend"
WIDGET_SCRIPT = "/widget/gradio.js"
TITLE = "Paper scores assistant"
MCP_AVAILABLE = importlib.util.find_spec("mcp") is not None  # gradio's MCP server needs the `mcp` package


def build_demo(assistant: Assistant, settings: Settings) -> gr.Blocks:
    feedback = FeedbackLog(settings.feedback_path,
                           settings.feedback_max_bytes)

    def chat_api(message: str, history: list[dict]):
        answer = answer_safely(assistant, settings, message, history)
        history = history + [{"role": "user", "content": str(message)[:settings.max_question_chars]},
                             {"role": "assistant", "content": answer.text}]
        return answer_markdown(answer), history[-MAX_HISTORY_MESSAGES:]

    def ask(question: str, history: list[dict] | None = None) -> dict:
        """Answer a question about the benchmark scores, model facts and methods in the indexed LLM papers.

        Returns the answer (markdown) with the route taken, the SQL run, the rows it returned, and the sources
        (paper, table, page, quoted cell or sentence) every number comes from.

        Args:
            question: the question, e.g. "What is Foo-4-9B's MATH score?" (any language).
            history: earlier messages of the conversation as a list of {"role", "content"} dicts; may be empty.
        """
        result = answer_safely(assistant, settings, question, history or []).to_dict()
        return {"answer": result.pop("answer"), **result}  # the answer first, for readers of the raw JSON

    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_height=True) as demo:
        with gr.Column(elem_id="page-chrome"):
            gr.Markdown(f"# {TITLE}\nBenchmark scores from the LLM papers in the index, each with the table it "
                        "comes from. Ask in the chat, or browse the data.")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat", elem_id="chat-tab"):
                build_chat(assistant, settings, feedback)
            build_browser(Browser(assistant.db))
        with gr.Row(visible=False):  # the /chat endpoint: message in, markdown out, history kept per session
            message, reply, api_history = gr.Textbox(label="message"), gr.Markdown(label="answer"), gr.State([])
            gr.Button().click(chat_api, [message, api_history], [reply, api_history], api_name="chat")
        gr.api(ask, api_name="ask")
    return demo


def create_app(assistant: Assistant, settings: Settings) -> FastAPI:
    """FastAPI app: the request guard, our CORS policy, the widget script, the source pages, and Gradio at /."""
    demo = build_demo(assistant, settings)
    lock_queue(demo, settings.concurrency_limit, settings.max_queue_size)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    origins = [o.strip() for o in settings.allowed_origins.split(",") if o.strip()]
    app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                       allow_headers=["*"], allow_credentials="*" not in origins)
    app.add_middleware(RequestGuard, max_body_bytes=settings.max_request_bytes,
                       page_handlers=page_handlers(demo), origins=origins)

    @app.get(WIDGET_SCRIPT, include_in_schema=False)
    def widget_script() -> FileResponse:
        return FileResponse(FRONTEND_DIR / "gradio.js", media_type="text/javascript")

    app.mount("/widget/assets", StaticFiles(directory=FRONTEND_DIR / "assets"), name="widget-assets")
    add_source_pages(app, Browser(assistant.db))
    with warnings.catch_warnings():  # the MCP server warns about /chat's state; it offers only `ask` (below)
        warnings.filterwarnings("ignore", message="This MCP server includes a tool that has a gr.State input")
        app = _mount(app, demo, settings)
    _only_ask_as_mcp_tool(demo)
    return app


def _mount(app: FastAPI, demo: gr.Blocks, settings: Settings) -> FastAPI:
    return gr.mount_gradio_app(
        app, demo, path="/", server_name=settings.host, server_port=settings.port, show_error=False,
        allowed_paths=[], footer_links=["api"], run_history=False, ssr_mode=False, mcp_server=MCP_AVAILABLE,
        enable_monitoring=False, pwa=False, max_file_size="1mb", theme=theme(), css=CSS, js=ON_LOAD_JS)


def _only_ask_as_mcp_tool(demo: gr.Blocks) -> None:
    """The MCP server offers `ask` alone: /chat keeps per-session history, which an MCP call has not got."""
    server = getattr(demo, "mcp_server_obj", None)
    if server is not None:
        server.tool_to_endpoint = {name: ep for name, ep in server.tool_to_endpoint.items() if ep == "/ask"}


def parse_settings(argv: list[str] | None = None) -> Settings:
    settings = Settings()
    parser = argparse.ArgumentParser(description="Serve the paper scores assistant.")
    parser.add_argument("--host", default=settings.host, help="address to bind (default %(default)s)")
    parser.add_argument("--port", type=int, default=settings.port, help="port (default %(default)s)")
    parser.add_argument("--db", type=Path, default=settings.db_path, help="score database (default %(default)s)")
    args = parser.parse_args(argv)
    return settings.model_copy(update={"host": args.host, "port": args.port, "db_path": args.db})


def bind(host: str, port: int) -> socket.socket:
    """Take the port before saying we serve on it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = parse_settings(argv)
    try:
        sock = bind(settings.host, settings.port)
    except OSError as err:
        log.error("Cannot start: %s:%d is not available (%s). Stop whatever uses it or choose another --port.",
                  settings.host, settings.port, err.strerror or err)
        return 2
    try:
        if ensure_database(settings.papers_dir, settings.db_path):
            log.info("built the score database at %s from %s", settings.db_path, settings.papers_dir)
        assistant = Assistant.from_settings(settings)
    except (*INDEX_ERRORS, OSError) as err:
        sock.close()
        log.error("%s", startup_error(err))
        print(startup_error(err), file=sys.stderr)
        return 2
    app = create_app(assistant, settings)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2))
    mcp = "MCP at /gradio_api/mcp/" if MCP_AVAILABLE else "no MCP: the mcp package is not installed"
    log.info("serving on http://%s:%d (widget script at %s, %s)", settings.host, settings.port, WIDGET_SCRIPT, mcp)
    # Browsers and API clients hold heartbeat streams open; don't let them stall a shutdown.
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
