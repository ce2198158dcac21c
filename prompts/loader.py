"""Prompts as versioned text files: a `version:` header line, a `---` line, then the text."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROMPT_FOLDER = Path(__file__).parent / "texts"


@dataclass(frozen=True)
class Prompt:
    """A prompt's text and the version stored with every analysis that used it."""

    name: str
    version: str
    text: str


class PromptError(ValueError):
    pass


@cache
def load_prompt(name: str) -> Prompt:
    """Read prompts/texts/<name>.txt and split its version header from its text."""
    path = PROMPT_FOLDER / f"{name}.txt"
    if not path.is_file():
        known = ", ".join(sorted(file.stem for file in PROMPT_FOLDER.glob("*.txt")))
        raise PromptError(f"prompt {name!r} not found in {PROMPT_FOLDER}; known prompts: {known}")

    header, separator, text = path.read_text(encoding="utf-8").partition("\n---\n")
    if not separator or not header.startswith("version: "):
        raise PromptError(f"{path}: expected a first line 'version: <name>/<number>' and a '---' line after it")

    return Prompt(name=name, version=header.removeprefix("version: ").strip(), text=text.strip())
