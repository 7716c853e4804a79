// Batched, idempotent writes for `graphsvc import`. Every statement MERGEs on a unique key,
// so a batch retried after a transient error, or a whole import run again, changes nothing.
// A record whose content hash is unchanged keeps its import time and source: re-importing an
// unchanged file leaves the graph exactly as it was.

// name: contacts
UNWIND $rows AS row
MERGE (c:Contact {source: row.source, sourceId: row.sourceId})
ON CREATE SET c.createdAt = $now
WITH c, row, coalesce(c.rowHash, '') = row.hash AS unchanged
SET c += row.props,
    c.rowHash = row.hash,
    c.importedAt = CASE WHEN unchanged THEN c.importedAt ELSE $now END,
    c.importedFrom = CASE WHEN unchanged THEN c.importedFrom ELSE $origin END
WITH c, row
CALL (c, row) {
  UNWIND row.points AS point
  MERGE (i:Identity {platform: point.platform, key: point.key})
  ON CREATE SET i.matchKey = point.matchKey, i.raw = point.raw, i.createdAt = $now,
                i.importedAt = $now, i.importedFrom = $origin
  MERGE (c)-[:HAS]->(i)
}
CALL (c, row) {
  WITH row WHERE row.org IS NOT NULL
  MERGE (o:Organization {key: row.org.key})
  ON CREATE SET o.name = row.org.name, o.createdAt = $now
  MERGE (c)-[:WORKS_AT]->(o)
}
RETURN count(*) AS written;

// name: identities
UNWIND $rows AS row
MERGE (i:Identity {platform: row.platform, key: row.key})
ON CREATE SET i.createdAt = $now
WITH i, row, coalesce(i.rowHash, '') = row.hash AS unchanged
SET i += row.props,
    i.rowHash = row.hash,
    i.importedAt = CASE WHEN unchanged THEN i.importedAt ELSE $now END,
    i.importedFrom = CASE WHEN unchanged THEN i.importedFrom ELSE $origin END
WITH i, row
CALL (i, row) {
  WITH row WHERE row.contact IS NOT NULL
  MERGE (c:Contact {source: row.contact.source, sourceId: row.contact.sourceId})
  ON CREATE SET c.createdAt = $now
  MERGE (c)-[:HAS]->(i)
}
RETURN count(*) AS written;

// name: follows
UNWIND $rows AS row
MERGE (a:Identity {platform: row.sp, key: row.sk})
ON CREATE SET a.matchKey = row.sk, a.createdAt = $now
MERGE (b:Identity {platform: row.dp, key: row.dk})
ON CREATE SET b.matchKey = row.dk, b.createdAt = $now
MERGE (a)-[r:FOLLOWS]->(b)
SET r.since = row.since, r.weight = row.weight
RETURN count(*) AS written;

// name: friends_with
UNWIND $rows AS row
MERGE (a:Identity {platform: row.sp, key: row.sk})
ON CREATE SET a.matchKey = row.sk, a.createdAt = $now
MERGE (b:Identity {platform: row.dp, key: row.dk})
ON CREATE SET b.matchKey = row.dk, b.createdAt = $now
MERGE (a)-[r:FRIENDS_WITH]->(b)
SET r.since = row.since, r.weight = row.weight
RETURN count(*) AS written;

// name: connected_to
UNWIND $rows AS row
MERGE (a:Identity {platform: row.sp, key: row.sk})
ON CREATE SET a.matchKey = row.sk, a.createdAt = $now
MERGE (b:Identity {platform: row.dp, key: row.dk})
ON CREATE SET b.matchKey = row.dk, b.createdAt = $now
MERGE (a)-[r:CONNECTED_TO]->(b)
SET r.since = row.since, r.weight = row.weight
RETURN count(*) AS written;

// name: posts
UNWIND $rows AS row
MERGE (p:Post {platform: row.platform, postId: row.postId})
SET p += row.props
MERGE (a:Identity {platform: row.platform, key: row.author})
ON CREATE SET a.matchKey = row.author, a.createdAt = $now
MERGE (a)-[:POSTED]->(p)
FOREACH (target IN CASE WHEN row.replyTo IS NULL THEN [] ELSE [row.replyTo] END |
  MERGE (q:Post {platform: row.platform, postId: target})
  MERGE (p)-[:REPLY_TO]->(q))
FOREACH (target IN CASE WHEN row.shareOf IS NULL THEN [] ELSE [row.shareOf] END |
  MERGE (q:Post {platform: row.platform, postId: target})
  MERGE (p)-[:SHARES]->(q))
