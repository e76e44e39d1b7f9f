-- Public input on a draft plan: the public comment (パブリック・コメント) and
-- the opinion exchange sessions (意見交換会等). Wards publish the result of
-- each as a table of opinion groups: a numbered row with its topic (項目:
-- 計画全体, 目標1 …), the summary of the opinions (意見の概要), the ward's
-- answer (区の考え方) and whether the draft was changed (反映 / 一部反映 /
-- 反映なし), and how many opinions the row stands for. The counts per topic
-- and per outcome are computed from these rows (opinion_tally), never stored.
--
-- Only admins write (the statements check it, and the policies below again);
-- everyone reads. Every table is audited.

-- ---------------------------------------------------------------- outcomes

-- Whether the draft was changed, as the result tables print it. The labels
-- are read by the API, the CSV and the page from here only.
CREATE TABLE opinion_outcome (
	key      text PRIMARY KEY CHECK (key IN ('reflected', 'partly', 'not_reflected')),
	label    text NOT NULL UNIQUE CHECK (NOT app_blank(label) AND length(label) <= 20),
	position integer NOT NULL UNIQUE
);
INSERT INTO opinion_outcome (key, label, position) VALUES
	('reflected', '反映', 1),
	('partly', '一部反映', 2),
	('not_reflected', '反映なし', 3);

-- ---------------------------------------------------------------- public comment

-- One per plan: the period and what was received. A plan has its row from
-- the start (a trigger below), so that every change of it is an update
-- with If-Match; NULL is "not yet recorded".
CREATE TABLE public_comment (
	plan_id    integer PRIMARY KEY REFERENCES plan (id) ON DELETE CASCADE,
	starts_on  date,
	ends_on    date,
	submitters integer CONSTRAINT public_comment_submitters CHECK (submitters >= 0),
	opinions   integer CONSTRAINT public_comment_opinions CHECK (opinions >= 0),
	notes      text NOT NULL DEFAULT '' CONSTRAINT public_comment_notes CHECK (length(notes) <= 2000),
	version    integer NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT public_comment_period CHECK (ends_on >= starts_on)
);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public_comment
	FOR EACH ROW EXECUTE FUNCTION audit_row('plan_id');

INSERT INTO public_comment (plan_id) SELECT id FROM plan;

