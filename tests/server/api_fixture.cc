// The product API's test fixture (api_fixture.h).
#include "api_fixture.h"

namespace everyseat::server::testing {

namespace {

template <class T>
T Must(store::Result<T> result) {
  if (!result) {
    ADD_FAILURE() << "store: " << result.error().message;
    throw std::runtime_error(result.error().message);
  }
  return std::move(*result);
}

// One argon2id hash for every seeded person: hashing costs ~130 ms, so it is done once.
const std::string& PasswordHash() {
  static const std::string hash = domain::HashPassword(kPassword).value();
  return hash;
}

}  // namespace

void ApiFixture::SetUp() {
  db_ = std::make_unique<store::testing::TestDatabase>(GetParam());
  if (db_->skip()) GTEST_SKIP() << db_->error();
  ASSERT_TRUE(db_->ok()) << db_->error();
  auto opened = store::Store::Open(db_->url(), store::Durability::kNormal);
  ASSERT_TRUE(opened) << opened.error().message;
  store_ = std::move(*opened);
  store::Store& s = *store_;

  org_ = Must(s.CreateOrganisation(seed_, "Test Trust")).id;
  other_org_ = Must(s.CreateOrganisation(seed_, "Other Trust")).id;
  community_ = Must(s.CreateTeam(seed_, org_, std::nullopt, "Community")).id;
  team_a_ = Must(s.CreateTeam(seed_, org_, community_, "District Nursing")).id;
  team_b_ = Must(s.CreateTeam(seed_, org_, community_, "Reception")).id;
  team_c_ = Must(s.CreateTeam(seed_, other_org_, std::nullopt, "Elsewhere")).id;

  auto person = [&](domain::OrgId org, const std::string& name, const std::string& email) {
    domain::Person p;
    p.org = org;
    p.name = name;
    p.email = email;
    p.job_title = "Staff";
    const domain::PersonId id = Must(s.CreatePerson(seed_, p)).id;
    EXPECT_TRUE(s.SetPasswordHash(seed_, org, id, PasswordHash()));
    return id;
  };
  nurse_ = person(org_, "Nia Nurse", "nurse@test.nhs.uk");
  lead_ = person(org_, "Lee Lead", "lead@test.nhs.uk");
  receptionist_ = person(org_, "Rae Reception", "reception@test.nhs.uk");
  admin_ = person(org_, "Ada Admin", "admin@test.nhs.uk");
  board_ = person(org_, "Bo Board", "board@test.nhs.uk");
  outsider_ = person(other_org_, "Oz Outsider", "outsider@other.nhs.uk");
  Must(s.SetMembership(seed_, org_, {nurse_, team_a_, domain::TeamRole::kMember}));
  Must(s.SetMembership(seed_, org_, {lead_, community_, domain::TeamRole::kLead}));
  Must(s.SetMembership(seed_, org_, {receptionist_, team_b_, domain::TeamRole::kMember}));
  Must(s.SetMembership(seed_, other_org_, {outsider_, team_c_, domain::TeamRole::kLead}));
  EXPECT_TRUE(s.GrantRole(seed_, org_, admin_, domain::OrgRole::kAdmin));
  EXPECT_TRUE(s.GrantRole(seed_, org_, board_, domain::OrgRole::kBoard));

  measure_a_ = AddMeasure(org_, team_a_, "Visits completed");
  measure_b_ = AddMeasure(org_, team_b_, "Calls answered");
  measure_c_ = AddMeasure(other_org_, team_c_, "Elsewhere visits");
  StartServer();
}

domain::MeasureId ApiFixture::AddMeasure(domain::OrgId org, domain::TeamId team,
                                         const std::string& name) {
  domain::Measure m;
  m.org = org;
  m.team = team;
  m.name = name;
  m.definition = "Visits completed as planned";
  m.unit = "visits";
  m.chart = spc::Chart::kI;
  m.direction = spc::Direction::kIncrease;
  m.frequency = domain::Frequency::kDaily;
  return Must(store_->CreateMeasure(seed_, m)).id;
}

void ApiFixture::StartServer(const std::function<void(ApiOptions&)>& adjust) {
  ApiOptions options;
  options.db_url = db_->url();
  options.error_log = errors_.Sink();
  if (adjust) adjust(options);
  auto api = Api::Create(std::move(options));
  ASSERT_TRUE(api) << api.error();
  api_ = std::move(*api);
  router_ = std::make_unique<Router>();
  api_->AddRoutes(*router_);
  ServerOptions server_options;
  server_options.access_log = access_.Sink();
  server_options.error_log = errors_.Sink();
  server_options.max_body_bytes = 4 << 20;
  server_ = std::make_unique<Server>(*router_, server_options);
  auto started = server_->Start("127.0.0.1", 0);
  ASSERT_TRUE(started) << started.error();
}

void ApiFixture::StopServer() {
  if (server_) server_->Stop();
  if (api_) api_->Stop();
  server_.reset();
  router_.reset();
  api_.reset();
}

void ApiFixture::TearDown() {
  StopServer();
  store_.reset();
  db_.reset();
}

ApiReply ApiFixture::Call(const Who& who, const std::string& method, const std::string& target,
                          const std::string& body,
                          std::vector<std::pair<std::string, std::string>> headers) {
  if (!who.cookie.empty()) {
    headers.emplace_back("Cookie", "everyseat_session=" + who.cookie);
    if (who.send_csrf) headers.emplace_back("X-CSRF-Token", who.csrf);
  }
  if (!who.bearer.empty()) headers.emplace_back("Authorization", "Bearer " + who.bearer);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  HttpClient client(port(), std::chrono::milliseconds(30'000));
  ApiReply reply;
  auto response = client.Request(method, target, body, headers);
  if (!response) {
    ADD_FAILURE() << method << " " << target << ": no response";
    return reply;
  }
  reply.status = response->status;
  reply.text = response->body;
  reply.body = nlohmann::json::parse(response->body, nullptr, false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  reply.raw = std::move(*response);
  return reply;
}

Who ApiFixture::SignIn(const std::string& email) {
  const ApiReply reply = Call(Who{}, "POST", "/api/v1/session",
                              nlohmann::json{{"email", email}, {"password", kPassword}});
  EXPECT_EQ(reply.status, 201) << reply.text;
  Who who;
  const auto cookie = reply.raw.Header("Set-Cookie").value_or("");
  const size_t start = cookie.find('=') + 1;
  who.cookie = cookie.substr(start, cookie.find(';') - start);
  if (reply.body.is_object()) who.csrf = reply.body.value("csrf_token", "");
  return who;
}

Who ApiFixture::TokenFor(domain::TeamId team, const std::string& name) {
  const domain::OrgId org = team == team_c_ ? other_org_ : org_;
  Who who;
  who.bearer = Must(store_->IssueApiToken(seed_, org, team, name, std::nullopt)).secret;
  return who;
}

}  // namespace everyseat::server::testing
