"""Load benchmark for 相談ナビ: the Procfile's gunicorn under many concurrent Slack clients.

    .venv/bin/python benchmarks/load_bench.py [--clients 100] [--duration 30] [--think 1]

Starts the HTTP app as the Procfile does (its ``web:`` line, $PORT replaced by a free port,
bound to 127.0.0.1 only) against a fake Slack Web API in a child process, then sends
correctly signed slash commands and app_mention events from N client threads for a bounded
time, plus a share of deliberate re-deliveries (same event_id, X-Slack-Retry-Num) that must
not be answered twice. Each request gets its own answer address (a response_url path for
slash commands, a thread ts for mentions), so every answer the fake records is matched to
the request that caused it.

Each client pauses ``--think`` seconds on average (exponentially distributed) between
requests: 100 clients at 1 s offer about 100 requests a second. ``--think 0`` sends back to
back, which measures the server's capacity: latency is then the queue, clients divided by
throughput.

Everything started here (gunicorn, the fake) is stopped on exit, Ctrl-C or error.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from search_bench import percentile  # noqa: E402

from tests.bot.slack.test_slack_http_e2e import event  # noqa: E402
from tests.fakes.fake_slack import (  # noqa: E402
    BOT_USER_ID,
    SIGNING_SECRET,
    TEAM_ID,
    FakeSlack,
    signed_headers,
)

GUNICORN = Path(sys.executable).parent / "gunicorn"
QUESTIONS = ROOT / "tests" / "fixtures" / "dev.jsonl"
BOT_TOKEN = "xoxb-load-bench-0000"
PUBLIC_BASE_URL = "https://soudan.example.jp"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

TARGET_ACK_P99_MS = 300.0
REQUEST_TIMEOUT_S = 10.0  # a request not acked by then counts as an error (Slack waits 3 s)
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 25.0  # gunicorn's graceful timeout is 20 s
MAX_REQUESTS_PER_CLIENT = 100_000  # a second bound on every client loop, besides time
IDLE_S = 1.0  # reuse a keep-alive connection only if used this recently
SLACK_ACK_LIMIT_MS = 3000.0  # later than this, Slack retries an event or shows an error


# --- the fake Slack, in its own process so it does not share the clients' GIL -----------


def fake_slack_process(conn) -> None:
    """Child: run FakeSlack; answer "answers" with what it recorded since the last call."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    with FakeSlack() as fake:
        conn.send(fake.api_url)
        sent = 0
        while conn.poll(None):
            command = conn.recv()
            if command != "answers":
                break
            calls = fake.calls
            conn.send([_summary(call) for call in calls[sent:]])
            sent = len(calls)


def _summary(call) -> tuple[str, str, float, int]:
    """(method, answer address, when, HTTP status): the address ties it to a request."""
    if call.method == "response_url":
        key = call.path.rsplit("/", 1)[-1]
    else:
        key = str(call.params.get("thread_ts") or call.params.get("channel") or "")
    return call.method, key, call.at, call.status


class FakeSlackProcess:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=fake_slack_process, args=(child,), daemon=True)
        self._process.start()
        if not self._conn.poll(START_TIMEOUT_S):
            raise RuntimeError("the fake Slack did not start")
        self.api_url: str = self._conn.recv()
        self.pid = self._process.pid
        self.base_url = self.api_url.removesuffix("/api/")

    def answers(self) -> list[tuple[str, str, float, int]]:
        self._conn.send("answers")
        if not self._conn.poll(30):
            raise RuntimeError("the fake Slack did not answer")
        return self._conn.recv()

    def stop(self) -> None:
        with contextlib.suppress(OSError):  # the child is gone already
            self._conn.send("stop")
        self._process.join(5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(5)


# --- gunicorn as the Procfile runs it ---------------------------------------------------


def procfile_argv(port: int, extra: str = "") -> list[str]:
    """The Procfile's web: command with $PORT filled in, bound to localhost only.

    ``extra``: gunicorn options appended for an experiment (a later option wins).
    """
    text = (ROOT / "Procfile").read_text("utf-8")
    line = next(ln for ln in text.splitlines() if ln.startswith("web:"))
    argv = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)))
    if argv[0] != "gunicorn":
        raise SystemExit(f"Procfile の web: が gunicorn ではありません: {argv[0]}")
    # The benchmark never listens beyond this machine, and runs away from the checkout.
    argv = [re.sub(r"^0\.0\.0\.0:", "127.0.0.1:", arg) for arg in argv]
    argv = [str(ROOT / arg) if arg.endswith(".conf.py") else arg for arg in argv]
    return [str(GUNICORN), *argv[1:], *shlex.split(extra)]


