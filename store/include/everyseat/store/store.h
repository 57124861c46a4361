// Storage of everything everyseat keeps: one interface, two implementations sharing one schema.
//
//   sqlite:PATH                 the embedded default: one file, WAL journal (PATH may be
//                               ":memory:" for a private in-memory database, without WAL)
//   postgresql://USER@HOST/DB   PostgreSQL through libpq, for several server nodes on one
//   postgresql:host=H dbname=D  database (a libpq URI, or a libpq conninfo after "postgresql:")
//
// Open applies the schema migrations the database lacks (store/migrations/NNNN_name.sql, compiled
// in) in one transaction, recording each in schema_migrations. Several processes may open the
// same database at once; migrations are serialised between them.
//
// Contracts that hold for every method of every implementation:
// - Errors are values (StoreError); no exception escapes. A method that fails changes nothing:
//   an import lands whole or not at all, a rejected change leaves no trace.
// - Every state-changing method writes one audit entry (who, when, what, before and after as
//   JSON) in the same transaction as the change. Bookkeeping writes are not audited: the
//   "last used" time of an API token, the reset of a failed sign-in counter that is already 0,
//   and the webhook deliveries (the outbox rows AddNotification queues, ClaimDeliveries' leases,
//   RecordDeliveryAttempt). Marking a notification seen is audited the first time only.
// - Every row carries an organisation id. A method given an OrgId reads and writes only that
//   organisation's rows: another organisation's ids are "not found". Only the look-ups of a
//   session or an API token by their secret cross organisations, and they return the owner.
// - Durability: a write is acknowledged when the method returns success; an acknowledged write
//   survives the process being killed at any moment (SIGKILL) with either setting, and a power
//   cut with Durability::kFull (SQLite synchronous=FULL; PostgreSQL synchronous_commit=on).
// - Secrets are never stored: session identifiers and API tokens are kept as their SHA-256,
//   passwords as the argon2id strings the caller made with domain::HashPassword. The one
//   exception is a webhook's secret, which signs what is sent, so must be readable; it is never
//   written to the audit log.
//
// Thread-safety: a Store is one database connection. Use an instance from one thread at a time
// (a server keeps one per worker thread, or a pool); separate instances may be used concurrently,
// in one process or several, on the same database.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "everyseat/domain/ids.h"
#include "everyseat/domain/model.h"
#include "everyseat/domain/story.h"

