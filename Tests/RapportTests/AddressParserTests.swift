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
