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
	 "策定にするには、策定年月が必要です。"},
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
	/* Writing the next plan (sql/010). A plan that is no draft: the
	 * function's message says so. */
	{"SHDRF", NULL, 409, "not_draft", NULL, NULL},
	{"23505", "measure_plan_id_code_key", 409, "conflict", "code",
	 "この施策コードは、この計画ですでに使われています。"},
	{"23505", "measure_goal_id_policy_number_key", 409, "conflict", "code",
	 "この施策コードは、この計画ですでに使われています。"},
	{"23505", "goal_plan_id_number_key", 409, "conflict", "number",
	 "この番号の目標は、この計画にすでにあります。"},
	{"23505", "measure_origin_once", 409, "conflict", "measure_id",
	 "この施策は、この計画にすでに引き継がれています。"},
	{"23505", "activity_origin_once", 409, "conflict", "measure_id",
	 "この施策の取組の一部が、この計画にすでに引き継がれています。"},
	{"23505", "activity_department_pkey", 409, "conflict", "department_id",
	 "この所管課は、この取組にすでに割り当てられています。"},
	{"23505", "indicator_plan_id_name_key", 409, "conflict", "name",
	 "この名前の成果指標は、この計画にすでにあります。"},
	{"23505", "indicator_goal_id_position_key", 409, "conflict", "position",
	 "この目標のこの順番には、すでに成果指標があります。"},
	{"23505", "indicator_value_pkey", 409, "conflict", "fiscal_year",
	 "この年度のこの値はすでにあります。値を直すときは、登録済みの値を編集してください。"},
	{"23505", "footnote_pkey", 409, "conflict", "number",
	 "この番号の注記は、この計画にすでにあります。"},
	{"23505", "indicator_footnote_pkey", 409, "conflict", "number",
	 "この注記は、この成果指標にすでに付いています。"},
	/* The trigger's and functions' messages name the code (sql/010). */
	{"23514", "measure_goal_missing", 400, "bad_field", "code", NULL},
	{"23514", "measure_code_check", 400, "bad_field", "code",
	 "コードを 30 文字以内で入力してください。"},
	/* A plan's own terms (sql/014): the triggers' messages name the level,
	 * the format's description, the scale and the field. */
	{"23514", "measure_code_format", 400, "bad_field", "code", NULL},
	{"23514", "measure_circled", 400, "bad_field", "code",
	 "丸数字で終わるコードは、その丸数字が番号と合うようにしてください。"},
	{"23514", "status_in_scheme", 400, "bad_field", "status", NULL},
	{"SHSFX", NULL, 409, "scheme_fixed", NULL, NULL},
	{"23514", "scheme_name", 400, "bad_field", "name", "定義の名前を 100 文字以内で入力してください。"},
	{"23514", "scheme_scale_name", 400, "bad_field", "scale_name",
	 "評価の名前（例：進捗状況、達成度）を 20 文字以内で入力してください。"},
	{"23514", "scheme_levels", 400, "bad_field", "levels", NULL},
	{"23514", "scheme_scale", 400, "bad_field", "scale", NULL},
	{"23514", "scheme_level_name", 400, "bad_field", "levels",
	 "階層の名前（例：目標、施策、事業）を 20 文字以内で入力してください。"},
	{"23514", "scheme_level_pattern", 400, "bad_field", "code_pattern",
	 "コードの形式は、^ で始まり $ で終わる正しい正規表現（200 文字以内）で指定してください。"},
	{"23514", "scheme_level_description", 400, "bad_field", "code_description",
	 "コードの形式の説明（例：目標-施策-番号）を 100 文字以内で入力してください。"},
	{"23514", "scheme_level_code", 400, "bad_field", "code_description",
	 "コードの形式には、その説明を添えてください。"},
	{"23514", "progress_status_key_format", 400, "bad_field", "scale",
	 "区分のキーは、英小文字で始まる英小文字・数字・_ の 20 文字以内にしてください。"},
	{"23514", "progress_status_mark_format", 400, "bad_field", "scale",
	 "区分の記号（例：A、◎）を 1 から 4 文字で入力してください。"},
	{"23514", "progress_status_label_check", 400, "bad_field", "scale",
	 "区分の凡例を入力してください。"},
	{"23514", "progress_status_short_check", 400, "bad_field", "scale",
	 "区分の短い名前を 20 文字以内で入力してください。"},
	{"23514", "progress_status_min_rate", 400, "bad_field", "scale",
	 "達成率のしきい値は 0 から 1000 までの数にしてください。"},
	{"23505", "progress_status_mark_once", 400, "bad_field", "scale",
	 "区分の記号が重複しています。"},
	{"23505", "progress_status_short_once", 400, "bad_field", "scale",
	 "区分の短い名前が重複しています。"},
	/* Keys are a scheme's own (sql/015): another plan may use the same. */
	{"23505", "progress_status_pkey", 409, "conflict", "scale",
	 "区分のキーが重複しています。一つの定義の中では別々のキーにしてください。"},
	{"23514", "status2_in_scheme", 400, "bad_field", "status2", NULL},
	{"23514", "scheme_scale2_name", 400, "bad_field", "scales",
	 "二つ目の評価の名前を 20 文字以内で入力してください。"},
	{"23514", "scheme_scales", 400, "bad_field", "scales", NULL},
	{"23514", "measure_policy_check", 400, "bad_field", "code",
	 "施策コードの二つ目の数字（施策）は 1 から 99 までです。"},
	{"23514", "goal_number_check", 400, "bad_field", "number",
	 "目標の番号は 1 から 99 までです。"},
	{"23514", "goal_title_check", 400, "bad_field", "title", "目標の名前を入力してください。"},
	{"23514", "measure_name_check", 400, "bad_field", "name", "施策の名前を入力してください。"},
	{"23514", "activity_name_check", 400, "bad_field", "name", "取組の名前を入力してください。"},
	{"23514", "activity_proposal_name_check", 400, "bad_field", "name",
	 "取組の名前を入力してください。"},
	{"23514", "activity_proposal_decline_comment", 400, "bad_field", "comment",
	 "見送るときは、理由をコメントに入力してください。"},
	{"23514", "activity_proposal_pending_measure", 409, "has_proposals", NULL,
	 "承認待ちの取組提案がある施策は削除できません。先に提案を承認するか見送ってください。"},
	{"23514", "indicator_name_check", 400, "bad_field", "name", "成果指標の名前を入力してください。"},
	{"23514", "indicator_unit_check", 400, "bad_field", "unit", "単位は 1 から 20 文字です。"},
	{"23514", "indicator_value_value_text_check", 400, "bad_field", "text",
	 "報告どおりの表記（例：約231万件）を入力してください。"},
	{"23514", "footnote_body_check", 400, "bad_field", "text", "注記の本文を入力してください。"},
	{"23503", "activity_year_activity_id_fkey", 409, "has_records", NULL,
	 "年度の記録（進捗状況・取組結果）がある取組は削除できません。"},
	{"23503", "indicator_goal_id_plan_id_fkey", 409, "has_indicators", NULL,
	 "成果指標がある目標は削除できません。先に成果指標を削除するか、別の目標に移してください。"},
	{"23503", "drafting_goal_in_plan", 400, "bad_field", "goal_id", NULL},
	{"23503", "activity_proposal_measure", 400, "bad_field", "measure_id", NULL},
	{"23503", "activity_proposal_measure_id_fkey", 400, "bad_field", "measure_id",
	 "指定された施策がありません。"},
	{"23503", "activity_measure_id_plan_id_fkey", 400, "bad_field", "measure_id",
	 "指定された施策はこの計画にありません。"},
	{"23503", "activity_department_department_id_fkey", 400, "bad_field", "department_id",
	 "指定された所管課がありません。"},
	{"23503", "activity_proposal_department_id_fkey", 400, "bad_field", "department_id",
	 "指定された所管課がありません。"},
	{"23503", "indicator_footnote_plan_id_mark_fkey", 400, "bad_field", "number",
	 "この計画に、この番号の注記がありません。先に注記を作成してください。"},
	{"23505", NULL, 409, "conflict", NULL, "同じ内容がすでに登録されています。"},
	{"23514", "status_request_changes", 400, "bad_field", "status",
	 "現在と同じ区分です。別の区分を選んでください。"},
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

const struct db_refusal *
db_refusal_rows(size_t *n)
{
	*n = sizeof db_refusals / sizeof db_refusals[0];
	return db_refusals;
}

const char *
db_refusal_message(const struct db_refusal *r, const struct db_fault *f)
{
	return r->message != NULL ? r->message : f->message;
}
