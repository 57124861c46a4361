-- 0003 stories: stories of leadership with the people and teams they name and the values and
-- behaviours they show, the consents of the people named, line managers' acknowledgements,
-- thanks, the organisation's retention setting, leaders' reflections and the replies of staff,
-- and the full-text index of published stories.
--
-- The conventions of 0001: {{id}} is an auto-numbered 64-bit key, times are Unix seconds
-- (BIGINT), flags are INTEGER 0 or 1, enumerations are TEXT with a CHECK, every table carries
-- org_id and the foreign keys are composite, (org_id, x_id), so no row can refer to a row of
-- another organisation. One more substitution: the last line, story_search in double braces,
-- becomes the engine's search index of published stories (SQLite: an FTS5 table whose rowid is
-- the story's id; PostgreSQL: a table of tsvectors with a GIN index). It is named only there,
-- as a comment would be cut by the statements put in its place.

-- A story's text (title, body, learning) and the guard's findings are blanked when it is purged
-- after the retention period (purged = 1).
CREATE TABLE stories (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  author_id BIGINT NOT NULL,
  team_id BIGINT,
  measure_id BIGINT,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  learning TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft', 'in_moderation', 'awaiting_consent', 'published',
    'declined', 'withdrawn', 'rejected')),
  findings_json TEXT NOT NULL,
  moderation_note TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  submitted_at BIGINT,
  published_at BIGINT,
  closed_at BIGINT,
  purged INTEGER NOT NULL,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, author_id) REFERENCES people (org_id, id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id),
  FOREIGN KEY (org_id, measure_id) REFERENCES measures (org_id, id)
);
CREATE INDEX stories_state ON stories (org_id, state, published_at);
CREATE INDEX stories_published ON stories (org_id, published_at);
CREATE INDEX stories_author ON stories (org_id, author_id);
CREATE INDEX stories_team ON stories (org_id, team_id);
CREATE INDEX stories_closed ON stories (org_id, closed_at) WHERE purged = 0;

-- The people a story names and the teams it names, in the order given (seq).
CREATE TABLE story_people (
  org_id BIGINT NOT NULL,
  story_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (org_id, story_id, person_id),
  FOREIGN KEY (org_id, story_id) REFERENCES stories (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id)
);
CREATE INDEX story_people_person ON story_people (org_id, person_id);

CREATE TABLE story_teams (
  org_id BIGINT NOT NULL,
  story_id BIGINT NOT NULL,
  team_id BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (org_id, story_id, team_id),
  FOREIGN KEY (org_id, story_id) REFERENCES stories (org_id, id),
  FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id)
);
CREATE INDEX story_teams_team ON story_teams (org_id, team_id);

-- The values and behaviours a story shows; the tag's kind says which.
CREATE TABLE story_tags (
  org_id BIGINT NOT NULL,
  story_id BIGINT NOT NULL,
  tag_id BIGINT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (org_id, story_id, tag_id),
  FOREIGN KEY (org_id, story_id) REFERENCES stories (org_id, id),
  FOREIGN KEY (org_id, tag_id) REFERENCES tags (org_id, id)
);
CREATE INDEX story_tags_tag ON story_tags (org_id, tag_id);

CREATE TABLE story_consents (
  org_id BIGINT NOT NULL,
  story_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'given', 'declined')),
  decided_at BIGINT,
  PRIMARY KEY (org_id, story_id, person_id),
  FOREIGN KEY (org_id, story_id) REFERENCES stories (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id)
);

CREATE TABLE story_acknowledgements (
  org_id BIGINT NOT NULL,
  story_id BIGINT NOT NULL,
  manager_id BIGINT NOT NULL,
  note TEXT NOT NULL,
  wellbeing_checked INTEGER NOT NULL,
  acknowledged_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, story_id, manager_id),
  FOREIGN KEY (org_id, story_id) REFERENCES stories (org_id, id),
  FOREIGN KEY (org_id, manager_id) REFERENCES people (org_id, id)
);

CREATE TABLE story_thanks (
  org_id BIGINT NOT NULL,
  story_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  note TEXT NOT NULL,
  thanked_at BIGINT NOT NULL,
  PRIMARY KEY (org_id, story_id, person_id),
  FOREIGN KEY (org_id, story_id) REFERENCES stories (org_id, id),
  FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id)
);

-- Settings of an organisation; an organisation without a row has the defaults.
CREATE TABLE org_settings (
  org_id BIGINT PRIMARY KEY REFERENCES organisations (id),
  story_retention_days INTEGER NOT NULL CHECK (story_retention_days BETWEEN 0 AND 3650),
  updated_at BIGINT NOT NULL
);

CREATE TABLE reflections (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES organisations (id),
  author_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  learned TEXT NOT NULL,
  got_wrong TEXT NOT NULL,
  changed TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, author_id) REFERENCES people (org_id, id)
);
CREATE INDEX reflections_created ON reflections (org_id, created_at, id);
CREATE INDEX reflections_author ON reflections (org_id, author_id);

-- A reply hidden by a moderator keeps its text, with who hid it, when and why.
CREATE TABLE replies (
  id {{id}},
  org_id BIGINT NOT NULL,
  reflection_id BIGINT NOT NULL,
  author_id BIGINT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  hidden_at BIGINT,
  hidden_by BIGINT,
  hidden_reason TEXT NOT NULL,
  UNIQUE (org_id, id),
  FOREIGN KEY (org_id, reflection_id) REFERENCES reflections (org_id, id),
  FOREIGN KEY (org_id, author_id) REFERENCES people (org_id, id),
  FOREIGN KEY (org_id, hidden_by) REFERENCES people (org_id, id)
);
CREATE INDEX replies_reflection ON replies (org_id, reflection_id, id);
CREATE INDEX replies_author ON replies (org_id, author_id, id);

-- Subject access: the changes a person made.
CREATE INDEX audit_log_actor ON audit_log (org_id, actor_person, id);

-- The search index: published stories only (UpdateStory keeps it in step with the state).
{{story_search}}
