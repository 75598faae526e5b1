import Foundation
import RapportCore
import RapportIngest
import Testing

/// Small hand-made inputs per format, read directly by their reader: exact records out.
@Suite struct FormatReaderTests {
    static let parties = PartyDirectory(
        client: PartyRules(domains: ["acme.example"], people: ["jane"]),
        partners: [(PartnerInfo(id: "globex", name: "Globex"), PartyRules(domains: ["globex.example"], people: ["gx-*"]))])

    func read<F: InputFormat>(
        _ format: F.Type, _ text: String, zone: String = "UTC", options: SourceOptions = SourceOptions(), chunk: Int = 1 << 16,
        parties: PartyDirectory = Self.parties
    ) throws -> CollectingSink {
        let sink = CollectingSink()
        let context = FormatContext(
            fileIndex: 0, displayPath: "in", zone: ZoneRules(identifier: zone)!, parties: parties, now: instant("2026-11-29T00:00:00Z"),
            options: options)
        _ = try F.read(MemoryByteSource(Array(text.utf8), chunkSize: chunk), context: context, into: sink)
        return sink
    }

    @Test func bugzillaPrivateCommentsAndReopenedStatus() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE bugzilla SYSTEM "https://bugzilla.example/bugzilla.dtd">
            <bugzilla version="4.2">
              <bug><bug_id>7</bug_id><creation_ts>2026-03-02 09:00 +0100</creation_ts><short_desc>Crash</short_desc>
                <delta_ts>2026-03-04 10:00:00 +0100</delta_ts><bug_status>REOPENED</bug_status><priority>P2</priority>
                <reporter name="Jane">jane</reporter><assigned_to name="Ana">gx-ana</assigned_to>
                <long_desc isprivate="0"><who name="Jane">jane</who><bug_when>2026-03-02 09:00:01 +0100</bug_when><thetext>It crashes &lt;always&gt;.</thetext></long_desc>
                <long_desc isprivate="1"><who name="Ana">gx-ana</who><bug_when>2026-03-02 09:30:00 +0100</bug_when><thetext>Internal.</thetext></long_desc>
                <long_desc isprivate="0"><who name="Ana">gx-ana</who><bug_when>2026-03-02 10:00:00 +0100</bug_when><thetext>Fixed.</thetext></long_desc>
              </bug>
            </bugzilla>
            """
        for chunk in [1, 5, 1 << 16] {
            let s = try read(BugzillaXML.self, xml, chunk: chunk)
            #expect(s.interactions.map(\.kind) == [.created, .internalNote, .message])
            #expect(s.interactions.map(\.at.rfc3339) == ["2026-03-02T08:00:00Z", "2026-03-02T08:30:00Z", "2026-03-02T09:00:00Z"])
            #expect(s.interactions.map(\.party) == [.client, .partner(0), .partner(0)])
            #expect(s.interactions[0].text == "Crash<br>It crashes &lt;always&gt;.")
            #expect(s.tickets.first?.reopened == true)
            #expect(s.tickets.first?.resolved?.rfc3339 == "2026-03-04T09:00:00Z")
            #expect(s.tickets.first?.assignee == "gx-ana")
        }
    }

    @Test func zoomRejoinsAndHostNames() throws {
        let csv = "\u{FEFF}Topic,Type,ID,Start time,End time,Name (original name),Email,Join time,Leave time,Duration (minutes)\r\n"
            + "Review,Meeting,123 456,\"03/02/2026 10:00:00 AM\",\"03/02/2026 11:00:00 AM\",Jane (Host),,\"03/02/2026 09:59:00 AM\",\"03/02/2026 11:00:00 AM\",61\r\n"
            + "Review,Meeting,123 456,\"03/02/2026 10:00:00 AM\",\"03/02/2026 11:00:00 AM\",Ana Cruz ( Ana ),ana@globex.example,\"03/02/2026 10:04:00 AM\",\"03/02/2026 10:20:00 AM\",16\r\n"
            + "\r\n"
            + "Review,Meeting,123 456,\"03/02/2026 10:00:00 AM\",\"03/02/2026 11:00:00 AM\",Ana Cruz ( Ana ),ana@globex.example,\"03/02/2026 10:25:00 AM\",\"03/02/2026 11:00:00 AM\",35\r\n"
        let s = try read(ZoomParticipantsCSV.self, csv, zone: "Europe/Berlin")
        #expect(s.meetings.count == 1)
        var m = try #require(s.meetings.first)
        #expect(m.records == 3)
        #expect(m.scheduledStart.rfc3339 == "2026-03-02T09:00:00Z")
        m.mergeRejoins()
        #expect(m.invitees.map(\.actor) == ["Jane", "ana@globex.example"])
        #expect(m.invitees[1].joined?.rfc3339 == "2026-03-02T09:04:00Z")
        #expect(m.invitees[1].left?.rfc3339 == "2026-03-02T10:00:00Z")
    }

    @Test func teamsFrenchSummaryInUTF16() throws {
        let text = "Résumé de la réunion\nNombre total de participants\t2\nTitre de la réunion\tRevue\nHeure de début de la réunion\t02/03/2026 à 10:00:00\n\nNom complet\tHeure d'arrivée\tHeure de départ\tDurée\tE-mail\tRôle\nAna\t02/03/2026 à 10:03:00\t02/03/2026 à 10:30:00\t27 m\tana@globex.example\tPrésentateur\nJane\t02/03/2026 à 09:58:00\t02/03/2026 à 10:31:00\t33 m\tjane@acme.example\tOrganisateur"
        let utf16: [UInt8] = [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let sink = CollectingSink()
        let context = FormatContext(
            fileIndex: 0, displayPath: "teams.csv", zone: ZoneRules(identifier: "Europe/Paris")!, parties: Self.parties,
            now: instant("2026-11-29T00:00:00Z"))
        #expect(try TeamsAttendanceCSV.read(MemoryByteSource(utf16, chunkSize: 3), context: context, into: sink) == 2)
        let m = try #require(sink.meetings.first)
        #expect(m.id == "Revue")
        #expect(m.scheduledStart.rfc3339 == "2026-03-02T09:00:00Z")
        #expect(m.invitees.map(\.party) == [.partner(0), .client])
        #expect(m.invitees[0].joined?.rfc3339 == "2026-03-02T09:03:00Z")
    }

    @Test func mappedCSVWithAPartyColumnAndFloatIDs() throws {
        var options = SourceOptions()
        options.columns = ["id": "id", "in_reply_to": "parent", "at": "when", "actor": "who", "text": "text"]
        options.partyColumn = "inbound"
        options.partyValues = ["True": "client", "False": "globex"]
        options.timestampFormat = "%Y-%m-%d %H:%M"
        let csv = "id,parent,when,who,inbound,text\n1,,2026-03-02 09:00,customer42,True,Where is my parcel?\n2,1.0,2026-03-02 09:05,ShopHelp,False,On its way.\n"
        let s = try read(MappedCSV.self, csv, options: options)
        #expect(s.interactions.map(\.party) == [.client, .partner(0)])
        #expect(s.interactions[1].attributes.inReplyTo == "1")
        #expect(s.interactions[1].actor == "ShopHelp")
    }

    /// Every column of `rapport-email-csv` lands in its field whatever the column order;
    /// `auto_submitted` is anything but empty or `no`; a bad cc rejects the message naming cc.
    @Test func rapportEmailCSVColumnsInAnyOrder() throws {
        let csv = """
            body,cc,auto_submitted,subject,to,from,sent_at,in_reply_to,thread_id,message_id
            Hello,bob@acme.example,,Hi,ana@globex.example,jane@acme.example,2026-03-02T09:00:00Z,,T1,<m1@acme.example>
            Out,,Auto-Replied,Re: Hi,jane@acme.example,ana@globex.example,2026-03-02T09:05:00Z,<m1@acme.example>,T1,<m2@globex.example>
            x,not an address,No,Hi,ana@globex.example,jane@acme.example,2026-03-02T09:10:00Z,,T1,<m3@acme.example>

