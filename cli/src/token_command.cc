// everyseat token: API tokens, which let another system write the measures of one team.
//   create  issues a token (Store::IssueApiToken) and prints its secret, the only time it is
//           shown: the store keeps its SHA-256 alone;
//   revoke  ends a token by its id;
//   list    prints a team's tokens as a plain table (never their secrets).
//
// Errors change nothing: exit status 2 and one line, "everyseat token: reason".
// Thread-safety: owns the process while it runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin.h"
#include "args.h"
#include "commands.h"
#include "everyseat/domain/validate.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kCommand = "token";

constexpr std::string_view kUsage =
    "usage: everyseat token create --db URL --org NAME --team PATH --name LABEL\n"
    "                              [--expires YYYY-MM-DD]\n"
    "       everyseat token revoke --db URL --org NAME --id N\n"
    "       everyseat token list   --db URL --org NAME --team PATH\n"
    "\n"
    "API tokens let another system write the measures of one team (PATH is\n"
    "Organisation/Directorate/Team). create prints the new token's secret on standard output,\n"
    "once: only its SHA-256 is kept. With --expires the token works up to the end of that day\n"
    "(UTC). revoke ends a token at once. list prints the team's tokens as a table.\n"
    "--db is sqlite:PATH, postgresql://USER@HOST/DB or postgresql:CONNINFO.\n"
    "Exit status: 0 success, 2 error (nothing is changed).\n";

constexpr int64_t kDay = 86400;

struct TokenArgs {
  std::string db;
  std::string org;
  std::string team;
  std::string name;
  std::optional<int64_t> expires_at;  // Unix seconds
  std::string expires;                // as given
  std::optional<domain::TokenId> id;
};

Outcome<TokenArgs> Interpret(const std::vector<Flag>& flags) {
  TokenArgs args;
  for (const Flag& flag : flags) {
    const std::string_view name = flag.name;
    const std::string_view value = flag.value;
    if (value.empty()) return tl::unexpected("--" + std::string(name) + " needs a value");
    if (name == "db") {
      args.db = value;
    } else if (name == "org") {
      args.org = value;
    } else if (name == "team") {
      args.team = value;
    } else if (name == "name") {
      if (auto ok = domain::ValidateName("name", value); !ok) {
        return tl::unexpected("--" + ok.error().message);
      }
      args.name = value;
    } else if (name == "expires") {
      auto day = domain::ParseIsoDate(value);
      if (!day) {
        return tl::unexpected("--expires must be a date written YYYY-MM-DD (got '" +
                              std::string(value) + "')");
      }
      args.expires = value;
      args.expires_at = *day + kDay;  // the end of that day
    } else if (name == "id") {
      int64_t id = 0;
      for (char c : value) {
        if (c < '0' || c > '9' || id > (int64_t{1} << 50)) {
          id = 0;
          break;
        }
        id = id * 10 + (c - '0');
      }
      if (id <= 0) {
        return tl::unexpected("--id must be a token's number (got '" + std::string(value) + "')");
      }
      args.id = domain::TokenId(id);
    }
  }
  if (args.db.empty()) return tl::unexpected(std::string("--db is required"));
  if (args.org.empty()) return tl::unexpected(std::string("--org is required"));
  return args;
}

struct Opened {
  std::unique_ptr<store::Store> store;
  domain::Organisation org;
};

Outcome<Opened> OpenOrganisation(const TokenArgs& args) {
  auto store = OpenDatabase(args.db);
  if (!store) return tl::unexpected(store.error());
  auto org = RequireOrganisation(**store, args.org);
  if (!org) return tl::unexpected(org.error());
  return Opened{std::move(*store), std::move(*org)};
}

Outcome<domain::Team> FindTeam(store::Store& store, const domain::Organisation& org,
                               std::string_view path) {
  auto segments = CheckTeamPath(path, org.name);
  if (!segments) return tl::unexpected("--team: " + segments.error());
  auto team = store.FindTeamByPath(org.id, path);
  if (!team) {
    if (team.error().code == store::StoreErrorCode::kNotFound) {
      return tl::unexpected("no team " + domain::JoinTeamPath(*segments));
    }
    return tl::unexpected(Describe(team.error()));
  }
  return std::move(*team);
}

