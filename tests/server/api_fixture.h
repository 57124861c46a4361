// Test support for the product API: a real Server with the Api's routes on 127.0.0.1 (ephemeral
// port) over a fresh database of the engine under test (SQLite file, or a PostgreSQL schema under
// scripts/with-postgres), seeded with a small organisation:
//
//   Test Trust                      Other Trust
//     Community (directorate)         Elsewhere (team)       <- outsider, member
//       District Nursing (team A)   <- nurse (member), lead (lead of Community)
//       Reception (team B)          <- receptionist (member)
//   admin: organisation role admin, no team; board: role board, no team.
//   measure A ("Visits completed", i chart, increase) in team A; measure B in team B;
//   measure C in Other Trust's team.
//
// Everyone's password is kPassword. Callers are made with SignIn (a session cookie and its CSRF
// token) or a Bearer token.
// Thread-safety: the test's thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../store/test_database.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"
#include "everyseat/server/api.h"
#include "everyseat/server/http.h"
#include "http_client.h"
#include "test_server.h"

namespace everyseat::server::testing {

inline constexpr const char* kPassword = "correct horse battery staple";

// Whoever makes a request: a session (cookie and CSRF token), a Bearer token, or no one.
struct Who {
  std::string cookie;  // the session secret
  std::string csrf;
  std::string bearer;
  bool send_csrf = true;
};

struct ApiReply {
  int status = 0;
  nlohmann::json body;  // parsed when JSON, else null
  std::string text;
  HttpResponse raw;
};

class ApiFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override;
  void TearDown() override;

 public:
  // Starts the server (SetUp does; tests that need other options stop and start it again).
  void StartServer(const std::function<void(ApiOptions&)>& adjust = {});
  void StopServer();

  [[nodiscard]] ApiReply Call(const Who& who, const std::string& method, const std::string& target,
                              const std::string& body = {},
                              std::vector<std::pair<std::string, std::string>> headers = {});
  [[nodiscard]] ApiReply Call(const Who& who, const std::string& method, const std::string& target,
                              const nlohmann::json& body) {
    return Call(who, method, target, body.dump());
  }
  // Signs in as the person with this email (expects success).
  [[nodiscard]] Who SignIn(const std::string& email);
  // A daily i-chart measure of the team (improvement: increase), made straight through the store.
  [[nodiscard]] domain::MeasureId AddMeasure(domain::OrgId org, domain::TeamId team,
                                             const std::string& name);
  // A Bearer token for the team, issued straight through the store.
  [[nodiscard]] Who TokenFor(domain::TeamId team, const std::string& name = "feed");

  [[nodiscard]] store::Store& store() { return *store_; }
  [[nodiscard]] uint16_t port() const { return server_->port(); }
  [[nodiscard]] const std::string& url() const { return db_->url(); }

  std::unique_ptr<store::testing::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Router> router_;
  std::unique_ptr<Server> server_;
  CapturedLog access_;
  CapturedLog errors_;

  domain::Actor seed_ = domain::Actor::System("test seed");
  domain::OrgId org_, other_org_;
  domain::TeamId community_, team_a_, team_b_, team_c_;
  domain::PersonId nurse_, lead_, receptionist_, admin_, board_, outsider_;
  domain::MeasureId measure_a_, measure_b_, measure_c_;
};

// "/api/v1/measures/7/observations" and the like.
[[nodiscard]] inline std::string MeasurePath(domain::MeasureId id, const std::string& rest = {}) {
  return "/api/v1/measures/" + std::to_string(id.value) + rest;
}

}  // namespace everyseat::server::testing