def server_env(api_url: str, db_path: Path, port: int) -> dict[str, str]:
    ours = {
        "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "PUBLIC_BASE_URL",
        "SLACK_API_URL", "DATA_DIR", "DB_PATH", "HOST", "PORT", "LOG_LEVEL",
        "LOG_QUESTION_TEXT", "LOG_RETENTION_DAYS", "USER_HASH_SALT", "OFFICIAL_PLAN_URL",
    }  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k not in ours}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=api_url,
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        DATA_DIR=str(ROOT / "data"),
        DB_PATH=str(db_path),
        PORT=str(port),
        PYTHONPATH=str(ROOT),
    )
    return env


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")


def stop_process_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
    except ProcessLookupError:
        pass


def process_tree(pid: int) -> list[int]:
    """gunicorn's master and its workers."""
    found = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            children = (task / "children").read_text().split()
            found.extend(int(c) for c in children)
    except OSError:
        pass
    return found


def status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (its threads included)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


class ProcessWatch:
    """Peak RSS (VmHWM) and CPU time of gunicorn's processes, sampled twice a second so a
    worker that restarts still counts."""

    def __init__(self, master: int):
        self.master = master
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._cpu_at_start: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory", daemon=True)

    def start(self) -> ProcessWatch:
        self.sample()
        self._cpu_at_start = dict(self.cpu)
        self._thread.start()
        return self

    def sample(self) -> None:
        for pid in process_tree(self.master):
            self.peaks[pid] = max(self.peaks.get(pid, 0), status_kb(pid, "VmHWM"))
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu_seconds(pid))

    def cpu_used(self) -> dict[int, float]:
        """CPU seconds per process since start()."""
        return {pid: t - self._cpu_at_start.get(pid, 0.0) for pid, t in self.cpu.items()}

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def stop(self) -> None:
        self.sample()
        self._stop.set()
        self._thread.join(2)


# --- the clients ------------------------------------------------------------------------


def read_questions() -> list[str]:
    """The development set's caseworker questions without client details.

    A question with a name or a number also gets a privacy reminder; leaving those out keeps
    exactly one answer per request, so duplicates are easy to count.
    """
    from bot.slack.privacy import client_details
    from index.text import SudachiAnalyzer

    names = SudachiAnalyzer()  # as the bot finds names: with the index's own analyzer
    with QUESTIONS.open(encoding="utf-8") as lines:
        questions = [json.loads(line)["q"] for line in lines if line.strip()]
    return [q for q in questions if not client_details(q, names)]


def slash_body(question: str, key: str, response_base: str, user: str) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "channel_id": "C0LOAD",
            "user_id": user,
            "command": "/soudan",
            "text": question,
            "response_url": f"{response_base}/response/{key}",
            "trigger_id": "1.2.3",
            "api_app_id": "A0LOAD",
        }
    )


def mention_body(question: str, ts: str, event_id: str, user: str) -> str:
    inner = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{BOT_USER_ID}> {question}",
        "ts": ts,
        "channel": "C0LOAD",
        "event_ts": ts,
    }
    return event(inner, event_id)


@dataclass
class Sent:
    kind: str  # "slash", "mention" or "retry" (a re-delivered mention)
    key: str  # where its answer goes: response_url path or thread ts
    started: float
    ack_ms: float | None = None  # None: no 2xx
    error: str = ""


@dataclass
class Client:
    number: int
    port: int
    response_base: str
    questions: list[str]
    mention_share: float
    retry_share: float
    think: float
    deadline: float
    stop: threading.Event
    sent: list[Sent] = field(default_factory=list)

    def run(self) -> None:
        rng = random.Random(self.number)
        mentions: list[str] = []  # bodies of this client's mentions, for re-delivery
        # Clients that pause between requests start spread over one pause, as people do;
        # back-to-back clients all start at once.
        if self.think:
            self.stop.wait(rng.uniform(0, self.think))
        with Connection(self.port) as conn:
            for n in range(MAX_REQUESTS_PER_CLIENT):
                if self.stop.is_set() or time.monotonic() >= self.deadline:
                    break
                kind, key, body, headers = self.next_request(rng, n, mentions)
                record = Sent(kind, key, time.monotonic())
                # Slack re-delivers on a connection of its own: it may reach another worker.
                record.ack_ms, record.error = conn.post(body, headers, fresh=kind == "retry")
                self.sent.append(record)
                if self.think:
                    pause = rng.expovariate(1 / self.think)
                    self.stop.wait(min(pause, max(0.0, self.deadline - time.monotonic())))

    def next_request(
        self, rng: random.Random, n: int, mentions: list[str]
    ) -> tuple[str, str, str, dict[str, str]]:
        """(kind, answer address, body, signed headers) of this client's n-th request."""
        key = f"c{self.number}n{n}"
        user = f"U{self.number:06d}"
        roll = rng.random()
        question = rng.choice(self.questions)
        if mentions and roll < self.retry_share:
            body = rng.choice(mentions[-5:])
            retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            headers = {**signed_headers(body, content_type=JSON), **retry}
            return "retry", json.loads(body)["event"]["ts"], body, headers
        if roll < self.retry_share + self.mention_share:
            ts = f"{1_700_000_000 + self.number}.{n:06d}"
            body = mention_body(question, ts, f"Ev{key}", user)
            mentions.append(body)
            return "mention", ts, body, signed_headers(body, content_type=JSON)
        body = slash_body(question, key, self.response_base, user)
        return "slash", key, body, signed_headers(body, content_type=FORM)


