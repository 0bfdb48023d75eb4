"""A small IMAP4rev1 server (RFC 3501) on 127.0.0.1 for tests, without TLS.

It implements what a mail reader needs: CAPABILITY, NOOP, LOGIN, LOGOUT, SELECT, EXAMINE,
CLOSE, UNSELECT, CHECK, SEARCH, FETCH, STORE, EXPUNGE and their UID forms, tagged responses,
quoted strings and client literals ({n} with a "+" continuation), sequence sets with "*",
the \\Seen flag set by BODY[]/RFC822 and not by BODY.PEEK[], read-only folders, and a log
of the commands received. Messages live in memory.

    with FakeImapServer(user="info@aesbyt.kz", password="secret") as server:
        uid = server.add(raw_bytes)
        ... MailBoxUnencrypted("127.0.0.1", server.port) ...
        assert "\\Seen" in server.flags(uid)
"""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SYSTEM_FLAGS = ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")


@dataclass
class StoredMessage:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)
    internal_date: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Folder:
    uid_validity: int = 1
    uid_next: int = 1
    messages: list[StoredMessage] = field(default_factory=list)


class ImapError(Exception):
    def __init__(self, kind: str, text: str) -> None:  # kind: NO or BAD
        super().__init__(text)
        self.kind = kind
        self.text = text


# --- parsing of command arguments ---------------------------------------------------


class Literal(bytes):
    """A string that arrived as a literal."""


def tokenize(data: bytes) -> list[Any]:
    """Arguments as a nested list: atoms and strings (str), literals (Literal), lists."""
    pos = 0
    stack: list[list[Any]] = [[]]
    while pos < len(data):
        ch = data[pos : pos + 1]
        if ch == b" ":
            pos += 1
        elif ch == b"(":
            stack.append([])
            pos += 1
        elif ch == b")":
            if len(stack) == 1:
                raise ImapError("BAD", "Unbalanced parenthesis")
            done = stack.pop()
            stack[-1].append(done)
            pos += 1
        elif ch == b'"':
            pos += 1
            out = bytearray()
            while True:
                if pos >= len(data):
                    raise ImapError("BAD", "Unterminated quoted string")
                c = data[pos : pos + 1]
                if c == b"\\":
                    out += data[pos + 1 : pos + 2]
                    pos += 2
                elif c == b'"':
                    pos += 1
                    break
                else:
                    out += c
                    pos += 1
            stack[-1].append(out.decode("utf-8", errors="replace"))
        elif ch == b"\x00":  # a literal placeholder: \x00<index>\x00
            end = data.index(b"\x00", pos + 1)
            stack[-1].append(int(data[pos + 1 : end]))
            pos = end + 1
        else:
            start = pos
            depth = 0
            while pos < len(data):
                c = data[pos : pos + 1]
                if c == b"[":
                    depth += 1
                elif c == b"]":
                    depth -= 1
                elif depth == 0 and c in b" ()":
                    break
                pos += 1
            stack[-1].append(data[start:pos].decode("utf-8", errors="replace"))
    if len(stack) != 1:
        raise ImapError("BAD", "Unbalanced parenthesis")
    return stack[0]


def parse_set(text: str, largest: int) -> list[tuple[int, int]]:
    """A sequence set ("1:3,5,7:*") as (low, high) ranges; "*" is the largest value."""
    ranges = []
    for item in text.split(","):
        try:
            if ":" in item:
                a, b = item.split(":", 1)
                low = largest if a == "*" else int(a)
                high = largest if b == "*" else int(b)
            else:
                low = high = largest if item == "*" else int(item)
        except ValueError:
            raise ImapError("BAD", f"Invalid sequence set {text}") from None
        if low <= 0 or high <= 0:
            raise ImapError("BAD", f"Invalid sequence set {text}")
        ranges.append((min(low, high), max(low, high)))
    return ranges


def in_set(value: int, ranges: list[tuple[int, int]]) -> bool:
    return any(low <= value <= high for low, high in ranges)


def _header_section(raw: bytes) -> tuple[bytes, bytes]:
    for sep in (b"\r\n\r\n", b"\n\n"):
        index = raw.find(sep)
        if index >= 0:
            return raw[: index + len(sep)], raw[index + len(sep) :]
    return raw, b""


def imap_date(moment: datetime) -> str:
    return moment.strftime("%d-%b-%Y %H:%M:%S %z")


