/// Sentence shapes for generated bodies, by who writes them and in which style or tone.
/// Client messages that can be short (bumps, acknowledgements) keep the acknowledgement rule
/// in mind: a bump has a `?` or no acknowledgement phrase; an acknowledgement stays within
/// twelve words.
enum Sentences {
    static let questions = Template.all([
        "Could you check why the {adj} {thing} from {day} is missing about {big} {things}?",
        "We see a spike in {things} since {day}. Can you find out what changed [in the {sys}|on your side|for {customer}]?",
        "The {thing} for {month} lists {n} {things} but we only had {n} on the account.",
        "Several customers in {city} report {problem} in the {sys} since the weekend.",
        "Please send the {adj} {thing} for the {team} team {deadline}.",
        "Our auditors need the {things} from {month}. How long will the {thing} take?",
        "The {thing} on {product} still shows the [old|{month}|wrong] figures. Can you update it [{deadline}|for {customer}|before {day}]?",
        "New starters in {city} cannot reach the {sys}. Is the {thing} up to date?",
        "Since the {ver} release of {product} we get {problem} on about {pct} of the {things}.",
        "Can you tell me who owns the {thing} for {customer} now that {name} has left?",
        "What is the status of ticket {ref}? The customer from {customer} called again this morning.",
        "Is there a reason the {metric} for {month} dropped to {pct}?",
        "We need {n} more agents on the {team} queue from {day}. Is that possible [at short notice|for {customer}|until {date}]?",
        "The {sys} showed {problem} between {time} and {time} on {day}. Was that [on your side|a planned change|related to {ref}]?",
        "Who approved the change to the {thing} for {customer}? Nobody [on our side|in the {team} team|here] knew about it [until {day}|before {ref}|at all].",
        "Please confirm the {thing} total of {amount} for {month} before we pay it.",
        "I just noticed {big} {adj} {things} in the {sys}. Where do they come from, and who [created|approved|imported] them?",
        "Can your {team} team take over the {things} for {customer} from {date}?",
        "Our {team} lead {name} asks whether the {thing} can be split by {city} and {city}.",
        "The {metric} in the {adj} {thing} does not match our own figures for week {week}. Which [one|number|figure] is right, {pct} or {pct}?",
        "How many of the {things} from {date} are still open, and when will they be closed?",
        "We plan to move the {things} for {product} to the {sys} in {month}. What do you need from [us|{name}|our {team} team]?",
        "{customer} complained that {problem} keep showing up in the {sys}. Can you look into it {deadline}?",
        "Is the {thing} {ref} linked to the {problem} we reported on {day}?",
        "Could you share the {adj} {thing} with {full} from our {team} team?",
        "I cannot find the {thing} for {customer} in the {sys}. Was it moved [on {day}|to the {sys}|by {name}]?",
        "The {things} for {city} were due on {date} and we have not received them yet.",
        "We are preparing the {month} review with {customer}. Can you send the {metric} per week?",
        "Why does the {sys} still list {n} {things} that were closed on {date}?",
        "A customer [from {city}|of {customer}|in {city}] paid {amount} twice through the {sys}. How quickly can you refund it?",
        "Do you have capacity to {v} the {things} for {customer} before {month}?",
        "We would like to add {product} to the scope from {date}. What would that cost per [month|seat|agent] for {n} agents?",
    ])
    static let details = Template.all([
        "It started on {day} around {time}.", "About {n} agents on the {team} team are affected.",
        "The last good {thing} we have is from {date}.", "{name} from our {team} team first noticed it.",
        "Ticket {ref} has the screenshots.", "It only happens for customers of {customer}.",
        "We did not change anything on our side since {date}.", "The numbers in the {sys} and in the {thing} differ by {big}.",
        "This blocks the {adj} {thing} for {customer}.", "Our {team} lead needs an answer {deadline}.",
        "The same happened in {month}, when it was {cause}.", "We have {n} customers waiting in {city} alone.",
        "The {metric} is already down to {pct} this week.", "I attached the {thing} we exported at {time}.",
        "It looks like {problem} again, as with {ref}.", "{full} can give you access to the {sys} if needed.",
        "The {things} in {city} look fine; only {city} is affected.", "Our contract says the {thing} is due on the {n}th.",
        "We checked the {sys} ourselves and saw {big} {things} with {problem}.", "Version {ver} of {product} is what we run.",
    ])
    static let clientPolite = Template.all([
        "I hope you had a good [weekend|week|trip to {city}|start into {month}].", "Thank you for your help with {ref} last week.",
        "Many thanks in advance for looking into [this|the {thing}|{ref}|the {problem}].", "I really appreciate how quickly your team handled the {thing}.",
        "Sorry to bother you again with [this|the {thing}|{ref}|the {problem} in {city}].", "Would you be able to have a look {deadline}?",
        "If you could send [me|{name}|our {team} team] a short note once [it is done|the {thing} is fixed|{ref} is closed], that would be great.",
        "Great work on the {thing} for {customer}, by the way.", "We are grateful for the extra shifts in {month}.",
        "Thanks again to {name} for the quick answer on {day}.", "I know your team is busy with {customer}, so thank you for your time.",
    ])
    static let clientCurt = Template.all([
        "Fix this {deadline}.", "This is unacceptable[| for {customer}| after {ref}| in week {week}].", "Why is [this|the {thing}|{ref}] still not done?", "You said the same thing in {month}.",
        "Send me the {thing} now.", "Seriously, this is the {ord} time.", "I need this {deadline}, no excuses.",
        "Your team keeps missing the {thing} deadlines.", "So what exactly is going on with the {sys}?",
        "Stop sending {things} without checking them.", "You never tell us when the {sys} is down.", "What a mess[| this {thing} is| in the {sys}].",
        "This is not what we pay {amount} a month for.", "Answer the question about the {thing}.", "Obviously nobody checked the {thing} before sending it.",
    ])
    static let plainAnswers = Template.all([
        "We found the cause: {cause}. We {fix}.", "The {problem} came from {cause}, and we {fix} on {day}.",
        "You are right, {n} {things} were counted twice. We will send a corrected {thing} {deadline}.",
        "The {thing} broke after {day}'s release of {product}. We rolled it back and the {things} work again.",
        "The {adj} {thing} is attached. Every shift has cover, including the bank holidays in {month}.",
        "{name} on our {team} team {ved} the {thing} and found {big} {adj} {things}.",
        "We {ved} all {things} from {date} and only {n} were affected.",
        "The figures are now correct in the {sys}; the {metric} for {month} is {pct}.",
        "Your {thing} {ref} is fixed and the customer from {customer} has been told.",
        "We added {n} agents to the {team} queue from {day} until the end of {month}.",
        "The {thing} was moved to the {sys} on {date}; {name} can send you the new link.",
        "Our {team} team will {v} the {things} {deadline} and report back.",
        "Nothing changed on our side, but we saw {problem} in the {sys} logs from {time} to {time}.",
        "The refund of {amount} was sent on {day} and should arrive within {n} days.",
        "We traced the {problem} to {cause}.", "From {date} the {things} for {city} are handled by {full}.",
        "We checked {big} {things} and the totals now match to the cent.",
        "The {metric} dropped because of {cause}; it is back to {pct} since {day}.",
        "We will {v} the {thing} once {name} is back from leave on {day}.",
        "The {adj} {things} are in the shared folder under {month}.",
        "The cost for {product} would be {amount} per month, starting {date}.",
        "We can take over the {things} for {customer} from {date} with {n} trained agents.",
    ])
    static let jargonAnswers = Template.all([
        "Following a comprehensive root-cause investigation leveraging our {jn}, we have identified that the {jn} {jadv} {jv} the {things}, consequently necessitating a {jn} which is currently being {jv} across environments.",
        "Per our preliminary assessment, the {jn}'s configuration parameters were {jadv} modified during the {month} maintenance window, and our organisation is presently evaluating mitigation alternatives in alignment with the {jn}.",
        "Regarding the {thing} discrepancy, our {team} operations department is undertaking a holistic verification of {metric} indicators; consequently, a definitive determination will be communicated subsequent to completion of the {jn}.",
        "In accordance with the {jn}, the {problem} affecting the {sys} have been {jv} and {jadv} {jv}.",
        "Our {jn} has been {jadv} {jv} to facilitate the expeditious resolution of the {things} identified on {date}.",
        "Subsequent to consultation with the relevant stakeholders, including {full}, remediation activities pertaining to the {sys} are anticipated to be finalised {deadline}.",
        "It should be emphasised that the {problem} originated from {cause}, which our {jn} has subsequently {jv}.",
        "The organisation's {jn} necessitates additional documentation regarding the {thing} prior to authorisation of the {amount} adjustment.",
        "We are {jadv} leveraging the {jn} to ensure the sustainability of the {metric} improvements across the {team} portfolio.",
        "Consequently, the {jn} will be presented for ratification at the {day} governance forum in {city}.",
        "Notwithstanding the aforementioned considerations, the {thing} {ref} remains under evaluation by the {jn}.",
        "Furthermore, the reconciliation of {big} {things} against the {sys} necessitated an unprecedented {jn}.",
    ])
    static let acronymAnswers = Template.all([
        "Per the SOW and the SLA, the {apair} shows the {acro} job on the {acro} failed at the {acro} step. Our NOC will apply the fix [in the next CAB|via an emergency CAB|after UAT], ETA [EOD {day}|{time} CET|{date}], ref {ref}.",
        "The IAM team confirmed the SSO and MFA config for the {acro}. The ACL [is updated|now covers {city}|has {n} new entries] and the KB has the [new|revised|updated] SOP for {product}.",
        "Our WFM tool shows the AHT and FCR KPIs for {month} at {pct} of target. The QA team will share the CSAT deck [at the next QBR|on {day}|with {full}].",
        "{apair}: done, ETA for the {acro} fix is EOD {day}.",
        "The {acro} on {product} is back, MTTR {n} min. RCA to follow via ITSM {ref}.",
        "PO {ref} for the {acro} is approved; {acro} access goes live {deadline}.",
        "We raised a P{p} in ITSM ({ref}) and paged the NOC; {acro} and {acro} are green again.",
        "FYI the {acro} export to the {acro} is on SFTP as CSV, {big} rows, PII masked per GDPR.",
        "UAT for {product} {ver} passed; CAB slot is {day} {time} CET, DR plan in the KB.",
        "The {acro} KPI for {city} is {pct} vs an SLA of {pct}; QA will check the {acro} scripts.",
        "Per the RACI, {full} owns the {acro} and the {acro} for {customer}.",
        "HA failover on the {acro} VM ran at {time}; no data loss, SOC informed.",
        "{acro} and {acro} tickets are tagged in the CRM; the WFM team adds {n} FTE from {day}.",
    ])
    static let mediumAnswers = Template.all([
        "Thanks for flagging [this|the {problem}|{ref}]. We looked into it and the issue came from {cause}, which we have now reverted. Let us know if you still see {problem}.",
        "We checked the numbers with our {team} team and found a mistake on our side. A corrected {thing} will follow {deadline}.",
        "The {thing} for {customer} was late because of {cause}. It went out [this morning|at {time}|to {full}].",
        "We have asked {full} to look at the {sys}; first results should be ready {deadline}.",
        "Short version: {cause}. We {fix}, and we will keep an eye on the {things} for a week.",
        "The {problem} are limited to the {team} queue; the rest of the {sys} looks fine.",
        "It was {cause}. Already fixed.", "Not our issue: the {sys} belongs to your {team} team.",
        "We updated the {thing} in {product} and sent it to {name}.",
        "The {things} from {date} are in, {n} of them still need a signature.",
        "Your numbers are wrong, the {metric} was {pct} in {month}, not lower.",
        "We changed the {thing}; check it again on {day}.",
    ])
    static let partnerPolite = Template.all([
        "[Sorry|Apologies|So sorry] for the delay in getting back to you [on {ref}|about the {thing}|, {name}|on this].", "[Thank you|Thanks|Many thanks] for your patience while we looked into [this|the {thing}|{ref}|the {problem}].",
        "We apologise for the inconvenience this caused the {team} team.", "Please let us know if there is anything else we can do for the {team} team.",
        "We really appreciate you flagging [this|the {problem}|{ref}] so quickly, {name}.", "Happy to walk you through [it|the {thing}|the new {sys} setup] on a call [on {day}|at {time}|this week] if that helps.",
        "Hope this helps, and have a [great|nice|lovely] [weekend|day|week] in {city}!", "Thanks a lot for the detailed report, {name}.",
        "Could you let us know if the {things} look right on your side now?", "Good catch on the {thing}, by the way.",
    ])
    static let partnerCurt = Template.all([
        "Read the runbook for the {sys} before opening a ticket.", "You didn't send the {thing} we asked for.",
        "Check the {sys} yourself, it is working.", "Actually, this was already explained in {ref}.",
        "Why was [this|the {problem}|{ref}] not reported [earlier|on {day}|before {time}]?", "Your [data|file|{thing}] was wrong, not ours.", "Send the full {thing} next time.",
        "This [is not our fault|was not caused by us].", "Obviously the {thing} was never tested on your side.", "Stop reopening {ref} without new information.",
    ])
    static let followUps = Template.all([
        "One more question: does this also affect the {adj} {things}?", "Can you confirm the fix also covers the agents in {city}?",
        "Understood. When will the corrected {thing} be available?", "Does the change to the {thing} also apply to {customer}?",
        "And what about the {things} from {date}, are they fixed as well?",
        "Ok. Who on your side can walk {name} through the new {thing}?",
        "How do we stop this from happening again before {month}?", "Will the {metric} figures for {month} be corrected too?",
        "Thanks. Is the {sys} also back to normal for {city}?", "[Good to hear|Sounds good|Fine], {name}. Can we get the {thing} for {customer} as well?",
    ])
    static let clarifications = Template.all([
        "Could you clarify what this means for the {things} in {city}?", "I'm not sure I understand [your answer|the last part|this]. Is the {thing} [fixed or not|live in {city}|done for {customer}]?",
        "What do you mean by {jn}?", "What do you mean by {acro}?",
        "Sorry, can you explain that in plain words? We just need to know when the {thing} works again [for {customer}|in {city}|for the {team} team].",
        "Your last message about the {thing} is unclear to me: who is doing what, and by when?",
        "I am confused by the {acro} and {acro} part. Which system failed on {day}, the {sys} or the {sys}?",
        "Please clarify whether the {amount} adjustment is already in the {thing}.",
        "Not sure we understand the {jn} part. Can you give us a date for {ref}?",
    ])
    static let politeBumps = Template.all([
        "Any update on this?", "Just following up on the message below about the {thing}. Could you give [us|{name}] a status by {time}?",
        "Is there any news on {ref}?", "Can you give me a status on the {thing}, please?",
        "Sorry to chase, but {customer} is asking about this again. Any update?",
        "Gentle reminder: we still need the {thing} {deadline}. Can you confirm [that|it|the date], {name}?",
        "Could you let me know where we stand with the {things} for {city}?",
    ])
    static let curtBumps = Template.all([
        "Still waiting on this.", "Hello? Nobody has answered for {n} hours.", "Why is there still no reply?",
        "This is the {ord} reminder. Answer today.", "We need an answer on {ref} now.", "No reply since {day}. What is going on?",
    ])
    static let acknowledgements = Template.all([
        "Thanks, that works!", "Perfect, thank you.", "Got it, thanks!", "Great, all good now.", "Thanks!", "Noted, thanks.",
        "Thank you {name}, that works.", "Thanks {name}, all good.", "Perfect, much appreciated.", "Got it.", "Noted.",
        "Great, thanks for the quick fix.", "Cheers {name}!", "Thanks, looks good now.", "All good on our side, thanks.",
        "Appreciated, {name}.", "Thank you, looks right now.", "Perfect, that works for {city}.",
    ])
    static let acknowledgementTails = Template.all([
        "Closing it on our side.", "{name} confirmed it too.", "Will check again on {day}.", "The {things} look right.",
        "See you on {day}.",
    ])
    static let proactive = Template.all([
        "Quick update: the monitoring we added shows no further {problem} since {day}.",
        "FYI, we will deploy the permanent fix for {ref} in tonight's maintenance window at {time}.",
        "A short heads-up: our {team} lead {name} will join the next weekly review to walk through the incident.",
        "Heads-up: the {sys} will be down for maintenance on {day} from {time} to {time}.",
        "Small update on {ref}: {n} of the {big} {things} are reprocessed, the rest follow {deadline}.",
        "We noticed {problem} in the {sys} this morning and fixed it before it reached your customers.",
        "Just so you know, {full} takes over the {customer} account from {date}.",
        "The {month} {thing} is ready early; you will find it in the shared folder.",
    ])
    static let jargonProactive = Template.all([
        "Please be advised that the {jn} will be {jv} on {date} in alignment with the {jn}.",
        "As part of our {jn}, the {sys} has been {jadv} {jv} to pre-empt further {problem}.",
    ])
    static let acronymProactive = Template.all([
        "FYI: CAB approved the {acro} change, window {day} {time} CET, ETA {n} min.",
        "Heads-up: {acro} maintenance on the {acro} tonight; SLA clock paused per SOW.",
    ])
    static let escalations = Template.all([
        "If this is not fixed today I will have to escalate this to your manager.",
        "This keeps happening; I need to speak to your manager about it.",
        "I am escalating this to {full}, our head of {team}.",
        "Please ask your supervisor to call me; I want to speak with a supervisor today.",
        "Next time this goes straight to escalation with {customer} in copy.",
        "We will escalate this in the {month} review unless it is solved {deadline}.",
    ])
    static let german = Template.all([
        "Könnt ihr bitte prüfen, warum der {de} vom {date} fehlt? Es geht um etwa {big} Einträge.",
        "Seit {deday} sehen wir deutlich mehr Fehler im System. Was hat sich bei euch geändert?",
        "Bitte schickt uns die aktuelle {de} für das Team in {city} bis {deday}.",
        "Die {de} für {demonth} stimmt nicht: {n} Positionen sind doppelt berechnet.",
        "Wer ist bei euch jetzt für {customer} zuständig, nachdem {name} gegangen ist?",
        "Gibt es schon einen Termin für die Korrektur von Ticket {ref}?",
        "Unsere Buchhaltung braucht die Zahlen bis {deday}, sonst verschiebt sich die Zahlung.",
        "Wir haben {n} neue Mitarbeiter in {city}, die noch keinen Zugang zum Portal haben.",
    ])
    static let spanish = Template.all([
        "Encontramos la causa del problema con la {es}: un filtro excluía los tickets cerrados.",
        "Ya corregimos la {es} de {esmonth} y la enviaremos hoy mismo.",
        "El equipo de {city} revisó {big} registros y solo {n} tenían errores.",
        "La migración terminó el {esday}; por favor avísennos si ven algún problema.",
        "Disculpen la demora, estamos esperando la confirmación del proveedor.",
        "{name} se encarga desde ahora de las cuentas de {customer}.",
        "El reembolso de {amount} se procesó el {esday} y debería llegar en {n} días.",
        "Hemos añadido {n} agentes al turno de noche hasta finales de {esmonth}.",
    ])
    static let french = Template.all([
        "Nous avons trouvé l'origine du problème avec le {fr} : une règle de routage erronée.",
        "Le {fr} corrigé pour {frmonth} vous sera envoyé avant {frday}.",
        "Notre équipe de {city} a vérifié {big} dossiers ; seuls {n} étaient concernés.",
        "Désolés pour le retard, nous attendons encore la réponse du fournisseur.",
        "{name} reprend le suivi du compte {customer} à partir du {date}.",
        "Le remboursement de {amount} a été effectué le {frday}.",
    ])
    static let greetings = Template.all([
        "Hi {name},", "Hello {name},", "Dear {name},", "Dear {full},", "Hi,", "Hello team,", "Hello {team} team,", "Good morning,",
        "Good morning {name},", "Good afternoon {name},", "Hi all,", "Hey {name},", "Dear support,", "Dear colleagues,", "Hello,",
    ])
    static let signOffs = [
        "Thanks,", "Best regards,", "Kind regards,", "Cheers,", "Regards,", "Best,", "Many thanks,", "Thank you,", "Warm regards,",
        "Speak soon,", "All the best,",
    ]
    static let outOfOffice = Template.all([
        "I am out of the office until {day} {date} with limited access to e-mail. For urgent matters please contact {full}.",
        "Thanks for your e-mail. I am on leave until {date}; {name} covers the {team} queue in the meantime.",
        "I am travelling to {city} until {day} and will reply when I am back.",
    ])
    static let digests = Template.all([
        "This week's digest of service news: {product} {ver} is out, {n} tips on {metric}, and a case study from {customer} in {city}.",
        "Service digest, week {week}: what {customer} learned about {metric}, and the {product} roadmap for {month}.",
    ])
}