class Connection:
    """One client's keep-alive connection to the server, reopened whenever in doubt."""

    def __init__(self, port: int):
        self.port = port
        self._conn: http.client.HTTPConnection | None = None
        self._last_used = 0.0

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def post(self, body: str, headers: dict[str, str], *, fresh: bool) -> tuple[float | None, str]:
        """(ack ms, "") on a 2xx, else (None, what went wrong)."""
        started = time.monotonic()
        # An idle connection is dropped before gunicorn's keep-alive (2 s) closes it under us.
        if fresh or started - self._last_used > IDLE_S:
            self.close()
        try:
            if self._conn is None:
                self._conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT_S
                )
            self._conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
            response = self._conn.getresponse()
            response.read()
        except TimeoutError:
            self.close()
            return None, "timeout"
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return None, type(error).__name__
        self._last_used = time.monotonic()
        if response.will_close:
            self.close()
        if 200 <= response.status < 300:
            return (self._last_used - started) * 1000, ""
        return None, f"http_{response.status}"


# --- the run ----------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: list[Sent]
    answers: list[tuple[str, str, float, int]]
    seconds: float
    drained_s: float
    peaks_kb: dict[int, int]
    master: int
    log_text: str
    cpu: dict[str, float]  # CPU seconds used while sending, by process
    start_s: float  # from starting gunicorn to its first /healthz 200


def expected_answers(sent: list[Sent]) -> dict[str, Sent]:
    """One answer per acked slash command or first delivery of a mention, by its address."""
    return {s.key: s for s in sent if s.kind != "retry" and s.ack_ms is not None}


def answered(answers) -> dict[str, list[float]]:
    by_key: dict[str, list[float]] = {}
    for method, key, at, status in answers:
        if method in ("response_url", "chat.postMessage") and status == 200:
            by_key.setdefault(key, []).append(at)
    return by_key


def run(args: argparse.Namespace) -> Outcome:
    questions = read_questions()
    fake = FakeSlackProcess()
    gunicorn: subprocess.Popen | None = None
    stop = threading.Event()
    workdir = tempfile.TemporaryDirectory(prefix="soudan-load-")
    try:
        port = free_port()
        argv = procfile_argv(port, args.server_args)
        log_path = Path(workdir.name) / "gunicorn.log"
        progress(f"gunicorn: {shlex.join(argv)}")
        launched = time.monotonic()
        with log_path.open("wb") as log_file:
            gunicorn = subprocess.Popen(
                argv,
                cwd=workdir.name,  # no .env from the checkout
                env={
                    **server_env(fake.api_url, Path(workdir.name) / "soudan.db", port),
                    **dict(item.split("=", 1) for item in args.server_env),
                },
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # one signal stops the master and its workers
            )
        wait_until_up(port, gunicorn)
        start_s = time.monotonic() - launched
        warm_up(port, fake, questions[0])
        fake.answers()  # forget the warm-up
        watch = ProcessWatch(gunicorn.pid).start()
        own_cpu, fake_cpu = time.process_time(), cpu_seconds(fake.pid)

        progress(f"{args.clients} clients for {args.duration:g} s ...")
        started = time.monotonic()
        deadline = started + args.duration
        clients = [
            Client(
                n,
                port,
                fake.base_url,
                questions,
                args.mentions,
                args.retries,
                args.think,
                deadline,
                stop,
            )  # fmt: skip
            for n in range(args.clients)
        ]
        threads = [
            threading.Thread(target=c.run, name=f"client-{c.number}", daemon=True) for c in clients
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT_S + 5)
        seconds = time.monotonic() - started
        watch.sample()
        server_cpu = watch.cpu_used()
        cpu = {
            "gunicorn worker(s)": sum(t for p, t in server_cpu.items() if p != gunicorn.pid),
            "gunicorn master": server_cpu.get(gunicorn.pid, 0.0),
            "load clients (this process)": time.process_time() - own_cpu,
            "fake Slack": cpu_seconds(fake.pid) - fake_cpu,
        }
        sent = [s for c in clients for s in c.sent]

        progress(f"waiting up to {args.drain:g} s for the last answers ...")
        wanted = expected_answers(sent)
        answers: list = []
        drain_start = time.monotonic()
        while True:
            answers.extend(fake.answers())
            if wanted.keys() <= answered(answers).keys():
                break
            if time.monotonic() - drain_start > args.drain:
                break
            time.sleep(0.5)
        drained = time.monotonic() - drain_start
        time.sleep(1.0)  # late duplicates would arrive now
        answers.extend(fake.answers())
        watch.stop()
        return Outcome(
            sent,
            answers,
            seconds,
            drained,
            watch.peaks,
            gunicorn.pid,
            log_path.read_text(),
            cpu,
            start_s,
        )
    finally:
        stop.set()
        if gunicorn is not None:
            stop_process_group(gunicorn)
        fake.stop()
        workdir.cleanup()


