// Influence and communities (`graphsvc jobs run ...`): the projection read into NetworkX, the
// results written back tagged with a JobRun, and the removal of an earlier run's results.
// $platform (or null: all platforms) and $since (or null: all time) filter every projection query.

// name: identities
// One record per identity that takes part in the social map (followers, ties, interactions or
// posts), with its Person (the smallest id if, against the model, it has several), its declared
// ties and its interactions. Edges are collected per source node: far fewer records than one per
// edge. An INTERACTED weight is already recency-weighted (each interaction 0.5^(age / 90 days)).
MATCH (a:Identity)
WHERE ($platform IS NULL OR a.platform = $platform)
  AND (a.followers IS NOT NULL OR EXISTS { (a)-[:FOLLOWS|FRIENDS_WITH|CONNECTED_TO|INTERACTED|POSTED]-() })
RETURN a.platform AS platform, a.key AS key, a.followers AS followers,
       head(COLLECT { MATCH (p:Person)-[:HAS_MEMBER]->(a) RETURN p.id ORDER BY p.id LIMIT 1 }) AS person,
       [(a)-[r:FOLLOWS|FRIENDS_WITH|CONNECTED_TO]->(b:Identity) WHERE $platform IS NULL OR b.platform = $platform
        | ['identity:' + b.platform + ':' + b.key, type(r) = 'FOLLOWS', r.weight]] AS ties,
       [(a)-[r:INTERACTED]->(b:Identity)
        WHERE ($platform IS NULL OR b.platform = $platform) AND ($since IS NULL OR r.lastAt >= $since)
        | ['identity:' + b.platform + ':' + b.key, r.weight, r.count]] AS interactions;

// name: topic_posts
// How many posts each identity wrote on each topic: the seeds of topic influence.
MATCH (a:Identity)-[:POSTED]->(p:Post)-[:TAGGED]->(t:Topic)
WHERE ($platform IS NULL OR a.platform = $platform) AND ($since IS NULL OR p.createdAt >= $since)
RETURN 'identity:' + a.platform + ':' + a.key AS identity, t.name AS topic, count(DISTINCT p) AS posts;

// name: brand_sentiment
// Per identity and brand: the posts that mention the brand and carry a sentiment score.
MATCH (a:Identity)-[:POSTED]->(p:Post)-[:MENTIONS]->(b:Brand)
WHERE p.sentiment IS NOT NULL
  AND ($platform IS NULL OR a.platform = $platform) AND ($since IS NULL OR p.createdAt >= $since)
RETURN 'identity:' + a.platform + ':' + a.key AS identity, b.name AS brand, count(DISTINCT p) AS posts,
       sum(p.sentiment) AS sentimentSum;

// name: job_heartbeat
// A running job's latest progress, and the renewal of its claim.
MATCH (j:JobRun {id: $id})
SET j.phase = $phase, j.done = $done, j.total = $total, j.heartbeatAt = $now
WITH j
OPTIONAL MATCH (l:JobLock {name: 'analytics', holder: $id})
SET l.heartbeatAt = $now
RETURN j.id AS id;

// name: start_job
MERGE (j:JobRun {id: $id})
SET j.kind = $kind, j.params = $params, j.status = 'running', j.startedAt = $startedAt
RETURN j.id AS id;

// name: finish_job
MATCH (j:JobRun {id: $id})
SET j.status = $status, j.finishedAt = $finishedAt, j.stats = $stats, j.error = $error
RETURN j.id AS id;

// name: recent_jobs
MATCH (j:JobRun)
RETURN j.id AS id, j.kind AS kind, j.status AS status, j.params AS params, j.stats AS stats,
       j.error AS error, j.startedAt AS startedAt, j.finishedAt AS finishedAt,
       CASE WHEN j.status = 'running' THEN j.phase END AS phase
ORDER BY j.startedAt DESC
LIMIT $limit;

// name: write_identity_scores
UNWIND $rows AS row
MATCH (i:Identity {platform: row.platform, key: row.key})
SET i += row.scores, i.scoresJobRun = $run
RETURN count(i) AS written;

// name: write_person_scores
UNWIND $rows AS row
MATCH (p:Person {id: row.id})
SET p += row.scores, p.scoresJobRun = $run
RETURN count(p) AS written;

