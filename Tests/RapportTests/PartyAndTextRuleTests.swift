import RapportCore
import RapportTransforms
import Testing

@Suite struct PartyResolutionTests {
    let directory = PartyDirectory(
        client: PartyRules(domains: ["acme.example"], people: ["acme-*"]),
        partners: [
            (PartnerInfo(id: "globex", name: "Globex"), PartyRules(
                domains: ["globex.example"], people: ["gx-*"],
                members: [Membership(who: "ana@acme.example", from: instant("2026-04-01T00:00:00Z"), to: instant("2026-07-01T00:00:00Z"))])),
            (PartnerInfo(id: "initech", name: "Initech"), PartyRules(domains: ["initech.example"])),
        ])

    @Test func domainsSubdomainsAndGlobs() {
        #expect(directory.party(of: "jane@acme.example", at: nil) == .client)
        #expect(directory.party(of: "JANE@Support.ACME.example", at: nil) == .client)
        #expect(directory.party(of: "ana@eu.globex.example", at: nil) == .partner(0))
        #expect(directory.party(of: "x@notglobex.example", at: nil) == .unknown)
        #expect(directory.party(of: "gx-luis", at: nil) == .partner(0))
        #expect(directory.party(of: "ACME-bot", at: nil) == .client)
        #expect(directory.party(of: "JIRAUSER1", at: nil) == .unknown)
    }

    @Test func aPersonWhoMovedCountsForTheRightPartyAtEachMessagesTime() {
        #expect(directory.party(of: "ana@acme.example", at: instant("2026-03-31T23:59:59Z")) == .client)
        #expect(directory.party(of: "ana@acme.example", at: instant("2026-04-01T00:00:00Z")) == .partner(0))
        #expect(directory.party(of: "ana@acme.example", at: instant("2026-06-30T12:00:00Z")) == .partner(0))
        #expect(directory.party(of: "ana@acme.example", at: instant("2026-07-01T00:00:00Z")) == .client)
    }

    @Test func theClientWinsWhenRulesOverlap() {
        let overlapping = PartyDirectory(
            client: PartyRules(domains: ["acme.example"]),
            partners: [(PartnerInfo(id: "p", name: "P"), PartyRules(domains: ["vendor.acme.example"]))])
        #expect(overlapping.party(of: "a@vendor.acme.example", at: nil) == .client)
    }
}

@Suite struct ClarityRuleTests {
    let rules = TextRules(acronymsKnown: ["VPN"], clarification: try! PhraseMatcher(patterns: TextRules.defaultClarificationPatterns))

    @Test func acronymsAreTwoToSixCapitalsNotKnown() {
        #expect(rules.acronyms("The SLA and the RCA (per SOW) for the VPN: KPIs, NASA, ABCDEFG, A, I, Ok") == 5)  // SLA RCA SOW KPIs NASA
    }

    @Test func englishGuess() {
        #expect(LanguageGuess.isEnglish("Thanks, we will send the report to you on Monday."))
        #expect(!LanguageGuess.isEnglish("Hola, la solicitud está en proceso y será atendida mañana por el equipo."))
        #expect(!LanguageGuess.isEnglish("Die Anfrage wird morgen vom Team bearbeitet, danke."))
        #expect(LanguageGuess.isEnglish("Danke schön"))  // too short to tell
    }

    @Test func clarificationPatternsOnlyForTheClient() {
        #expect(rules.stats(cleaned: "Sorry, what do you mean by tier 2?", isClient: true).asksClarification)
        #expect(rules.stats(cleaned: "Not sure we understand the plan.", isClient: true).asksClarification)
        #expect(!rules.stats(cleaned: "What do you mean?", isClient: false).asksClarification)
        #expect(!rules.stats(cleaned: "Thanks, clear.", isClient: true).asksClarification)
    }
}
