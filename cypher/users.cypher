// Console accounts and their sessions (graphsvc.service.users, graphsvc.service.sessions).
// (:User {name, role, passwordHash, disabled, createdAt, failedLogins, lockedUntil, lastLoginAt})
// (:Session {tokenHash, csrf, createdAt, expiresAt})-[:SESSION_OF]->(:User)
// Only a session token's SHA-256 is stored; a password only as its argon2id hash.

// name: create
// A new account; a name already taken is left as it is (created: false, as its createdAt is older).
MERGE (u:User {name: $userName})
ON CREATE SET u.role = $role, u.passwordHash = $passwordHash, u.disabled = false, u.createdAt = $now,
              u.failedLogins = 0
RETURN u {.name, .role, .disabled, .createdAt, .failedLogins, .lockedUntil, .lastLoginAt} AS user,
       u.createdAt = $now AS created;

// name: reset
// Create the account or put it back to a fresh state (the demo's accounts): role, password, enabled,
// unlocked, and signed out everywhere.
MERGE (u:User {name: $userName})
ON CREATE SET u.createdAt = $now
SET u.role = $role, u.passwordHash = $passwordHash, u.disabled = false, u.failedLogins = 0, u.lockedUntil = null
WITH u
CALL (u) {
  OPTIONAL MATCH (s:Session)-[:SESSION_OF]->(u)
  DETACH DELETE s
}
RETURN u {.name, .role, .disabled, .createdAt, .failedLogins, .lockedUntil, .lastLoginAt} AS user;

// name: list
MATCH (u:User)
RETURN u {.name, .role, .disabled, .createdAt, .failedLogins, .lockedUntil, .lastLoginAt} AS user
ORDER BY u.name;

// name: credentials
// What a sign-in checks: the only query that reads the password hash.
MATCH (u:User {name: $userName})
RETURN u {.name, .role, .disabled, .createdAt, .failedLogins, .lockedUntil, .lastLoginAt} AS user,
       u.passwordHash AS passwordHash;

// name: set_disabled
// Disabling also ends every session of the user; enabling also lifts a lock-out.
MATCH (u:User {name: $userName})
SET u.disabled = $disabled,
    u.failedLogins = CASE WHEN $disabled THEN u.failedLogins ELSE 0 END,
    u.lockedUntil = CASE WHEN $disabled THEN u.lockedUntil ELSE null END
WITH u
CALL (u) {
  OPTIONAL MATCH (s:Session)-[:SESSION_OF]->(u)
  WHERE $disabled
  DETACH DELETE s
  RETURN count(s) AS ended
}
RETURN u {.name, .role, .disabled, .createdAt, .failedLogins, .lockedUntil, .lastLoginAt} AS user, ended;

// name: set_role
MATCH (u:User {name: $userName})
SET u.role = $role
RETURN u {.name, .role, .disabled, .createdAt, .failedLogins, .lockedUntil, .lastLoginAt} AS user;

// name: set_password
// A new password ends every session of the user and lifts a lock-out.
MATCH (u:User {name: $userName})
SET u.passwordHash = $passwordHash, u.failedLogins = 0, u.lockedUntil = null
WITH u
CALL (u) {
  OPTIONAL MATCH (s:Session)-[:SESSION_OF]->(u)
  DETACH DELETE s
  RETURN count(s) AS ended
}
RETURN u {.name, .role, .disabled, .createdAt, .failedLogins, .lockedUntil, .lastLoginAt} AS user, ended;

// name: rehash
// The same password under the hasher's current parameters (after a successful sign-in).
MATCH (u:User {name: $userName})
WHERE u.passwordHash = $oldHash
SET u.passwordHash = $passwordHash;

// name: login_failed
// One more failure in a row; the one that reaches $maxFailures locks the user until $lockUntil (and
// restarts the count). SET reads the count under the node's write lock: concurrent failures all count.
MATCH (u:User {name: $userName})
SET u.failedLogins = coalesce(u.failedLogins, 0) + 1
WITH u, u.failedLogins >= $maxFailures AS locks
SET u.lockedUntil = CASE WHEN locks THEN $lockUntil ELSE u.lockedUntil END,
    u.failedLogins = CASE WHEN locks THEN 0 ELSE u.failedLogins END
RETURN u.lockedUntil AS lockedUntil, locks;

// name: login_succeeded
MATCH (u:User {name: $userName})
SET u.failedLogins = 0, u.lockedUntil = null, u.lastLoginAt = $now
RETURN u {.name, .role, .disabled, .createdAt, .failedLogins, .lockedUntil, .lastLoginAt} AS user;

// name: session_start
// A new session for an enabled user; the user's expired sessions are cleared on the way.
MATCH (u:User {name: $userName})
WHERE NOT u.disabled
CALL (u) {
  OPTIONAL MATCH (old:Session)-[:SESSION_OF]->(u)
  WHERE old.expiresAt <= $now
  DETACH DELETE old
}
CREATE (s:Session {tokenHash: $tokenHash, csrf: $csrf, createdAt: $now, expiresAt: $expiresAt})-[:SESSION_OF]->(u)
RETURN u.name AS user, u.role AS role, s.csrf AS csrf, s.expiresAt AS expiresAt;

// name: session_user
// The live session with this token hash: not expired, its user not disabled.
MATCH (s:Session {tokenHash: $tokenHash})-[:SESSION_OF]->(u:User)
WHERE s.expiresAt > $now AND NOT u.disabled
RETURN u.name AS user, u.role AS role, s.csrf AS csrf, s.expiresAt AS expiresAt;

// name: session_end
MATCH (s:Session {tokenHash: $tokenHash})
OPTIONAL MATCH (s)-[:SESSION_OF]->(u:User)
DETACH DELETE s
RETURN u.name AS user;
