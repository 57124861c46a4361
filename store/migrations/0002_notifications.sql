-- 0002 notifications: signals for a measure's owning team (a special-cause point, a change of
-- the variation or assurance icon), who has seen them, one webhook per team, and the outbox of
-- webhook deliveries that the server's dispatchers work through.
--
-- The conventions of 0001: {{id}} is an auto-numbered 64-bit key, times are Unix seconds
-- (BIGINT), enumerations are TEXT with a CHECK, every table carries org_id and the foreign keys
-- are composite, (org_id, x_id), so no row can refer to a row of another organisation.

-- At most one notification per measure, period and kind: a repeat is not stored again.
CREATE TABLE notifications (
  id {{id}},
  org_id BIGINT NOT NULL,
  team_id BIGINT NOT NULL,
  measure_id BIGINT NOT NULL,
  period TEXT NOT NULL,
  period_start BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('special_cause', 'variation_changed', 'assurance_changed')),
  message TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (org_id, id),
  UNIQUE (measure_id, period, kind),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id),
  FOREIGN KEY (org_id, measure_id) REFERENCES measures (org_id, id)
);
CREATE INDEX notifications_team ON notifications (org_id, team_id, id);

-- Who has marked which notification seen (a row per person and notification).
CREATE TABLE notification_reads (
  org_id BIGINT NOT NULL,
  notification_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  seen_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, notification_id, person_id),
  FOREIGN KEY (org_id, notification_id) REFERENCES notifications (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id)
);

-- At most one webhook per team. The secret signs the bodies (HMAC-SHA256), so it is kept as it
-- is: unlike a session or an API token it must be known to sign, not only to check.
CREATE TABLE webhooks (
  org_id BIGINT NOT NULL,
  team_id BIGINT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, team_id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id)
);

-- The outbox: one notification to one webhook URL, written in the same transaction as the
-- notification. A dispatcher claims due pending rows by setting lease_until (others skip a row
-- until its lease ends), then records the attempt: delivered, pending again with a later
-- next_attempt_at, or failed (given up).
CREATE TABLE webhook_deliveries (
  id {{id}},
  org_id BIGINT NOT NULL,
  team_id BIGINT NOT NULL,
  notification_id BIGINT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT,
  delivered_at BIGINT,
  last_error TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id),
  FOREIGN KEY (org_id, notification_id) REFERENCES notifications (org_id, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_team ON webhook_deliveries (org_id, team_id, id);
