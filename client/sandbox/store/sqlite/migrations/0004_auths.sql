-- The authentications themselves (store.Auths), so that a restarted
-- sandbox finishes the purchases in flight. data is the sandbox's own
-- encoding; the other columns are what records are found, expired and
-- pruned by. auth3ds_id and acs_trans_id are NULL when the authentication
-- has none; an acsTransID is unique store-wide (a challenge page brings no
-- workspace). version is the compare-and-swap of UpdateAuth.
CREATE TABLE auths (
	ws           TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
	id           TEXT NOT NULL,
	auth3ds_id   TEXT,
	acs_trans_id TEXT,
	expires_ns   INTEGER,
	final        INTEGER NOT NULL,
	updated_ns   INTEGER,
	version      INTEGER NOT NULL,
	data         BLOB NOT NULL,
	UNIQUE (ws, id)
);
CREATE INDEX auths_auth3ds ON auths (ws, auth3ds_id) WHERE auth3ds_id IS NOT NULL;
CREATE UNIQUE INDEX auths_acs ON auths (acs_trans_id) WHERE acs_trans_id IS NOT NULL;
CREATE INDEX auths_due ON auths (ws, expires_ns) WHERE final = 0;
CREATE INDEX auths_done ON auths (ws, updated_ns) WHERE final = 1;
