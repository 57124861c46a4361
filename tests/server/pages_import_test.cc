// The staff import page (/admin/import) and the API token pages (/admin/tokens) through the real
// server, on both stores, as a browser without JavaScript uses them: signing in with the form
// (the session cookie kept as a cookie jar would), the CSRF token read from the page's hidden
// field, the CSV file sent as multipart/form-data built here by hand.
//
// Expected values come from the contract, not from running the code: the import is all or nothing
// and names the line of the file (cli/README.md "everyseat import", the same messages as
// `everyseat import staff`); only administrators import the staff list, only team leads manage
// tokens (domain/src/authorise.cc, kPolicy); a token is shown once, works as a Bearer token on
// the API and stops working when revoked (docs/api.md, "Signing in, tokens and permissions").
#include <algorithm>
#include <cctype>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "api_fixture.h"
#include "form_encoding.h"

namespace everyseat::server::testing {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// What a browser keeps between requests: the session cookie, and the CSRF token of the last
// page that had a form.
struct Browser {
  std::string cookie;
  std::string csrf;
};

constexpr char kBoundary[] = "----everyseatTestBoundary7MA4YWxkTrZu0gW";

// A multipart/form-data body as a browser writes it (RFC 7578): the fields, then the file.
std::string MultipartBody(const Fields& fields, const std::string& file_field,
                          const std::string& filename, const std::string& bytes) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name +
            "\"\r\n\r\n" + value + "\r\n";
  }
  body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" +
          file_field + "\"; filename=\"" + filename + "\"\r\nContent-Type: text/csv\r\n\r\n" +
          bytes + "\r\n--" + kBoundary + "--\r\n";
  return body;
}

// The value of the hidden csrf_token field of a page's forms ("" when there is none).
std::string CsrfOf(const std::string& page) {
  static const std::regex field("name=\"csrf_token\" value=\"([^\"]+)\"");
  std::smatch match;
  return std::regex_search(page, match, field) ? match[1].str() : std::string();
}

