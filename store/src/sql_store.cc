// The Store methods over the engine primitives (sql_store.h). Every statement here runs
// unchanged on SQLite and PostgreSQL.
// Thread-safety: one thread at a time, like every Store.
#include "sql_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <set>
#include <string>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"
#include "json.h"
#include "migrations.h"

namespace everyseat::store::detail {
namespace {

using domain::Annotation;
using domain::AuditEntry;
using domain::Measure;
using domain::Membership;
using domain::Observation;
using domain::Organisation;
using domain::Person;
using domain::Tag;
using domain::Team;

// Column lists, in the order the Read* functions below expect.
#define ES_TEAM_COLS "id, org_id, parent_id, name, path"
#define ES_PERSON_COLS "id, org_id, name, email, job_title, staff_group, line_manager_id"
#define ES_TAG_COLS "id, org_id, kind, name, description, active"
#define ES_MEASURE_COLS                                                                      \
  "id, org_id, team_id, name, definition, unit, kind, chart, direction, target, frequency, " \
  "created_at"
#define ES_OBSERVATION_COLS                                                               \
  "id, org_id, measure_id, period, period_start, value, denominator, entered_by_person, " \
  "entered_by_label, entered_at, version, superseded"
#define ES_ANNOTATION_COLS                                                        \
  "id, org_id, measure_id, period, period_start, kind, body, created_by_person, " \
  "created_by_label, created_at"
#define ES_AUDIT_COLS                                                                            \
  "id, org_id, actor_person, actor_label, happened_at, action, entity, entity_id, before_json, " \
  "after_json"
#define ES_SESSION_COLS "id, org_id, person_id, created_at, expires_at, revoked_at"
#define ES_TOKEN_COLS                                                                        \
  "id, org_id, team_id, name, created_by_person, created_by_label, created_at, expires_at, " \
  "revoked_at, last_used_at"
// Notifications are read joined with the reader's row of notification_reads (alias s).
#define ES_NOTIFICATION_COLS                                                              \
  "n.id, n.org_id, n.team_id, n.measure_id, n.period, n.kind, n.message, n.detail_json, " \
  "n.created_at, CASE WHEN s.person_id IS NULL THEN 0 ELSE 1 END"
#define ES_DELIVERY_COLS                                                                        \
  "id, org_id, team_id, notification_id, url, secret, body, state, attempts, next_attempt_at, " \
  "delivered_at, last_error"

constexpr std::string_view kSchemaMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// An API token's last use is written at most this often (seconds), so authenticating does not
// take the write lock on every request.
constexpr int64_t kTokenUseResolution = 60;

std::string Num(int64_t v) { return std::to_string(v); }

template <class Id>
Param OptId(const std::optional<Id>& id) {
  return id ? Param(id->value) : Null();
}
Param Flag(bool b) { return Param(int64_t{b ? 1 : 0}); }

// Replaces the engine's message of an error of code `when` by one for people.
StoreError Explain(StoreError e, StoreErrorCode when, std::string message, std::string field = {}) {
  if (e.code == when) {
    e.message = std::move(message);
    e.field = std::move(field);
  }
  return e;
}

tl::unexpected<StoreError> FromDomain(domain::DomainError e, std::string_view prefix = {}) {
  return Fail(StoreErrorCode::kInvalid, std::string(prefix) + e.message, std::move(e.field));
}

domain::Actor ReadActor(const Rows& r, size_t i, size_t person_col) {
  domain::Actor a;
  if (!r.IsNull(i, person_col)) a.person = domain::PersonId(r.Int(i, person_col));
  a.label = r.Text(i, person_col + 1);
  return a;
}

Team ReadTeam(const Rows& r, size_t i) {
  Team t;
  t.id = domain::TeamId(r.Int(i, 0));
  t.org = domain::OrgId(r.Int(i, 1));
  if (!r.IsNull(i, 2)) t.parent = domain::TeamId(r.Int(i, 2));
  t.name = r.Text(i, 3);
  t.path = r.Text(i, 4);
  return t;
}

Person ReadPerson(const Rows& r, size_t i) {
  Person p;
  p.id = domain::PersonId(r.Int(i, 0));
  p.org = domain::OrgId(r.Int(i, 1));
  p.name = r.Text(i, 2);
  p.email = r.Text(i, 3);
  p.job_title = r.Text(i, 4);
  p.staff_group = domain::ParseStaffGroup(r.Text(i, 5)).value_or(domain::StaffGroup::kOther);
  if (!r.IsNull(i, 6)) p.line_manager = domain::PersonId(r.Int(i, 6));
  return p;
}

Tag ReadTag(const Rows& r, size_t i) {
  Tag t;
  t.id = domain::TagId(r.Int(i, 0));
  t.org = domain::OrgId(r.Int(i, 1));
  t.kind = domain::ParseTagKind(r.Text(i, 2)).value_or(domain::TagKind::kValue);
  t.name = r.Text(i, 3);
  t.description = r.Text(i, 4);
  t.active = r.Int(i, 5) != 0;
  return t;
}

Measure ReadMeasure(const Rows& r, size_t i) {
  Measure m;
  m.id = domain::MeasureId(r.Int(i, 0));
  m.org = domain::OrgId(r.Int(i, 1));
  m.team = domain::TeamId(r.Int(i, 2));
  m.name = r.Text(i, 3);
  m.definition = r.Text(i, 4);
  m.unit = r.Text(i, 5);
  m.kind = domain::ParseMeasureKind(r.Text(i, 6)).value_or(domain::MeasureKind::kOutcome);
  m.chart = spc::ParseChart(r.Text(i, 7)).value_or(spc::Chart::kI);
  m.direction = spc::ParseDirection(r.Text(i, 8)).value_or(spc::Direction::kNeutral);
  m.target = r.OptDouble(i, 9);
  m.frequency = domain::ParseFrequency(r.Text(i, 10)).value_or(domain::Frequency::kMonthly);
  m.created_at = r.Int(i, 11);
  return m;
}

Observation ReadObservation(const Rows& r, size_t i) {
  Observation o;
  o.id = domain::ObservationId(r.Int(i, 0));
  o.org = domain::OrgId(r.Int(i, 1));
  o.measure = domain::MeasureId(r.Int(i, 2));
  o.period = r.Text(i, 3);
  o.period_start = r.Int(i, 4);
  o.value = r.Double(i, 5);
  o.denominator = r.OptDouble(i, 6);
  o.entered_by = ReadActor(r, i, 7);
  o.entered_at = r.Int(i, 9);
  o.version = static_cast<int32_t>(r.Int(i, 10));
  o.superseded = r.Int(i, 11) != 0;
  return o;
}

Annotation ReadAnnotation(const Rows& r, size_t i) {
  Annotation a;
  a.id = domain::AnnotationId(r.Int(i, 0));
  a.org = domain::OrgId(r.Int(i, 1));
  a.measure = domain::MeasureId(r.Int(i, 2));
  a.period = r.Text(i, 3);
  a.period_start = r.Int(i, 4);
  a.kind = domain::ParseAnnotationKind(r.Text(i, 5)).value_or(domain::AnnotationKind::kNote);
  a.text = r.Text(i, 6);
  a.created_by = ReadActor(r, i, 7);
  a.created_at = r.Int(i, 9);
  return a;
}

AuditEntry ReadAudit(const Rows& r, size_t i) {
  AuditEntry e;
  e.id = domain::AuditId(r.Int(i, 0));
  e.org = domain::OrgId(r.Int(i, 1));
  e.actor = ReadActor(r, i, 2);
  e.at = r.Int(i, 4);
  e.action = r.Text(i, 5);
  e.entity = r.Text(i, 6);
  e.entity_id = r.Int(i, 7);
  e.before_json = r.Text(i, 8);
  e.after_json = r.Text(i, 9);
  return e;
}

Session ReadSession(const Rows& r, size_t i) {
  Session s;
  s.id = domain::SessionId(r.Int(i, 0));
  s.org = domain::OrgId(r.Int(i, 1));
  s.person = domain::PersonId(r.Int(i, 2));
  s.created_at = r.Int(i, 3);
  s.expires_at = r.Int(i, 4);
  s.revoked_at = r.OptInt(i, 5);
  return s;
}

ApiToken ReadToken(const Rows& r, size_t i) {
  ApiToken t;
  t.id = domain::TokenId(r.Int(i, 0));
  t.org = domain::OrgId(r.Int(i, 1));
  t.team = domain::TeamId(r.Int(i, 2));
  t.name = r.Text(i, 3);
  t.created_by = ReadActor(r, i, 4);
  t.created_at = r.Int(i, 6);
  t.expires_at = r.OptInt(i, 7);
  t.revoked_at = r.OptInt(i, 8);
  t.last_used_at = r.OptInt(i, 9);
  return t;
}

// --- The JSON of each entity in the audit log.

std::string Json(const Team& t) {
  return JsonObject()
      .Int("id", t.id.value)
      .OptInt("parent", t.parent ? std::optional<int64_t>(t.parent->value) : std::nullopt)
      .Str("name", t.name)
      .Str("path", t.path)
      .Take();
}

std::string Json(const Person& p) {
  return JsonObject()
      .Int("id", p.id.value)
      .Str("name", p.name)
      .Str("email", p.email)
      .Str("job_title", p.job_title)
      .Str("staff_group", domain::Name(p.staff_group))
      .OptInt("line_manager",
              p.line_manager ? std::optional<int64_t>(p.line_manager->value) : std::nullopt)
      .Take();
}

std::string Json(const Membership& m) {
  return JsonObject()
      .Int("person", m.person.value)
      .Int("team", m.team.value)
      .Str("role", domain::Name(m.role))
      .Take();
}

std::string Json(const Tag& t) {
  return JsonObject()
      .Int("id", t.id.value)
      .Str("kind", domain::Name(t.kind))
      .Str("name", t.name)
      .Str("description", t.description)
      .Bool("active", t.active)
      .Take();
}

std::string Json(const Measure& m) {
  return JsonObject()
      .Int("id", m.id.value)
      .Int("team", m.team.value)
      .Str("name", m.name)
      .Str("definition", m.definition)
      .Str("unit", m.unit)
      .Str("kind", domain::Name(m.kind))
      .Str("chart", spc::Name(m.chart))
      .Str("direction", spc::Name(m.direction))
      .OptNum("target", m.target)
      .Str("frequency", domain::Name(m.frequency))
      .Take();
}

std::string Json(const Observation& o) {
  return JsonObject()
      .Int("id", o.id.value)
      .Int("measure", o.measure.value)
      .Str("period", o.period)
      .Num("value", o.value)
      .OptNum("denominator", o.denominator)
      .Int("version", o.version)
      .Take();
}

std::string Json(const Annotation& a) {
  return JsonObject()
      .Int("id", a.id.value)
      .Int("measure", a.measure.value)
      .Str("period", a.period)
      .Str("kind", domain::Name(a.kind))
      .Str("text", a.text)
      .Take();
}

std::string Json(const Session& s) {
  return JsonObject()
      .Int("id", s.id.value)
      .Int("person", s.person.value)
      .Int("expires_at", s.expires_at)
      .OptInt("revoked_at", s.revoked_at)
      .Take();
}

std::string Json(const ApiToken& t) {
  return JsonObject()
      .Int("id", t.id.value)
      .Int("team", t.team.value)
      .Str("name", t.name)
      .OptInt("expires_at", t.expires_at)
      .OptInt("revoked_at", t.revoked_at)
      .Take();
}

// Depth-first order of team paths: a parent before its children, and "Ward 7/Bay" before
// "Ward 7 North" (the separator sorts before every other character).
bool PathLess(const Team& a, const Team& b) {
  return std::lexicographical_compare(
      a.path.begin(), a.path.end(), b.path.begin(), b.path.end(), [](char x, char y) {
        const auto key = [](char c) {
          return c == domain::kTeamPathSeparator ? -1
                                                 : static_cast<int>(static_cast<unsigned char>(c));
        };
        return key(x) < key(y);
      });
}

std::string ReplaceAll(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  for (size_t pos = 0;;) {
    const size_t hit = text.find(from, pos);
    out.append(text.substr(pos, hit - pos));
    if (hit == std::string_view::npos) break;
    out.append(to);
    pos = hit + from.size();
  }
  return out;
}

struct PairHash {
  size_t operator()(const std::pair<int64_t, int64_t>& k) const noexcept {
    return std::hash<int64_t>{}(k.first * 1000003 ^ k.second);
  }
};

// --- Notifications, webhooks and their deliveries.

// ListNotifications takes at most this many teams (each is a statement parameter).
constexpr size_t kMaxNotificationTeams = 10000;
// Publish's limit: PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
constexpr size_t kMaxEventPayload = 7000;
// A delivery keeps at most this many bytes of its last error.
constexpr size_t kMaxDeliveryError = 1000;
constexpr size_t kMaxUrlLength = 2000;
// Backup reads a table with an id in pages of this many rows.
constexpr int64_t kBackupPage = 5000;

// The tables of an SQLite database (a backup), without SQLite's own and without the story
// search index (a virtual table and its shadow tables, which a copy rebuilds).
constexpr std::string_view kSqliteTables =
    "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND "
    "substr(name, 1, 7) <> 'sqlite_' ORDER BY name";

domain::Notification ReadNotification(const Rows& r, size_t i) {
  domain::Notification n;
  n.id = domain::NotificationId(r.Int(i, 0));
  n.org = domain::OrgId(r.Int(i, 1));
  n.team = domain::TeamId(r.Int(i, 2));
  n.measure = domain::MeasureId(r.Int(i, 3));
  n.period = r.Text(i, 4);
  n.kind =
      domain::ParseNotificationKind(r.Text(i, 5)).value_or(domain::NotificationKind::kSpecialCause);
  n.message = r.Text(i, 6);
  n.detail_json = r.Text(i, 7);
  n.created_at = r.Int(i, 8);
  n.seen = r.Int(i, 9) != 0;
  return n;
}

domain::WebhookDelivery ReadDelivery(const Rows& r, size_t i) {
  domain::WebhookDelivery d;
  d.id = domain::DeliveryId(r.Int(i, 0));
  d.org = domain::OrgId(r.Int(i, 1));
  d.team = domain::TeamId(r.Int(i, 2));
  d.notification = domain::NotificationId(r.Int(i, 3));
  d.url = r.Text(i, 4);
  d.secret = r.Text(i, 5);
  d.body = r.Text(i, 6);
  d.state = domain::ParseDeliveryState(r.Text(i, 7)).value_or(domain::DeliveryState::kFailed);
  d.attempts = static_cast<int>(r.Int(i, 8));
  d.next_attempt_at = r.Int(i, 9);
  d.delivered_at = r.OptInt(i, 10);
  d.last_error = r.Text(i, 11);
  return d;
}

std::string Json(const domain::Notification& n) {
  return JsonObject()
      .Int("id", n.id.value)
      .Int("team", n.team.value)
      .Int("measure", n.measure.value)
      .Str("period", n.period)
      .Str("kind", domain::Name(n.kind))
      .Str("message", n.message)
      .Raw("detail", n.detail_json)
      .Int("created_at", n.created_at)
      .Take();
}

// What a webhook receives for a notification (compact JSON; detail is the notification's own
// JSON object as it was given).
std::string WebhookBody(const domain::Notification& n, const Measure& m, const Team& t) {
  return JsonObject()
      .Str("event", "notification")
      .Raw("notification", Json(n))
      .Raw("measure", JsonObject()
                          .Int("id", m.id.value)
                          .Str("name", m.name)
                          .Int("team", t.id.value)
                          .Str("team_path", t.path)
                          .Take())
      .Take();
}

// A webhook in the audit log: never its secret.
std::string WebhookJson(TeamId team, std::string_view url) {
  return JsonObject().Int("team", team.value).Str("url", url).Take();
}

// Why `url` cannot be a webhook's, or nothing: http:// or https://, then a host (a name, an IPv4
// address or a bracketed IPv6 one) with an optional port, no spaces or control characters.
std::optional<std::string> CheckWebhookUrl(std::string_view url) {
  if (url.size() > kMaxUrlLength) {
    return "url is longer than " + Num(static_cast<int64_t>(kMaxUrlLength)) + " characters";
  }
  size_t scheme = 0;
  if (url.rfind("https://", 0) == 0) {
    scheme = 8;
  } else if (url.rfind("http://", 0) == 0) {
    scheme = 7;
  } else {
    return "url must start with http:// or https://";
  }
  for (char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) return "url contains a space or a control character";
  }
  std::string_view authority = url.substr(scheme);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  std::optional<std::string_view> port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return "url has an unclosed [ in its host";
    host = authority.substr(1, close - 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "url has characters after its host's ]";
    if (!rest.empty()) port = rest.substr(1);
  } else if (const size_t colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return "url has no host";
  if (port) {
    int value = 0;
    const char* last = port->data() + port->size();
    const auto [end, ec] = std::from_chars(port->data(), last, value);
    if (ec != std::errc() || end != last || value < 1 || value > 65535) {
      return "url has a port that is not a number from 1 to 65535";
    }
  }
  return std::nullopt;
}

// At most `max` bytes of `text`, not cutting a UTF-8 character.
std::string Truncated(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return std::string(text.substr(0, n));
}

std::string QuoteName(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// How a backup stores a column, from its declared type (SQLite's affinity rules, section 3.1 of
// https://www.sqlite.org/datatype3.html): the cells of an engine that returns text (PostgreSQL)
// are converted here, exactly, rather than by SQLite's own text conversion.
enum class ColumnKind { kInteger, kReal, kText };

ColumnKind KindOfColumn(std::string_view declared) {
  std::string upper(declared);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.find("INT") != std::string::npos) return ColumnKind::kInteger;
  if (upper.find("REAL") != std::string::npos || upper.find("FLOA") != std::string::npos ||
      upper.find("DOUB") != std::string::npos) {
    return ColumnKind::kReal;
  }
  return ColumnKind::kText;
}

tl::expected<Param, std::string> ToParam(const Cell& cell, ColumnKind kind) {
  if (std::holds_alternative<std::monostate>(cell)) return Null();
  if (const auto* i = std::get_if<int64_t>(&cell)) return Param(*i);
  if (const auto* d = std::get_if<double>(&cell)) return Param(*d);
  const std::string& text = std::get<std::string>(cell);
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (kind == ColumnKind::kInteger) {
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last) return tl::unexpected("\"" + text + "\" is no integer");
    return Param(v);
  }
  if (kind == ColumnKind::kReal) {
    double v = 0;
    const auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last) return tl::unexpected("\"" + text + "\" is no number");
    return Param(v);
  }
  return Param(std::string_view(text));
}

}  // namespace

