-- The sandbox's state, one row set per workspace. Times are Unix
-- nanoseconds (NULL for the zero time); every table but workspaces is
-- keyed by its workspace first and goes with it.
CREATE TABLE workspaces (
	id               TEXT PRIMARY KEY,
	issuing_api_key  TEXT NOT NULL,
	issuing_token    TEXT NOT NULL,
	threeds_key      TEXT NOT NULL,
	wallet_token     TEXT NOT NULL,
	webhook_hmac_key TEXT NOT NULL,
	created_ns       INTEGER,
	clock_offset_ns  INTEGER NOT NULL DEFAULT 0,
	webhook_url      TEXT NOT NULL DEFAULT '',
	webhook_key      BLOB,
	idem_count       INTEGER NOT NULL DEFAULT 0,
	idem_bytes       INTEGER NOT NULL DEFAULT 0
);

-- Each credential finds one workspace; (kind, value) is unique store-wide.
CREATE TABLE credentials (
	kind  INTEGER NOT NULL,
	value TEXT NOT NULL,
	ws    TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX credentials_ws ON credentials (ws);

CREATE TABLE enrollments (
	ws         TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	cardholder TEXT NOT NULL,
	card       TEXT NOT NULL,
	wallet     TEXT NOT NULL,
	method     TEXT NOT NULL,
	PRIMARY KEY (ws, cardholder, card)
) WITHOUT ROWID;

-- seq orders an inbox, oldest first.
CREATE TABLE messages (
	seq               INTEGER PRIMARY KEY AUTOINCREMENT,
	ws                TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	cardholder        TEXT NOT NULL,
	id                TEXT NOT NULL,
	channel           TEXT NOT NULL,
	sender            TEXT NOT NULL,
	recipient         TEXT NOT NULL,
	subject           TEXT NOT NULL,
	body              TEXT NOT NULL,
	code              TEXT NOT NULL,
	authentication_id TEXT NOT NULL,
	sent_ns           INTEGER
);
CREATE INDEX messages_box ON messages (ws, cardholder, seq);

-- seq is the first insertion's: replacing a record keeps its place.
CREATE TABLE deliveries (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	ws          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	event_id    TEXT NOT NULL,
	auth3ds_id  TEXT NOT NULL,
	url         TEXT NOT NULL,
	attempts    INTEGER NOT NULL,
	last_status INTEGER NOT NULL,
	last_error  TEXT NOT NULL,
	delivered   INTEGER NOT NULL,
	updated_ns  INTEGER,
	UNIQUE (ws, event_id)
);
CREATE INDEX deliveries_order ON deliveries (ws, seq);

CREATE TABLE pending (
	ws                  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	auth3ds_id          TEXT NOT NULL,
	authentication_id   TEXT NOT NULL,
	customer_id         TEXT NOT NULL,
	card_id             TEXT NOT NULL,
	wallet_operation_id TEXT NOT NULL,
	event               BLOB,
	expires_ns          INTEGER,
	status              TEXT NOT NULL,
	answer              BLOB,
	answer_body         BLOB,
	answered_ns         INTEGER,
	PRIMARY KEY (ws, auth3ds_id)
) WITHOUT ROWID;
CREATE INDEX pending_card ON pending (ws, customer_id, card_id, status, expires_ns);

-- seq is claim order (eviction past the byte budget, oldest first);
-- size is what the record counts against it (store.IdemRecord.Size), summed
-- in workspaces.idem_bytes.
CREATE TABLE idempotency (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	ws          TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	key         TEXT NOT NULL,
	fingerprint BLOB NOT NULL,
	created_ns  INTEGER,
	done        INTEGER NOT NULL DEFAULT 0,
	status      INTEGER NOT NULL DEFAULT 0,
	body        BLOB,
	size        INTEGER NOT NULL,
	UNIQUE (ws, key)
);
CREATE INDEX idempotency_order ON idempotency (ws, seq);
CREATE INDEX idempotency_age ON idempotency (ws, created_ns);
