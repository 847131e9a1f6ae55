"""Every prompt the assistant sends to an LLM, in one place. Placeholders are str.format fields."""

# Answer this when nothing in the papers supports an answer (also used without an LLM).
CANNOT_ANSWER_PHRASE = "The indexed papers do not report this."
