"""System and chat prompts, each a text file with a version, and their loader."""

from prompts.loader import Prompt, PromptError, load_prompt

__all__ = ["Prompt", "PromptError", "load_prompt"]
