-- Response-latency figures per ISO week and partner, computed from the raw e-mail export with
-- DuckDB: what a user would write instead of running Rapport. It implements METRICS.md
-- "Response latency" for answered turns as far as `rapport generate` data needs: duplicates
-- once, threads by thread_id / in_reply_to chains / normalised subject plus organisations,
-- parties by domain, automated senders skipped, acknowledgements opening no turn (text cleaned
-- of quoted history and signatures), a turn opened by the first client message while none is
-- open and answered by the next partner message, type-7 percentiles (quantile_cont).
-- Parameters (SET VARIABLE): files (a glob), zone (IANA).

-- The parties of `rapport generate`'s pipeline: an address's domain or any subdomain.
CREATE TEMP MACRO domain_is(d, domain) AS (d = domain OR d LIKE '%.' || domain);
CREATE TEMP MACRO org_of_domain(d) AS (
    CASE
        WHEN domain_is(d, 'acme.example') THEN 'client'
        WHEN domain_is(d, 'globex-bpo.example') THEN 'globex'
        WHEN domain_is(d, 'initech.example') THEN 'initech'
        WHEN domain_is(d, 'umbrella-services.example') THEN 'umbrella'
        WHEN domain_is(d, 'hooli.example') THEN 'hooli'
        ELSE '@' || d
    END
);
CREATE TEMP MACRO org_of(address) AS org_of_domain(split_part(lower(address), '@', 2));

CREATE TEMP TABLE raw AS
SELECT * FROM read_csv(getvariable('files'), header = true, all_varchar = true, union_by_name = true, quote = '"', escape = '"', max_line_size = 20000000);

CREATE TEMP TABLE messages AS
WITH unique_rows AS (
    SELECT * FROM raw QUALIFY row_number() OVER (PARTITION BY message_id ORDER BY sent_at) = 1
), parsed AS (
    SELECT
        message_id,
        nullif(thread_id, '') AS thread_id,
        nullif(in_reply_to, '') AS in_reply_to,
        strptime(sent_at, ['%a, %-d %b %Y %H:%M:%S %z', '%Y-%m-%dT%H:%M:%S%z']) AS sent_at_utc,
        lower(CASE WHEN "from" LIKE '%<%>%' THEN regexp_extract("from", '<([^>]*)>', 1) ELSE trim("from") END) AS sender,
        regexp_extract_all(coalesce("to", '') || ',' || coalesce(cc, ''), '[^\s<>",;]+@[^\s<>",;]+') AS recipients,
        coalesce(subject, '') AS subject,
        replace(coalesce(body, ''), chr(13) || chr(10), chr(10)) AS body
    FROM unique_rows
)
SELECT *,
    org_of(sender) AS org,
    sender LIKE 'noreply@%' OR sender LIKE '%-bot@%'
        OR regexp_matches(lower(subject), '^(automatic reply:|out of office|automatische antwort:|abwesenheitsnotiz)') AS automated
FROM parsed
-- Rapport rejects timestamps before 1990 or more than a day after the run as implausible.
WHERE sent_at_utc BETWEEN TIMESTAMPTZ '1990-01-01 00:00:00+00' AND now() + INTERVAL 1 DAY;

-- Threads: thread_id, else the parent's thread (recursively), else subject plus organisations.
CREATE TEMP TABLE keyed AS
SELECT m.*,
    CASE WHEN thread_id IS NULL THEN
        trim(regexp_replace(regexp_replace(lower(subject), '^(\s*(re|fw|fwd|aw|wg|sv)\s*:)+', ''), '\s+', ' ', 'g'))
        || chr(31) || array_to_string(list_sort(list_distinct(list_prepend(org, list_transform(recipients, lambda r: org_of(r))))), ',')
    END AS subject_key
FROM messages m;

CREATE TEMP TABLE threaded AS
WITH RECURSIVE t(message_id, conversation, hops) AS (
    SELECT k.message_id, coalesce(k.thread_id, 'S:' || k.subject_key), 0
    FROM keyed k
    WHERE k.in_reply_to IS NULL OR NOT EXISTS (SELECT 1 FROM keyed p WHERE p.message_id = k.in_reply_to)
    UNION ALL
    SELECT c.message_id, coalesce(c.thread_id, t.conversation), t.hops + 1
    FROM keyed c JOIN t ON c.in_reply_to = t.message_id
)
SELECT k.*, t.conversation, t.hops FROM keyed k JOIN t USING (message_id);

-- Acknowledgements: the client's cleaned text without greeting and sign-off, at most 12
-- words, no question mark, and an acknowledgement phrase (or no words).
CREATE TEMP TABLE turn_messages AS
WITH cleaned AS (
    SELECT *,
        regexp_replace(regexp_replace(regexp_replace(body,
            '(?s)\n-- \n.*$', ''),                                  -- signature
            '(?ms)^\s*(On .* wrote:|Am .* schrieb:|-----Original Message-----)\s*$.*', ''),  -- quoted history
            '(?m)^\s*>.*$', '', 'g') AS text
    FROM threaded
    WHERE org = 'client' AND NOT automated
), body AS (
    SELECT message_id,
        regexp_replace(regexp_replace(text,
            '^\s*(?i:(hi|hello|dear|good)\b[^\n]*,)[ \t]*(\n|$)', ''),
            '(?ims)^\s*(thanks|thank you|many thanks|cheers|best|best regards|kind regards|regards)[,!.]?\s*$.*', '') AS b
    FROM cleaned
), acknowledgements AS (
    SELECT message_id FROM body
    WHERE len(list_filter(regexp_split_to_array(b, '\s+'), lambda w: regexp_matches(w, '[[:alnum:]]'))) <= 12
      AND NOT contains(b, '?')
      AND (len(list_filter(regexp_split_to_array(b, '\s+'), lambda w: regexp_matches(w, '[[:alnum:]]'))) = 0
           OR regexp_matches(lower(b), '\b(thanks|thank you|thx|cheers|got it|noted|perfect|great|that works|all good|resolved|appreciate|appreciated)\b'))
)
SELECT conversation, sent_at_utc, hops, message_id, org, org = 'client' AS from_client
FROM threaded
WHERE NOT automated AND NOT starts_with(org, '@')
  AND message_id NOT IN (SELECT message_id FROM acknowledgements);

-- A turn opens at a client message whose predecessor is not a client message; it is answered
-- by the next partner message.
CREATE TEMP TABLE turns AS
WITH ordered AS (
    SELECT *,
        lag(from_client) OVER w AS previous_from_client,
        first_value(CASE WHEN NOT from_client THEN sent_at_utc END IGNORE NULLS) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS answer_at,
        first_value(CASE WHEN NOT from_client THEN org END IGNORE NULLS) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS answer_org
    FROM turn_messages
    WINDOW w AS (PARTITION BY conversation ORDER BY sent_at_utc, hops, message_id)
)
SELECT conversation, sent_at_utc AS opened_at, answer_at, answer_org AS partner,
    epoch(answer_at) - epoch(sent_at_utc) AS latency_s
FROM ordered
WHERE from_client AND previous_from_client IS DISTINCT FROM true AND answer_at IS NOT NULL;

SELECT strftime(timezone(getvariable('zone'), opened_at), '%G-W%V') AS period, partner,
    count(*) AS answered,
    quantile_cont(latency_s, 0.5) AS latency_p50_s,
    quantile_cont(latency_s, 0.9) AS latency_p90_s
FROM turns
GROUP BY ALL
ORDER BY period, partner;
