"""Writes EVTX event logs (the format `wevtutil epl` saves) for fixtures, from MS-EVEN6 and libevtx's notes:
the 4 KiB file header, 64 KiB chunks with their string and template tables, records of binary XML built
from templates (defined in line at their first use in a chunk, instantiated by later records with typed
substitution values), and the header and chunk CRC-32s.

Each event is classic-looking, as Event Viewer's XML view shows VSS, CAPI2 and Service Control Manager
events: System with Provider (Name; Guid and EventSourceName when given, else left out by optional
substitutions), EventID (Qualifiers when given), Version, Level, Task, Opcode, Keywords, TimeCreated,
EventRecordID, Correlation, Execution, Channel, Computer, Security (UserID when given); then EventData with
unnamed <Data> strings (one string-array value) and an optional <Binary>, or with <Data Name="..."> strings.

    import evtxwriter
    evtxwriter.write("Application.evtx", [evtxwriter.Event(provider="VSS", event_id=8193, ...), ...])
"""
import struct
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

CHUNK = 65536
EVENT_NS = "http://schemas.microsoft.com/win/2004/08/events/event"


@dataclass
class Event:
    provider: str
    event_id: int
    time: datetime
    level: int = 4                     # 1 critical, 2 error, 3 warning, 4 information
    channel: str = "Application"
    computer: str = "SRV-FS01.contoso.local"
    data: list = field(default_factory=list)          # unnamed <Data> strings
    named: list = field(default_factory=list)         # [(name, value)]: <Data Name="..."> instead
    binary: bytes = b""
    qualifiers: int | None = None
    guid: str | None = None           # manifest providers: "{555908d1-a6d7-4695-8e1e-26931d2012f4}"
    event_source: str | None = None
    keywords: int = 0x80000000000000
    task: int = 0
    process_id: int = 0
    thread_id: int = 0
    user_sid: str | None = None


# Value types (MS-EVEN6 2.2.18)
NULL, STRING, UINT8, UINT16, UINT32, UINT64, GUID, FILETIME, SID, BINARY, HEX64, BINXML = (
    0x00, 0x01, 0x04, 0x06, 0x08, 0x0A, 0x0F, 0x11, 0x13, 0x0E, 0x15, 0x21)
STRING_ARRAY = 0x81


def name_hash(name):
    """The 16-bit name hash Windows stores (not checked by readers)."""
    h = 0
    for ch in name:
        h = (h * 65599 + ord(ch)) & 0xFFFFFFFF
    return h & 0xFFFF


# --- template bodies: nested tuples ------------------------------------------------------------------
# element: ("e", name, [(attr, value)], [children]); value/child: str (text), ("s", index, type) normal
# substitution, ("o", index, type) optional substitution.

def system_template(with_named):
    sub, opt = (lambda i, t: ("s", i, t)), (lambda i, t: ("o", i, t))
    system = ("e", "System", [], [
        ("e", "Provider", [("Name", sub(0, STRING)), ("Guid", opt(1, GUID)), ("EventSourceName", opt(2, STRING))], []),
        ("e", "EventID", [("Qualifiers", opt(3, UINT16))], [sub(4, UINT16)]),
        ("e", "Version", [], [sub(5, UINT8)]),
        ("e", "Level", [], [sub(6, UINT8)]),
        ("e", "Task", [], [sub(7, UINT16)]),
        ("e", "Opcode", [], [sub(8, UINT8)]),
        ("e", "Keywords", [], [sub(9, HEX64)]),
        ("e", "TimeCreated", [("SystemTime", sub(10, FILETIME))], []),
        ("e", "EventRecordID", [], [sub(11, UINT64)]),
        ("e", "Correlation", [], []),
        ("e", "Execution", [("ProcessID", sub(12, UINT32)), ("ThreadID", sub(13, UINT32))], []),
        ("e", "Channel", [], [sub(14, STRING)]),
        ("e", "Computer", [], [sub(15, STRING)]),
        ("e", "Security", [("UserID", opt(16, SID))], []),
    ])
    if with_named:
        data = [("e", "Data", [("Name", name)], [sub(17 + i, STRING)]) for i, name in enumerate(with_named)]
        event_data = ("e", "EventData", [], data)
    else:
        event_data = ("e", "EventData", [], [("e", "Data", [], [sub(17, STRING_ARRAY)]), ("e", "Binary", [], [opt(18, BINARY)])])
    return ("e", "Event", [("xmlns", EVENT_NS)], [system, event_data])


def filetime(t):
    return int((t - datetime(1601, 1, 1, tzinfo=timezone.utc)).total_seconds() * 10_000_000)


def guid_bytes(text):
    h = text.strip("{}").replace("-", "")
    b = bytes.fromhex(h)
    return b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]


def sid_bytes(text):
    parts = text.split("-")
    rev, auth, subs = int(parts[1]), int(parts[2]), [int(x) for x in parts[3:]]
    return bytes([rev, len(subs)]) + auth.to_bytes(6, "big") + b"".join(struct.pack("<I", s) for s in subs)


def utf16z(s):
    return s.encode("utf-16-le") + b"\0\0"