CREATE FUNCTION public_comment_register() RETURNS trigger
	LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	INSERT INTO public_comment (plan_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
	RETURN NULL;
END
$$;
CREATE TRIGGER public_comment_register AFTER INSERT ON plan
	FOR EACH ROW EXECUTE FUNCTION public_comment_register();

-- ---------------------------------------------------------------- exchange sessions

-- A session held to hear opinions on the draft: a date, a place or online
-- (or both), how many took part.
CREATE TABLE exchange_session (
	id           serial PRIMARY KEY,
	plan_id      integer NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
	title        text NOT NULL CONSTRAINT exchange_session_title
	             CHECK (NOT app_blank(title) AND length(title) <= 200),
	held_on      date NOT NULL,
	place        text NOT NULL DEFAULT '' CONSTRAINT exchange_session_place_length
	             CHECK (length(place) <= 200),
	online       boolean NOT NULL DEFAULT false,
	participants integer CONSTRAINT exchange_session_participants CHECK (participants >= 0),
	notes        text NOT NULL DEFAULT '' CONSTRAINT exchange_session_notes
	             CHECK (length(notes) <= 2000),
	version      integer NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at   timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT exchange_session_place CHECK (online OR NOT app_blank(place)),
	UNIQUE (id, plan_id)
);
CREATE INDEX exchange_session_plan_idx ON exchange_session (plan_id, held_on);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON exchange_session
	FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- ---------------------------------------------------------------- opinions

-- One row of a result table: of the plan's public comment (session_id
-- NULL) or of one exchange session of the same plan. number is the row's
-- number as published, unique in its table.
CREATE TABLE opinion (
	id         serial PRIMARY KEY,
	plan_id    integer NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
	session_id integer,
	number     integer NOT NULL CONSTRAINT opinion_number CHECK (number BETWEEN 1 AND 100000),
	topic      text NOT NULL CONSTRAINT opinion_topic CHECK (NOT app_blank(topic) AND length(topic) <= 100),
	summary    text NOT NULL CONSTRAINT opinion_summary
	           CHECK (NOT app_blank(summary) AND length(summary) <= 4000),
	answer     text NOT NULL DEFAULT '' CONSTRAINT opinion_answer CHECK (length(answer) <= 4000),
	outcome    text NOT NULL CONSTRAINT opinion_outcome_fkey REFERENCES opinion_outcome (key),
	-- How many opinions received this row groups (意見の件数).
	count      integer NOT NULL DEFAULT 1 CONSTRAINT opinion_count CHECK (count BETWEEN 1 AND 100000),
	version    integer NOT NULL DEFAULT 1 CHECK (version > 0),
	updated_at timestamptz NOT NULL DEFAULT now(),
	-- A session's opinion belongs to that session's plan.
	FOREIGN KEY (session_id, plan_id) REFERENCES exchange_session (id, plan_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX opinion_number_key ON opinion (plan_id, coalesce(session_id, 0), number);
CREATE INDEX opinion_session_idx ON opinion (session_id) WHERE session_id IS NOT NULL;
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON opinion
	FOR EACH ROW EXECUTE FUNCTION audit_row('id');

-- The tallies of one result table (session NULL: the public comment):
-- per topic (in the order topics first appear) its rows, its opinions and
-- how many of them had each outcome; per outcome (every outcome, zero
-- included) its rows and opinions; and both in all. "Opinions" count the
-- opinions received (the sum of the rows' count), "groups" the rows.
CREATE FUNCTION opinion_tally(plan integer, session integer) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH o AS (
		SELECT * FROM opinion
		WHERE plan_id = plan AND session_id IS NOT DISTINCT FROM session
	), t AS (
		SELECT topic, min(number) AS first, count(*) AS groups, sum(count) AS opinions,
		       coalesce(sum(count) FILTER (WHERE outcome = 'reflected'), 0) AS reflected,
		       coalesce(sum(count) FILTER (WHERE outcome = 'partly'), 0) AS partly,
		       coalesce(sum(count) FILTER (WHERE outcome = 'not_reflected'), 0) AS not_reflected
		FROM o GROUP BY topic
	)
	SELECT json_build_object(
		'by_topic', (SELECT coalesce(json_agg(json_build_object('topic', t.topic,
			'groups', t.groups, 'opinions', t.opinions, 'reflected', t.reflected,
			'partly', t.partly, 'not_reflected', t.not_reflected) ORDER BY t.first), '[]') FROM t),
		'by_outcome', (SELECT json_agg(json_build_object('outcome', k.key, 'label', k.label,
			'groups', (SELECT count(*) FROM o WHERE o.outcome = k.key),
			'opinions', (SELECT coalesce(sum(o.count), 0) FROM o WHERE o.outcome = k.key))
			ORDER BY k.position) FROM opinion_outcome k),
		'total', json_build_object('groups', (SELECT count(*) FROM o),
			'opinions', (SELECT coalesce(sum(count), 0) FROM o)))
$$;

-- ---------------------------------------------------------------- who may write

-- The statements check that the acting user is an admin (SQL_ACTING_ADMIN);
-- the policies say it again, so that no statement can forget.
CREATE FUNCTION public_input_may_write() RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user()
	               AND u.role = 'admin' AND u.active)
$$;

ALTER TABLE public_comment ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON public_comment FOR SELECT USING (true);
CREATE POLICY admin_update ON public_comment FOR UPDATE USING (public_input_may_write());

ALTER TABLE exchange_session ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON exchange_session FOR SELECT USING (true);
CREATE POLICY admin_insert ON exchange_session FOR INSERT WITH CHECK (public_input_may_write());
CREATE POLICY admin_update ON exchange_session FOR UPDATE USING (public_input_may_write());
CREATE POLICY admin_delete ON exchange_session FOR DELETE USING (public_input_may_write());

ALTER TABLE opinion ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON opinion FOR SELECT USING (true);
CREATE POLICY admin_insert ON opinion FOR INSERT WITH CHECK (public_input_may_write());
CREATE POLICY admin_update ON opinion FOR UPDATE USING (public_input_may_write());
CREATE POLICY admin_delete ON opinion FOR DELETE USING (public_input_may_write());

GRANT SELECT ON opinion_outcome, public_comment, exchange_session, opinion TO shinchoku_app;
GRANT UPDATE (starts_on, ends_on, submitters, opinions, notes, version, updated_at)
	ON public_comment TO shinchoku_app;
GRANT INSERT, DELETE ON exchange_session, opinion TO shinchoku_app;
GRANT UPDATE (title, held_on, place, online, participants, notes, version, updated_at)
	ON exchange_session TO shinchoku_app;
GRANT UPDATE (number, topic, summary, answer, outcome, count, version, updated_at)
	ON opinion TO shinchoku_app;
GRANT USAGE ON SEQUENCE exchange_session_id_seq, opinion_id_seq TO shinchoku_app;
GRANT EXECUTE ON FUNCTION opinion_tally(integer, integer), public_input_may_write() TO shinchoku_app;