bool Has(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// Staff lists in the seeded organisation "Test Trust" (api_fixture.h).
constexpr char kGoodStaff[] =
    "name,email,job_title,staff_group,team_path,line_manager_email\r\n"
    "Gil Green,g.green@test.nhs.uk,Ward sister,Nursing and midwifery,Test Trust/Medicine/Ward 7,"
    "h.hill@test.nhs.uk\r\n"
    "Hal Hill,h.hill@test.nhs.uk,Matron,Nursing and midwifery,Test Trust/Medicine,\r\n"
    "Ivy Ives,i.ives@test.nhs.uk,Receptionist,Admin & Clerical,Test Trust/Community/Reception,\r\n";

// Line 4 (the header is line 1) has an email that is not one; lines 2, 3 and 5 are good.
constexpr char kBadEmailOnLine4[] =
    "name,email,job_title,staff_group,team_path,line_manager_email\n"
    "Gil Green,g.green@test.nhs.uk,Ward sister,Nursing and midwifery,Test Trust/Medicine/Ward 7,\n"
    "Hal Hill,h.hill@test.nhs.uk,Matron,Nursing and midwifery,Test Trust/Medicine,\n"
    "Jo Jones,x,Porter,Estates and ancillary,Test Trust/Estates/Portering,\n"
    "Ivy Ives,i.ives@test.nhs.uk,Receptionist,Admin & Clerical,Test Trust/Community/Reception,\n";

class PagesImportTest : public ApiFixture {
 protected:
  HttpResponse Send(const Browser& browser, const std::string& method, const std::string& target,
                    const std::string& body = {}, const std::string& content_type = {}) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!content_type.empty()) headers.emplace_back("Content-Type", content_type);
    if (!browser.cookie.empty()) {
      headers.emplace_back("Cookie", "everyseat_session=" + browser.cookie);
    }
    HttpClient client(port(), std::chrono::milliseconds(30'000));
    auto response = client.Request(method, target, body, headers);
    EXPECT_TRUE(response.has_value()) << method << " " << target;
    return response.value_or(HttpResponse{});
  }
  // A page; its CSRF token, if it has a form, is kept for the next post.
  HttpResponse Get(Browser& browser, const std::string& target) {
    HttpResponse page = Send(browser, "GET", target);
    if (const std::string csrf = CsrfOf(page.body); !csrf.empty()) browser.csrf = csrf;
    return page;
  }
  HttpResponse PostForm(const Browser& browser, const std::string& target, const Fields& fields) {
    return Send(browser, "POST", target, EncodeForm(fields), "application/x-www-form-urlencoded");
  }
  HttpResponse PostFile(const Browser& browser, const Fields& fields, const std::string& filename,
                        const std::string& bytes) {
    return Send(browser, "POST", "/admin/import",
                MultipartBody(fields, "staff-file", filename, bytes),
                std::string("multipart/form-data; boundary=") + kBoundary);
  }

  // Signs in with the sign-in form, as a browser does, keeping the session cookie.
  Browser SignInWithForm(const std::string& email) {
    Browser browser;
    const HttpResponse answer =
        PostForm(browser, "/sign-in", {{"email", email}, {"password", kPassword}});
    EXPECT_EQ(answer.status, 303) << answer.body;
    const std::string cookie = answer.Header("Set-Cookie").value_or("");
    const size_t start = cookie.find('=') + 1;
    browser.cookie = cookie.substr(start, cookie.find(';') - start);
    EXPECT_FALSE(browser.cookie.empty());
    return browser;
  }

  std::vector<std::string> Emails() {
    std::vector<std::string> emails;
    auto people = store().ListPeople(org_);
    EXPECT_TRUE(people.has_value());
    if (people) {
      for (const domain::Person& person : *people) emails.push_back(person.email);
    }
    std::sort(emails.begin(), emails.end());
    return emails;
  }
  size_t Teams() {
    auto teams = store().ListTeams(org_);
    EXPECT_TRUE(teams.has_value());
    return teams ? teams->size() : 0;
  }
  // The email addresses in the API's list of people, as an administrator sees it.
  std::vector<std::string> ApiEmails() {
    const ApiReply reply = Call(SignIn("admin@test.nhs.uk"), "GET", "/api/v1/people");
    EXPECT_EQ(reply.status, 200) << reply.text;
    std::vector<std::string> emails;
    if (reply.body.is_object() && reply.body["people"].is_array()) {
      for (const auto& person : reply.body["people"]) emails.push_back(person.value("email", ""));
    }
    std::sort(emails.begin(), emails.end());
    return emails;
  }
};

// --- The staff import.

TEST_P(PagesImportTest, TheImportPageExplainsTheColumnsAndUploadsAFile) {
  Browser admin = SignInWithForm("admin@test.nhs.uk");
  const HttpResponse page = Get(admin, "/admin/import");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(Has(page.body, "<h1 class=\"nhsuk-heading-l\">Import the staff list</h1>"));
  for (const char* column :
       {"name", "email", "job_title", "staff_group", "team_path", "line_manager_email"}) {
    EXPECT_TRUE(
        Has(page.body, std::string("<dt class=\"nhsuk-summary-list__key\">") + column + "</dt>"))
        << column;
  }
  EXPECT_TRUE(Has(page.body, "Organisation/Directorate/Team"));
  EXPECT_TRUE(Has(page.body, "enctype=\"multipart/form-data\""));
  EXPECT_TRUE(Has(page.body, "type=\"file\""));
  EXPECT_TRUE(Has(page.body, "id=\"staff-file\" name=\"staff-file\""));
  EXPECT_TRUE(Has(page.body, "accept=\".csv,text/csv\""));
  EXPECT_TRUE(Has(page.body, "1 MB"));
  EXPECT_FALSE(admin.csrf.empty());
}

TEST_P(PagesImportTest, AnAdministratorImportsAGoodStaffList) {
  Browser admin = SignInWithForm("admin@test.nhs.uk");
  Get(admin, "/admin/import");
  const size_t teams_before = Teams();
  const HttpResponse answer =
      PostFile(admin, {{"csrf_token", admin.csrf}}, "staff.csv", kGoodStaff);
  ASSERT_EQ(answer.status, 303) << answer.body;
  // Three people, all new; Medicine and Medicine/Ward 7 are new teams, Community/Reception is not.
  const std::string location = answer.Header("Location").value_or("");
  EXPECT_EQ(location, "/admin/import?done=3&added=3&updated=0&unchanged=0&teams=2");
  const HttpResponse done = Get(admin, location);
  EXPECT_EQ(done.status, 200);
  EXPECT_TRUE(Has(done.body, "nhsuk-notification-banner--success"));
  EXPECT_TRUE(Has(done.body, "Staff list imported"));
  EXPECT_TRUE(Has(done.body,
                  "3 people in the file: 3 added, 0 updated, 0 unchanged. 2 new teams "
                  "made."));
  EXPECT_EQ(Teams(), teams_before + 2);

  const std::vector<std::string> emails = ApiEmails();
  for (const char* email : {"g.green@test.nhs.uk", "h.hill@test.nhs.uk", "i.ives@test.nhs.uk"}) {
    EXPECT_NE(std::find(emails.begin(), emails.end(), email), emails.end()) << email;
  }
  // What the file says about them, as `everyseat import staff` would store it.
  auto people = store().ListPeople(org_);
  ASSERT_TRUE(people);
  std::optional<domain::Person> gil, hal, ivy;
  for (const domain::Person& p : *people) {
    if (p.email == "g.green@test.nhs.uk") gil = p;
    if (p.email == "h.hill@test.nhs.uk") hal = p;
    if (p.email == "i.ives@test.nhs.uk") ivy = p;
  }
  ASSERT_TRUE(gil && hal && ivy);
  EXPECT_EQ(gil->job_title, "Ward sister");
  EXPECT_EQ(gil->staff_group, domain::StaffGroup::kNursingAndMidwifery);
  EXPECT_EQ(gil->line_manager, hal->id);
  EXPECT_EQ(ivy->staff_group, domain::StaffGroup::kAdministrativeAndClerical);
  auto reception = store().ListMembersOfTeam(org_, team_b_);
  ASSERT_TRUE(reception);
  EXPECT_TRUE(std::any_of(reception->begin(), reception->end(),
                          [&](const domain::Membership& m) { return m.person == ivy->id; }));

  // The same file again changes nothing.
  const HttpResponse again = PostFile(admin, {{"csrf_token", admin.csrf}}, "staff.csv", kGoodStaff);
  ASSERT_EQ(again.status, 303) << again.body;
  EXPECT_EQ(again.Header("Location").value_or(""),
            "/admin/import?done=3&added=0&updated=0&unchanged=3&teams=0");
}

TEST_P(PagesImportTest, ABadEmailOnLine4IsShownWithItsLineAndNothingIsImported) {
  Browser admin = SignInWithForm("admin@test.nhs.uk");
  Get(admin, "/admin/import");
  const std::vector<std::string> before = Emails();
  const size_t teams_before = Teams();
  const HttpResponse page =
      PostFile(admin, {{"csrf_token", admin.csrf}}, "staff.csv", kBadEmailOnLine4);
  EXPECT_EQ(page.status, 422);
  EXPECT_TRUE(Has(page.body, "<title>Error: Import the staff list"));
  EXPECT_TRUE(Has(page.body, "There is a problem"));
  // The error summary links to the file input; the message names line 4, and the import's own
  // message (as `everyseat import staff` prints it) is shown too.
  EXPECT_TRUE(Has(page.body,
                  "<a href=\"#staff-file\">Line 4: email is not an email address "
                  "like name@example.nhs.uk</a>"))
      << page.body;
  EXPECT_TRUE(Has(page.body,
                  "staff.csv:4: email is not an email address like "
                  "name@example.nhs.uk"));
  EXPECT_TRUE(Has(page.body, "nhsuk-form-group--error"));
  // All or nothing: not one person or team of the file, not even those of lines 2 and 3.
  EXPECT_EQ(Emails(), before);
  EXPECT_EQ(ApiEmails(), before);
  EXPECT_EQ(Teams(), teams_before);
}

TEST_P(PagesImportTest, AFormWithoutAFileAsksForOne) {
  Browser admin = SignInWithForm("admin@test.nhs.uk");
  Get(admin, "/admin/import");
  // A file input with no file chosen: the browser sends an empty part with an empty file name.
  const HttpResponse page = PostFile(admin, {{"csrf_token", admin.csrf}}, "", "");
  EXPECT_EQ(page.status, 422);
  EXPECT_TRUE(Has(page.body, "<a href=\"#staff-file\">Select a CSV file of the staff list</a>"));
}

TEST_P(PagesImportTest, SomeoneWhoIsNotAnAdministratorIsRefusedAndNothingChanges) {
  const std::vector<std::string> before = Emails();
  for (const char* email : {"nurse@test.nhs.uk", "lead@test.nhs.uk"}) {
    Browser browser = SignInWithForm(email);
    EXPECT_EQ(Get(browser, "/admin/import").status, 403) << email;
    Get(browser, "/");  // a page with a form (sign out), for a valid CSRF token
    ASSERT_FALSE(browser.csrf.empty());
    const HttpResponse answer =
        PostFile(browser, {{"csrf_token", browser.csrf}}, "staff.csv", kGoodStaff);
    EXPECT_EQ(answer.status, 403) << email;
    EXPECT_TRUE(Has(answer.body, "You cannot do this")) << email;
  }
  EXPECT_EQ(Emails(), before);
}

TEST_P(PagesImportTest, AnUploadWithoutTheCsrfTokenIsRefusedAndNothingChanges) {
  Browser admin = SignInWithForm("admin@test.nhs.uk");
  Get(admin, "/admin/import");
  const std::vector<std::string> before = Emails();
  EXPECT_EQ(PostFile(admin, {}, "staff.csv", kGoodStaff).status, 403);
  EXPECT_EQ(PostFile(admin, {{"csrf_token", "0123456789abcdef"}}, "staff.csv", kGoodStaff).status,
            403);
  EXPECT_EQ(Emails(), before);
  // Signed out, the upload goes to sign-in and changes nothing either.
  EXPECT_EQ(PostFile(Browser{}, {{"csrf_token", admin.csrf}}, "staff.csv", kGoodStaff).status, 303);
  EXPECT_EQ(Emails(), before);
}

TEST_P(PagesImportTest, AMalformedUploadIsRefusedWithAReason) {
  Browser admin = SignInWithForm("admin@test.nhs.uk");
  Get(admin, "/admin/import");
  std::string body =
      MultipartBody({{"csrf_token", admin.csrf}}, "staff-file", "staff.csv", kGoodStaff);
  body.resize(body.rfind("--" + std::string(kBoundary) + "--"));  // no closing boundary
  const HttpResponse answer = Send(admin, "POST", "/admin/import", body,
                                   std::string("multipart/form-data; boundary=") + kBoundary);
  EXPECT_EQ(answer.status, 400);
  EXPECT_TRUE(Has(answer.body, "the form data ends before its closing boundary"));
}

// --- API tokens.

TEST_P(PagesImportTest, ALeadIssuesATokenSeesItOnceUsesItAndRevokesIt) {
  Browser lead = SignInWithForm("lead@test.nhs.uk");
  const HttpResponse list = Get(lead, "/admin/tokens");
  ASSERT_EQ(list.status, 200) << list.body;
  // The lead leads Community, so every team of it is theirs to manage.
  EXPECT_TRUE(Has(list.body, "District Nursing"));
  EXPECT_TRUE(Has(list.body, "Reception"));

  const HttpResponse issued = PostForm(lead, "/admin/tokens",
                                       {{"csrf_token", lead.csrf},
                                        {"team", std::to_string(team_a_.value)},
                                        {"name", "Rostering feed"}});
  ASSERT_EQ(issued.status, 200) << issued.body;
  EXPECT_TRUE(Has(issued.body, "nhsuk-panel"));
  EXPECT_TRUE(Has(issued.body, "Copy this token now: you will not see it again"));
  EXPECT_EQ(issued.Header("Cache-Control").value_or(""), "no-store");
  // A token is 256 random bits, written as 64 hexadecimal digits (the page's CSRF token may look
  // alike, so the secret is read from its own element).
  static const std::regex secret_in_page("<code id=\"token-secret\">([0-9a-f]{64})</code>");
  std::smatch match;
  ASSERT_TRUE(std::regex_search(issued.body, match, secret_in_page)) << issued.body;
  const std::string secret = match[1].str();

  // Never shown again.
  const HttpResponse after = Get(lead, "/admin/tokens");
  EXPECT_FALSE(Has(after.body, secret));
  EXPECT_TRUE(Has(after.body, "Rostering feed"));
  EXPECT_TRUE(Has(after.body, "Active"));

  // It works on the API as a Bearer token, for its team's measures.
  Who system;
  system.bearer = secret;
  EXPECT_EQ(Call(system, "GET", MeasurePath(measure_a_, "/observations")).status, 200);
  const ApiReply added = Call(system, "POST", MeasurePath(measure_a_, "/observations"),
                              nlohmann::json{{"period", "2024-03-01"}, {"value", 12}});
  EXPECT_EQ(added.status, 201) << added.text;

  // Revoked on the page, it stops working at once.
  static const std::regex revoke_form("action=\"(/admin/tokens/[0-9]+/revoke)\"");
  ASSERT_TRUE(std::regex_search(after.body, match, revoke_form)) << after.body;
  const std::string revoke = match[1].str();
  const HttpResponse revoked =
      PostForm(lead, revoke, {{"csrf_token", lead.csrf}, {"team", std::to_string(team_a_.value)}});
  EXPECT_EQ(revoked.status, 303) << revoked.body;
  EXPECT_EQ(Call(system, "GET", MeasurePath(measure_a_, "/observations")).status, 401);
  const HttpResponse listed = Get(lead, revoked.Header("Location").value_or("/admin/tokens"));
  EXPECT_TRUE(Has(listed.body, "Revoked"));
  EXPECT_FALSE(Has(listed.body, revoke));  // no Revoke button for a revoked token
}

TEST_P(PagesImportTest, OnlyTeamLeadsManageTokens) {
  // A member and an administrator (administrators write no team data: authorise.cc).
  for (const char* email : {"nurse@test.nhs.uk", "admin@test.nhs.uk"}) {
    Browser browser = SignInWithForm(email);
    EXPECT_EQ(Get(browser, "/admin/tokens").status, 403) << email;
    Get(browser, "/");
    const HttpResponse answer = PostForm(browser, "/admin/tokens",
                                         {{"csrf_token", browser.csrf},
                                          {"team", std::to_string(team_a_.value)},
                                          {"name", "Sneaky feed"}});
    EXPECT_EQ(answer.status, 403) << email;
  }
  auto tokens = store().ListApiTokens(org_, team_a_);
  ASSERT_TRUE(tokens);
  EXPECT_TRUE(tokens->empty());

  // Nor may anyone revoke another team's token from the page.
  const Who feed = TokenFor(team_a_);
  const auto listed = store().ListApiTokens(org_, team_a_);
  ASSERT_TRUE(listed && listed->size() == 1u);
  Browser nurse = SignInWithForm("nurse@test.nhs.uk");
  Get(nurse, "/");
  const HttpResponse refused =
      PostForm(nurse, "/admin/tokens/" + std::to_string(listed->front().id.value) + "/revoke",
               {{"csrf_token", nurse.csrf}, {"team", std::to_string(team_a_.value)}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(Call(feed, "GET", MeasurePath(measure_a_, "/observations")).status, 200);
}

TEST_P(PagesImportTest, ATokenNeedsANameAndATokenPostNeedsTheCsrfToken) {
  Browser lead = SignInWithForm("lead@test.nhs.uk");
  Get(lead, "/admin/tokens");
  const HttpResponse unnamed = PostForm(
      lead, "/admin/tokens", {{"csrf_token", lead.csrf}, {"team", std::to_string(team_a_.value)}});
  EXPECT_EQ(unnamed.status, 422);
  EXPECT_TRUE(Has(unnamed.body, "<a href=\"#name\">Enter a name for the token</a>"));
  const HttpResponse forged =
      PostForm(lead, "/admin/tokens", {{"team", std::to_string(team_a_.value)}, {"name", "Feed"}});
  EXPECT_EQ(forged.status, 403);
  auto tokens = store().ListApiTokens(org_, team_a_);
  ASSERT_TRUE(tokens);
  EXPECT_TRUE(tokens->empty());
}

INSTANTIATE_TEST_SUITE_P(Engines, PagesImportTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace everyseat::server::testing
