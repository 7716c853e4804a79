// Service health and bookkeeping.

// name: server_components
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition;

// name: schema_version
OPTIONAL MATCH (s:SchemaVersion {id: 'graphsvc'})
RETURN coalesce(s.version, 0) AS version, s.appliedAt AS appliedAt;

// name: set_schema_version
MERGE (s:SchemaVersion {id: 'graphsvc'})
SET s.version = $version, s.appliedAt = datetime()
RETURN s.version AS version;

// name: ping
RETURN 1 AS ok;

// name: schema_objects
SHOW CONSTRAINTS YIELD name RETURN 'constraint' AS kind, name
UNION ALL
SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN 'index' AS kind, name;
