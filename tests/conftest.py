"""Shared fixtures: the repository's real content, one trained model per test session, fresh databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("OMP_NUM_THREADS", "1")  # the encoder's OpenMP threads are noisy on 2 cores

from bot.config import LoadedSettings, load_settings  # noqa: E402
from bot.runtime import Runtime, build_runtime, load_content  # noqa: E402
from nlu.train import train  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def settings_for(tmp: Path, model_dir: Path, database_url: str | None = None) -> LoadedSettings:
    """The repository's config.yml, with the database and model moved into test folders."""
    env = {
        "NEWCOMER_DATABASE_URL": database_url or f"sqlite:///{tmp / 'test.db'}",
        "NEWCOMER_NLU_MODEL_DIR": str(model_dir),
        "NEWCOMER_DATABASE_SPOOL_DIR": str(tmp / "spool"),
    }
    return load_settings(ROOT / "config.yml", environ=env)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained once per session on the repository's content."""
    directory = tmp_path_factory.mktemp("model")
    config = settings_for(directory, directory)
    train(load_content(config).training_examples(), directory, config.settings.nlu.encoder, show_progress=False,
          cache_dir=ROOT / "var" / "cache")
    return directory


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin_url = os.environ.get("NEWCOMER_TEST_POSTGRES_URL")
    if not admin_url:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: scripts/test.sh sets NEWCOMER_TEST_POSTGRES_URL")
        pytest.skip("no PostgreSQL server: scripts/test.sh starts one and sets NEWCOMER_TEST_POSTGRES_URL")
    name = "t_" + uuid.uuid4().hex[:16]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def config(tmp_path: Path, model_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> LoadedSettings:
    """Settings with a fresh database per test (each test runs on SQLite and on PostgreSQL)."""
    monkeypatch.setenv("NEWCOMER_PSEUDONYM_SECRET", "test-secret")
    return settings_for(tmp_path, model_dir, database_url)


@pytest.fixture
def runtime(config: LoadedSettings) -> Iterator[Runtime]:
    """The whole bot, on a fresh database."""
    built = build_runtime(config)
    yield built
    built.store.engine.dispose()
