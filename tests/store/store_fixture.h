// The fixture and helpers of the store's conformance suite (store_test.cc,
// notifications_test.cc, backup_test.cc): a fresh database of the test's engine (the test
// parameter), a store on it whose clock is `now_`, and one organisation.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "everyseat/domain/validate.h"
#include "everyseat/store/store.h"
#include "test_database.h"

namespace everyseat::store::testing {

using domain::Actor;
using domain::Measure;
using domain::Person;
using domain::StaffGroup;

template <class T>
inline T Must(Result<T> r) {
  if (!r) {
    ADD_FAILURE() << "store error " << Name(r.error().code) << ": " << r.error().message;
  }
  return std::move(r).value();
}

inline void Must(Result<void> r) {
  if (!r) ADD_FAILURE() << "store error " << Name(r.error().code) << ": " << r.error().message;
}

template <class T>
inline ::testing::AssertionResult Fails(const Result<T>& r, StoreErrorCode code,
                                        const std::string& field = "",
                                        const std::string& message_part = "") {
  if (r) return ::testing::AssertionFailure() << "succeeded; expected " << Name(code);
  if (r.error().code != code) {
    return ::testing::AssertionFailure() << "failed with " << Name(r.error().code) << " ("
                                         << r.error().message << "); expected " << Name(code);
  }
  if (r.error().field != field) {
    return ::testing::AssertionFailure() << "field \"" << r.error().field << "\"; expected \""
                                         << field << "\" (" << r.error().message << ")";
  }
  if (r.error().message.find(message_part) == std::string::npos) {
    return ::testing::AssertionFailure()
           << "message \"" << r.error().message << "\" lacks \"" << message_part << "\"";
  }
  return ::testing::AssertionSuccess();
}

inline std::string DayAfter(const std::string& start, int64_t days) {
  return domain::FormatIsoDate(*domain::ParseIsoDate(start) + days * 86400);
}

class StoreFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>(GetParam());
    if (db_->skip()) GTEST_SKIP() << db_->error();
    ASSERT_TRUE(db_->ok()) << db_->error();
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    org_ = Must(store_->CreateOrganisation(admin_, "Northshire Trust")).id;
  }

  std::unique_ptr<Store> Open(Durability durability = Durability::kNormal) {
    StoreOptions options;
    options.durability = durability;
    options.clock = [this] { return now_; };
    auto s = Store::Open(db_->url(), options);
    if (!s) {
      ADD_FAILURE() << "open " << db_->url() << ": " << s.error().message;
      return nullptr;
    }
    return std::move(*s);
  }

  domain::Team MakeTeam(const std::string& name, std::optional<TeamId> parent = std::nullopt,
                        OrgId org = OrgId()) {
    return Must(store_->CreateTeam(admin_, org.valid() ? org : org_, parent, name));
  }

  Person MakePerson(const std::string& name, const std::string& email, OrgId org = OrgId()) {
    Person p;
    p.org = org.valid() ? org : org_;
    p.name = name;
    p.email = email;
    p.job_title = "Staff nurse";
    p.staff_group = StaffGroup::kNursingAndMidwifery;
    return Must(store_->CreatePerson(admin_, p));
  }

  Measure MakeMeasure(TeamId team, const std::string& name, spc::Chart chart = spc::Chart::kI,
                      OrgId org = OrgId()) {
    Measure m;
    m.org = org.valid() ? org : org_;
    m.team = team;
    m.name = name;
    m.definition = "Patients who fell, per 1,000 bed days";
    m.unit = "falls";
    m.kind = domain::MeasureKind::kOutcome;
    m.chart = chart;
    m.direction = spc::Direction::kDecrease;
    m.target = 3.5;
    m.frequency = domain::Frequency::kWeekly;
    return Must(store_->CreateMeasure(admin_, m));
  }

  std::vector<domain::AuditEntry> AuditOf(const std::string& entity = "", int64_t id = 0) {
    AuditQuery q;
    q.entity = entity;
    q.entity_id = id;
    q.limit = 100000;
    return Must(store_->ListAudit(org_, q));
  }

  size_t AuditCount() { return AuditOf().size(); }

  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    for (const auto& e : AuditOf()) out.push_back(e.action);
    return out;
  }

  int64_t now_ = 1'700'000'000;  // 2023-11-14
  Actor admin_ = Actor::System("test admin");
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Store> store_;
  OrgId org_;
};

// The test's name suffix: the engine.
inline std::string EngineName(const ::testing::TestParamInfo<std::string>& param) {
  return param.param;
}

}  // namespace everyseat::store::testing