namespace everyseat::store {

using domain::Actor;
using domain::AnnotationId;
using domain::DeliveryId;
using domain::MeasureId;
using domain::NotificationId;
using domain::ObservationId;
using domain::OrgId;
using domain::PersonId;
using domain::ReflectionId;
using domain::ReplyId;
using domain::SessionId;
using domain::StoryId;
using domain::TagId;
using domain::TeamId;
using domain::TokenId;

enum class StoreErrorCode {
  kNotFound,     // no such row in this organisation (or the secret matches nothing valid)
  kConflict,     // a unique rule would break: an email taken, a period already recorded, ...
  kInvalid,      // the input breaks a domain rule (field names the field)
  kUnavailable,  // the database cannot be reached or is busy; the caller may retry
  kInternal,     // a bug or an unexpected database answer
};

struct StoreError {
  StoreErrorCode code = StoreErrorCode::kInternal;
  std::string message;  // plain English, no trailing full stop
  std::string field;    // the input field at fault, when there is one
};

template <class T>
using Result = tl::expected<T, StoreError>;

[[nodiscard]] std::string_view Name(StoreErrorCode);

enum class Durability {
  kNormal,  // survives the process being killed; SQLite synchronous=NORMAL (the default)
  kFull,    // also survives a power cut; SQLite synchronous=FULL
};
[[nodiscard]] std::optional<Durability> ParseDurability(std::string_view);  // "normal", "full"

// Who copies SQLite's write-ahead log back into the database file (a checkpoint).
enum class Checkpoints {
  kAutomatic,  // the commit that takes the log past 1,000 pages does it (SQLite's default)
  kByCaller,   // commits never do: the caller calls Store::Checkpoint, from a thread of its own
};

struct StoreOptions {
  Durability durability = Durability::kNormal;
  // A server takes kByCaller, so that no request waits for a checkpoint (and its fsyncs).
  Checkpoints checkpoints = Checkpoints::kAutomatic;
  // The time in Unix seconds; empty = the system clock. Tests set it to move time.
  std::function<int64_t()> clock;
  int busy_timeout_ms = 5000;  // SQLite: how long a writer waits for another's lock
};

// A signed-in browser session. The identifier itself is given to the caller once, on creation.
struct Session {
  SessionId id;
  OrgId org;
  PersonId person;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> revoked_at;
  friend bool operator==(const Session&, const Session&) = default;
};

// A bearer token that lets another system write the measures of one team.
struct ApiToken {
  TokenId id;
  OrgId org;
  TeamId team;  // scope: the measures of this team
  std::string name;
  Actor created_by;
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
  std::optional<int64_t> revoked_at;
  std::optional<int64_t> last_used_at;
  friend bool operator==(const ApiToken&, const ApiToken&) = default;
};

// A newly made secret (64 hex characters) and its record. The secret is shown once and never
// kept; later the record is found by it (FindSession, AuthenticateApiToken).
template <class Record>
struct Issued {
  std::string secret;
  Record record;
};

struct SignInState {
  int failed_count = 0;  // consecutive failures since the last success
  std::optional<int64_t> last_failed_at;
};

struct AuditQuery {
  std::string entity;             // "" = every entity
  int64_t entity_id = 0;          // 0 = every id
  std::optional<PersonId> actor;  // only the changes this person made (subject access)
  int64_t after_id = 0;           // entries with a larger id only (paging)
  int limit = 100;
};

struct NotificationQuery {
  std::vector<TeamId> teams;  // the teams whose notifications to list (empty: none)
  bool unseen_only = false;   // only those `reader` has not marked seen
  int64_t after_id = 0;       // paging: ids greater than this
  int limit = 100;            // newest first
};

// Which stories ListStories returns; every condition given must hold. Newest first (by
// published_at, then updated_at, then id).
struct StoryQuery {
  std::vector<domain::StoryState> states;  // empty: every state
  std::optional<PersonId> author;
  std::vector<PersonId> about_people;  // names at least one of these people (empty: anyone)
  std::vector<TeamId> teams;           // belongs to or names one of these teams (empty: any team)
  std::optional<TagId> value;
  std::optional<TagId> behaviour;
  std::optional<int64_t> published_from;    // published_at >= this
  std::optional<int64_t> published_to;      // published_at < this
  std::optional<int64_t> submitted_before;  // submitted_at < this
  // Words to find in the title, text and learning (SQLite FTS5, PostgreSQL full-text search with
  // English stemming; every word must match, a word also matches as a prefix). Only published
  // stories are indexed, so a search finds published stories only. "" = no search.
  std::string words;
  int limit = 50;  // 0 = no limit
  int offset = 0;
};

// A consistent copy of a database (Store::Backup).
struct BackupInfo {
  std::string path;    // the SQLite file written
  int64_t tables = 0;  // tables copied
  int64_t rows = 0;    // rows copied, over every table
};

class Store;

// A group of writes that land together or not at all. Move-only; rolls back when destroyed
// without Commit. While it is open, the store's methods join it: each still changes nothing when
// it fails (its own part is rolled back), and the caller decides whether to commit the rest.
class [[nodiscard]] Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // REQUIRES: the transaction is open. After Commit or Rollback it is closed.
  [[nodiscard]] Result<void> Commit();
  void Rollback();
  [[nodiscard]] bool open() const { return store_ != nullptr; }

 private:
  friend class Store;
  explicit Transaction(Store* store) : store_(store) {}
  Store* store_ = nullptr;
};

class Store {
 public:
  // Opens (creating for SQLite) the database at `url` and migrates it. kInvalid for a URL of no
  // known scheme or a database newer than this program; kUnavailable when it cannot be reached.
  [[nodiscard]] static Result<std::unique_ptr<Store>> Open(std::string_view url,
                                                           Durability durability);
  // True when Open would open `url` as an SQLite database.
  [[nodiscard]] static bool IsSqliteUrl(std::string_view url);
  [[nodiscard]] static Result<std::unique_ptr<Store>> Open(std::string_view url,
                                                           const StoreOptions& options);

  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  [[nodiscard]] virtual std::string_view Engine() const = 0;  // "sqlite" or "postgresql"
  // The version of the last migration applied.
  [[nodiscard]] virtual Result<int64_t> SchemaVersion() = 0;

