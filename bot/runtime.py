"""Builds the running bot from settings: content, catalogs, NLU, store and engine, each loaded once."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import LoadedSettings, NluSettings
from bot.content import ContentBase, load_content_or_raise
from bot.content_live import LiveContent
from bot.engine import Engine
from bot.handoff import Handoff
from bot.i18n import Translator
from bot.privacy import load_secret
from bot.spool import Spool
from bot.store import Store
from nlu.classifier import CardClassifier, FastPath
from nlu.danger import DangerDetector
from nlu.encoders import BatchingEncoder
from nlu.understand import Reader, Understander


@dataclass
class Runtime:
    """Everything a channel needs to talk to people."""

    config: LoadedSettings
    content: ContentBase
    translator: Translator
    understander: Reader
    store: Store
    engine: Engine
    handoff: Handoff


def load_content(config: LoadedSettings) -> ContentBase:
    """The content base named in the settings; errors stop start-up (ContentError)."""
    return load_content_or_raise(config.path(config.settings.content_dir), config.path(config.settings.seeds_dir))


def danger_detector(content: ContentBase) -> DangerDetector:
    """The danger lexicon of the content base, ready to match."""
    categories = {}
    if content.danger is not None:
        categories = {name: (c.card, c.languages) for name, c in content.danger.categories.items()}
    return DangerDetector(categories)


def encoder_workers(nlu: NluSettings) -> int:
    """Sentence encodings a serving process runs at once: as set, or half the cores (at least one). The other
    half runs the rest of the request path. On 2 cores one worker per process served more messages a second
    than two (docs/load-bench.md): fewer encodings take turns on the cores, and more of them share a call."""
    return nlu.encoder_workers or max(1, len(os.sched_getaffinity(0)) // 2)


def load_classifier(config: LoadedSettings) -> CardClassifier:
    """The trained classifier with the encoder and fast path the settings name (ModelMissing if untrained)."""
    nlu = config.settings.nlu
    thresholds = nlu.thresholds
    fast_path = FastPath(nlu.fast_path, thresholds.clarify_margin,
                         {lang: thresholds.answer_for(lang) for lang in config.settings.languages},
                         nlu.fast_path_intents, nlu.fast_path_busy)
    classifier = CardClassifier.load(config.path(nlu.model_dir), nlu.encoder, fast_path)
    if nlu.encoder != "none" and classifier.encoder is not None:
        batching = BatchingEncoder(classifier.encoder, encoder_workers(nlu), busy_queue=nlu.busy_queue)
        classifier.encoder, classifier.encoder_busy = batching, batching.busy
    return classifier


def _builtin_understander(config: LoadedSettings, content: ContentBase) -> Reader:
    """Our own classifier (ModelMissing if it has not been trained) with the danger lexicon."""
    return Understander(load_classifier(config), danger_detector(content))


def _rasa_understander(config: LoadedSettings, content: ContentBase) -> Reader:
    """A running Rasa server (see docs/rasa.md) ranks the cards; language ID and danger stay local."""
    from bot.export_rasa import intent_labels
    from nlu.rasa_backend import RasaUnderstander

    nlu = config.settings.nlu
    return RasaUnderstander(nlu.rasa_url, nlu.rasa_timeout, intent_labels(content), danger_detector(content))


NLU_BACKENDS: dict[str, Callable[[LoadedSettings, ContentBase], Reader]] = {
    "builtin": _builtin_understander,
    "rasa": _rasa_understander,
}


def build_understander(config: LoadedSettings, content: ContentBase) -> Reader:
    """The NLU backend named by nlu.backend in the settings, with the content's danger lexicon."""
    return NLU_BACKENDS[config.settings.nlu.backend](config, content)


def settle_encoder_threads() -> None:
    """Run the sentence encoder on one OpenMP thread per calling thread, unless the operator set
    OMP_NUM_THREADS. Call before the model is first used (libgomp reads the variable once)."""
    # OpenMP threads synchronise at every matrix product, dozens of times per text, and spin waiting for
    # cores that something else holds. Serving: with messages in flight, a message's encoding took 380 ms
    # instead of 24 ms while another process was busy (dependencies.md). Training: one Python thread per
    # core, each encoding its own batches on one OpenMP thread, spent a quarter less CPU than one caller
    # on two OpenMP threads (docs/nlu-bench.md). One thread a process is also what bench/nlu_bench.py measures.
    os.environ.setdefault("OMP_NUM_THREADS", "1")


def warm_up_in_background(runtime: Runtime) -> threading.Thread:
    """Load the NLU's tokenizers and encoder while the server starts taking messages (a message that
    needs one before it is ready waits for it, as it would without the warm-up)."""
    job = threading.Thread(target=runtime.understander.warm_up, name="nlu-warm-up", daemon=True)
    job.start()
    return job


def build_runtime(config: LoadedSettings) -> Runtime:
    """Everything, in the order that fails fastest: content, catalogs, model, then the database."""
    settings = config.settings
    content = load_content(config)
    translator = Translator(config.path(settings.locales_dir), settings.languages)
    understander = build_understander(config, content)
    store = Store(config.database_url)
    secret = load_secret(config.path("var"))
    live = LiveContent(config.path(settings.content_dir), config.path(settings.seeds_dir), content)
    live.on_reload(lambda base: setattr(understander, "danger", danger_detector(base)))
    handoff = Handoff(store, settings.handoff, translator)
    spool = Spool(config.path(settings.database.spool_dir))
    engine = Engine(settings, content, understander, translator, store, secret, live=live, handoff=handoff,
                    spool=spool)
    return Runtime(config, content, translator, understander, store, engine, handoff)
