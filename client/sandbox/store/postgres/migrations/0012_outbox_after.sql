-- A message released from the reorder fault's hold goes after the message
-- that released it (store.OutboxMessage.After): claims skip it while that
-- one is still in the outbox. NULL for every other message.
ALTER TABLE outbox ADD COLUMN after_id TEXT;