  // Starts a transaction (kInvalid if one is already open on this store).
  [[nodiscard]] Result<Transaction> Begin();

  // --- Organisations. A new organisation gets the default values and behaviours.
  [[nodiscard]] virtual Result<domain::Organisation> CreateOrganisation(const Actor& actor,
                                                                        std::string_view name) = 0;
  [[nodiscard]] virtual Result<domain::Organisation> GetOrganisation(OrgId org) = 0;
  [[nodiscard]] virtual Result<std::vector<domain::Organisation>> ListOrganisations() = 0;

  // --- Teams: a tree of any depth. The path is "Organisation/Parent/.../Name", unique.
  [[nodiscard]] virtual Result<domain::Team> CreateTeam(const Actor& actor, OrgId org,
                                                        std::optional<TeamId> parent,
                                                        std::string_view name) = 0;
  [[nodiscard]] virtual Result<domain::Team> GetTeam(OrgId org, TeamId team) = 0;
  // `path` is parsed with domain::ParseTeamPath, so spaces around the slashes do not matter.
  [[nodiscard]] virtual Result<domain::Team> FindTeamByPath(OrgId org, std::string_view path) = 0;
  // Every team of the organisation, depth first (a parent before its children, siblings by name).
  [[nodiscard]] virtual Result<std::vector<domain::Team>> ListTeams(OrgId org) = 0;
  // `root` and every team below it, depth first.
  [[nodiscard]] virtual Result<std::vector<domain::Team>> ListSubtree(OrgId org, TeamId root) = 0;

  // --- People. Emails are unique per organisation (kConflict) and stored normalised.
  // CreatePerson ignores person.id; person.org names the organisation.
  [[nodiscard]] virtual Result<domain::Person> CreatePerson(const Actor& actor,
                                                            const domain::Person& person) = 0;
  [[nodiscard]] virtual Result<domain::Person> GetPerson(OrgId org, PersonId person) = 0;
  [[nodiscard]] virtual Result<domain::Person> FindPersonByEmail(OrgId org,
                                                                 std::string_view email) = 0;
  [[nodiscard]] virtual Result<std::vector<domain::Person>> ListPeople(OrgId org) = 0;  // by name
  // Replaces every field of the stored person `person.id`. A line manager must be in the same
  // organisation and must not make a cycle of line management (kInvalid).
  [[nodiscard]] virtual Result<domain::Person> UpdatePerson(const Actor& actor,
                                                            const domain::Person& person) = 0;

  // --- Team memberships: adds the membership or changes its role.
  [[nodiscard]] virtual Result<domain::Membership> SetMembership(
      const Actor& actor, OrgId org, const domain::Membership& membership) = 0;
  [[nodiscard]] virtual Result<void> RemoveMembership(const Actor& actor, OrgId org,
                                                      PersonId person, TeamId team) = 0;
  [[nodiscard]] virtual Result<std::vector<domain::Membership>> ListMembershipsOfPerson(
      OrgId org, PersonId person) = 0;
  [[nodiscard]] virtual Result<std::vector<domain::Membership>> ListMembersOfTeam(OrgId org,
                                                                                  TeamId team) = 0;

  // --- Organisation roles. Granting a role held already is kConflict; revoking one not held,
  // kNotFound.
  [[nodiscard]] virtual Result<void> GrantRole(const Actor& actor, OrgId org, PersonId person,
                                               domain::OrgRole role) = 0;
  [[nodiscard]] virtual Result<void> RevokeRole(const Actor& actor, OrgId org, PersonId person,
                                                domain::OrgRole role) = 0;
  [[nodiscard]] virtual Result<std::vector<domain::OrgRole>> ListRoles(OrgId org,
                                                                       PersonId person) = 0;