def values_of(e, record_id):
    """The substitution values of the template for event `e`: (type, bytes) in index order."""
    v = [
        (STRING, utf16z(e.provider)),
        (GUID, guid_bytes(e.guid)) if e.guid else (NULL, b""),
        (STRING, utf16z(e.event_source)) if e.event_source else (NULL, b""),
        (UINT16, struct.pack("<H", e.qualifiers)) if e.qualifiers is not None else (NULL, b""),
        (UINT16, struct.pack("<H", e.event_id)),
        (UINT8, b"\0"),
        (UINT8, bytes([e.level])),
        (UINT16, struct.pack("<H", e.task)),
        (UINT8, b"\0"),
        (HEX64, struct.pack("<Q", e.keywords)),
        (FILETIME, struct.pack("<Q", filetime(e.time))),
        (UINT64, struct.pack("<Q", record_id)),
        (UINT32, struct.pack("<I", e.process_id)),
        (UINT32, struct.pack("<I", e.thread_id)),
        (STRING, utf16z(e.channel)),
        (STRING, utf16z(e.computer)),
        (SID, sid_bytes(e.user_sid)) if e.user_sid else (NULL, b""),
    ]
    if e.named:
        v += [(STRING, utf16z(value)) for _, value in e.named]
    else:
        v.append((STRING_ARRAY, b"".join(utf16z(d) for d in e.data)))
        v.append((BINARY, e.binary) if e.binary else (NULL, b""))
    return v


class ChunkWriter:
    """One chunk being filled: its bytes after the 512-byte header, names and templates defined so far."""

    def __init__(self):
        self.body = bytearray()
        self.names = {}           # name -> chunk offset of its structure
        self.templates = {}       # template key -> chunk offset of its definition
        self.string_table = [0] * 64
        self.template_table = [0] * 32
        self.records = []         # (record id, offset)

    def offset(self):
        return 512 + len(self.body)

    def element(self, node, at, out):
        """Appends an element of a template body to `out`, which starts at chunk offset `at` (names are
        defined in line at their first use in the chunk and referred to by offset after)."""
        _, name, attributes, children = node
        start = len(out)
        out += bytes([0x41 if attributes else 0x01]) + struct.pack("<H", 0xFFFF) + b"\0\0\0\0"
        size_at = len(out) - 4
        self.name_ref(name, at, out)
        if attributes:
            out += b"\0\0\0\0"
            list_at = len(out)
            for k, (attr, value) in enumerate(attributes):
                out.append(0x46 if k + 1 < len(attributes) else 0x06)
                self.name_ref(attr, at, out)
                self.content(value, at, out, last=True)
            struct.pack_into("<I", out, list_at - 4, len(out) - list_at)
        if children:
            out.append(0x02)
            for child in children:
                if isinstance(child, tuple) and child[0] == "e":
                    self.element(child, at, out)
                else:
                    self.content(child, at, out, last=True)
            out.append(0x04)
        else:
            out.append(0x03)
        struct.pack_into("<I", out, size_at, len(out) - size_at - 4)
        return start

    def content(self, value, at, out, last):
        if isinstance(value, str):
            out += bytes([0x05 if last else 0x45, STRING]) + struct.pack("<H", len(value)) + value.encode("utf-16-le")
        else:
            kind, index, vtype = value
            out += bytes([0x0D if kind == "s" else 0x0E]) + struct.pack("<HB", index, vtype)

    def name_ref(self, name, at, out):
        """A name reference: the offset of a name defined earlier in the chunk, or the name in line."""
        if name in self.names:
            out += struct.pack("<I", self.names[name])
            return
        here = at + len(out) + 4
        out += struct.pack("<I", here)
        h = name_hash(name)
        bucket = h % 64
        # Chained through the bucket: the new name points at the previous head.
        out += struct.pack("<IHH", self.string_table[bucket], h, len(name)) + utf16z(name)
        self.string_table[bucket] = here
        self.names[name] = here

    def record(self, record_id, written, template_key, template, values):  # noqa: C901
        """The record's bytes, or None when it does not fit in the chunk."""
        at = self.offset()
        xml = bytearray(b"\x0f\x01\x01\x00")
        template_id = zlib.crc32(template_key.encode())
        xml += bytes([0x0C, 0x01]) + struct.pack("<I", template_id)
        defined_here = template_key not in self.templates
        names_before = dict(self.names), list(self.string_table)
        if defined_here:
            definition_at = at + 24 + len(xml) + 4
            xml += struct.pack("<I", definition_at)
            head = len(xml)
            xml += struct.pack("<I", self.template_table[template_id % 32]) + guid_bytes(
                "{%08x-0000-4000-8000-%012x}" % (template_id, len(template_key))) + b"\0\0\0\0"
            # The body (fragment header, elements, end of fragment) starts 24 bytes into the definition.
            body = bytearray(b"\x0f\x01\x01\x00")
            self.element(template, definition_at + 24, body)
            body.append(0x00)
            struct.pack_into("<I", xml, head + 20, len(body))
            xml += body
        else:
            xml += struct.pack("<I", self.templates[template_key])
        xml += struct.pack("<I", len(values))
        for vtype, data in values:
            xml += struct.pack("<HBB", len(data), vtype, 0)
        for _, data in values:
            xml += data
        xml.append(0x00)
        size = 24 + len(xml) + 4
        if at + size > CHUNK:
            self.names, self.string_table = names_before
            return None
        if defined_here:
            self.templates[template_key] = definition_at
            self.template_table[template_id % 32] = definition_at
        rec = struct.pack("<IIQQ", 0x00002A2A, size, record_id, filetime(written)) + bytes(xml) + struct.pack("<I", size)
        self.body += rec
        self.records.append((record_id, at))
        return rec

    def finish(self, chunk_number):
        first, last = self.records[0][0], self.records[-1][0]
        free = self.offset()
        head = bytearray(512)
        head[0:8] = b"ElfChnk\0"
        struct.pack_into("<QQQQIII", head, 8, first, last, first, last, 128, self.records[-1][1], free)
        struct.pack_into("<I", head, 52, zlib.crc32(bytes(self.body)))
        for i, v in enumerate(self.string_table):
            struct.pack_into("<I", head, 128 + 4 * i, v)
        for i, v in enumerate(self.template_table):
            struct.pack_into("<I", head, 384 + 4 * i, v)
        struct.pack_into("<I", head, 124, zlib.crc32(bytes(head[0:120]) + bytes(head[128:512])))
        return bytes(head) + bytes(self.body) + bytes(CHUNK - free)