FOREACH (handle IN row.mentions |
  MERGE (m:Identity {platform: row.platform, key: handle})
  ON CREATE SET m.matchKey = handle, m.createdAt = $now
  MERGE (p)-[:MENTIONS]->(m))
FOREACH (tag IN row.hashtags |
  MERGE (t:Topic {name: tag})
  MERGE (p)-[:TAGGED]->(t))
FOREACH (brand IN row.brands |
  MERGE (b:Brand {name: brand})
  MERGE (p)-[:MENTIONS]->(b))
RETURN count(*) AS written;

// name: interaction_authors
// The authors whose posts reply to, share or mention someone: the sources of INTERACTED edges.
MATCH (a:Identity)-[:POSTED]->(:Post)-[:REPLY_TO|SHARES|MENTIONS]->()
RETURN DISTINCT elementId(a) AS id;

// name: aggregate_interactions
// INTERACTED (one per ordered pair): counts per kind, the last time, and a recency-weighted weight
// (each interaction counts 0.5^(age / half-life), age measured from $asOf so that a re-run on the
// same posts gives the same weights).
UNWIND $ids AS id
MATCH (a:Identity) WHERE elementId(a) = id
CALL (a) {
  MATCH (a)-[:POSTED]->(p:Post)-[:REPLY_TO]->(:Post)<-[:POSTED]-(b:Identity)
  RETURN b, p, 'reply' AS kind
  UNION ALL
  MATCH (a)-[:POSTED]->(p:Post)-[:SHARES]->(:Post)<-[:POSTED]-(b:Identity)
  RETURN b, p, 'share' AS kind
  UNION ALL
  MATCH (a)-[:POSTED]->(p:Post)-[:MENTIONS]->(b:Identity)
  RETURN b, p, 'mention' AS kind
}
WITH a, b, kind, p WHERE a <> b
WITH a, b,
     sum(CASE kind WHEN 'reply' THEN 1 ELSE 0 END) AS replies,
     sum(CASE kind WHEN 'share' THEN 1 ELSE 0 END) AS shares,
     sum(CASE kind WHEN 'mention' THEN 1 ELSE 0 END) AS mentions,
     max(p.createdAt) AS lastAt,
     sum(0.5 ^ (duration.inSeconds(p.createdAt, $asOf).seconds / 86400.0 / $halfLifeDays)) AS weight
MERGE (a)-[r:INTERACTED]->(b)
SET r.replies = replies, r.shares = shares, r.mentions = mentions,
    r.count = replies + shares + mentions, r.lastAt = lastAt, r.weight = weight
RETURN count(r) AS written;

// name: latest_post_time
MATCH (p:Post) WHERE p.createdAt IS NOT NULL
RETURN max(p.createdAt) AS asOf;

// name: suppression_salt
// The salt of suppression hashes made before graphsvc 0.15 (kept in the graph; read, never made).
OPTIONAL MATCH (s:SuppressionSalt {id: 'default'})
RETURN s.salt AS salt;

// name: suppression_key_recorded
// The check value of the key the graph's suppression hashes are made with (an HMAC of a fixed text,
// which says nothing of the key), if one is recorded: read without a lock, as every API write
// checks it.
OPTIONAL MATCH (k:SuppressionKey {id: 'default'})
RETURN k.check AS check;

// name: suppression_key_check
// The check value, recorded on first use (suppression_key_recorded found none).
MERGE (k:SuppressionKey {id: 'default'})
ON CREATE SET k.check = $check
RETURN k.check AS check;

// name: suppress
UNWIND $hashes AS hash
MERGE (s:Suppression {hash: hash})
ON CREATE SET s.at = $at
RETURN count(s) AS written;

// name: suppressed_among
// Which of $hashes are on the suppression list (a point look-up per hash, by its unique index).
UNWIND $hashes AS hash
MATCH (s:Suppression {hash: hash})
RETURN s.hash AS hash;

// name: suppressed_hashes
MATCH (s:Suppression)
RETURN s.hash AS hash;

// name: record_file
// A file graphsvc wrote that may hold personal data (a rejects file, a subject export): an erasure
// looks in it. Keyed by host and absolute path.
MERGE (f:WrittenFile {host: $host, path: $path})
SET f.kind = $kind, f.at = $at
RETURN f.path AS path;

// name: written_files
MATCH (f:WrittenFile)
RETURN f.host AS host, f.path AS path, f.kind AS kind
ORDER BY host, path;

// name: forget_files
UNWIND $paths AS path
MATCH (f:WrittenFile {host: $host, path: path})
DELETE f
RETURN count(*) AS forgotten;
