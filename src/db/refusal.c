/* From what the database said to what a client is told: the one table.
 * A row matches on SQLSTATE (a two-character class matches the class)
 * and, when it names one, the constraint; the first match wins, so
 * specific rows come first. The constraint names are the schema's (sql/),
 * which is why the table lives in the db layer; api/errors.c renders a
 * row as an HTTP answer and the year import as a problem of a line.
 * Messages are Japanese and never carry a constraint name, SQL or the
 * server's English. */
#include "refusal.h"

#include <string.h>

/* clang-format off */
static const struct db_refusal db_refusals[] = {
	/* Our own SQLSTATE: a locked fiscal year (sql/004). Its message is the
	 * trigger's, written in Japanese for this purpose. */
	{"SHLCK", NULL, 409, "locked", "fiscal_year", NULL},
	/* The structure of an adopted or archived plan (sql/008). */
	{"SHRDO", "plan_readonly", 409, "plan_readonly", NULL,
	 "策定済み（または廃止済み）の計画の構成（目標・施策・取組・所管課）は変更できません。"},
	/* A plan's steps (sql/008): the triggers' messages are Japanese. */
	{"23503", "plan_transition_step", 400, "bad_field", "to", NULL},
	{"23514", "plan_transition_reason", 400, "bad_field", "reason", NULL},
	{"23514", "plan_check", 400, "bad_field", "adopted_month",
	 "策定にするには、策定年月（adopted_month）が必要です。"},
	/* Milestones (sql/001, sql/008). */
	{"23514", "milestone_end_after_start", 400, "bad_field", "planned_end_month",
	 "終了予定月が開始予定月より前になっています。"},
	{"23514", "milestone_open_no_end", 400, "bad_field", "open_ended",
	 "「～」（終了時期を定めない）予定には、終了予定月を入れられません。"},
	{"23514", "milestone_check", 400, "bad_field", "actual_date",
	 "完了にするには、完了日（実績）を入力してください。"},
	{"23514", "milestone_title_check", 400, "bad_field", "title", "件名を入力してください。"},
	{"23503", "milestone_owner_department_id_fkey", 400, "bad_field", "owner_department_id",
	 "指定された担当課がありません。"},
	{"23505", "status_request_one_pending", 409, "pending_request", NULL,
	 "この取組のこの年度には、すでに承認待ちの申請があります。"},
	{"23505", "app_user_login_key", 409, "conflict", "login",
	 "このログイン ID はすでに使われています。"},
	{"23505", "reporting_round_fiscal_year_key", 409, "conflict", "fiscal_year",
	 "この年度の照会はすでにあります。"},
	{"23505", "fiscal_year_pkey", 409, "conflict", "fiscal_year",
	 "この年度はすでにあります。"},
	/* Public input (sql/009). */
	{"23505", "opinion_number_key", 409, "conflict", "number",
	 "この番号の意見はすでにあります。"},
	{"23505", NULL, 409, "conflict", NULL, "同じ内容がすでに登録されています。"},
	{"23514", "status_request_changes", 400, "bad_field", "status",
	 "進捗状況が現在と同じです。"},
	/* The trigger's message names the mark (sql/006). */
	{"23514", "status_request_reason", 400, "bad_field", "reason", NULL},
	{"23514", "status_request_not_own", 403, "forbidden", NULL,
	 "自分の申請は自分で承認できません。"},
	{"23514", "app_user_last_admin", 400, "constraint", "role",
	 "有効な管理者が一人もいなくなるため、変更できません。"},
	{"23514", "app_user_check", 400, "bad_field", "department_id",
	 "職員と管理職には所属課が必要です。"},
	{"23514", "app_user_login_check", 400, "bad_field", "login",
	 "ログイン ID の形式が正しくありません。"},
	{"23514", "app_user_display_name_check", 400, "bad_field", "display_name",
	 "氏名を入力してください。"},
	{"23514", "public_comment_period", 400, "bad_field", "ends_on",
	 "意見募集の終了日は開始日以降の日付にしてください。"},
	{"23514", "public_comment_submitters", 400, "bad_field", "submitters",
	 "提出者数は0以上の数にしてください。"},
	{"23514", "public_comment_opinions", 400, "bad_field", "opinions",
	 "意見数は0以上の数にしてください。"},
	{"23514", "public_comment_notes", 400, "bad_field", "notes", "備考が長すぎます。"},
	{"23514", "exchange_session_title", 400, "bad_field", "title",
	 "意見交換会等の名称を入力してください。"},
	{"23514", "exchange_session_place", 400, "bad_field", "place",
	 "会場を入力するか、オンライン開催を選んでください。"},
	{"23514", "exchange_session_place_length", 400, "bad_field", "place", "会場が長すぎます。"},
	{"23514", "exchange_session_participants", 400, "bad_field", "participants",
	 "参加者数は0以上の数にしてください。"},
	{"23514", "exchange_session_notes", 400, "bad_field", "notes", "備考が長すぎます。"},
	{"23514", "opinion_number", 400, "bad_field", "number", "番号は1以上の数にしてください。"},
	{"23514", "opinion_topic", 400, "bad_field", "topic", "項目を入力してください。"},
	{"23514", "opinion_summary", 400, "bad_field", "summary", "意見の概要を入力してください。"},
	{"23514", "opinion_answer", 400, "bad_field", "answer", "区の考え方が長すぎます。"},
	{"23514", "opinion_count", 400, "bad_field", "count", "意見数は1以上の数にしてください。"},
	{"23503", "app_user_department_id_fkey", 400, "bad_field", "department_id",
	 "指定された所属課がありません。"},
	{"23503", "opinion_outcome_fkey", 400, "bad_field", "outcome",
	 "反映状況は「反映」「一部反映」「反映なし」のいずれかを指定してください。"},
	{"23503", NULL, 400, "constraint", NULL, "指定されたデータがありません。"},
	{"23", NULL, 400, "constraint", NULL, "入力内容が登録ルールに合いません。"},
	{"42501", NULL, 403, "forbidden", NULL, "この操作を行う権限がありません。"},
	{"57014", NULL, 503, "timeout", NULL,
	 "処理に時間がかかりすぎたため中止しました。しばらくしてから、もう一度お試しください。"},
	{"55P03", NULL, 503, "timeout", NULL,
	 "ほかの処理が終わるのを待ちきれませんでした。しばらくしてから、もう一度お試しください。"},
	/* No answer to COMMIT (db.c): it may have committed, so the user is
	 * told to look, not that it failed. */
	{"08007", NULL, 503, "commit_unknown", NULL,
	 "保存できたかどうかを確認できませんでした。ページを再読み込みして、内容が保存されているかを確かめてください。"},
	{"40001", NULL, 503, "busy", NULL, "混み合っています。もう一度お試しください。"},
	{"40P01", NULL, 503, "busy", NULL, "混み合っています。もう一度お試しください。"},
};
/* clang-format on */

/* Anything the table does not know: a bug in a statement. */
static const struct db_refusal db_refusal_unknown = {
    "", NULL, 500, "internal", NULL, "サーバーで予期しないエラーが発生しました。"};

static bool
row_matches(const struct db_refusal *row, const struct db_fault *f)
{
	size_t n = strlen(row->sqlstate);

	if (strncmp(row->sqlstate, f->sqlstate, n) != 0 || (n == 5 && f->sqlstate[5] != '\0'))
		return false;
	return row->constraint == NULL || strcmp(row->constraint, f->constraint) == 0;
}

const struct db_refusal *
db_refusal_of(const struct db_fault *f)
{
	size_t i;

	for (i = 0; i < sizeof db_refusals / sizeof db_refusals[0]; i++)
		if (row_matches(&db_refusals[i], f))
			return &db_refusals[i];
	return &db_refusal_unknown;
}

const char *
db_refusal_message(const struct db_refusal *r, const struct db_fault *f)
{
	return r->message != NULL ? r->message : f->message;
}