def warm_up(port: int, fake: FakeSlackProcess, question: str) -> None:
    """One answered slash command: the first request pays for lazy imports, not the run."""
    body = slash_body(question, "warmup", fake.base_url, "U0WARM")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    conn.request(
        "POST", "/slack/events", body=body.encode(), headers=signed_headers(body, content_type=FORM)
    )
    conn.getresponse().read()
    conn.close()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if any(key == "warmup" for _, key, _, _ in fake.answers()):
            return
        time.sleep(0.2)
    raise RuntimeError("the warm-up question was not answered")


# --- the report -------------------------------------------------------------------------


def header(outcome: Outcome, args: argparse.Namespace) -> list[str]:
    """When, on what, and how the server was run and loaded."""
    server = shlex.join(["gunicorn", *procfile_argv(0, args.server_args)[1:]])
    return [
        f"相談ナビ load benchmark  {time.strftime('%Y-%m-%d %H:%M')}  "
        f"cores={os.cpu_count()}  load average={' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "server: " + server.replace(":0 ", ":$PORT "),
        f"start-up: {outcome.start_s:.2f} s from the Procfile command to the first /healthz 200",
        f"clients={args.clients}  duration={args.duration:g} s  think={args.think:g} s  "
        f"mentions={args.mentions:.0%}  re-deliveries={args.retries:.0%}"
        + "".join(f"  {item}" for item in args.server_env),
        "",
    ]


