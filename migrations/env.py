"""Alembic environment: runs migrations against the URL the store passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool, text

from bot.models import Base

config = context.config
target_metadata = Base.metadata
MIGRATION_LOCK = 0x6E657763  # any fixed number; "newc"


def run_migrations_offline() -> None:
    """Emit SQL without a database connection (alembic upgrade --sql)."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate a live database; batch mode lets SQLite alter tables."""
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Several server processes starting at once on one database: the first migrates, the
                # others wait here and then find the schema current (the lock ends with the transaction).
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
