// SqlStore: the Store methods written once, in SQL that both engines accept, over a few engine
// primitives (run a statement, run a script, insert a batch of observations; for the outbox,
// events and backups: the row-lock clause of a claim, NOTIFY, a consistent copy into an SQLite
// file; for stories: the full-text search index) that SqliteStore and PostgresStore provide. See
// docs/adr/0003-store-interface.md.
//
// Statements use $1, $2, ... placeholders (SQLite reads them as ?1, ?2, ...), RETURNING, ON
// CONFLICT, WITH RECURSIVE and partial indexes, which SQLite 3.35+ and PostgreSQL 10+ share.
// Transactions: every write runs in a scope, a transaction when none is open (BEGIN IMMEDIATE on
// SQLite) or a savepoint inside the caller's Transaction, so a failed method changes nothing.
// Thread-safety: one thread at a time, like every Store.
#pragma once

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "everyseat/store/store.h"
#include "rows.h"

namespace everyseat::store::detail {

// A validated observation row ready to insert (the batch path).
struct ObservationRow {
  int64_t measure = 0;
  std::string_view period;  // points into the caller's ObservationInput
  int64_t period_start = 0;
  double value = 0;
  std::optional<double> denominator;
};

[[nodiscard]] inline tl::unexpected<StoreError> Fail(StoreErrorCode code, std::string message,
                                                     std::string field = {}) {
  return tl::unexpected<StoreError>(StoreError{code, std::move(message), std::move(field)});
}

class SqlStore : public Store {
 public:
  Result<int64_t> SchemaVersion() override;

  Result<domain::Organisation> CreateOrganisation(const Actor& actor,
                                                  std::string_view name) override;
  Result<domain::Organisation> GetOrganisation(OrgId org) override;
  Result<std::vector<domain::Organisation>> ListOrganisations() override;

  Result<domain::Team> CreateTeam(const Actor& actor, OrgId org, std::optional<TeamId> parent,
                                  std::string_view name) override;
  Result<domain::Team> GetTeam(OrgId org, TeamId team) override;
  Result<domain::Team> FindTeamByPath(OrgId org, std::string_view path) override;
  Result<std::vector<domain::Team>> ListTeams(OrgId org) override;
  Result<std::vector<domain::Team>> ListSubtree(OrgId org, TeamId root) override;

  Result<domain::Person> CreatePerson(const Actor& actor, const domain::Person& person) override;
  Result<domain::Person> GetPerson(OrgId org, PersonId person) override;
  Result<domain::Person> FindPersonByEmail(OrgId org, std::string_view email) override;
  Result<std::vector<domain::Person>> ListPeople(OrgId org) override;
  Result<domain::Person> UpdatePerson(const Actor& actor, const domain::Person& person) override;

  Result<domain::Membership> SetMembership(const Actor& actor, OrgId org,
                                           const domain::Membership& membership) override;
  Result<void> RemoveMembership(const Actor& actor, OrgId org, PersonId person,
                                TeamId team) override;
  Result<std::vector<domain::Membership>> ListMembershipsOfPerson(OrgId org,
                                                                  PersonId person) override;
  Result<std::vector<domain::Membership>> ListMembersOfTeam(OrgId org, TeamId team) override;

  Result<void> GrantRole(const Actor& actor, OrgId org, PersonId person,
                         domain::OrgRole role) override;
  Result<void> RevokeRole(const Actor& actor, OrgId org, PersonId person,
                          domain::OrgRole role) override;
  Result<std::vector<domain::OrgRole>> ListRoles(OrgId org, PersonId person) override;

  Result<domain::Tag> AddTag(const Actor& actor, OrgId org, domain::TagKind kind,
                             std::string_view name, std::string_view description) override;
  Result<std::vector<domain::Tag>> ListTags(OrgId org, domain::TagKind kind,
                                            bool include_retired) override;
  Result<domain::Tag> SetTagActive(const Actor& actor, OrgId org, TagId tag, bool active) override;