  // --- Values and behaviours (tags). Names are unique per organisation and kind.
  [[nodiscard]] virtual Result<domain::Tag> AddTag(const Actor& actor, OrgId org,
                                                   domain::TagKind kind, std::string_view name,
                                                   std::string_view description) = 0;
  // In the order they were added; retired ones only when include_retired.
  [[nodiscard]] virtual Result<std::vector<domain::Tag>> ListTags(OrgId org, domain::TagKind kind,
                                                                  bool include_retired) = 0;
  [[nodiscard]] virtual Result<domain::Tag> SetTagActive(const Actor& actor, OrgId org, TagId tag,
                                                         bool active) = 0;

  // --- Measures. The owning team must be in the organisation; names are unique per team.
  // CreateMeasure ignores measure.id and measure.created_at.
  [[nodiscard]] virtual Result<domain::Measure> CreateMeasure(const Actor& actor,
                                                              const domain::Measure& measure) = 0;
  [[nodiscard]] virtual Result<domain::Measure> GetMeasure(OrgId org, MeasureId measure) = 0;
  [[nodiscard]] virtual Result<std::vector<domain::Measure>> ListMeasures(OrgId org,
                                                                          TeamId team) = 0;
  // Replaces the definition fields of measure.id (not its team or creation time).
  [[nodiscard]] virtual Result<domain::Measure> UpdateMeasure(const Actor& actor,
                                                              const domain::Measure& measure) = 0;

  // --- Observations. One current value per measure and period; corrections keep history.
  // kConflict when the period already has a value (correct it instead).
  [[nodiscard]] virtual Result<domain::Observation> AppendObservation(
      const Actor& actor, OrgId org, const domain::ObservationInput& input) = 0;
  // AppendObservation inside the transaction open on this store (Begin), to `measure` as read in
  // that transaction, so that the measure is not read again (the group writer's path): the
  // organisation is the measure's. kInvalid when no transaction is open, or when input.measure
  // is not measure.id.
  [[nodiscard]] virtual Result<domain::Observation> AppendObservationTo(
      const Actor& actor, const domain::Measure& measure,
      const domain::ObservationInput& input) = 0;
  // All rows or none, in one transaction, with one audit entry for the batch. The error of a bad
  // row starts "row N: " (N counting from 1). Returns the number of rows written.
  [[nodiscard]] virtual Result<size_t> AppendObservations(
      const Actor& actor, OrgId org, std::span<const domain::ObservationInput> inputs) = 0;
  // Supersedes the current value of the period with a new version (kNotFound if it has none).
  [[nodiscard]] virtual Result<domain::Observation> CorrectObservation(
      const Actor& actor, OrgId org, const domain::ObservationInput& input) = 0;
  // The current value of every period, in period order.
  [[nodiscard]] virtual Result<std::vector<domain::Observation>> ListObservations(
      OrgId org, MeasureId measure) = 0;
  // Every version of one period, oldest first (empty when the period has no value).
  [[nodiscard]] virtual Result<std::vector<domain::Observation>> ListObservationHistory(
      OrgId org, MeasureId measure, std::string_view period) = 0;

  // --- Annotations. AddAnnotation ignores id, created_by and created_at (it uses the actor).
  [[nodiscard]] virtual Result<domain::Annotation> AddAnnotation(
      const Actor& actor, const domain::Annotation& annotation) = 0;
  // In period order, then in the order they were added.
  [[nodiscard]] virtual Result<std::vector<domain::Annotation>> ListAnnotations(
      OrgId org, MeasureId measure) = 0;
  [[nodiscard]] virtual Result<void> RemoveAnnotation(const Actor& actor, OrgId org,
                                                      AnnotationId annotation) = 0;

  // --- The audit log, oldest first.
  [[nodiscard]] virtual Result<std::vector<domain::AuditEntry>> ListAudit(
      OrgId org, const AuditQuery& query) = 0;

  // --- Passwords and sign-in. The hash is an argon2id string from domain::HashPassword.
  [[nodiscard]] virtual Result<void> SetPasswordHash(const Actor& actor, OrgId org, PersonId person,
                                                     std::string_view hash) = 0;
  // kNotFound when the person has no password.
  [[nodiscard]] virtual Result<std::string> GetPasswordHash(OrgId org, PersonId person) = 0;
  // Counts one more consecutive failure and returns the new count (for lockout decisions).
  [[nodiscard]] virtual Result<int> RecordFailedSignIn(OrgId org, PersonId person) = 0;
  [[nodiscard]] virtual Result<void> ResetFailedSignIns(OrgId org, PersonId person) = 0;
  [[nodiscard]] virtual Result<SignInState> GetSignInState(OrgId org, PersonId person) = 0;

