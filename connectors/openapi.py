"""The OpenAPI description of the chat API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from bot.config import LANGUAGES

ACTIONS = ["answer", "clarify", "unsure", "handoff", "greet", "thanks", "safety", "language", "info", "error"]


def openapi(languages: list[str] | None = None) -> dict[str, Any]:
    """A small, hand-written spec: the chat API is one route and should stay that way."""
    langs = languages or list(LANGUAGES)
    error = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "newcomer-bot chat API", "version": "1"},
        "paths": {
            "/api/chat": {
                "post": {
                    "summary": "Send one message and get the bot's reply",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["user", "text"], "additionalProperties": True,
                        "properties": {
                            "user": {"type": "string", "minLength": 1, "maxLength": 128,
                                     "description": "A stable id for the person on this web site"},
                            "text": {"type": "string", "description": "The message, or a button payload"},
                            "lang": {"type": "string", "enum": [*langs, "uz-Cyrl"],
                                     "description": "The page's language: a hint, not an override"},
                        }}}}},
                    "responses": {
                        "200": {"description": "The reply", "content": {"application/json": {"schema": {
                            "type": "object",
                            "required": ["language", "action", "messages", "quick_replies", "contacts"],
                            "properties": {
                                "language": {"type": "string"},
                                "action": {"type": "string", "enum": ACTIONS},
                                "messages": {"type": "array", "items": {"type": "string"}},
                                "quick_replies": {"type": "array", "items": {"type": "object", "properties": {
                                    "label": {"type": "string"}, "payload": {"type": "string"}}}},
                                "contacts": {"type": "array", "items": {"type": "object", "properties": {
                                    "label": {"type": "string"}, "phone": {"type": ["string", "null"]},
                                    "url": {"type": ["string", "null"]}}}},
                                "card": {"type": ["string", "null"]},
                                "confidence": {"type": ["number", "null"]},
                                "candidates": {"type": "array", "items": {"type": "string"}},
                                "escalation_id": {"type": ["integer", "null"]},
                            }}}}},
                        "400": {"description": "Not JSON, or not an object", "content": {"application/json": {"schema": error}}},
                        "413": {"description": "Body over 16 KiB", "content": {"application/json": {"schema": error}}},
                        "415": {"description": "Not application/json", "content": {"application/json": {"schema": error}}},
                        "422": {"description": "A field is missing or wrong", "content": {"application/json": {"schema": error}}},
                        "429": {"description": "Too many messages from this person or address; the error is a polite "
                                "sentence in the person's language; see the Retry-After header",
                                "content": {"application/json": {"schema": error}}},
                    },
                }
            }
        },
    }
