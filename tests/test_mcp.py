"""The MCP tool as an agent meets it: a real MCP client (the `mcp` package, streamable HTTP) against the launched
app on 127.0.0.1."""
from __future__ import annotations

import asyncio
import json
import threading

import pytest

pytest_plugins = ["tests.ui_fixtures"]

mcp = pytest.importorskip("mcp", reason="the MCP client comes with gradio[mcp] (requirements.txt)")


def _run(coroutine, timeout_s: float = 60):
    """asyncio.run in a daemon thread of its own: Playwright's sync API may already own this thread's event loop,
    and a server that never answers fails the test instead of hanging it."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout_s)
    if "error" in outcome:
        raise outcome["error"]
    assert "value" in outcome, f"the MCP exchange did not finish within {timeout_s} s"
    return outcome["value"]


async def _session(url: str, work):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with streamable_http_client(f"{url}/gradio_api/mcp/") as (read, write, _):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return await work(session)


def test_an_mcp_client_lists_ask_and_gets_the_glm4_math_scores(ui_server):
    async def work(session):
        tools = (await session.list_tools()).tools
        result = await session.call_tool("ask", {"question": "What is GLM-4-9B's MATH score?"})
        return tools, result

    tools, result = _run(_session(ui_server.url, work))
    assert [t.name for t in tools] == ["ask"]
    assert "question" in tools[0].inputSchema["properties"] and tools[0].inputSchema["required"] == ["question"]
    assert not result.isError
    text = "\n".join(c.text for c in result.content if getattr(c, "text", None))
    assert "30.4" in text and "50.6" in text


def test_mcp_follow_ups_use_the_given_history(ui_server):
    history = [{"role": "user", "content": "What is Llama-3-8B-Instruct's MBPP score?"},
               {"role": "assistant", "content": "Llama-3-8B-Instruct scores 67.9 on MBPP."}]

    async def work(session):
        return await session.call_tool("ask", {"question": "And Qwen2-7B-Instruct?", "history": history})

    result = _run(_session(ui_server.url, work))
    text = "\n".join(c.text for c in result.content if getattr(c, "text", None))
    assert "67.2" in text, json.dumps([c.model_dump() for c in result.content])[:500]
