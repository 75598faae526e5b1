/// Message bodies for generated e-mail: greetings, sign-offs and signatures around
/// sentences whose style differs by partner (plain, jargon-heavy, acronym-heavy).
enum Text {
    static let greetings = ["Hi Ana,", "Hello team,", "Dear support,", "Hi,", "Good morning,", "Hello,"]
    static let signOffs = ["Thanks,", "Best regards,", "Kind regards,", "Cheers,", "Regards,"]
    static let names = ["Jane", "Max", "Li", "Sara", "Tom", "Ana", "Pia", "Omar"]

    static let questions = [
        "Could you check why the export from last night is missing about two hundred rows?",
        "We see a spike in password reset tickets since Monday. Can you find out what changed?",
        "The invoice for October lists forty agents but we only had thirty-two on the account.",
        "Several customers report that the chat handover drops them back into the bot.",
        "Please send the updated schedule for the holiday cover before Friday.",
        "Our auditors need the call recordings from March. How long will the export take?",
        "The knowledge base article on refunds still shows the old limit. Can you update it?",
        "New starters cannot reach the VPN. Is the access list up to date?",
    ]
    static let plainAnswers = [
        "We found the cause. A filter excluded closed tickets. We fixed it and reran the export.",
        "The reset spike comes from the new password policy. We added a help text to the login page.",
        "You are right. Eight agents were billed twice. We will send a corrected invoice today.",
        "The handover broke after Monday's release. We rolled it back and chats reach agents again.",
        "The schedule is attached. Every shift has cover, including the bank holidays.",
    ]
    static let jargonAnswers = [
        "Following a comprehensive root-cause investigation leveraging our cross-functional escalation matrix, we have identified that the synchronisation middleware intermittently deprioritised reconciliation workloads, consequently necessitating a remediation initiative which is currently being operationalised across environments.",
        "Per our preliminary assessment, the authentication infrastructure's configuration parameters were inadvertently modified during the quarterly maintenance window, and our organisation is presently evaluating mitigation alternatives in alignment with contractual obligations.",
        "Regarding the invoicing discrepancy, our financial operations department is undertaking a holistic verification of utilisation metrics; consequently, a definitive determination will be communicated subsequent to completion of the validation lifecycle.",
    ]
    static let acronymAnswers = [
        "Per the SOW and the SLA, the RCA shows the ETL job on the DWH failed at the CDC step. Our NOC will apply the fix in the next CAB, ETA EOD Thursday.",
        "The IAM team confirmed the SSO and MFA config for the VPN. The ACL is updated and the KB has the new SOP.",
        "Our WFM tool shows the AHT and FCR KPIs for Q3. The QA team will share the CSAT deck at the next QBR.",
    ]
    static let mediumAnswers = [
        "Thanks for flagging this. We looked into it and the issue came from a change in the routing rules, which we have now reverted. Let us know if you still see problems.",
        "We checked the numbers with our finance team and found a mistake on our side. A corrected version will follow this week.",
    ]
    static let bumps = [
        "Any update on this?", "Just following up on the message below.", "Is there any news here?",
        "Can you give me a status, please?",
    ]
    static let followUps = [
        "Thanks. One more question: does this also affect the weekend exports?",
        "Can you confirm the fix also covers the agents in the second team?",
        "Understood. When will the corrected report be available?",
    ]
    static let acknowledgements = ["Thanks, that works!", "Perfect, thank you.", "Got it, thanks!", "Great, all good now.", "Thanks!", "Noted, thanks."]
    static let proactive = [
        "Quick update: the monitoring we added shows no further errors since yesterday.",
        "FYI, we will deploy the permanent fix in tonight's maintenance window.",
        "A short heads-up: our team lead will join the next weekly review to walk through the incident.",
    ]

    static func wrap(_ core: String, rng: inout SeededRandom, signature: Bool = true) -> String {
        var s = ""
        if rng.chance(0.8) { s += rng.pick(greetings) + "\n\n" }
        s += core
        if rng.chance(0.85) { s += "\n\n" + rng.pick(signOffs) + "\n" + rng.pick(names) }
        if signature && rng.chance(0.3) { s += "\n-- \n" + rng.pick(names) + " | Service Desk | +49 30 1234567" }
        return s
    }

    static func question(style: Int, rng: inout SeededRandom) -> String {
        var core = rng.pick(questions)
        if rng.chance(0.5) { core += " " + rng.pick(questions) }
        return wrap(core, rng: &rng)
    }

    static func answer(style: Int, rng: inout SeededRandom) -> String {
        let pool: [String]
        switch style {
        case 1: pool = jargonAnswers
        case 2: pool = acronymAnswers
        case 3: pool = mediumAnswers
        default: pool = plainAnswers
        }
        var core = rng.pick(pool)
        if rng.chance(0.4) { core += "\n\n" + rng.pick(pool) }
        return wrap(core, rng: &rng)
    }

    static func bump(rng: inout SeededRandom) -> String { wrap(rng.pick(bumps), rng: &rng, signature: false) }
    static func followUp(rng: inout SeededRandom) -> String { wrap(rng.pick(followUps), rng: &rng) }
    static func acknowledgement(rng: inout SeededRandom) -> String {
        rng.chance(0.5) ? rng.pick(acknowledgements) : rng.pick(greetings) + "\n\n" + rng.pick(acknowledgements) + "\n\n" + rng.pick(names)
    }
    static func proactive(style: Int, rng: inout SeededRandom) -> String { wrap(rng.pick(proactive), rng: &rng) }
}
