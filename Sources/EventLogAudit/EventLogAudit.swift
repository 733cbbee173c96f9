// The event-log audit judges what the EVTX reader returns; its callers get the reader's types with it.
@_exported import EventLog
@_exported import WriterScope
