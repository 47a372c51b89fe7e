-- Webhook chaos through the outbox: the fault each message is sent with
-- (a fault.Webhook spec), whether it is held back for the workspace's next
-- message (the reorder fault), and the webhook faults a workspace set for
-- all its events (store.Webhook.Faults). Numbered 0010: 0004–0009 are
-- another branch's.
ALTER TABLE outbox ADD COLUMN fault TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN held BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE workspaces ADD COLUMN webhook_faults TEXT NOT NULL DEFAULT '';
