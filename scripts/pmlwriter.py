"""Writes native Procmon logs (PML format version 9, 64-bit or 32-bit) for WriterAudit's fixtures and benchmarks.

Only what WriterAudit's reader needs and Procmon itself writes: the 0x3A8-byte header, event records
(52-byte header, no stack, details, extra details for QueryDirectory entries), the event-offset array, the
string and process tables, an empty icon table and empty hosts/ports tables. Layout: docs/PML-FORMAT.md.
"""
import array
import struct

REGISTRY = ["RegOpenKey", "RegCreateKey", "RegCloseKey", "RegQueryKey", "RegSetValue", "RegQueryValue",
            "RegEnumValue", "RegEnumKey", "RegSetInfoKey", "RegDeleteKey", "RegDeleteValue", "RegFlushKey"]
REG_FIELDS = {0: 6, 1: 6, 3: 10, 5: 10, 6: 14, 7: 14, 8: 14, 4: 14}
PROCESS = {"Process Create": 1, "Process Exit": 2, "Thread Create": 3, "Thread Exit": 4, "Load Image": 5,
           "Process Start": 7}
# Operation name -> (IRP major, sub-operation)
FILESYSTEM = {"CreateFile": (20, 0), "ReadFile": (23, 0), "WriteFile": (24, 0), "CloseFile": (38, 0),
              "QueryDirectory": (32, 1), "QueryBasicInformationFile": (25, 4),
              "QueryStandardInformationFile": (25, 5), "CreateFileMapping": (19, 0)}
RESULTS = {"SUCCESS": 0, "NAME NOT FOUND": 0xC0000034, "ACCESS DENIED": 0xC0000022, "NO MORE FILES": 0x80000006,
           "PATH NOT FOUND": 0xC000003A, "SHARING VIOLATION": 0xC0000043, "BUFFER OVERFLOW": 0x80000005,
           "PRIVILEGE NOT HELD": 0xC0000061, "END OF FILE": 0xC0000011}
FILE_BOTH_DIRECTORY_INFORMATION = 3
HEADER = 0x3A8
EPOCH_1601 = 116444736000000000


