// The administration commands' tests: each runs the real everyseat binary against a fresh
// database of each engine (tests/store/test_database.h: a SQLite file in a temporary directory,
// or a PostgreSQL schema under scripts/with-postgres; without EVERYSEAT_TEST_POSTGRES the
// PostgreSQL cases are skipped, or fail in CI), and checks what it left through the Store API.
// Thread-safety: one test at a time (GoogleTest's default).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "everyseat/domain/model.h"
#include "everyseat/store/store.h"
#include "run_binary.h"
#include "test_database.h"

namespace everyseat::testing {

inline constexpr char kOrg[] = "Northshire Trust";

template <class T>
T Must(store::Result<T> r) {
  if (!r) ADD_FAILURE() << "store error: " << r.error().message;
  return std::move(r).value();
}

inline void Must(store::Result<void> r) {
  if (!r) ADD_FAILURE() << "store error: " << r.error().message;
}

// What an organisation holds, counted; equal before and after a refused command means the
// command changed nothing (every write of the store adds an audit entry).
struct Counts {
  size_t organisations = 0;
  size_t teams = 0;
  size_t people = 0;
  size_t measures = 0;
  size_t observations = 0;  // every version
  size_t audit = 0;
  friend bool operator==(const Counts&, const Counts&) = default;
};

inline std::ostream& operator<<(std::ostream& out, const Counts& c) {
  return out << "{organisations " << c.organisations << ", teams " << c.teams << ", people "
             << c.people << ", measures " << c.measures << ", observations " << c.observations
             << ", audit " << c.audit << "}";
}

class AdminTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<store::testing::TestDatabase>(GetParam());
    if (db_->skip()) GTEST_SKIP() << db_->error();
    ASSERT_TRUE(db_->ok()) << db_->error();
    store_ = Open(db_->url());
    ASSERT_NE(store_, nullptr);
  }

  static std::unique_ptr<store::Store> Open(const std::string& url) {
    auto opened = store::Store::Open(url, store::Durability::kNormal);
    if (!opened) {
      ADD_FAILURE() << "cannot open " << url << ": " << opened.error().message;
      return nullptr;
    }
    return std::move(*opened);
  }

  const std::string& url() const { return db_->url(); }

  // `everyseat WORDS... --db URL ARGS...`.
  Ran Run(const std::vector<std::string>& words, const std::vector<std::string>& args,
          const std::string& input = {}) const {
    std::vector<std::string> all = words;
    all.push_back("--db");
    all.push_back(url());
    all.insert(all.end(), args.begin(), args.end());
    return RunEverySeat(all, input);
  }

  domain::OrgId MakeOrg(const std::string& name = kOrg) {
    return Must(store_->CreateOrganisation(domain::Actor::System("test"), name)).id;
  }

  // The organisation of this name; an invalid id when there is none.
  domain::OrgId FindOrg(const std::string& name = kOrg) {
    for (const auto& org : Must(store_->ListOrganisations())) {
      if (org.name == name) return org.id;
    }
    return domain::OrgId();
  }

  std::vector<std::string> TeamPaths(domain::OrgId org) {
    std::vector<std::string> paths;
    for (const auto& team : Must(store_->ListTeams(org))) paths.push_back(team.path);
    return paths;
  }

  domain::Person Person(domain::OrgId org, const std::string& email) {
    return Must(store_->FindPersonByEmail(org, email));
  }

  // The email of the person's line manager, "" when none.
  std::string ManagerOf(domain::OrgId org, const std::string& email) {
    const domain::Person person = Person(org, email);
    if (!person.line_manager) return "";
    return Must(store_->GetPerson(org, *person.line_manager)).email;
  }

  Counts Count(domain::OrgId org) {
    Counts c;
    c.organisations = Must(store_->ListOrganisations()).size();
    if (!org.valid()) return c;
    const auto teams = Must(store_->ListTeams(org));
    c.teams = teams.size();
    c.people = Must(store_->ListPeople(org)).size();
    for (const auto& team : teams) {
      for (const auto& measure : Must(store_->ListMeasures(org, team.id))) {
        ++c.measures;
        for (const auto& o : Must(store_->ListObservations(org, measure.id))) {
          c.observations += Must(store_->ListObservationHistory(org, measure.id, o.period)).size();
        }
      }
    }
    store::AuditQuery query;
    query.limit = 1000;
    for (;;) {
      const auto page = Must(store_->ListAudit(org, query));
      c.audit += page.size();
      if (page.size() < static_cast<size_t>(query.limit)) break;
      query.after_id = page.back().id.value;
    }
    return c;
  }

  std::unique_ptr<store::testing::TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
  ScratchDir dir_;
};

}  // namespace everyseat::testing