// --- Scopes and transactions.

// InWrite and InRead are templates: sql_store.h defines them.

Result<int64_t> SqlStore::InsertId(std::string_view sql, std::span<const Param> params) {
  auto r = Run(sql, params);
  if (!r) return tl::unexpected(r.error());
  if (r->size() != 1) return Fail(StoreErrorCode::kInternal, "an insert gave no id");
  return r->Int(0, 0);
}

Result<void> SqlStore::OpenScope() {
  if (scope_depth_ == 0) {
    if (auto r = RunScript(BeginStatement()); !r) return r;
  } else {
    if (auto r = RunScript("SAVEPOINT everyseat_" + Num(scope_depth_)); !r) return r;
  }
  ++scope_depth_;
  return {};
}

Result<void> SqlStore::CloseScope(bool commit) {
  if (scope_depth_ == 0) return Fail(StoreErrorCode::kInternal, "no transaction is open");
  --scope_depth_;
  if (scope_depth_ == 0) {
    if (!commit) {
      (void)RunScript("ROLLBACK");
      return {};
    }
    auto r = RunScript("COMMIT");
    // PostgreSQL ends a transaction whose COMMIT failed; SQLite keeps it open (SQLITE_BUSY).
    if (!r) (void)RunScript("ROLLBACK");
    return r;
  }
  const std::string name = "everyseat_" + Num(scope_depth_);
  if (commit) return RunScript("RELEASE SAVEPOINT " + name);
  auto r = RunScript("ROLLBACK TO SAVEPOINT " + name);
  (void)RunScript("RELEASE SAVEPOINT " + name);
  return r;
}

Result<void> SqlStore::BeginTransaction() {
  if (scope_depth_ != 0) {
    return Fail(StoreErrorCode::kInvalid, "a transaction is already open on this store");
  }
  try {
    return OpenScope();
  } catch (const std::exception& e) {
    return Fail(StoreErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
  }
}

Result<void> SqlStore::CommitTransaction() {
  if (scope_depth_ != 1) return Fail(StoreErrorCode::kInternal, "no transaction is open");
  try {
    return CloseScope(true);
  } catch (const std::exception& e) {
    return Fail(StoreErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
  }
}

void SqlStore::RollbackTransaction() {
  if (scope_depth_ != 1) return;
  try {
    (void)CloseScope(false);
  } catch (const std::exception&) {
    scope_depth_ = 0;
  }
}

int64_t SqlStore::Now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- Migrations.

Result<void> SqlStore::Migrate() {
  const auto migrations = Migrations();
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return Fail(StoreErrorCode::kInternal, "migrations are not in version order");
    }
  }
  return InWrite([&]() -> Result<void> {
    if (auto r = LockForMigration(); !r) return r;
    if (auto r = RunScript(kSchemaMigrationsTable); !r) return r;
    auto applied = Q("SELECT version FROM schema_migrations ORDER BY version", {});
    if (!applied) return tl::unexpected(applied.error());
    std::set<int64_t> done;
    for (size_t i = 0; i < applied->size(); ++i) done.insert(applied->Int(i, 0));
    const int64_t latest = migrations.empty() ? 0 : migrations.back().version;
    if (!done.empty() && *done.rbegin() > latest) {
      return Fail(StoreErrorCode::kInvalid,
                  "the database has schema version " + Num(*done.rbegin()) +
                      ", newer than this program's " + Num(latest) + "; upgrade everyseat");
    }
    for (const Migration& m : migrations) {
      if (done.count(m.version) != 0) continue;
      const std::string sql = ReplaceAll(ReplaceAll(m.sql, "{{id}}", IdColumnType()),
                                         "{{story_search}}", StorySearchTableSql());
      if (auto r = RunScript(sql); !r) {
        StoreError e = r.error();
        e.message =
            "migration " + Num(m.version) + " (" + std::string(m.name) + ") failed: " + e.message;
        return tl::unexpected(std::move(e));
      }
      auto r = Q("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                 {m.version, m.name, Now()});
      if (!r) return tl::unexpected(r.error());
    }
    return {};
  });
}

Result<int64_t> SqlStore::SchemaVersion() {
  return InRead([&]() -> Result<int64_t> {
    auto r = Q("SELECT MAX(version) FROM schema_migrations", {});
    if (!r) return tl::unexpected(r.error());
    return r->empty() ? 0 : r->Int(0, 0);
  });
}

// --- The audit log.

Result<void> SqlStore::Audit(const Actor& actor, OrgId org, std::string_view action,
                             std::string_view entity, int64_t entity_id, std::string before_json,
                             std::string after_json) {
  auto r =
      Q("INSERT INTO audit_log (org_id, actor_person, actor_label, happened_at, action, entity, "
        "entity_id, before_json, after_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {org.value, OptId(actor.person), std::string_view(actor.label), Now(), action, entity,
         entity_id, before_json.empty() ? Null() : Param(std::string_view(before_json)),
         after_json.empty() ? Null() : Param(std::string_view(after_json))});
  if (!r) return tl::unexpected(r.error());
  return {};
}

