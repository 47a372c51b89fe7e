-- Webhook deliveries still to send (store.Outbox). A claim sets owner and
-- moves due_ns to the end of its lease, so a message whose replica died is
-- due again; claims take rows with FOR UPDATE SKIP LOCKED, so replicas
-- claiming at once pass over each other's rows instead of waiting.
CREATE TABLE outbox (
	ws         TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	url        TEXT NOT NULL,
	body       BYTEA NOT NULL,
	due_ns     BIGINT NOT NULL,
	seq        BIGINT GENERATED ALWAYS AS IDENTITY,
	attempts   BIGINT NOT NULL DEFAULT 0,
	owner      TEXT,
	last_error TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (ws, id)
);
CREATE INDEX outbox_due ON outbox (due_ns, seq);
