"""The chat tab: a chatbot whose answers carry their own table, chart, CSV and openable sources; an input that
keeps its focus and shows its length limit; examples that stay; one vote per answer."""
from __future__ import annotations

import json
from pathlib import Path

import gradio as gr

from assistant import Assistant
from assistant.answer import Answer
from assistant.core import NUDGE, clean_question
from assistant.settings import Settings

from .chart import comparison
from .edge import FeedbackLog, answer_safely, record_feedback, turn_record
from .render import extras_html, main_markdown, sources_markdown, sql_markdown
from .theme import FOCUS_JS

EXAMPLES_FILE = Path(__file__).with_name("examples.json")      # data: questions about the papers that ship


def load_examples(path: Path = EXAMPLES_FILE) -> list[str]:
    """The example questions shown under the input (none when the file is missing or unreadable)."""
    try:
        return [q for q in json.loads(path.read_text(encoding="utf-8")).get("questions", []) if isinstance(q, str)]
    except (OSError, ValueError, AttributeError):
        return []


EXAMPLES = load_examples()


def app_root(request: gr.Request | None) -> str:
    """The app's own origin as the browser reached it, so links from a widget on another page come back here."""
    if request is None:
        return ""
    headers = request.headers or {}
    host = headers.get("x-forwarded-host") or headers.get("host") or ""
    proto = headers.get("x-forwarded-proto") or getattr(getattr(request.request, "url", None), "scheme", "http")
    return f"{proto}://{host}" if host else ""


def chat_messages(answer: Answer, root: str | None = None) -> list[gr.ChatMessage]:
    """The UI's rendering: the answer (with its table), its chart and CSV, then collapsed sources and SQL."""
    chart = comparison(answer)
    messages = [gr.ChatMessage(content=main_markdown(answer, chart))]
    extras = extras_html(answer, chart)
    if extras:
        messages.append(gr.ChatMessage(content=gr.HTML(extras, padding=False, container=False)))
    if answer.sources:
        messages.append(gr.ChatMessage(content=sources_markdown(answer, root), metadata={
            "title": f"Sources ({len(answer.sources)})", "status": "done"}))
    if answer.sql:
        messages.append(gr.ChatMessage(content=sql_markdown(answer), metadata={"title": "SQL", "status": "done"}))
    return messages


def build_chat(assistant: Assistant, settings: Settings, feedback: FeedbackLog) -> None:
    """The chat column, built inside the caller's Blocks context."""

    def respond(message: str, history: list, turns: dict, request: gr.Request):
        question = clean_question(message if isinstance(message, str) else "")
        if not question:  # nothing to send: no bubble, the text stays as it was
            return gr.skip(), gr.skip(), gr.skip()
        history = history if isinstance(history, list) else []
        answer = answer_safely(assistant, settings, message, history)
        messages = chat_messages(answer, app_root(request))
        first = len(history) + 1  # the user's message sits at len(history)
        turns = {i: t for i, t in (turns or {}).items() if i < len(history)}
        record = turn_record(question, answer)
        turns.update({first + i: {**record, "group": first} for i in range(len(messages))})
        user = {"role": "user", "content": question[:settings.max_question_chars]}
        return history + [user] + messages, "", turns

    def on_like(turns_now: dict, like: gr.LikeData) -> dict:
        record_feedback(feedback, turns_now, like.index, like.liked)
        return turns_now

    chatbot = gr.Chatbot(height="62vh", min_height=360, buttons=["copy"], placeholder=NUDGE, elem_id="chatbot",
                         autoscroll=True, show_label=False, feedback_options=("Like", "Dislike"))
    turns = gr.State({})
    question = gr.Textbox(show_label=False, placeholder="Ask about a model, a benchmark or a paper…",
                          max_length=settings.max_question_chars, lines=1, max_lines=6, submit_btn=True,
                          autofocus=False, elem_id="question", autoscroll=False)
    gr.HTML(f'<div id="question-count" data-limit="{settings.max_question_chars}" aria-live="polite"></div>',
            padding=False, container=False, elem_id="question-count-box")
    with gr.Row(elem_id="examples"):
        buttons = [gr.Button(q, size="sm", variant="secondary", scale=0) for q in EXAMPLES]
        clear = gr.Button("Clear chat", size="sm", variant="secondary", scale=0, elem_id="clear")
    gr.Markdown(f"{assistant.llm_status()} Answers are limited to {settings.max_question_chars:,} characters.",
                elem_id="llm-status")

    send = dict(fn=respond, inputs=[question, chatbot, turns], outputs=[chatbot, question, turns],
                api_visibility="private", show_progress="minimal")
    question.submit(**send, api_name="respond").then(None, js=FOCUS_JS)
    for button, text in zip(buttons, EXAMPLES):
        button.click(None, None, question, js=f"() => {json.dumps(text)}").then(**send).then(None, js=FOCUS_JS)
    clear.click(lambda: ([], "", {}), None, [chatbot, question, turns], api_visibility="private",
                api_name="clear").then(None, js=FOCUS_JS)
    chatbot.like(on_like, [turns], [turns], api_visibility="private", api_name="vote")