Result<std::vector<AuditEntry>> SqlStore::ListAudit(OrgId org, const AuditQuery& query) {
  return InRead([&]() -> Result<std::vector<AuditEntry>> {
    std::string sql = "SELECT " ES_AUDIT_COLS " FROM audit_log WHERE org_id = $1 AND id > $2";
    std::vector<Param> params = {org.value, query.after_id, int64_t{std::max(query.limit, 0)}};
    if (!query.entity.empty()) {
      params.emplace_back(std::string_view(query.entity));
      sql += " AND entity = $" + Num(static_cast<int64_t>(params.size()));
    }
    if (query.entity_id != 0) {
      params.emplace_back(query.entity_id);
      sql += " AND entity_id = $" + Num(static_cast<int64_t>(params.size()));
    }
    if (query.actor) {
      params.emplace_back(query.actor->value);
      sql += " AND actor_person = $" + Num(static_cast<int64_t>(params.size()));
    }
    sql += " ORDER BY id LIMIT $3";
    auto r = Run(sql, params);
    if (!r) return tl::unexpected(r.error());
    std::vector<AuditEntry> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadAudit(*r, i));
    return out;
  });
}

// --- Organisations.

Result<Organisation> SqlStore::CreateOrganisation(const Actor& actor, std::string_view name) {
  return InWrite([&]() -> Result<Organisation> {
    if (auto ok = domain::ValidateTeamName(name); !ok) return FromDomain(ok.error());
    Organisation o;
    o.name = std::string(name);
    o.created_at = Now();
    auto r = Q("INSERT INTO organisations (name, created_at) VALUES ($1, $2) RETURNING id",
               {name, o.created_at});
    if (!r) {
      return tl::unexpected(Explain(r.error(), StoreErrorCode::kConflict,
                                    "an organisation named " + o.name + " exists already", "name"));
    }
    o.id = OrgId(r->Int(0, 0));
    std::string values = "[";
    std::string behaviours = "[";
    const auto seed = [&](domain::TagKind kind, std::span<const std::string_view> names,
                          std::string& list) -> Result<void> {
      for (std::string_view tag : names) {
        auto t =
            Q("INSERT INTO tags (org_id, kind, name, description, active, created_at) "
              "VALUES ($1, $2, $3, '', 1, $4)",
              {o.id.value, domain::Name(kind), tag, o.created_at});
        if (!t) return tl::unexpected(t.error());
        if (list.size() > 1) list += ',';
        AppendJsonString(list, tag);
      }
      list += ']';
      return {};
    };
    if (auto s = seed(domain::TagKind::kValue, domain::DefaultValues(), values); !s) {
      return tl::unexpected(s.error());
    }
    if (auto s = seed(domain::TagKind::kBehaviour, domain::DefaultBehaviours(), behaviours); !s) {
      return tl::unexpected(s.error());
    }
    std::string after = JsonObject()
                            .Int("id", o.id.value)
                            .Str("name", o.name)
                            .Raw("values", values)
                            .Raw("behaviours", behaviours)
                            .Take();
    if (auto a = Audit(actor, o.id, "organisation.create", "organisation", o.id.value, "",
                       std::move(after));
        !a) {
      return tl::unexpected(a.error());
    }
    return o;
  });
}

Result<Organisation> SqlStore::GetOrganisation(OrgId org) {
  return InRead([&]() -> Result<Organisation> {
    auto r = Q("SELECT id, name, created_at FROM organisations WHERE id = $1", {org.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "organisation " + Num(org.value) + " not found",
                  "org");
    }
    return Organisation{OrgId(r->Int(0, 0)), r->Text(0, 1), r->Int(0, 2)};
  });
}

Result<std::vector<Organisation>> SqlStore::ListOrganisations() {
  return InRead([&]() -> Result<std::vector<Organisation>> {
    auto r = Q("SELECT id, name, created_at FROM organisations ORDER BY id", {});
    if (!r) return tl::unexpected(r.error());
    std::vector<Organisation> out;
    for (size_t i = 0; i < r->size(); ++i) {
      out.push_back(Organisation{OrgId(r->Int(i, 0)), r->Text(i, 1), r->Int(i, 2)});
    }
    return out;
  });
}

// --- Teams.

Result<Team> SqlStore::TeamRow(OrgId org, TeamId team) {
  auto r = Q("SELECT " ES_TEAM_COLS " FROM teams WHERE org_id = $1 AND id = $2",
             {org.value, team.value});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) {
    return Fail(StoreErrorCode::kNotFound, "team " + Num(team.value) + " not found", "team");
  }
  return ReadTeam(*r, 0);
}

Result<Team> SqlStore::CreateTeam(const Actor& actor, OrgId org, std::optional<TeamId> parent,
                                  std::string_view name) {
  return InWrite([&]() -> Result<Team> {
    if (auto ok = domain::ValidateTeamName(name); !ok) return FromDomain(ok.error());
    auto organisation = GetOrganisation(org);
    if (!organisation) return tl::unexpected(organisation.error());
    Team t;
    t.org = org;
    t.parent = parent;
    t.name = std::string(name);
    if (parent) {
      auto p = TeamRow(org, *parent);
      if (!p) {
        return tl::unexpected(Explain(p.error(), StoreErrorCode::kNotFound,
                                      "parent team " + Num(parent->value) + " not found",
                                      "parent"));
      }
      t.path = p->path + domain::kTeamPathSeparator + t.name;
    } else {
      t.path = organisation->name + domain::kTeamPathSeparator + t.name;
    }
    auto r =
        Q("INSERT INTO teams (org_id, parent_id, name, path, created_at) "
          "VALUES ($1, $2, $3, $4, $5) RETURNING id",
          {org.value, OptId(parent), name, std::string_view(t.path), Now()});
    if (!r) {
      return tl::unexpected(Explain(r.error(), StoreErrorCode::kConflict,
                                    "a team " + t.path + " exists already", "name"));
    }
    t.id = TeamId(r->Int(0, 0));
    if (auto a = Audit(actor, org, "team.create", "team", t.id.value, "", Json(t)); !a) {
      return tl::unexpected(a.error());
    }
    return t;
  });
}

Result<Team> SqlStore::GetTeam(OrgId org, TeamId team) {
  return InRead([&] { return TeamRow(org, team); });
}

Result<Team> SqlStore::FindTeamByPath(OrgId org, std::string_view path) {
  return InRead([&]() -> Result<Team> {
    auto segments = domain::ParseTeamPath(path);
    if (!segments) return FromDomain(segments.error());
    const std::string normal = domain::JoinTeamPath(*segments);
    auto r = Q("SELECT " ES_TEAM_COLS " FROM teams WHERE org_id = $1 AND path = $2",
               {org.value, std::string_view(normal)});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return Fail(StoreErrorCode::kNotFound, "no team " + normal, "path");
    return ReadTeam(*r, 0);
  });
}

Result<std::vector<Team>> SqlStore::ListTeams(OrgId org) {
  return InRead([&]() -> Result<std::vector<Team>> {
    auto r = Q("SELECT " ES_TEAM_COLS " FROM teams WHERE org_id = $1", {org.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Team> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadTeam(*r, i));
    std::sort(out.begin(), out.end(), PathLess);
    return out;
  });
}

Result<std::vector<Team>> SqlStore::ListSubtree(OrgId org, TeamId root) {
  return InRead([&]() -> Result<std::vector<Team>> {
    auto r =
        Q("WITH RECURSIVE subtree (id) AS ("
          " SELECT id FROM teams WHERE org_id = $1 AND id = $2"
          " UNION ALL"
          " SELECT t.id FROM teams t JOIN subtree s ON t.parent_id = s.id WHERE t.org_id = $1) "
          "SELECT t.id, t.org_id, t.parent_id, t.name, t.path FROM teams t "
          "JOIN subtree s ON t.id = s.id",
          {org.value, root.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "team " + Num(root.value) + " not found", "team");
    }
    std::vector<Team> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadTeam(*r, i));
    std::sort(out.begin(), out.end(), PathLess);
    return out;
  });
}

// --- People.

Result<Person> SqlStore::PersonRow(OrgId org, PersonId person) {
  auto r = Q("SELECT " ES_PERSON_COLS " FROM people WHERE org_id = $1 AND id = $2",
             {org.value, person.value});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) {
    return Fail(StoreErrorCode::kNotFound, "person " + Num(person.value) + " not found", "person");
  }
  return ReadPerson(*r, 0);
}

Result<void> SqlStore::CheckManager(OrgId org, const Person& person) {
  if (!person.line_manager) return {};
  auto manager = PersonRow(org, *person.line_manager);
  if (!manager) {
    return tl::unexpected(Explain(manager.error(), StoreErrorCode::kNotFound,
                                  "line manager " + Num(person.line_manager->value) + " not found",
                                  "line_manager"));
  }
  if (!person.id.valid()) return {};  // a new person manages no one yet
  // Walk up the chain from the new manager; reaching the person would close a loop.
  std::optional<PersonId> next = manager->id;
  for (int steps = 0; next && steps < 10000; ++steps) {
    if (*next == person.id) {
      return Fail(StoreErrorCode::kInvalid,
                  "line_manager would make a loop: " + Num(person.id.value) + " is above " +
                      Num(person.line_manager->value) + " already",
                  "line_manager");
    }
    auto r = Q("SELECT line_manager_id FROM people WHERE org_id = $1 AND id = $2",
               {org.value, next->value});
    if (!r) return tl::unexpected(r.error());
    next = r->empty() || r->IsNull(0, 0) ? std::nullopt
                                         : std::optional<PersonId>(PersonId(r->Int(0, 0)));
  }
  return {};
}

Result<Person> SqlStore::CreatePerson(const Actor& actor, const Person& person) {
  return InWrite([&]() -> Result<Person> {
    if (auto ok = domain::ValidatePerson(person); !ok) return FromDomain(ok.error());
    Person p = person;
    p.id = PersonId();
    p.email = *domain::NormaliseEmail(person.email);
    if (auto o = GetOrganisation(p.org); !o) return tl::unexpected(o.error());
    if (auto ok = CheckManager(p.org, p); !ok) return tl::unexpected(ok.error());
    const int64_t now = Now();
    auto r =
        Q("INSERT INTO people (org_id, name, email, job_title, staff_group, line_manager_id, "
          "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
          {p.org.value, std::string_view(p.name), std::string_view(p.email),
           std::string_view(p.job_title), domain::Name(p.staff_group), OptId(p.line_manager), now});
    if (!r) {
      return tl::unexpected(
          Explain(r.error(), StoreErrorCode::kConflict,
                  "someone in this organisation has the email " + p.email + " already", "email"));
    }
    p.id = PersonId(r->Int(0, 0));
    if (auto a = Audit(actor, p.org, "person.create", "person", p.id.value, "", Json(p)); !a) {
      return tl::unexpected(a.error());
    }
    return p;
  });
}

Result<Person> SqlStore::GetPerson(OrgId org, PersonId person) {
  return InRead([&] { return PersonRow(org, person); });
}

Result<Person> SqlStore::FindPersonByEmail(OrgId org, std::string_view email) {
  return InRead([&]() -> Result<Person> {
    auto normal = domain::NormaliseEmail(email);
    if (!normal) return FromDomain(normal.error());
    auto r = Q("SELECT " ES_PERSON_COLS " FROM people WHERE org_id = $1 AND email = $2",
               {org.value, std::string_view(*normal)});
    if (!r) return tl::unexpected(r.error());
    if (r->empty())
      return Fail(StoreErrorCode::kNotFound, "no one has the email " + *normal, "email");
    return ReadPerson(*r, 0);
  });
}

