/// An event as a support engineer reads it: the System fields and the event's data strings, taken from
/// the record's XML (`<System>`, and `<EventData>` / `<UserData>`).
public struct Event: Sendable, Equatable, Encodable {
    public var file: String
    public var record: UInt64
    /// `TimeCreated/@SystemTime`, ISO 8601 UTC.
    public var time: String?
    public var provider: String?
    public var eventId: Int?
    public var level: Int?
    public var channel: String?
    public var computer: String?
    /// Every `<Data>` text in order (also the named ones), and `<UserData>`'s leaf texts.
    public var data: [String]
    /// `<Data Name="X">` values by name.
    public var named: [String: String]

    public init(
        file: String, record: UInt64, time: String? = nil, provider: String?, eventId: Int?, level: Int? = nil,
        channel: String? = nil, computer: String? = nil, data: [String], named: [String: String] = [:]
    ) {
        self.file = file
        self.record = record
        self.time = time
        self.provider = provider
        self.eventId = eventId
        self.level = level
        self.channel = channel
        self.computer = computer
        self.data = data
        self.named = named
    }

    public init(file: String, record: EventRecord) {
        self.file = file
        self.record = record.number
        data = []
        named = [:]
        guard let e = record.event else { return }
        if let system = e.child("System") {
            provider = system.child("Provider")?.attribute("Name")
            eventId = system.child("EventID").flatMap { Int($0.text.trimmingSpaces) }
            level = system.child("Level").flatMap { Int($0.text.trimmingSpaces) }
            channel = system.child("Channel")?.text
            computer = system.child("Computer")?.text
            time = system.child("TimeCreated")?.attribute("SystemTime")
        }
        if let eventData = e.child("EventData") {
            for case .element(let d) in eventData.children where d.name == "Data" {
                data.append(d.text)
                if let name = d.attribute("Name") { named[name] = d.text }
            }
        } else if let user = e.child("UserData") {
            func leaves(_ x: XMLElement) {
                let kids = x.children.compactMap { if case .element(let c) = $0 { c } else { nil } }
                if kids.isEmpty {
                    data.append(x.text)
                    named[x.name] = x.text
                } else {
                    kids.forEach(leaves)
                }
            }
            leaves(user)
        }
    }

    enum CodingKeys: String, CodingKey {
        case file, record, time, provider, eventId, level, channel, computer, data, named
    }

    /// Every key written, null when the record does not have it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(record, forKey: .record)
        try c.encode(time, forKey: .time)
        try c.encode(provider, forKey: .provider)
        try c.encode(eventId, forKey: .eventId)
        try c.encode(level, forKey: .level)
        try c.encode(channel, forKey: .channel)
        try c.encode(computer, forKey: .computer)
        try c.encode(data, forKey: .data)
        try c.encode(named, forKey: .named)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
