import RapportIngest
import Testing

@Suite struct AddressParserTests {
    func list(_ s: String) -> [String]? {
        if case .success(let l) = AddressParser.parseList(s) { return l }
        return nil
    }

    @Test func theFormsExportsWrite() {
        #expect(list("Jane Roe <Jane.Roe@ACME.example>") == ["jane.roe@acme.example"])
        #expect(list("\"Roe, Jane\" <jane@acme.example>") == ["jane@acme.example"])
        #expect(list("jane@acme.example") == ["jane@acme.example"])
        #expect(list("jane@acme.example (Jane Roe)") == ["jane@acme.example"])
        #expect(list("") == [])
        #expect(list("  ") == [])
    }

    @Test func listsSplitOnCommasAndSemicolonsOutsideQuotes() {
        #expect(list("a@x.example, \"Roe, Jane\" <jane@acme.example>; B <b@y.example>") == ["a@x.example", "jane@acme.example", "b@y.example"])
        #expect(list("a@x.example;;b@y.example;") == ["a@x.example", "b@y.example"])
        #expect(list("Team: a@x.example, b@y.example;") == ["a@x.example", "b@y.example"])
        #expect(list("undisclosed-recipients:;") == [])
    }

    func single(_ s: String) -> String? {
        if case .success(let a) = AddressParser.parseSingle(s) { return a }
        return nil
    }

    /// FORMATS.md: names as Outlook and Teams write them, an unquoted comma in the name.
    @Test func lastCommaFirstNames() {
        #expect(single("Reyes, Ben <ben@globex-bpo.example>") == "ben@globex-bpo.example")
        #expect(single("Cruz, Ana <Ana.Cruz@globex-bpo.example>") == "ana.cruz@globex-bpo.example")
        #expect(single("Cruz, Ana, PhD <ana@x.example>") == "ana@x.example")
        #expect(single("\"Roe, Jane\" <jane@acme.example>") == "jane@acme.example")
        #expect(single("jane@acme.example (Roe, Jane)") == "jane@acme.example")
        #expect(list("Reyes, Ben <ben@x.example>, Ana <ana@y.example>") == ["ben@x.example", "ana@y.example"])
        #expect(list("Reyes, Ben <ben@x.example>; Cruz, Ana <ana@y.example>") == ["ben@x.example", "ana@y.example"])
        #expect(list("a@z.example, Reyes, Ben <ben@x.example>") == ["a@z.example", "ben@x.example"])
        #expect(list("Cruz, Ana, Reyes, Ben <ben@x.example>") == ["ben@x.example"])  // a name of four pieces: one person
        // A name piece with no address after it names nobody: the field is refused, never dropped.
        #expect(list("Reyes, Ben") == nil)
        #expect(list("Ana <ana@y.example>, Reyes") == nil)
        #expect(list("Reyes, ben@x.example") == nil)
        #expect(single("Reyes, Ben") == nil)
        #expect(single("Reyes <ben@x.example> extra") == nil)
    }

    @Test func unreadableAddressesAreErrors() {
        #expect(list("Jane Roe") == nil)
        #expect(list("jane@") == nil)
        #expect(list("@acme.example") == nil)
        #expect(list("Jane <jane@acme.example") == nil)
        #expect(list("\"Roe, Jane <jane@acme.example>") == nil)
        #expect(list("jane@acme..example.") == nil)
        if case .failure = AddressParser.parseSingle("a@x.example, b@y.example") {} else { Issue.record("two senders accepted") }
    }
}
