-- When each workspace was last used (store.Usage), so that idle expiry
-- outlives a restart; NULL until first recorded, when its creation counts.
-- Numbered 0011: 0004–0009 are another branch's.
ALTER TABLE workspaces ADD COLUMN last_used_ns INTEGER;