  Result<domain::Measure> CreateMeasure(const Actor& actor,
                                        const domain::Measure& measure) override;
  Result<domain::Measure> GetMeasure(OrgId org, MeasureId measure) override;
  Result<std::vector<domain::Measure>> ListMeasures(OrgId org, TeamId team) override;
  Result<domain::Measure> UpdateMeasure(const Actor& actor,
                                        const domain::Measure& measure) override;

  Result<domain::Observation> AppendObservation(const Actor& actor, OrgId org,
                                                const domain::ObservationInput& input) override;
  Result<domain::Observation> AppendObservationTo(const Actor& actor,
                                                  const domain::Measure& measure,
                                                  const domain::ObservationInput& input) override;
  Result<size_t> AppendObservations(const Actor& actor, OrgId org,
                                    std::span<const domain::ObservationInput> inputs) override;
  Result<domain::Observation> CorrectObservation(const Actor& actor, OrgId org,
                                                 const domain::ObservationInput& input) override;
  Result<std::vector<domain::Observation>> ListObservations(OrgId org, MeasureId measure) override;
  Result<std::vector<domain::Observation>> ListObservationHistory(OrgId org, MeasureId measure,
                                                                  std::string_view period) override;

  Result<domain::Annotation> AddAnnotation(const Actor& actor,
                                           const domain::Annotation& annotation) override;
  Result<std::vector<domain::Annotation>> ListAnnotations(OrgId org, MeasureId measure) override;
  Result<void> RemoveAnnotation(const Actor& actor, OrgId org, AnnotationId annotation) override;

  Result<std::vector<domain::AuditEntry>> ListAudit(OrgId org, const AuditQuery& query) override;

  Result<void> SetPasswordHash(const Actor& actor, OrgId org, PersonId person,
                               std::string_view hash) override;
  Result<std::string> GetPasswordHash(OrgId org, PersonId person) override;
  Result<int> RecordFailedSignIn(OrgId org, PersonId person) override;
  Result<void> ResetFailedSignIns(OrgId org, PersonId person) override;
  Result<SignInState> GetSignInState(OrgId org, PersonId person) override;

  Result<Issued<Session>> CreateSession(OrgId org, PersonId person,
                                        int64_t lifetime_seconds) override;
  Result<Session> FindSession(std::string_view secret) override;
  Result<void> RevokeSession(std::string_view secret) override;
  Result<int64_t> RevokeSessionsOfPerson(const Actor& actor, OrgId org, PersonId person) override;

  Result<Issued<ApiToken>> IssueApiToken(const Actor& actor, OrgId org, TeamId team,
                                         std::string_view name,
                                         std::optional<int64_t> expires_at) override;
  Result<ApiToken> AuthenticateApiToken(std::string_view secret) override;
  Result<void> RevokeApiToken(const Actor& actor, OrgId org, TokenId token) override;
  Result<std::vector<ApiToken>> ListApiTokens(OrgId org, TeamId team) override;

  Result<std::optional<domain::Notification>> AddNotification(
      const Actor& actor, const domain::Notification& notification) override;
  Result<std::vector<domain::Notification>> ListNotifications(
      OrgId org, PersonId reader, const NotificationQuery& query) override;
  Result<domain::Notification> GetNotification(OrgId org, PersonId reader,
                                               NotificationId id) override;
  Result<void> MarkNotificationSeen(OrgId org, PersonId reader, NotificationId id) override;

  Result<domain::Webhook> SetWebhook(const Actor& actor, OrgId org, TeamId team,
                                     std::string_view url) override;
  Result<domain::Webhook> GetWebhook(OrgId org, TeamId team) override;
  Result<void> RemoveWebhook(const Actor& actor, OrgId org, TeamId team) override;

