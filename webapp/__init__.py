"""The web app's parts: the edge (questions in, errors out), rendering, the chat, the data browser, the source pages,
the HTTP guards and the theme. `ui.py` assembles them; only this package and `ui.py` import gradio."""
