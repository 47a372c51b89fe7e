-- Webhook deliveries still to send (store.Outbox). A claim sets owner and
-- moves due_ns to the end of its lease, so a message whose sender died is
-- due again. Claims are writes, which the one writer runs one at a time.
CREATE TABLE outbox (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	ws         TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	url        TEXT NOT NULL,
	body       BLOB NOT NULL,
	due_ns     INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	owner      TEXT,
	last_error TEXT NOT NULL DEFAULT '',
	UNIQUE (ws, id)
);
CREATE INDEX outbox_due ON outbox (due_ns, seq);