  Result<std::vector<domain::WebhookDelivery>> ClaimDeliveries(int64_t now, int limit,
                                                               int64_t lease_seconds) override;
  Result<void> RecordDeliveryAttempt(DeliveryId id, bool delivered, std::string_view error,
                                     std::optional<int64_t> retry_at) override;
  Result<std::vector<domain::WebhookDelivery>> ListDeliveries(OrgId org, TeamId team,
                                                              int limit) override;

  Result<domain::Story> CreateStory(const Actor& actor, const domain::Story& story) override;
  Result<domain::Story> UpdateStory(const Actor& actor, const domain::Story& story,
                                    std::string_view verb) override;
  Result<domain::Story> GetStory(OrgId org, StoryId story) override;
  Result<std::vector<domain::Story>> ListStories(OrgId org, const StoryQuery& query) override;
  Result<domain::Consent> SetConsent(const Actor& actor, OrgId org, StoryId story, PersonId person,
                                     domain::ConsentState state) override;
  Result<void> ClearConsents(const Actor& actor, OrgId org, StoryId story) override;
  Result<domain::Acknowledgement> AddAcknowledgement(const Actor& actor, OrgId org, StoryId story,
                                                     const domain::Acknowledgement& ack) override;
  Result<domain::Thanks> AddThanks(const Actor& actor, OrgId org, StoryId story,
                                   const domain::Thanks& thanks) override;
  Result<int64_t> PurgeStories(const Actor& actor, OrgId org, int64_t closed_before) override;
  Result<int> GetStoryRetentionDays(OrgId org) override;
  Result<void> SetStoryRetentionDays(const Actor& actor, OrgId org, int days) override;
  Result<domain::Reflection> CreateReflection(const Actor& actor,
                                              const domain::Reflection& reflection) override;
  Result<domain::Reflection> GetReflection(OrgId org, ReflectionId reflection) override;
  Result<std::vector<domain::Reflection>> ListReflections(OrgId org, int limit,
                                                          int offset) override;
  Result<domain::Reply> AddReply(const Actor& actor, const domain::Reply& reply) override;
  Result<std::vector<domain::Reply>> ListReplies(OrgId org, ReflectionId reflection) override;
  Result<domain::Reply> HideReply(const Actor& actor, OrgId org, ReplyId reply, PersonId moderator,
                                  std::string_view reason) override;
  Result<std::vector<domain::Reply>> ListRepliesBy(OrgId org, PersonId author) override;

  Result<void> Publish(std::string_view payload) override;
  Result<Checkpointed> Checkpoint(CheckpointMode) override { return Checkpointed{}; }

  Result<BackupInfo> Backup(std::string_view path) override;

 protected:
  explicit SqlStore(StoreOptions options) : options_(std::move(options)) {}

  // Applies the migrations the database lacks. Called once by the factory after connecting.
  [[nodiscard]] Result<void> Migrate();

  // --- Engine primitives.
  // Runs one statement with parameters and returns every row it gives.
  [[nodiscard]] virtual Result<Rows> Run(std::string_view sql, std::span<const Param> params) = 0;
  // Runs a one-row INSERT whose text ends "RETURNING id" and gives the new row's id. By default
  // as Run does; SQLite's runs the statement without the clause and reads the rowid it assigned,
  // because its RETURNING collects the results in a temporary table on every run (~6 us an
  // insert, on the observations' write path).
  [[nodiscard]] virtual Result<int64_t> InsertId(std::string_view sql,
                                                 std::span<const Param> params);
  // Runs statements without parameters (migrations, transaction control).
  [[nodiscard]] virtual Result<void> RunScript(std::string_view sql) = 0;
  // The statement that opens a write transaction ("BEGIN IMMEDIATE" on SQLite).
  [[nodiscard]] virtual std::string_view BeginStatement() const = 0;
  // Called inside the migration transaction before anything is read: serialises migrations
  // between processes (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE already has).
  [[nodiscard]] virtual Result<void> LockForMigration() = 0;
  // The column type of an auto-numbered 64-bit primary key, for "{{id}}" in the migrations.
  [[nodiscard]] virtual std::string_view IdColumnType() const = 0;
  // Inserts validated rows as version 1, all inside the current scope. On a unique violation,
  // returns kConflict naming the first row ("row N: ...", counting from 1).
  [[nodiscard]] virtual Result<void> InsertObservationRows(
      OrgId org, const Actor& actor, int64_t now, std::span<const ObservationRow> rows) = 0;
  // What follows the row selection of ClaimDeliveries so that concurrent claimers skip each
  // other's rows (PostgreSQL: " FOR UPDATE SKIP LOCKED"; SQLite: "", BEGIN IMMEDIATE serialises
  // the writers).
  [[nodiscard]] virtual std::string_view SkipLockedClause() const = 0;
  // Sends a checked event payload to the other processes on this database, when the open
  // transaction commits or at once (PostgreSQL: pg_notify; SQLite: nothing to do).
  [[nodiscard]] virtual Result<void> Notify(std::string_view payload) = 0;
  // Writes a consistent copy of the database into the SQLite file `path`, which exists and is
  // empty (Backup reserved it). No transaction is open. On failure the caller removes the file.
  [[nodiscard]] virtual Result<void> BackupInto(const std::string& path) = 0;