// name: write_topic_influence
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MATCH (t:Topic {name: row.topic})
MERGE (p)-[r:TOPIC_INFLUENCE {jobRun: $run}]->(t)
SET r.score = row.score, r.rank = row.rank
RETURN count(r) AS written;

// name: write_communities
UNWIND $rows AS row
MERGE (c:Community {id: row.id})
SET c.size = row.size, c.persons = row.persons, c.topMembers = row.topMembers, c.topTopics = row.topTopics,
    c.ties = row.ties, c.tieWeights = row.tieWeights, c.jobRun = $run
RETURN count(c) AS written;

// name: write_memberships
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MATCH (c:Community {id: row.community})
MERGE (p)-[:IN_COMMUNITY]->(c)
SET p.community = row.community
RETURN count(p) AS written;

// name: write_advocates
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MATCH (b:Brand {name: row.brand})
MERGE (p)-[r:ADVOCATES {jobRun: $run}]->(b)
SET r.score = row.score, r.posts = row.posts, r.sentiment = row.sentiment
RETURN count(r) AS written;

// name: write_detractors
UNWIND $rows AS row
MATCH (p:Person {id: row.person})
MATCH (b:Brand {name: row.brand})
MERGE (p)-[r:DETRACTS {jobRun: $run}]->(b)
SET r.score = row.score, r.posts = row.posts, r.sentiment = row.sentiment
RETURN count(r) AS written;

// A re-run replaces the previous results: each stale_* query finds what an earlier run wrote,
// and the matching clear_* query removes it by element id, one batch per transaction.

// name: stale_identity_scores
MATCH (i:Identity) WHERE i.scoresJobRun IS NOT NULL AND i.scoresJobRun <> $run
RETURN elementId(i) AS id;

// name: clear_identity_scores
UNWIND $ids AS id
MATCH (i:Identity) WHERE elementId(i) = id
REMOVE i.influence, i.pagerank, i.reach, i.engagement, i.kcore, i.betweenness, i.scoresJobRun
RETURN count(i) AS cleared;

// name: stale_person_scores
MATCH (p:Person) WHERE p.scoresJobRun IS NOT NULL AND p.scoresJobRun <> $run
RETURN elementId(p) AS id;

// name: clear_person_scores
UNWIND $ids AS id
MATCH (p:Person) WHERE elementId(p) = id
REMOVE p.influence, p.pagerank, p.reach, p.engagement, p.kcore, p.betweenness, p.scoresJobRun
RETURN count(p) AS cleared;

// name: stale_topic_influence
MATCH (:Person)-[r:TOPIC_INFLUENCE]->(:Topic) WHERE r.jobRun <> $run
RETURN elementId(r) AS id;

// name: clear_topic_influence
UNWIND $ids AS id
MATCH ()-[r:TOPIC_INFLUENCE]->() WHERE elementId(r) = id
DELETE r
RETURN count(*) AS cleared;

// name: stale_advocacy
MATCH (:Person)-[r:ADVOCATES|DETRACTS]->(:Brand) WHERE r.jobRun <> $run
RETURN elementId(r) AS id;

// name: clear_advocacy
UNWIND $ids AS id
MATCH ()-[r:ADVOCATES|DETRACTS]->() WHERE elementId(r) = id
DELETE r
RETURN count(*) AS cleared;

// name: stale_memberships
MATCH (p:Person)-[r:IN_COMMUNITY]->(c:Community) WHERE c.jobRun <> $run
RETURN elementId(r) AS id;

// name: clear_memberships
UNWIND $ids AS id
MATCH (p:Person)-[r:IN_COMMUNITY]->() WHERE elementId(r) = id
DELETE r
WITH p
WHERE NOT EXISTS { (p)-[:IN_COMMUNITY]->() }
REMOVE p.community
RETURN count(*) AS cleared;

// name: stale_communities
MATCH (c:Community) WHERE c.jobRun <> $run
RETURN elementId(c) AS id;

// name: clear_communities
UNWIND $ids AS id
MATCH (c:Community) WHERE elementId(c) = id
DETACH DELETE c
RETURN count(*) AS cleared;
