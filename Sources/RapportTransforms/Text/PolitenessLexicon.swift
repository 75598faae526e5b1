/// The word lists of politeness rules v1: each rule is a phrase (one or more words, matched on
/// a word's *key*: the word without leading and trailing non-alnum scalars, ASCII letters
/// lower-cased, `’` read as `'`) that counts for one cue, or for none (a blocker such as
/// "could not", which stops the shorter rules under it). docs/politeness.md lists them all.
///
/// Where rules overlap, the longest phrase wins, then a rule bound to a start (or to the start
/// of a question) before one that applies anywhere; a word is in at most one match.
enum PolitenessLexicon {
    enum Position { case anywhere, start, startOfQuestion }

    struct Rule {
        var words: [String]
        var cue: PolitenessCue?
        var position: Position
        /// After a negator among the two words before it (same clause), a positive match counts
        /// as a negative word and a negative word counts for nothing ("not helpful", "not bad").
        var negatable: Bool
    }

    static func rules(_ cue: PolitenessCue?, at position: Position = .anywhere, negatable: Bool = false, _ phrases: [String]) -> [Rule] {
        phrases.map { Rule(words: $0.split(separator: " ").map(String.init), cue: cue, position: position, negatable: negatable) }
    }

    /// Words that negate what follows them (within two words).
    static let negators = [
        "not", "no", "never", "nor", "cannot", "can't", "cant", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt",
        "isn't", "isnt", "aren't", "arent", "wasn't", "wasnt", "weren't", "werent", "won't", "wont", "wouldn't", "wouldnt",
        "couldn't", "couldnt", "shouldn't", "shouldnt", "haven't", "havent", "hasn't", "hasnt", "hadn't", "hadnt", "ain't",
        "hardly", "barely",
    ]

    /// Any word whose key contains one of these counts as the profanity word `shit`.
    static let profaneInfixes = ["fuck", "shit"]

    static let complimentAdjectives = [
        "great", "good", "nice", "excellent", "awesome", "fantastic", "brilliant", "wonderful", "superb", "impressive",
        "terrific", "outstanding", "amazing", "cool", "interesting", "lovely", "beautiful", "helpful", "useful", "valuable",
        "thoughtful", "fair", "solid", "clever", "smart",
    ]
    static let complimentNouns = [
        "work", "job", "point", "points", "idea", "ideas", "question", "questions", "catch", "suggestion", "suggestions",
        "article", "articles", "edit", "edits", "effort", "efforts", "answer", "answers", "contribution", "contributions",
        "stuff", "thinking", "writing", "research", "help", "support", "service", "photo", "photos", "picture", "pictures",
        "call", "find", "explanation", "advice", "comment", "comments", "feedback", "summary", "input", "initiative",
    ]
    static let pleaseWords = ["please", "pls", "plz", "plse", "kindly"]
    static let startAdjectives = [
        "great", "nice", "excellent", "awesome", "cool", "interesting", "wonderful", "brilliant", "fantastic", "perfect",
        "good", "superb", "impressive", "lovely", "amazing", "beautiful", "terrific", "splendid",
    ]
}