def text(s):
    """A detail string: info word (top bit = one byte per character) and the bytes."""
    if all(ord(c) < 0x80 for c in s):
        return struct.pack("<H", 0x8000 | len(s)), s.encode("ascii")
    b = s.encode("utf-16-le")
    return struct.pack("<H", len(b) // 2), b


class PMLWriter:
    def __init__(self, f, start_filetime=EPOCH_1601 + 1_700_000_000 * 10_000_000, pointer_size=8):
        self.f = f
        self.ptr = pointer_size
        self.fs_fixed = pointer_size * 5 + 0x14
        self.offsets = array.array("Q")
        self.processes = {}  # (name, pid) -> index
        self.strings = {}
        self.string_list = []
        self.time = start_filetime
        f.write(b"\0" * HEADER)

    def string(self, s):
        if s not in self.strings:
            self.strings[s] = len(self.string_list)
            self.string_list.append(s)
        return self.strings[s]

    def process(self, name, pid):
        key = (name, pid)
        if key not in self.processes:
            self.processes[key] = len(self.processes)
            for s in (name, "C:\\Windows\\System32\\" + name, "NT AUTHORITY\\NETWORK SERVICE", "System", ""):
                self.string(s)
        return self.processes[key]

    def event(self, process, pid, op, path, result="SUCCESS", detail="", entries=None):
        extra = b""
        if op.startswith("Reg"):
            cls, code = 2, REGISTRY.index(op)
            info, raw = text(path)
            fields = bytearray(REG_FIELDS.get(code, 0))
            data = b""
            if op == "RegSetValue":
                data = bytes(range(16))
                struct.pack_into("<IIH", fields, 2, 3, len(data), len(data))
            details = info + bytes(fields) + raw + data
        elif op in PROCESS:
            cls, code = 1, PROCESS[op]
            if op == "Process Exit":
                status = 0
                if detail.startswith("Exit Status: "):
                    status = int(detail[len("Exit Status: "):].split(",")[0]) & 0xFFFFFFFF
                details = struct.pack("<I", status) + b"\0" * 48
            elif op == "Process Start":
                cmd_info, cmd = text(detail.split("Command line: ", 1)[-1] if "Command line: " in detail else "")
                dir_info, cwd = text("C:\\Windows\\system32\\")
                details = struct.pack("<I", 612) + cmd_info + dir_info + struct.pack("<I", 0) + cmd + cwd
            elif op == "Thread Create":
                details = struct.pack("<I", int(detail.split(": ")[-1]) if detail else 0)
            else:
                details = b"\0" * 20
        else:
            cls = 3
            major, sub = FILESYSTEM[op]
            fixed = bytearray(self.fs_fixed)
            folder = path
            filter_ = ""
            if op == "QueryDirectory":
                struct.pack_into("<I", fixed, 0x1C if self.ptr == 8 else 0x14, FILE_BOTH_DIRECTORY_INFORMATION)
                if entries and entries[0]:
                    filter_ = entries[0]
                    folder = path[: -len(filter_) - 1] if path.endswith("\\" + filter_) else path
                extra = self.directory_entries(entries[1] if entries else [])
            info, raw = text(folder)
            details = struct.pack("<B3x", sub) + bytes(fixed) + info + b"\0\0" + raw
            if op == "CreateFile":
                details += struct.pack("<IB3x", 0x00120089, 0)  # desired access (Generic Read), no impersonation
            if op == "QueryDirectory":
                finfo, fraw = text(filter_)
                details += finfo + fraw
        self.time += 1234
        offset = self.f.tell()
        extra_offset = 52 + len(details) if extra else 0
        record = struct.pack("<IIIHHIQQIHHII", self.process(process, pid), pid + 4, cls, code if cls != 3 else major,
                             0, 0, 10, self.time, RESULTS[result], 0, 0, len(details), extra_offset)
        record += details
        if extra:
            record += struct.pack("<H", len(extra)) + extra
        self.f.write(record)
        self.offsets.append(offset)

    @staticmethod
    def directory_entries(entries):
        """FILE_BOTH_DIR_INFORMATION records: attributes at 56, name length at 60, name at 94."""
        out = bytearray()
        for i, (name, is_folder) in enumerate(entries):
            raw = name.encode("utf-16-le")
            size = (94 + len(raw) + 7) & ~7
            rec = bytearray(size)
            struct.pack_into("<I", rec, 0, size if i + 1 < len(entries) else 0)
            struct.pack_into("<II", rec, 56, 0x10 if is_folder else 0x20, len(raw))
            rec[94:94 + len(raw)] = raw
            out += rec
        return bytes(out)

    def close(self):
        f = self.f
        events_end = f.tell()
        offsets_at = events_end
        buf = bytearray()
        for o in self.offsets:
            buf += struct.pack("<IB", o, 0)
        f.write(buf)
        # Process table: count, indices, offsets (from the table start), records.
        process_at = f.tell()
        n = len(self.processes)
        head = 4 + 8 * n
        records = bytearray()
        rel = []
        for (name, pid), index in sorted(self.processes.items(), key=lambda kv: kv[1]):
            rel.append(head + len(records))
            r = struct.pack("<IIII QII QQ II", index, pid, 612, 0, 0x3E4, 0, 0, 0, 0, 0, 1)
            r += struct.pack("<8I", self.string("System"), self.string("NT AUTHORITY\\NETWORK SERVICE"),
                             self.string(name), self.string("C:\\Windows\\System32\\" + name), self.string(""),
                             self.string(""), self.string(""), self.string(""))
            r += struct.pack("<II", 0, 0) + b"\0" * self.ptr + struct.pack("<I", 0)  # icons, a pointer, no modules
            records += r
        f.write(struct.pack("<I", n) + struct.pack(f"<{n}I", *sorted(self.processes.values()))
                + struct.pack(f"<{n}I", *rel) + records)
        # String table: count, offsets, each u32 byte length + UTF-16LE.
        strings_at = f.tell()
        encoded = [s.encode("utf-16-le") for s in self.string_list]
        pos = 4 + 4 * len(encoded)
        rel = []
        for b in encoded:
            rel.append(pos)
            pos += 4 + len(b)
        f.write(struct.pack("<I", len(encoded)) + struct.pack(f"<{len(encoded)}I", *rel)
                + b"".join(struct.pack("<I", len(b)) + b for b in encoded))
        icons_at = f.tell()
        f.write(struct.pack("<I", 0))
        hosts_at = f.tell()
        f.write(struct.pack("<II", 0, 0))
        header = bytearray(HEADER)
        header[0:4] = b"PML_"
        struct.pack_into("<II", header, 4, 9, 1 if self.ptr == 8 else 0)
        name = "WRITERAUDIT".encode("utf-16-le")
        header[0x0C:0x0C + len(name)] = name
        root = "C:\\Windows".encode("utf-16-le")
        header[0x2C:0x2C + len(root)] = root
        struct.pack_into("<I", header, 0x234, len(self.offsets))
        struct.pack_into("<QQQQQ", header, 0x240, HEADER, offsets_at, process_at, strings_at, icons_at)
        struct.pack_into("<IIII", header, 0x274, 10, 0, 17763, 0)
        struct.pack_into("<IQQQ", header, 0x38C, 2, 8 << 30, HEADER, hosts_at)
        f.seek(0)
        f.write(header)