  // --- The search index of published stories (story_store.cc).
  // The statements that make the index, for "{{story_search}}" in the migrations (SQLite: an
  // FTS5 table whose rowid is the story id; PostgreSQL: a tsvector table with a GIN index).
  [[nodiscard]] virtual std::string_view StorySearchTableSql() const = 0;
  // Adds or replaces the story's entry in the index, inside the current scope.
  [[nodiscard]] virtual Result<void> IndexStory(OrgId org, StoryId story, std::string_view title,
                                                std::string_view text,
                                                std::string_view learning) = 0;
  // Removes the story's entry from the index, if it has one.
  [[nodiscard]] virtual Result<void> UnindexStory(OrgId org, StoryId story) = 0;
  // The engine's query text for `words`: each word plain letters and digits (and bytes of
  // UTF-8 characters), at least one; every word must match, also as a prefix.
  [[nodiscard]] virtual std::string StorySearchQuery(std::span<const std::string> words) const = 0;
  // A condition on the stories row aliased `s` that holds when the index matches the query text
  // bound at `placeholder` (e.g. "$7").
  [[nodiscard]] virtual std::string StorySearchCondition(std::string_view placeholder) const = 0;
  // Indexes every published story again (a backup copied row by row has an empty index).
  [[nodiscard]] Result<void> RebuildStorySearch();

  // BackupInto for an engine that is not SQLite: makes the schema in a new SQLite store at
  // `path` by its migrations, then copies every table's rows, ids included, from one snapshot
  // of this database opened by `begin_snapshot`.
  [[nodiscard]] Result<void> CopySnapshotInto(const std::string& path,
                                              std::string_view begin_snapshot);

  [[nodiscard]] int64_t Now() const;

  Result<void> BeginTransaction() override;
  Result<void> CommitTransaction() override;
  void RollbackTransaction() override;

 private:
  [[nodiscard]] Result<Rows> Q(std::string_view sql, std::initializer_list<Param> params) {
    return Run(sql, std::span<const Param>(params.begin(), params.size()));
  }
  [[nodiscard]] Result<int64_t> QId(std::string_view sql, std::initializer_list<Param> params) {
    return InsertId(sql, std::span<const Param>(params.begin(), params.size()));
  }

  // Runs `body` (returning Result<T>) in a write scope: committed or released when it succeeds,
  // rolled back when it fails or throws.
  template <class F>
  std::invoke_result_t<F> InWrite(F&& body);
  // Runs a read, turning an exception from below into kInternal.
  template <class F>
  std::invoke_result_t<F> InRead(F&& body);

  [[nodiscard]] Result<void> OpenScope();
  [[nodiscard]] Result<void> CloseScope(bool commit);

