"""Rasa 3.6 components of the exported project: a tokenizer that keeps every language's words, and a language detector."""

# This file runs inside Rasa's Python 3.10 environment, next to newcomer_text.py (copied there by
# `newcomer export rasa`); it is not imported by the bot itself.
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

from newcomer_text import LanguageGuesser, normalise_word, word_spans
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

LANGUAGE_DATA = Path(__file__).resolve().parent / "newcomer_language.json"
_NOT_WORD = re.compile(r"\W")


def feature_key(word: str) -> str:
    """The token's lemma: its normalised text with every non-word character spelled as _hex.

    Rasa's word featuriser re-splits each token with the pattern \\b\\w+\\b, which cuts Devanagari,
    Thai and Khmer words at their vowel signs and Uzbek words at the apostrophe; this key is one
    \\w+ run, so each word stays one feature. (The character featuriser reads the plain text.)
    """
    return _NOT_WORD.sub(lambda match: f"_{ord(match.group()):x}", normalise_word(word))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class NewcomerTokenizer(Tokenizer):
    """Words for all nine languages: Hangul and CJK kept, Chinese per character, Thai and Khmer runs kept."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The options every Rasa tokenizer understands."""
        return {"intent_tokenization_flag": False, "intent_split_symbol": "_", "token_pattern": None,
                "prefix_separator_symbol": None}

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        """Tokens with offsets; a text without letters or digits becomes one token, as in Rasa."""
        text = message.get(attribute) or ""
        tokens = [Token(word, start, lemma=feature_key(word)) for word, start in word_spans(text)]
        if not tokens:
            tokens = [Token(text, 0)]
        return self._apply_token_pattern(tokens)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class NewcomerLanguageDetector(GraphComponent):
    """Adds a `language` entity (ko en zh vi km uz uz-Cyrl th ne ru) that fills the `language` slot,
    which selects each response's language. Messages without a clue leave the slot as it was."""

    def __init__(self, guesser: LanguageGuesser) -> None:
        self.guesser = guesser

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """No options: the word statistics come from newcomer_language.json next to this module."""
        return {}

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> NewcomerLanguageDetector:
        """Load the word statistics and language names written at export time."""
        data = json.loads(LANGUAGE_DATA.read_text(encoding="utf-8"))
        return cls(LanguageGuesser(data["word_counts"], data["names"]))

    def detect(self, text: str) -> Optional[str]:
        """The language tag of one text, or None."""
        return self.guesser.guess(text)

    def process(self, messages: List[Message]) -> List[Message]:
        """Add the language entity to each message that gives a clue."""
        for message in messages:
            text = message.get(TEXT)
            tag = self.detect(text) if isinstance(text, str) else None
            if tag is None:
                continue
            entity = {"entity": "language", "value": tag, "start": 0, "end": len(text), "confidence_entity": 1.0,
                      "extractor": self.__class__.__name__}
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
