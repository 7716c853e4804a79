// Schema migrations, applied in order by `graphsvc db migrate`. Each block is one
// version; statements end with ';'. Never edit a released block: add a new one.

// name: v1
CREATE CONSTRAINT contact_key IF NOT EXISTS FOR (c:Contact) REQUIRE (c.source, c.sourceId) IS UNIQUE;
CREATE CONSTRAINT identity_key IF NOT EXISTS FOR (i:Identity) REQUIRE (i.platform, i.key) IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.id IS UNIQUE;
CREATE CONSTRAINT organization_key IF NOT EXISTS FOR (o:Organization) REQUIRE o.key IS UNIQUE;
CREATE CONSTRAINT post_key IF NOT EXISTS FOR (p:Post) REQUIRE (p.platform, p.postId) IS UNIQUE;
CREATE CONSTRAINT topic_name IF NOT EXISTS FOR (t:Topic) REQUIRE t.name IS UNIQUE;
CREATE CONSTRAINT brand_name IF NOT EXISTS FOR (b:Brand) REQUIRE b.name IS UNIQUE;
CREATE CONSTRAINT consent_id IF NOT EXISTS FOR (c:Consent) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT jobrun_id IF NOT EXISTS FOR (j:JobRun) REQUIRE j.id IS UNIQUE;
CREATE CONSTRAINT schema_version_id IF NOT EXISTS FOR (s:SchemaVersion) REQUIRE s.id IS UNIQUE;
CREATE INDEX identity_handle IF NOT EXISTS FOR (i:Identity) ON (i.key);
CREATE INDEX identity_match_key IF NOT EXISTS FOR (i:Identity) ON (i.matchKey);
CREATE INDEX contact_name IF NOT EXISTS FOR (c:Contact) ON (c.familyName, c.givenName);
CREATE INDEX post_created IF NOT EXISTS FOR (p:Post) ON (p.createdAt);
CREATE INDEX jobrun_kind IF NOT EXISTS FOR (j:JobRun) ON (j.kind, j.startedAt);
CREATE FULLTEXT INDEX search_text IF NOT EXISTS FOR (n:Contact|Identity|Person|Organization) ON EACH [n.name, n.displayName, n.key, n.bio, n.company];

// name: v2
// Analytics results and the lookups identity resolution blocks on.
CREATE CONSTRAINT community_id IF NOT EXISTS FOR (c:Community) REQUIRE c.id IS UNIQUE;
CREATE INDEX person_influence IF NOT EXISTS FOR (p:Person) ON (p.influence);
CREATE INDEX person_community IF NOT EXISTS FOR (p:Person) ON (p.community);
CREATE INDEX identity_influence IF NOT EXISTS FOR (i:Identity) ON (i.influence);
CREATE INDEX identity_name_key IF NOT EXISTS FOR (i:Identity) ON (i.nameKey);
CREATE INDEX contact_name_key IF NOT EXISTS FOR (c:Contact) ON (c.nameKey);
CREATE INDEX identity_avatar IF NOT EXISTS FOR (i:Identity) ON (i.avatarUrl);
CREATE INDEX match_candidate_status IF NOT EXISTS FOR ()-[r:MATCH_CANDIDATE]-() ON (r.status);

// name: v3
// Match candidates are looked up by pair id (review decisions) and by either record (incremental runs).
CREATE INDEX match_candidate_pair IF NOT EXISTS FOR ()-[r:MATCH_CANDIDATE]-() ON (r.pairId);
CREATE INDEX match_candidate_a IF NOT EXISTS FOR ()-[r:MATCH_CANDIDATE]-() ON (r.a);
CREATE INDEX match_candidate_b IF NOT EXISTS FOR ()-[r:MATCH_CANDIDATE]-() ON (r.b);
CREATE INDEX jobrun_kind_status IF NOT EXISTS FOR (j:JobRun) ON (j.kind, j.status);

// name: v4
// The API's keys (stored hashed), consent look-ups, the erasure suppression list and the audit trail.
CREATE CONSTRAINT apikey_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE;
CREATE CONSTRAINT apikey_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.hash IS UNIQUE;
CREATE INDEX consent_purpose IF NOT EXISTS FOR (c:Consent) ON (c.purpose, c.status);
CREATE CONSTRAINT suppression_hash IF NOT EXISTS FOR (s:Suppression) REQUIRE s.hash IS UNIQUE;
CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (a:AuditEvent) REQUIRE a.id IS UNIQUE;
CREATE INDEX audit_person IF NOT EXISTS FOR (a:AuditEvent) ON (a.personId, a.at);
CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name);

// name: v5
// One analytics job at a time, across processes (CLI and every API worker): the lock node.
CREATE CONSTRAINT joblock_name IF NOT EXISTS FOR (l:JobLock) REQUIRE l.name IS UNIQUE;

// name: v6
// Influencers are read in (influence, id) order straight from this index, ties included: with the
// single-property index Neo4j read every person tied at the top score (a capped score ties
// thousands) and checked each one's consent before it could sort them. The single-property index
// served only that query, and the planner preferred it on small graphs.
CREATE INDEX person_influence_id IF NOT EXISTS FOR (p:Person) ON (p.influence, p.id);
DROP INDEX person_influence IF EXISTS;

// name: v7
// Console sign-in: user accounts by name, and sessions found by the hash of their token.
CREATE CONSTRAINT user_name IF NOT EXISTS FOR (u:User) REQUIRE u.name IS UNIQUE;
CREATE CONSTRAINT session_token_hash IF NOT EXISTS FOR (s:Session) REQUIRE s.tokenHash IS UNIQUE;
// Marketers' saved segments, by name.
CREATE CONSTRAINT saved_segment_name IF NOT EXISTS FOR (s:SavedSegment) REQUIRE s.name IS UNIQUE;

// name: v8
// The suppression key's check value and the files graphsvc wrote: one node each, however many
// writers MERGE them at once (a duplicate made before the constraint is dropped first).
MATCH (k:SuppressionKey) WITH k.id AS id, collect(k) AS found WHERE size(found) > 1
UNWIND found[1..] AS extra DELETE extra;
CREATE CONSTRAINT suppression_key_id IF NOT EXISTS FOR (k:SuppressionKey) REQUIRE k.id IS UNIQUE;
MATCH (f:WrittenFile) WITH f.host AS host, f.path AS path, collect(f) AS found WHERE size(found) > 1
UNWIND found[1..] AS extra DELETE extra;
CREATE CONSTRAINT written_file_key IF NOT EXISTS FOR (f:WrittenFile) REQUIRE (f.host, f.path) IS UNIQUE;