  [[nodiscard]] Result<void> Audit(const Actor& actor, OrgId org, std::string_view action,
                                   std::string_view entity, int64_t entity_id,
                                   std::string before_json, std::string after_json);

  [[nodiscard]] Result<domain::Team> TeamRow(OrgId org, TeamId team);
  [[nodiscard]] Result<domain::Person> PersonRow(OrgId org, PersonId person);
  [[nodiscard]] Result<domain::Measure> MeasureRow(OrgId org, MeasureId measure);
  // Inserts `o` (at o.version) as its period's current value, entered by `actor` now, and sets
  // o.entered_by, o.entered_at and o.id. A version already there is kConflict on "period",
  // "period P of measure M " followed by `if_taken`.
  [[nodiscard]] Result<void> InsertObservationRow(const Actor& actor, domain::Observation& o,
                                                  std::string_view if_taken);
  // The rows of AppendObservation, in the open scope, to `measure` read in it.
  [[nodiscard]] Result<domain::Observation> AppendTo(const Actor& actor,
                                                     const domain::Measure& measure,
                                                     const domain::ObservationInput& input);
  [[nodiscard]] Result<domain::Observation> CurrentObservation(OrgId org, MeasureId measure,
                                                               int64_t period_start);
  [[nodiscard]] Result<void> CheckManager(OrgId org, const domain::Person& person);
  [[nodiscard]] Result<domain::Notification> NotificationRow(OrgId org, PersonId reader,
                                                             NotificationId id);
  // Stories, reflections and replies (story_store.cc).
  [[nodiscard]] Result<domain::Story> StoryRow(OrgId org, StoryId story);
  // Reads the named people and teams, the tags, consents, acknowledgements and thanks of
  // `stories` (all of organisation `org`), a few statements for the lot.
  [[nodiscard]] Result<void> FillStories(OrgId org, std::vector<domain::Story>& stories);
  // Checks every reference of a story to be written; returns it with its lists without repeats.
  [[nodiscard]] Result<domain::Story> CheckedStory(const domain::Story& story);
  // Replaces the named people and teams and the tags of a checked story.
  [[nodiscard]] Result<void> WriteStorySubjects(const domain::Story& story);
  [[nodiscard]] Result<void> CheckStoryPerson(OrgId org, PersonId person, std::string_view field);
  [[nodiscard]] Result<domain::Reflection> ReflectionRow(OrgId org, ReflectionId reflection);
  [[nodiscard]] Result<domain::Reply> ReplyRow(OrgId org, ReplyId reply);
  // The tables of the SQLite store `target` and their rows (BackupInfo::tables and rows), after
  // checking its foreign keys.
  [[nodiscard]] static Result<BackupInfo> CountBackup(SqlStore& target, std::string path);

  StoreOptions options_;
  int scope_depth_ = 0;  // 0: no transaction open; n: a transaction and n - 1 savepoints
};

// --- Scopes (used by sql_store.cc and story_store.cc).

template <class F>
std::invoke_result_t<F> SqlStore::InWrite(F&& body) {
  using R = std::invoke_result_t<F>;
  bool opened = false;
  try {
    if (auto open = OpenScope(); !open) return R(tl::unexpected(open.error()));
    opened = true;
    R result = body();
    opened = false;
    if (!result) {
      (void)CloseScope(false);
      return result;
    }
    if (auto closed = CloseScope(true); !closed) return R(tl::unexpected(closed.error()));
    return result;
  } catch (const std::exception& e) {
    if (opened) (void)CloseScope(false);
    return R(Fail(StoreErrorCode::kInternal, std::string("unexpected failure: ") + e.what()));
  }
}

template <class F>
std::invoke_result_t<F> SqlStore::InRead(F&& body) {
  using R = std::invoke_result_t<F>;
  try {
    return body();
  } catch (const std::exception& e) {
    return R(Fail(StoreErrorCode::kInternal, std::string("unexpected failure: ") + e.what()));
  }
}

}  // namespace everyseat::store::detail
