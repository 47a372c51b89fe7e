-- A webhook key rotation's overlap (store.Webhook.OldKey, OldUntil) and
-- what a webhook fault did to a delivery (store.Delivery.Fault,
-- Duplicates).
ALTER TABLE workspaces ADD COLUMN webhook_old_key BYTEA;
ALTER TABLE workspaces ADD COLUMN webhook_old_until_ns BIGINT;
ALTER TABLE deliveries ADD COLUMN fault TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN duplicates BIGINT NOT NULL DEFAULT 0;