Result<std::vector<Person>> SqlStore::ListPeople(OrgId org) {
  return InRead([&]() -> Result<std::vector<Person>> {
    auto r = Q("SELECT " ES_PERSON_COLS " FROM people WHERE org_id = $1", {org.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Person> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadPerson(*r, i));
    std::sort(out.begin(), out.end(), [](const Person& a, const Person& b) {
      return std::tie(a.name, a.id) < std::tie(b.name, b.id);
    });
    return out;
  });
}

Result<Person> SqlStore::UpdatePerson(const Actor& actor, const Person& person) {
  return InWrite([&]() -> Result<Person> {
    auto before = PersonRow(person.org, person.id);
    if (!before) return tl::unexpected(before.error());
    if (auto ok = domain::ValidatePerson(person); !ok) return FromDomain(ok.error());
    Person p = person;
    p.email = *domain::NormaliseEmail(person.email);
    if (auto ok = CheckManager(p.org, p); !ok) return tl::unexpected(ok.error());
    auto r = Q(
        "UPDATE people SET name = $3, email = $4, job_title = $5, staff_group = $6, "
        "line_manager_id = $7, updated_at = $8 WHERE org_id = $1 AND id = $2",
        {p.org.value, p.id.value, std::string_view(p.name), std::string_view(p.email),
         std::string_view(p.job_title), domain::Name(p.staff_group), OptId(p.line_manager), Now()});
    if (!r) {
      return tl::unexpected(
          Explain(r.error(), StoreErrorCode::kConflict,
                  "someone in this organisation has the email " + p.email + " already", "email"));
    }
    if (auto a = Audit(actor, p.org, "person.update", "person", p.id.value, Json(*before), Json(p));
        !a) {
      return tl::unexpected(a.error());
    }
    return p;
  });
}

// --- Memberships and roles.

Result<Membership> SqlStore::SetMembership(const Actor& actor, OrgId org,
                                           const Membership& membership) {
  return InWrite([&]() -> Result<Membership> {
    if (auto p = PersonRow(org, membership.person); !p) return tl::unexpected(p.error());
    if (auto t = TeamRow(org, membership.team); !t) return tl::unexpected(t.error());
    auto existing =
        Q("SELECT role FROM memberships WHERE org_id = $1 AND person_id = $2 AND "
          "team_id = $3",
          {org.value, membership.person.value, membership.team.value});
    if (!existing) return tl::unexpected(existing.error());
    const std::string_view role = domain::Name(membership.role);
    if (!existing->empty()) {
      Membership before = membership;
      before.role = domain::ParseTeamRole(existing->Text(0, 0)).value_or(domain::TeamRole::kMember);
      if (before.role == membership.role) return membership;  // no change
      auto r =
          Q("UPDATE memberships SET role = $4 WHERE org_id = $1 AND person_id = $2 AND "
            "team_id = $3",
            {org.value, membership.person.value, membership.team.value, role});
      if (!r) return tl::unexpected(r.error());
      if (auto a = Audit(actor, org, "membership.update", "membership", membership.person.value,
                         Json(before), Json(membership));
          !a) {
        return tl::unexpected(a.error());
      }
      return membership;
    }
    auto r =
        Q("INSERT INTO memberships (org_id, person_id, team_id, role, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {org.value, membership.person.value, membership.team.value, role, Now()});
    if (!r) {
      return tl::unexpected(Explain(r.error(), StoreErrorCode::kConflict,
                                    "person " + Num(membership.person.value) +
                                        " was added to team " + Num(membership.team.value) +
                                        " by someone else at the same time"));
    }
    if (auto a = Audit(actor, org, "membership.create", "membership", membership.person.value, "",
                       Json(membership));
        !a) {
      return tl::unexpected(a.error());
    }
    return membership;
  });
}

Result<void> SqlStore::RemoveMembership(const Actor& actor, OrgId org, PersonId person,
                                        TeamId team) {
  return InWrite([&]() -> Result<void> {
    auto r =
        Q("DELETE FROM memberships WHERE org_id = $1 AND person_id = $2 AND team_id = $3 "
          "RETURNING role",
          {org.value, person.value, team.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound,
                  "person " + Num(person.value) + " is not in team " + Num(team.value));
    }
    const Membership before{
        person, team, domain::ParseTeamRole(r->Text(0, 0)).value_or(domain::TeamRole::kMember)};
    return Audit(actor, org, "membership.remove", "membership", person.value, Json(before), "");
  });
}

Result<std::vector<Membership>> SqlStore::ListMembershipsOfPerson(OrgId org, PersonId person) {
  return InRead([&]() -> Result<std::vector<Membership>> {
    auto r =
        Q("SELECT person_id, team_id, role FROM memberships WHERE org_id = $1 AND "
          "person_id = $2 ORDER BY team_id",
          {org.value, person.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Membership> out;
    for (size_t i = 0; i < r->size(); ++i) {
      out.push_back(
          Membership{PersonId(r->Int(i, 0)), TeamId(r->Int(i, 1)),
                     domain::ParseTeamRole(r->Text(i, 2)).value_or(domain::TeamRole::kMember)});
    }
    return out;
  });
}

Result<std::vector<Membership>> SqlStore::ListMembersOfTeam(OrgId org, TeamId team) {
  return InRead([&]() -> Result<std::vector<Membership>> {
    auto r =
        Q("SELECT person_id, team_id, role FROM memberships WHERE org_id = $1 AND "
          "team_id = $2 ORDER BY person_id",
          {org.value, team.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Membership> out;
    for (size_t i = 0; i < r->size(); ++i) {
      out.push_back(
          Membership{PersonId(r->Int(i, 0)), TeamId(r->Int(i, 1)),
                     domain::ParseTeamRole(r->Text(i, 2)).value_or(domain::TeamRole::kMember)});
    }
    return out;
  });
}

Result<void> SqlStore::GrantRole(const Actor& actor, OrgId org, PersonId person,
                                 domain::OrgRole role) {
  return InWrite([&]() -> Result<void> {
    if (auto p = PersonRow(org, person); !p) return tl::unexpected(p.error());
    auto r =
        Q("INSERT INTO org_roles (org_id, person_id, role, granted_at) VALUES ($1, $2, $3, $4)",
          {org.value, person.value, domain::Name(role), Now()});
    if (!r) {
      return tl::unexpected(Explain(r.error(), StoreErrorCode::kConflict,
                                    "person " + Num(person.value) + " has the role " +
                                        std::string(domain::Name(role)) + " already",
                                    "role"));
    }
    return Audit(actor, org, "role.grant", "person", person.value, "",
                 JsonObject().Int("person", person.value).Str("role", domain::Name(role)).Take());
  });
}

Result<void> SqlStore::RevokeRole(const Actor& actor, OrgId org, PersonId person,
                                  domain::OrgRole role) {
  return InWrite([&]() -> Result<void> {
    auto r =
        Q("DELETE FROM org_roles WHERE org_id = $1 AND person_id = $2 AND role = $3 "
          "RETURNING person_id",
          {org.value, person.value, domain::Name(role)});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound,
                  "person " + Num(person.value) + " does not have the role " +
                      std::string(domain::Name(role)),
                  "role");
    }
    return Audit(actor, org, "role.revoke", "person", person.value,
                 JsonObject().Int("person", person.value).Str("role", domain::Name(role)).Take(),
                 "");
  });
}

Result<std::vector<domain::OrgRole>> SqlStore::ListRoles(OrgId org, PersonId person) {
  return InRead([&]() -> Result<std::vector<domain::OrgRole>> {
    auto r = Q("SELECT role FROM org_roles WHERE org_id = $1 AND person_id = $2",
               {org.value, person.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<domain::OrgRole> out;
    for (size_t i = 0; i < r->size(); ++i) {
      if (auto role = domain::ParseOrgRole(r->Text(i, 0))) out.push_back(*role);
    }
    std::sort(out.begin(), out.end());
    return out;
  });
}

// --- Values and behaviours.

Result<Tag> SqlStore::AddTag(const Actor& actor, OrgId org, domain::TagKind kind,
                             std::string_view name, std::string_view description) {
  return InWrite([&]() -> Result<Tag> {
    if (auto ok = domain::ValidateName("name", name); !ok) return FromDomain(ok.error());
    if (auto ok = domain::ValidateText("description", description); !ok) {
      return FromDomain(ok.error());
    }
    if (auto o = GetOrganisation(org); !o) return tl::unexpected(o.error());
    Tag t{TagId(), org, kind, std::string(name), std::string(description), true};
    auto r =
        Q("INSERT INTO tags (org_id, kind, name, description, active, created_at) "
          "VALUES ($1, $2, $3, $4, 1, $5) RETURNING id",
          {org.value, domain::Name(kind), name, description, Now()});
    if (!r) {
      return tl::unexpected(Explain(
          r.error(), StoreErrorCode::kConflict,
          "a " + std::string(domain::Name(kind)) + " named " + t.name + " exists already", "name"));
    }
    t.id = TagId(r->Int(0, 0));
    if (auto a = Audit(actor, org, "tag.create", "tag", t.id.value, "", Json(t)); !a) {
      return tl::unexpected(a.error());
    }
    return t;
  });
}

Result<std::vector<Tag>> SqlStore::ListTags(OrgId org, domain::TagKind kind, bool include_retired) {
  return InRead([&]() -> Result<std::vector<Tag>> {
    auto r = include_retired ? Q("SELECT " ES_TAG_COLS
                                 " FROM tags WHERE org_id = $1 AND kind = $2 "
                                 "ORDER BY id",
                                 {org.value, domain::Name(kind)})
                             : Q("SELECT " ES_TAG_COLS
                                 " FROM tags WHERE org_id = $1 AND kind = $2 AND "
                                 "active = 1 ORDER BY id",
                                 {org.value, domain::Name(kind)});
    if (!r) return tl::unexpected(r.error());
    std::vector<Tag> out;
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadTag(*r, i));
    return out;
  });
}

Result<Tag> SqlStore::SetTagActive(const Actor& actor, OrgId org, TagId tag, bool active) {
  return InWrite([&]() -> Result<Tag> {
    auto r =
        Q("SELECT " ES_TAG_COLS " FROM tags WHERE org_id = $1 AND id = $2", {org.value, tag.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "tag " + Num(tag.value) + " not found", "tag");
    }
    const Tag before = ReadTag(*r, 0);
    if (before.active == active) return before;  // no change
    Tag after = before;
    after.active = active;
    auto u = Q("UPDATE tags SET active = $3 WHERE org_id = $1 AND id = $2",
               {org.value, tag.value, Flag(active)});
    if (!u) return tl::unexpected(u.error());
    if (auto a = Audit(actor, org, active ? "tag.restore" : "tag.retire", "tag", tag.value,
                       Json(before), Json(after));
        !a) {
      return tl::unexpected(a.error());
    }
    return after;
  });
}

// --- Measures.

Result<Measure> SqlStore::MeasureRow(OrgId org, MeasureId measure) {
  auto r = Q("SELECT " ES_MEASURE_COLS " FROM measures WHERE org_id = $1 AND id = $2",
             {org.value, measure.value});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) {
    return Fail(StoreErrorCode::kNotFound, "measure " + Num(measure.value) + " not found",
                "measure");
  }
  return ReadMeasure(*r, 0);
}

Result<Measure> SqlStore::CreateMeasure(const Actor& actor, const Measure& measure) {
  return InWrite([&]() -> Result<Measure> {
    if (auto ok = domain::ValidateMeasure(measure); !ok) return FromDomain(ok.error());
    if (auto t = TeamRow(measure.org, measure.team); !t) return tl::unexpected(t.error());
    Measure m = measure;
    m.created_at = Now();
    auto r =
        Q("INSERT INTO measures (org_id, team_id, name, definition, unit, kind, chart, "
          "direction, target, frequency, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
          {m.org.value, m.team.value, std::string_view(m.name), std::string_view(m.definition),
           std::string_view(m.unit), domain::Name(m.kind), spc::Name(m.chart),
           spc::Name(m.direction), Opt(m.target), domain::Name(m.frequency), m.created_at});
    if (!r) {
      return tl::unexpected(Explain(
          r.error(), StoreErrorCode::kConflict,
          "team " + Num(m.team.value) + " has a measure named " + m.name + " already", "name"));
    }
    m.id = MeasureId(r->Int(0, 0));
    if (auto a = Audit(actor, m.org, "measure.create", "measure", m.id.value, "", Json(m)); !a) {
      return tl::unexpected(a.error());
    }
    return m;
  });
}

Result<Measure> SqlStore::GetMeasure(OrgId org, MeasureId measure) {
  return InRead([&] { return MeasureRow(org, measure); });
}

Result<std::vector<Measure>> SqlStore::ListMeasures(OrgId org, TeamId team) {
  return InRead([&]() -> Result<std::vector<Measure>> {
    if (auto t = TeamRow(org, team); !t) return tl::unexpected(t.error());
    auto r = Q("SELECT " ES_MEASURE_COLS
               " FROM measures WHERE org_id = $1 AND team_id = $2 "
               "ORDER BY id",
               {org.value, team.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Measure> out;
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadMeasure(*r, i));
    return out;
  });
}

Result<Measure> SqlStore::UpdateMeasure(const Actor& actor, const Measure& measure) {
  return InWrite([&]() -> Result<Measure> {
    auto before = MeasureRow(measure.org, measure.id);
    if (!before) return tl::unexpected(before.error());
    if (auto ok = domain::ValidateMeasure(measure); !ok) return FromDomain(ok.error());
    Measure m = measure;
    m.team = before->team;
    m.created_at = before->created_at;
    auto r =
        Q("UPDATE measures SET name = $3, definition = $4, unit = $5, kind = $6, chart = $7, "
          "direction = $8, target = $9, frequency = $10, updated_at = $11 "
          "WHERE org_id = $1 AND id = $2",
          {m.org.value, m.id.value, std::string_view(m.name), std::string_view(m.definition),
           std::string_view(m.unit), domain::Name(m.kind), spc::Name(m.chart),
           spc::Name(m.direction), Opt(m.target), domain::Name(m.frequency), Now()});
    if (!r) {
      return tl::unexpected(Explain(
          r.error(), StoreErrorCode::kConflict,
          "team " + Num(m.team.value) + " has a measure named " + m.name + " already", "name"));
    }
    if (auto a =
            Audit(actor, m.org, "measure.update", "measure", m.id.value, Json(*before), Json(m));
        !a) {
      return tl::unexpected(a.error());
    }
    return m;
  });
}

// --- Observations.

Result<Observation> SqlStore::CurrentObservation(OrgId org, MeasureId measure,
                                                 int64_t period_start) {
  auto r = Q("SELECT " ES_OBSERVATION_COLS
             " FROM observations WHERE org_id = $1 AND "
             "measure_id = $2 AND period_start = $3 AND superseded = 0",
             {org.value, measure.value, period_start});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) return Fail(StoreErrorCode::kNotFound, "no value", "period");
  return ReadObservation(*r, 0);
}

Result<Observation> SqlStore::AppendObservation(const Actor& actor, OrgId org,
                                                const domain::ObservationInput& input) {
  return InWrite([&]() -> Result<Observation> {
    auto m = MeasureRow(org, input.measure);
    if (!m) return tl::unexpected(m.error());
    return AppendTo(actor, *m, input);
  });
}

Result<Observation> SqlStore::AppendObservationTo(const Actor& actor, const Measure& measure,
                                                  const domain::ObservationInput& input) {
  if (scope_depth_ == 0) return Fail(StoreErrorCode::kInvalid, "no transaction is open");
  if (input.measure != measure.id) {
    return Fail(StoreErrorCode::kInvalid, "the observation is not of the measure given", "measure");
  }
  return InWrite([&] { return AppendTo(actor, measure, input); });
}

Result<void> SqlStore::InsertObservationRow(const Actor& actor, Observation& o,
                                            std::string_view if_taken) {
  o.entered_by = actor;
  o.entered_at = Now();
  auto id =
      QId("INSERT INTO observations (org_id, measure_id, period, period_start, value, denominator, "
          "version, superseded, entered_by_person, entered_by_label, entered_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10) RETURNING id",
          {o.org.value, o.measure.value, std::string_view(o.period), o.period_start, o.value,
           Opt(o.denominator), int64_t{o.version}, OptId(actor.person),
           std::string_view(actor.label), o.entered_at});
  if (!id) {
    return tl::unexpected(Explain(
        id.error(), StoreErrorCode::kConflict,
        "period " + o.period + " of measure " + Num(o.measure.value) + " " + std::string(if_taken),
        "period"));
  }
  o.id = ObservationId(*id);
  return {};
}

Result<Observation> SqlStore::AppendTo(const Actor& actor, const Measure& measure,
                                       const domain::ObservationInput& input) {
  if (auto ok = domain::ValidateObservation(input, measure.chart); !ok) {
    return FromDomain(ok.error());
  }
  const OrgId org = measure.org;
  Observation o;
  o.org = org;
  o.measure = input.measure;
  o.period = input.period;
  o.period_start = *domain::ParseIsoDate(input.period);
  o.value = input.value;
  o.denominator = input.denominator;
  if (auto row = InsertObservationRow(actor, o, "has a value already; correct it instead"); !row) {
    return tl::unexpected(row.error());
  }
  if (auto a = Audit(actor, org, "observation.append", "observation", o.id.value, "", Json(o));
      !a) {
    return tl::unexpected(a.error());
  }
  return o;
}

Result<size_t> SqlStore::AppendObservations(const Actor& actor, OrgId org,
                                            std::span<const domain::ObservationInput> inputs) {
  if (inputs.empty()) return size_t{0};
  // Validate every row before writing any, so the error names the first bad row.
  std::unordered_map<int64_t, spc::Chart> charts;
  std::vector<ObservationRow> rows;
  auto validated = InRead([&]() -> Result<void> {
    rows.reserve(inputs.size());
    std::unordered_set<std::pair<int64_t, int64_t>, PairHash> seen;
    seen.reserve(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      const domain::ObservationInput& in = inputs[i];
      const std::string row = "row " + Num(static_cast<int64_t>(i + 1)) + ": ";
      auto chart = charts.find(in.measure.value);
      if (chart == charts.end()) {
        auto m = MeasureRow(org, in.measure);
        if (!m) {
          StoreError e = m.error();
          e.message = row + e.message;
          return tl::unexpected(std::move(e));
        }
        chart = charts.emplace(in.measure.value, m->chart).first;
      }
      if (auto ok = domain::ValidateObservation(in, chart->second); !ok) {
        return FromDomain(ok.error(), row);
      }
      const int64_t start = *domain::ParseIsoDate(in.period);
      if (!seen.insert({in.measure.value, start}).second) {
        return Fail(StoreErrorCode::kConflict,
                    row + "period " + in.period + " of measure " + Num(in.measure.value) +
                        " appears twice in the batch",
                    "period");
      }
      rows.push_back(ObservationRow{in.measure.value, std::string_view(in.period), start, in.value,
                                    in.denominator});
    }
    return {};
  });
  if (!validated) return tl::unexpected(validated.error());
  return InWrite([&]() -> Result<size_t> {
    const int64_t now = Now();
    if (auto r = InsertObservationRows(org, actor, now, rows); !r) {
      return tl::unexpected(r.error());
    }
    std::string measures = "[";
    std::vector<int64_t> ids;
    for (const auto& [id, chart] : charts) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    for (int64_t id : ids) {
      if (measures.size() > 1) measures += ',';
      measures += Num(id);
    }
    measures += ']';
    const auto [first, last] = std::minmax_element(
        rows.begin(), rows.end(), [](const ObservationRow& a, const ObservationRow& b) {
          return a.period_start < b.period_start;
        });
    std::string after = JsonObject()
                            .Int("rows", static_cast<int64_t>(rows.size()))
                            .Raw("measures", measures)
                            .Str("first_period", first->period)
                            .Str("last_period", last->period)
                            .Take();
    if (auto a = Audit(actor, org, "observation.append_batch", "measure",
                       ids.size() == 1 ? ids.front() : 0, "", std::move(after));
        !a) {
      return tl::unexpected(a.error());
    }
    return rows.size();
  });
}

Result<Observation> SqlStore::CorrectObservation(const Actor& actor, OrgId org,
                                                 const domain::ObservationInput& input) {
  return InWrite([&]() -> Result<Observation> {
    auto m = MeasureRow(org, input.measure);
    if (!m) return tl::unexpected(m.error());
    if (auto ok = domain::ValidateObservation(input, m->chart); !ok) {
      return FromDomain(ok.error());
    }
    const int64_t start = *domain::ParseIsoDate(input.period);
    auto before = CurrentObservation(org, input.measure, start);
    if (!before) {
      return tl::unexpected(Explain(before.error(), StoreErrorCode::kNotFound,
                                    "period " + input.period + " of measure " +
                                        Num(input.measure.value) + " has no value to correct",
                                    "period"));
    }
    auto u = Q("UPDATE observations SET superseded = 1 WHERE id = $1", {before->id.value});
    if (!u) return tl::unexpected(u.error());
    Observation o = *before;
    o.value = input.value;
    o.denominator = input.denominator;
    o.version = before->version + 1;
    o.superseded = false;
    // Taken: two corrections of one period at once, and the later one loses (PostgreSQL; SQLite
    // serialises writers).
    if (auto row = InsertObservationRow(actor, o, "was corrected by someone else at the same time");
        !row) {
      return tl::unexpected(row.error());
    }
    Observation old = *before;
    old.superseded = true;
    if (auto a =
            Audit(actor, org, "observation.correct", "observation", o.id.value, Json(old), Json(o));
        !a) {
      return tl::unexpected(a.error());
    }
    return o;
  });
}

Result<std::vector<Observation>> SqlStore::ListObservations(OrgId org, MeasureId measure) {
  return InRead([&]() -> Result<std::vector<Observation>> {
    if (auto m = MeasureRow(org, measure); !m) return tl::unexpected(m.error());
    auto r = Q("SELECT " ES_OBSERVATION_COLS
               " FROM observations WHERE org_id = $1 AND "
               "measure_id = $2 AND superseded = 0 ORDER BY period_start",
               {org.value, measure.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Observation> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadObservation(*r, i));
    return out;
  });
}

Result<std::vector<Observation>> SqlStore::ListObservationHistory(OrgId org, MeasureId measure,
                                                                  std::string_view period) {
  return InRead([&]() -> Result<std::vector<Observation>> {
    auto start = domain::ParseIsoDate(period);
    if (!start) return FromDomain(start.error());
    if (auto m = MeasureRow(org, measure); !m) return tl::unexpected(m.error());
    auto r = Q("SELECT " ES_OBSERVATION_COLS
               " FROM observations WHERE org_id = $1 AND "
               "measure_id = $2 AND period_start = $3 ORDER BY version",
               {org.value, measure.value, *start});
    if (!r) return tl::unexpected(r.error());
    std::vector<Observation> out;
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadObservation(*r, i));
    return out;
  });
}

// --- Annotations.

Result<Annotation> SqlStore::AddAnnotation(const Actor& actor, const Annotation& annotation) {
  return InWrite([&]() -> Result<Annotation> {
    if (auto ok = domain::ValidateAnnotation(annotation); !ok) return FromDomain(ok.error());
    if (auto m = MeasureRow(annotation.org, annotation.measure); !m) {
      return tl::unexpected(m.error());
    }
    Annotation a = annotation;
    a.period_start = *domain::ParseIsoDate(a.period);
    a.created_by = actor;
    a.created_at = Now();
    auto r =
        Q("INSERT INTO annotations (org_id, measure_id, period, period_start, kind, body, "
          "created_by_person, created_by_label, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
          {a.org.value, a.measure.value, std::string_view(a.period), a.period_start,
           domain::Name(a.kind), std::string_view(a.text), OptId(actor.person),
           std::string_view(actor.label), a.created_at});
    if (!r) return tl::unexpected(r.error());
    a.id = AnnotationId(r->Int(0, 0));
    if (auto e = Audit(actor, a.org, "annotation.create", "annotation", a.id.value, "", Json(a));
        !e) {
      return tl::unexpected(e.error());
    }
    return a;
  });
}

Result<std::vector<Annotation>> SqlStore::ListAnnotations(OrgId org, MeasureId measure) {
  return InRead([&]() -> Result<std::vector<Annotation>> {
    if (auto m = MeasureRow(org, measure); !m) return tl::unexpected(m.error());
    auto r = Q("SELECT " ES_ANNOTATION_COLS
               " FROM annotations WHERE org_id = $1 AND "
               "measure_id = $2 ORDER BY period_start, id",
               {org.value, measure.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<Annotation> out;
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadAnnotation(*r, i));
    return out;
  });
}

Result<void> SqlStore::RemoveAnnotation(const Actor& actor, OrgId org, AnnotationId annotation) {
  return InWrite([&]() -> Result<void> {
    auto r = Q("SELECT " ES_ANNOTATION_COLS " FROM annotations WHERE org_id = $1 AND id = $2",
               {org.value, annotation.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "annotation " + Num(annotation.value) + " not found",
                  "annotation");
    }
    const Annotation before = ReadAnnotation(*r, 0);
    auto d =
        Q("DELETE FROM annotations WHERE org_id = $1 AND id = $2", {org.value, annotation.value});
    if (!d) return tl::unexpected(d.error());
    return Audit(actor, org, "annotation.remove", "annotation", annotation.value, Json(before), "");
  });
}

// --- Passwords and sign-in.

Result<void> SqlStore::SetPasswordHash(const Actor& actor, OrgId org, PersonId person,
                                       std::string_view hash) {
  return InWrite([&]() -> Result<void> {
    if (hash.rfind("$argon2id$", 0) != 0) {
      return Fail(StoreErrorCode::kInvalid,
                  "password_hash is not an argon2id hash from HashPassword", "password_hash");
    }
    if (auto p = PersonRow(org, person); !p) return tl::unexpected(p.error());
    auto r =
        Q("INSERT INTO credentials (org_id, person_id, password_hash, failed_count, "
          "last_failed_at, updated_at) VALUES ($1, $2, $3, 0, NULL, $4) "
          "ON CONFLICT (org_id, person_id) DO UPDATE SET password_hash = "
          "excluded.password_hash, failed_count = 0, last_failed_at = NULL, "
          "updated_at = excluded.updated_at",
          {org.value, person.value, hash, Now()});
    if (!r) return tl::unexpected(r.error());
    // The hash itself stays out of the log.
    return Audit(actor, org, "password.set", "person", person.value, "",
                 JsonObject().Int("person", person.value).Bool("password_set", true).Take());
  });
}

Result<std::string> SqlStore::GetPasswordHash(OrgId org, PersonId person) {
  return InRead([&]() -> Result<std::string> {
    auto r =
        Q("SELECT password_hash FROM credentials WHERE org_id = $1 AND person_id = $2 AND "
          "password_hash IS NOT NULL",
          {org.value, person.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "person " + Num(person.value) + " has no password",
                  "person");
    }
    return r->Text(0, 0);
  });
}

Result<int> SqlStore::RecordFailedSignIn(OrgId org, PersonId person) {
  return InWrite([&]() -> Result<int> {
    if (auto p = PersonRow(org, person); !p) return tl::unexpected(p.error());
    const int64_t now = Now();
    auto r =
        Q("INSERT INTO credentials (org_id, person_id, password_hash, failed_count, "
          "last_failed_at, updated_at) VALUES ($1, $2, NULL, 1, $3, $3) "
          "ON CONFLICT (org_id, person_id) DO UPDATE SET failed_count = "
          "credentials.failed_count + 1, last_failed_at = excluded.last_failed_at "
          "RETURNING failed_count",
          {org.value, person.value, now});
    if (!r) return tl::unexpected(r.error());
    const int count = static_cast<int>(r->Int(0, 0));
    if (auto a = Audit(Actor::System("sign-in"), org, "signin.fail", "person", person.value, "",
                       JsonObject().Int("person", person.value).Int("failed_count", count).Take());
        !a) {
      return tl::unexpected(a.error());
    }
    return count;
  });
}

Result<void> SqlStore::ResetFailedSignIns(OrgId org, PersonId person) {
  return InWrite([&]() -> Result<void> {
    if (auto p = PersonRow(org, person); !p) return tl::unexpected(p.error());
    auto r =
        Q("UPDATE credentials SET failed_count = 0, last_failed_at = NULL WHERE org_id = $1 "
          "AND person_id = $2 AND failed_count > 0 RETURNING person_id",
          {org.value, person.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return {};  // nothing to reset: no change, no audit entry
    return Audit(Actor::System("sign-in"), org, "signin.reset", "person", person.value, "",
                 JsonObject().Int("person", person.value).Int("failed_count", 0).Take());
  });
}

Result<SignInState> SqlStore::GetSignInState(OrgId org, PersonId person) {
  return InRead([&]() -> Result<SignInState> {
    if (auto p = PersonRow(org, person); !p) return tl::unexpected(p.error());
    auto r =
        Q("SELECT failed_count, last_failed_at FROM credentials WHERE org_id = $1 AND "
          "person_id = $2",
          {org.value, person.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return SignInState{};
    return SignInState{static_cast<int>(r->Int(0, 0)), r->OptInt(0, 1)};
  });
}

// --- Sessions.

Result<Issued<Session>> SqlStore::CreateSession(OrgId org, PersonId person,
                                                int64_t lifetime_seconds) {
  return InWrite([&]() -> Result<Issued<Session>> {
    if (lifetime_seconds <= 0) {
      return Fail(StoreErrorCode::kInvalid, "lifetime_seconds is not positive", "lifetime_seconds");
    }
    if (auto p = PersonRow(org, person); !p) return tl::unexpected(p.error());
    Issued<Session> issued;
    issued.secret = domain::NewToken();
    Session& s = issued.record;
    s.org = org;
    s.person = person;
    s.created_at = Now();
    s.expires_at = s.created_at + lifetime_seconds;
    const std::string hash = domain::Sha256Hex(issued.secret);
    auto r =
        Q("INSERT INTO sessions (org_id, person_id, secret_sha256, created_at, expires_at) "
          "VALUES ($1, $2, $3, $4, $5) RETURNING id",
          {org.value, person.value, std::string_view(hash), s.created_at, s.expires_at});
    if (!r) return tl::unexpected(r.error());
    s.id = SessionId(r->Int(0, 0));
    if (auto a = Audit(Actor::Of(person, "sign-in"), org, "session.create", "session", s.id.value,
                       "", Json(s));
        !a) {
      return tl::unexpected(a.error());
    }
    return issued;
  });
}

Result<Session> SqlStore::FindSession(std::string_view secret) {
  return InRead([&]() -> Result<Session> {
    const auto none = [] { return Fail(StoreErrorCode::kNotFound, "no valid session"); };
    if (!domain::LooksLikeToken(secret)) return none();
    const std::string hash = domain::Sha256Hex(secret);
    auto r = Q("SELECT " ES_SESSION_COLS
               " FROM sessions WHERE secret_sha256 = $1 AND "
               "revoked_at IS NULL AND expires_at > $2",
               {std::string_view(hash), Now()});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return none();
    return ReadSession(*r, 0);
  });
}

Result<void> SqlStore::RevokeSession(std::string_view secret) {
  return InWrite([&]() -> Result<void> {
    const auto none = [] { return Fail(StoreErrorCode::kNotFound, "no valid session"); };
    if (!domain::LooksLikeToken(secret)) return none();
    const std::string hash = domain::Sha256Hex(secret);
    auto r =
        Q("UPDATE sessions SET revoked_at = $2 WHERE secret_sha256 = $1 AND revoked_at IS "
          "NULL RETURNING " ES_SESSION_COLS,
          {std::string_view(hash), Now()});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return none();
    const Session after = ReadSession(*r, 0);
    Session before = after;
    before.revoked_at.reset();
    return Audit(Actor::Of(after.person, "sign-out"), after.org, "session.revoke", "session",
                 after.id.value, Json(before), Json(after));
  });
}

Result<int64_t> SqlStore::RevokeSessionsOfPerson(const Actor& actor, OrgId org, PersonId person) {
  return InWrite([&]() -> Result<int64_t> {
    if (auto p = PersonRow(org, person); !p) return tl::unexpected(p.error());
    auto r =
        Q("UPDATE sessions SET revoked_at = $3 WHERE org_id = $1 AND person_id = $2 AND "
          "revoked_at IS NULL RETURNING id",
          {org.value, person.value, Now()});
    if (!r) return tl::unexpected(r.error());
    const auto count = static_cast<int64_t>(r->size());
    if (count == 0) return count;  // no change, no audit entry
    if (auto a = Audit(actor, org, "session.revoke_all", "person", person.value, "",
                       JsonObject().Int("person", person.value).Int("revoked", count).Take());
        !a) {
      return tl::unexpected(a.error());
    }
    return count;
  });
}

// --- API tokens.

Result<Issued<ApiToken>> SqlStore::IssueApiToken(const Actor& actor, OrgId org, TeamId team,
                                                 std::string_view name,
                                                 std::optional<int64_t> expires_at) {
  return InWrite([&]() -> Result<Issued<ApiToken>> {
    if (auto ok = domain::ValidateName("name", name); !ok) return FromDomain(ok.error());
    if (auto t = TeamRow(org, team); !t) return tl::unexpected(t.error());
    const int64_t now = Now();
    if (expires_at && *expires_at <= now) {
      return Fail(StoreErrorCode::kInvalid, "expires_at is not in the future", "expires_at");
    }
    Issued<ApiToken> issued;
    issued.secret = domain::NewToken();
    ApiToken& t = issued.record;
    t.org = org;
    t.team = team;
    t.name = std::string(name);
    t.created_by = actor;
    t.created_at = now;
    t.expires_at = expires_at;
    const std::string hash = domain::Sha256Hex(issued.secret);
    auto r =
        Q("INSERT INTO api_tokens (org_id, team_id, name, secret_sha256, created_by_person, "
          "created_by_label, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
          "RETURNING id",
          {org.value, team.value, name, std::string_view(hash), OptId(actor.person),
           std::string_view(actor.label), now, Opt(expires_at)});
    if (!r) return tl::unexpected(r.error());
    t.id = TokenId(r->Int(0, 0));
    if (auto a = Audit(actor, org, "api_token.issue", "api_token", t.id.value, "", Json(t)); !a) {
      return tl::unexpected(a.error());
    }
    return issued;
  });
}

Result<ApiToken> SqlStore::AuthenticateApiToken(std::string_view secret) {
  const auto none = [] { return Fail(StoreErrorCode::kNotFound, "no valid API token"); };
  if (!domain::LooksLikeToken(secret)) return none();
  const std::string hash = domain::Sha256Hex(secret);
  const int64_t now = Now();
  auto found = InRead([&]() -> Result<ApiToken> {
    auto r = Q("SELECT " ES_TOKEN_COLS
               " FROM api_tokens WHERE secret_sha256 = $1 AND "
               "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)",
               {std::string_view(hash), now});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return none();
    return ReadToken(*r, 0);
  });
  if (!found) return found;
  if (found->last_used_at && *found->last_used_at > now - kTokenUseResolution) return found;
  // Bookkeeping, not a change to the organisation's data: not audited.
  return InWrite([&]() -> Result<ApiToken> {
    auto r = Q("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND revoked_at IS NULL",
               {found->id.value, now});
    if (!r) return tl::unexpected(r.error());
    ApiToken t = *found;
    t.last_used_at = now;
    return t;
  });
}

Result<void> SqlStore::RevokeApiToken(const Actor& actor, OrgId org, TokenId token) {
  return InWrite([&]() -> Result<void> {
    auto r = Q("SELECT " ES_TOKEN_COLS " FROM api_tokens WHERE org_id = $1 AND id = $2",
               {org.value, token.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "API token " + Num(token.value) + " not found",
                  "token");
    }
    const ApiToken before = ReadToken(*r, 0);
    if (before.revoked_at) return {};  // revoked already: no change
    ApiToken after = before;
    after.revoked_at = Now();
    auto u = Q("UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND id = $2",
               {org.value, token.value, *after.revoked_at});
    if (!u) return tl::unexpected(u.error());
    return Audit(actor, org, "api_token.revoke", "api_token", token.value, Json(before),
                 Json(after));
  });
}

Result<std::vector<ApiToken>> SqlStore::ListApiTokens(OrgId org, TeamId team) {
  return InRead([&]() -> Result<std::vector<ApiToken>> {
    if (auto t = TeamRow(org, team); !t) return tl::unexpected(t.error());
    auto r = Q("SELECT " ES_TOKEN_COLS
               " FROM api_tokens WHERE org_id = $1 AND team_id = $2 "
               "ORDER BY id",
               {org.value, team.value});
    if (!r) return tl::unexpected(r.error());
    std::vector<ApiToken> out;
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadToken(*r, i));
    return out;
  });
}

// --- Notifications.

Result<domain::Notification> SqlStore::NotificationRow(OrgId org, PersonId reader,
                                                       NotificationId id) {
  auto r = Q("SELECT " ES_NOTIFICATION_COLS
             " FROM notifications n LEFT JOIN notification_reads s ON s.org_id = n.org_id AND "
             "s.notification_id = n.id AND s.person_id = $3 WHERE n.org_id = $1 AND n.id = $2",
             {org.value, id.value, reader.value});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) {
    return Fail(StoreErrorCode::kNotFound, "notification " + Num(id.value) + " not found",
                "notification");
  }
  return ReadNotification(*r, 0);
}

Result<std::optional<domain::Notification>> SqlStore::AddNotification(
    const Actor& actor, const domain::Notification& notification) {
  using Out = std::optional<domain::Notification>;
  return InWrite([&]() -> Result<Out> {
    domain::Notification n = notification;
    n.id = NotificationId();
    n.seen = false;
    auto start = domain::ParseIsoDate(n.period);
    if (!start) return FromDomain(start.error());
    if (n.message.empty()) return Fail(StoreErrorCode::kInvalid, "message is empty", "message");
    if (auto ok = domain::ValidateText("message", n.message); !ok) return FromDomain(ok.error());
    if (n.detail_json.empty()) n.detail_json = "{}";
    if (!IsJsonObject(n.detail_json)) {
      return Fail(StoreErrorCode::kInvalid, "detail_json is not a JSON object", "detail_json");
    }
    auto team = TeamRow(n.org, n.team);
    if (!team) return tl::unexpected(team.error());
    auto measure = MeasureRow(n.org, n.measure);
    if (!measure) return tl::unexpected(measure.error());
    if (measure->team != n.team) {
      return Fail(StoreErrorCode::kInvalid,
                  "measure " + Num(n.measure.value) + " belongs to team " +
                      Num(measure->team.value) + ", not team " + Num(n.team.value),
                  "team");
    }
    n.created_at = Now();
    auto r =
        Q("INSERT INTO notifications (org_id, team_id, measure_id, period, period_start, kind, "
          "message, detail_json, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
          "ON CONFLICT (measure_id, period, kind) DO NOTHING RETURNING id",
          {n.org.value, n.team.value, n.measure.value, std::string_view(n.period), *start,
           domain::Name(n.kind), std::string_view(n.message), std::string_view(n.detail_json),
           n.created_at});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return Out();  // notified before: nothing written
    n.id = NotificationId(r->Int(0, 0));
    if (auto a =
            Audit(actor, n.org, "notification.create", "notification", n.id.value, "", Json(n));
        !a) {
      return tl::unexpected(a.error());
    }
    auto hook = Q("SELECT url, secret FROM webhooks WHERE org_id = $1 AND team_id = $2",
                  {n.org.value, n.team.value});
    if (!hook) return tl::unexpected(hook.error());
    if (!hook->empty()) {
      const std::string url = hook->Text(0, 0);
      const std::string secret = hook->Text(0, 1);
      const std::string body = WebhookBody(n, *measure, *team);
      // The outbox row is bookkeeping for the dispatcher: the notification's audit entry covers it.
      auto d =
          Q("INSERT INTO webhook_deliveries (org_id, team_id, notification_id, url, secret, body, "
            "state, attempts, next_attempt_at, lease_until, delivered_at, last_error, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, NULL, NULL, '', $7)",
            {n.org.value, n.team.value, n.id.value, std::string_view(url), std::string_view(secret),
             std::string_view(body), n.created_at});
      if (!d) return tl::unexpected(d.error());
    }
    return Out(std::move(n));
  });
}

Result<std::vector<domain::Notification>> SqlStore::ListNotifications(
    OrgId org, PersonId reader, const NotificationQuery& query) {
  return InRead([&]() -> Result<std::vector<domain::Notification>> {
    std::vector<int64_t> teams;
    for (TeamId t : query.teams) teams.push_back(t.value);
    std::sort(teams.begin(), teams.end());
    teams.erase(std::unique(teams.begin(), teams.end()), teams.end());
    if (teams.size() > kMaxNotificationTeams) {
      return Fail(StoreErrorCode::kInvalid,
                  "teams lists more than " + Num(kMaxNotificationTeams) + " teams", "teams");
    }
    std::vector<domain::Notification> out;
    if (teams.empty() || query.limit <= 0) return out;
    std::vector<Param> params = {org.value, reader.value, query.after_id, int64_t{query.limit}};
    std::string sql = "SELECT " ES_NOTIFICATION_COLS
                      " FROM notifications n LEFT JOIN notification_reads s ON s.org_id = "
                      "n.org_id AND s.notification_id = n.id AND s.person_id = $2 "
                      "WHERE n.org_id = $1 AND n.id > $3 AND n.team_id IN (";
    for (size_t i = 0; i < teams.size(); ++i) {
      params.emplace_back(teams[i]);
      if (i > 0) sql += ", ";
      sql += "$" + Num(static_cast<int64_t>(params.size()));
    }
    sql += ")";
    if (query.unseen_only) sql += " AND s.person_id IS NULL";
    sql += " ORDER BY n.id DESC LIMIT $4";
    auto r = Run(sql, params);
    if (!r) return tl::unexpected(r.error());
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadNotification(*r, i));
    return out;
  });
}

Result<domain::Notification> SqlStore::GetNotification(OrgId org, PersonId reader,
                                                       NotificationId id) {
  return InRead([&] { return NotificationRow(org, reader, id); });
}

Result<void> SqlStore::MarkNotificationSeen(OrgId org, PersonId reader, NotificationId id) {
  return InWrite([&]() -> Result<void> {
    auto n = NotificationRow(org, reader, id);
    if (!n) return tl::unexpected(n.error());
    if (auto p = PersonRow(org, reader); !p) return tl::unexpected(p.error());
    if (n->seen) return {};  // seen already: no change, no audit entry
    auto r =
        Q("INSERT INTO notification_reads (org_id, notification_id, person_id, seen_at) "
          "VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, notification_id, person_id) DO NOTHING "
          "RETURNING person_id",
          {org.value, id.value, reader.value, Now()});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return {};  // marked by the same person elsewhere at the same time
    return Audit(Actor::Of(reader), org, "notification.seen", "notification", id.value, "",
                 JsonObject().Int("notification", id.value).Int("person", reader.value).Take());
  });
}

// --- Webhooks.

Result<domain::Webhook> SqlStore::SetWebhook(const Actor& actor, OrgId org, TeamId team,
                                             std::string_view url) {
  return InWrite([&]() -> Result<domain::Webhook> {
    if (auto bad = CheckWebhookUrl(url)) return Fail(StoreErrorCode::kInvalid, *bad, "url");
    if (auto t = TeamRow(org, team); !t) return tl::unexpected(t.error());
    auto existing =
        Q("SELECT url FROM webhooks WHERE org_id = $1 AND team_id = $2", {org.value, team.value});
    if (!existing) return tl::unexpected(existing.error());
    domain::Webhook w{org, team, std::string(url), domain::NewToken(), Now()};
    auto r = Q(
        "INSERT INTO webhooks (org_id, team_id, url, secret, created_at) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, team_id) DO UPDATE SET "
        "url = excluded.url, secret = excluded.secret, created_at = excluded.created_at",
        {org.value, team.value, std::string_view(w.url), std::string_view(w.secret), w.created_at});
    if (!r) return tl::unexpected(r.error());
    // Deliveries still to be made go to the new URL, signed with the new secret.
    auto d =
        Q("UPDATE webhook_deliveries SET url = $3, secret = $4 WHERE org_id = $1 AND "
          "team_id = $2 AND state = 'pending'",
          {org.value, team.value, std::string_view(w.url), std::string_view(w.secret)});
    if (!d) return tl::unexpected(d.error());
    // The secret stays out of the log.
    std::string before =
        existing->empty() ? std::string() : WebhookJson(team, existing->Text(0, 0));
    if (auto a = Audit(actor, org, "webhook.set", "webhook", team.value, std::move(before),
                       WebhookJson(team, w.url));
        !a) {
      return tl::unexpected(a.error());
    }
    return w;
  });
}

Result<domain::Webhook> SqlStore::GetWebhook(OrgId org, TeamId team) {
  return InRead([&]() -> Result<domain::Webhook> {
    if (auto t = TeamRow(org, team); !t) return tl::unexpected(t.error());
    auto r = Q("SELECT url, secret, created_at FROM webhooks WHERE org_id = $1 AND team_id = $2",
               {org.value, team.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "team " + Num(team.value) + " has no webhook", "team");
    }
    return domain::Webhook{org, team, r->Text(0, 0), r->Text(0, 1), r->Int(0, 2)};
  });
}

Result<void> SqlStore::RemoveWebhook(const Actor& actor, OrgId org, TeamId team) {
  return InWrite([&]() -> Result<void> {
    auto r = Q("DELETE FROM webhooks WHERE org_id = $1 AND team_id = $2 RETURNING url",
               {org.value, team.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "team " + Num(team.value) + " has no webhook", "team");
    }
    // Nothing more goes to the removed URL.
    auto d =
        Q("UPDATE webhook_deliveries SET state = 'failed', lease_until = NULL, "
          "last_error = 'the webhook was removed' WHERE org_id = $1 AND team_id = $2 AND "
          "state = 'pending'",
          {org.value, team.value});
    if (!d) return tl::unexpected(d.error());
    return Audit(actor, org, "webhook.remove", "webhook", team.value,
                 WebhookJson(team, r->Text(0, 0)), "");
  });
}

// --- Webhook deliveries: bookkeeping for the dispatcher, not audited.

Result<std::vector<domain::WebhookDelivery>> SqlStore::ClaimDeliveries(int64_t now, int limit,
                                                                       int64_t lease_seconds) {
  if (lease_seconds <= 0) {
    return Fail(StoreErrorCode::kInvalid, "lease_seconds is not positive", "lease_seconds");
  }
  if (limit <= 0) return std::vector<domain::WebhookDelivery>();
  // Most looks find nothing due. Looking first in a read takes no lock from writers (SQLite lets
  // one write at a time: an idle outbox polled in write transactions would keep taking the lock
  // from the observations' writer).
  auto due = InRead([&]() -> Result<bool> {
    auto r =
        Q("SELECT 1 FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= "
          "$1 AND (lease_until IS NULL OR lease_until <= $1) LIMIT 1",
          {now});
    if (!r) return tl::unexpected(r.error());
    return !r->empty();
  });
  if (!due) return tl::unexpected(due.error());
  if (!*due) return std::vector<domain::WebhookDelivery>();
  return InWrite([&]() -> Result<std::vector<domain::WebhookDelivery>> {
    std::vector<domain::WebhookDelivery> out;
    const std::string sql =
        "UPDATE webhook_deliveries SET lease_until = $2 WHERE id IN (SELECT id FROM "
        "webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $1 AND "
        "(lease_until IS NULL OR lease_until <= $1) ORDER BY next_attempt_at, id LIMIT $3" +
        std::string(SkipLockedClause()) + ") RETURNING " ES_DELIVERY_COLS;
    auto r = Q(sql, {now, now + lease_seconds, int64_t{limit}});
    if (!r) return tl::unexpected(r.error());
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadDelivery(*r, i));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.next_attempt_at, a.id.value) < std::tie(b.next_attempt_at, b.id.value);
    });
    return out;
  });
}

Result<void> SqlStore::RecordDeliveryAttempt(DeliveryId id, bool delivered, std::string_view error,
                                             std::optional<int64_t> retry_at) {
  return InWrite([&]() -> Result<void> {
    auto r = Q("SELECT state FROM webhook_deliveries WHERE id = $1", {id.value});
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) {
      return Fail(StoreErrorCode::kNotFound, "delivery " + Num(id.value) + " not found",
                  "delivery");
    }
    if (const std::string state = r->Text(0, 0); state != "pending") {
      return Fail(
          StoreErrorCode::kConflict,
          "delivery " + Num(id.value) + " is " + state + " already, so no attempt can be recorded",
          "delivery");
    }
    const int64_t now = Now();
    const std::string why = Truncated(error, kMaxDeliveryError);
    Result<Rows> u;
    if (delivered) {
      u =
          Q("UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1, "
            "delivered_at = $2, lease_until = NULL WHERE id = $1",
            {id.value, now});
    } else if (retry_at) {
      u =
          Q("UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $2, "
            "lease_until = NULL, last_error = $3 WHERE id = $1",
            {id.value, *retry_at, std::string_view(why)});
    } else {
      u =
          Q("UPDATE webhook_deliveries SET state = 'failed', attempts = attempts + 1, "
            "lease_until = NULL, last_error = $2 WHERE id = $1",
            {id.value, std::string_view(why)});
    }
    if (!u) return tl::unexpected(u.error());
    return {};
  });
}

Result<std::vector<domain::WebhookDelivery>> SqlStore::ListDeliveries(OrgId org, TeamId team,
                                                                      int limit) {
  return InRead([&]() -> Result<std::vector<domain::WebhookDelivery>> {
    if (auto t = TeamRow(org, team); !t) return tl::unexpected(t.error());
    auto r = Q("SELECT " ES_DELIVERY_COLS
               " FROM webhook_deliveries WHERE org_id = $1 AND team_id = $2 "
               "ORDER BY id DESC LIMIT $3",
               {org.value, team.value, int64_t{std::max(limit, 0)}});
    if (!r) return tl::unexpected(r.error());
    std::vector<domain::WebhookDelivery> out;
    out.reserve(r->size());
    for (size_t i = 0; i < r->size(); ++i) out.push_back(ReadDelivery(*r, i));
    return out;
  });
}

// --- Events.

Result<void> SqlStore::Publish(std::string_view payload) {
  if (payload.size() > kMaxEventPayload) {
    return Fail(StoreErrorCode::kInvalid,
                "payload is " + Num(static_cast<int64_t>(payload.size())) +
                    " bytes, more than the " + Num(static_cast<int64_t>(kMaxEventPayload)) +
                    " an event may carry",
                "payload");
  }
  if (!IsJson(payload)) return Fail(StoreErrorCode::kInvalid, "payload is not JSON", "payload");
  return InRead([&] { return Notify(payload); });
}

// --- Backup.

Result<BackupInfo> SqlStore::Backup(std::string_view path_view) {
  if (scope_depth_ != 0) {
    return Fail(StoreErrorCode::kInvalid, "a backup cannot be taken inside a transaction");
  }
  const std::string path(path_view);
  if (path.empty()) return Fail(StoreErrorCode::kInvalid, "path is empty", "path");
  // A journal left beside the name would be replayed into the new file.
  for (const char* suffix : {"-wal", "-journal"}) {
    std::error_code ignored;
    if (std::filesystem::exists(std::filesystem::symlink_status(path + suffix, ignored))) {
      return Fail(StoreErrorCode::kConflict,
                  path + suffix + " exists already; a backup makes a new file", "path");
    }
  }
  // Reserve the name: O_EXCL fails if anything, even a dangling link, is there already.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) {
      return Fail(StoreErrorCode::kConflict, path + " exists already; a backup makes a new file",
                  "path");
    }
    return Fail(StoreErrorCode::kUnavailable,
                "cannot create " + path + ": " + std::string(std::strerror(err)), "path");
  }
  ::close(fd);
  const auto remove_partial = [&path] {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
      std::error_code ignored;
      std::filesystem::remove(path + suffix, ignored);
    }
  };
  try {
    auto copied = BackupInto(path);
    if (!copied) {
      remove_partial();
      return tl::unexpected(copied.error());
    }
    // Open the copy as a store, as `everyseat serve` would, and count what it holds.
    auto opened = Store::Open("sqlite:" + path, Durability::kNormal);
    if (!opened) {
      remove_partial();
      return tl::unexpected(opened.error());
    }
    auto* target = dynamic_cast<SqlStore*>(opened->get());
    if (target == nullptr) {
      remove_partial();
      return Fail(StoreErrorCode::kInternal, "the SQLite store is not an SqlStore");
    }
    auto info = CountBackup(*target, path);
    opened->reset();
    if (!info) remove_partial();
    return info;
  } catch (const std::exception& e) {
    remove_partial();
    return Fail(StoreErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
  }
}

