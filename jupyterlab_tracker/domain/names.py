"""The names a run or a logged model gets when it is given none (stdlib only)."""

from __future__ import annotations

import random

# Word lists for generated run names (kept as text: one word list per line is unreadable).
_ADJECTIVE_WORDS = (
    "brave amber bold calm clever crisp daring eager fancy gentle glowing happy honest "
    "jolly keen lively lucky merry nimble polite proud quick quiet rare shy silent sleek "
    "smart sunny swift tidy vivid warm wise witty zesty"
)
_NOUN_WORDS = (
    "owl fox lynx hawk otter panda koala whale seal crane finch heron bison moose yak "
    "gecko newt trout robin wren lark mole hare shrew bat deer elk ram colt pony ox "
    "squid crab snail mantis"
)
_ADJECTIVES = _ADJECTIVE_WORDS.split()
_NOUNS = _NOUN_WORDS.split()


def generate_run_name() -> str:
    """A readable run name like MLflow's: ``brave-owl-12``."""
    return f"{random.choice(_ADJECTIVES)}-{random.choice(_NOUNS)}-{random.randint(1, 999)}"