int Create(const TokenArgs& args) {
  if (args.team.empty()) return Refuse(kCommand, "--team is required");
  if (args.name.empty()) return Refuse(kCommand, "--name is required");
  auto opened = OpenOrganisation(args);
  if (!opened) return Refuse(kCommand, opened.error());
  auto team = FindTeam(*opened->store, opened->org, args.team);
  if (!team) return Refuse(kCommand, team.error());
  auto issued = opened->store->IssueApiToken(domain::Actor::System("cli"), opened->org.id, team->id,
                                             args.name, args.expires_at);
  if (!issued) {
    if (issued.error().field == "expires_at") {
      return Refuse(kCommand, "--expires " + args.expires + " has passed");
    }
    return Refuse(kCommand, Describe(issued.error()));
  }
  std::printf("%s\n", issued->secret.c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "token %lld for %s created; it is shown once\n",
               static_cast<long long>(issued->record.id.value), team->path.c_str());
  return 0;
}

int Revoke(const TokenArgs& args) {
  if (!args.id) return Refuse(kCommand, "--id is required");
  auto opened = OpenOrganisation(args);
  if (!opened) return Refuse(kCommand, opened.error());
  if (auto revoked =
          opened->store->RevokeApiToken(domain::Actor::System("cli"), opened->org.id, *args.id);
      !revoked) {
    return Refuse(kCommand, Describe(revoked.error()));
  }
  std::printf("token %lld revoked\n", static_cast<long long>(args.id->value));
  return 0;
}

std::string Day(std::optional<int64_t> time) {
  return time ? domain::FormatIsoDate(*time) : std::string("-");
}

// A table with columns padded to their widest cell, two spaces apart.
std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

int List(const TokenArgs& args) {
  if (args.team.empty()) return Refuse(kCommand, "--team is required");
  auto opened = OpenOrganisation(args);
  if (!opened) return Refuse(kCommand, opened.error());
  auto team = FindTeam(*opened->store, opened->org, args.team);
  if (!team) return Refuse(kCommand, team.error());
  auto tokens = opened->store->ListApiTokens(opened->org.id, team->id);
  if (!tokens) return Refuse(kCommand, Describe(tokens.error()));
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<std::vector<std::string>> rows{
      {"id", "name", "state", "created", "expires", "last_used", "created_by"}};
  for (const store::ApiToken& token : *tokens) {
    const std::string state = token.revoked_at                               ? "revoked"
                              : token.expires_at && *token.expires_at <= now ? "expired"
                                                                             : "active";
    // --expires D stores the end of day D; show D.
    std::optional<int64_t> expires = token.expires_at;
    if (expires) *expires -= 1;
    std::string by = token.created_by.label;
    if (token.created_by.person) {
      by = "person " + std::to_string(token.created_by.person->value) +
           (by.empty() ? "" : " (" + by + ")");
    }
    rows.push_back({std::to_string(token.id.value), token.name, state, Day(token.created_at),
                    Day(expires), Day(token.last_used_at), by});
  }
  const std::string text = Table(rows);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

// clang-format off
const FlagSet kFlags{
    {"db", "org", "team", "name", "expires", "id"},
    {"help"},
};
// clang-format on

}  // namespace

int RunToken(std::span<const std::string_view> args) {
  if (args.empty() || HasFlag(args, "--help") || args.front() == "help") {
    std::fwrite(kUsage.data(), 1, kUsage.size(), args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string_view verb = args.front();
  if (verb != "create" && verb != "revoke" && verb != "list") {
    return Refuse(kCommand,
                  "unknown subcommand '" + std::string(verb) + "' (one of create, revoke, list)");
  }
  auto flags = ScanFlags(args.subspan(1), kFlags);
  if (!flags) return Refuse(kCommand, flags.error());
  auto interpreted = Interpret(*flags);
  if (!interpreted) return Refuse(kCommand, interpreted.error());
  // Each verb takes only its own options.
  const TokenArgs& token = *interpreted;
  const bool team_options = !token.team.empty() || !token.name.empty() || token.expires_at;
  if (verb == "create") {
    if (token.id) return Refuse(kCommand, "--id is for token revoke");
    return Create(token);
  }
  if (verb == "revoke") {
    if (team_options)
      return Refuse(kCommand, "token revoke takes --id, not --team, --name or --expires");
    return Revoke(token);
  }
  if (token.id || !token.name.empty() || token.expires_at) {
    return Refuse(kCommand, "token list takes --team only");
  }
  return List(token);
}

}  // namespace everyseat::cli
