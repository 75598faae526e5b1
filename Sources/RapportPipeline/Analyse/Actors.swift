import RapportCore
import RapportFacts
import RapportTransforms

/// Every distinct actor of the run's fact files, with what the pipeline's rules say of it:
/// its party when no dated membership applies (nil: resolve at each record's time), whether
/// `ignore.actors` or `escalation.contacts` match it. Fact files number their actors on
/// their own; `local[file]` maps those numbers to the run's.
struct Actors {
    let directory: PartyDirectory
    private(set) var names: [String] = []
    private var index: [String: UInt32] = [:]
    private var undated: [Party?] = []
    private(set) var ignored: [Bool] = []
    private(set) var isContact: [Bool] = []
    private(set) var local: [[UInt32]] = []
    /// Each undated actor's organisation key, made once.
    private var organisations: [String?] = []
    private let ignore: GlobSet
    private let contacts: GlobSet

    init(directory: PartyDirectory, ignore: GlobSet, contacts: GlobSet) {
        self.directory = directory
        self.ignore = ignore
        self.contacts = contacts
    }

    /// Reads the actor tables of every file (their other blocks are skipped).
    mutating func read(_ files: [ExtractedFile]) throws(FactFileError) {
        struct Names: FactVisitor {
            var names: [String] = []
            var wants: Set<FactFile.BlockKind> { [] }
            mutating func actor(_ name: String) { names.append(name) }
        }
        for f in files {
            var v = Names()
            try f.reader.scan(&v, file: f.file.index)
            var mapped: [UInt32] = []
            for n in v.names { mapped.append(add(n)) }
            local.append(mapped)
        }
    }

    mutating func add(_ name: String) -> UInt32 {
        if let i = index[name] { return i }
        let i = UInt32(names.count)
        names.append(name)
        index[name] = i
        let party = directory.hasDatedMembership(name) ? nil : directory.party(of: name, at: nil)
        undated.append(party)
        organisations.append(party.map { directory.organisationKey(of: name, party: $0) })
        ignored.append(!ignore.isEmpty && ignore.matches(name))
        isContact.append(!contacts.isEmpty && contacts.matches(name))
        return i
    }

    /// The run's number of a file's actor.
    func global(_ actor: UInt32, file: Int) throws(FactFileError) -> UInt32 {
        guard Int(actor) < local[file].count else { throw FactFileError("an actor index past the file's actor table") }
        return local[file][Int(actor)]
    }

    func party(_ actor: UInt32, at: Instant) -> Party { undated[Int(actor)] ?? directory.party(of: names[Int(actor)], at: at) }

    /// The organisation key subject threading uses (the party id; the domain for unknown actors).
    func organisation(_ actor: UInt32, at: Instant) -> String {
        if undated[Int(actor)] != nil, let cached = organisations[Int(actor)] { return cached }
        return directory.organisationKey(of: names[Int(actor)], party: party(actor, at: at))
    }

    func party(of name: String, at: Instant) -> Party {
        if let i = index[name] { return party(i, at: at) }
        return directory.party(of: name, at: at)
    }

    /// The flags analysis keeps of a message (METRICS.md): `ignore.actors` makes it automated
    /// and ignored; acknowledgements and escalation phrases count only from the client.
    func analysisFlags(_ f: MessageFlags, party: Party, actor: Int) -> MessageFlags {
        if ignored[actor] { return [.automated, .ignored] }
        if f.contains(.automated) { return [.automated] }
        return party.isClient ? f : []
    }
}