  // --- Sessions: a random identifier, stored as its SHA-256, valid for `lifetime_seconds`.
  [[nodiscard]] virtual Result<Issued<Session>> CreateSession(OrgId org, PersonId person,
                                                              int64_t lifetime_seconds) = 0;
  // The session of this identifier if it exists, is not revoked and has not expired; else
  // kNotFound (the same error for each, so a caller cannot probe).
  [[nodiscard]] virtual Result<Session> FindSession(std::string_view secret) = 0;
  [[nodiscard]] virtual Result<void> RevokeSession(std::string_view secret) = 0;
  // Revokes every open session of the person (after a password change); returns how many.
  [[nodiscard]] virtual Result<int64_t> RevokeSessionsOfPerson(const Actor& actor, OrgId org,
                                                               PersonId person) = 0;

  // --- API tokens: 256-bit random, stored as SHA-256, scoped to one team's measures.
  [[nodiscard]] virtual Result<Issued<ApiToken>> IssueApiToken(
      const Actor& actor, OrgId org, TeamId team, std::string_view name,
      std::optional<int64_t> expires_at) = 0;
  // The token of this secret if it is not revoked or expired (else kNotFound); records the use.
  [[nodiscard]] virtual Result<ApiToken> AuthenticateApiToken(std::string_view secret) = 0;
  [[nodiscard]] virtual Result<void> RevokeApiToken(const Actor& actor, OrgId org,
                                                    TokenId token) = 0;
  [[nodiscard]] virtual Result<std::vector<ApiToken>> ListApiTokens(OrgId org, TeamId team) = 0;

  // --- Notifications. AddNotification ignores id, created_at and seen. It returns nullopt (and
  // writes nothing) when the (measure, period, kind) was notified before. When the team has a
  // webhook, a pending delivery of the notification is added in the same transaction, its body
  // the JSON {"notification": {...}, "measure": {...}} (see docs/api.md, "Webhooks").
  [[nodiscard]] virtual Result<std::optional<domain::Notification>> AddNotification(
      const Actor& actor, const domain::Notification& notification) = 0;
  // Newest first; Notification::seen says whether `reader` has marked it seen.
  [[nodiscard]] virtual Result<std::vector<domain::Notification>> ListNotifications(
      OrgId org, PersonId reader, const NotificationQuery& query) = 0;
  [[nodiscard]] virtual Result<domain::Notification> GetNotification(OrgId org, PersonId reader,
                                                                     NotificationId id) = 0;
  // Marking one seen twice is not an error.
  [[nodiscard]] virtual Result<void> MarkNotificationSeen(OrgId org, PersonId reader,
                                                          NotificationId id) = 0;

  // --- Webhooks: at most one per team. SetWebhook replaces the URL and makes a new secret
  // (kInvalid, field "url", unless the URL is http:// or https:// with a host); deliveries still
  // pending go to the new URL with the new secret. RemoveWebhook marks them failed.
  [[nodiscard]] virtual Result<domain::Webhook> SetWebhook(const Actor& actor, OrgId org,
                                                           TeamId team, std::string_view url) = 0;
  [[nodiscard]] virtual Result<domain::Webhook> GetWebhook(OrgId org, TeamId team) = 0;
  [[nodiscard]] virtual Result<void> RemoveWebhook(const Actor& actor, OrgId org, TeamId team) = 0;