def report(outcome: Outcome, args: argparse.Namespace, questions: list[str]) -> tuple[str, bool]:
    sent = outcome.sent
    acked = [s.ack_ms for s in sent if s.ack_ms is not None]
    errors = Counter(s.error for s in sent if s.error)
    # Acked, but later than Slack waits: Slack would retry the event or show an error.
    errors["late_ack"] = sum(1 for value in acked if value > SLACK_ACK_LIMIT_MS)
    errors = +errors  # drop zero counts
    wanted = expected_answers(sent)
    got = answered(outcome.answers)
    duplicates = sum(len(got[k]) - 1 for k in got if len(got[k]) > 1)
    missing = [k for k in wanted if k not in got]
    strays = [k for k in got if k not in wanted]
    answer_ms = [(got[k][0] - s.started) * 1000 for k, s in wanted.items() if k in got]
    kinds = Counter(s.kind for s in sent)
    failed_posts = Counter(m for m, _, _, status in outcome.answers if status != 200)
    apologies = sum(1 for m, *_ in outcome.answers if m == "chat.postEphemeral")
    log_lines = outcome.log_text.splitlines()
    warnings = [ln for ln in log_lines if re.search(r" (WARNING|ERROR|CRITICAL) ", ln)]
    leaked = any(q in outcome.log_text for q in questions) or BOT_TOKEN in outcome.log_text
    workers = [pid for pid in outcome.peaks_kb if pid != outcome.master]
    total_mb = sum(outcome.peaks_kb.values()) / 1024

    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p):8.1f} ms" if values else "       - ms"

    ack_p99 = percentile(acked, 99) if acked else float("inf")
    checks = {
        "ack": ack_p99 < TARGET_ACK_P99_MS,
        "errors": not errors,
        "duplicates": duplicates == 0,
        "missing": not missing,
        "log": not leaked,
    }
    verdict = {True: "PASS", False: "FAIL"}
    lines = [
        *header(outcome, args),
        f"requests sent        {len(sent):8d}   (slash {kinds['slash']}, mention "
        f"{kinds['mention']}, re-delivered {kinds['retry']})",
        f"throughput           {len(sent) / outcome.seconds:8.1f} req/s over "
        f"{outcome.seconds:.1f} s",
        f"answered             {len(answer_ms):8d}   "
        f"({len(answer_ms) / (outcome.seconds + outcome.drained_s):.1f} answers/s incl. "
        f"{outcome.drained_s:.1f} s drain)",
        f"ack latency     p50 {ms(acked, 50)}   p99 {ms(acked, 99)}   "
        f"target p99 < {TARGET_ACK_P99_MS:.0f} ms   {verdict[checks['ack']]}",
        *(
            f"  {kind:<7} ack   p50 {ms(values, 50)}   p99 {ms(values, 99)}"
            for kind in ("slash", "mention", "retry")
            if (values := [s.ack_ms for s in sent if s.kind == kind and s.ack_ms is not None])
        ),
        f"answer latency  p50 {ms(answer_ms, 50)}   p99 {ms(answer_ms, 99)}",
        f"errors               {sum(errors.values()):8d}   "
        f"{dict(errors) if errors else ''}  target 0   {verdict[checks['errors']]}"
        "  (non-2xx, timeouts, acks after Slack's 3 s)",
        f"duplicate answers    {duplicates:8d}   target 0   {verdict[checks['duplicates']]}",
        f"missing answers      {len(missing):8d}   target 0   {verdict[checks['missing']]}",
        f"unexpected answers   {len(strays):8d}",
        f"apologies (ephemeral){apologies:8d}   failed posts to Slack: {dict(failed_posts)}",
        f"peak RSS             {total_mb:8.1f} MB  (master "
        f"{outcome.peaks_kb.get(outcome.master, 0) / 1024:.1f} MB, "
        f"{len(workers)} worker(s) "
        f"{', '.join(f'{outcome.peaks_kb[w] / 1024:.1f}' for w in workers)} MB; VmHWM)",
        "CPU while sending    "
        + ", ".join(
            f"{name} {t:.1f} s ({t / outcome.seconds:.0%})" for name, t in outcome.cpu.items()
        ),
        f"server log           {len(log_lines):8d} lines, {len(warnings)} at WARNING or above; "
        f"question text or token in log: {'YES' if leaked else 'no'}   "
        f"{verdict[checks['log']]}",
    ]
    for line in warnings[:5]:
        lines.append(f"  {line[:160]}")
    return "\n".join(lines), all(checks.values())


def dump(outcome: Outcome, path: Path) -> None:
    got = answered(outcome.answers)
    start = min((s.started for s in outcome.sent), default=0.0)
    with path.open("w", encoding="utf-8") as out:
        for s in outcome.sent:
            first = got.get(s.key, [None])[0] if s.kind != "retry" else None
            row = {
                "kind": s.kind,
                "key": s.key,
                "at_s": round(s.started - start, 4),
                "ack_ms": s.ack_ms,
                "answer_ms": None if first is None else round((first - s.started) * 1000, 1),
                "error": s.error,
            }
            out.write(json.dumps(row) + "\n")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100, help="concurrent clients (100)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of sending (30)")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean pause of each client between requests, seconds (1; 0: back to back)",
    )
    parser.add_argument("--mentions", type=float, default=0.45, help="share of mentions")
    parser.add_argument("--retries", type=float, default=0.1, help="share of re-delivered mentions")
    parser.add_argument(
        "--server-args",
        default="",
        help='gunicorn options added after the Procfile\'s, for experiments ("--threads 16")',
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for gunicorn, for experiments (repeatable)",
    )
    parser.add_argument(
        "--dump", type=Path, help="write every request (kind, start, ack ms, answer ms) here"
    )
    parser.add_argument(
        "--drain", type=float, default=60.0, help="seconds to wait for late answers (60)"
    )
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 1000 and 0 < args.duration <= 3600):
        parser.error("--clients は 1〜1000、--duration は 3600 秒以下にしてください")
    if min(args.retries, args.mentions) < 0 or args.mentions + args.retries > 1:
        parser.error("--mentions と --retries の合計は 0〜1 にしてください")
    return args


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # a SIGTERM cleans up as Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        outcome = run(args)
    except KeyboardInterrupt:
        progress("中断しました（起動したプロセスは停止済みです）。")
        return 130
    text, ok = report(outcome, args, read_questions())
    print(text)
    if args.dump:
        dump(outcome, args.dump)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