extension PolitenessLexicon {
    /// Every rule, by cue (order inside the list matters only between rules of equal length and position).
    static let all: [Rule] =
        rules(.gratitude, [
            "thanks", "thank", "thankyou", "thank-you", "thx", "thanx", "thnx", "appreciate", "appreciated", "appreciates",
            "appreciating", "appreciation", "grateful", "gratefully", "thankful",
        ])
        + rules(.greeting, at: .start, ["hi", "hello", "hey", "heya", "hiya", "howdy", "hallo", "dear", "greetings", "good day"])
        + rules(.greeting, ["good morning", "good afternoon", "good evening"])
        + rules(.apology, [
            "sorry", "so sorry", "apologies", "apology", "apologize", "apologizes", "apologized", "apologizing", "apologise",
            "apologises", "apologised", "apologising", "apologetic", "excuse me", "pardon", "forgive me", "my bad", "my mistake",
            "regret", "regrets", "regretfully", "oops", "hate to",
        ])
        + rules(.pleaseStart, at: .start, pleaseWords)
        + rules(.please, pleaseWords)
        + rules(.hedge, [
            "maybe", "perhaps", "possibly", "probably", "presumably", "apparently", "somewhat", "might", "could", "would",
            "seem", "seems", "seemed", "seemingly", "suggest", "suggests", "suggested", "suggesting", "suggestion", "suggestions",
            "wonder", "wondering", "wondered", "hopefully", "i think", "i believe", "i guess", "i suppose", "i feel", "i suspect",
            "i assume", "i hope", "we think", "we believe", "not sure", "unsure", "kind of", "sort of", "a bit", "a little",
            "by the way", "btw", "if possible", "in my opinion", "imho", "imo", "it appears", "i'd like", "i'd love",
        ])
        + rules(nil, ["could not", "would not", "never mind", "so far", "don't you", "dont you"])
        + rules(.indirectRequest, [
            "could you", "would you", "could u", "would u", "could i", "could we", "would it", "could it", "would there",
            "do you mind", "if you could", "if you would", "if you can", "if you don't mind", "if you dont mind",
            "is it possible", "is there any way", "is there a way", "any chance",
        ])
        + rules(.modalRequest, ["can you", "can u", "will you", "will u", "can we", "can i", "may i", "may we"])
        + rules(.deference, negatable: true, complimentAdjectives.flatMap { a in complimentNouns.map { "\(a) \($0)" } })
        + rules(.deference, [
            "well done", "with respect", "respectfully", "you're right", "youre right", "you are right", "you were right",
            "you're correct", "you are correct", "kind of you", "nice of you", "good of you", "sweet of you", "impressed",
            "kudos", "bravo", "congratulations", "congrats", "what do you think", "what do you suggest", "what would you suggest",
            "what are your thoughts", "what's your opinion", "what is your opinion",
        ])
        + rules(.deference, at: .start, startAdjectives)
        + rules(.positiveWord, negatable: true, [
            "glad", "happy", "pleased", "pleasure", "pleasant", "helpful", "welcome", "kind", "great", "good", "nice",
            "excellent", "awesome", "wonderful", "fantastic", "brilliant", "perfect", "lovely", "amazing", "love", "loved",
            "enjoy", "enjoyed", "best", "cool", "interesting", "impressive", "superb",
        ])
        + rules(.positiveWord, ["don't worry", "dont worry", "no problem", "not a problem", "no worries", "my pleasure", "you're welcome", "youre welcome"])
        + rules(.inclusive, ["we", "us", "our", "ours", "ourselves", "let's", "lets", "we're", "we've", "we'll", "we'd", "together"])
        + rules(.goodWishes, [
            "regards", "best regards", "kind regards", "warm regards", "warmest regards", "best wishes", "all the best", "cheers",
            "take care", "good luck", "best of luck", "hope this helps", "happy holidays", "merry christmas", "happy new year",
        ])
        + rules(.goodWishes, ["nice", "good", "great", "lovely", "wonderful", "fantastic", "pleasant"].flatMap { a in
            ["day", "weekend", "evening", "night", "week", "one", "time"].map { "have a \(a) \($0)" }
        })
        + rules(.goodWishes, ["day", "weekend", "evening"].map { "enjoy your \($0)" })
        + rules(.imperativeStart, at: .start, [
            "add", "answer", "ask", "be", "bring", "call", "cancel", "change", "check", "come", "contact", "correct", "delete",
            "drop", "explain", "find", "fix", "follow", "get", "give", "go", "hurry", "keep", "leave", "listen", "look", "make",
            "move", "provide", "put", "quit", "read", "refund", "remove", "reply", "respond", "restore", "return", "revert",
            "send", "show", "sign", "start", "stop", "submit", "take", "tell", "try", "undo", "update", "use", "wait", "watch",
            "write", "learn", "calm", "grow", "cut", "speak", "pay", "think", "do not", "don't", "dont",
        ])
        + rules(.youStart, at: .start, [
            "you", "your", "you're", "youre", "you've", "youve", "you'll", "youll", "you'd", "youd", "u", "ur", "yours",
            "yourself",
        ])
        + rules(.directQuestion, at: .startOfQuestion, [
            "why", "what", "what's", "whats", "who", "who's", "whos", "whom", "whose", "how come",
        ])
        + rules(.conjunctionStart, at: .start, ["so", "and", "but", "or", "then"])
        + rules(.factuality, [
            "actually", "obviously", "clearly", "seriously", "in fact", "the fact is", "the point is", "the truth is",
            "the reality is", "as a matter of fact",
        ])
        + rules(.negativeWord, negatable: true, [
            "wrong", "never", "useless", "ridiculous", "unacceptable", "nonsense", "incompetent", "incompetence", "pathetic",
            "terrible", "awful", "horrible", "horrendous", "dreadful", "worst", "worse", "hate", "hated", "hates", "disgusting",
            "disgrace", "disgraceful", "annoying", "annoyed", "lazy", "lied", "liar", "liars",
            "garbage", "rubbish", "junk", "shame", "shameful", "absurd", "lame", "sucks", "suck", "sucked", "bad", "poor",
            "poorly", "mess", "disappointed", "disappointing", "disappointment",
            "frustrated", "frustrating", "frustration", "angry", "furious", "upset", "rude", "rudely", "unprofessional", "silly",
            "bizarre", "insane", "crazy", "outrageous", "ignorant", "arrogant", "childish", "pointless", "unhelpful", "hopeless",
            "waste", "wasted", "wasting", "laughable",
        ])
        + rules(.blame, [
            "your fault", "your mistake", "your problem", "you never", "you always", "you failed", "you fail", "you didn't",
            "you did not", "you didnt", "you don't even", "you don't understand", "you dont understand", "you don't care",
            "you dont care", "you keep", "you refuse", "you refused", "you ignored", "you ignore", "you lied", "you broke",
            "you messed", "you screwed", "you obviously", "you clearly", "you people", "can't you", "cant you", "how dare",
            "blame", "blamed", "blaming", "u never", "u always", "u didn't", "u didnt",
        ])
        + rules(.obligation, [
            "you must", "you need to", "you have to", "you should", "you'd better", "you had better", "you better", "you ought",
            "you gotta", "u must", "u need to", "u have to", "u should",
        ])
        + rules(.profanity, [
            "shit", "damn", "dammit", "damned", "goddamn", "goddamned", "hell", "crap", "crappy", "wtf", "stfu", "bitch",
            "bitches", "bitchy", "asshole", "assholes", "arse", "arsehole", "bastard", "bastards", "piss", "pissed", "dick",
            "dickhead", "bollocks", "bloody", "idiot", "idiots", "idiotic", "moron", "morons", "moronic", "stupid", "stupidity",
            "dumb", "dumbass", "loser", "losers", "jerk", "jerks", "retard", "retarded", "shut up", "screw you", "piss off",
            "get lost",
        ])
}
