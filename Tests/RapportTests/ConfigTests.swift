import Foundation
import RapportAggregates
import RapportCore
import RapportPipeline
import RapportTransforms
import Testing

@Suite struct PipelineFileTests {
    static let valid = """
        name: t
        timezone: Europe/Berlin
        client: { name: Acme, domains: [acme.example] }
        partners:
          - { id: globex, domains: [globex.example], targets: { first_response: 1h30m, response: 2d } }
        sources:
          - { kind: email, format: rapport-email-csv, path: "*.csv.gz" }

        """

    func parse(_ yaml: String) throws(RapportError) -> PipelineConfig {
        try PipelineConfig.parse(yaml: yaml, file: "p.yaml", directory: "/data/pipelines")
    }

    func error(_ yaml: String) -> RapportError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test func aValidFileWithDefaults() throws {
        let c = try parse(Self.valid)
        #expect(c.period == .week)
        #expect(c.partners[0].targets.firstResponseSeconds == 5400)
        #expect(c.partners[0].targets.responseSeconds == 172_800)
        #expect(c.sources[0].pattern == "/data/pipelines/*.csv.gz")
        #expect(c.maxRejectRatio == 0.05)
        #expect(c.outputFormats == [.csv, .json, .sqlite, .html])
    }

    @Test func unknownKeysNameTheKeyAndItsLine() {
        let e = error(Self.valid + "limits:\n  max_rejects_ratio: 0.1\n")
        #expect(e?.line == 9)
        #expect(e?.code == .usage)
        #expect(e?.description == "p.yaml:9: `limits.max_rejects_ratio`: unknown key; did you mean `max_reject_ratio`?")
        #expect(error(Self.valid.replacingOccurrences(of: "timezone", with: "time_zone"))?.line == 2)
    }

    @Test func badValuesNameTheKeyAndItsLine() {
        #expect(error(Self.valid.replacingOccurrences(of: "Europe/Berlin", with: "Europe/Atlantis"))?.description.hasPrefix("p.yaml:2: `timezone`: `Europe/Atlantis` is not an IANA time zone") == true)
        #expect(error(Self.valid + "period: fortnight\n")?.description == "p.yaml:8: `period`: `fortnight` is not one of: day, week, month, quarter")
        #expect(error(Self.valid.replacingOccurrences(of: "1h30m", with: "soon"))?.line == 5)
        #expect(error(Self.valid.replacingOccurrences(of: "rapport-email-csv", with: "nxt"))?.description.contains("AMI NXT meeting XML are not supported yet; supported formats: rapport-email-csv") == true)
        #expect(error(Self.valid.replacingOccurrences(of: "rapport-email-csv", with: "mbox")) == nil)
        #expect(error(Self.valid.replacingOccurrences(of: "rapport-email-csv", with: "outlook"))?.description.contains("unknown format `outlook`") == true)
        #expect(error(Self.valid + "limits: { max_reject_ratio: 2 }\n")?.description.contains("between 0 and 1") == true)
        #expect(error(Self.valid + "escalation:\n  phrases: ['ok', '(broken']\n")?.line == 9)
        #expect(error(Self.valid.replacingOccurrences(of: "acme.example]", with: "jane@acme.example]"))?.description.contains("is not a domain") == true)
        #expect(error("client: [unclosed\n")?.code == .usage)
        #expect(error("name: x\n")?.description.contains("`client` is required") == true)
    }

    @Test func durations() {
        #expect(error(Self.valid.replacingOccurrences(of: "2d", with: "90m")) == nil)
        #expect(error(Self.valid.replacingOccurrences(of: "2d", with: "45")) != nil)  // a unit is required
    }

    @Test func theDocumentedPipelineExampleIsValid() throws {
        let readme = readText(repositoryRoot + "/docs/pipeline.md")
        let section = try #require(readme.components(separatedBy: "# The pipeline file").dropFirst().first)
        let yaml = try #require(section.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        let c = try parse(yaml)
        #expect(c.partners[0].calendar.intervals.count == 2)
        #expect(c.slaClock == .business)
        #expect(c.ticketRules.escalationStatuses == ["escalated"])
        #expect(c.acronymsKnown == ["VPN", "SLA"])
        #expect(c.partners[0].targets.updateEverySeconds == 2 * 86_400)
        #expect(c.trust.weights["respect"] == 0.05)
    }

    @Test func theREADMEsShortPipelineIsValid() throws {
        let readme = readText(repositoryRoot + "/README.md")
        let section = try #require(readme.components(separatedBy: "## The pipeline file").dropFirst().first)
        let yaml = try #require(section.components(separatedBy: "```yaml\n").dropFirst().first?.components(separatedBy: "```").first)
        #expect(try parse(yaml).partners.isEmpty == false)
    }
}