Result<BackupInfo> SqlStore::CountBackup(SqlStore& target, std::string path) {
  auto tables = target.Q(kSqliteTables, {});
  if (!tables) return tl::unexpected(tables.error());
  auto broken = target.Q("SELECT COUNT(*) FROM pragma_foreign_key_check", {});
  if (!broken) return tl::unexpected(broken.error());
  if (broken->Int(0, 0) != 0) {
    return Fail(StoreErrorCode::kInternal, "the backup " + path + " has " + Num(broken->Int(0, 0)) +
                                               " rows whose foreign keys point at nothing");
  }
  BackupInfo info;
  info.path = std::move(path);
  info.tables = static_cast<int64_t>(tables->size());
  for (size_t i = 0; i < tables->size(); ++i) {
    auto n = target.Q("SELECT COUNT(*) FROM " + QuoteName(tables->Text(i, 0)), {});
    if (!n) return tl::unexpected(n.error());
    info.rows += n->Int(0, 0);
  }
  return info;
}

Result<void> SqlStore::CopySnapshotInto(const std::string& path, std::string_view begin_snapshot) {
  StoreOptions options;
  options.busy_timeout_ms = options_.busy_timeout_ms;
  auto opened = Store::Open("sqlite:" + path, options);
  if (!opened) return tl::unexpected(opened.error());
  auto* target = dynamic_cast<SqlStore*>(opened->get());
  if (target == nullptr)
    return Fail(StoreErrorCode::kInternal, "the SQLite store is not an SqlStore");

  auto tables = target->Q(kSqliteTables, {});
  if (!tables) return tl::unexpected(tables.error());
  // The rows go in table by table, so a row may arrive before the row it refers to; the keys
  // are checked once everything is in (CountBackup).
  if (auto r = target->RunScript("PRAGMA foreign_keys = OFF"); !r) return r;
  if (auto r = RunScript(begin_snapshot); !r) return r;
  if (auto r = target->RunScript(target->BeginStatement()); !r) {
    (void)RunScript("ROLLBACK");
    return r;
  }
  const auto copy = [&]() -> Result<void> {
    // The copy has this program's migrations; so must the database (it may have been migrated
    // further by a newer program since this store opened it).
    const std::string_view versions = "SELECT version FROM schema_migrations ORDER BY version";
    auto mine = Q(versions, {});
    if (!mine) return tl::unexpected(mine.error());
    auto theirs = target->Q(versions, {});
    if (!theirs) return tl::unexpected(theirs.error());
    std::vector<int64_t> a;
    std::vector<int64_t> b;
    for (size_t i = 0; i < mine->size(); ++i) a.push_back(mine->Int(i, 0));
    for (size_t i = 0; i < theirs->size(); ++i) b.push_back(theirs->Int(i, 0));
    if (a != b) {
      return Fail(StoreErrorCode::kInvalid,
                  "the database's schema migrations differ from this program's; back it up "
                  "with the program that migrated it");
    }
    for (size_t t = 0; t < tables->size(); ++t) {
      const std::string name = tables->Text(t, 0);
      const std::string table = QuoteName(name);
      auto columns = target->Q("SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
                               {std::string_view(name)});
      if (!columns) return tl::unexpected(columns.error());
      std::string list;
      std::string values;
      std::vector<ColumnKind> kinds;
      std::optional<size_t> id_column;
      for (size_t c = 0; c < columns->size(); ++c) {
        if (c > 0) {
          list += ", ";
          values += ", ";
        }
        list += QuoteName(columns->Text(c, 0));
        values += "$" + Num(static_cast<int64_t>(c + 1));
        kinds.push_back(KindOfColumn(columns->Text(c, 1)));
        if (columns->Text(c, 0) == "id") id_column = c;
      }
      if (auto d = target->RunScript("DELETE FROM " + table); !d) return d;
      const std::string insert = "INSERT INTO " + table + " (" + list + ") VALUES (" + values + ")";
      // Tables with an id are read a page at a time, in id order, all from the one snapshot.
      const std::string select =
          "SELECT " + list + " FROM " + table +
          (id_column ? " WHERE id > $1 ORDER BY id LIMIT " + Num(kBackupPage) : std::string());
      int64_t last_id = std::numeric_limits<int64_t>::min();
      for (;;) {
        auto rows = id_column ? Q(select, {last_id}) : Q(select, {});
        if (!rows) return tl::unexpected(rows.error());
        std::vector<Param> params(rows->columns());
        for (size_t i = 0; i < rows->size(); ++i) {
          for (size_t c = 0; c < rows->columns(); ++c) {
            auto p = ToParam(rows->CellAt(i, c), kinds[c]);
            if (!p) {
              return Fail(StoreErrorCode::kInternal,
                          "table " + name + ", column " + columns->Text(c, 0) + ": " + p.error());
            }
            params[c] = *p;
          }
          if (auto w = target->Run(insert, params); !w) return tl::unexpected(w.error());
        }
        if (!id_column || rows->size() < static_cast<size_t>(kBackupPage)) break;
        last_id = rows->Int(rows->size() - 1, *id_column);
      }
    }
    return {};
  };
  Result<void> copied;
  try {
    copied = copy();
    if (copied) copied = target->RebuildStorySearch();
  } catch (const std::exception& e) {
    copied = Fail(StoreErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
  }
  (void)RunScript("ROLLBACK");  // the snapshot only read
  if (!copied) {
    (void)target->RunScript("ROLLBACK");
    return copied;
  }
  if (auto r = target->RunScript("COMMIT"); !r) {
    (void)target->RunScript("ROLLBACK");
    return r;
  }
  return target->RunScript("PRAGMA foreign_keys = ON");
}

#undef ES_TEAM_COLS
#undef ES_PERSON_COLS
#undef ES_TAG_COLS
#undef ES_MEASURE_COLS
#undef ES_OBSERVATION_COLS
#undef ES_ANNOTATION_COLS
#undef ES_AUDIT_COLS
#undef ES_SESSION_COLS
#undef ES_TOKEN_COLS
#undef ES_NOTIFICATION_COLS
#undef ES_DELIVERY_COLS

}  // namespace everyseat::store::detail
