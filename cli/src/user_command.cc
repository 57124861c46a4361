// everyseat user add: makes a person who can sign in. In one store transaction it makes the
// organisation when there is none of that name, the team path (every missing team along it),
// the person, their team membership (member, or lead with --lead), their organisation roles and
// their password, read as one line from standard input and hashed with argon2id
// (domain::HashPassword). An email that exists already is an error unless --update is given;
// then the person's password is replaced (and their open sessions ended), and the membership
// and roles are added to what they have. Prints "person ID".
//
// Errors change nothing: exit status 2 and one line, "everyseat user: reason".
// Thread-safety: owns the process while it runs.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin.h"
#include "args.h"
#include "commands.h"
#include "everyseat/domain/secrets.h"
#include "everyseat/domain/validate.h"

namespace everyseat::cli {
namespace {

constexpr std::string_view kCommand = "user";

constexpr std::string_view kUsage =
    "usage: everyseat user add --db URL --org NAME --email EMAIL --name NAME\n"
    "                          [--job-title TEXT] [--staff-group GROUP] [--team PATH] [--lead]\n"
    "                          [--role moderator|equality|board|admin]... [--update]\n"
    "                          --password-stdin\n"
    "\n"
    "Adds a person who can sign in, in one transaction: the organisation (when --org names none),\n"
    "the team path Organisation/Directorate/Team (every missing team along it), the person, their\n"
    "membership of the team (member, or lead with --lead), their organisation roles and their\n"
    "password, read as one line from standard input (at least 12 characters).\n"
    "An email that exists already is an error unless --update is given: then the password (when\n"
    "--password-stdin is given) is replaced, the name, job title and staff group given are set,\n"
    "and the membership and roles are added. Prints 'person ID'.\n"
    "--db is sqlite:PATH, postgresql://USER@HOST/DB or postgresql:CONNINFO.\n"
    "Exit status: 0 success, 2 error (nothing is changed).\n";

constexpr size_t kMinPasswordCharacters = 12;
constexpr size_t kMaxPasswordBytes = 1024;

struct UserArgs {
  std::string db;
  std::string org;
  std::string email;  // normalised
  std::optional<std::string> name;
  std::optional<std::string> job_title;
  std::optional<domain::StaffGroup> staff_group;
  std::vector<std::string> team;  // segments; empty: no team
  bool lead = false;
  std::vector<domain::OrgRole> roles;  // without repeats
  bool password = false;
  bool update = false;
};

Outcome<UserArgs> Interpret(const std::vector<Flag>& flags) {
  UserArgs args;
  std::string team;
  for (const Flag& flag : flags) {
    const std::string_view name = flag.name;
    const std::string_view value = flag.value;
    if (name == "lead") {
      args.lead = true;
    } else if (name == "password-stdin") {
      args.password = true;
    } else if (name == "update") {
      args.update = true;
    } else if (value.empty()) {
      return tl::unexpected("--" + std::string(name) + " needs a value");
    } else if (name == "db") {
      args.db = value;
    } else if (name == "org") {
      args.org = value;
    } else if (name == "email") {
      auto email = domain::NormaliseEmail(value);
      if (!email) return tl::unexpected("--" + email.error().message);
      args.email = std::move(*email);
    } else if (name == "name") {
      if (auto ok = domain::ValidateName("name", value); !ok) {
        return tl::unexpected("--" + ok.error().message);
      }
      args.name = value;
    } else if (name == "job-title") {
      if (auto ok = domain::ValidateText("job-title", value, domain::kMaxNameLength); !ok) {
        return tl::unexpected("--" + ok.error().message);
      }
      args.job_title = value;
    } else if (name == "staff-group") {
      args.staff_group = ParseStaffGroupText(value);
      if (!args.staff_group) return tl::unexpected(UnknownStaffGroup("--staff-group", value));
    } else if (name == "team") {
      team = value;
    } else if (name == "role") {
      std::optional<domain::OrgRole> role = domain::ParseOrgRole(value);
      if (!role) {
        return tl::unexpected("--role must be one of moderator, equality, board, admin (got '" +
                              std::string(value) + "')");
      }
      if (std::find(args.roles.begin(), args.roles.end(), *role) == args.roles.end()) {
        args.roles.push_back(*role);
      }
    } else {
      return tl::unexpected("unknown option '--" + std::string(name) + "'");
    }
  }
  if (args.db.empty()) return tl::unexpected(std::string("--db is required"));
  if (args.org.empty()) return tl::unexpected(std::string("--org is required"));
  if (auto ok = domain::ValidateTeamName(args.org); !ok) {
    return tl::unexpected("--org " + ok.error().message.substr(ok.error().message.find(' ') + 1));
  }
  if (args.email.empty()) return tl::unexpected(std::string("--email is required"));
  if (!args.name && !args.update) return tl::unexpected(std::string("--name is required"));
  if (!args.password && !args.update) {
    return tl::unexpected(
        std::string("--password-stdin is required: the password is read from standard input"));
  }
  if (!team.empty()) {
    auto segments = CheckTeamPath(team, args.org);
    if (!segments) return tl::unexpected("--team: " + segments.error());
    args.team = std::move(*segments);
  }
  if (args.lead && args.team.empty()) return tl::unexpected(std::string("--lead needs --team"));
  return args;
}

// One line from standard input without its line ending.
Outcome<std::string> ReadPasswordLine() {
  std::string line;
  bool ended = false;
  for (;;) {
    char c = 0;
    const ssize_t got = ::read(STDIN_FILENO, &c, 1);
    if (got < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(std::string("cannot read the password from standard input"));
    }
    if (got == 0) break;
    if (c == '\n') {
      ended = true;
      break;
    }
    if (line.size() >= kMaxPasswordBytes) {
      return tl::unexpected("the password is longer than " + std::to_string(kMaxPasswordBytes) +
                            " bytes");
    }
    line.push_back(c);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty() && !ended) {
    return tl::unexpected(std::string("no password on standard input (--password-stdin)"));
  }
  return line;
}

// Characters of UTF-8 text: every byte that does not continue a character.
size_t Characters(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Outcome<std::string> ReadPasswordHash() {
  auto password = ReadPasswordLine();
  if (!password) return password;
  if (Characters(*password) < kMinPasswordCharacters) {
    return tl::unexpected("the password must be at least " +
                          std::to_string(kMinPasswordCharacters) + " characters long (it has " +
                          std::to_string(Characters(*password)) + ")");
  }
  for (char c : *password) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return tl::unexpected(std::string("the password contains a control character"));
    }
  }
  auto hash = domain::HashPassword(*password);
  std::fill(password->begin(), password->end(), '\0');
  if (!hash) return tl::unexpected("cannot hash the password: " + hash.error().message);
  return std::move(*hash);
}

// The writes of user add, inside the caller's transaction. Returns the person's id.
Outcome<domain::PersonId> AddUser(store::Store& store, const UserArgs& args,
                                  const std::optional<std::string>& hash) {
  const domain::Actor actor = domain::Actor::System("cli");
  const auto failed = [](const store::StoreError& error) {
    return tl::unexpected(Describe(error));
  };
  auto found_org = FindOrganisation(store, args.org);
  if (!found_org) return tl::unexpected(found_org.error());
  domain::Organisation org;
  if (*found_org) {
    org = **found_org;
  } else {
    auto made = store.CreateOrganisation(actor, args.org);
    if (!made) return failed(made.error());
    org = *made;
  }

  domain::Person person;
  bool exists = false;
  if (auto found = store.FindPersonByEmail(org.id, args.email)) {
    person = *found;
    exists = true;
  } else if (found.error().code != store::StoreErrorCode::kNotFound) {
    return failed(found.error());
  }
  if (exists && !args.update) {
    return tl::unexpected("person " + args.email +
                          " already exists (--update changes their password, teams and roles)");
  }
  if (!exists && !args.name) {
    return tl::unexpected(std::string("--name is required for a new person"));
  }
  if (!exists && !hash) {
    return tl::unexpected(std::string("--password-stdin is required for a new person"));
  }
  domain::Person wanted = person;
  wanted.org = org.id;
  wanted.email = args.email;
  if (args.name) wanted.name = *args.name;
  if (args.job_title) wanted.job_title = *args.job_title;
  if (args.staff_group) wanted.staff_group = *args.staff_group;
  if (!exists) {
    auto made = store.CreatePerson(actor, wanted);
    if (!made) return failed(made.error());
    person = *made;
  } else if (!(wanted == person)) {
    auto updated = store.UpdatePerson(actor, wanted);
    if (!updated) return failed(updated.error());
    person = *updated;
  }

  if (!args.team.empty()) {
    auto teams = TeamDirectory::Load(store, org);
    if (!teams) return tl::unexpected(teams.error());
    auto team = teams->Ensure(actor, args.team);
    if (!team) return failed(team.error());
    auto memberships = store.ListMembershipsOfPerson(org.id, person.id);
    if (!memberships) return failed(memberships.error());
    auto held = std::find_if(memberships->begin(), memberships->end(),
                             [&](const domain::Membership& m) { return m.team == *team; });
    const domain::TeamRole role = args.lead ? domain::TeamRole::kLead : domain::TeamRole::kMember;
    // A lead stays a lead when added again without --lead.
    if (held == memberships->end() || (args.lead && held->role != domain::TeamRole::kLead)) {
      auto set = store.SetMembership(actor, org.id, domain::Membership{person.id, *team, role});
      if (!set) return failed(set.error());
    }
  }

  if (!args.roles.empty()) {
    auto held = store.ListRoles(org.id, person.id);
    if (!held) return failed(held.error());
    for (domain::OrgRole role : args.roles) {
      if (std::find(held->begin(), held->end(), role) != held->end()) continue;
      if (auto granted = store.GrantRole(actor, org.id, person.id, role); !granted) {
        return failed(granted.error());
      }
    }
  }

  if (hash) {
    if (auto set = store.SetPasswordHash(actor, org.id, person.id, *hash); !set) {
      return failed(set.error());
    }
    if (exists) {
      // A new password ends the sessions opened with the old one.
      if (auto revoked = store.RevokeSessionsOfPerson(actor, org.id, person.id); !revoked) {
        return failed(revoked.error());
      }
    }
  }
  return person.id;
}

// clang-format off
const FlagSet kFlags{
    {"db", "org", "email", "name", "job-title", "staff-group", "team", "role"},
    {"lead", "password-stdin", "update", "help"},
};
// clang-format on

int RunAdd(std::span<const std::string_view> args) {
  if (HasFlag(args, "--help")) {
    std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
    return 0;
  }
  auto flags = ScanFlags(args, kFlags);
  if (!flags) return Refuse(kCommand, flags.error());
  auto interpreted = Interpret(*flags);
  if (!interpreted) return Refuse(kCommand, interpreted.error());
  const UserArgs& user = *interpreted;

  // The password is read and hashed (slow on purpose) before the database is locked for writing.
  std::optional<std::string> hash;
  if (user.password) {
    auto made = ReadPasswordHash();
    if (!made) return Refuse(kCommand, made.error());
    hash = std::move(*made);
  }

  auto store = OpenDatabase(user.db);
  if (!store) return Refuse(kCommand, store.error());
  auto transaction = (*store)->Begin();
  if (!transaction) return Refuse(kCommand, Describe(transaction.error()));
  auto person = AddUser(**store, user, hash);
  if (!person) return Refuse(kCommand, person.error());  // the transaction rolls back
  if (auto committed = transaction->Commit(); !committed) {
    return Refuse(kCommand, Describe(committed.error()));
  }
  std::printf("person %lld\n", static_cast<long long>(person->value));
  return 0;
}

}  // namespace

int RunUser(std::span<const std::string_view> args) {
  if (args.empty() || args.front() == "--help" || args.front() == "help") {
    std::fwrite(kUsage.data(), 1, kUsage.size(), args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args.front() == "add") return RunAdd(args.subspan(1));
  return Refuse(kCommand, "unknown subcommand '" + std::string(args.front()) +
                              "' (everyseat user add is the one there is)");
}

}  // namespace everyseat::cli