            """
        let s = try read(RapportEmailCSV.self, csv)
        #expect(s.interactions.map(\.id) == ["<m1@acme.example>", "<m2@globex.example>"])
        let first = s.interactions[0]
        #expect([first.text, first.attributes.subject, first.actor, first.conversation] == ["Hello", "Hi", "jane@acme.example", "T1"])
        #expect(first.attributes.recipients.map(\.address) == ["ana@globex.example", "bob@acme.example"])
        #expect(first.attributes.recipients.map(\.field) == [.to, .cc])
        #expect(!first.attributes.autoSubmitted && first.attributes.inReplyTo.isEmpty)
        #expect(s.interactions[1].attributes.autoSubmitted && s.interactions[1].attributes.inReplyTo == "<m1@acme.example>")
        #expect(s.rejects.map(\.reason) == [.badAddress])
        #expect(s.rejects.first?.message.hasPrefix("cc: ") == true)
    }

    /// Address fields are parsed once per distinct text, their parties with them; a person
    /// with a dated membership is still resolved at each message's time, as sender and recipient.
    @Test func aMoverInRepeatedAddressFieldsCountsForThePartyOfEachMessagesTime() throws {
        let parties = PartyDirectory(
            client: PartyRules(domains: ["acme.example"]),
            partners: [
                (PartnerInfo(id: "globex", name: "Globex"), PartyRules(
                    domains: ["globex.example"],
                    members: [Membership(who: "ana@acme.example", from: instant("2026-04-01T00:00:00Z"), to: instant("2026-07-01T00:00:00Z"))]))
            ])
        var csv = "message_id,sent_at,from,to\n"
        for (k, day) in ["2026-03-31", "2026-04-02", "2026-07-02"].enumerated() {
            csv += "a\(k),\(day)T12:00:00Z,Ana <ana@acme.example>,\"Bob <bob@acme.example>, gx <gx@globex.example>\"\n"
            csv += "b\(k),\(day)T13:00:00Z,Bob <bob@acme.example>,\"Ana <ana@acme.example>, gx <gx@globex.example>\"\n"
        }
        let s = try read(RapportEmailCSV.self, csv, parties: parties)
        #expect(s.rejects.isEmpty)
        #expect(s.interactions.map(\.actor) == ["ana@acme.example", "bob@acme.example"] + ["ana@acme.example", "bob@acme.example"] + ["ana@acme.example", "bob@acme.example"])
        #expect(s.interactions.map(\.party) == [.client, .client, .partner(0), .client, .client, .client])
        #expect(s.interactions.map { $0.attributes.recipients.map(\.party) } == [
            [.client, .partner(0)], [.client, .partner(0)],
            [.client, .partner(0)], [.partner(0), .partner(0)],
            [.client, .partner(0)], [.client, .partner(0)],
        ])
    }

    @Test func rapportTicketsXMLRejectsUnknownEventTypesPerRecord() throws {
        let xml = "<tickets><ticket id=\"T1\"><event id=\"1\" type=\"created\" at=\"2026-03-02T09:00:00Z\" actor=\"jane@acme.example\">Help</event><event id=\"2\" type=\"escalated\" at=\"2026-03-02T09:01:00Z\" actor=\"jane@acme.example\"/><event id=\"3\" type=\"comment\" at=\"2026-02-30T09:00:00Z\" actor=\"ana@globex.example\"/></ticket></tickets>"
        let sink = CollectingSink()
        let context = FormatContext(
            fileIndex: 0, displayPath: "t.xml", zone: .utc, parties: Self.parties, now: instant("2026-11-29T00:00:00Z"))
        #expect(try RapportTicketsXML.read(MemoryByteSource(Array(xml.utf8)), context: context, into: sink) == 3)
        #expect(sink.interactions.count == 1)
        #expect(sink.rejects.map(\.reason) == [.badValue, .badTimestamp])
        #expect(sink.rejects.allSatisfy { $0.record == 1 })
    }
}
