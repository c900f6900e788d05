"""The `newcomer` command: serve, chat, ask, train, content check and catalog management."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bot.config import ConfigError, LoadedSettings, load_settings
from bot.roster import HoursError
from bot.staff_auth import StaffError

if TYPE_CHECKING:
    from bot.retention import PurgeJob
    from bot.store import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
ASK_ACTIONS = {"unsure": "handoff", "thanks": "greet"}  # ask reports the five public actions


def _config(args: argparse.Namespace) -> LoadedSettings:
    path = args.config or os.environ.get("NEWCOMER_CONFIG")
    if path is None and Path("config.yml").is_file():
        path = "config.yml"
    return load_settings(path)


# ----- train ---------------------------------------------------------------------------------------


def cmd_train(args: argparse.Namespace) -> int:
    from bot.runtime import load_content, settle_encoder_threads
    from nlu.train import train

    settle_encoder_threads()  # training runs one encoding thread per core instead
    config = _config(args)
    content = load_content(config)
    examples = content.training_examples()
    if args.check_only:
        return _model_is_current(config, examples)
    nlu = config.settings.nlu
    report = train(examples, config.path(nlu.model_dir), nlu.encoder, show_progress=not args.quiet,
                   cache_dir=None if args.no_cache else config.path(nlu.cache_dir))
    print(f"trained on {report.examples} examples for {report.labels} labels in {report.seconds:.1f} s "
          f"-> {report.model_dir}")
    return EXIT_OK


def _model_is_current(config: LoadedSettings, examples: list[tuple[str, str, str]]) -> int:
    from bot.runtime import load_classifier
    from nlu.classifier import fingerprint

    model = load_classifier(config)
    if model.meta.get("fingerprint") != fingerprint(examples):
        print("the example questions changed since the model was trained: run `newcomer train`")
        return EXIT_FAILED
    print(f"the model is up to date (trained {model.meta.get('trained_at')})")
    return EXIT_OK


# ----- content -------------------------------------------------------------------------------------


def cmd_content_check(args: argparse.Namespace) -> int:
    from bot.content import load_content

    config = _config(args)
    settings = config.settings
    stale_days = args.stale_days or settings.content.stale_after_days
    base, problems = load_content(config.path(settings.content_dir), config.path(settings.seeds_dir),
                                  stale_after_days=stale_days)
    errors = [p for p in problems if p.level == "error"]
    warnings = [p for p in problems if p.level == "warning"]
    for problem in errors + ([] if args.errors_only else warnings):
        print(problem)
    print(f"{len(base.cards)} cards, {len(base.intents)} intents: "
          f"{len(errors)} errors, {len(warnings)} warnings")
    return EXIT_FAILED if errors else EXIT_OK


def cmd_content_report(args: argparse.Namespace) -> int:
    from bot.content import load_content
    from bot.content_report import as_html, as_text, coverage

    config = _config(args)
    settings = config.settings
    base, _problems = load_content(config.path(settings.content_dir), config.path(settings.seeds_dir))
    report = coverage(base, args.stale_days or settings.content.stale_after_days)
    if args.json:
        print(json.dumps(report.matrix, ensure_ascii=False, indent=2))
    elif args.html:
        print(as_html(report))
    else:
        print(as_text(report))
    return EXIT_OK


def cmd_content_new(args: argparse.Namespace) -> int:
    from bot.content_scaffold import write_scaffold

    config = _config(args)
    path = write_scaffold(config.path(config.settings.content_dir), args.id)
    print(f"created {path}: fill in every field, then run `newcomer content check` and `newcomer train`")
    return EXIT_OK


def cmd_content_schema(args: argparse.Namespace) -> int:
    from bot.content_scaffold import card_schema

    config = _config(args)
    path = config.path(config.settings.content_dir) / "card.schema.json"
    path.write_text(card_schema(), encoding="utf-8")
    print(f"wrote {path}")
    return EXIT_OK


# ----- ask -----------------------------------------------------------------------------------------


def _ask_lines(stream: IO[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield number, line


def _parse_ask(line: str, languages: Iterable[str]) -> tuple[str, str | None]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg}") from exc
    if not isinstance(item, dict):
        raise ValueError('expected an object like {"text": "...", "lang": "ko"}')
    text, lang = item.get("text"), item.get("lang")
    if not isinstance(text, str) or not text.strip():
        raise ValueError('"text" must be a non-empty string')
    if lang is not None and (not isinstance(lang, str) or lang.split("-")[0] not in languages):
        raise ValueError(f'"lang" must be one of {", ".join(languages)}')
    return text, lang


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.dialogue import decide
    from bot.runtime import build_understander, load_content

    config = _config(args)
    settings = config.settings
    understander = build_understander(config, load_content(config))
    stream: IO[str] = sys.stdin if args.file in (None, "-") else open(args.file, encoding="utf-8")  # noqa: SIM115
    failed = 0
    with stream:
        for number, line in _ask_lines(stream):
            try:
                text, lang = _parse_ask(line, settings.languages)
            except ValueError as exc:
                failed += 1
                print(json.dumps({"line": number, "error": str(exc)}, ensure_ascii=False), flush=True)
                continue
            reading = understander.read(text, hint=lang)
            decision = decide(reading, settings.nlu.thresholds)
            out: dict[str, Any] = {
                "line": number,
                "text": text,
                "language": reading.detection.tag,
                "action": ASK_ACTIONS.get(decision.action, decision.action),
                "card": decision.card,
                "confidence": round(decision.confidence, 4),
                "candidates": decision.candidates,
            }
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return EXIT_OK if not args.strict or not failed else EXIT_FAILED


# ----- eval --------------------------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace) -> int:
    from nlu import evaluate as ev
    from bot.runtime import build_understander, load_content
    from nlu.understand import Understander

    split = "dev" if args.tune else args.split
    if args.misses and split != "dev":
        print("--misses lists the dev split only: looking at the test split's misses would tune on it",
              file=sys.stderr)
        return EXIT_USAGE
    config = _config(args)
    settings = config.settings
    content = load_content(config)
    understander = build_understander(config, content)
    if args.encoder_busy:
        if not isinstance(understander, Understander):
            print("--encoder-busy measures the builtin classifier (nlu.backend: builtin)", file=sys.stderr)
            return EXIT_USAGE
        understander.classifier.encoder_busy = lambda: True  # every message as under overload
    files = sorted(config.path(args.data).glob("*.jsonl")) if config.path(args.data).is_dir() else [config.path(args.data)]
    if not files or not files[0].exists():
        raise ev.EvalDataError(f"{config.path(args.data)}: no evaluation questions (*.jsonl) found")
    questions = ev.load_questions(files, set(content.cards))
    chosen = [q for q in questions if split == "all" or q.split == split]
    thresholds = settings.nlu.thresholds
    outcomes = ev.run(chosen, lambda text: understander.read(text), thresholds)
    if args.tune:
        tuned = ev.tune_thresholds(outcomes, args.target)
        print(f"# answer thresholds for precision >= {args.target:.0%} on the dev split ({len(chosen)} questions);")
        print("# put them under nlu.thresholds.per_language in config.yml")
        print("per_language: {" + ", ".join(f"{k}: {v:.2f}" for k, v in tuned.items()) + "}")
        return EXIT_OK
    scores = [ev.score(outcomes, lang) for lang in settings.languages] + [ev.score(outcomes, "all")]
    out = config.path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = "nlu-eval-busy" if args.encoder_busy else "nlu-eval"  # the two reports sit side by side in docs/
    ev.chart(scores, out / f"{name}.png")
    report = ev.markdown(scores, split, thresholds, f"{name}.png", args.encoder_busy)
    (out / f"{name}.md").write_text(report, encoding="utf-8")
    print(report)
    if args.misses:
        print("\n".join(ev.describe_miss(o) for o in outcomes if ev.is_miss(o)) or "no misses")
    print(f"written: {out / f'{name}.md'}, {out / f'{name}.png'}")
    return EXIT_OK


# ----- chat and serve ------------------------------------------------------------------------------


def _logging(config: LoadedSettings, terminal: bool = False) -> None:
    from bot.logs import install

    settings = config.settings.logging
    if terminal and settings.level == "info":
        settings = settings.model_copy(update={"level": "warning"})  # INFO lines would interleave the chat
    install(settings)


def _purge_job(config: LoadedSettings, store: Store) -> PurgeJob:
    from bot.retention import PurgeJob

    dialogue = config.settings.dialogue
    job = PurgeJob(store, dialogue.retention_days, dialogue.purge_every_minutes)
    job.start()
    return job


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.runtime import build_runtime, settle_encoder_threads, warm_up_in_background
    from connectors.terminal import TerminalChat

    settle_encoder_threads()
    config = _config(args)
    _logging(config, terminal=True)
    runtime = build_runtime(config)
    warm_up_in_background(runtime)
    TerminalChat(runtime.engine, user_id=args.user).run(sys.stdin, sys.stdout)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.runtime import build_runtime, settle_encoder_threads, warm_up_in_background
    from connectors.web import create_app

    settle_encoder_threads()
    config = _config(args)
    _logging(config)
    runtime = build_runtime(config)
    warm_up_in_background(runtime)
    host = args.host or config.settings.web.host
    port = args.port or config.settings.web.port
    job = _purge_job(config, runtime.store)
    print(f"newcomer-bot web chat: http://{host}:{port}/  (stop with Ctrl+C)", flush=True)
    # log_config=None: uvicorn's records go through our masking handler; no access log, whose lines
    # hold people's addresses.
    try:
        uvicorn.run(create_app(runtime), host=host, port=port, log_level="warning", log_config=None,
                    access_log=False)
    finally:
        job.stop()
    return EXIT_OK


def cmd_telegram(args: argparse.Namespace) -> int:
    import asyncio

    from bot.runtime import build_runtime, settle_encoder_threads, warm_up_in_background
    from connectors.telegram import TelegramChannel, bot_from_environment
    from connectors.telegram_desk import StaffDesk

    settle_encoder_threads()
    config = _config(args)
    _logging(config)
    runtime = build_runtime(config)
    warm_up_in_background(runtime)
    job = _purge_job(config, runtime.store)
    bot, _secret = bot_from_environment(need_secret=False, api_url=config.settings.channels.telegram.api_url)
    channel = TelegramChannel(runtime.engine, runtime.store, bot, None, runtime.translator.text,
                              desk=StaffDesk(runtime.store, runtime.handoff))

    async def main() -> None:
        stop = asyncio.Event()
        async with bot:
            print(f"newcomer-bot on Telegram as @{bot.username} (long polling; stop with Ctrl+C)", flush=True)
            await channel.poll(stop)

    try:
        asyncio.run(main())
    finally:
        job.stop()
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.retention import purge
    from bot.store import Store

    config = _config(args)
    days = args.days or config.settings.dialogue.retention_days
    store = Store(config.database_url)
    with store.session() as session:
        counts = purge(session, days)
    print(f"purged data older than {days} days: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    return EXIT_OK


# ----- staff ------------------------------------------------------------------------------------


def _password(args: argparse.Namespace) -> str | None:
    """From NEWCOMER_STAFF_PASSWORD (scripts) or asked twice without echo; never a command-line argument."""
    import getpass

    if os.environ.get("NEWCOMER_STAFF_PASSWORD"):
        return os.environ["NEWCOMER_STAFF_PASSWORD"]
    if getattr(args, "no_password", False):
        return None
    first = getpass.getpass("Console password (at least 10 characters): ")
    if first != getpass.getpass("Again: "):
        raise StaffError("the two passwords differ")
    return first


def cmd_staff_add(args: argparse.Namespace) -> int:
    from bot.staff_auth import add_staff
    from bot.store import Store

    store = Store(_config(args).database_url)
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    staff_id = add_staff(store, args.login, args.name or args.login, args.role, languages, args.hours,
                         _password(args), args.telegram_chat)
    print(f"added {args.role} {args.login} (#{staff_id}): {', '.join(languages) or 'no languages'}; {args.hours}")
    return EXIT_OK


def cmd_staff_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.models import StaffMember
    from bot.store import Store

    store = Store(_config(args).database_url)
    with store.session() as session:
        for staff in session.scalars(select(StaffMember).order_by(StaffMember.login)):
            hours = ", ".join(f"{day} {span}" for day, span in staff.hours.items()) or "no hours"
            telegram = "telegram" if staff.telegram_chat_id else "console only"
            state = "" if staff.active else " (inactive)"
            print(f"{staff.login:16} {staff.role:11} {','.join(staff.languages):12} {telegram:12} {hours}{state}")
    return EXIT_OK


def cmd_staff_password(args: argparse.Namespace) -> int:
    from bot.staff_auth import set_password
    from bot.store import Store

    password = _password(args)
    if password is None:
        raise StaffError("a password is needed")
    set_password(Store(_config(args).database_url), args.login, password)
    print(f"password changed for {args.login}; their console sessions were ended")
    return EXIT_OK


# ----- export --------------------------------------------------------------------------------------


def cmd_export_rasa(args: argparse.Namespace) -> int:
    from bot.export_rasa import export_project
    from bot.i18n import Translator
    from bot.runtime import load_content

    config = _config(args)
    settings = config.settings
    report = export_project(load_content(config), Translator(config.path(settings.locales_dir), settings.languages),
                            settings.languages, Path(args.dir), card_ids=args.cards, epochs=args.epochs,
                            default_language=settings.default_language,
                            retention_days=settings.dialogue.retention_days)
    print(f"wrote a Rasa 3.6 project to {report.directory}: {report.intents} intents, {report.examples} examples, "
          f"{report.responses} responses; next: cd {report.directory} && rasa train")
    return EXIT_OK


# ----- catalogs ------------------------------------------------------------------------------------


def cmd_i18n(args: argparse.Namespace) -> int:
    from bot.catalogs import run_babel

    config = _config(args)
    return run_babel(args.action, config.path(config.settings.locales_dir), config.settings.languages)


# ----- parser and entry point ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newcomer", description="The Asan newcomer helper bot.")
    parser.add_argument("--config", help="path to config.yml (default: ./config.yml or NEWCOMER_CONFIG)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web app (web chat, API, health, webhooks)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=cmd_serve)

    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--user", default="terminal", help="the user id to chat as")
    chat.set_defaults(func=cmd_chat)

    telegram = sub.add_parser("telegram", help="run the Telegram bot by long polling (no public address needed)")
    telegram.add_argument("--polling", action="store_true", required=True, help="use getUpdates long polling")
    telegram.set_defaults(func=cmd_telegram)

    ask = sub.add_parser("ask", help="batch, single-turn decisions from JSON lines")
    ask.add_argument("file", nargs="?", help="JSON lines file (default: standard input)")
    ask.add_argument("--strict", action="store_true", help="exit 1 if any line was malformed")
    ask.set_defaults(func=cmd_ask)

    train = sub.add_parser("train", help="train the classifier from the cards' example questions")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.add_argument("--no-cache", action="store_true", help="encode every example again (a cold run)")
    train.add_argument("--check-only", action="store_true",
                       help="only say whether the model matches the current examples (exit 1 if not)")
    train.set_defaults(func=cmd_train)

    content = sub.add_parser("content", help="check the content base")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    check = content_sub.add_parser("check", help="validate every card, intent and the danger lexicon")
    check.add_argument("--stale-days", type=int, help="cards older than this are stale (default: config)")
    check.add_argument("--errors-only", action="store_true", help="hide warnings")
    check.set_defaults(func=cmd_content_check)
    report = content_sub.add_parser("report", help="language x card coverage: complete, draft, missing, stale")
    report.add_argument("--stale-days", type=int, help="cards older than this are stale (default: config)")
    form = report.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="card id -> language -> status, as JSON")
    form.add_argument("--html", action="store_true", help="the staff page, as HTML")
    report.set_defaults(func=cmd_content_report)
    new = content_sub.add_parser("new", help="create a card file with every field in nine languages")
    new.add_argument("id", help="the card id, e.g. daily.bank-account")
    new.set_defaults(func=cmd_content_new)
    schema = content_sub.add_parser("schema", help="regenerate content/card.schema.json for editors")
    schema.set_defaults(func=cmd_content_schema)

    evaluate = sub.add_parser("eval", help="measure the NLU on held-out questions, per language")
    evaluate.add_argument("--data", default="eval", help="a JSON-lines file or a folder of them (default: eval/)")
    evaluate.add_argument("--split", choices=["test", "dev", "all"], default="test")
    evaluate.add_argument("--out", default="var/eval", help="where to write nlu-eval.md and nlu-eval.png")
    evaluate.add_argument("--tune", action="store_true",
                          help="choose per-language answer thresholds on the dev split and print them")
    evaluate.add_argument("--target", type=float, default=0.9, help="precision the thresholds aim for")
    evaluate.add_argument("--encoder-busy", action="store_true",
                          help="read every message as under overload (nlu.busy_queue reached): see docs/load-bench.md")
    evaluate.add_argument("--misses", action="store_true",
                          help="also list the dev split's misses (wrong card, wrong answer, wrong language)")
    evaluate.set_defaults(func=cmd_eval)

    staff = sub.add_parser("staff", help="interpreters and staff: languages, hours, Telegram chat, console login")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("add", help="add an interpreter or staff member (password asked, or NEWCOMER_STAFF_PASSWORD)")
    add.add_argument("login")
    add.add_argument("--name", help="the name shown in the console (default: the login)")
    add.add_argument("--role", choices=["interpreter", "staff"], required=True)
    add.add_argument("--languages", default="", help="comma-separated, e.g. vi,zh")
    add.add_argument("--hours", default="mon-fri 09:00-18:00",
                     help="weekly hours in Korea time, e.g. 'mon-fri 09:00-18:00; sat 10:00-13:00'")
    add.add_argument("--telegram-chat", type=int, help="their private chat id with the bot, for offers on Telegram")
    add.add_argument("--no-password", action="store_true", help="Telegram only, no console login")
    add.set_defaults(func=cmd_staff_add)
    listing = staff_sub.add_parser("list", help="everyone, with languages and hours")
    listing.set_defaults(func=cmd_staff_list)
    password = staff_sub.add_parser("password", help="set a new console password")
    password.add_argument("login")
    password.set_defaults(func=cmd_staff_password)

    purge = sub.add_parser("purge", help="delete data older than dialogue.retention_days (serve does it hourly)")
    purge.add_argument("--days", type=int, help="retention period in days (default: config)")
    purge.set_defaults(func=cmd_purge)

    export = sub.add_parser("export", help="write the content base out for another chatbot framework")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    rasa = export_sub.add_parser("rasa", help="a complete Rasa 3.6 project (config, domain, data, components)")
    rasa.add_argument("dir", help="the folder to write (created; an earlier export there is overwritten)")
    rasa.add_argument("--cards", nargs="+", metavar="ID", help="export only these cards (default: all)")
    rasa.add_argument("--epochs", type=int, default=60, help="DIETClassifier training epochs (default: 60)")
    rasa.set_defaults(func=cmd_export_rasa)

    i18n = sub.add_parser("i18n", help="manage the gettext catalogs with Babel")
    i18n.add_argument("action", choices=["extract", "update", "compile", "check"])
    i18n.set_defaults(func=cmd_i18n)
    return parser


def _known_errors() -> tuple[type[BaseException], ...]:
    from bot.catalogs import CatalogError
    from bot.content import ContentError
    from bot.export_rasa import ExportError
    from bot.store import StoreError
    from nlu.classifier import ModelMissing
    from connectors.telegram import TelegramNotConfigured
    from nlu.evaluate import EvalDataError
    from nlu.tokenize import TokenizerUnavailable

    return (ConfigError, ContentError, ModelMissing, StoreError, CatalogError, TokenizerUnavailable,
            EvalDataError, TelegramNotConfigured, StaffError, HoursError, ExportError, OSError)


def main(argv: list[str] | None = None) -> int:
    """Run one command; known failures print one clear message and exit non-zero, no traceback."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except _known_errors() as exc:
        print(f"newcomer: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:
        if args.debug:
            raise
        print(f"newcomer: unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)",
              file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
