/// The words generated bodies are assembled from: domain nouns, verbs, adjectives, names,
/// products, teams, places, causes and fixes, jargon and acronyms, and a few other languages'
/// phrases. Large on purpose: `rapport generate` should not repeat sentences, so that speed
/// measured on its data is not the speed of caches keyed by content (issue 18).
enum Vocabulary {
    /// Splits a list written as `a|b c|d` (entries may hold spaces).
    static func list(_ s: String) -> [String] { s.split(separator: "|").map { String($0) } }
    /// Splits a list of single words.
    static func words(_ s: String) -> [String] { s.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { String($0) } }

    static let firstNames = words("""
        Ana Ben Carla Dan Luis Maria Pedro Arjun Priya Vikram Niamh Sean Jane Max Li Sara Tom Pia Omar Aisha Bruno Chen Diego
        Elena Farid Greta Hana Ivan Julia Kofi Lena Marco Nadia Oscar Paula Quentin Rosa Samir Tara Umar Vera Wei Xavier Yara
        Zoe Adele Bilal Chiara Dmitri Emma Felix Gabriel Helga Ines Jonas Kira Lars Mei Nils Olga Pablo Rania Stefan Tomas Ugo
        Valentina Wanda Yusuf Zeynep Amir Beatriz Conor Dilara Erik Fatima Goran Hiro Isla Jakub Kamala Leon Mira Nikhil Orla
        Piotr Ravi Sofia Teodor Uma Viktor Wendy Yasmin Zara Alice Boris Camille Daniel Esther Frank Grace Hugo Ida Joel Karin
        Liam Maya Noah Olivia Paolo Rahul Sana Theo Ulla Vivek Willem Yuki Anika Basil Cora Darius Elif Femi Gloria Hassan Irene
        Jorge Kai Lucia Malik Nora Otto Petra Rui Sven Tanvi Uri Vlad Wren Yann Zain Agnes Bas Cleo Dario Eva Filip Gita Henrik
        Imran Jana Karl Laila Mateo Nina Oren Pilar Reza Selin Tiago Ursula Vinod Xena Yosef Zuzana
        """)
    static let lastNames = words("""
        Cruz Reyes Santos Lim Gomez Diaz Ruiz Rao Nair Shah Byrne Walsh Roe Mustermann Wei Okafor Berg Silva Lind Haddad Abbott
        Becker Castillo Dalton Eriksen Fischer Garcia Hoffmann Ibrahim Jensen Kowalski Larsen Moreau Novak Olsen Petrov Quinn
        Rossi Schmidt Tanaka Umarov Varga Weber Xu Yilmaz Zimmermann Andersson Bianchi Costa Dubois Esposito Ferreira Gruber
        Horvat Iyer Jovanovic Kim Lopez Meyer Nakamura Ortiz Pereira Ramos Suzuki Torres Usman Vogel Wagner Young Zhang Alvarez
        Brown Chaudhry Davies Evans Fernandes Green Hughes Ito Johansson Khan Lambert Martins Nguyen OBrien Patel Romero Sato
        Taylor Urban Vasquez Wilson Yamamoto Zielinski Arslan Bauer Carvalho Demir Engel Fuchs Gupta Hansen Ivanova Jung Keller
        Lehmann Mendes Nowak Oliveira Park Richter Sandoval Tran Ueda Vidal Wolf Yadav Ziegler Akhtar Brandt Chavez Dahl Ekman
        Farouk Gallo Hartmann Ismail Jaramillo Kaur Lorenz Mahmoud Nielsen Ozturk Pires Reddy Stein Toth Uddin Voss Winter
        """)
    static let teams = list("""
        billing|payroll|onboarding|night shift|weekend|tier two|quality|workforce planning|finance|legal|procurement|data|\
        reporting|training|escalations desk|chat|voice|email|back office|retention|collections|returns|claims|sales support|\
        field service|identity|network|platform|integration|analytics|compliance|security|facilities|HR|logistics|warehouse|\
        customer care|partner care|fraud|accounts|renewals|dispatch|knowledge|release|service desk|monitoring
        """)
    static let roles = list("""
        Service Desk|Team Lead|Account Manager|Operations Manager|Support Engineer|Quality Analyst|Workforce Planner|\
        Service Delivery Manager|Billing Specialist|Trainer|Incident Manager|Data Analyst|Customer Success|Shift Supervisor|\
        Project Coordinator|Vendor Manager|IT Operations|Head of Support|Process Owner|Escalation Engineer
        """)
    static let cities = words("""
        Berlin Manila Bogota Kolkata Dublin Lisbon Madrid Warsaw Prague Vienna Munich Hamburg Cebu Davao Medellin Cali Pune
        Chennai Cork Galway Krakow Porto Seville Lyon Milan Turin Riga Tallinn Vilnius Sofia Bucharest Athens Cairo Nairobi
        Lagos Accra Lima Quito Santiago Montevideo Toronto Austin Denver Atlanta Boston Leeds Glasgow Cardiff Utrecht Ghent
        Aarhus Malmo Bergen Tampere Gdansk Brno Zagreb Split Izmir Dubai Bangalore Hyderabad Mumbai Colombo Hanoi Jakarta
        """)
    static let weekdays = words("Monday Tuesday Wednesday Thursday Friday")
    static let months = words("January February March April May June July August September October November December")
    static let productHeads = words("""
        Nimbus Orion Atlas Vega Helix Quartz Summit Harbor Falcon Cedar Lumen Nova Pioneer Beacon Apex Delta Ember Fjord Granite
        Horizon Iris Juniper Kestrel Lotus Meridian Nexus Onyx Polar Radiant Sierra Tundra Vertex Willow Zephyr Aurora Cobalt
        Echo Flux Glacier Maple
        """)
    static let productTails = words("""
        Desk Ledger Connect Portal Flow Suite Hub Sync Vault Chat Care Pay Track Insight Voice Cloud Link Forms Point Base
        Works Scheduler Router Monitor Assist Bridge Planner Archive Gateway Studio
        """)
    static let companyHeads = words("""
        Brightline Northwind Contoso Fabrikam Tailspin Wingtip Litware Proseware Adatum Lucerne Fourth Coffee Margie Alpine
        Blue Yonder Woodgrove Trey Humongous Wide World Southridge Coho Datum Relecloud Fernhill Redwood Sterling Kingsley
        Oakmont Riverside Silverlake Greenfield
        """)
    static let companyTails = words("Bank Insurance Retail Airlines Energy Telecom Health Logistics Foods Motors Media Travel Pharma Realty Labs")
    /// Things a client asks about (singular).
    static let things = list("""
        export|invoice|report|dashboard|schedule|roster|forecast|ticket|queue|macro|template|script|playbook|checklist|\
        knowledge base article|training deck|call recording|chat transcript|survey|escalation|refund|credit note|purchase order|\
        timesheet|shift plan|headcount plan|access request|password reset|login|account|licence|seat|laptop|headset|VPN token|\
        routing rule|IVR menu|chatbot flow|handover|callback|SLA report|quality scorecard|coaching plan|audit trail|data extract|\
        backup|migration|release note|change request|incident|problem record|root cause analysis|status page|phone line|\
        mailbox|distribution list|shared drive|spreadsheet|contract|statement of work|rate card|capacity plan|holiday calendar|\
        attendance report|overtime request|bonus calculation|customer list|feedback form|web form|order|shipment|return label|\
        warranty claim|complaint|case note|tag|workflow|integration|webhook|API key|certificate|firewall rule|user group|\
        permission set|dashboard filter|weekly summary|monthly review|QBR deck|handbook|policy|consent form|retention rule
        """)
    static let plural = list("""
        exports|invoices|reports|dashboards|schedules|rosters|tickets|queues|macros|templates|scripts|checklists|articles|\
        recordings|transcripts|surveys|escalations|refunds|credit notes|orders|timesheets|shift plans|access requests|\
        password resets|logins|accounts|licences|seats|laptops|headsets|routing rules|callbacks|scorecards|extracts|backups|\
        incidents|change requests|mailboxes|spreadsheets|contracts|agents|supervisors|trainees|customers|cases|claims|returns|\
        shipments|complaints|forms|tags|workflows|webhooks|certificates|user accounts|records|rows|entries|calls|chats|emails|\
        messages|attachments|notifications|reminders|alerts|approvals|payments|transactions|bookings|appointments|subscriptions
        """)
    /// Systems and places where things go wrong.
    static let systems = list("""
        billing portal|ticketing tool|CRM|phone system|chat widget|reporting database|payroll system|HR portal|knowledge base|\
        workforce tool|dialler|IVR|email gateway|SSO login|data warehouse|nightly export job|order system|warehouse scanner|\
        customer app|web shop|mobile app|help centre|status page|survey tool|quality tool|recording server|VPN|shared drive|\
        calendar sync|invoice generator|payment gateway|fraud filter|address validation|shipping API|returns portal|\
        partner portal|agent desktop|supervisor dashboard|routing engine|chatbot|translation plugin|spam filter|archive|\
        identity provider|licence server|file transfer|print queue|time tracking tool|scheduling tool|forecasting model
        """)
    static let problems = list("""
        missing rows|duplicate entries|timeouts|slow responses|wrong totals|empty fields|broken links|failed logins|\
        dropped calls|lost chats|late deliveries|wrong prices|double charges|stuck tickets|blank pages|error messages|\
        wrong time zones|outdated figures|missing attachments|bounced emails|garbled characters|expired passwords|\
        locked accounts|wrong language|missing translations|incorrect tax|long queues|unanswered callbacks|lost recordings|\
        truncated transcripts|mismatched IDs|stale caches|skipped steps|misrouted cases|duplicate invoices|missing credits|\
        wrong addresses|failed payments|partial exports|corrupt files|unreadable PDFs|wrong currency|missing signatures|\
        delayed notifications|repeated reminders|wrong priorities|unassigned cases|orphaned records|wrong headcount
        """)
    static let causes = list("""
        a filter that excluded closed tickets|an expired certificate on the gateway|a typo in the routing rule|\
        the new password policy|a change in the tax table|a missing index on the reporting database|a full disk on the export server|\
        a time zone setting that still pointed at UTC|an old template that nobody retired|a permissions change last week|\
        a failed job that nobody restarted|a vendor update to the dialler|a duplicated webhook|a rate limit on the shipping API|\
        a manual import that ran twice|a cache that was never cleared|a script that assumed US dates|a mapping table with gaps|\
        a licence that ran out on Sunday|a firewall rule that blocked the new range|two agents sharing one login|\
        a training gap on the new process|a queue that was paused by mistake|the wrong price list in the shop|\
        an outage at our telecom provider|a bug in the latest release|a misconfigured holiday calendar|a spreadsheet formula error|\
        a customer file with a broken encoding|a scheduled job that overlapped with the backup|a change that skipped review|\
        a missing translation key|a retired mailbox that still had a forwarding rule|a duplicate account in the directory
        """)
    static let fixes = list("""
        fixed the filter and reran the export|renewed the certificate|corrected the rule and replayed the cases|\
        added a help text to the login page|updated the tax table|added the missing index|cleared space and restarted the job|\
        switched the setting to local time|retired the old template|restored the permissions|restarted the job and added an alert|\
        rolled back the dialler update|removed the duplicate webhook|asked the provider to raise the limit|\
        deleted the second import|cleared the cache|changed the script to ISO dates|filled the gaps in the mapping table|\
        renewed the licence for a year|opened the firewall for the new range|gave each agent a personal login|\
        scheduled a refresher session|resumed the queue|loaded the right price list|moved traffic to the backup carrier|\
        deployed a hotfix|corrected the holiday calendar|fixed the formula and checked every sheet|asked the customer for a clean file|\
        moved the job to an earlier slot|added a review step|added the missing keys|removed the forwarding rule|merged the accounts
        """)
    static let adjectives = words("""
        new old current previous weekly monthly daily nightly quarterly corrected updated revised final draft shared internal
        external urgent pending open closed missing late early partial complete detailed short long manual automatic regional
        central local remote temporary permanent recent outstanding overdue approved rejected signed unsigned duplicate
        separate combined standard custom priority premium basic extended upcoming scheduled planned unplanned
        """)
    static let verbsPast = words("""
        checked reviewed updated fixed restarted replaced corrected rebuilt migrated archived merged split tested verified
        reconciled reran reloaded refreshed cleaned patched upgraded downgraded retrained reassigned reopened closed escalated
        documented approved signed sent shared uploaded exported imported renamed moved removed restored cancelled rescheduled
        """)
    static let verbsBase = words("""
        check review update fix restart replace correct rebuild migrate archive merge split test verify reconcile rerun reload
        refresh clean patch upgrade retrain reassign reopen close document approve sign send share upload export import rename
        move remove restore cancel reschedule confirm explain forward resend compare investigate trace
        """)
    static let deadlines = list("""
        by Friday|by the end of the day|before the weekend|tomorrow morning|this afternoon|before the next payroll run|\
        before the audit|by Monday noon|before the board meeting|within the hour|by the end of the week|before month end|\
        before the release|by close of business|before the customer call|ahead of the quarterly review|today if possible|\
        before the holidays|by Wednesday|first thing tomorrow
        """)
    static let metrics = list("""
        first contact resolution|average handle time|customer satisfaction|abandon rate|service level|backlog size|\
        reopen rate|response time|resolution time|attendance|occupancy|schedule adherence|quality score|net promoter score|\
        escalation rate|transfer rate|refund volume|error rate|cost per contact|agent attrition
        """)
    static let jargonNouns = list("""
        synchronisation middleware|reconciliation workload|remediation initiative|governance framework|optimisation roadmap|\
        stakeholder alignment|operational excellence programme|transformation workstream|capability uplift|\
        continuous improvement methodology|end-to-end orchestration layer|cross-functional escalation matrix|\
        authentication infrastructure|configuration management database|validation lifecycle|utilisation metrics|\
        service integration architecture|knowledge management repository|performance management cadence|\
        resourcing prioritisation exercise|change advisory procedure|contractual obligation framework|\
        interdependency assessment|business continuity provisioning|operational resilience posture|quality assurance apparatus|\
        multichannel engagement ecosystem|incident categorisation taxonomy|capacity rebalancing mechanism|\
        deliverable harmonisation process
        """)
    static let jargonVerbs = list("""
        operationalised|institutionalised|recontextualised|rationalised|harmonised|standardised|deprioritised|\
        reconfigured|recalibrated|systematised|consolidated|instrumented|decommissioned|reprioritised|revalidated|\
        contextualised|streamlined|parameterised|industrialised|formalised
        """)
    static let jargonAdverbs = list("""
        intermittently|comprehensively|systematically|holistically|proactively|inadvertently|provisionally|preliminarily|\
        substantively|incrementally|definitively|collaboratively|strategically|retrospectively|predominantly
        """)
    static let acronyms = words("""
        SOW SLA RCA ETL DWH CDC NOC CAB ETA EOD IAM SSO MFA VPN ACL KB SOP WFM AHT FCR KPI QA CSAT QBR CRM IVR ACD API SFTP
        DNS TLS LDAP AD SIEM ITSM CMDB MTTR MTBF NPS OKR PMO RACI UAT SIT DR BCP HA SAN NAS VM DB PII GDPR PCI SOC ISO TCO ROI
        RFP PO GL AP AR HRIS ATS LMS CSV PDF XML JSON ERP WMS TMS OMS POS EDI
        """)
    /// Acronyms that name a kind of record, used in acronym-heavy answers.
    static let acronymPairs = list("""
        RCA on the ETL|CAB for the DNS change|UAT for the CRM patch|SOP for MFA resets|KPI pack for the QBR|\
        AHT and FCR for Q3|SLA breach on the IVR|MTTR for the P1|DR test for the DWH|CDC lag on the DB|\
        ACL on the SFTP|TLS cert on the API|SIEM alert on the VPN|ITSM ticket for the CMDB|PII scan for GDPR|\
        PO for the SOW|WFM forecast for EOM|CSAT dip on the ACD|LDAP sync for the AD|ROI case for the TCO
        """)

    // Other languages (the client sits in Berlin; partners in Bogota and elsewhere).
    static let germanThings = words("Rechnung Export Bericht Dienstplan Vertrag Zugang Auswertung Schulung Liste Datei Abrechnung Vorlage")
    static let spanishThings = words("factura informe exportación horario contrato acceso reporte capacitación lista archivo pedido plantilla")
    static let frenchThings = words("facture rapport export planning contrat accès tableau formation liste fichier commande modèle")
}