  // --- Webhook deliveries (the outbox), for the dispatcher; these cross organisations and are
  // bookkeeping, not audited. ClaimDeliveries returns up to `limit` pending deliveries due at
  // `now` and hides them from other claimers for `lease_seconds` (several server nodes may run
  // dispatchers on one database; each delivery goes to one of them at a time).
  [[nodiscard]] virtual Result<std::vector<domain::WebhookDelivery>> ClaimDeliveries(
      int64_t now, int limit, int64_t lease_seconds) = 0;
  // Records an attempt: delivered, or failed with the error and the time of the next attempt
  // (nullopt: give up, state failed).
  [[nodiscard]] virtual Result<void> RecordDeliveryAttempt(DeliveryId id, bool delivered,
                                                           std::string_view error,
                                                           std::optional<int64_t> retry_at) = 0;
  // RecordDeliveryAttempt: kNotFound for no such delivery, kConflict when it is no longer
  // pending. ListDeliveries: the team's deliveries, newest first.
  [[nodiscard]] virtual Result<std::vector<domain::WebhookDelivery>> ListDeliveries(OrgId org,
                                                                                    TeamId team,
                                                                                    int limit) = 0;

  // --- Stories of leadership (domain/story.h). Audit entries of stories never hold their
  // title, text or learning (they may carry patient details until a moderator removes them):
  // only ids, state, tags and times.
  // CreateStory ignores id, created_at, updated_at, consents, acknowledgements and thanks. Every
  // person, team, measure and tag named must be in the organisation (kInvalid naming the field:
  // "people", "teams", "team", "measure", "values", "behaviours"); values and behaviours must be
  // tags of that kind. Audited as "story.create".
  [[nodiscard]] virtual Result<domain::Story> CreateStory(const Actor& actor,
                                                          const domain::Story& story) = 0;
  // Replaces every stored field of story.id (its content, subjects, tags, state, times and
  // moderation fields; not created_at, nor the consents, acknowledgements and thanks), with the
  // checks of CreateStory. Audited as "story.<verb>" (e.g. "story.submit", "story.publish").
  // The search index follows the state: a published story is indexed, any other is not.
  [[nodiscard]] virtual Result<domain::Story> UpdateStory(const Actor& actor,
                                                          const domain::Story& story,
                                                          std::string_view verb) = 0;
  [[nodiscard]] virtual Result<domain::Story> GetStory(OrgId org, StoryId story) = 0;
  [[nodiscard]] virtual Result<std::vector<domain::Story>> ListStories(OrgId org,
                                                                       const StoryQuery& query) = 0;
  // Adds or replaces the consent of `person` (kInvalid, field "person", unless the story names
  // them). Audited as "story.consent".
  [[nodiscard]] virtual Result<domain::Consent> SetConsent(const Actor& actor, OrgId org,
                                                           StoryId story, PersonId person,
                                                           domain::ConsentState state) = 0;
  // Removes every consent of the story (when it is edited back to a draft). Audited.
  [[nodiscard]] virtual Result<void> ClearConsents(const Actor& actor, OrgId org,
                                                   StoryId story) = 0;
  // kConflict when this manager acknowledged the story already. Audited "story.acknowledge".
  [[nodiscard]] virtual Result<domain::Acknowledgement> AddAcknowledgement(
      const Actor& actor, OrgId org, StoryId story, const domain::Acknowledgement& ack) = 0;
  // kConflict when this person thanked for the story already. Audited "story.thank".
  [[nodiscard]] virtual Result<domain::Thanks> AddThanks(const Actor& actor, OrgId org,
                                                         StoryId story,
                                                         const domain::Thanks& thanks) = 0;
  // Removes the title, text, learning and findings of every withdrawn, rejected or declined
  // story closed before `closed_before` and not purged yet (purged = true); returns how many.
  // One audit entry per story ("story.purge").
  [[nodiscard]] virtual Result<int64_t> PurgeStories(const Actor& actor, OrgId org,
                                                     int64_t closed_before) = 0;
  // Days a withdrawn, rejected or declined story's text is kept before PurgeStories removes it
  // (default 30; 0 to 3650, else kInvalid naming "retention_days").
  [[nodiscard]] virtual Result<int> GetStoryRetentionDays(OrgId org) = 0;
  [[nodiscard]] virtual Result<void> SetStoryRetentionDays(const Actor& actor, OrgId org,
                                                           int days) = 0;