# --- the server -----------------------------------------------------------------------


class FakeImapServer:
    def __init__(
        self,
        user: str = "user",
        password: str = "secret",
        folders: tuple[str, ...] = ("INBOX",),
    ) -> None:
        self.user = user
        self.password = password
        self.folders: dict[str, Folder] = {name.upper(): Folder() for name in folders}
        self.lock = threading.RLock()
        self.commands: list[str] = []  # "UID FETCH 1 (BODY.PEEK[] ...)", as received
        self._server: socketserver.ThreadingTCPServer | None = None
        self._thread: threading.Thread | None = None

    # test-side API
    def add(self, raw: bytes, folder: str = "INBOX", flags: tuple[str, ...] = ()) -> int:
        raw = re.sub(rb"(?<!\r)\n", b"\r\n", raw)
        with self.lock:
            box = self.folders[folder.upper()]
            uid = box.uid_next
            box.uid_next += 1
            box.messages.append(StoredMessage(uid=uid, raw=raw, flags=set(flags)))
            return uid

    def flags(self, uid: int, folder: str = "INBOX") -> set[str]:
        with self.lock:
            for msg in self.folders[folder.upper()].messages:
                if msg.uid == uid:
                    return set(msg.flags)
        raise KeyError(uid)

    def set_flags(self, uid: int, flags: set[str], folder: str = "INBOX") -> None:
        with self.lock:
            for msg in self.folders[folder.upper()].messages:
                if msg.uid == uid:
                    msg.flags = set(flags)

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def start(self) -> FakeImapServer:
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                Session(outer, self.rfile, self.wfile).run()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeImapServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Session:
    """One client connection: the state machine of RFC 3501 section 3."""

    def __init__(self, server: FakeImapServer, rfile: Any, wfile: Any) -> None:
        self.server = server
        self.rfile = rfile
        self.wfile = wfile
        self.state = "not_authenticated"
        self.folder: Folder | None = None
        self.read_only = False

    def send(self, data: bytes | str) -> None:
        self.wfile.write(data.encode() if isinstance(data, str) else data)
        self.wfile.flush()

    def read_command(self) -> tuple[bytes, list[bytes]] | None:
        """One command line with its literals: (the line with placeholders, literals)."""
        line = self.rfile.readline()
        if not line:
            return None
        parts = bytearray()
        literals: list[bytes] = []
        while True:
            body = line.rstrip(b"\r\n")
            match = re.search(rb"\{(\d+)(\+?)\}$", body)
            if not match:
                parts += body
                return bytes(parts), literals
            parts += body[: match.start()] + b"\x00%d\x00" % len(literals)
            if not match.group(2):
                self.send(b"+ Ready for literal data\r\n")
            literals.append(self.rfile.read(int(match.group(1))))
            line = self.rfile.readline()

    def run(self) -> None:
        self.send("* OK [CAPABILITY IMAP4rev1 UNSELECT] Fake IMAP server ready\r\n")
        while True:
            try:
                got = self.read_command()
            except (OSError, ValueError):
                return
            if got is None:
                return
            line, literals = got
            tag, _, rest = line.partition(b" ")
            if not tag or not rest:
                self.send(b"* BAD Missing tag or command\r\n")
                continue
            tag_text = tag.decode(errors="replace")
            with self.server.lock:
                self.server.commands.append(rest.decode(errors="replace"))
            try:
                words = tokenize(rest)
                args = [Literal(literals[a]) if isinstance(a, int) else a for a in words]
                if not args or not isinstance(args[0], str):
                    raise ImapError("BAD", "Missing command")
                name = args[0].upper()
                with self.server.lock:
                    text = self.dispatch(name, args[1:])
                self.send(f"{tag_text} OK {text}\r\n")
            except ImapError as exc:
                self.send(f"{tag_text} {exc.kind} {exc.text}\r\n")
            except (ValueError, IndexError, KeyError) as exc:
                self.send(f"{tag_text} BAD {type(exc).__name__}\r\n")
            if self.state == "logout":
                return

    # --- commands
    ANY_STATE = frozenset({"CAPABILITY", "NOOP", "LOGOUT"})
    AUTH_STATE = frozenset({"SELECT", "EXAMINE"})
    SELECTED_STATE = frozenset(
        {"CLOSE", "UNSELECT", "CHECK", "SEARCH", "FETCH", "STORE", "EXPUNGE", "UID"}
    )

    def dispatch(self, name: str, args: list[Any]) -> str:
        if name in self.ANY_STATE:
            pass
        elif name == "LOGIN":
            if self.state != "not_authenticated":
                raise ImapError("BAD", "Already authenticated")
        elif name in self.AUTH_STATE:
            if self.state not in {"authenticated", "selected"}:
                raise ImapError("BAD", "Log in first")
        elif name in self.SELECTED_STATE:
            if self.state != "selected":
                raise ImapError("BAD", "Select a mailbox first")
        else:
            raise ImapError("BAD", f"Unknown command {name}")
        handler = getattr(self, f"cmd_{name.lower()}")
        return str(handler(args))

    def cmd_capability(self, args: list[Any]) -> str:
        self.send("* CAPABILITY IMAP4rev1 UNSELECT\r\n")
        return "CAPABILITY completed"

    def cmd_noop(self, args: list[Any]) -> str:
        return "NOOP completed"

    def cmd_logout(self, args: list[Any]) -> str:
        self.send("* BYE Logging out\r\n")
        self.state = "logout"
        return "LOGOUT completed"

    def cmd_login(self, args: list[Any]) -> str:
        if len(args) != 2:
            raise ImapError("BAD", "LOGIN needs a user and a password")
        user, password = (a.decode() if isinstance(a, bytes) else str(a) for a in args)
        if (user, password) != (self.server.user, self.server.password):
            raise ImapError("NO", "[AUTHENTICATIONFAILED] Invalid credentials")
        self.state = "authenticated"
        return "[CAPABILITY IMAP4rev1 UNSELECT] Logged in"

    def _open(self, args: list[Any], read_only: bool) -> str:
        if len(args) != 1:
            raise ImapError("BAD", "Give one mailbox name")
        raw_name = args[0]
        name = (raw_name.decode() if isinstance(raw_name, bytes) else str(raw_name)).upper()
        self.folder, self.state = None, "authenticated"
        box = self.server.folders.get(name)
        if box is None:
            raise ImapError("NO", "[NONEXISTENT] No such mailbox")
        self.folder, self.read_only, self.state = box, read_only, "selected"
        unseen = [i for i, m in enumerate(box.messages, 1) if "\\Seen" not in m.flags]
        self.send(f"* FLAGS ({' '.join(SYSTEM_FLAGS)})\r\n")
        permanent = "" if read_only else " ".join(SYSTEM_FLAGS)
        self.send(f"* OK [PERMANENTFLAGS ({permanent})] Flags permitted\r\n")
        self.send(f"* {len(box.messages)} EXISTS\r\n")
        self.send("* 0 RECENT\r\n")
        if unseen:
            self.send(f"* OK [UNSEEN {unseen[0]}] First unseen\r\n")
        self.send(f"* OK [UIDVALIDITY {box.uid_validity}] UIDs valid\r\n")
        self.send(f"* OK [UIDNEXT {box.uid_next}] Predicted next UID\r\n")
        mode = "READ-ONLY" if read_only else "READ-WRITE"
        return f"[{mode}] {'EXAMINE' if read_only else 'SELECT'} completed"

    def cmd_select(self, args: list[Any]) -> str:
        return self._open(args, read_only=False)

    def cmd_examine(self, args: list[Any]) -> str:
        return self._open(args, read_only=True)

    def _close(self) -> None:
        self.folder, self.state = None, "authenticated"

    def cmd_close(self, args: list[Any]) -> str:
        if self.folder is not None and not self.read_only:
            self.folder.messages = [m for m in self.folder.messages if "\\Deleted" not in m.flags]
        self._close()
        return "CLOSE completed"

    def cmd_unselect(self, args: list[Any]) -> str:
        self._close()
        return "UNSELECT completed"

    def cmd_check(self, args: list[Any]) -> str:
        return "CHECK completed"

    def cmd_uid(self, args: list[Any]) -> str:
        if not args or not isinstance(args[0], str):
            raise ImapError("BAD", "UID needs a command")
        sub = args[0].upper()
        if sub not in {"FETCH", "SEARCH", "STORE"}:
            raise ImapError("BAD", f"UID {sub} is not supported")
        return str(getattr(self, f"cmd_{sub.lower()}")(args[1:], by_uid=True)).replace(
            f"{sub} completed", f"UID {sub} completed"
        )

    # --- message selection
    @property
    def messages(self) -> list[StoredMessage]:
        assert self.folder is not None
        return self.folder.messages

    def _select(self, text: str, by_uid: bool) -> list[tuple[int, StoredMessage]]:
        msgs = self.messages
        if by_uid:
            largest = msgs[-1].uid if msgs else 0
            ranges = parse_set(text, max(largest, 1))
            return [(i, m) for i, m in enumerate(msgs, 1) if in_set(m.uid, ranges)]
        ranges = parse_set(text, max(len(msgs), 1))
        if msgs and any(high > len(msgs) for _, high in ranges if "*" not in text):
            raise ImapError("BAD", "Message sequence number out of range")
        return [(i, m) for i, m in enumerate(msgs, 1) if in_set(i, ranges)]

    # --- SEARCH
    FLAG_KEYS = {
        "ANSWERED": ("\\Answered", True),
        "UNANSWERED": ("\\Answered", False),
        "DELETED": ("\\Deleted", True),
        "UNDELETED": ("\\Deleted", False),
        "FLAGGED": ("\\Flagged", True),
        "UNFLAGGED": ("\\Flagged", False),
        "SEEN": ("\\Seen", True),
        "UNSEEN": ("\\Seen", False),
        "DRAFT": ("\\Draft", True),
        "UNDRAFT": ("\\Draft", False),
    }

    def _criterion(self, keys: list[Any], seq: int, msg: StoredMessage) -> tuple[bool, int]:
        """Evaluate the criterion at the start of ``keys``: (matches, keys used)."""
        key = keys[0]
        if isinstance(key, list):
            return self._all(key, seq, msg), 1
        word = str(key).upper()
        if word == "ALL":
            return True, 1
        if word in self.FLAG_KEYS:
            flag, wanted = self.FLAG_KEYS[word]
            return (flag in msg.flags) == wanted, 1
        if word == "NOT":
            matched, used = self._criterion(keys[1:], seq, msg)
            return not matched, used + 1
        if word == "OR":
            first, used1 = self._criterion(keys[1:], seq, msg)
            second, used2 = self._criterion(keys[1 + used1 :], seq, msg)
            return first or second, 1 + used1 + used2
        if word == "UID":
            largest = self.messages[-1].uid if self.messages else 1
            return in_set(msg.uid, parse_set(str(keys[1]), largest)), 2
        if re.fullmatch(r"[\d*:,]+", word):
            return in_set(seq, parse_set(word, max(len(self.messages), 1))), 1
        raise ImapError("BAD", f"Search key {word} is not supported")

    def _all(self, keys: list[Any], seq: int, msg: StoredMessage) -> bool:
        pos, result = 0, True
        while pos < len(keys):
            matched, used = self._criterion(keys[pos:], seq, msg)
            result = result and matched
            pos += used
        return result

    def cmd_search(self, args: list[Any], by_uid: bool = False) -> str:
        if args and str(args[0]).upper() == "CHARSET":
            if str(args[1]).upper() not in {"US-ASCII", "UTF-8"}:
                raise ImapError("NO", "[BADCHARSET (US-ASCII UTF-8)] Charset not supported")
            args = args[2:]
        if not args:
            raise ImapError("BAD", "SEARCH needs criteria")
        found = [
            str(m.uid if by_uid else i)
            for i, m in enumerate(self.messages, 1)
            if self._all(args, i, m)
        ]
        self.send(f"* SEARCH{' ' if found else ''}{' '.join(found)}\r\n")
        return "SEARCH completed"

    # --- FETCH
    MACROS = {
        "ALL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
        "FAST": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
    }

    def _item(self, item: str, msg: StoredMessage) -> tuple[str, bytes | None, bool]:
        """(the response item's name and value text, its literal, whether it sets \\Seen)."""
        upper = item.upper()
        header, text = _header_section(msg.raw)
        if upper == "UID":
            return f"UID {msg.uid}", None, False
        if upper == "FLAGS":
            return f"FLAGS ({' '.join(sorted(msg.flags))})", None, False
        if upper == "RFC822.SIZE":
            return f"RFC822.SIZE {len(msg.raw)}", None, False
        if upper == "INTERNALDATE":
            return f'INTERNALDATE "{imap_date(msg.internal_date)}"', None, False
        if upper == "RFC822":
            return "RFC822", msg.raw, True
        if upper == "RFC822.HEADER":
            return "RFC822.HEADER", header, False
        if upper == "RFC822.TEXT":
            return "RFC822.TEXT", text, True
        match = re.fullmatch(r"BODY(\.PEEK)?\[([A-Z.]*)\](?:<(\d+)\.(\d+)>)?", upper)
        if match:
            peek, section, start, length = match.groups()
            content = {"": msg.raw, "HEADER": header, "TEXT": text}.get(section)
            if content is None:
                raise ImapError("BAD", f"Section {section} is not supported")
            name = f"BODY[{section}]"
            if start is not None:
                begin = int(start)
                content = content[begin : begin + int(length)]
                name += f"<{begin}>"
            return name, content, not peek
        raise ImapError("BAD", f"Fetch item {item} is not supported")

    def cmd_fetch(self, args: list[Any], by_uid: bool = False) -> str:
        if len(args) != 2:
            raise ImapError("BAD", "FETCH needs a set and items")
        spec = args[1]
        items = [str(i) for i in spec] if isinstance(spec, list) else [str(spec)]
        if len(items) == 1 and items[0].upper() in self.MACROS:
            items = self.MACROS[items[0].upper()]
        if any(i.upper() == "ENVELOPE" or i.upper().startswith("BODYSTRUCTURE") for i in items):
            raise ImapError("BAD", "ENVELOPE and BODYSTRUCTURE are not supported")
        if by_uid and "UID" not in (i.upper() for i in items):
            items = ["UID", *items]
        for seq, msg in self._select(str(args[0]), by_uid):
            parts: list[tuple[str, bytes | None]] = []
            sets_seen = False
            for item in items:
                name, literal, seen = self._item(item, msg)
                parts.append((name, literal))
                sets_seen = sets_seen or seen
            if sets_seen and not self.read_only and "\\Seen" not in msg.flags:
                msg.flags.add("\\Seen")
                if "FLAGS" not in (i.upper() for i in items):
                    parts.append((f"FLAGS ({' '.join(sorted(msg.flags))})", None))
                else:  # the FLAGS item shows the flags after this fetch
                    parts = [
                        (f"FLAGS ({' '.join(sorted(msg.flags))})", None)
                        if n.startswith("FLAGS ")
                        else (n, lit)
                        for n, lit in parts
                    ]
            out = bytearray(f"* {seq} FETCH (".encode())
            for index, (name, literal) in enumerate(parts):
                if index:
                    out += b" "
                if literal is None:
                    out += name.encode()
                else:
                    out += f"{name} {{{len(literal)}}}\r\n".encode() + literal
            out += b")\r\n"
            self.send(bytes(out))
        return "FETCH completed"

    # --- STORE, EXPUNGE
    def cmd_store(self, args: list[Any], by_uid: bool = False) -> str:
        if len(args) != 3:
            raise ImapError("BAD", "STORE needs a set, an item and flags")
        if self.read_only:
            raise ImapError("NO", "The mailbox is read-only (EXAMINE)")
        item = str(args[1]).upper()
        match = re.fullmatch(r"([+-]?)FLAGS(\.SILENT)?", item)
        if not match:
            raise ImapError("BAD", f"STORE item {item} is not supported")
        mode, silent = match.groups()
        raw_flags = args[2] if isinstance(args[2], list) else [args[2]]
        flags = {str(f) for f in raw_flags}
        unknown = [f for f in flags if f.startswith("\\") and f not in SYSTEM_FLAGS]
        if unknown:
            raise ImapError("BAD", f"Unknown system flag {unknown[0]}")
        for seq, msg in self._select(str(args[0]), by_uid):
            if mode == "+":
                msg.flags |= flags
            elif mode == "-":
                msg.flags -= flags
            else:
                msg.flags = set(flags)
            if not silent:
                uid = f"UID {msg.uid} " if by_uid else ""
                self.send(f"* {seq} FETCH ({uid}FLAGS ({' '.join(sorted(msg.flags))}))\r\n")
        return "STORE completed"

    def cmd_expunge(self, args: list[Any]) -> str:
        if self.read_only:
            raise ImapError("NO", "The mailbox is read-only (EXAMINE)")
        seq = 1
        while seq <= len(self.messages):
            if "\\Deleted" in self.messages[seq - 1].flags:
                del self.messages[seq - 1]
                self.send(f"* {seq} EXPUNGE\r\n")
            else:
                seq += 1
        return "EXPUNGE completed"