def write(path, events, first_record=1, crafted=None):
    """Writes `events` (in order) as an EVTX log at `path`; returns the number of chunks. `crafted`, for
    hostile fixtures: (k, fn) calls fn(chunk writer, record id, time) to write a record of its own after
    the k-th event."""
    chunks = []
    current = ChunkWriter()
    record_id = first_record
    for k, e in enumerate(events):
        if crafted and k == crafted[0]:
            crafted[1](current, record_id, e.time)
            record_id += 1
        names = [n for n, _ in e.named]
        key = "named:" + "|".join(names) if names else "data"
        template = system_template(names)
        values = values_of(e, record_id)
        if current.record(record_id, e.time, key, template, values) is None:
            if not current.records:
                raise ValueError(f"event {record_id} does not fit in a chunk")
            chunks.append(current.finish(len(chunks)))
            current = ChunkWriter()
            if current.record(record_id, e.time, key, template, values) is None:
                raise ValueError(f"event {record_id} does not fit in a chunk")
        record_id += 1
    if current.records:
        chunks.append(current.finish(len(chunks)))
    header = bytearray(4096)
    header[0:8] = b"ElfFile\0"
    struct.pack_into("<QQQIHHHH", header, 8, 0, max(0, len(chunks) - 1), record_id, 128, 1, 3, 4096, len(chunks))
    struct.pack_into("<I", header, 120, 0)
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    with open(path, "wb") as f:
        f.write(header)
        for c in chunks:
            f.write(c)
    return len(chunks)


def renumbered_copies(log, target_bytes):
    """A log at least `target_bytes` long made of `log`'s chunks repeated, each copy's records renumbered after
    the last (record headers, chunk headers and both CRC-32s fixed up): a big log whose records are all
    distinct, as a reader that skips repeated record numbers needs for a benchmark."""
    header = bytearray(log[:4096])
    chunks = [log[i:i + 65536] for i in range(4096, len(log), 65536) if log[i:i + 8] == b"ElfChnk\0"]
    out = [None]
    shift = 0
    total = 4096
    numbers = [struct.unpack_from("<QQ", c, 8) for c in chunks]
    span = max(last for _, last in numbers) - min(first for first, _ in numbers) + 1
    while total < target_bytes:
        for c in chunks:
            c = bytearray(c)
            for field in (8, 16, 24, 32):  # first and last record number and identifier
                struct.pack_into("<Q", c, field, struct.unpack_from("<Q", c, field)[0] + shift)
            free = struct.unpack_from("<I", c, 48)[0]
            at = 512
            while at + 24 <= min(free, 65536) and c[at:at + 4] == b"\x2a\x2a\x00\x00":
                size = struct.unpack_from("<I", c, at + 4)[0]
                if size < 24:
                    break
                struct.pack_into("<Q", c, at + 8, struct.unpack_from("<Q", c, at + 8)[0] + shift)
                at += size
            struct.pack_into("<I", c, 52, zlib.crc32(bytes(c[512:free])))
            struct.pack_into("<I", c, 124, zlib.crc32(bytes(c[0:120]) + bytes(c[128:512])))
            out.append(bytes(c))
            total += 65536
        shift += span
    n = len(out) - 1
    struct.pack_into("<H", header, 42, min(n, 0xFFFF))
    struct.pack_into("<Q", header, 16, n - 1)
    struct.pack_into("<Q", header, 24, min(first for first, _ in numbers) + shift)
    struct.pack_into("<I", header, 124, zlib.crc32(bytes(header[:120])))
    out[0] = bytes(header)
    return b"".join(out)