  // --- Leaders' reflections and the replies of staff. CreateReflection and AddReply ignore id
  // and created_at (and a reply's hidden fields).
  [[nodiscard]] virtual Result<domain::Reflection> CreateReflection(
      const Actor& actor, const domain::Reflection& reflection) = 0;
  [[nodiscard]] virtual Result<domain::Reflection> GetReflection(OrgId org,
                                                                 ReflectionId reflection) = 0;
  // Newest first; 0 = no limit.
  [[nodiscard]] virtual Result<std::vector<domain::Reflection>> ListReflections(OrgId org,
                                                                                int limit,
                                                                                int offset) = 0;
  [[nodiscard]] virtual Result<domain::Reply> AddReply(const Actor& actor,
                                                       const domain::Reply& reply) = 0;
  // Oldest first, hidden ones included (the caller decides what to show).
  [[nodiscard]] virtual Result<std::vector<domain::Reply>> ListReplies(OrgId org,
                                                                       ReflectionId reflection) = 0;
  // Hides a reply with the moderator's recorded reason (kInvalid, field "reason", when empty;
  // kConflict when hidden already). Audited "reply.hide" with the reason.
  [[nodiscard]] virtual Result<domain::Reply> HideReply(const Actor& actor, OrgId org,
                                                        ReplyId reply, PersonId moderator,
                                                        std::string_view reason) = 0;
  // Every reflection and reply a person wrote (subject access).
  [[nodiscard]] virtual Result<std::vector<domain::Reply>> ListRepliesBy(OrgId org,
                                                                         PersonId author) = 0;

  // --- Events between server nodes. Publish sends `payload` (at most 7,000 bytes of JSON) to
  // every process listening on this database (PostgreSQL NOTIFY on a channel of the database and
  // schema, sent when the open transaction commits, or at once). SQLite has one server: a no-op.
  [[nodiscard]] virtual Result<void> Publish(std::string_view payload) = 0;

  // --- Checkpoint (SQLite): copies what the write-ahead log holds back into the database file
  // and says how many pages the log holds and how many of them are not copied yet.
  //   kPassive: as far as no reader still needs it, without waiting for any reader or writer.
  //     The next writer starts the log again from its beginning once all of it is copied; but
  //     under a steady stream of commits the copy never catches up, and the log grows without
  //     end (gigabytes within a minute of full load).
  //   kRestart: also waits (up to the busy timeout) for the writer to finish and for readers to
  //     leave the log, copies all of it, and so makes the next writer start it again. Best
  //     called on the writer's own connection, between its transactions.
  // PostgreSQL: a no-op, {0, 0}.
  enum class CheckpointMode { kPassive, kRestart };
  struct Checkpointed {
    int64_t log_pages = 0;  // in the log
    int64_t left = 0;       // of them, not copied
  };
  [[nodiscard]] virtual Result<Checkpointed> Checkpoint(CheckpointMode mode) = 0;

  // --- Backup: a consistent copy of every table, taken while others keep writing, as a new
  // SQLite file at `path` (which must not exist) with this program's schema; `everyseat serve
  // --db sqlite:PATH` can serve it. SQLite: the online backup API; PostgreSQL: every table read in
  // one REPEATABLE READ snapshot. kConflict (field "path") when `path` exists, which is left
  // alone; kInvalid inside a Transaction. On failure no file is left at `path`.
  [[nodiscard]] virtual Result<BackupInfo> Backup(std::string_view path) = 0;

 protected:
  Store() = default;

  // Transaction hooks for Transaction and Begin.
  [[nodiscard]] virtual Result<void> BeginTransaction() = 0;
  [[nodiscard]] virtual Result<void> CommitTransaction() = 0;
  virtual void RollbackTransaction() = 0;

 private:
  friend class Transaction;
};

// Receives what other processes Publish on a PostgreSQL database (LISTEN on the channel of its
// database and schema) on its own connection. For SQLite urls Open returns a listener that never
// receives anything. Thread-safety: one thread at a time (a server runs one listener thread).
class EventListener {
 public:
  [[nodiscard]] static Result<std::unique_ptr<EventListener>> Open(std::string_view url);
  virtual ~EventListener() = default;
  // Waits up to timeout_ms for payloads and returns those received (empty on timeout).
  // kUnavailable when the connection is lost (the caller reopens after a pause).
  [[nodiscard]] virtual Result<std::vector<std::string>> Wait(int timeout_ms) = 0;
};

}  // namespace everyseat::store
