import Crypto
import Foundation
import RapportCore

/// Keyed pseudonyms for people and the identifiers that can name them (`pseudonymize: true`):
/// `p-` plus 20 hex digits of HMAC-SHA-256(key, value). The same key gives the same
/// pseudonym in every run, so figures still join; the key never reaches an output.
public struct Pseudonymizer: @unchecked Sendable {
    // The key is immutable after init; swift-crypto 3 does not mark SymmetricKey Sendable.
    private let key: SymmetricKey

    public static let environmentVariable = "RAPPORT_PSEUDONYM_KEY"

    /// Reads the key from the environment; no key is an error (never a silent fallback to real names).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws(RapportError) {
        guard let secret = environment[Pseudonymizer.environmentVariable], !secret.isEmpty else {
            throw RapportError(
                .usage,
                "outputs.pseudonymize is on but \(Pseudonymizer.environmentVariable) is not set; set it to a secret of at least 16 characters kept outside the report")
        }
        guard secret.utf8.count >= 16 else {
            throw RapportError(
                .usage,
                "\(Pseudonymizer.environmentVariable) is \(secret.utf8.count) bytes long, too short to keep pseudonyms from being guessed; use a secret of at least 16 characters")
        }
        key = SymmetricKey(data: Data(secret.utf8))
    }

    public func pseudonym(_ value: String) -> String {
        if value.isEmpty { return value }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key)
        return "p-" + mac.prefix(10).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
